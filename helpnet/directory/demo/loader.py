"""Turns the demo records into HSDS rows and demo users, idempotently.

Every row id is uuid5(DEMO_NAMESPACE, "<kind>:<key>"), and rows are written with one upsert per
table (bulk INSERT … ON CONFLICT (id) DO UPDATE), so loading again restores the demo content
without adding rows, in a fraction of a second on SQLite.
"""

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import models, transaction
from django.utils import timezone

from helpnet.accounts.models import User
from helpnet.organizations.models import Membership, Municipality, Organization

from .. import indexing, schedules
from ..models import (
    Accessibility,
    Address,
    Attribute,
    Closure,
    CostOption,
    Language,
    Location,
    Phone,
    Program,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceCapacity,
    Unit,
)
from ..vocabulary import NEED_AREAS_TAXONOMY, TARGET_GROUPS_TAXONOMY, term_id
from . import denmark, slovenia
from .records import Hours, Org, Place, Prog, Svc

DEMO_NAMESPACE = uuid.UUID("0b9e4a52-3c1f-5d8e-9f5a-6d656d6f0001")

# One password for every demo account, printed by load_demo; demo databases only.
DEMO_PASSWORD = "pomoc-demo-2026"  # noqa: S105

LANGUAGE_NAMES = {
    "sl": "slovenščina",
    "da": "dansk",
    "en": "English",
    "hr": "hrvatski",
    "uk": "українська",
    "ar": "العربية",
}


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    language: str
    organization: str = ""  # org key; "" for the superuser
    role: str = ""


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("admin", "Ana", "Skrbnica", "sl"),
    DemoUser("skrbnik", "Marko", "Kos", "sl", "zd-sevnica", Membership.Role.ADMIN),
    DemoUser("urednik", "Petra", "Zupan", "sl", "zd-sevnica", Membership.Role.EDITOR),
    DemoUser("bralec", "Janez", "Novak", "sl", "zd-sevnica", Membership.Role.VIEWER),
    DemoUser("redaktoer", "Mette", "Jensen", "da", "randers-sundhedscenter", Membership.Role.EDITOR),
)


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    organization: str


@dataclass(frozen=True)
class LoadResult:
    organizations: int
    services: int
    listed_services: int
    users_created: int


def demo_id(kind: str, key: str) -> uuid.UUID:
    return uuid.uuid5(DEMO_NAMESPACE, f"{kind}:{key}")


def demo_logins() -> list[DemoLogin]:
    names = {o.key: o.name for o in (*slovenia.ORGS, *denmark.ORGS)}
    return [DemoLogin(u.username, u.role or "superuser", names.get(u.organization, "")) for u in DEMO_USERS]


def _upsert(model: type[models.Model], rows: Sequence[models.Model]) -> None:
    """Insert new rows and overwrite existing ones by id; creation timestamps stay as they were."""
    if not rows:
        return
    keep = {"created_at", "updated_at", "last_modified"}
    fields = [f.name for f in model._meta.concrete_fields if not f.primary_key and f.name not in keep]
    model._default_manager.bulk_create(
        rows, batch_size=500, update_conflicts=True, unique_fields=["id"], update_fields=fields
    )


def _en(**fields: str) -> dict[str, dict[str, str]]:
    present = {k: v for k, v in fields.items() if v}
    return {"en": present} if present else {}


def _time(value: str) -> dt.time:
    hour, minute = value.split(":")
    return dt.time(int(hour), int(minute))


def _season(hours: Hours, today: dt.date) -> tuple[dt.date | None, dt.date | None]:
    """Seasonal validity in the season that is current or next (winter seasons span New Year)."""
    if hours.valid_from is None or hours.valid_to is None:
        return None, None
    start = dt.date(today.year, *hours.valid_from)
    end = dt.date(today.year, *hours.valid_to)
    if start <= end:
        if end < today:
            start, end = start.replace(year=today.year + 1), end.replace(year=today.year + 1)
        return start, end
    if today <= end:
        return start.replace(year=today.year - 1), end
    return start, end.replace(year=today.year + 1)


@dataclass
class _Rows:
    """Everything to write, table by table, in foreign-key order."""

    organizations: list[Organization]
    programs: list[Program]
    locations: list[Location]
    addresses: list[Address]
    accessibility: list[Accessibility]
    services: list[Service]
    service_at_locations: list[ServiceAtLocation]
    schedules: list[Schedule]
    attributes: list[Attribute]
    service_areas: list[ServiceArea]
    languages: list[Language]
    phones: list[Phone]
    cost_options: list[CostOption]
    closures: list[Closure]
    units: list[Unit]
    capacities: list[ServiceCapacity]

    def in_order(self) -> Iterable[tuple[type[models.Model], Sequence[models.Model]]]:
        yield Organization, self.organizations
        yield Program, self.programs
        yield Location, self.locations
        yield Address, self.addresses
        yield Accessibility, self.accessibility
        yield Service, self.services
        yield ServiceAtLocation, self.service_at_locations
        yield Schedule, self.schedules
        yield Attribute, self.attributes
        yield ServiceArea, self.service_areas
        yield Language, self.languages
        yield Phone, self.phones
        yield CostOption, self.cost_options
        yield Closure, self.closures
        yield Unit, self.units
        yield ServiceCapacity, self.capacities


