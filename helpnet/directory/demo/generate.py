"""Synthetic services for benchmarks: realistic text, places, hours and terms, at any scale.

The text comes from the hand-written demo records (Slovenian services in Slovenian towns, Danish
ones in Danish towns, a few written in English), recombined so that names and descriptions vary.
Rows are built and bulk-inserted one batch at a time, each batch in its own transaction, so memory
stays flat whether you ask for a hundred services or a million.

The generator writes only HSDS rows. Callers that need them run ``indexing.reindex_all()``
(search) or ``schedules.refresh_occurrences()`` (open now) afterwards.
"""

import datetime as dt
import random
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from helpnet.organizations.geography import MUNICIPALITIES
from helpnet.organizations.models import Municipality, Organization

from ..models import (
    Address,
    Attribute,
    CostOption,
    Language,
    Location,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
)
from ..vocabulary import NEED_AREAS_TAXONOMY, TARGET_GROUPS_TAXONOMY, term_id
from . import denmark, slovenia
from .records import Svc

BATCH = 1000  # services per transaction
SERVICES_PER_ORG = 12

_WORKDAYS = "MO,TU,WE,TH,FR"
# (byday, opens, closes, freq, attending_type): the shapes of opening hours seen in the demo.
_HOURS: tuple[tuple[tuple[str, str, str, str, str], ...], ...] = (
    ((_WORKDAYS, "07:00", "14:00", "WEEKLY", "in person"),),
    ((_WORKDAYS, "08:00", "15:00", "WEEKLY", "by appointment"),),
    (("MO,WE", "08:00", "12:00", "WEEKLY", "in person"), ("WE", "13:00", "17:00", "WEEKLY", "in person")),
    (("1WE,3WE", "08:30", "09:30", "MONTHLY", "in person"),),
    (("TU", "18:00", "19:30", "WEEKLY", "in person"),),
    (("TH", "17:00", "19:00", "WEEKLY", "in person"),),
    (("2TH", "17:00", "18:30", "MONTHLY", "in person"),),
    (("TU,TH", "09:00", "11:00", "WEEKLY", "in person"), ("SA", "09:00", "12:00", "WEEKLY", "in person")),
    (("MO,TU,WE,TH,FR,SA,SU", "00:00", "23:59", "WEEKLY", "phone"),),
    (),  # no fixed hours: "call us"
)

_STREETS = {
    "SI": ("Trg svobode", "Glavni trg", "Cesta krških žrtev", "Ulica 1. junija", "Cesta zmage", "Partizanska pot",
           "Savska cesta", "Kidričeva cesta", "Prešernova ulica", "Cankarjeva ulica", "Šolska ulica"),
    "DK": ("Vestergade", "Østergade", "Jernbane Allé", "Nørrebrogade", "Ålekistevej", "Skolegade",
           "Tronholmen", "Rådhusstræde", "Slotsgade", "Kirkevej"),
}  # fmt: skip
_POSTCODES = {
    "sevnica": "8290",
    "krsko": "8270",
    "brezice": "8250",
    "trbovlje": "1420",
    "zagorje-ob-savi": "1410",
    "litija": "1270",
    "randers": "8900",
    "vanlose": "2720",
}
_ORG_PATTERNS = {
    "SI": ("Društvo {x} {town}", "Zavod {x}", "Center {x} {town}", "Skupnost {x}", "Združenje {x} {town}"),
    "DK": ("Foreningen {x} {town}", "{x} {town}", "Netværket {x}", "Huset {x} {town}"),
}
_ORG_WORDS = {
    "SI": ("Nova pot", "Korak naprej", "Sončni žarek", "Most", "Srce", "Zaupanje", "Sopotnik", "Iskra",
           "Roka v roki", "Pomladni dan", "Drevo življenja", "Svetilnik", "Medgeneracijsko središče"),
    "DK": ("Fællesskab", "Håb", "Broen", "Livsmod", "Fyrtårnet", "Nye Veje", "Hånd i Hånd", "Trygt Sted",
           "Sammen", "Lyspunktet", "Naboskab"),
}  # fmt: skip
_NAME_SUFFIXES = {
    "SI": ("", "", " za mlade", " za starejše", " za družine", " – skupina", " – popoldanski termin",
           " na domu", " v {town}", " (pilotni program)", " za priseljence", " – svetovalnica"),
    "DK": ("", "", " for unge", " for ældre", " for familier", " – hold", " – aftenhold", " i {town}",
           " for nye danskere", " – rådgivning"),
    "en": ("", " for newcomers", " (in English)", " – drop-in", " – online"),
}  # fmt: skip


