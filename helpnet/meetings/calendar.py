"""iCalendar (RFC 5545) files for meetings: invitations, updates, cancellations, feeds and series.

- One VEVENT per meeting. UID = ``<ical_uid>@helpnet`` never changes; SEQUENCE = ``ical_sequence``, which the
  meeting actions raise on every change that must reach invitees, so calendar programs replace the old copy.
- Times carry a TZID (the network's zone, Europe/Ljubljana or Europe/Copenhagen) and the file includes the
  matching VTIMEZONE, so a series keeps its wall-clock time across the daylight-saving changes.
- METHOD:REQUEST for invitations and updates, METHOD:CANCEL (and STATUS:CANCELLED) for cancellations,
  METHOD:PUBLISH for subscription feeds (which never list attendees).
- DESCRIPTION holds a link to the meeting page and nothing personal; ATTENDEE lines name only invited
  representatives (people of member organisations), never citizens.
"""

import datetime as dt
from collections.abc import Iterable
from email.utils import parseaddr
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard, vCalAddress, vRecur

PRODID = "-//helpnet//meetings//EN"
UID_DOMAIN = "helpnet"

# Zones whose rules are the EU's (last Sunday of March and October at 01:00 UTC): a compact VTIMEZONE with
# RRULEs, which every calendar program understands and which is correct for every year.
CET_ZONES = {"Europe/Ljubljana", "Europe/Copenhagen", "Europe/Berlin", "Europe/Vienna", "Europe/Zagreb"}

PARTSTAT = {
    "yes": "ACCEPTED",
    "accepted": "ACCEPTED",
    "no": "DECLINED",
    "declined": "DECLINED",
    "maybe": "TENTATIVE",
    "tentative": "TENTATIVE",
}


def base_url() -> str:
    return str(settings.HELPNET_BASE_URL).rstrip("/")


def meeting_uid(meeting: Any) -> str:
    return f"{meeting.ical_uid}@{UID_DOMAIN}"


def meeting_url(meeting: Any) -> str:
    """Absolute link to the meeting page (cron jobs and e-mails have no request)."""
    try:
        path = meeting.get_absolute_url()
    except (AttributeError, NoReverseMatch):
        path = reverse("meetings:meeting_ics", args=[meeting.network.slug, meeting.pk])
    return base_url() + path


def meeting_zone(meeting: Any) -> str:
    zone = getattr(meeting, "timezone", "") or meeting.network.timezone
    try:
        ZoneInfo(zone)
    except (ValueError, KeyError, OSError):
        zone = meeting.network.timezone
    return str(zone)


def meeting_location(meeting: Any) -> str:
    """Host and address for meetings in a room, the link for online ones, both for hybrid ones."""
    parts: list[str] = []
    mode = getattr(meeting, "mode", "in_person")
    if mode != "online":
        host = meeting.host_organization.name if meeting.host_organization_id else ""
        for part in (meeting.location_text, host, meeting.address):
            if part and part not in parts:
                parts.append(part)
    if mode in ("online", "hybrid") and meeting.online_url:
        parts.append(meeting.online_url)
    return ", ".join(parts)


def organizer_for(meeting: Any) -> vCalAddress:
    """The network, at the site's sending address: replies reach the coordinators, not a private inbox."""
    _name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    organizer = vCalAddress(f"mailto:{address or 'noreply@helpnet.local'}")
    organizer.params["cn"] = meeting.network.name
    return organizer


def attendee_address(attendance: Any) -> vCalAddress | None:
    user = attendance.user
    if not user.email:
        return None
    address = vCalAddress(f"mailto:{user.email}")
    name = user.get_full_name() or user.username
    address.params["cn"] = name
    address.params["role"] = "REQ-PARTICIPANT"
    address.params["partstat"] = PARTSTAT.get(str(getattr(attendance, "rsvp", "") or ""), "NEEDS-ACTION")
    address.params["rsvp"] = "TRUE"
    return address


def body_name(meeting: Any) -> str:
    """The body that meets: the working group, or else the network."""
    group = meeting.working_group
    return str(group.name) if group is not None else str(meeting.network.name)


def _description(meeting: Any) -> str:
    return f"{body_name(meeting)}\n{meeting_url(meeting)}"


