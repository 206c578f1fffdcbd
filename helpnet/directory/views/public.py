"""The public help map: no login, works without JavaScript; htmx only makes it quicker."""

import math
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from csp.decorators import csp_replace
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db.models import prefetch_related_objects
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import truncatewords
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_POST

from helpnet.lib import ratelimit
from helpnet.lib.limits import too_many_requests
from helpnet.organizations.models import COUNTRY_TIMEZONES, Municipality
from helpnet.search.actions import record_search

from .. import schedules, vocabulary
from ..forms.public import PageForm, SearchForm, ShortlistForm, language_name, parse_shared_ids
from ..models import Location, Service, TaxonomyTerm
from ..queries import (
    SearchParams,
    SearchResult,
    listed_services,
    listed_services_in_order,
    location_addresses,
    open_now_by_service,
    public_service_page,
    search_services,
    search_statistics,
    service_areas,
    service_costs,
    service_locations,
    service_terms,
    terms_of_taxonomies,
)

PER_PAGE = 20
# Rate limits per client (helpnet.lib.ratelimit): searches counted in the anonymous statistics, and changes
# to the shortlist (each one writes the session), per minute.
SEARCH_STATS_PER_MINUTE = 30
SHORTLIST_CHANGES_PER_MINUTE = 60
SHORTLIST_SESSION_KEY = "shortlist"
SHORTLIST_MAX = 50


# --- helpers shared by the pages ---


def _lang() -> str:
    return translation.get_language() or "sl"


def _vocabulary() -> tuple[list[TaxonomyTerm], list[TaxonomyTerm]]:
    need_id = vocabulary.taxonomy_id(vocabulary.NEED_AREAS_TAXONOMY)
    group_id = vocabulary.taxonomy_id(vocabulary.TARGET_GROUPS_TAXONOMY)
    # The starter vocabulary's own order (most asked-for first); terms added later follow by code.
    order = {code: i for i, code in enumerate([*vocabulary.NEED_AREAS, *vocabulary.TARGET_GROUPS])}
    terms = sorted(
        terms_of_taxonomies([need_id, group_id]), key=lambda t: (order.get(t.code, len(order)), t.code)
    )
    return [t for t in terms if t.taxonomy_id == need_id], [t for t in terms if t.taxonomy_id == group_id]


def _search_form(
    data: Any, vocabulary_terms: tuple[list[TaxonomyTerm], list[TaxonomyTerm]] | None = None
) -> SearchForm:
    need_terms, group_terms = vocabulary_terms or _vocabulary()
    return SearchForm(
        data,
        municipalities=list(Municipality.objects.all()),
        need_terms=need_terms,
        group_terms=group_terms,
        lang=_lang(),
    )


def _shortlist(request: HttpRequest) -> list[str]:
    ids = request.session.get(SHORTLIST_SESSION_KEY, [])
    return [str(i) for i in ids] if isinstance(ids, list) else []


def _shortlist_context(request: HttpRequest) -> dict[str, Any]:
    """What every public page needs for the shortlist buttons (URLs reversed once, not per card)."""
    return {
        "shortlist": _shortlist(request),
        "shortlist_add_url": reverse("directory:shortlist_add"),
        "shortlist_remove_url": reverse("directory:shortlist_remove"),
    }


def _wants_partial(request: HttpRequest) -> bool:
    # A history restore asks for the whole page although it comes from htmx.
    htmx = getattr(request, "htmx", None)
    if not htmx:
        return False
    return not htmx.history_restore_request


def _is_free(service: Service) -> bool:
    options = service_costs(service)
    return bool(options) and all(o.amount is not None and o.amount == 0 for o in options)


def _public_locations(service: Service) -> list[Location]:
    return [sal.location for sal in service_locations(service)]


def _towns(service: Service) -> list[str]:
    """Where the service is, by town only (a confidential location shows its municipality, nothing finer)."""
    names: list[str] = []
    for location in _public_locations(service):
        if location.municipality is not None:
            names.append(location.municipality.name)
        elif not location.confidential:
            names.extend(a.city for a in location_addresses(location) if a.city)
    if not names:
        names = [a.municipality.name for a in service_areas(service) if a.municipality is not None]
    return list(dict.fromkeys(names))


