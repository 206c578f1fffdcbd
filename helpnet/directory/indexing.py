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
from helpnet.search import hot as search_hot
from helpnet.search.actions import IndexDocument, Thesaurus

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
BATCH = 1000

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


def _related(ids: list[UUID]) -> _Related:
    related = _Related()
    places: dict[str, _Place] = {}
    for row in (
        ServiceAtLocation.objects.filter(service_id__in=ids)
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
    addresses = Address.objects.filter(location__service_at_locations__service_id__in=ids)
    for location_id, city in (
        addresses.annotate(loc=_text("location_id")).values_list("loc", "city").distinct()
    ):
        places[location_id].cities.append(city)
    for service_id, slug, name, m_lat, m_lng in (
        ServiceArea.objects.filter(service_id__in=ids, municipality__isnull=False)
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
    languages = Language.objects.filter(service_id__in=ids).annotate(s=_text("service_id"))
    for service_id, code in languages.values_list("s", "code"):
        if code:
            related.languages[service_id].append(code)
    costs = CostOption.objects.filter(service_id__in=ids).annotate(s=_text("service_id"))
    for service_id, amount in costs.values_list("s", "amount"):
        related.amounts[service_id].append(amount)
    for link_id, term_id in (
        Attribute.objects.filter(link_entity="service", link_id__in=ids, taxonomy_term__isnull=False)
        .annotate(link=_text("link_id"), term=_text("taxonomy_term_id"))
        .values_list("link", "term")
    ):
        if term_id is not None:
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


def documents(services: QuerySet[Service]) -> Iterator[IndexDocument]:
    """Index documents for listed services, in batches with a fixed number of queries per batch.

    Rows are read as plain values rather than model instances: building a million documents is
    dominated by object creation otherwise.
    """
    listed = exclude_expired(
        services.filter(status__in=[Service.Status.ACTIVE, Service.Status.TEMPORARILY_CLOSED])
    )
    ids = list(listed.order_by("pk").values_list("pk", flat=True))
    terms = _load_terms() if ids else {}
    orgs: dict[UUID, dict[str, Any]] = {}
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        rows = list(Service.objects.filter(pk__in=chunk).annotate(key=_text("id")).values(*SERVICE_FIELDS))
        missing = {r["organization_id"] for r in rows} - orgs.keys()
        if missing:
            orgs.update({o["id"]: o for o in Organization.objects.filter(pk__in=missing).values(*ORG_FIELDS)})
        related = _related(chunk)
        for row in rows:
            yield _document(row, orgs[row["organization_id"]], related, terms)


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
    search_actions.clear_index()
    thesaurus = Thesaurus.load()
    count = 0
    known_terms: set[str] = set()
    builder = search_hot.Builder()
    batch: list[IndexDocument] = []
    for doc in documents(Service.objects.all()):
        batch.append(doc)
        if len(batch) >= BATCH:
            count += search_actions.index_documents(
                batch, thesaurus=thesaurus, replace=False, known_terms=known_terms, builder=builder
            )
            batch = []
    count += search_actions.index_documents(
        batch, thesaurus=thesaurus, replace=False, known_terms=known_terms, builder=builder
    )
    search_actions.finish_rebuild(builder)
    return count
