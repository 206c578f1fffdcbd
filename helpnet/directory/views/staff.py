"""Pages for the staff of organisations: keep their own services true.

LoginRequiredMiddleware sends anonymous users to the login page; the permission helpers give a 404
for another organisation's objects and a 403 to read-only members.
"""

from typing import cast
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from helpnet.accounts.models import User

from ..actions import create_service, replace_schedules, save_location, update_service
from ..forms.staff import (
    ClosureFormSet,
    HoursForm,
    LocationForm,
    ScheduleFormSet,
    ServiceForm,
    closure_inputs,
    default_language,
    schedule_inputs,
    schedule_row_initial,
)
from ..models import Schedule
from ..permissions import (
    get_location_for_editor_or_404,
    get_organization_for_editor_or_404,
    get_service_for_editor_or_404,
    memberships_with_directory,
)

DAY_ORDER = {code: i for i, code in enumerate(["MO", "TU", "WE", "TH", "FR", "SA", "SU"])}


def _user(request: HttpRequest) -> User:
    # LoginRequiredMiddleware guarantees a signed-in user on every staff page.
    return cast(User, request.user)


def staff_home(request: HttpRequest) -> HttpResponse:
    memberships = memberships_with_directory(request.user)
    return render(request, "directory/staff_home.html", {"memberships": memberships})


@require_http_methods(["GET", "POST"])
def service_create(request: HttpRequest) -> HttpResponse:
    organization = get_organization_for_editor_or_404(request.user, request.GET.get("org", ""))
    language = request.POST.get("original_language") or default_language(organization)
    form = ServiceForm(
        request.POST or None,
        original_language=language,
        country=organization.country,
        initial={"original_language": language, "status": "active"},
    )
    if request.method == "POST" and form.is_valid():
        service = create_service(organization, data=form.to_input(), by=_user(request))
        messages.success(request, _("The service is saved. Now add its opening hours."))
        return redirect("directory:service_hours", pk=service.pk)
    return render(request, "directory/staff_service_form.html", {"form": form, "organization": organization})


@require_http_methods(["GET", "POST"])
def service_edit(request: HttpRequest, pk: UUID) -> HttpResponse:
    service = get_service_for_editor_or_404(request.user, pk)
    language = request.POST.get("original_language") or service.original_language
    language = language or default_language(service.organization)
    form = ServiceForm(
        request.POST or None,
        original_language=language,
        country=service.organization.country,
        initial=ServiceForm.initial_for(service),
    )
    if request.method == "POST" and form.is_valid():
        update_service(service, data=form.to_input(), by=_user(request))
        messages.success(request, _("“%(name)s” is saved.") % {"name": form.cleaned_data["name"]})
        return redirect("directory:staff_home")
    context = {"form": form, "organization": service.organization, "service": service}
    return render(request, "directory/staff_service_form.html", context)


def _stored_rows(schedules: list[Schedule]) -> list[dict[str, object]]:
    """Editor rows in week order: by the first day, then by opening time."""

    def first_day(schedule: Schedule) -> tuple[int, str]:
        day = schedule.byday.split(",")[0].strip()[-2:].upper()
        return DAY_ORDER.get(day, 9), str(schedule.opens_at)

    rows = (schedule_row_initial(s) for s in sorted(schedules, key=first_day))
    return [row for row in rows if row is not None]


@require_http_methods(["GET", "POST"])
def service_hours(request: HttpRequest, pk: UUID) -> HttpResponse:
    service = get_service_for_editor_or_404(request.user, pk)
    locations = service.organization.locations.order_by("name")
    data = request.POST or None
    stored = list(service.schedules.all())
    hours = HoursForm(data, initial=HoursForm.initial_for(stored))
    rows = ScheduleFormSet(
        data, prefix="hours", initial=_stored_rows(stored), form_kwargs={"locations": locations}
    )
    closures = ClosureFormSet(
        data,
        prefix="closures",
        initial=list(service.closures.order_by("start_date").values("start_date", "end_date", "reason")),
    )
    if request.method == "POST" and hours.is_valid() and rows.is_valid() and closures.is_valid():
        replace_schedules(
            service, rows=schedule_inputs(hours, rows), closures=closure_inputs(closures), by=_user(request)
        )
        messages.success(request, _("Opening hours of “%(name)s” are saved.") % {"name": service.name})
        return redirect("directory:staff_home")
    context = {"service": service, "hours": hours, "rows": rows, "closures": closures}
    return render(request, "directory/staff_hours.html", context)


def _location_page(request: HttpRequest, form: LocationForm, **context: object) -> HttpResponse:
    context |= {
        "form": form,
        "tile_url": settings.MAP_TILE_URL,
        "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
    }
    return render(request, "directory/staff_location_form.html", context)


@require_http_methods(["GET", "POST"])
def location_create(request: HttpRequest) -> HttpResponse:
    organization = get_organization_for_editor_or_404(request.user, request.GET.get("org", ""))
    form = LocationForm(
        request.POST or None, organization=organization, initial={"country": organization.country}
    )
    if request.method == "POST" and form.is_valid():
        location = save_location(None, organization=organization, data=form.to_input(), by=_user(request))
        messages.success(request, _("“%(name)s” is saved.") % {"name": location.name})
        return redirect("directory:staff_home")
    return _location_page(request, form, organization=organization)


@require_http_methods(["GET", "POST"])
def location_edit(request: HttpRequest, pk: UUID) -> HttpResponse:
    location = get_location_for_editor_or_404(request.user, pk)
    organization = location.organization
    if organization is None:
        # Only superusers reach a location without an organisation: the admin edits those.
        raise Http404
    form = LocationForm(
        request.POST or None, organization=organization, initial=LocationForm.initial_for(location)
    )
    if request.method == "POST" and form.is_valid():
        save_location(location, organization=organization, data=form.to_input(), by=_user(request))
        messages.success(request, _("“%(name)s” is saved.") % {"name": location.name})
        return redirect("directory:staff_home")
    return _location_page(request, form, organization=organization, location=location)