def _org_row(org: Org, lang: str, municipalities: dict[str, Municipality]) -> Organization:
    muni = municipalities[org.municipality]
    return Organization(
        id=demo_id("organization", org.key),
        name=org.name,
        alternate_name=org.alternate_name,
        description=org.description,
        email=org.email,
        website=org.website,
        kind=org.kind,
        country=muni.country,
        municipality=muni,
        original_language=lang,
        translations=_en(name=org.name_en, description=org.description_en),
    )


def _place_rows(place: Place, lang: str, municipalities: dict[str, Municipality], rows: _Rows) -> None:
    muni = municipalities.get(place.municipality)
    location_id = demo_id("location", place.key)
    rows.locations.append(
        Location(
            id=location_id,
            organization_id=demo_id("organization", place.org),
            name=place.name,
            transportation=place.transportation,
            latitude=None if place.confidential else place.latitude,
            longitude=None if place.confidential else place.longitude,
            confidential=place.confidential,
            municipality=None if place.confidential else muni,
            original_language=lang,
            translations=_en(name=place.name_en, transportation=place.transportation_en),
        )
    )
    if not place.confidential and place.address and muni is not None:
        rows.addresses.append(
            Address(
                id=demo_id("address", place.key),
                location_id=location_id,
                address_1=place.address,
                city=place.city,
                postal_code=place.postal_code,
                region=muni.region,
                country=muni.country,
            )
        )
    if place.accessibility:
        rows.accessibility.append(
            Accessibility(
                id=demo_id("accessibility", place.key),
                location_id=location_id,
                description=place.accessibility,
                original_language=lang,
                translations=_en(description=place.accessibility_en),
            )
        )


def _service_rows(
    svc: Svc, lang: str, today: dt.date, municipalities: dict[str, Municipality], rows: _Rows
) -> None:
    service_id = demo_id("service", svc.key)
    rows.services.append(
        Service(
            id=service_id,
            organization_id=demo_id("organization", svc.org),
            program_id=demo_id("program", svc.program) if svc.program else None,
            name=svc.name,
            description=svc.description,
            url=svc.url,
            email=svc.email,
            status=svc.status,
            interpretation_services=svc.interpretation,
            application_process=svc.application_process,
            fees_description=svc.fees_description,
            eligibility_description=svc.eligibility,
            wait_time=svc.wait_time,
            minimum_age=svc.minimum_age,
            maximum_age=svc.maximum_age,
            assured_date=today - dt.timedelta(days=svc.verified_days_ago),
            assurer_email=f"kakovost@{'helpnet-dk' if lang == 'da' else 'helpnet-si'}.example",
            alert=svc.alert,
            original_language=lang,
            translations=_en(
                name=svc.name_en,
                description=svc.description_en,
                application_process=svc.application_process_en,
                eligibility_description=svc.eligibility_en,
                fees_description=svc.fees_description_en,
                alert=svc.alert_en,
            ),
        )
    )
    sal_ids = {}
    for place in svc.places:
        sal_ids[place] = demo_id("service_at_location", f"{svc.key}:{place}")
        rows.service_at_locations.append(
            ServiceAtLocation(
                id=sal_ids[place], service_id=service_id, location_id=demo_id("location", place)
            )
        )
    for i, hours in enumerate(svc.hours):
        valid_from, valid_to = _season(hours, today)
        rows.schedules.append(
            Schedule(
                id=demo_id("schedule", f"{svc.key}:{i}"),
                service_id=service_id,
                service_at_location_id=sal_ids[hours.place] if hours.place else None,
                freq=hours.freq,
                byday=hours.byday,
                opens_at=_time(hours.opens),
                closes_at=_time(hours.closes),
                attending_type=hours.attending_type,
                valid_from=valid_from,
                valid_to=valid_to,
                description=hours.description,
                original_language=lang,
                translations=_en(description=hours.description_en),
            )
        )
    for taxonomy, link_type, codes in (
        (NEED_AREAS_TAXONOMY, "need_area", svc.needs),
        (TARGET_GROUPS_TAXONOMY, "target_group", svc.groups),
    ):
        for code in codes:
            rows.attributes.append(
                Attribute(
                    id=demo_id("attribute", f"{svc.key}:{taxonomy}:{code}"),
                    link_id=service_id,
                    link_entity="service",
                    link_type=link_type,
                    taxonomy_term_id=term_id(taxonomy, code),
                )
            )
    for slug in svc.areas:
        rows.service_areas.append(
            ServiceArea(
                id=demo_id("service_area", f"{svc.key}:{slug}"),
                service_id=service_id,
                municipality=municipalities[slug],
                name=municipalities[slug].name,
            )
        )
    for code in svc.languages:
        rows.languages.append(
            Language(
                id=demo_id("language", f"{svc.key}:{code}"),
                service_id=service_id,
                code=code,
                name=LANGUAGE_NAMES.get(code, code),
            )
        )
    if svc.phone:
        rows.phones.append(
            Phone(id=demo_id("phone", f"service:{svc.key}"), service_id=service_id, number=svc.phone)
        )
    currency = "DKK" if lang == "da" else "EUR"
    for i, fee in enumerate(svc.fees):
        rows.cost_options.append(
            CostOption(
                id=demo_id("cost_option", f"{svc.key}:{i}"),
                service_id=service_id,
                option=fee.option,
                amount=Decimal(str(fee.amount)),
                currency=fee.currency if fee.amount else currency,
                amount_description=fee.description,
            )
        )
    if svc.closure:
        start, end, reason, reason_en = svc.closure
        rows.closures.append(
            Closure(
                id=demo_id("closure", svc.key),
                service_id=service_id,
                start_date=today + dt.timedelta(days=start),
                end_date=today + dt.timedelta(days=end),
                reason=reason,
                original_language=lang,
                translations=_en(reason=reason_en),
            )
        )
    if svc.capacity:
        available, maximum = svc.capacity
        rows.capacities.append(
            ServiceCapacity(
                id=demo_id("capacity", svc.key),
                service_id=service_id,
                unit_id=demo_id("unit", "places"),
                available=Decimal(available),
                maximum=Decimal(maximum),
                updated=dt.datetime.combine(today, dt.time(8), tzinfo=dt.UTC),
            )
        )


