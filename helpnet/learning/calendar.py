"""An .ics file (RFC 5545) for one training event, in the network's time zone."""

from zoneinfo import ZoneInfo

from django.conf import settings
from icalendar import Calendar, Event

from .models import TrainingEvent

PRODID = "-//helpnet//learning//EN"


def event_uid(event: TrainingEvent) -> str:
    return f"training-{event.pk}@helpnet"


def event_ics(event: TrainingEvent) -> bytes:
    zone = ZoneInfo(event.network.timezone)
    url = settings.HELPNET_BASE_URL.rstrip("/") + event.get_absolute_url()
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    vevent = Event()
    vevent.add("uid", event_uid(event))
    vevent.add("sequence", event.ical_sequence)
    vevent.add("dtstamp", event.updated_at)
    vevent.add("dtstart", event.start.astimezone(zone))
    vevent.add("dtend", event.end.astimezone(zone))
    vevent.add("summary", event.title)
    vevent.add("description", "\n\n".join(part for part in (event.description, url) if part))
    vevent.add("url", url)
    location = ", ".join(part for part in (event.place, event.online_url) if part)
    if location:
        vevent.add("location", location)
    cancelled = event.status == TrainingEvent.Status.CANCELLED
    vevent.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    cal.add_component(vevent)
    cal.add_missing_timezones()
    return cal.to_ical()