def _map_points(services: list[Service]) -> list[dict[str, Any]]:
    """Markers for the map. Confidential locations (safe houses) never reach the page."""
    points = []
    for service in services:
        for location in _public_locations(service):
            if location.confidential or location.latitude is None or location.longitude is None:
                continue
            points.append(
                {
                    "id": str(location.pk),
                    "lat": location.latitude,
                    "lng": location.longitude,
                    "name": service.tr("name"),
                    "place": location.tr("name"),
                    "url": service.get_absolute_url(),
                }
            )
    return points


def _has_confidential_location(service: Service) -> bool:
    return any(location.confidential for location in _public_locations(service))


@dataclass
class Card:
    """One result as the list shows it."""

    service: Service
    towns: list[str]
    is_free: bool
    open_now: bool | None
    distance_km: float | None
    shortlisted: bool
    # Texts in the page's language, worked out once here rather than by filters in the card template
    # (20 cards per page: the filters were a third of the results page's rendering).
    name: str = ""
    organization_name: str = ""
    description: str | None = None  # at most 30 words; None when the service has none
    url: str = ""
    closed: bool = False


def _short_description(text: str | None) -> str | None:
    return truncatewords(text, 30) if text else None


def _cards(services: list[Service], result: SearchResult | None, shortlist: list[str]) -> list[Card]:
    distances = result.distances_km if result else {}
    open_now = open_now_by_service([s.pk for s in services], timezone.now()) if services else {}
    lang = translation.get_language()  # what the tr filter used
    return [
        Card(
            service=s,
            towns=_towns(s),
            is_free=_is_free(s),
            open_now=open_now.get(s.pk),
            # A distance to a safe house would let anyone find it by moving the point: say nothing.
            distance_km=None if _has_confidential_location(s) else distances.get(str(s.pk)),
            shortlisted=str(s.pk) in shortlist,
            name=s.tr("name", lang),
            organization_name=s.organization.tr("name", lang) if s.organization is not None else "",
            description=_short_description(s.tr("description", lang)),
            url=s.get_absolute_url(),
            closed=s.status == Service.Status.TEMPORARILY_CLOSED,
        )
        for s in services
    ]


def _page_links(total: int, page: int) -> dict[str, Any]:
    pages = max(1, math.ceil(total / PER_PAGE))
    return {
        "page": page,
        "pages": pages,
        "start": (page - 1) * PER_PAGE + 1,
        "previous": page - 1 if 1 < page <= pages + 1 else None,
        "next": page + 1 if page < pages else None,
        "beyond": total > 0 and page > pages,
    }


def _map_settings() -> dict[str, str]:
    return {"tile_url": settings.MAP_TILE_URL, "tile_attribution": settings.MAP_TILE_ATTRIBUTION}


