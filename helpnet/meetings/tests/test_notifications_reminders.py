"""Nightly reminders: before meetings, minutes not written, action items due or overdue; each sent once."""

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from helpnet.lib import jobs as job_registry
from helpnet.meetings import jobs
from helpnet.meetings.calendar import meeting_url
from helpnet.meetings.models import ActionItem, Attendance, Meeting, ReminderSent
from helpnet.networks.tests.factories import make_network_with_members
from helpnet.organizations.tests.factories import UserFactory

from .test_calendar import make_meeting

LJ = ZoneInfo("Europe/Ljubljana")


def at(day: int, hour: int = 2, month: int = 12) -> Any:
    """Travel to a night in December 2026 (Ljubljana time), when the nightly job runs."""
    return time_machine.travel(dt.datetime(2026, month, day, hour, 0, tzinfo=LJ), tick=False)


@pytest.fixture(autouse=True)
def _english(monkeypatch: Any) -> None:
    # People without a preferred language get the network country's language; these tests read English
    # words, so that fallback is English here (the country rule is tested in test_notifications.py).
    monkeypatch.setattr(jobs, "COUNTRY_LANGUAGES", {})


@pytest.fixture
def meeting(db: Any) -> Meeting:
    network, members = make_network_with_members(3)
    meeting = make_meeting(network, start=dt.datetime(2026, 12, 9, 17, 0, tzinfo=LJ), status="invited")
    for member, rsvp in zip(members, ["yes", "none", "no"], strict=True):
        rep = member.representatives.get()
        Attendance.objects.create(
            meeting=meeting, user=rep.user, on_behalf_of=member.organization, invited=True, rsvp=rsvp
        )
    return meeting


def _recipients() -> list[str]:
    return sorted(m.to[0] for m in mail.outbox)


def test_invitees_are_reminded_a_week_before_once_even_when_the_job_runs_twice(meeting: Meeting) -> None:
    coming = sorted(a.user.email for a in meeting.attendances.exclude(rsvp="no").select_related("user"))
    with at(2):
        jobs.send_reminders()
        jobs.send_reminders()
    assert _recipients() == coming
    assert all(m.subject.startswith("In a week") for m in mail.outbox)
    assert ReminderSent.objects.filter(kind="meeting_7d").count() == 2
    # The next night (six days before) does not repeat it.
    with at(3):
        jobs.send_reminders()
    assert len(mail.outbox) == 2


def test_invitees_are_reminded_the_day_before(meeting: Meeting) -> None:
    with at(5):
        jobs.send_reminders()
    assert mail.outbox == []  # four days before: nothing
    with at(8):
        jobs.send_reminders()
        jobs.send_reminders()
    assert len(mail.outbox) == 2
    assert all(m.subject.startswith("Tomorrow") for m in mail.outbox)
    assert meeting_url(meeting) in mail.outbox[0].body


def test_cancelled_meetings_send_no_reminders(meeting: Meeting) -> None:
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.CANCELLED)
    with at(8):
        jobs.send_reminders()
    assert mail.outbox == []


def test_minutes_not_written_reminds_the_minute_taker_three_days_after_once(meeting: Meeting) -> None:
    writer = UserFactory(email="zapisnikar@example.org")
    Attendance.objects.create(meeting=meeting, user=writer, role=Attendance.Role.MINUTE_TAKER)
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.HELD)
    with at(11):
        jobs.send_reminders()
    assert mail.outbox == []  # two days after: not yet
    with at(12):
        jobs.send_reminders()
    with at(13):
        jobs.send_reminders()
    assert _recipients() == ["zapisnikar@example.org"]
    assert mail.outbox[0].subject.startswith("Minutes not written yet")


def test_minutes_reminder_goes_to_coordinators_without_a_minute_taker(meeting: Meeting) -> None:
    Meeting.objects.filter(pk=meeting.pk).update(
        status=Meeting.Status.HELD, minutes_status=Meeting.MinutesStatus.DRAFT
    )
    coordinator = meeting.network.members.get(role="coordinator").representatives.get().user
    with at(12):
        jobs.send_reminders()
    assert next(m for m in mail.outbox if m.subject.startswith("Minutes")).to == [coordinator.email]


def test_circulated_minutes_need_no_reminder(meeting: Meeting) -> None:
    Meeting.objects.filter(pk=meeting.pk).update(
        status=Meeting.Status.HELD, minutes_status=Meeting.MinutesStatus.CIRCULATED
    )
    with at(12):
        jobs.send_reminders()
    assert not [m for m in mail.outbox if m.subject.startswith("Minutes")]


def test_owner_gets_one_email_for_due_and_overdue_actions_once(db: Any) -> None:
    network, _members = make_network_with_members(1)
    owner = UserFactory(email="lastnik@example.org")
    other = UserFactory(email="drugi@example.org")
    today = dt.date(2026, 12, 2)
    ActionItem.objects.create(
        network=network, title="Zamujeno", owner=owner, due_date=today - dt.timedelta(days=5)
    )
    ActionItem.objects.create(
        network=network, title="Kmalu", owner=owner, due_date=today + dt.timedelta(days=3)
    )
    ActionItem.objects.create(
        network=network, title="Kasneje", owner=owner, due_date=today + dt.timedelta(days=4)
    )
    ActionItem.objects.create(
        network=network, title="Opravljeno", owner=owner, due_date=today, status=ActionItem.Status.DONE
    )
    ActionItem.objects.create(network=network, title="Drugo", owner=other, due_date=today)
    with at(2):
        jobs.send_reminders()
        jobs.send_reminders()
    assert _recipients() == ["drugi@example.org", "lastnik@example.org"]
    body = next(m.body for m in mail.outbox if m.to == ["lastnik@example.org"])
    overdue, due = body.split("due soon")
    assert "Zamujeno" in overdue
    assert "Kmalu" in due
    assert "Kasneje" not in body
    assert "Opravljeno" not in body
    # The next night: nothing already reminded comes again; "Kasneje" is now due within three days and
    # "Drugo" has become overdue, each reminded once.
    mail.outbox.clear()
    with at(3):
        jobs.send_reminders()
        jobs.send_reminders()
    by_person = {m.to[0]: m.body for m in mail.outbox}
    assert len(mail.outbox) == 2
    assert "Kasneje" in by_person["lastnik@example.org"]
    assert "Zamujeno" not in by_person["lastnik@example.org"]
    assert "Kmalu" not in by_person["lastnik@example.org"]
    assert "past their due date" in by_person["drugi@example.org"]


def test_nightly_job_is_registered_and_runs_through_the_task_queue(meeting: Meeting) -> None:
    [job] = [j for j in job_registry.registered() if j.name == "meetings: reminders"]
    with at(2):
        summary = job.run()
    assert summary == "meeting reminders queued"
    assert len(mail.outbox) == 2  # the immediate task backend ran it
