"""Agenda and backlog, invitations and changes, minutes workflow, decisions, action items and carry-over."""

import datetime as dt
from typing import Any
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from helpnet.meetings import actions, queries
from helpnet.meetings.models import ActionItem, AgendaItem, Decision, Meeting
from helpnet.meetings.tests.helpers import add_member, at, client_for, deputy, meeting, world
from helpnet.networks.models import NetworkMember
from helpnet.networks.tests.factories import WorkingGroupFactory, WorkingGroupMemberFactory

pytestmark = pytest.mark.django_db

JAN, FEB, MAR = dt.date(2027, 1, 13), dt.date(2027, 2, 10), dt.date(2027, 3, 10)


# --- invitations and changes ---


def test_invite_creates_rows_for_primaries_and_deputies_of_active_members_and_sends_after_commit(
    django_capture_on_commit_callbacks: Any,
) -> None:
    w = world(3)
    extra_deputy = deputy(w.members[1])
    suspended = add_member(w.network, status=NetworkMember.Status.SUSPENDED)
    m = meeting(w.network, at(JAN))
    with (
        mock.patch("helpnet.meetings.notifications.send_invitations") as send,
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert actions.invite_to_meeting(m) == 4
    send.assert_called_once_with(m.pk)
    invited = set(m.attendances.filter(invited=True).values_list("user_id", flat=True))
    assert extra_deputy.pk in invited and w.coordinator.pk in invited
    assert suspended.representatives.get().user_id not in invited
    m.refresh_from_db()
    assert m.status == Meeting.Status.INVITED
    assert all(a.representative_id and a.on_behalf_of_id for a in m.attendances.all())


def test_working_group_meeting_invites_the_groups_participants() -> None:
    w = world(3)
    group = WorkingGroupFactory(network=w.network)
    participant = WorkingGroupMemberFactory(working_group=group, on_behalf_of=w.members[1].organization)
    m = meeting(w.network, at(JAN), working_group=group)
    actions.invite_to_meeting(m)
    assert list(m.attendances.values_list("user_id", flat=True)) == [participant.user_id]


def test_changing_time_raises_the_sequence_and_notifies_after_commit(
    django_capture_on_commit_callbacks: Any,
) -> None:
    w = world()
    m = meeting(w.network, at(JAN))
    same = actions.MeetingInput(title="New title", start=m.start, end=m.end, visibility=m.visibility)
    with mock.patch("helpnet.meetings.notifications.notify_meeting_changed") as notify:
        with django_capture_on_commit_callbacks(execute=True):
            actions.update_meeting(m, data=same)
        assert m.ical_sequence == 0 and not notify.called  # a title is not a change for calendars
        later = actions.MeetingInput(
            title="New title", start=m.start + dt.timedelta(hours=1), end=m.end + dt.timedelta(hours=1)
        )
        with django_capture_on_commit_callbacks(execute=True):
            actions.update_meeting(m, data=later)
        notify.assert_called_once_with(m.pk, cancelled=False)
    m.refresh_from_db()
    assert m.ical_sequence == 1


def test_cancel_raises_the_sequence_and_sends_a_cancellation(django_capture_on_commit_callbacks: Any) -> None:
    w = world()
    m = meeting(w.network, at(JAN))
    with (
        mock.patch("helpnet.meetings.notifications.notify_meeting_changed") as notify,
        django_capture_on_commit_callbacks(execute=True),
    ):
        client_for(w.coordinator).post(reverse("meetings:meeting_cancel", args=["lskz", m.pk]))
    notify.assert_called_once_with(m.pk, cancelled=True)
    m.refresh_from_db()
    assert (m.status, m.ical_sequence) == (Meeting.Status.CANCELLED, 1)


def test_end_before_start_gives_a_clear_message_and_saves_nothing() -> None:
    w = world()
    response = client_for(w.coordinator).post(
        reverse("meetings:meeting_create", args=["lskz"]),
        {
            "title": "Backwards",
            "date": "2027-01-13",
            "start_time": "11:00",
            "end_time": "09:00",
            "mode": "in_person",
            "visibility": "network",
        },
    )
    assert response.status_code == 200
    assert "The meeting must end after it starts." in response.content.decode()
    assert not Meeting.objects.exists()
    with pytest.raises(ValidationError):
        actions.create_meeting(
            w.network, data=actions.MeetingInput(title="x", start=at(JAN, 11), end=at(JAN, 9))
        )
    assert not Meeting.objects.exists()


def test_online_meeting_without_a_link_is_refused() -> None:
    w = world()
    response = client_for(w.coordinator).post(
        reverse("meetings:meeting_create", args=["lskz"]),
        {
            "title": "x",
            "date": "2027-01-13",
            "start_time": "09:00",
            "end_time": "10:00",
            "mode": "online",
            "visibility": "network",
        },
    )
    assert "An online meeting needs a link." in response.content.decode()
    assert not Meeting.objects.exists()


def test_meeting_create_form_schedules_with_standing_items_and_host_place() -> None:
    w = world()
    host = w.members[1].organization
    response = client_for(w.coordinator).post(
        reverse("meetings:meeting_create", args=["lskz"]),
        {
            "title": "January",
            "date": "2027-01-13",
            "start_time": "09:00",
            "end_time": "11:00",
            "host_organization": str(host.pk),
            "mode": "in_person",
            "visibility": "public",
        },
    )
    m = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == m.get_absolute_url()
    assert m.location_text == host.name
    assert m.agenda_items.filter(kind__in=AgendaItem.STANDING_KINDS).count() == 4


# --- agenda and backlog ---


def test_member_proposes_coordinator_accepts_orders_and_defers() -> None:
    w = world()
    m = meeting(w.network, at(JAN))
    client_for(w.member).post(
        reverse("meetings:agenda_propose", args=["lskz", m.pk]), {"title": "Summer holidays", "public": "on"}
    )
    item = AgendaItem.objects.get(title="Summer holidays")
    assert (item.meeting_id, item.status, item.proposed_by) == (None, AgendaItem.Status.PROPOSED, w.member)
    coordinator = client_for(w.coordinator)
    coordinator.post(reverse("meetings:agenda_accept", args=["lskz", m.pk, item.pk]))
    item.refresh_from_db()
    assert (item.meeting_id, item.status) == (m.pk, AgendaItem.Status.ACCEPTED)
    titles = [i.title for i in queries.agenda_for(m, public_only=False)]
    assert titles.index("Summer holidays") == len(titles) - 2  # before "next meeting and host"
    coordinator.post(reverse("meetings:agenda_move", args=["lskz", m.pk, item.pk]), {"direction": "up"})
    titles = [i.title for i in queries.agenda_for(m, public_only=False)]
    assert titles.index("Summer holidays") == len(titles) - 3
    coordinator.post(reverse("meetings:agenda_defer", args=["lskz", m.pk, item.pk]))
    item.refresh_from_db()
    assert (item.meeting_id, item.status) == (None, AgendaItem.Status.DEFERRED)
    assert item in queries.backlog_for(w.network)


def test_plain_member_cannot_accept_items() -> None:
    w = world()
    m = meeting(w.network, at(JAN))
    item = actions.propose_agenda_item(w.network, title="Mine", by=w.member)
    response = client_for(w.member).post(reverse("meetings:agenda_accept", args=["lskz", m.pk, item.pk]))
    assert response.status_code == 404
    item.refresh_from_db()
    assert item.meeting_id is None


def test_proposing_to_another_networks_meeting_is_404_and_saves_nothing() -> None:
    w = world()
    m = meeting(w.network, at(JAN))
    response = client_for(w.outsider).post(
        reverse("meetings:agenda_propose", args=["lskz", m.pk]), {"title": "Sneaky"}
    )
    assert response.status_code == 404
    response = client_for(w.outsider).post(
        reverse("meetings:agenda_propose", args=["other", m.pk]), {"title": "Sneaky"}
    )
    assert response.status_code == 404
    assert not AgendaItem.objects.filter(title="Sneaky").exists()


def test_standing_items_cannot_be_deferred() -> None:
    w = world()
    m = meeting(w.network, at(JAN))
    with pytest.raises(ValidationError):
        actions.defer_agenda_item(m.agenda_items.get(kind=AgendaItem.Kind.ACTION_REVIEW))


# --- minutes ---


def test_minutes_workflow_draft_circulated_approved_at_next_meeting_locked() -> None:
    w = world()
    january, february = meeting(w.network, at(JAN)), meeting(w.network, at(FEB))
    client = client_for(w.coordinator)
    client.post(reverse("meetings:meeting_held", args=["lskz", january.pk]))
    january.refresh_from_db()
    assert january.minutes_status == Meeting.MinutesStatus.DRAFT
    item = january.agenda_items.get(kind=AgendaItem.Kind.ACTION_REVIEW)
    client.post(
        reverse("meetings:minutes_edit", args=["lskz", january.pk]),
        {"minutes_summary": "Good meeting.", f"item_{item.pk}": "All actions on track."},
    )
    item.refresh_from_db()
    assert item.notes == "All actions on track." and item.status == AgendaItem.Status.DISCUSSED
    with pytest.raises(ValidationError):
        actions.approve_previous_minutes(february)  # still a draft
    client.post(reverse("meetings:minutes_circulate", args=["lskz", january.pk]))
    client.post(reverse("meetings:minutes_approve_previous", args=["lskz", february.pk]))
    january.refresh_from_db()
    decision = Decision.objects.get()
    assert january.minutes_status == Meeting.MinutesStatus.APPROVED
    assert january.minutes_approved_by == decision and decision.meeting == february
    assert decision.agenda_item.kind == AgendaItem.Kind.MINUTES_APPROVAL
    client.post(reverse("meetings:minutes_lock", args=["lskz", january.pk]))
    january.refresh_from_db()
    assert january.minutes_status == Meeting.MinutesStatus.LOCKED


def test_locked_minutes_cannot_be_edited_and_nothing_is_saved() -> None:
    w = world()
    m = meeting(w.network, at(JAN))
    Meeting.objects.filter(pk=m.pk).update(
        minutes_status=Meeting.MinutesStatus.LOCKED, minutes_summary="Final"
    )
    item = m.agenda_items.first()
    response = client_for(w.coordinator).post(
        reverse("meetings:minutes_edit", args=["lskz", m.pk]),
        {"minutes_summary": "Rewritten", f"item_{item.pk}": "Rewritten"},
    )
    assert response.status_code == 200
    assert "can no longer be changed" in response.content.decode()
    m.refresh_from_db()
    item.refresh_from_db()
    assert (m.minutes_summary, item.notes) == ("Final", "")
    with pytest.raises(ValidationError):
        actions.record_decision(m, title="Too late")


# --- decisions ---


def test_decisions_are_numbered_per_network_and_month_and_searchable() -> None:
    w = world()
    m = meeting(w.network, at(dt.date(2026, 3, 11)))
    first = actions.record_decision(m, title="Adopt the plan", text="The action plan for 2026 is adopted.")
    second = actions.record_decision(
        m, title="Budget", method=Decision.Method.VOTE, votes_for=5, votes_against=1
    )
    assert (first.number, second.number) == ("LSKZ-2026-03/1", "LSKZ-2026-03/2")
    response = client_for(w.member).get(
        reverse("meetings:decision_register", args=["lskz"]), {"q": "action plan"}
    )
    html = response.content.decode()
    assert "LSKZ-2026-03/1" in html and "LSKZ-2026-03/2" not in html


def test_a_vote_without_votes_for_is_refused() -> None:
    w = world()
    m = meeting(w.network, at(JAN))
    response = client_for(w.coordinator).post(
        reverse("meetings:decision_create", args=["lskz", m.pk]), {"title": "x", "method": "vote"}
    )
    assert "Give the number of votes for." in response.content.decode()
    assert not Decision.objects.exists()


# --- action items and carry-over ---


def _action(m: Meeting, owner: Any, **kwargs: Any) -> ActionItem:
    return actions.create_action_item(m, title=kwargs.pop("title", "Send the leaflet"), owner=owner, **kwargs)


def test_open_actions_appear_at_the_next_meeting_of_the_same_body_until_closed() -> None:
    w = world()
    group = WorkingGroupFactory(network=w.network)
    january, february, march = (meeting(w.network, at(d)) for d in (JAN, FEB, MAR))
    group_meeting = meeting(w.network, at(FEB, 12), working_group=group)
    done_later = _action(january, w.member)
    blocked = _action(january, w.coordinator, title="Find a room")
    actions.update_action_item(blocked, by=w.coordinator, new_status=ActionItem.Status.BLOCKED)
    assert list(queries.actions_for_review(january)) == []  # agreed there, reviewed later
    assert set(queries.actions_for_review(february)) == {done_later, blocked}
    assert list(queries.actions_for_review(group_meeting)) == []  # another body
    actions.update_action_item(done_later, by=w.member, new_status=ActionItem.Status.DONE, meeting=february)
    done_later.refresh_from_db()
    assert done_later.closed_in_meeting == february and done_later.completed_at is not None
    assert set(queries.actions_for_review(february)) == {done_later, blocked}  # closed here: still listed
    assert list(queries.actions_for_review(march)) == [blocked]


def test_the_review_item_on_the_next_meeting_page_lists_the_open_action() -> None:
    w = world()
    january, february = meeting(w.network, at(JAN)), meeting(w.network, at(FEB))
    _action(january, w.member, title="Print the new leaflet")
    html = client_for(w.member).get(february.get_absolute_url()).content.decode()
    review = html.split('id="review"')[1].split("</div>")[0]
    assert "Print the new leaflet" in review


def test_closing_from_the_meeting_records_the_meeting_and_an_update() -> None:
    w = world()
    january, february = meeting(w.network, at(JAN)), meeting(w.network, at(FEB))
    action = _action(january, w.member)
    response = client_for(w.coordinator).post(
        reverse("meetings:action_detail", args=["lskz", action.pk]),
        {"meeting": str(february.pk), "new_status": "done", "note": "Sent to all schools."},
    )
    assert response.status_code == 302
    action.refresh_from_db()
    update = action.updates.get()
    assert (action.status, action.closed_in_meeting, update.meeting, update.note) == (
        ActionItem.Status.DONE,
        february,
        february,
        "Sent to all schools.",
    )


def test_action_owner_must_be_a_person_of_the_network() -> None:
    w = world()
    m = meeting(w.network, at(JAN))
    with pytest.raises(ValidationError):
        _action(m, w.outsider)
    assert not ActionItem.objects.exists()


def test_an_empty_update_is_refused() -> None:
    w = world()
    action = _action(meeting(w.network, at(JAN)), w.member)
    response = client_for(w.member).post(reverse("meetings:action_detail", args=["lskz", action.pk]), {})
    assert "Write a note or change the status or the due date." in response.content.decode()
    assert not action.updates.exists()


def test_owner_may_update_their_action_other_members_may_not() -> None:
    w = world(3)
    action = _action(meeting(w.network, at(JAN)), w.member)
    third = w.members[2].representatives.get().user
    url = reverse("meetings:action_detail", args=["lskz", action.pk])
    assert client_for(third).post(url, {"note": "x"}).status_code == 404
    assert client_for(w.member).post(url, {"new_status": "in_progress"}).status_code == 302
    action.refresh_from_db()
    assert action.status == ActionItem.Status.IN_PROGRESS
    assert "Send the leaflet" in client_for(w.member).get(reverse("meetings:my_actions")).content.decode()


def test_an_invited_member_answers_and_a_bad_answer_saves_nothing() -> None:
    w = world()
    m = meeting(w.network, at(JAN))
    actions.invite_to_meeting(m)
    url = reverse("meetings:meeting_rsvp", args=["lskz", m.pk])
    client = client_for(w.member)
    assert "Are you coming?" in client.get(m.get_absolute_url()).content.decode()
    client.post(url, {"rsvp": "maybe?"})
    row = m.attendances.get(user=w.member)
    assert row.rsvp == "none" and row.rsvp_at is None
    client.post(url, {"rsvp": "yes"})
    row.refresh_from_db()
    assert row.rsvp == "yes" and row.rsvp_at is not None
