"""The .ics files: they parse back with icalendar, keep their UID, raise SEQUENCE, carry TZID and keep the
wall-clock time of a series across the daylight-saving changes."""

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr
from icalendar import Calendar

from helpnet.meetings import calendar as ics
from helpnet.meetings.models import Attendance, Meeting, MeetingSeries
from helpnet.networks.tests.factories import make_network_with_members
from helpnet.organizations.tests.factories import UserFactory

LJUBLJANA = ZoneInfo("Europe/Ljubljana")
COPENHAGEN = ZoneInfo("Europe/Copenhagen")


def make_meeting(network: Any = None, **kwargs: Any) -> Meeting:
    """A scheduled meeting of a fresh network (3 members) unless one is given; 17:00–19:00 local time."""
    if network is None:
        network, _members = make_network_with_members(3)
    start = kwargs.pop("start", dt.datetime(2026, 12, 9, 17, 0, tzinfo=ZoneInfo(network.timezone)))
    values: dict[str, Any] = {
        "network": network,
        "title": "Lokalna skupina: seja",
        "start": start,
        "end": start + dt.timedelta(hours=2),
        "timezone": network.timezone,
        "location_text": "Sejna soba",
        "address": "Trg svobode 14, 8290 Sevnica",
        "status": Meeting.Status.SCHEDULED,
    }
    values.update(kwargs)
    return Meeting.objects.create(**values)


def invite(meeting: Meeting, user: Any, **kwargs: Any) -> Attendance:
    return Attendance.objects.create(meeting=meeting, user=user, invited=True, **kwargs)


def parse(data: bytes) -> Calendar:
    return Calendar.from_ical(data)


@pytest.mark.django_db
def test_invitation_parses_back_with_uid_sequence_and_tzid() -> None:
    meeting = make_meeting()
    data = ics.meeting_ics(meeting, method="REQUEST")
    cal = parse(data)
    assert str(cal["method"]) == "REQUEST"
    [event] = cal.events
    assert str(event["uid"]) == f"{meeting.ical_uid}@helpnet"
    assert int(event["sequence"]) == 0
    assert event["dtstart"].params["TZID"] == "Europe/Ljubljana"
    assert event.start == dt.datetime(2026, 12, 9, 17, 0, tzinfo=LJUBLJANA)
    assert event.end == dt.datetime(2026, 12, 9, 19, 0, tzinfo=LJUBLJANA)
    assert str(event["status"]) == "CONFIRMED"
    assert "Trg svobode 14" in str(event["location"])
    assert ics.meeting_url(meeting) in str(event["description"]).replace("\n", "")
    assert ics.meeting_url(meeting).startswith("http")
    assert [tz["tzid"] for tz in cal.walk("VTIMEZONE")] == ["Europe/Ljubljana"]
    assert str(event["organizer"]).startswith("mailto:")


@pytest.mark.django_db
def test_uid_is_stable_and_sequence_follows_the_meeting_on_every_change() -> None:
    meeting = make_meeting()
    first = parse(ics.meeting_ics(meeting)).events[0]
    meeting.start += dt.timedelta(days=1)
    meeting.end += dt.timedelta(days=1)
    meeting.ical_sequence += 1
    meeting.save()
    second = parse(ics.meeting_ics(meeting)).events[0]
    meeting.location_text = "Knjižnica"
    meeting.ical_sequence += 1
    meeting.save()
    third = parse(ics.meeting_ics(meeting)).events[0]
    assert str(first["uid"]) == str(second["uid"]) == str(third["uid"])
    assert [int(e["sequence"]) for e in (first, second, third)] == [0, 1, 2]
    assert second.start.date() == dt.date(2026, 12, 10)
    assert "Knjižnica" in str(third["location"])


@pytest.mark.django_db
def test_cancellation_has_method_cancel_and_status_cancelled() -> None:
    meeting = make_meeting(status=Meeting.Status.CANCELLED, ical_sequence=3)
    cal = parse(ics.meeting_ics(meeting, method="CANCEL"))
    assert str(cal["method"]) == "CANCEL"
    [event] = cal.events
    assert str(event["status"]) == "CANCELLED"
    assert int(event["sequence"]) == 3


@pytest.mark.django_db
def test_attendees_carry_email_name_and_partstat_from_rsvp() -> None:
    meeting = make_meeting()
    coming = UserFactory(first_name="Špela", last_name="Žagar", email="spela@example.org")
    silent = UserFactory(first_name="Jens", last_name="Ørsted", email="jens@example.org")
    no_email = UserFactory(email="")
    invite(meeting, coming, rsvp=Attendance.Rsvp.YES)
    invite(meeting, silent)
    invite(meeting, no_email)
    event = parse(ics.meeting_ics(meeting, attendees=meeting.attendances.select_related("user"))).events[0]
    attendees = event["attendee"]
    by_mail = {str(a): a.params for a in attendees}
    assert set(by_mail) == {"mailto:spela@example.org", "mailto:jens@example.org"}
    assert by_mail["mailto:spela@example.org"]["CN"] == "Špela Žagar"
    assert by_mail["mailto:spela@example.org"]["PARTSTAT"] == "ACCEPTED"
    assert by_mail["mailto:jens@example.org"]["PARTSTAT"] == "NEEDS-ACTION"


