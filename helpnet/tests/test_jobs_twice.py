"""Every scheduled job is safe to run twice: the same night, or at once from two machines.

What cron runs (docs/deployment.md): `helpnet nightly`, which is `refresh_occurrences`, hiding services whose
confirmation ran out, `send_review_reminders`, then every job the apps register in helpnet/lib/jobs.py
(referrals: reminders, escalations and nudges, the daily digest, retention; meetings: meeting, minutes and
action-item reminders; monitoring: computed indicators and reporting reminders). `reindex` is run by hand.

Over the demo world, at nights chosen so that each kind of reminder falls due (the demo is dated from the day
it is loaded), the first run sends e-mail and the second sends none, adds no row and changes no column (every
table's rows, ids aside, hashed). On PostgreSQL two runs at once send each e-mail once.

The referrals, meetings and monitoring apps each keep their own "ReminderSent" ledger (a unique row inserted
before sending); the directory's review reminders keep ReviewReminder rows.
"""

import datetime as dt
import hashlib
from collections import Counter
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from helpnet.directory.models import ReviewReminder
from helpnet.lib import jobs
from helpnet.lib.testing import run_together
from helpnet.meetings.models import ReminderSent as MeetingReminder
from helpnet.monitoring.models import ReminderSent as ReportingReminder
from helpnet.referrals.models import ReminderSent as ReferralReminder

from .ops_world import load_world, table_names

pytestmark = pytest.mark.django_db(transaction=True)

# Days after the demo is loaded: review reminders (0), referral reminders (1, 4), escalations (8), action
# items (7), the week-before meeting reminder (9), nudges (13), the day-before meeting reminder (15).
NIGHTS = [0, 1, 4, 7, 8, 9, 13, 15]


def fingerprint() -> dict[str, tuple[int, str]]:
    """Each table's row count and a hash of its rows without the id column (rows replaced alike are equal)."""
    result = {}
    with connection.cursor() as cursor:
        for table in table_names(cursor, connection.vendor):
            cursor.execute(f'select * from "{table}"')  # noqa: S608
            columns = [c[0] for c in cursor.description]
            keep = [i for i, name in enumerate(columns) if name != "id"]
            rows = sorted(repr(tuple(str(row[i]) for i in keep)) for row in cursor.fetchall())
            result[table] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
    return result


def changed(before: dict[str, tuple[int, str]], after: dict[str, tuple[int, str]]) -> list[str]:
    return [t for t in sorted(set(before) | set(after)) if before.get(t) != after.get(t)]


def nightly() -> str:
    out = StringIO()
    call_command("nightly", stdout=out)
    return out.getvalue()


def night(start: dt.datetime, days: int) -> dt.datetime:
    if days == 0:
        return start
    local = timezone.localtime(start) + dt.timedelta(days=days)
    return local.replace(hour=2, minute=15, second=0, microsecond=0)


def letters() -> list[tuple[str, str, str]]:
    return [(",".join(m.to), m.subject, str(m.body)) for m in mail.outbox]


def ledgers() -> dict[str, int]:
    return {
        "review": ReviewReminder.objects.count(),
        "referrals": ReferralReminder.objects.count(),
        "meetings": MeetingReminder.objects.count(),
        "monitoring": ReportingReminder.objects.count(),
    }


def test_nightly_runs_every_registered_job():
    # A new job: make it safe to run twice, choose a night for it in NIGHTS, then add it here.
    assert {job.name for job in jobs.registered()} == {
        "referrals: reminders",
        "referrals: daily digest",
        "referrals: retention",
        "meetings: reminders",
        "monitoring: computed indicators and reminders",
        "search: compact the index",
    }


def test_a_second_run_the_same_night_sends_nothing_and_changes_nothing(mailoutbox):
    load_world()
    start = timezone.now()
    sent = 0
    for days in NIGHTS:
        with time_machine.travel(night(start, days), tick=False):
            mail.outbox.clear()
            nightly()
            first = letters()
            assert len(first) == len(set(first)), f"night {days}: the same e-mail twice in one run"
            sent += len(first)
            before = fingerprint()
        # Rerun by hand twenty minutes later: timestamps would differ if a job rewrote rows.
        with time_machine.travel(night(start, days) + dt.timedelta(minutes=20), tick=False):
            mail.outbox.clear()
            nightly()
            assert letters() == [], f"night {days}: the second run sent e-mail"
            assert changed(before, fingerprint()) == [], f"night {days}: the second run changed rows"
    assert sent > 0
    # The nights were chosen so that every ledger was used: the test covered each kind of job.
    assert all(ledgers().values()), ledgers()


def test_the_day_after_a_missed_night_sends_each_reminder_once(mailoutbox):
    load_world()
    start = timezone.now()
    with time_machine.travel(night(start, 9), tick=False):
        nightly()
    caught_up = letters()
    assert caught_up
    mail.outbox.clear()
    with time_machine.travel(night(start, 10), tick=False):
        nightly()
    assert not set(letters()) & set(caught_up)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
def test_two_runs_at_once_send_each_email_once(mailoutbox):
    load_world()
    start = timezone.now()
    for days in (0, 4, 9, 13):
        with time_machine.travel(night(start, days), tick=False):
            mail.outbox.clear()
            assert run_together([nightly, nightly]) == []
            both = letters()
            duplicates = [letter[:2] for letter, n in Counter(both).items() if n > 1]
            assert duplicates == [], f"night {days}: sent twice"
            after = fingerprint()
            mail.outbox.clear()
            nightly()
            assert letters() == [], f"night {days}: a later run still found work"
            assert changed(after, fingerprint()) == [], f"night {days}: a later run changed rows"
