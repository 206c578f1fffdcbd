"""Nightly reminders, escalations, nudges and digests: on time in working days, once each, never a status change."""

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from helpnet.directory.tests.factories import ServiceFactory
from helpnet.lib import jobs as job_registry
from helpnet.organizations.models import Membership
from helpnet.referrals import actions, jobs, notifications
from helpnet.referrals.models import Referral, ReminderSent
from helpnet.referrals.tests.factories import ReferralSettingsFactory

from .helpers_referrals2 import committed, member, sent_referral

pytestmark = pytest.mark.django_db

LJUBLJANA = ZoneInfo("Europe/Ljubljana")


def at(day: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=LJUBLJANA)


def run(when: dt.datetime) -> str:
    with time_machine.travel(when, tick=False):
        return jobs.send_reminders()


@pytest.fixture
def receiver_side(org_b: Any) -> dict[str, Any]:
    return {
        "editor": member(org_b, Membership.Role.EDITOR),
        "admin": member(org_b, Membership.Role.ADMIN),
        "service": ServiceFactory(organization=org_b),
    }


@pytest.fixture
def before_christmas(org_a: Any, editor: Any, receiver_side: dict[str, Any]) -> Referral:
    # Tuesday 22 December 2026; 25 December is a Slovenian public holiday, 26/27 a weekend.
    with time_machine.travel(at("2026-12-22"), tick=False):
        referral = sent_referral(org_a, editor, receiver_side["service"])
    mail.outbox.clear()
    return referral


def kinds_sent() -> list[str]:
    return [m.subject for m in mail.outbox]


def test_the_answer_is_due_three_working_days_later_skipping_christmas(before_christmas: Referral) -> None:
    # 23, 24 and (after the holiday and the weekend) 28 December.
    assert before_christmas.response_due_at == at("2026-12-28")


def test_reminder_once_after_the_due_time_not_on_the_holiday(
    before_christmas: Referral, receiver_side: dict[str, Any]
) -> None:
    assert run(at("2026-12-25", 12)).startswith("reminders 0,")
    assert run(at("2026-12-28", 9)).startswith("reminders 0,")
    assert mail.outbox == []
    assert run(at("2026-12-28", 11)) == "reminders 2, escalations 0, nudges 0"
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [receiver_side["editor"].email, receiver_side["admin"].email]
    )
    assert all(before_christmas.reference in m.subject for m in mail.outbox)
    assert run(at("2026-12-28", 12)) == "reminders 0, escalations 0, nudges 0"
    assert run(at("2026-12-29", 11)) == "reminders 0, escalations 0, nudges 0"
    assert len(mail.outbox) == 2


def test_escalation_to_the_admins_three_more_working_days_later_once(
    before_christmas: Referral, receiver_side: dict[str, Any]
) -> None:
    run(at("2026-12-28", 11))
    mail.outbox.clear()
    assert run(at("2026-12-30", 11)) == "reminders 0, escalations 0, nudges 0"
    # 29, 30, 31 December are the three working days after the due date.
    assert run(at("2026-12-31", 8)) == "reminders 0, escalations 1, nudges 0"
    assert [m.to[0] for m in mail.outbox] == [receiver_side["admin"].email]
    assert run(at("2026-12-31", 9)) == "reminders 0, escalations 0, nudges 0"
    assert run(at("2027-01-04", 9)) == "reminders 0, escalations 0, nudges 0"
    assert len(mail.outbox) == 1


def test_silence_never_changes_the_status(before_christmas: Referral) -> None:
    for day in ("2026-12-28", "2026-12-31", "2027-01-15", "2027-03-01"):
        run(at(day, 12))
    referral = Referral.objects.get(pk=before_christmas.pk)
    assert (referral.status, referral.version) == (before_christmas.status, before_christmas.version)


def test_the_service_setting_sets_the_number_of_working_days(
    org_a: Any, editor: Any, receiver_side: dict[str, Any]
) -> None:
    ReferralSettingsFactory(service=receiver_side["service"], response_working_days=1)
    with time_machine.travel(at("2026-12-22"), tick=False):
        referral = sent_referral(org_a, editor, receiver_side["service"])
    assert referral.response_due_at == at("2026-12-23")
    mail.outbox.clear()
    assert run(at("2026-12-23", 11)).startswith("reminders 2,")
    # escalation one more working day later: 24 December
    assert run(at("2026-12-24", 11)) == "reminders 0, escalations 1, nudges 0"


def test_a_decided_referral_gets_no_reminder(
    before_christmas: Referral, receiver_side: dict[str, Any]
) -> None:
    with time_machine.travel(at("2026-12-23"), tick=False), committed():
        actions.reject_referral(before_christmas, by=receiver_side["editor"], reason="no_capacity")
    mail.outbox.clear()
    assert run(at("2027-01-10")) == "reminders 0, escalations 0, nudges 0"


def test_nudge_after_ten_quiet_working_days_once_per_quiet_spell(
    before_christmas: Referral, receiver_side: dict[str, Any]
) -> None:
    receiver = receiver_side["editor"]
    with time_machine.travel(at("2027-01-04"), tick=False), committed():
        actions.accept_referral(before_christmas, by=receiver)
    mail.outbox.clear()
    # Ten working days after Monday 4 January 2027 (6 January is not a holiday in SI): 18 January.
    assert run(at("2027-01-15")).endswith("nudges 0")
    assert run(at("2027-01-18")).endswith("nudges 2")  # one e-mail to each of the receiver's editor and admin
    assert sorted(m.to[0] for m in mail.outbox) == sorted([receiver.email, receiver_side["admin"].email])
    assert run(at("2027-01-19")).endswith("nudges 0")
    assert run(at("2027-02-20")).endswith("nudges 0")
    # News starts a new quiet spell, which earns its own nudge ten working days later.
    with time_machine.travel(at("2027-02-22"), tick=False), committed():
        actions.record_progress(before_christmas, by=receiver, business_status="contact_made")
    assert run(at("2027-03-05")).endswith("nudges 0")
    assert run(at("2027-03-08")).endswith("nudges 2")
    assert ReminderSent.objects.filter(kind="nudge").count() == 4


def test_digest_once_a_day_with_links_only(org_a: Any, editor: Any, receiver_side: dict[str, Any]) -> None:
    daily = member(receiver_side["service"].organization, Membership.Role.EDITOR)
    notifications.set_digest(daily, daily=True)
    with time_machine.travel(at("2027-01-05", 9), tick=False):
        referral = sent_referral(org_a, editor, receiver_side["service"])
    mail.outbox.clear()
    with time_machine.travel(at("2027-01-06", 2), tick=False):
        assert jobs.send_digests() == "digests 1"
        assert jobs.send_digests() == "digests 0"
    assert [m.to[0] for m in mail.outbox] == [daily.email]
    assert referral.reference in mail.outbox[0].body
    assert "Zofka" not in mail.outbox[0].body
    with time_machine.travel(at("2027-01-07", 2), tick=False):
        assert jobs.send_digests() == "digests 0"  # nothing new since yesterday


def test_the_jobs_are_registered_for_the_nightly_command() -> None:
    names = [job.name for job in job_registry.registered()]
    assert {"referrals: reminders", "referrals: daily digest", "referrals: retention"} <= set(names)
