"""Sessions of services in time: a service's calendar feed and a municipality's "this week"."""

import datetime as dt
from uuid import UUID

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone, translation
from icalendar import Calendar, Event

from helpnet.lib import hours_text
from helpnet.organizations.models import Municipality

from .. import schedules
from ..models import Location, Service
from ..queries import listed_services


def _place(location: Location | None, lang: str) -> str:
    """The location's name; never the address of a confidential location (a safe house)."""
    if location is None:
        return ""
    name = str(location.tr("name", lang) or "")
    if location.confidential:
        return name
    address = next(iter(location.addresses.all()), None)
    street = f"{address.address_1}, {address.city}" if address else ""
    return ", ".join(part for part in (name, street) if part)


def _calendar(request: HttpRequest, service: Service, lang: str) -> Calendar:
    now = timezone.now()
    cal = Calendar()
    cal.add("prodid", "-//helpnet//help map//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", str(service.tr("name", lang)))
    url = request.build_absolute_uri(service.get_absolute_url())
    for series in schedules.calendar_series(service, after=now):
        event = Event()
        # Stable per schedule row, so a subscribed calendar updates the series instead of adding one.
        event.add("uid", f"{series.schedule.pk}@helpnet")
        event.add("dtstamp", now)
        event.add("summary", str(service.tr("name", lang)))
        event.add("dtstart", series.starts_at)
        event.add("dtend", series.ends_at)
        if series.recur:
            event.add("rrule", series.recur)
        if series.exdates:
            event.add("exdate", series.exdates)
        place = _place(series.location, lang)
        if place:
            event.add("location", place)
        note = str(series.schedule.tr("description", lang) or "")
        if note:
            event.add("description", note)
        event.add("url", url)
        cal.add_component(event)
    # VTIMEZONE blocks, so calendar apps place the sessions right across daylight-saving changes.
    cal.add_missing_timezones(
        first_date=now.date() - dt.timedelta(days=366), last_date=now.date().replace(year=now.year + 3)
    )
    return cal


@login_not_required
def service_ics(request: HttpRequest, pk: UUID) -> HttpResponse:
    service = get_object_or_404(listed_services().select_related("organization"), pk=pk)
    lang = translation.get_language() or "sl"
    response = HttpResponse(
        _calendar(request, service, lang).to_ical(), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="helpnet-{service.pk}.ics"'
    return response


@login_not_required
def this_week(request: HttpRequest, slug: str) -> HttpResponse:
    municipality = get_object_or_404(Municipality, slug=slug)
    lang = translation.get_language() or "sl"
    days = schedules.sessions_this_week(municipality, now=timezone.now())
    return render(
        request,
        "directory/this_week.html",
        {
            "municipality": municipality,
            "days": [
                {
                    "date": day,
                    "heading": hours_text.day_heading(day, lang),
                    "items": [
                        {
                            "time": hours_text.window_text(o.starts_at, o.ends_at, lang),
                            "starts_at": o.starts_at,
                            "service": o.service,
                            "what": str(o.schedule.tr("description", lang) or "") if o.schedule else "",
                            "place": _place(o.location, lang),
                        }
                        for o in occurrences
                    ],
                }
                for day, occurrences in days
            ],
        },
    )