@pytest.mark.django_db
def test_online_meeting_location_is_the_link_and_hybrid_has_both() -> None:
    online = make_meeting(mode="online", online_url="https://meet.example.org/lskz")
    hybrid = make_meeting(mode="hybrid", online_url="https://meet.example.org/lskz")
    assert str(parse(ics.meeting_ics(online)).events[0]["location"]) == "https://meet.example.org/lskz"
    location = str(parse(ics.meeting_ics(hybrid)).events[0]["location"])
    assert "Sejna soba" in location
    assert "https://meet.example.org/lskz" in location


@pytest.mark.django_db
def test_copenhagen_meetings_use_their_own_zone() -> None:
    network, _members = make_network_with_members(2, country="DK")
    meeting = make_meeting(network, start=dt.datetime(2026, 7, 1, 9, 30, tzinfo=COPENHAGEN))
    cal = parse(ics.meeting_ics(meeting))
    event = cal.events[0]
    assert event["dtstart"].params["TZID"] == "Europe/Copenhagen"
    assert event.start.utcoffset() == dt.timedelta(hours=2)
    assert [tz["tzid"] for tz in cal.walk("VTIMEZONE")] == ["Europe/Copenhagen"]


def _series(network: Any, rule: str, first: dt.date) -> MeetingSeries:
    return MeetingSeries.objects.create(
        network=network, title="Mesečna seja", rrule=rule, dtstart=first, start_time=dt.time(17, 0)
    )


def _expand(data: bytes, count: int) -> tuple[dt.datetime, list[dt.datetime]]:
    cal = parse(data)
    [event] = cal.events
    start = event.start
    rule = event["rrule"].to_ical().decode()
    return start, list(rrulestr(rule, dtstart=start))[:count]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("rule", "first"),
    [
        # Weekly on Thursdays from early March to mid-November: passes the last Sundays of March and October.
        ("FREQ=WEEKLY;BYDAY=TH;COUNT=40", dt.date(2026, 3, 5)),
        # Monthly on the second Wednesday, a whole year.
        ("FREQ=MONTHLY;BYDAY=2WE;COUNT=12", dt.date(2026, 1, 14)),
    ],
)
def test_series_keeps_its_wall_clock_time_across_daylight_saving(rule: str, first: dt.date) -> None:
    network, _members = make_network_with_members(2)
    data = ics.series_ics(_series(network, rule, first))
    start, occurrences = _expand(data, 60)
    assert start.tzinfo is not None
    assert len(occurrences) == int(rule.rsplit("=", 1)[1])
    # Same wall clock every time...
    assert {o.astimezone(LJUBLJANA).time() for o in occurrences} == {dt.time(17, 0)}
    # ...while the UTC time moves by an hour at the changes (16:00 UTC in summer, 17:00 UTC in winter).
    utc_hours = {o.astimezone(dt.UTC).hour for o in occurrences}
    assert utc_hours == {15, 16}
    summer = [o for o in occurrences if o.date() > dt.date(2026, 3, 29) and o.date() < dt.date(2026, 10, 25)]
    assert summer
    assert all(o.astimezone(dt.UTC).hour == 15 for o in summer)


@pytest.mark.django_db
def test_series_vtimezone_gives_the_right_offsets_on_both_sides_of_the_change() -> None:
    network, _members = make_network_with_members(2)
    cal = parse(ics.series_ics(_series(network, "FREQ=WEEKLY;BYDAY=SA", dt.date(2026, 3, 21))))
    [vtimezone] = cal.walk("VTIMEZONE")
    zone = vtimezone.to_tz()
    before = dt.datetime(2026, 3, 28, 17, 0, tzinfo=zone)
    after = dt.datetime(2026, 4, 4, 17, 0, tzinfo=zone)
    autumn = dt.datetime(2026, 10, 31, 17, 0, tzinfo=zone)
    assert before.utcoffset() == dt.timedelta(hours=1)
    assert after.utcoffset() == dt.timedelta(hours=2)
    assert autumn.utcoffset() == dt.timedelta(hours=1)
    assert "RRULE:FREQ=WEEKLY;BYDAY=SA" in ics.series_ics(MeetingSeries.objects.get()).decode()


@pytest.mark.django_db
def test_feed_is_publish_without_attendees() -> None:
    meeting = make_meeting()
    invite(meeting, UserFactory(email="someone@example.org"))
    cal = parse(ics.feed_ics([meeting], name="LSKZ"))
    assert str(cal["method"]) == "PUBLISH"
    assert "attendee" not in cal.events[0]
    assert b"someone@example.org" not in ics.feed_ics([meeting], name="LSKZ")


@pytest.mark.django_db
def test_series_until_date_becomes_a_utc_time_at_the_end_of_that_day() -> None:
    network, _members = make_network_with_members(2)
    series = _series(network, "FREQ=WEEKLY;BYDAY=TH;UNTIL=20261029", dt.date(2026, 10, 1))
    _start, occurrences = _expand(ics.series_ics(series), 60)
    assert b"UNTIL=20261029T225959Z" in ics.series_ics(series)
    # The last Thursday (29 October, after the autumn change) is still included.
    assert [o.date() for o in occurrences][-1] == dt.date(2026, 10, 29)
    assert len(occurrences) == 5