@dataclass(frozen=True)
class _Template:
    lang: str
    name: str
    description: str
    name_en: str
    description_en: str
    needs: tuple[str, ...]
    groups: tuple[str, ...]
    languages: tuple[str, ...]
    sentences: tuple[str, ...]


def _sentences(text: str) -> tuple[str, ...]:
    return tuple(s for s in re.split(r"(?<=[.!?])\s+", text) if s)


def _template(svc: Svc, lang: str) -> _Template:
    return _Template(
        lang,
        svc.name,
        svc.description,
        svc.name_en,
        svc.description_en,
        svc.needs,
        svc.groups,
        svc.languages,
        _sentences(svc.description),
    )


def _templates() -> dict[str, list[_Template]]:
    by_country: dict[str, list[_Template]] = {"SI": [], "DK": [], "en": []}
    for country, lang, services in (("SI", "sl", slovenia.SERVICES), ("DK", "da", denmark.SERVICES)):
        for svc in services:
            if svc.status != "inactive":
                by_country[country].append(_template(svc, lang))
                by_country["en"].append(
                    _Template(
                        "en",
                        svc.name_en,
                        svc.description_en,
                        svc.name_en,
                        svc.description_en,
                        svc.needs,
                        svc.groups,
                        ("en", *svc.languages),
                        _sentences(svc.description_en),
                    )
                )
    return by_country


class _Table:
    """Rows of one table as tuples, inserted with one executemany per batch.

    Building model instances and compiling bulk_create SQL costs more than the database work
    here (a million services means twelve million rows), so rows are tuples and every column we
    do not set gets its default, prepared once per table.
    """

    def __init__(self, model: type[models.Model], columns: tuple[str, ...]) -> None:
        meta = model._meta
        fields: dict[str, Any] = {f.name: f for f in meta.concrete_fields}
        given = [fields[name] for name in columns]
        rest = [f for f in fields.values() if f.name not in columns]
        now = timezone.now()
        self.fixed = tuple(f.get_db_prep_save(_default(f, now), connection) for f in rest)
        self.prepare = [f.get_db_prep_save for f in given]
        names = ", ".join(connection.ops.quote_name(f.column) for f in (*given, *rest))
        marks = ", ".join(["%s"] * (len(given) + len(rest)))
        table = connection.ops.quote_name(meta.db_table)
        self.sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608 (names from model metadata)
        self.copy_sql = f"COPY {table} ({names}) FROM STDIN"
        self.rows: list[tuple[Any, ...]] = []

    def add(self, *values: Any) -> None:
        self.rows.append(values)

    def flush(self) -> None:
        if not self.rows:
            return
        prepared = [
            (*(prep(v, connection) for prep, v in zip(self.prepare, row, strict=True)), *self.fixed)
            for row in self.rows
        ]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # COPY: a million services are twelve million rows, and INSERTs took 34 minutes of it.
                with cursor.cursor.copy(self.copy_sql) as copy:
                    for row in prepared:
                        copy.write_row(row)
            else:
                cursor.executemany(self.sql, prepared)
        self.rows.clear()


def _default(f: Any, now: dt.datetime) -> Any:
    if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
        return now
    if f.has_default():
        return f.get_default()
    return None if f.null else ""


