"""Reads for the help map. Querysets come back with their related rows already fetched."""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone

from helpnet.search import queries as search_queries

from .cards import card_services_in_order
from .freshness import exclude_expired
from .models import (
    Address,
    Closure,
    CostOption,
    Location,
    Occurrence,
    Service,
    ServiceArea,
    ServiceAtLocation,
    TaxonomyTerm,
)


@dataclass(frozen=True)
class SearchParams:
    """Everything a help-map search can ask; every field is also a query parameter of /<lang>/search/."""

    q: str = ""
    need: tuple[str, ...] = ()  # need-area term codes
    group: tuple[str, ...] = ()  # target-group term codes
    municipality: str = ""  # municipality slug
    language: str = ""  # ISO 639-1 code the service is delivered in
    free: bool = False
    open_now: bool = False
    lat: float | None = None
    lng: float | None = None
    radius_km: float | None = None
    sort: str = "relevance"  # or "distance"
    lang: str = "sl"  # the page's language (preferred for matching and display)


@dataclass
class SearchResult:
    services: list[Service]  # the requested page, with organisation, locations and terms fetched
    total: int
    facets: dict[str, dict[str, int]] = field(default_factory=dict)  # facet -> code/slug -> count
    distances_km: dict[str, float] = field(default_factory=dict)  # service id -> nearest location


def listed_services() -> QuerySet[Service]:
    """Services the public may see: active or temporarily closed (never inactive or defunct), and
    confirmed by their owner within HELPNET_HIDE_MONTHS (stale data hurts people more than none)."""
    return exclude_expired(
        Service.objects.filter(status__in=[Service.Status.ACTIVE, Service.Status.TEMPORARILY_CLOSED])
    )


def with_public_relations(services: QuerySet[Service]) -> QuerySet[Service]:
    return services.select_related("organization").prefetch_related(
        Prefetch(
            "service_at_locations",
            queryset=ServiceAtLocation.objects.select_related(
                "location", "location__municipality"
            ).prefetch_related("location__addresses"),
        ),
        # One query with its municipality joined, not two.
        Prefetch("service_areas", queryset=ServiceArea.objects.select_related("municipality")),
    )


FACET_PREFIXES = {"need:": "need", "group:": "group", "muni:": "municipality", "lang:": "language"}


def _open_now_keys(now: dt.datetime) -> tuple[str, tuple[Any, ...]]:
    """SQL selecting the services with an occurrence running at ``now`` (the time work fills Occurrence).

    Opening hours start and end on whole minutes, so the services open at the start of this minute are those
    open throughout it: the same SQL for the whole minute, which lets the search keep its answer that long.
    """
    now = now.replace(second=0, microsecond=0)
    query = Occurrence.objects.filter(starts_at__lte=now, ends_at__gt=now).values("service_id").query
    sql, params = query.sql_with_params()
    return sql, tuple(params)


def search_request(params: SearchParams, *, page: int = 1, per_page: int = 20) -> search_queries.Request:
    """The help-map parameters as an index request: filters become tag groups, ANDed between filters."""
    tag_groups: list[tuple[str, ...]] = []
    if params.need:
        tag_groups.append(tuple(f"need:{code}" for code in params.need))
    if params.group:
        tag_groups.append(tuple(f"group:{code}" for code in params.group))
    if params.municipality:
        tag_groups.append((f"muni:{params.municipality}",))
    if params.language:
        tag_groups.append((f"lang:{params.language}",))
    if params.free:
        tag_groups.append(("free",))
    near = (params.lat, params.lng) if params.lat is not None and params.lng is not None else None
    return search_queries.Request(
        text=params.q,
        lang=params.lang,
        tag_groups=tuple(tag_groups),
        restrict=_open_now_keys(timezone.now()) if params.open_now else None,
        restrict_minute=params.open_now,
        near=near,
        radius_km=params.radius_km if near else None,
        sort=params.sort if near else "relevance",
        offset=(max(page, 1) - 1) * per_page,
        limit=per_page,
        facet_prefixes=tuple(FACET_PREFIXES),
    )


def search_statistics(params: SearchParams) -> dict[str, str]:
    """What the anonymous statistics keep of a search: its text, language, filters and municipality."""
    filters = [f"need={code}" for code in sorted(params.need)] + [
        f"group={code}" for code in sorted(params.group)
    ]
    filters += [f"language={params.language}"] if params.language else []
    filters += [name for name in ("free", "open_now") if getattr(params, name)]
    filters += ["near"] if params.lat is not None and params.lng is not None else []
    return {
        "query": params.q,
        "language": params.lang,
        "filters": " ".join(filters),
        "municipality": params.municipality,
    }


