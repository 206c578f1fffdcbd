"""Quorum counts organisations with a vote, not people: a primary or a deputy counts the organisation once."""

import datetime as dt

import pytest
from django.urls import reverse

from helpnet.meetings import actions, queries
from helpnet.meetings.models import Attendance
from helpnet.meetings.tests.helpers import add_member, at, client_for, deputy, meeting, world
from helpnet.networks.models import Network, Representative
from helpnet.organizations.models import Membership
from helpnet.organizations.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

PRESENT = Attendance.Presence.PRESENT


def _present(m, user, member, presence=PRESENT):  # type: ignore[no-untyped-def]
    return actions.add_attendee(m, user=user, on_behalf_of=member.organization, presence=presence)


def test_primary_and_deputy_of_one_organisation_count_once() -> None:
    w = world(4)  # four voting members: more than half is 3
    m = meeting(w.network, at(dt.date(2027, 1, 13)))
    first = w.members[0]
    _present(m, w.coordinator, first)
    _present(m, deputy(first), first)
    quorum = queries.quorum_for(m)
    assert (quorum.voting, quorum.required, quorum.present, quorum.met) == (4, 3, 1, False)
    _present(m, w.members[1].representatives.get().user, w.members[1])
    _present(m, deputy(w.members[2]), w.members[2])  # a deputy alone counts
    quorum = queries.quorum_for(m)
    assert (quorum.present, quorum.met) == (3, True)


def test_members_without_a_vote_and_staff_who_are_not_representatives_do_not_count() -> None:
    w = world(2)  # two voting members: 2 needed
    observer = add_member(w.network, has_voting_right=False)
    m = meeting(w.network, at(dt.date(2027, 1, 13)))
    _present(m, observer.representatives.get().user, observer)
    staff = MembershipFactory(organization=w.members[1].organization, role=Membership.Role.EDITOR).user
    _present(m, staff, w.members[1])
    _present(m, w.coordinator, w.members[0])
    quorum = queries.quorum_for(m)
    assert (quorum.voting, quorum.required, quorum.present, quorum.met) == (2, 2, 1, False)


def test_absent_excused_and_ended_representatives_do_not_count_remote_does() -> None:
    w = world(3)
    m = meeting(w.network, at(dt.date(2027, 1, 13)))
    _present(m, w.coordinator, w.members[0], Attendance.Presence.EXCUSED)
    _present(m, w.member, w.members[1], Attendance.Presence.REMOTE)
    ended = w.members[2].representatives.get()
    row = _present(m, ended.user, w.members[2])
    Representative.objects.filter(pk=ended.pk).update(ended_on=dt.date(2026, 12, 31))
    assert row.representative_id == ended.pk
    assert queries.quorum_for(m).present == 1


def test_fixed_and_percentage_rules() -> None:
    w = world(5)
    m = meeting(w.network, at(dt.date(2027, 1, 13)))
    Network.objects.filter(pk=w.network.pk).update(quorum_rule="fixed", quorum_value=2)
    m.network.refresh_from_db()
    assert queries.quorum_for(m).required == 2
    Network.objects.filter(pk=w.network.pk).update(quorum_rule="percent", quorum_value=60)
    m.network.refresh_from_db()
    assert queries.quorum_for(m).required == 3  # 60 % of 5


def test_decision_records_whether_the_meeting_was_quorate() -> None:
    w = world(3)
    m = meeting(w.network, at(dt.date(2027, 1, 13)))
    not_quorate = actions.record_decision(m, title="Early")
    _present(m, w.coordinator, w.members[0])
    _present(m, w.member, w.members[1])
    quorate = actions.record_decision(m, title="Later")
    assert (not_quorate.quorate, quorate.quorate) == (False, True)


def test_meeting_page_shows_the_live_quorum_and_updates_it_from_the_attendance_form() -> None:
    w = world(3)
    m = meeting(w.network, at(dt.date(2027, 1, 13)))
    actions.invite_to_meeting(m)
    client = client_for(w.coordinator)
    page = client.get(m.get_absolute_url()).content.decode()
    assert "Not quorate" in page and "0 of 3 organisations with a vote present (2 needed)" in page
    rows = {a.user_id: a.pk for a in m.attendances.all()}
    data = {f"presence-{rows[w.coordinator.pk]}": "present", f"presence-{rows[w.member.pk]}": "remote"}
    response = client.post(
        reverse("meetings:attendance_update", args=["lskz", m.pk]), data, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "Quorate" in response.content.decode() and "2 of 3 organisations" in response.content.decode()
    response = client.post(reverse("meetings:attendance_update", args=["lskz", m.pk]), data)
    assert response.status_code == 302  # without JavaScript: back to the page


def test_bad_presence_value_saves_nothing() -> None:
    w = world(3)
    m = meeting(w.network, at(dt.date(2027, 1, 13)))
    actions.invite_to_meeting(m)
    rows = list(m.attendances.order_by("pk"))
    data = {f"presence-{rows[0].pk}": "present", f"presence-{rows[1].pk}": "sleeping"}
    client_for(w.coordinator).post(reverse("meetings:attendance_update", args=["lskz", m.pk]), data)
    assert not m.attendances.filter(presence="present").exists()
