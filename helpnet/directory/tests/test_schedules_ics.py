import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from dateutil.rrule import rrulestr
from django.urls import reverse
from icalendar import Calendar

from helpnet.directory import schedules
from helpnet.directory.models import Closure, Service
from helpnet.directory.tests.factories import ScheduleFactory, ServiceFactory
from helpnet.organizations.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

LJ = ZoneInfo("Europe/Ljubljana")
CPH = ZoneInfo("Europe/Copenhagen")
NOW = dt.datetime(2026, 11, 22, 12, tzinfo=LJ)


def ics_of(client, service: Service) -> Calendar:
    response = client.get(reverse("directory:service_ics", args=[service.pk]))
    assert response.status_code == 200
    return Calendar.from_ical(response.content)


def sessions_in(cal: Calendar, until: dt.datetime) -> list[tuple[dt.datetime, dt.datetime]]:
    """Every session the feed describes up to ``until``: RRULEs expanded, EXDATEs removed."""
    found = []
    for event in cal.walk("VEVENT"):
        start, end = event.decoded("dtstart"), event.decoded("dtend")
        excluded = {d.dt for exdate in _as_list(event.get("exdate")) for d in exdate.dts}
        if event.get("rrule"):
            rule = rrulestr(event.get("rrule").to_ical().decode(), dtstart=start)
            starts = rule.between(start, until, inc=True)
        else:
            starts = [start]
        found += [(s, s + (end - start)) for s in starts if s not in excluded]
    return sorted(found, key=lambda pair: pair[0].astimezone(dt.UTC))


def _as_list(value: object) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def in_utc(pairs):
    return [(a.astimezone(dt.UTC), b.astimezone(dt.UTC)) for a, b in pairs]


def next_sessions_until(service: Service, until: dt.datetime) -> list[tuple[dt.datetime, dt.datetime]]:
    start = NOW.replace(hour=0)
    return [(s.starts_at, s.ends_at) for s in schedules.sessions_between(service, start, until)]


@time_machine.travel(NOW, tick=False)
def test_calendar_feed_is_public_and_typed(client):
    service = ServiceFactory()
    ScheduleFactory(service=service)
    response = client.get(reverse("directory:service_ics", args=[service.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")


@time_machine.travel(NOW, tick=False)
def test_calendar_feed_parses_back_to_the_same_sessions_as_next_sessions(client):
    service = ServiceFactory(organization=OrganizationFactory(country="SI"))
    ScheduleFactory(service=service, byday="MO,TU,WE,TH,FR", opens_at=dt.time(7), closes_at=dt.time(14))
    ScheduleFactory(
        service=service, freq="MONTHLY", byday="1WE,3WE", opens_at=dt.time(8, 30), closes_at=dt.time(9, 30)
    )
    ScheduleFactory(
        service=service, freq="MONTHLY", byday="-1FR", opens_at=dt.time(17), closes_at=dt.time(19)
    )
    Closure.objects.create(service=service, start_date=dt.date(2026, 12, 28), end_date=dt.date(2026, 12, 30))
    until = dt.datetime(2027, 5, 1, tzinfo=LJ)  # across Christmas, New Year, Easter and the spring DST change
    assert in_utc(sessions_in(ics_of(client, service), until)) == in_utc(next_sessions_until(service, until))


@time_machine.travel(NOW, tick=False)
def test_calendar_feed_of_a_danish_fortnightly_group_with_a_count_matches(client):
    service = ServiceFactory(organization=OrganizationFactory(country="DK"))
    ScheduleFactory(
        service=service,
        byday="TH",
        interval=2,
        dtstart=dt.date(2026, 11, 5),
        count=20,
        opens_at=dt.time(18),
        closes_at=dt.time(20),
    )
    until = dt.datetime(2027, 12, 31, tzinfo=CPH)
    sessions = sessions_in(ics_of(client, service), until)
    assert in_utc(sessions) == in_utc(next_sessions_until(service, until))
    # 20 from 5 November: 18 still ahead, less New Year's Eve, Maundy Thursday and Ascension Day.
    assert len(sessions) == 15


@time_machine.travel(NOW, tick=False)
def test_calendar_feed_names_the_real_time_zone(client):
    service = ServiceFactory(organization=OrganizationFactory(country="DK"))
    ScheduleFactory(service=service)
    cal = ics_of(client, service)
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Europe/Copenhagen"]
    assert cal.walk("VEVENT")[0]["DTSTART"].params["TZID"] == "Europe/Copenhagen"


@time_machine.travel(NOW, tick=False)
def test_calendar_feed_uids_are_stable(client):
    service = ServiceFactory()
    ScheduleFactory(service=service)
    first = [str(e["UID"]) for e in ics_of(client, service).walk("VEVENT")]
    again = [str(e["UID"]) for e in ics_of(client, service).walk("VEVENT")]
    assert first == again
    assert len(first) == 1


@time_machine.travel(NOW, tick=False)
def test_calendar_feed_leaves_out_by_appointment_rows(client):
    service = ServiceFactory()
    ScheduleFactory(service=service, opens_at=None, closes_at=None, attending_type="appointment")
    assert ics_of(client, service).walk("VEVENT") == []


def test_calendar_feed_of_a_defunct_service_is_not_found(client):
    service = ServiceFactory(status=Service.Status.DEFUNCT)
    response = client.get(reverse("directory:service_ics", args=[service.pk]))
    assert response.status_code == 404
