"""The HSDS 3.1 read API: public, no key, CORS ``*``, throttled per client, JSON errors."""

import functools
import json
import math
import uuid
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from helpnet.lib import ratelimit
from helpnet.lib.limits import retry_after
from helpnet.organizations.models import Organization

from ..models import Service, ServiceAtLocation, Taxonomy, TaxonomyTerm
from ..queries import listed_services
from . import filters, openapi, serialize
from .filters import BadParameter, ListParams, parse_list_params
from .serialize import Collector, Json

HSDS_VERSION = "3.1"
NDJSON_BATCH = 200
M = TypeVar("M", bound=Model)
View = Callable[..., HttpResponseBase]


def _json(data: Any, status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, safe=False, json_dumps_params={"ensure_ascii": False})


def _error(status: int, code: str, message: str, **extra: Any) -> JsonResponse:
    return _json({"error": code, "message": message, **extra}, status=status)


def _throttled(request: HttpRequest) -> int | None:
    """Seconds to wait when this client has used up its requests for the current minute, else None."""
    limit = getattr(settings, "HELPNET_API_RATE_LIMIT", 1200)
    if not limit:
        return None
    # The shared counter: a keyed hash of the client address (X-Forwarded-For only from our own proxies).
    if ratelimit.hit("hsds-api", ratelimit.client_address(request), limit=limit, window_seconds=60):
        return retry_after(60)
    return None


