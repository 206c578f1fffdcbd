"""Keeps the search index in step with services.

A service's document: its names; its taxonomy terms in every language (the search app adds thesaurus words
for its need areas); its description; its organisation and towns; who it is for; each text in every language
the service has. Tags carry the filters and facets (need, group, municipality, language, free), points the
public positions. Only listed services (active or temporarily closed) are in the index.
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator
from uuid import UUID

from django.db.models import Prefetch, QuerySet

from helpnet.search import actions as search_actions
from helpnet.search.actions import IndexDocument, Thesaurus

from . import vocabulary
from .models import Attribute, Location, Service, ServiceAtLocation, TaxonomyTerm

COUNTRY_LANGUAGE = {"SI": "sl", "DK": "da"}
BATCH = 1000

NEED_TAXONOMY_ID = vocabulary.taxonomy_id(vocabulary.NEED_AREAS_TAXONOMY)
GROUP_TAXONOMY_ID = vocabulary.taxonomy_id(vocabulary.TARGET_GROUPS_TAXONOMY)


def _indexable(services: QuerySet[Service]) -> QuerySet[Service]:
    return services.select_related("organization", "organization__municipality").prefetch_related(
        Prefetch(
            "service_at_locations",
            queryset=ServiceAtLocation.objects.select_related(
                "location", "location__municipality"
            ).prefetch_related("location__addresses"),
        ),
        "service_areas__municipality",
        "languages",
        "cost_options",
    )


def _texts(obj: object, names: tuple[str, ...], original: str) -> list[tuple[str, str]]:
    """The fields in the original language and in every translation, each with its language."""
    texts = [(str(getattr(obj, n) or ""), original) for n in names]
    for lang, values in (getattr(obj, "translations", None) or {}).items():
        if isinstance(values, dict):
            texts.extend((str(values.get(n) or ""), str(lang)) for n in names)
    return [(text, lang) for text, lang in texts if text.strip()]


def _term_texts(term: TaxonomyTerm) -> list[tuple[str, str]]:
    return _texts(term, ("name",), term.original_language or term.language or "en")


def _public_points(locations: list[Location]) -> list[tuple[float, float]]:
    points = []
    for loc in locations:
        if loc.confidential:
            # A safe house is found by its municipality, never by its own position.
            if loc.municipality is not None:
                points.append((loc.municipality.latitude, loc.municipality.longitude))
        elif loc.latitude is not None and loc.longitude is not None:
            points.append((loc.latitude, loc.longitude))
    return points


def _is_free(service: Service) -> bool:
    amounts = [c.amount for c in service.cost_options.all()]
    return any(a == 0 for a in amounts) and not any(a is not None and a > 0 for a in amounts)


def _document(service: Service, terms: list[TaxonomyTerm]) -> IndexDocument:
    org = service.organization
    original = service.original_language or COUNTRY_LANGUAGE.get(org.country, "sl")
    org_lang = org.original_language or COUNTRY_LANGUAGE.get(org.country, "sl")
    locations = [sal.location for sal in service.service_at_locations.all()]
    municipalities = {loc.municipality for loc in locations if loc.municipality is not None}
    municipalities |= {a.municipality for a in service.service_areas.all() if a.municipality is not None}
    towns = {addr.city for loc in locations if not loc.confidential for addr in loc.addresses.all()}
    towns |= {m.name for m in municipalities}
    tags = [f"muni:{m.slug}" for m in municipalities]
    tags += [f"lang:{lang.code}" for lang in service.languages.all() if lang.code]
    for term in terms:
        if term.taxonomy_id == NEED_TAXONOMY_ID and term.code:
            tags.append(f"need:{term.code}")
        elif term.taxonomy_id == GROUP_TAXONOMY_ID and term.code:
            tags.append(f"group:{term.code}")
    if _is_free(service):
        tags.append("free")
    term_texts = [text for term in terms for text in _term_texts(term)]
    return IndexDocument(
        key=service.pk,
        fields={
            "name": _texts(service, ("name", "alternate_name"), original),
            "terms": term_texts,
            "description": _texts(service, ("description",), original),
            "organization": _texts(org, ("name", "alternate_name"), org_lang)
            + [(town, original) for town in sorted(towns)],
            "eligibility": _texts(service, ("eligibility_description",), original),
        },
        tags=sorted(set(tags)),
        points=_public_points(locations),
        sort_name=service.name.casefold(),
        demoted=service.status == Service.Status.TEMPORARILY_CLOSED,
        language=original,
    )


def _terms_by_service(ids: list[UUID]) -> dict[UUID, list[TaxonomyTerm]]:
    found: dict[UUID, list[TaxonomyTerm]] = defaultdict(list)
    attributes = Attribute.objects.filter(
        link_entity="service", link_id__in=ids, taxonomy_term__isnull=False
    ).select_related("taxonomy_term")
    for attr in attributes:
        assert attr.taxonomy_term is not None  # noqa: S101 - filtered above
        found[attr.link_id].append(attr.taxonomy_term)
    return found


def documents(services: QuerySet[Service]) -> Iterator[IndexDocument]:
    """Index documents for listed services, in batches with a fixed number of queries per batch."""
    listed = services.filter(status__in=[Service.Status.ACTIVE, Service.Status.TEMPORARILY_CLOSED])
    ids = list(listed.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        terms = _terms_by_service(chunk)
        for service in _indexable(Service.objects.filter(pk__in=chunk)):
            yield _document(service, terms.get(service.pk, []))


def index_service(service: Service) -> None:
    """(Re)index one service inside the caller's transaction."""
    if not service.is_listed:
        search_actions.remove_documents([service.pk])
        return
    search_actions.index_documents(documents(Service.objects.filter(pk=service.pk)))


def unindex_services(ids: Iterable[UUID]) -> None:
    """Remove services from the index."""
    search_actions.remove_documents(ids)


def reindex_all() -> int:
    """Rebuild the whole index; returns the number of services indexed."""
    search_actions.clear_index()
    thesaurus = Thesaurus.load()
    count = 0
    batch: list[IndexDocument] = []
    for doc in documents(Service.objects.all()):
        batch.append(doc)
        if len(batch) >= BATCH:
            count += search_actions.index_documents(batch, thesaurus=thesaurus, replace=False)
            batch = []
    count += search_actions.index_documents(batch, thesaurus=thesaurus, replace=False)
    return count
