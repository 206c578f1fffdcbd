"""Series: RFC 5545 dates in the network's zone, round-robin hosts with opt-outs and edits, times hosted."""

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from helpnet.directory.models import Address, Location
from helpnet.meetings import actions, queries
from helpnet.meetings.models import AgendaItem, Meeting, MeetingSeries, MeetingSeriesHost
from helpnet.meetings.tests.helpers import LJ, add_member, client_for, world
from helpnet.networks.models import NetworkMember
from helpnet.organizations.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def _series(network: Any, **kwargs: Any) -> MeetingSeries:
    defaults = {
        "title": "LSKZ monthly",
        "rrule": "FREQ=MONTHLY;BYDAY=2WE",
        "dtstart": dt.date(2027, 1, 1),
        "start_time": dt.time(9, 0),
        "duration_minutes": 120,
    }
    defaults.update(kwargs)
    return MeetingSeries.objects.create(network=network, **defaults)


def _hosts(meetings: list[Meeting]) -> list[str]:
    return [m.host_organization.name if m.host_organization else "" for m in meetings]


def _named_world() -> Any:
    w = world(3)
    for member, name in zip(w.members, ["Ambulanta", "Bolnica", "Center"], strict=True):
        member.organization.name = name
        member.organization.save()
    return w


def test_hosts_rotate_round_robin_by_organisation_name() -> None:
    w = _named_world()
    meetings = actions.generate_series_meetings(_series(w.network), count=4)
    assert _hosts(meetings) == ["Ambulanta", "Bolnica", "Center", "Ambulanta"]
    assert [m.sequence_no for m in meetings] == [1, 2, 3, 4]


def test_rotation_skips_opt_outs_suspended_and_left_members() -> None:
    w = _named_world()
    w.members[1].hosts_meetings = False
    w.members[1].save()
    suspended = add_member(w.network, status=NetworkMember.Status.SUSPENDED)
    left = add_member(w.network, status=NetworkMember.Status.LEFT)
    meetings = actions.generate_series_meetings(_series(w.network), count=3)
    assert _hosts(meetings) == ["Ambulanta", "Center", "Ambulanta"]
    hosts = {m.host_organization_id for m in meetings}
    assert suspended.organization_id not in hosts and left.organization_id not in hosts


def test_edited_host_counts_and_the_rotation_continues_after_it() -> None:
    w = _named_world()
    series = _series(w.network)
    _first, second = actions.generate_series_meetings(series, count=2)
    center = w.members[2].organization
    data = actions.MeetingInput(
        title=second.title, start=second.start, end=second.end, host_organization=center, mode=second.mode
    )
    actions.update_meeting(second, data=data)
    second.refresh_from_db()
    assert second.host_organization == center
    (third,) = actions.generate_series_meetings(series, count=1)
    assert third.host_organization == w.members[0].organization  # after Center comes Ambulanta again
    hosted = queries.times_hosted(w.network, series=series)
    assert hosted[w.members[0].organization_id] == 2
    assert hosted[w.members[1].organization_id] == 0
    assert hosted[center.pk] == 1


def test_cancelled_meetings_do_not_count_as_hosted() -> None:
    w = _named_world()
    series = _series(w.network)
    first, _second = actions.generate_series_meetings(series, count=2)
    actions.cancel_meeting(first)
    assert queries.times_hosted(w.network, series=series)[w.members[0].organization_id] == 0