class _Writer:
    """The tables the generator fills, in foreign-key order."""

    def __init__(self) -> None:
        self.organizations = _Table(
            Organization,
            ("id", "name", "description", "kind", "country", "municipality", "website", "email",
             "original_language"),
        )  # fmt: skip
        self.locations = _Table(
            Location,
            ("id", "organization", "name", "municipality", "latitude", "longitude", "confidential",
             "original_language"),
        )  # fmt: skip
        self.addresses = _Table(
            Address, ("id", "location", "address_1", "city", "postal_code", "region", "country")
        )
        self.services = _Table(
            Service,
            ("id", "organization", "name", "description", "status", "email", "assured_date",
             "original_language", "translations"),
        )  # fmt: skip
        self.service_at_locations = _Table(ServiceAtLocation, ("id", "service", "location"))
        self.schedules = _Table(
            Schedule, ("id", "service", "freq", "byday", "opens_at", "closes_at", "attending_type")
        )
        self.attributes = _Table(Attribute, ("id", "link_id", "link_entity", "link_type", "taxonomy_term"))
        self.service_areas = _Table(ServiceArea, ("id", "service", "municipality", "name"))
        self.languages = _Table(Language, ("id", "service", "code"))
        self.phones = _Table(Phone, ("id", "service", "number"))
        self.cost_options = _Table(CostOption, ("id", "service", "option", "amount", "currency"))

    def flush(self) -> None:
        for table in vars(self).values():
            table.flush()


