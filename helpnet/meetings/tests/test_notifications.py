"""Invitation, update and cancellation e-mails: one per invitee, in the invitee's language, with the .ics."""

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from icalendar import Calendar

from helpnet.meetings import actions, notifications
from helpnet.meetings.models import ActionItem, AgendaItem, Attendance, Meeting
from helpnet.networks.tests.factories import make_network_with_members

from .test_calendar import make_meeting


def _calendar_of(message: Any) -> tuple[str, Calendar]:
    [(filename, content, mimetype)] = message.attachments
    assert filename.endswith(".ics")
    return mimetype, Calendar.from_ical(content)


@pytest.fixture(autouse=True)
def _english(request: Any, monkeypatch: Any) -> None:
    # People without a preferred language get the network country's language; these tests read English
    # words, so that fallback is English here, except in the test of the language rule itself.
    if "language" not in request.node.name:
        monkeypatch.setattr(notifications, "COUNTRY_LANGUAGES", {})


@pytest.fixture
def invited(db: Any) -> tuple[Meeting, list[Any]]:
    network, members = make_network_with_members(3)
    meeting = make_meeting(network)
    people = []
    for member in members:
        rep = member.representatives.get()
        Attendance.objects.create(
            meeting=meeting, user=rep.user, on_behalf_of=member.organization, representative=rep, invited=True
        )
        people.append(rep.user)
    return meeting, people


def test_each_invitee_gets_an_invitation_with_a_request_ics(invited: tuple[Meeting, list[Any]]) -> None:
    meeting, people = invited
    notifications.send_invitations(meeting.pk)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)
    for message in mail.outbox:
        mimetype, cal = _calendar_of(message)
        assert mimetype == "text/calendar; method=REQUEST"
        assert str(cal["method"]) == "REQUEST"
        [event] = cal.events
        assert str(event["uid"]) == f"{meeting.ical_uid}@helpnet"
        assert {str(a) for a in event["attendee"]} == {f"mailto:{p.email}" for p in people}
        assert meeting.title in message.subject
        html = message.alternatives[0][0]
        assert "Trg svobode 14" in message.body
        assert "Trg svobode 14" in html


def test_invitation_lists_the_agenda_and_the_invitees_own_open_actions(
    invited: tuple[Meeting, list[Any]],
) -> None:
    meeting, people = invited
    AgendaItem.objects.create(
        network=meeting.network,
        meeting=meeting,
        order=1,
        title="Poročilo o čakalnih dobah",
        status="accepted",
    )
    AgendaItem.objects.create(
        network=meeting.network, meeting=meeting, order=2, title="Odloženo", status=AgendaItem.Status.DEFERRED
    )
    ActionItem.objects.create(network=meeting.network, title="Pripravi seznam", owner=people[0])
    ActionItem.objects.create(network=meeting.network, title="Pokliči občino", owner=people[1])
    ActionItem.objects.create(
        network=meeting.network, title="Že narejeno", owner=people[0], status=ActionItem.Status.DONE
    )
    notifications.send_invitations(meeting.pk)
    by_person = {m.to[0]: m for m in mail.outbox}
    first = by_person[people[0].email].body
    assert "Poročilo o čakalnih dobah" in first
    assert "Odloženo" not in first
    assert "Že narejeno" not in first
    mine = first.split("Your open action items")[1].split("Other open action items")[0]
    assert "Pripravi seznam" in mine
    assert "Pokliči občino" not in mine
    assert "Pokliči občino" in first  # among the group's other open actions
    second = by_person[people[1].email].body
    assert "Pokliči občino" in second.split("Your open action items")[1].split("Other open action items")[0]


def test_invitation_is_in_the_invitees_language(invited: tuple[Meeting, list[Any]]) -> None:
    meeting, people = invited
    people[0].preferred_language = "da"
    people[0].save()
    notifications.send_invitations(meeting.pk)
    by_person = {m.to[0]: m for m in mail.outbox}
    assert '<html lang="da">' in by_person[people[0].email].alternatives[0][0]
    # Without a preference, the language of the network's country (Slovenia).
    assert '<html lang="sl">' in by_person[people[1].email].alternatives[0][0]


def test_invitation_carries_no_item_texts_that_may_hold_case_details(
    invited: tuple[Meeting, list[Any]],
) -> None:
    meeting, people = invited
    AgendaItem.objects.create(
        network=meeting.network,
        meeting=meeting,
        title="Usklajevanje obravnave",
        description="Gospa Marija Novak, 041 555 123, potrebuje pomoč na domu",
        notes="marija.novak@example.org",
        status="accepted",
    )
    ActionItem.objects.create(
        network=meeting.network,
        title="Urediti prevoz",
        description="Janez Kranjc, EMŠO 0101950500123",
        owner=people[0],
    )
    notifications.send_invitations(meeting.pk)
    assert mail.outbox
    for message in mail.outbox:
        _mimetype, cal = _calendar_of(message)
        everything = message.body + message.alternatives[0][0] + cal.to_ical().decode()
        assert "Usklajevanje obravnave" in everything
        for private in ("Novak", "041 555 123", "marija.novak@example.org", "Kranjc", "0101950500123"):
            assert private not in everything