def _program_row(prog: Prog, lang: str) -> Program:
    return Program(
        id=demo_id("program", prog.key),
        organization_id=demo_id("organization", prog.org),
        name=prog.name,
        alternate_name=prog.alternate_name,
        description=prog.description,
        original_language=lang,
        translations=_en(name=prog.name_en, description=prog.description_en),
    )


def build_rows(today: dt.date) -> _Rows:
    municipalities = {m.slug: m for m in Municipality.objects.all()}
    rows = _Rows(*([] for _ in range(16)))
    rows.units.append(
        Unit(id=demo_id("unit", "places"), name="places", scheme="helpnet", identifier="places")
    )
    datasets: tuple[tuple[str, Any], ...] = (("sl", slovenia), ("da", denmark))
    for lang, data in datasets:
        for org in data.ORGS:
            rows.organizations.append(_org_row(org, lang, municipalities))
            if org.phone:
                rows.phones.append(
                    Phone(
                        id=demo_id("phone", f"organization:{org.key}"),
                        organization_id=demo_id("organization", org.key),
                        number=org.phone,
                    )
                )
        for prog in getattr(data, "PROGRAMS", ()):
            rows.programs.append(_program_row(prog, lang))
        for place in data.PLACES:
            _place_rows(place, lang, municipalities, rows)
        for svc in data.SERVICES:
            _service_rows(svc, lang, today, municipalities, rows)
    return rows


def _ensure_users() -> int:
    """Create missing demo users (one password hash for all: hashing is the slow part)."""
    existing = set(
        User.objects.filter(username__in=[u.username for u in DEMO_USERS]).values_list("username", flat=True)
    )
    password = make_password(DEMO_PASSWORD) if len(existing) < len(DEMO_USERS) else ""
    created = 0
    for demo in DEMO_USERS:
        if demo.username not in existing:
            is_super = not demo.organization
            User.objects.create(
                username=demo.username,
                password=password,
                first_name=demo.first_name,
                last_name=demo.last_name,
                email=f"{demo.username}@helpnet-demo.example",
                preferred_language=demo.language,
                is_staff=is_super,
                is_superuser=is_super,
            )
            created += 1
        if demo.organization:
            user = User.objects.get(username=demo.username)
            Membership.objects.update_or_create(
                user=user,
                organization_id=demo_id("organization", demo.organization),
                defaults={"role": demo.role},
            )
    return created


def demo_service_ids() -> list[uuid.UUID]:
    return [demo_id("service", s.key) for s in (*slovenia.SERVICES, *denmark.SERVICES)]


@transaction.atomic
def load_demo(*, today: dt.date | None = None) -> LoadResult:
    """Write the demo organisations, services and users; running it again changes no counts."""
    rows = build_rows(today or timezone.localdate())
    for model, model_rows in rows.in_order():
        _upsert(model, model_rows)
    users_created = _ensure_users()
    services = Service.objects.filter(id__in=demo_service_ids()).prefetch_related("schedules", "closures")
    for service in services:
        schedules.refresh_occurrences(service)
    indexing.reindex_all()
    return LoadResult(
        organizations=len(rows.organizations),
        services=len(rows.services),
        listed_services=sum(1 for s in rows.services if s.is_listed),
        users_created=users_created,
    )