def _optional_url(name: str, *args: Any) -> str | None:
    """URLs other parts of the help map add (the .ics file, this week): linked once they exist."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _prepared(services: list[Service]) -> list[Service]:
    # The free badge needs cost options: one query whatever the page's length.
    prefetch_related_objects(services, "cost_options")
    return services


# --- pages ---


@login_not_required
def home(request: HttpRequest) -> HttpResponse:
    need_terms, group_terms = _vocabulary()
    form = _search_form(None, (need_terms, group_terms))
    return render(
        request,
        "directory/home.html",
        {
            "form": form,
            "need_terms": need_terms,
            "municipalities": list(form.municipalities.values()),
            **_shortlist_context(request),
        },
    )


@login_not_required
def search(request: HttpRequest) -> HttpResponse:
    form = _search_form(request.GET)
    form.is_valid()  # invalid parameters drop out of the search; the page says which and why
    result = search_services(form.to_params(), page=form.page_number(), per_page=PER_PAGE)
    # Anonymous daily aggregates of what people look for and do not find; a script hammering the page does not
    # get to write them.
    if form.page_number() == 1 and not ratelimit.hit(
        "search-stats", ratelimit.client_address(request), limit=SEARCH_STATS_PER_MINUTE, window_seconds=60
    ):
        record_search(**search_statistics(form.to_params()), result_count=result.total)
    form.show_counts(result.facets)
    services = result.services  # with what the cards show (queries.card_services_in_order)
    shortlist = _shortlist(request)
    context = {
        "form": form,
        "result": result,
        "cards": _cards(services, result, shortlist),
        "map_points": _map_points(services),
        "map": _map_settings(),
        "pagination": _page_links(result.total, form.page_number()),
        **_shortlist_context(request),
    }
    context["partial_only"] = _wants_partial(request)
    template = "directory/search.html#results" if context["partial_only"] else "directory/search.html"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@login_not_required
def service_detail(request: HttpRequest, pk: UUID) -> HttpResponse:
    service = get_object_or_404(public_service_page(timezone.localdate()), pk=pk)
    lang = _lang()
    need_id = vocabulary.taxonomy_id(vocabulary.NEED_AREAS_TAXONOMY)
    group_id = vocabulary.taxonomy_id(vocabulary.TARGET_GROUPS_TAXONOMY)
    terms = service_terms(service)
    locations = _public_locations(service)
    shortlist = _shortlist(request)
    return render(
        request,
        "directory/service_detail.html",
        {
            "service": service,
            "need_terms": [t for t in terms if t.taxonomy_id == need_id],
            "group_terms": [t for t in terms if t.taxonomy_id == group_id],
            "locations": locations,
            "map_points": _map_points([service]),
            "map": _map_settings(),
            "is_free": _is_free(service),
            "languages": [language_name(x.code) if x.code else x.name for x in service.languages.all()],
            "hours": schedules.hours_in_words(service, lang),
            "open_now": schedules.is_open_now(service),
            "sessions": schedules.next_sessions(service),
            "closures": schedules.closures_of(service),
            "service_timezone": COUNTRY_TIMEZONES.get(service.organization.country, "Europe/Ljubljana"),
            "ics_url": _optional_url("directory:service_ics", service.pk),
            "shortlisted": str(service.pk) in shortlist,
            **_shortlist_context(request),
        },
    )


def _municipality_context(request: HttpRequest, muni: Municipality) -> dict[str, Any]:
    page_form = PageForm(request.GET)
    page = page_form.page_number()
    result = search_services(SearchParams(municipality=muni.slug, lang=_lang()), page=page, per_page=PER_PAGE)
    services = result.services  # with what the cards show (queries.card_services_in_order)
    shortlist = _shortlist(request)
    need_terms, _groups = _vocabulary()
    return {
        "municipality": muni,
        "need_terms": need_terms,
        "result": result,
        "cards": _cards(services, result, shortlist),
        "map_points": _map_points(services),
        "map": _map_settings(),
        "pagination": _page_links(result.total, page),
        "this_week_url": _optional_url("directory:this_week", muni.slug),
        **_shortlist_context(request),
    }


@login_not_required
def municipality(request: HttpRequest, slug: str) -> HttpResponse:
    muni = get_object_or_404(Municipality, slug=slug)
    context = _municipality_context(request, muni)
    embed_path = reverse("directory:municipality_embed", args=[muni.slug])
    context["embed_url"] = request.build_absolute_uri(embed_path)
    return render(request, "directory/municipality.html", context)


@login_not_required
@xframe_options_exempt
@csp_replace({"frame-ancestors": ["*"]})  # type: ignore[arg-type]  # django-csp types views as (request) only
def municipality_embed(request: HttpRequest, slug: str) -> HttpResponse:
    """The social-information point inside a municipality's own website (an iframe)."""
    muni = get_object_or_404(Municipality, slug=slug)
    return render(request, "directory/embed.html", _municipality_context(request, muni))


# --- the shortlist: kept in the session, no login ---