def test_series_page_shows_times_hosted_and_next_host() -> None:
    w = _named_world()
    series = _series(w.network)
    actions.generate_series_meetings(series, count=2)
    response = client_for(w.member).get(reverse("meetings:series_detail", args=["lskz", series.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    rows = html.split('<table class="staff-table rotation">')[1].split("</table>")[0]
    assert "Ambulanta</th><td>1</td>" in rows
    assert "Bolnica</th><td>1</td>" in rows
    assert 'Center</th><td>0</td><td><span class="badge open">' in rows


def test_series_dates_keep_local_time_across_daylight_saving() -> None:
    w = world()
    series = _series(
        w.network, rrule="FREQ=MONTHLY;BYDAY=2WE", dtstart=dt.date(2027, 2, 1), start_time=dt.time(18)
    )
    february, march, april = actions.generate_series_meetings(series, count=3)
    assert [m.start.astimezone(LJ).date() for m in (february, march, april)] == [
        dt.date(2027, 2, 10),
        dt.date(2027, 3, 10),
        dt.date(2027, 4, 14),
    ]
    assert all(m.start.astimezone(LJ).time() == dt.time(18) for m in (february, march, april))
    assert february.start.astimezone(dt.UTC).hour == 17  # CET
    assert april.start.astimezone(dt.UTC).hour == 16  # CEST
    assert (april.end - april.start) == dt.timedelta(minutes=120)


def test_generating_again_continues_after_the_last_meeting() -> None:
    w = world()
    series = _series(w.network)
    first = actions.generate_series_meetings(series, count=2)
    more = actions.generate_series_meetings(series, count=2)
    dates = [m.start.astimezone(LJ).date() for m in first + more]
    assert dates == [dt.date(2027, 1, 13), dt.date(2027, 2, 10), dt.date(2027, 3, 10), dt.date(2027, 4, 14)]


def test_new_meeting_gets_standing_items_and_series_template() -> None:
    w = world()
    series = _series(w.network, agenda_template=["Reports from the working groups"])
    (m,) = actions.generate_series_meetings(series, count=1)
    kinds = list(m.agenda_items.order_by("order").values_list("kind", flat=True))
    assert kinds == [
        AgendaItem.Kind.ATTENDANCE,
        AgendaItem.Kind.MINUTES_APPROVAL,
        AgendaItem.Kind.ACTION_REVIEW,
        AgendaItem.Kind.REPORT,
        AgendaItem.Kind.NEXT_MEETING,
    ]
    assert m.agenda_items.get(kind=AgendaItem.Kind.REPORT).title == "Reports from the working groups"


def test_location_defaults_to_the_hosts_address() -> None:
    w = _named_world()
    org = w.members[0].organization
    location = Location.objects.create(organization=org, name="Main building")
    Address.objects.create(
        location=location, address_1="Trg svobode 14", city="Sevnica", postal_code="8290", country="SI"
    )
    (m,) = actions.generate_series_meetings(_series(w.network), count=1)
    assert m.location_text == "Ambulanta"
    assert m.address == "Trg svobode 14, 8290 Sevnica"


def test_location_falls_back_to_the_hosts_name() -> None:
    w = _named_world()
    m = actions.generate_series_meetings(_series(w.network), count=2)[1]
    assert (m.location_text, m.address) == ("Bolnica", "")


def test_a_host_that_is_not_a_member_is_refused_and_nothing_is_saved() -> None:
    w = world()
    (m,) = actions.generate_series_meetings(_series(w.network), count=1)
    stranger = OrganizationFactory(name="Not a member")
    data = actions.MeetingInput(title="Changed", start=m.start, end=m.end, host_organization=stranger)
    with pytest.raises(ValidationError):
        actions.update_meeting(m, data=data)
    m.refresh_from_db()
    assert m.title != "Changed" and m.host_organization != stranger


def test_host_form_refuses_a_non_member_with_a_clear_message() -> None:
    w = world()
    (m,) = actions.generate_series_meetings(_series(w.network), count=1)
    stranger = OrganizationFactory(name="Not a member")
    before = (m.host_organization_id, m.ical_sequence)
    response = client_for(w.coordinator).post(
        reverse("meetings:meeting_edit", args=["lskz", m.pk]),
        {
            "title": "Changed",
            "date": "2027-01-13",
            "start_time": "09:00",
            "end_time": "11:00",
            "host_organization": str(stranger.pk),
            "mode": "in_person",
            "visibility": "network",
        },
    )
    assert response.status_code == 200
    assert (
        "Choose one of the network&#x27;s active member organisations as host." in response.content.decode()
    )
    m.refresh_from_db()
    assert (m.host_organization_id, m.ical_sequence, m.title) == (*before, "LSKZ monthly")


def test_a_suspended_member_cannot_be_made_host() -> None:
    w = world()
    (m,) = actions.generate_series_meetings(_series(w.network), count=1)
    member = w.members[2]
    member.status = NetworkMember.Status.SUSPENDED
    member.save()
    data = actions.MeetingInput(
        title=m.title, start=m.start, end=m.end, host_organization=member.organization
    )
    with pytest.raises(ValidationError, match="not an active member"):
        actions.update_meeting(m, data=data)


def test_series_form_rejects_a_bad_rule() -> None:
    w = world()
    response = client_for(w.coordinator).post(
        reverse("meetings:series_create", args=["lskz"]),
        {
            "title": "Bad",
            "rrule": "every second wednesday",
            "dtstart": "2027-01-01",
            "start_time": "09:00",
            "duration_minutes": "120",
            "default_mode": "in_person",
        },
    )
    assert response.status_code == 200
    assert "This is not a valid repeat rule" in response.content.decode()
    assert not MeetingSeries.objects.exists()


def test_series_form_creates_a_series_and_the_button_schedules_meetings() -> None:
    w = world()
    client = client_for(w.coordinator)
    response = client.post(
        reverse("meetings:series_create", args=["lskz"]),
        {
            "title": "Local group",
            "rrule": "FREQ=MONTHLY;BYDAY=2WE",
            "dtstart": "2027-01-01",
            "start_time": "09:00",
            "duration_minutes": "90",
            "default_mode": "in_person",
            "rotate_hosts": "on",
            "agenda_lines": "Reports\n\n",
        },
    )
    series = MeetingSeries.objects.get()
    assert response.status_code == 302
    assert series.agenda_template == ["Reports"]
    client.post(reverse("meetings:series_generate", args=["lskz", series.pk]), {"count": "3"})
    assert series.meetings.count() == 3
    response = client.post(reverse("meetings:series_generate", args=["lskz", series.pk]), {"count": "50"})
    assert series.meetings.count() == 3


def test_an_explicit_host_order_is_followed_and_skips_members_who_opted_out_later() -> None:
    w = _named_world()
    series = _series(w.network)
    for position, member in enumerate([w.members[2], w.members[0], w.members[1]]):
        MeetingSeriesHost.objects.create(series=series, member=member, position=position)
    NetworkMember.objects.filter(pk=w.members[0].pk).update(hosts_meetings=False)
    meetings = actions.generate_series_meetings(series, count=3)
    assert _hosts(meetings) == ["Center", "Bolnica", "Center"]
