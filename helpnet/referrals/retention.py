"""Retention and erasure of the personal data in referrals (referrals.md §4.3).

After HELPNET_REFERRAL_RETENTION_DAYS following closure (and for drafts never sent, after that long without a
change), the person's identifiers and every free text about them are replaced, and the statistical skeleton stays:
organisations, service, need area, municipality, language, interpreter need, urgency, status, reasons, outcome and
all timestamps. So the analytics still count the referral, and nobody can tell who it was about.

An organisation's admin may also erase one person's referrals at once (person.py), the same way. Each
pseudonymisation writes an access-log row with action "erase" (the tombstone that makes the deletion auditable).
Safe to run twice: a referral is pseudonymised once (`pseudonymised_at` is the guard of a conditional update).
"""

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from .models import TERMINAL_STATUSES, AccessLogEntry, Referral, ReferralEvent, ReferralMessage, Status

logger = logging.getLogger(__name__)

REDACTED = "—"
DEFAULT_RETENTION_DAYS = 365
# Personal fields and their replacement; language, interpreter need and the contact channel stay (statistics).
PSEUDONYMS: dict[str, str] = {
    "person_name": REDACTED,
    "person_phone": "",
    "person_email": "",
    "preferred_time": "",
    "reason": REDACTED,
    "consent_scope": REDACTED,
}


def retention_days() -> int:
    return int(getattr(settings, "HELPNET_REFERRAL_RETENTION_DAYS", DEFAULT_RETENTION_DAYS))


@transaction.atomic
def pseudonymise(referral: Referral, *, by: Any = None, organization_id: Any = None) -> bool:
    """Replace the person's data in one referral, its events' notes and its messages; False if already done."""
    now = timezone.now()
    changed = Referral.objects.filter(pk=referral.pk, pseudonymised_at__isnull=True).update(
        pseudonymised_at=now, updated_at=now, version=F("version") + 1, **PSEUDONYMS
    )
    if not changed:
        return False
    ReferralEvent.objects.filter(referral_id=referral.pk).exclude(note="").update(note=REDACTED)
    ReferralMessage.objects.filter(referral_id=referral.pk).update(body=REDACTED)
    AccessLogEntry.objects.create(
        referral_id=referral.pk,
        organization_id=organization_id,
        user=by if by is not None and by.is_authenticated else None,
        action=AccessLogEntry.Action.ERASE,
    )
    for name, value in PSEUDONYMS.items():
        setattr(referral, name, value)
    referral.pseudonymised_at = now
    referral.version += 1
    logger.info("referral %s pseudonymised", referral.pk)
    return True


def expired(now: dt.datetime | None = None) -> Any:
    """Referrals past retention and not yet pseudonymised: closed long enough ago, or drafts left that long."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=retention_days())
    return Referral.objects.filter(pseudonymised_at__isnull=True).filter(
        Q(status__in=TERMINAL_STATUSES, closed_at__lte=cutoff)
        | Q(status=Status.DRAFT, updated_at__lte=cutoff)
    )


def pseudonymise_expired(now: dt.datetime | None = None) -> int:
    """The nightly retention job: pseudonymise every expired referral; returns how many."""
    count = 0
    for referral in expired(now).only("pk").iterator():
        if pseudonymise(referral):
            count += 1
    return count
