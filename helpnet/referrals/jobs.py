"""Nightly referral jobs (run by `helpnet nightly`): reminders, escalations, nudges, the daily digest, retention.

Silence is never a status (referrals.md §0.4): these jobs send e-mails and nothing else; no referral's status or
version changes here. Every send is first recorded in `ReminderSent` (inserted before sending; a duplicate insert
means it was already sent), so running a job twice, or the day after a missed night, sends nothing twice.

- reminder: an undecided referral (sent or received) whose answer is due (`response_due_at`, N working days of
  the service's settings after sending) → the receiver's acting staff, once per referral;
- escalation: still undecided N more working days after it was due → the receiving organisation's admins, once;
- nudge: accepted or in progress with no event for 10 working days → the receiver's acting staff, once per quiet
  spell (a new event starts a new spell).
Working days skip weekends and the receiving organisation's country's public holidays.
"""

import datetime as dt
import logging
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from helpnet.lib import jobs

from . import notifications, retention
from .models import UNDECIDED_STATUSES, Referral, ReferralSettings, ReminderSent, Status
from .workdays import add_working_days, working_days_between

logger = logging.getLogger(__name__)

DEFAULT_RESPONSE_WORKING_DAYS = 3
NUDGE_AFTER_WORKING_DAYS = 10
NUDGE_STATUSES = (Status.ACCEPTED, Status.IN_PROGRESS)


def _record(kind: str, referral: Referral | None, user: Any, today: dt.date) -> bool:
    """Insert the ledger row; False when it is already there (sent by an earlier run)."""
    try:
        with transaction.atomic():
            ReminderSent.objects.create(kind=kind, referral=referral, recipient=user, sent_on=today)
    except IntegrityError:
        return False
    return True


def _send_once(kind: str, referral: Referral, users: list[Any], today: dt.date, *, working_days: int) -> int:
    sent = 0
    for user in users:
        if not _record(kind, referral, user, today):
            continue
        try:
            notifications.send_reminder(user, referral, kind=kind, working_days=working_days)
        except Exception:
            # Undo the ledger row so that tomorrow's run tries again; ids only in the log.
            ReminderSent.objects.filter(kind=kind, referral=referral, recipient=user, sent_on=today).delete()
            logger.exception("referral %s: %s to user %s failed", referral.pk, kind, user.pk)
            continue
        sent += 1
    return sent


def _response_days(referrals: list[Referral]) -> dict[Any, int]:
    service_ids = {r.service_id for r in referrals if r.service_id}
    return dict(
        ReferralSettings.objects.filter(service_id__in=service_ids).values_list(
            "service_id", "response_working_days"
        )
    )


def send_reminders(now: dt.datetime | None = None) -> str:
    """Reminders, escalations and nudges due now; returns a summary with counts only."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    counts = {"reminder": 0, "escalation": 0, "nudge": 0}

    waiting = list(
        Referral.objects.filter(
            status__in=UNDECIDED_STATUSES,
            response_due_at__lte=now,
            restricted_at__isnull=True,
            pseudonymised_at__isnull=True,
        ).select_related("receiving_organization", "sender_organization", "service")
    )
    already = set(
        ReminderSent.objects.filter(
            referral__in=waiting, kind__in=[ReminderSent.Kind.REMINDER, ReminderSent.Kind.ESCALATION]
        ).values_list("referral_id", "kind")
    )
    days_of = _response_days(waiting)
    for referral in waiting:
        if referral.response_due_at is None or referral.requested_at is None:
            continue  # not reachable: the query asks for a due time, which only sending sets
        country = referral.receiving_organization.country
        days = days_of.get(referral.service_id, DEFAULT_RESPONSE_WORKING_DAYS)
        waited = working_days_between(timezone.localdate(referral.requested_at), today, country)
        if (referral.pk, ReminderSent.Kind.REMINDER) not in already:
            counts["reminder"] += _send_once(
                ReminderSent.Kind.REMINDER,
                referral,
                notifications.receiver_recipients(referral),
                today,
                working_days=waited,
            )
        escalate_on = add_working_days(timezone.localdate(referral.response_due_at), days, country)
        if today >= escalate_on and (referral.pk, ReminderSent.Kind.ESCALATION) not in already:
            counts["escalation"] += _send_once(
                ReminderSent.Kind.ESCALATION,
                referral,
                notifications.organization_admins(referral.receiving_organization_id),
                today,
                working_days=waited,
            )

    active = list(
        Referral.objects.filter(
            status__in=NUDGE_STATUSES, restricted_at__isnull=True, pseudonymised_at__isnull=True
        )
        .annotate(last_event_at=Max("events__at"))
        .select_related("receiving_organization", "sender_organization", "service")
    )
    nudged_on = dict(
        ReminderSent.objects.filter(referral__in=active, kind=ReminderSent.Kind.NUDGE)
        .values("referral_id")
        .annotate(last=Max("sent_on"))
        .values_list("referral_id", "last")
    )
    for referral in active:
        last = timezone.localdate(referral.last_event_at or referral.updated_at)  # type: ignore[attr-defined]
        quiet = working_days_between(last, today, referral.receiving_organization.country)
        if quiet < NUDGE_AFTER_WORKING_DAYS:
            continue
        previous = nudged_on.get(referral.pk)
        if previous is not None and previous >= last:
            continue  # already nudged in this quiet spell
        counts["nudge"] += _send_once(
            ReminderSent.Kind.NUDGE,
            referral,
            notifications.receiver_recipients(referral),
            today,
            working_days=quiet,
        )
    return "reminders {reminder}, escalations {escalation}, nudges {nudge}".format(**counts)


def send_digests(now: dt.datetime | None = None) -> str:
    """One summary a day to each user who chose the daily digest, when there was news."""
    from django.contrib.auth import get_user_model

    now = now or timezone.now()
    today = timezone.localdate(now)
    since = now - dt.timedelta(days=1)
    users = (
        get_user_model()
        .objects.filter(groups__name=notifications.DIGEST_GROUP, is_active=True)
        .exclude(email="")
        .exclude(
            pk__in=ReminderSent.objects.filter(kind=ReminderSent.Kind.DIGEST, sent_on=today).values(
                "recipient"
            )
        )
    )
    sent = 0
    for user in users:
        if not notifications.digest_for(user, since):
            continue
        if not _record(ReminderSent.Kind.DIGEST, None, user, today):
            continue
        try:
            notifications.send_digest(user, since)
        except Exception:
            ReminderSent.objects.filter(
                kind=ReminderSent.Kind.DIGEST, referral=None, recipient=user, sent_on=today
            ).delete()
            logger.exception("referral digest to user %s failed", user.pk)
            continue
        sent += 1
    return f"digests {sent}"


def run_retention() -> str:
    count = retention.pseudonymise_expired()
    return f"referrals pseudonymised {count}"


def register_all() -> None:
    jobs.register("referrals: reminders", send_reminders)
    jobs.register("referrals: daily digest", send_digests)
    jobs.register("referrals: retention", run_retention)