def meeting_event(meeting: Any, *, attendees: Iterable[Any] = (), cancelled: bool | None = None) -> Event:
    """The VEVENT of one meeting. ``cancelled`` defaults to the meeting's own status."""
    if cancelled is None:
        cancelled = meeting.status == "cancelled"
    zone = ZoneInfo(meeting_zone(meeting))
    event = Event()
    event.add("uid", meeting_uid(meeting))
    event.add("sequence", int(meeting.ical_sequence))
    event.add("dtstamp", timezone.now().astimezone(dt.UTC))
    event.add("dtstart", meeting.start.astimezone(zone))
    event.add("dtend", meeting.end.astimezone(zone))
    event.add("summary", meeting.title)
    location = meeting_location(meeting)
    if location:
        event.add("location", location)
    event.add("description", _description(meeting))
    event.add("url", meeting_url(meeting))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("organizer", organizer_for(meeting))
    for attendance in attendees:
        address = attendee_address(attendance)
        if address is not None:
            event.add("attendee", address)
    return event


def _cet_timezone(name: str) -> Timezone:
    tz = Timezone()
    tz.add("tzid", name)
    summer = TimezoneDaylight()
    summer.add("tzname", "CEST")
    summer.add("tzoffsetfrom", dt.timedelta(hours=1))
    summer.add("tzoffsetto", dt.timedelta(hours=2))
    summer.add("dtstart", dt.datetime(1981, 3, 29, 2, 0))  # noqa: DTZ001 (RFC 5545: local time)
    summer.add("rrule", {"freq": "yearly", "bymonth": 3, "byday": "-1SU"})
    winter = TimezoneStandard()
    winter.add("tzname", "CET")
    winter.add("tzoffsetfrom", dt.timedelta(hours=2))
    winter.add("tzoffsetto", dt.timedelta(hours=1))
    winter.add("dtstart", dt.datetime(1996, 10, 27, 3, 0))  # noqa: DTZ001 (RFC 5545: local time)
    winter.add("rrule", {"freq": "yearly", "bymonth": 10, "byday": "-1SU"})
    tz.add_component(summer)
    tz.add_component(winter)
    return tz


def new_calendar(method: str, *, name: str = "") -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    if name:
        cal.add("x-wr-calname", name)
    return cal


def finish(cal: Calendar, zones: Iterable[str]) -> bytes:
    """Add a VTIMEZONE for every zone used (before the events, as RFC 5545 clients expect) and serialise."""
    known = []
    for zone in sorted(set(zones)):
        if zone in CET_ZONES:
            known.append(_cet_timezone(zone))
    events = list(cal.subcomponents)
    cal.subcomponents = [*known, *events]
    cal.add_missing_timezones()  # any other zone, from the zone database
    return bytes(cal.to_ical())


def meeting_ics(meeting: Any, *, method: str = "REQUEST", attendees: Iterable[Any] = ()) -> bytes:
    """A single meeting: METHOD:REQUEST (invitation or update) or METHOD:CANCEL (cancellation)."""
    cal = new_calendar(method)
    cancelled = method == "CANCEL" or meeting.status == "cancelled"
    cal.add_component(meeting_event(meeting, attendees=attendees, cancelled=cancelled))
    return finish(cal, [meeting_zone(meeting)])


def feed_ics(meetings: Iterable[Any], *, name: str) -> bytes:
    """A subscription feed (METHOD:PUBLISH): times, places and links, without attendees."""
    cal = new_calendar("PUBLISH", name=name)
    zones = []
    for meeting in meetings:
        cal.add_component(meeting_event(meeting))
        zones.append(meeting_zone(meeting))
    return finish(cal, zones)


def series_event(series: Any) -> Event:
    """A series as one VEVENT with its RRULE, starting at the first date in the network's zone."""
    zone = ZoneInfo(series.network.timezone)
    start = dt.datetime.combine(series.dtstart, series.start_time).replace(tzinfo=zone)
    event = Event()
    event.add("uid", f"series-{series.pk}@{UID_DOMAIN}")
    event.add("dtstamp", timezone.now().astimezone(dt.UTC))
    event.add("dtstart", start)
    event.add("dtend", start + dt.timedelta(minutes=int(series.duration_minutes)))
    event.add("summary", series.title)
    rule = vRecur.from_ical(series.rrule.removeprefix("RRULE:").strip())  # ValueError when malformed
    until = rule.get("UNTIL")
    if until and not isinstance(until[0], dt.datetime):
        # RFC 5545: UNTIL has DTSTART's type; a date means "through that day" in the network's zone.
        last = dt.datetime.combine(until[0], dt.time(23, 59, 59)).replace(tzinfo=zone)
        rule["UNTIL"] = [last.astimezone(dt.UTC)]
    event.add("rrule", rule)
    event.add("status", "CONFIRMED")
    return event


def series_ics(series: Any) -> bytes:
    cal = new_calendar("PUBLISH", name=series.title)
    cal.add_component(series_event(series))
    return finish(cal, [series.network.timezone])