def hsds_endpoint(view: View) -> View:
    """Public GET endpoint: CORS on every answer, OPTIONS preflight, throttling, 400/404 as JSON."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response: HttpResponseBase
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
            response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
            response["Access-Control-Allow-Headers"] = "*"
            response["Access-Control-Max-Age"] = "86400"
        elif request.method not in {"GET", "HEAD"}:
            response = _error(405, "method_not_allowed", _("Only GET is supported."))
            response["Allow"] = "GET, HEAD, OPTIONS"
        elif (retry_after := _throttled(request)) is not None:
            response = _error(429, "too_many_requests", _("Too many requests. Please slow down."))
            response["Retry-After"] = str(retry_after)
        else:
            try:
                response = view(request, *args, **kwargs)
            except BadParameter as exc:
                response = _error(400, "bad_request", exc.message, parameter=exc.parameter)
            except Http404:
                response = _error(404, "not_found", _("Nothing with this id is published here."))
        response["Access-Control-Allow-Origin"] = "*"
        return response

    # Nothing here changes state; without the exemption CSRF would answer other methods with 403, not 405.
    return csrf_exempt(login_not_required(wrapper))


# --- paging -----------------------------------------------------------------------------------------


def _paged(
    params: ListParams,
    queryset: QuerySet[M],
    prepare: Callable[[QuerySet[M]], QuerySet[M]],
    build: Callable[[list[M]], list[Json]],
) -> HttpResponseBase:
    """A Page object (HSDS) of ``queryset``, or all of it as NDJSON with ``format=ndjson``."""
    if params.ndjson:
        return _ndjson(queryset, prepare, build)
    total = queryset.count()
    total_pages = max(1, math.ceil(total / params.per_page))
    offset = (params.page - 1) * params.per_page
    rows = list(prepare(queryset)[offset : offset + params.per_page]) if offset < total else []
    contents = build(rows)
    return _json(
        {
            "total_items": total,
            "total_pages": total_pages,
            "page_number": params.page,
            "size": len(contents),
            "first_page": params.page == 1,
            "last_page": params.page >= total_pages,
            "empty": not contents,
            "contents": contents,
        }
    )


def _ndjson(
    queryset: QuerySet[M],
    prepare: Callable[[QuerySet[M]], QuerySet[M]],
    build: Callable[[list[M]], list[Json]],
) -> StreamingHttpResponse:
    ids = list(queryset.values_list("pk", flat=True))
    model = queryset.model

    def lines() -> Iterator[str]:
        for start in range(0, len(ids), NDJSON_BATCH):
            batch = ids[start : start + NDJSON_BATCH]
            by_id = {obj.pk: obj for obj in prepare(model._default_manager.filter(pk__in=batch))}
            for item in build([by_id[pk] for pk in batch if pk in by_id]):
                yield json.dumps(item, ensure_ascii=False) + "\n"

    return StreamingHttpResponse(lines(), content_type="application/x-ndjson; charset=utf-8")


def _uuid_or_404(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise Http404 from None


def _one(queryset: QuerySet[M], pk: str) -> M:
    obj = queryset.filter(pk=_uuid_or_404(pk)).first()
    if obj is None:
        raise Http404
    return obj


# --- meta -------------------------------------------------------------------------------------------


@hsds_endpoint
def api_root(request: HttpRequest) -> HttpResponseBase:
    publisher = getattr(settings, "HELPNET_API_PUBLISHER", {})
    return _json(
        {
            "version": HSDS_VERSION,
            "profile": request.build_absolute_uri(reverse("hsds:profile")),
            "openapi_url": request.build_absolute_uri(reverse("hsds:openapi")),
            "description": _(
                "helpnet: health and social-care services in Slovenia and Denmark, as Open Referral HSDS 3.1."
            ),
            "publisher": serialize.clean(
                {
                    "name": publisher.get("name", "helpnet"),
                    "identifier": publisher.get("identifier"),
                    "email": publisher.get("email"),
                    "website": publisher.get("website") or request.build_absolute_uri("/"),
                }
            ),
        }
    )


@hsds_endpoint
def openapi_document(request: HttpRequest) -> HttpResponseBase:
    return _json(openapi.document(server_url=request.build_absolute_uri(reverse("hsds:root"))))


@hsds_endpoint
def profile_index(request: HttpRequest) -> HttpResponseBase:
    return _json(
        openapi.profile_index(
            lambda name: request.build_absolute_uri(reverse("hsds:profile_patch", args=[name]))
        )
    )


@hsds_endpoint
def profile_patch(request: HttpRequest, name: str) -> HttpResponseBase:
    patch = openapi.profile_patch(name)
    if patch is None:
        raise Http404
    return _json(patch)


# --- services ---------------------------------------------------------------------------------------


def _service_builder(params: ListParams) -> tuple[Callable[..., Any], Callable[[list[Service]], list[Json]]]:
    lang = params.lang
    if params.minimal:
        return (
            lambda qs: qs.only("id", "last_modified"),
            lambda rows: [serialize.service_minimal(s) for s in rows],
        )
    if params.full:
        return (
            serialize.service_full_queryset,
            lambda rows: serialize.serialize_all(rows, serialize.service_full, Collector(lang)),
        )
    return serialize.service_list_queryset, lambda rows: [serialize.service_list(s, lang) for s in rows]


@hsds_endpoint
def service_list(request: HttpRequest) -> HttpResponseBase:
    params = parse_list_params(request.GET)
    prepare, build = _service_builder(params)
    return _paged(params, filters.filter_services(params), prepare, build)


@hsds_endpoint
def service_detail(request: HttpRequest, pk: str) -> HttpResponseBase:
    params = parse_list_params(request.GET)
    service = _one(serialize.service_full_queryset(listed_services()), pk)
    return _json(serialize.serialize_all([service], serialize.service_full, Collector(params.lang))[0])


# --- service at locations ---------------------------------------------------------------------------


def _sal_full(obj: ServiceAtLocation, c: Collector) -> Json:
    return serialize.service_at_location_full(obj, c, with_service=True)


@hsds_endpoint
def service_at_location_list(request: HttpRequest) -> HttpResponseBase:
    params = parse_list_params(request.GET)
    lang = params.lang
    if params.full:
        prepare = serialize.service_at_location_full_queryset

        def build(rows: list[ServiceAtLocation]) -> list[Json]:
            return serialize.serialize_all(rows, _sal_full, Collector(lang))
    else:
        prepare = serialize.service_at_location_list_queryset

        def build(rows: list[ServiceAtLocation]) -> list[Json]:
            return [serialize.service_at_location_list(s, lang) for s in rows]

    return _paged(params, filters.filter_service_at_locations(params), prepare, build)


@hsds_endpoint
def service_at_location_detail(request: HttpRequest, pk: str) -> HttpResponseBase:
    params = parse_list_params(request.GET)
    sals = ServiceAtLocation.objects.filter(service__in=listed_services().values("pk"))
    sal = _one(serialize.service_at_location_full_queryset(sals), pk)
    return _json(serialize.serialize_all([sal], _sal_full, Collector(params.lang))[0])


# --- organizations ----------------------------------------------------------------------------------


def _organizations_full(
    rows: list[Organization], lang: str | None, *, full_service: bool, with_services: bool
) -> list[Json]:
    """Fully nested organisations; with their listed services as stubs, or fully nested ones."""
    c = Collector(lang)
    services_by_org: dict[Any, list[Json]] = {org.pk: [] for org in rows}
    if with_services:
        services = listed_services().filter(organization__in=[o.pk for o in rows]).order_by("name", "id")
        if full_service:
            for service in serialize.service_full_queryset(services):
                services_by_org[service.organization_id].append(serialize.service_full(service, c))
        else:
            for service in serialize.service_list_queryset(services):
                stub = serialize.service_list(service, lang)
                stub.pop("organization")
                services_by_org[service.organization_id].append(stub)
    data = [
        serialize.organization_full(org, c, services=services_by_org[org.pk] if with_services else None)
        for org in rows
    ]
    c.fill()
    return data


@hsds_endpoint
def organization_list(request: HttpRequest) -> HttpResponseBase:
    params = parse_list_params(request.GET)
    lang = params.lang
    if params.full or params.full_service:
        prepare: Callable[[QuerySet[Organization]], QuerySet[Organization]] = (
            serialize.organization_full_queryset
        )

        def build(rows: list[Organization]) -> list[Json]:
            return _organizations_full(rows, lang, full_service=params.full_service, with_services=True)
    else:

        def prepare(qs: QuerySet[Organization]) -> QuerySet[Organization]:
            return qs.select_related("municipality")

        def build(rows: list[Organization]) -> list[Json]:
            return [serialize.organization_list(o, lang) for o in rows]

    return _paged(params, filters.filter_organizations(params), prepare, build)


@hsds_endpoint
def organization_detail(request: HttpRequest, pk: str) -> HttpResponseBase:
    params = parse_list_params(request.GET)
    org = _one(serialize.organization_full_queryset(filters.public_organizations()), pk)
    return _json(
        _organizations_full([org], params.lang, full_service=params.full_service, with_services=True)[0]
    )


# --- taxonomies -------------------------------------------------------------------------------------


@hsds_endpoint
def taxonomy_list(request: HttpRequest) -> HttpResponseBase:
    params = parse_list_params(request.GET)
    return _paged(
        params,
        filters.filter_taxonomies(params),
        lambda qs: qs,
        lambda rows: [serialize.taxonomy(t, params.lang) for t in rows],
    )


@hsds_endpoint
def taxonomy_detail(request: HttpRequest, pk: str) -> HttpResponseBase:
    params = parse_list_params(request.GET)
    return _json(serialize.taxonomy(_one(Taxonomy.objects.all(), pk), params.lang))


@hsds_endpoint
def taxonomy_term_list(request: HttpRequest) -> HttpResponseBase:
    params = parse_list_params(request.GET)
    return _paged(
        params,
        filters.filter_taxonomy_terms(params),
        lambda qs: qs.select_related("taxonomy"),
        lambda rows: [serialize.taxonomy_term(t, params.lang) for t in rows],
    )


@hsds_endpoint
def taxonomy_term_detail(request: HttpRequest, pk: str) -> HttpResponseBase:
    params = parse_list_params(request.GET)
    term = _one(TaxonomyTerm.objects.select_related("taxonomy"), pk)
    return _json(serialize.taxonomy_term(term, params.lang))
