"""Query parameters of the HSDS API → validated values → querysets. Every filter narrows (AND)."""

import datetime as dt
import math
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Avg, Exists, F, FloatField, OuterRef, Q, QuerySet
from django.db.models.expressions import ExpressionWrapper
from django.utils import timezone
from django.utils.translation import gettext as _

from helpnet.organizations.models import Organization

from ..models import (
    Address,
    Attribute,
    Location,
    Occurrence,
    Service,
    ServiceArea,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from ..queries import SearchParams, listed_services, search_services

MAX_PER_PAGE = 500
DEFAULT_PER_PAGE = 50
DEFAULT_RADIUS_KM = 10.0
MAX_RADIUS_KM = 1000.0
# Kilometres per degree of latitude; longitude degrees shrink with cos(latitude).
KM_PER_DEG_LAT = 110.574
KM_PER_DEG_LNG_EQUATOR = 111.320


class BadParameter(Exception):
    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(message)
        self.parameter = parameter
        self.message = message


@dataclass
class ListParams:
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    search: str = ""
    taxonomy_term_id: uuid.UUID | None = None
    taxonomy_id: uuid.UUID | None = None
    organization_id: uuid.UUID | None = None
    parent_id: uuid.UUID | None = None
    modified_after: dt.datetime | None = None
    full: bool = False
    full_service: bool = False
    minimal: bool = False
    top_only: bool = False
    ndjson: bool = False
    postcode: str = ""
    proximity_m: float | None = None
    lat: float | None = None
    lng: float | None = None
    radius_km: float | None = None
    open_now: bool = False
    lang: str | None = None


def _one(query: Mapping[str, Any], name: str) -> str | None:
    value = query.get(name)
    if value is None:
        return None
    # NUL cannot be stored or compared in PostgreSQL text; no real query contains it.
    return str(value).replace("\x00", "").strip()


def _int(query: Mapping[str, Any], name: str, default: int, low: int, high: int) -> int:
    raw = _one(query, name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadParameter(
            name, _("%(name)s must be a whole number, not “%(value)s”.") % {"name": name, "value": raw[:50]}
        ) from None
    if not low <= value <= high:
        raise BadParameter(
            name,
            _("%(name)s must be between %(low)s and %(high)s.") % {"name": name, "low": low, "high": high},
        )
    return value


def _float(query: Mapping[str, Any], name: str, low: float, high: float) -> float | None:
    raw = _one(query, name)
    if raw is None:
        return None
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and low <= value <= high):
        raise BadParameter(
            name,
            _("%(name)s must be a number between %(low)s and %(high)s.")
            % {"name": name, "low": low, "high": high},
        )
    return value


def _bool(query: Mapping[str, Any], name: str) -> bool:
    raw = _one(query, name)
    if raw is None or raw.lower() in {"false", "0", "no"}:
        return False
    if raw.lower() in {"true", "1", "yes"}:
        return True
    raise BadParameter(name, _("%(name)s must be true or false.") % {"name": name})


def _uuid(query: Mapping[str, Any], name: str) -> uuid.UUID | None:
    raw = _one(query, name)
    if raw is None:
        return None
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise BadParameter(name, _("%(name)s must be a UUID.") % {"name": name}) from None


def _datetime(query: Mapping[str, Any], name: str) -> dt.datetime | None:
    raw = _one(query, name)
    if raw is None:
        return None
    try:
        value = dt.datetime.fromisoformat(raw.replace(" ", "+"))  # a "+" in a URL arrives as a space
    except ValueError:
        raise BadParameter(
            name,
            _("%(name)s must be a date or date-time such as 2025-01-31 or 2025-01-31T12:00:00Z.")
            % {"name": name},
        ) from None
    if timezone.is_naive(value):
        value = value.replace(tzinfo=dt.UTC)
    return value


def parse_list_params(query: Mapping[str, Any]) -> ListParams:
    fmt = _one(query, "format")
    fmt = "json" if fmt is None else fmt.lower()
    if fmt not in {"json", "ndjson"}:
        raise BadParameter("format", _("format must be json or ndjson."))
    lang = _one(query, "lang")
    languages = [code for code, _name in settings.LANGUAGES]
    if lang is not None and lang not in languages:
        raise BadParameter(
            "lang", _("lang must be one of: %(languages)s.") % {"languages": ", ".join(languages)}
        )
    params = ListParams(
        page=_int(query, "page", 1, 1, 10_000_000),
        per_page=_int(query, "per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE),
        search=(_one(query, "search") or "")[:200],
        taxonomy_term_id=_uuid(query, "taxonomy_term_id"),
        taxonomy_id=_uuid(query, "taxonomy_id"),
        organization_id=_uuid(query, "organization_id"),
        parent_id=_uuid(query, "parent_id"),
        modified_after=_datetime(query, "modified_after"),
        full=_bool(query, "full"),
        full_service=_bool(query, "full_service"),
        minimal=_bool(query, "minimal"),
        top_only=_bool(query, "top_only"),
        ndjson=fmt == "ndjson",
        postcode=(_one(query, "postcode") or "")[:20],
        proximity_m=_float(query, "proximity", 0, MAX_RADIUS_KM * 1000),
        lat=_float(query, "lat", -90, 90),
        lng=_float(query, "lng", -180, 180),
        radius_km=_float(query, "radius_km", 0, MAX_RADIUS_KM),
        open_now=_bool(query, "open_now"),
        lang=lang,
    )
    if params.proximity_m is not None and not params.postcode:
        raise BadParameter(
            "proximity", _("proximity needs a postcode (use lat, lng and radius_km otherwise).")
        )
    if (params.lat is None) != (params.lng is None):
        raise BadParameter("lat", _("lat and lng must be given together."))
    if params.radius_km is not None and params.lat is None:
        raise BadParameter("radius_km", _("radius_km needs lat and lng."))
    return params


# --- geography --------------------------------------------------------------------------------------


def locations_near(lat: float, lng: float, km: float) -> QuerySet[Location]:
    """Locations within ``km`` of a point: a bounding box (indexed) then the flat-earth distance.

    Confidential locations never match: a small radius would otherwise reveal where a shelter is.
    """
    km_per_deg_lng = max(KM_PER_DEG_LNG_EQUATOR * math.cos(math.radians(lat)), 0.001)
    dlat, dlng = km / KM_PER_DEG_LAT, km / km_per_deg_lng
    dy = (F("latitude") - lat) * KM_PER_DEG_LAT
    dx = (F("longitude") - lng) * km_per_deg_lng
    # Exact enough below a few hundred km, and plain arithmetic works on SQLite and PostgreSQL alike.
    return Location.objects.alias(
        distance_sq=ExpressionWrapper(dy * dy + dx * dx, output_field=FloatField())
    ).filter(
        confidential=False,
        latitude__range=(lat - dlat, lat + dlat),
        longitude__range=(lng - dlng, lng + dlng),
        distance_sq__lte=km * km,
    )


def postcode_centroid(postcode: str) -> tuple[float, float] | None:
    """Centre of the public, geolocated addresses with this postcode."""
    point = Address.objects.filter(
        postal_code__iexact=postcode,
        location__confidential=False,
        location__latitude__isnull=False,
        location__longitude__isnull=False,
    ).aggregate(lat=Avg("location__latitude"), lng=Avg("location__longitude"))
    if point["lat"] is None or point["lng"] is None:
        return None
    return point["lat"], point["lng"]


def _postcode_locations(postcode: str) -> QuerySet[Location]:
    return Location.objects.filter(confidential=False, addresses__postal_code__iexact=postcode)


def _geo_locations(params: ListParams) -> QuerySet[Location] | None:
    """The locations the geographic parameters allow, or None when there are none of those parameters."""
    if params.lat is not None and params.lng is not None:
        nearby = locations_near(params.lat, params.lng, params.radius_km or DEFAULT_RADIUS_KM)
        if params.postcode:
            nearby = nearby.filter(pk__in=_postcode_area_locations(params))
        return nearby
    if params.postcode:
        return _postcode_area_locations(params)
    return None


def _postcode_area_locations(params: ListParams) -> QuerySet[Location]:
    if params.proximity_m is None:
        return _postcode_locations(params.postcode)
    centre = postcode_centroid(params.postcode)
    if centre is None:
        return Location.objects.none()
    return locations_near(centre[0], centre[1], params.proximity_m / 1000)


# --- services ---------------------------------------------------------------------------------------


def _search_ids(text: str, lang: str | None) -> list[uuid.UUID]:
    """The services the help-map search finds for ``text`` (the same multilingual matching as the pages)."""
    search = SearchParams(q=text, lang=lang or settings.LANGUAGE_CODE)
    total = search_services(search, page=1, per_page=1).total
    if not total:
        return []
    limit = min(total, getattr(settings, "HELPNET_API_SEARCH_LIMIT", 10_000))
    return [s.id for s in search_services(search, page=1, per_page=limit).services]


def _attribute_filter(entity: str, params: ListParams) -> Q:
    q = Q()
    if params.taxonomy_term_id:
        q &= Q(
            Exists(
                Attribute.objects.filter(
                    link_entity=entity, link_id=OuterRef("pk"), taxonomy_term_id=params.taxonomy_term_id
                )
            )
        )
    if params.taxonomy_id:
        q &= Q(
            Exists(
                Attribute.objects.filter(
                    link_entity=entity,
                    link_id=OuterRef("pk"),
                    taxonomy_term__taxonomy_id=params.taxonomy_id,
                )
            )
        )
    return q


def filter_services(params: ListParams, *, geo: bool = True) -> QuerySet[Service]:
    """Listed services matching every given parameter. ``geo=False`` leaves the place filters to the caller."""
    services = listed_services().filter(_attribute_filter("service", params))
    if params.search:
        services = services.filter(pk__in=_search_ids(params.search, params.lang))
    if params.organization_id:
        services = services.filter(organization_id=params.organization_id)
    if params.modified_after:
        services = services.filter(last_modified__gte=params.modified_after)
    if params.open_now:
        now = timezone.now()
        services = services.filter(
            Exists(Occurrence.objects.filter(service=OuterRef("pk"), starts_at__lte=now, ends_at__gt=now))
        )
    if geo:
        places = _geo_locations(params)
        if places is not None:
            at_place = Q(
                Exists(
                    ServiceAtLocation.objects.filter(service=OuterRef("pk"), location__in=places.values("pk"))
                )
            )
            if params.postcode and params.proximity_m is None and params.lat is None:
                # HSDS: "the postcode exists within the service_area" → our areas are municipalities.
                at_place |= Q(
                    Exists(
                        ServiceArea.objects.filter(
                            service=OuterRef("pk"),
                            municipality__locations__in=_postcode_locations(params.postcode).values("pk"),
                        )
                    )
                )
            services = services.filter(at_place)
    return services.order_by("name", "id")


def filter_service_at_locations(params: ListParams) -> QuerySet[ServiceAtLocation]:
    sals = ServiceAtLocation.objects.filter(service__in=filter_services(params, geo=False).values("pk"))
    places = _geo_locations(params)
    if places is not None:
        sals = sals.filter(location__in=places.values("pk"))
    return sals.order_by("service__name", "service_id", "location__name", "id")


# --- organizations and taxonomies -------------------------------------------------------------------


def public_organizations() -> QuerySet[Organization]:
    """Organisations the public sees: those with at least one listed service."""
    return Organization.objects.filter(Exists(listed_services().filter(organization=OuterRef("pk"))))


def filter_organizations(params: ListParams) -> QuerySet[Organization]:
    orgs = public_organizations()
    if params.search:
        text = params.search
        orgs = orgs.filter(
            Q(name__icontains=text) | Q(alternate_name__icontains=text) | Q(description__icontains=text)
        )
    if params.taxonomy_term_id or params.taxonomy_id:
        # An organisation matches through its own attributes or through one of its listed services.
        services = listed_services().filter(_attribute_filter("service", params))
        orgs = orgs.filter(
            _attribute_filter("organization", params)
            | Q(Exists(services.filter(organization=OuterRef("pk"))))
        )
    return orgs.order_by("name", "id")


def filter_taxonomies(params: ListParams) -> QuerySet[Taxonomy]:
    taxonomies = Taxonomy.objects.all()
    if params.search:
        taxonomies = taxonomies.filter(
            Q(name__icontains=params.search) | Q(description__icontains=params.search)
        )
    return taxonomies.order_by("name", "id")


def filter_taxonomy_terms(params: ListParams) -> QuerySet[TaxonomyTerm]:
    terms = TaxonomyTerm.objects.all()
    if params.search:
        terms = terms.filter(
            Q(name__icontains=params.search)
            | Q(code__iexact=params.search)
            | Q(description__icontains=params.search)
        )
    if params.taxonomy_id:
        terms = terms.filter(taxonomy_id=params.taxonomy_id)
    if params.parent_id:
        terms = terms.filter(parent_id=params.parent_id)
    if params.top_only:
        terms = terms.filter(parent__isnull=True)
    return terms.order_by("code", "name", "id")