def search_services(params: SearchParams, *, page: int = 1, per_page: int = 20) -> SearchResult:
    """The help-map search over the search index (only listed services are indexed).

    Queries: the index's count, page and facet counts (or one candidate fetch with a position), a vocabulary
    lookup when a word is unknown, then the page's services with their relations: never more with more hits.
    """
    hits = search_queries.find(search_request(params, page=page, per_page=per_page))
    services = card_services_in_order(hits.keys) if hits.keys else []
    facets: dict[str, dict[str, int]] = {name: {} for name in FACET_PREFIXES.values()}
    for tag, count in hits.facets.items():
        prefix, _sep, value = tag.partition(":")
        name = FACET_PREFIXES.get(prefix + ":")
        if name:
            facets[name][value] = count
    return SearchResult(
        services=services,
        total=hits.total,
        facets=facets,
        distances_km={str(key): km for key, km in hits.distances_km.items()},
    )


# --- reads for the public pages (home, service page, shortlist) ---


def public_service_page(today: dt.date) -> QuerySet[Service]:
    """Listed services with everything the service page shows; closures only from ``today`` on."""
    return with_public_relations(listed_services()).prefetch_related(
        "service_at_locations__location__accessibility",
        "service_at_locations__location__phones",
        "phones",
        "languages",
        "cost_options",
        "required_documents",
        "schedules",
        Prefetch("closures", queryset=Closure.objects.filter(end_date__gte=today).order_by("start_date")),
    )


def service_locations(service: Service) -> list[ServiceAtLocation]:
    """A service's locations: the list card_services_in_order made, else through the related manager."""
    loaded = getattr(service, "card_locations", None)
    return loaded if loaded is not None else list(service.service_at_locations.all())


def location_addresses(location: Location) -> list[Address]:
    loaded = getattr(location, "card_addresses", None)
    return loaded if loaded is not None else list(location.addresses.all())


def service_areas(service: Service) -> list[ServiceArea]:
    loaded = getattr(service, "card_areas", None)
    return loaded if loaded is not None else list(service.service_areas.all())


def service_costs(service: Service) -> list[CostOption]:
    loaded = getattr(service, "card_costs", None)
    return loaded if loaded is not None else list(service.cost_options.all())


def listed_services_in_order(ids: list[UUID]) -> list[Service]:
    """The listed services among ``ids``, in the order given; unknown or unlisted ids drop out."""
    # The listed test is a per-row subquery rather than part of the WHERE: next to the status condition,
    # SQLite otherwise walks the status index over every service instead of looking up the ids
    # (16 ms instead of 2 ms at 10 000 services).
    listed = Exists(listed_services().filter(pk=OuterRef("pk")))
    candidates = Service.objects.filter(pk__in=ids).alias(listed=listed).filter(listed=True)
    found = {s.pk: s for s in with_public_relations(candidates)}
    return [found[pk] for pk in ids if pk in found]


def terms_of_taxonomies(taxonomy_ids: list[UUID]) -> list[TaxonomyTerm]:
    return list(TaxonomyTerm.objects.filter(taxonomy_id__in=taxonomy_ids).order_by("taxonomy_id", "code"))


def service_terms(service: Service) -> list[TaxonomyTerm]:
    """The taxonomy terms applied to one service (need areas, target groups…)."""
    return list(
        TaxonomyTerm.objects.filter(
            attributes__link_entity="service", attributes__link_id=service.pk
        ).distinct()
    )


def open_now_by_service(service_ids: list[UUID], now: dt.datetime) -> dict[UUID, bool]:
    """Open now (True) or not (False) for the listed services that have opening hours; others are absent.

    For lists: read from the derived Occurrence rows, like the "open now" filter, so a badge never
    contradicts the filter, and in two queries instead of expanding every card's schedules.
    """
    with_hours = Occurrence.objects.filter(service_id__in=service_ids, ends_at__gt=now)
    open_ids = set(with_hours.filter(starts_at__lte=now).values_list("service_id", flat=True).distinct())
    return {pk: pk in open_ids for pk in with_hours.values_list("service_id", flat=True).distinct()}