def _shortlist_services(request: HttpRequest) -> tuple[list[Service], bool]:
    """The services of a shared link (``?s=``) or else of this visitor's shortlist."""
    shared = request.GET.get("s")
    if shared is not None:
        return _prepared(listed_services_in_order(parse_shared_ids(shared, limit=SHORTLIST_MAX))), True
    ids = parse_shared_ids(",".join(_shortlist(request)), limit=SHORTLIST_MAX)
    return _prepared(listed_services_in_order(ids)), False


@login_not_required
def shortlist(request: HttpRequest) -> HttpResponse:
    services, shared = _shortlist_services(request)
    own = _shortlist(request)
    share_url = None
    if services:
        path = reverse("directory:shortlist") + "?s=" + ",".join(str(s.pk) for s in services)
        share_url = request.build_absolute_uri(path)
    return render(
        request,
        "directory/shortlist.html",
        {
            "cards": _cards(services, None, own),
            "shared": shared,
            "share_url": share_url,
            **_shortlist_context(request),
            "print_query": ("?s=" + ",".join(str(s.pk) for s in services)) if shared and services else "",
        },
    )


@login_not_required
def shortlist_print(request: HttpRequest) -> HttpResponse:
    services, _shared = _shortlist_services(request)
    # Hours in words for every entry: the schedules in a fixed number of queries.
    prefetch_related_objects(services, "phones", *schedules.SCHEDULE_PREFETCH)
    lang = _lang()
    entries = [
        {
            "service": s,
            "hours": schedules.hours_in_words(s, lang),
            "phones": list(s.phones.all()),
            "locations": _public_locations(s),
        }
        for s in services
    ]
    return render(
        request,
        "directory/shortlist_print.html",
        {"entries": entries, "printed_on": timezone.localdate(), **_shortlist_context(request)},
    )


def _after_shortlist_change(
    request: HttpRequest, form: ShortlistForm, *, shortlisted: bool, error: str = ""
) -> HttpResponse:
    if _wants_partial(request):
        context = {
            "service_id": form.service_id(),
            "shortlisted": shortlisted,
            "error": error,
            **_shortlist_context(request),
        }
        return render(request, "directory/_service_card.html#shortlist_response", context)
    if error:
        messages.error(request, error)
    target = form.cleaned_data.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        return HttpResponseRedirect(target)
    return redirect("directory:shortlist")


def _shortlist_rate_limited(request: HttpRequest) -> HttpResponse | None:
    client = ratelimit.client_address(request)
    if not ratelimit.hit("shortlist", client, limit=SHORTLIST_CHANGES_PER_MINUTE, window_seconds=60):
        return None
    message = _("You have changed your shortlist very often in a short time. Please wait a minute.")
    return too_many_requests(HttpResponse(message), 60)


@login_not_required
@require_POST
def shortlist_add(request: HttpRequest) -> HttpResponse:
    if (limited := _shortlist_rate_limited(request)) is not None:
        return limited
    form = ShortlistForm(request.POST)
    if not form.is_valid() or not listed_services().filter(pk=form.service_id()).exists():
        return HttpResponse(_("This is not a service of the help map."), status=400)
    ids = _shortlist(request)
    service_id = str(form.service_id())
    if service_id not in ids:
        if len(ids) >= SHORTLIST_MAX:
            error = _("Your shortlist is full (%(max)s services). Remove one before adding another.") % {
                "max": SHORTLIST_MAX
            }
            return _after_shortlist_change(request, form, shortlisted=False, error=error)
        request.session[SHORTLIST_SESSION_KEY] = [*ids, service_id]
    return _after_shortlist_change(request, form, shortlisted=True)


@login_not_required
@require_POST
def shortlist_remove(request: HttpRequest) -> HttpResponse:
    if (limited := _shortlist_rate_limited(request)) is not None:
        return limited
    form = ShortlistForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_("This is not a service of the help map."), status=400)
    service_id = str(form.service_id())
    request.session[SHORTLIST_SESSION_KEY] = [i for i in _shortlist(request) if i != service_id]
    return _after_shortlist_change(request, form, shortlisted=False)
