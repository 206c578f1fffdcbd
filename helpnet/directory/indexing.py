"""Keeps the search index in step with services.

A service's document: its names; its taxonomy terms in every language (the search app adds thesaurus words
for its need areas); its description; its organisation and towns; who it is for; each text in every language
the service has. Tags carry the filters and facets (need, group, municipality, language, free), points the
public positions. Only listed services (active or temporarily closed) are in the index.
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db.models import CharField, QuerySet
from django.db.models.functions import Cast

from helpnet.organizations.models import Organization
from helpnet.search import actions as search_actions
from helpnet.search.actions import IndexDocument

from . import vocabulary
from .freshness import exclude_expired, staleness
from .models import (
    Address,
    Attribute,
    CostOption,
    Language,
    Service,
    ServiceArea,
    ServiceAtLocation,
    TaxonomyTerm,
)

COUNTRY_LANGUAGE = {"SI": "sl", "DK": "da"}
BATCH = search_actions.REBUILD_BATCH

NEED_TAXONOMY_ID = vocabulary.taxonomy_id(vocabulary.NEED_AREAS_TAXONOMY)
GROUP_TAXONOMY_ID = vocabulary.taxonomy_id(vocabulary.TARGET_GROUPS_TAXONOMY)


@dataclass
class _Place:
    confidential: bool
    latitude: float | None
    longitude: float | None
    municipality: tuple[str, str, float, float] | None  # slug, name, latitude, longitude
    cities: list[str] = field(default_factory=list)


@dataclass
class _Related:
    """The rows of one batch of services that their documents need, read as plain values (no models)."""

    # Keyed by ids as text (see _text): a million uuid.UUID objects cost more than the documents.
    places: dict[str, list[_Place]] = field(default_factory=lambda: defaultdict(list))
    areas: dict[str, list[tuple[str, str, float, float]]] = field(default_factory=lambda: defaultdict(list))
    languages: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    amounts: dict[str, list[Decimal | None]] = field(default_factory=lambda: defaultdict(list))
    terms: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))


def _text(name: str) -> Cast:
    """An id column read as text: skips the per-row UUID conversion, which dominates a rebuild."""
    return Cast(name, output_field=CharField())


def _texts(values: Mapping[str, Any], names: tuple[str, ...], original: str) -> list[tuple[str, str]]:
    """The fields in the original language and in every translation, each with its language."""
    texts = [(str(values.get(n) or ""), original) for n in names]
    for lang, translated in (values.get("translations") or {}).items():
        if isinstance(translated, dict):
            texts.extend((str(translated.get(n) or ""), str(lang)) for n in names)
    return [(text, lang) for text, lang in texts if text.strip()]


@dataclass(frozen=True)
class _Term:
    kind: str  # "need", "group" or "" (another taxonomy)
    code: str
    texts: list[tuple[str, str]]


def _load_terms() -> dict[str, _Term]:
    terms = {}
    for row in TaxonomyTerm.objects.annotate(key=_text("id")).values(
        "key", "code", "name", "translations", "original_language", "language", "taxonomy_id"
    ):
        kind = {NEED_TAXONOMY_ID: "need", GROUP_TAXONOMY_ID: "group"}.get(row["taxonomy_id"], "")
        original = row["original_language"] or row["language"] or "en"
        terms[row["key"]] = _Term(kind, row["code"] or "", _texts(row, ("name",), original))
    return terms


def _between(field: str, bounds: tuple[str, str]) -> dict[str, str]:
    """A filter on an id column between two ids (inclusive): a batch of services is a range of ids, which spares
    the ORM preparing a thousand ids for every statement (most of a rebuild's reading time)."""
    return {f"{field}__gte": bounds[0], f"{field}__lte": bounds[1]}


def _related(bounds: tuple[str, str]) -> _Related:
    """The related rows of the services whose ids are within ``bounds`` (and of no others: rows of services
    in the range that are not indexed are read and not used)."""
    related = _Related()
    places: dict[str, _Place] = {}
    for row in (
        ServiceAtLocation.objects.filter(**_between("service_id", bounds))
        .annotate(s=_text("service_id"), loc=_text("location_id"))
        .values_list(
            "s",
            "loc",
            "location__confidential",
            "location__latitude",
            "location__longitude",
            "location__municipality__slug",
            "location__municipality__name",
            "location__municipality__latitude",
            "location__municipality__longitude",
        )
    ):
        service_id, location_id, confidential, lat, lng, slug, name, m_lat, m_lng = row
        place = places.setdefault(
            location_id, _Place(confidential, lat, lng, (slug, name, m_lat, m_lng) if slug else None)
        )
        related.places[service_id].append(place)
    addresses = Address.objects.filter(**_between("location__service_at_locations__service_id", bounds))
    for location_id, city in (
        addresses.annotate(loc=_text("location_id")).values_list("loc", "city").distinct()
    ):
        places[location_id].cities.append(city)
    for service_id, slug, name, m_lat, m_lng in (
        ServiceArea.objects.filter(**_between("service_id", bounds), municipality__isnull=False)
        .annotate(s=_text("service_id"))
        .values_list(
            "s",
            "municipality__slug",
            "municipality__name",
            "municipality__latitude",
            "municipality__longitude",
        )
    ):
        related.areas[service_id].append((slug, name, m_lat, m_lng))
    languages = Language.objects.filter(**_between("service_id", bounds)).annotate(s=_text("service_id"))
    for service_id, code in languages.values_list("s", "code"):
        if code:
            related.languages[service_id].append(code)
    costs = CostOption.objects.filter(**_between("service_id", bounds)).annotate(s=_text("service_id"))
    for service_id, amount in costs.values_list("s", "amount"):
        related.amounts[service_id].append(amount)
    # Only the id range in SQL: with the entity and term conditions too, both databases walk the
    # (entity, term) index over every service's terms (37 ms a batch rather than 3).
    for link_id, entity, term_id in (
        Attribute.objects.filter(**_between("link_id", bounds))
        .annotate(link=_text("link_id"), term=_text("taxonomy_term_id"))
        .values_list("link", "link_entity", "term")
    ):
        if entity == "service" and term_id is not None:
            related.terms[link_id].append(term_id)
    return related


def _public_points(places: list[_Place]) -> list[tuple[float, float]]:
    points = []
    for place in places:
        if place.confidential:
            # A safe house is found by its municipality, never by its own position.
            if place.municipality is not None:
                points.append((place.municipality[2], place.municipality[3]))
        elif place.latitude is not None and place.longitude is not None:
            points.append((place.latitude, place.longitude))
    return points


def _is_free(amounts: list[Decimal | None]) -> bool:
    return any(a == 0 for a in amounts) and not any(a is not None and a > 0 for a in amounts)


def _document(
    service: dict[str, Any], org: dict[str, Any], related: _Related, terms: dict[str, _Term]
) -> IndexDocument:
    pk = service["key"]
    original = service["original_language"] or COUNTRY_LANGUAGE.get(org["country"], "sl")
    org_lang = org["original_language"] or COUNTRY_LANGUAGE.get(org["country"], "sl")
    places = related.places.get(pk, [])
    municipalities = {p.municipality for p in places if p.municipality is not None}
    municipalities |= set(related.areas.get(pk, []))
    towns = {city for p in places if not p.confidential for city in p.cities}
    towns |= {m[1] for m in municipalities}
    tags = [f"muni:{m[0]}" for m in municipalities]
    tags += [f"lang:{code}" for code in related.languages.get(pk, [])]
    service_terms = [terms[t] for t in related.terms.get(pk, []) if t in terms]
    tags += [f"{t.kind}:{t.code}" for t in service_terms if t.kind and t.code]
    if _is_free(related.amounts.get(pk, [])):
        tags.append("free")
    return IndexDocument(
        key=UUID(pk),
        fields={
            "name": _texts(service, ("name", "alternate_name"), original),
            "terms": [text for t in service_terms for text in t.texts],
            "description": _texts(service, ("description",), original),
            "organization": _texts(org, ("name", "alternate_name"), org_lang)
            + [(town, original) for town in sorted(towns)],
            "eligibility": _texts(service, ("eligibility_description",), original),
        },
        tags=sorted(set(tags)),
        points=_public_points(places),
        sort_name=str(service["name"]).casefold(),
        demoted=service["status"] == Service.Status.TEMPORARILY_CLOSED,
        language=original,
    )


SERVICE_FIELDS = (
    "key",
    "organization_id",
    "name",
    "alternate_name",
    "description",
    "eligibility_description",
    "translations",
    "original_language",
    "status",
)
ORG_FIELDS = ("id", "name", "alternate_name", "translations", "original_language", "country")


@dataclass
class _Batch:
    """The rows of up to BATCH services that their documents are built from (_build needs no database)."""

    rows: list[dict[str, Any]]
    orgs: dict[Any, dict[str, Any]]
    related: _Related
    terms: dict[str, _Term]


def _batches(services: QuerySet[Service]) -> Iterator[_Batch]:
    """The listed services' rows in batches of BATCH, with a fixed number of queries per batch.

    Rows are read as plain values rather than model instances: building a million documents is
    dominated by object creation otherwise.
    """
    listed = exclude_expired(
        services.filter(status__in=[Service.Status.ACTIVE, Service.Status.TEMPORARILY_CLOSED])
    )
    ids = list(listed.order_by("pk").annotate(key=_text("id")).values_list("key", flat=True))
    terms = _load_terms() if ids else {}
    orgs: dict[UUID, dict[str, Any]] = {}
    for start in range(0, len(ids), BATCH):
        bounds = (ids[start], ids[min(start + BATCH, len(ids)) - 1])
        # The range alone, read by primary key (with the listing conditions, SQLite walks the status index
        # over every listed service for each batch); the few unlisted rows in it are left out here.
        wanted_keys = set(ids[start : start + BATCH])
        rows = [
            row
            for row in Service.objects.filter(**_between("pk", bounds))
            .annotate(key=_text("id"))
            .order_by("pk")
            .values(*SERVICE_FIELDS)
            if row["key"] in wanted_keys
        ]
        wanted = {r["organization_id"] for r in rows}
        missing = wanted - orgs.keys()
        if missing:
            orgs.update({o["id"]: o for o in Organization.objects.filter(pk__in=missing).values(*ORG_FIELDS)})
        yield _Batch(rows, {o: orgs[o] for o in wanted}, _related(bounds), terms)


def _build(batch: _Batch) -> list[IndexDocument]:
    return [
        _document(row, batch.orgs[row["organization_id"]], batch.related, batch.terms) for row in batch.rows
    ]


def documents(services: QuerySet[Service]) -> Iterator[IndexDocument]:
    """Index documents for the listed services among these."""
    for batch in _batches(services):
        yield from _build(batch)


def index_service(service: Service) -> None:
    """(Re)index one service inside the caller's transaction."""
    if not service.is_listed or staleness(service) == "expired":
        search_actions.remove_documents([service.pk])
        return
    search_actions.index_documents(documents(Service.objects.filter(pk=service.pk)))


def unindex_expired() -> int:
    """Drop from the index the services whose confirmation ran out since yesterday (run nightly)."""
    expired = Service.objects.exclude(pk__in=exclude_expired(Service.objects.all()).values("pk"))
    ids = list(expired.values_list("pk", flat=True))
    search_actions.remove_documents(ids)
    return len(ids)


def unindex_services(ids: Iterable[UUID]) -> None:
    """Remove services from the index."""
    search_actions.remove_documents(ids)


def reindex_all() -> int:
    """Rebuild the whole index; returns the number of services indexed."""
    return search_actions.rebuild(_batches(Service.objects.all()), _build, expected=Service.objects.count())