def test_an_update_resends_the_same_uid_with_the_raised_sequence(invited: tuple[Meeting, list[Any]]) -> None:
    meeting, people = invited
    meeting.start += dt.timedelta(hours=1)
    meeting.end += dt.timedelta(hours=1)
    meeting.ical_sequence = 1
    meeting.save()
    notifications.notify_meeting_changed(meeting.pk)
    assert len(mail.outbox) == len(people)
    for message in mail.outbox:
        mimetype, cal = _calendar_of(message)
        assert mimetype == "text/calendar; method=REQUEST"
        [event] = cal.events
        assert str(event["uid"]) == f"{meeting.ical_uid}@helpnet"
        assert int(event["sequence"]) == 1
        assert event.start.hour == 18
        assert message.subject.startswith("Changed")


def test_a_cancellation_sends_method_cancel(invited: tuple[Meeting, list[Any]]) -> None:
    meeting, people = invited
    meeting.status = Meeting.Status.CANCELLED
    meeting.ical_sequence = 2
    meeting.save()
    notifications.notify_meeting_changed(meeting.pk, cancelled=True)
    assert len(mail.outbox) == len(people)
    for message in mail.outbox:
        mimetype, cal = _calendar_of(message)
        assert mimetype == "text/calendar; method=CANCEL"
        assert str(cal["method"]) == "CANCEL"
        [event] = cal.events
        assert str(event["status"]) == "CANCELLED"
        assert int(event["sequence"]) == 2
        assert message.subject.startswith("Cancelled")


def test_people_who_were_not_invited_or_have_no_email_get_nothing(invited: tuple[Meeting, list[Any]]) -> None:
    meeting, people = invited
    Attendance.objects.filter(user=people[0]).update(invited=False)
    people[1].email = ""
    people[1].save()
    notifications.send_invitations(meeting.pk)
    assert [m.to for m in mail.outbox] == [[people[2].email]]


def test_a_cancelled_meeting_sends_no_invitations(invited: tuple[Meeting, list[Any]]) -> None:
    meeting, _people = invited
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.CANCELLED)
    notifications.send_invitations(meeting.pk)
    assert mail.outbox == []


def test_the_meeting_actions_invite_update_and_cancel_with_one_uid_and_a_rising_sequence(
    db: Any, django_capture_on_commit_callbacks: Any
) -> None:
    network, _members = make_network_with_members(3)
    meeting = make_meeting(network)
    with django_capture_on_commit_callbacks(execute=True):
        actions.invite_to_meeting(meeting)
    assert len(mail.outbox) == 3
    data = actions.MeetingInput(
        title=meeting.title,
        start=meeting.start + dt.timedelta(days=7),
        end=meeting.end + dt.timedelta(days=7),
        location_text=meeting.location_text,
        address=meeting.address,
    )
    with django_capture_on_commit_callbacks(execute=True):
        actions.update_meeting(meeting, data=data)
    with django_capture_on_commit_callbacks(execute=True):
        actions.cancel_meeting(meeting)
    assert len(mail.outbox) == 9
    calendars = [_calendar_of(m) for m in mail.outbox]
    assert {str(cal.events[0]["uid"]) for _mimetype, cal in calendars} == {f"{meeting.ical_uid}@helpnet"}
    steps = [(str(cal["method"]), int(cal.events[0]["sequence"])) for _mimetype, cal in calendars]
    assert steps == [("REQUEST", 0)] * 3 + [("REQUEST", 1)] * 3 + [("CANCEL", 2)] * 3
    assert {cal.events[0].start.date() for _m, cal in calendars[3:]} == {dt.date(2026, 12, 16)}


def test_with_the_database_queue_only_the_meeting_id_is_queued_and_the_worker_sends(
    invited: tuple[Meeting, list[Any]], settings: Any
) -> None:
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    meeting, people = invited
    notifications.send_invitations(meeting.pk)
    notifications.notify_meeting_changed(meeting.pk, cancelled=True)
    assert mail.outbox == []  # nothing sent before the worker runs
    queued = list(DBTaskResult.objects.order_by("enqueued_at"))
    assert [q.args_kwargs for q in queued] == [
        {"args": [meeting.pk], "kwargs": {}},
        {"args": [meeting.pk], "kwargs": {"cancelled": True}},
    ]
    for row in queued:  # what `helpnet db_worker` does with each row
        row.task.call(*row.args_kwargs["args"], **row.args_kwargs["kwargs"])
    assert len(mail.outbox) == 2 * len(people)


def test_two_editors_changing_the_same_meeting_from_stale_copies_each_raise_the_sequence(db: Any) -> None:
    # Both coordinators opened the meeting at sequence 0; a lost increment would let calendars ignore a change.
    network, _members = make_network_with_members(2)
    meeting = make_meeting(network)
    first, second = Meeting.objects.get(pk=meeting.pk), Meeting.objects.get(pk=meeting.pk)
    for copy, days in ((first, 7), (second, 14)):
        data = actions.MeetingInput(
            title=copy.title,
            start=meeting.start + dt.timedelta(days=days),
            end=meeting.end + dt.timedelta(days=days),
            location_text=copy.location_text,
            address=copy.address,
        )
        actions.update_meeting(copy, data=data)
    assert (first.ical_sequence, second.ical_sequence) == (1, 2)
    assert Meeting.objects.get(pk=meeting.pk).ical_sequence == 2
    stale = Meeting.objects.get(pk=meeting.pk)
    stale.ical_sequence = 0  # a copy read before both changes
    actions.cancel_meeting(stale)
    assert Meeting.objects.get(pk=meeting.pk).ical_sequence == 3