class _Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)  # noqa: S311 (test data, not secrets)
        self.municipalities = list(Municipality.objects.filter(slug__in=list(MUNICIPALITIES)))
        if not self.municipalities:
            raise RuntimeError("No demo municipalities: run the migrations first.")
        self.by_country: dict[str, list[Municipality]] = {}
        for muni in self.municipalities:
            self.by_country.setdefault(muni.country, []).append(muni)
        self.templates = _templates()
        self.today = timezone.localdate()
        self.out = _Writer()

    def batch(self, size: int) -> None:
        rng = self.rng
        org: tuple[uuid.UUID, str] | None = None
        places: list[tuple[uuid.UUID, Municipality]] = []
        for i in range(size):
            if org is None or i % SERVICES_PER_ORG == 0:
                muni = rng.choice(self.municipalities)
                org = self._organization(muni)
                places = [self._location(org[0], org[1], muni) for _ in range(rng.choice((1, 1, 2)))]
            location_id, muni = rng.choice(places)
            self._service(org[0], org[1], location_id, muni)

    def _organization(self, muni: Municipality) -> tuple[uuid.UUID, str]:
        rng = self.rng
        pattern = rng.choice(_ORG_PATTERNS[muni.country])
        name = pattern.format(x=rng.choice(_ORG_WORDS[muni.country]), town=muni.name)
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:30] or "org"
        org_id = uuid.uuid4()  # random, not seeded: running the generator twice must never collide
        self.out.organizations.add(
            org_id,
            name,
            rng.choice(self.templates[muni.country]).description,
            rng.choice(("ngo", "ngo", "health_centre", "social_work_centre", "youth_centre", "other")),
            muni.country,
            muni.pk,
            f"https://www.{slug}.example",
            f"info@{slug}.example",
            "sl" if muni.country == "SI" else "da",
        )
        return org_id, name

    def _location(self, org_id: uuid.UUID, name: str, muni: Municipality) -> tuple[uuid.UUID, Municipality]:
        rng = self.rng
        confidential = rng.random() < 0.005
        location_id = uuid.uuid4()
        # Within a few kilometres of the town centre, as real services are.
        lat = round(muni.latitude + rng.gauss(0, 0.02), 6)
        lng = round(muni.longitude + rng.gauss(0, 0.03), 6)
        self.out.locations.add(
            location_id,
            org_id,
            name,
            None if confidential else muni.pk,
            None if confidential else lat,
            None if confidential else lng,
            confidential,
            "sl" if muni.country == "SI" else "da",
        )
        if not confidential:
            self.out.addresses.add(
                uuid.uuid4(),
                location_id,
                f"{rng.choice(_STREETS[muni.country])} {rng.randint(1, 140)}",
                muni.name,
                _POSTCODES.get(muni.slug, "0000"),
                muni.region,
                muni.country,
            )
        return location_id, muni

    def _service(self, org_id: uuid.UUID, org_name: str, location_id: uuid.UUID, muni: Municipality) -> None:
        rng = self.rng
        out = self.out
        pool = "en" if rng.random() < 0.05 else muni.country
        tpl = rng.choice(self.templates[pool])
        other = rng.choice(self.templates[pool])
        suffix = rng.choice(_NAME_SUFFIXES[pool]).format(town=muni.name)
        extra = rng.choice(other.sentences) if other.sentences else ""
        status = rng.choices(
            (Service.Status.ACTIVE, Service.Status.TEMPORARILY_CLOSED, Service.Status.INACTIVE),
            weights=(96, 2, 2),
        )[0]
        service_id = uuid.uuid4()
        translations = (
            {} if tpl.lang == "en" else {"en": {"name": tpl.name_en, "description": tpl.description_en}}
        )
        out.services.add(
            service_id,
            org_id,
            f"{tpl.name}{suffix}"[:255],
            f"{tpl.description} {extra}".strip(),
            status.value,
            "",
            self.today
            - dt.timedelta(
                days=rng.randint(0, 500)
            ),  # within 16 months: all listed, some "may be out of date"
            tpl.lang,
            translations,
        )
        out.service_at_locations.add(uuid.uuid4(), service_id, location_id)
        for byday, opens, closes, freq, attending in rng.choice(_HOURS):
            out.schedules.add(
                uuid.uuid4(),
                service_id,
                freq,
                byday,
                dt.time.fromisoformat(opens),
                dt.time.fromisoformat(closes),
                attending,
            )
        for code in tpl.needs:
            out.attributes.add(
                uuid.uuid4(), service_id, "service", "need_area", term_id(NEED_AREAS_TAXONOMY, code)
            )
        for code in tpl.groups:
            out.attributes.add(
                uuid.uuid4(), service_id, "service", "target_group", term_id(TARGET_GROUPS_TAXONOMY, code)
            )
        areas = {muni.slug: muni}
        if rng.random() < 0.3:
            neighbour = rng.choice(self.by_country[muni.country])
            areas[neighbour.slug] = neighbour
        for area in areas.values():
            out.service_areas.add(uuid.uuid4(), service_id, area.pk, area.name)
        for code in tpl.languages:
            out.languages.add(uuid.uuid4(), service_id, code)
        if muni.country == "SI":
            number = f"0{rng.randint(30, 70)} {rng.randint(100, 999)} {rng.randint(100, 999)}"
        else:
            number = " ".join(str(rng.randint(10, 99)) for _ in range(4))
        out.phones.add(uuid.uuid4(), service_id, number)
        amount = Decimal(0) if rng.random() < 0.8 else Decimal(rng.choice((5, 10, 20, 35, 50)))
        out.cost_options.add(
            uuid.uuid4(),
            service_id,
            "free" if amount == 0 else "fee",
            amount,
            "EUR" if muni.country == "SI" else "DKK",
        )


def generate_services(n: int, *, seed: int = 2026, progress: Callable[[int], None] | None = None) -> int:
    """Create ``n`` synthetic services (with organisations, locations and terms); returns ``n``.

    The same seed gives the same texts, places and hours; ids are always fresh.
    """
    generator = _Generator(seed)
    done = 0
    while done < n:
        size = min(BATCH, n - done)
        generator.batch(size)
        with transaction.atomic():
            generator.out.flush()
        done += size
        if progress:
            progress(done)
    return done
