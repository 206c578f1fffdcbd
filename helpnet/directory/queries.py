"""Reads for the help map. Querysets come back with their related rows already fetched."""

import datetime as dt
from dataclasses import dataclass, field
from uuid import UUID

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from .models import (
    Attribute,
    Closure,
    Location,
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
    """Services the public may see: active or temporarily closed (never inactive or defunct)."""
    return Service.objects.filter(status__in=[Service.Status.ACTIVE, Service.Status.TEMPORARILY_CLOSED])


def with_public_relations(services: QuerySet[Service]) -> QuerySet[Service]:
    return services.select_related("organization").prefetch_related(
        Prefetch(
            "service_at_locations",
            queryset=ServiceAtLocation.objects.select_related(
                "location", "location__municipality"
            ).prefetch_related("location__addresses"),
        ),
        "service_areas__municipality",
    )


def _terms_filter(codes: tuple[str, ...]) -> Q:
    attrs = Attribute.objects.filter(
        link_entity="service", link_id=OuterRef("pk"), taxonomy_term__code__in=list(codes)
    )
    return Q(Exists(attrs))


def search_services(params: SearchParams, *, page: int = 1, per_page: int = 20) -> SearchResult:
    """The help-map search. A simple first version; the search issue replaces the text matching."""
    services = listed_services()
    if params.q.strip():
        text = params.q.strip()
        services = services.filter(Q(name__icontains=text) | Q(description__icontains=text))
    if params.need:
        services = services.filter(_terms_filter(params.need))
    if params.group:
        services = services.filter(_terms_filter(params.group))
    if params.municipality:
        services = services.filter(
            Exists(ServiceArea.objects.filter(service=OuterRef("pk"), municipality__slug=params.municipality))
            | Exists(
                Location.objects.filter(
                    service_at_locations__service=OuterRef("pk"), municipality__slug=params.municipality
                )
            )
        )
    total = services.count()
    offset = (max(page, 1) - 1) * per_page
    rows = list(with_public_relations(services.order_by("name"))[offset : offset + per_page])
    return SearchResult(services=rows, total=total)


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


def listed_services_in_order(ids: list[UUID]) -> list[Service]:
    """The listed services among ``ids``, in the order given; unknown or unlisted ids drop out."""
    found = {
        s.pk: s
        for s in with_public_relations(listed_services().filter(pk__in=ids)).prefetch_related(
            "phones", "schedules", "cost_options"
        )
    }
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
