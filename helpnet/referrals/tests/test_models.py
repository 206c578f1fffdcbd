from typing import Any

import pytest
from django.db import IntegrityError

from helpnet.referrals.models import AccessLogEntry, AppendOnlyError, Referral, new_reference

from .factories import ReferralFactory


def test_reference_is_short_and_unambiguous() -> None:
    ref = new_reference()
    assert len(ref) == 7
    assert ref.startswith("R")
    assert not set(ref[1:]) & set("01OIL")


def test_referral_str_is_the_reference_not_the_name(db: Any) -> None:
    referral = ReferralFactory()
    assert str(referral) == referral.reference
    assert referral.person_name not in str(referral)


def test_access_log_entries_cannot_be_changed_or_deleted(db: Any) -> None:
    entry = AccessLogEntry.objects.create(referral_id=ReferralFactory().pk, action=AccessLogEntry.Action.VIEW)
    entry.action = AccessLogEntry.Action.EXPORT
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    assert AccessLogEntry.objects.get(pk=entry.pk).action == "view"


def test_access_log_outlives_the_referral(db: Any) -> None:
    referral = ReferralFactory()
    AccessLogEntry.objects.create(referral_id=referral.pk, action=AccessLogEntry.Action.VIEW)
    Referral.objects.filter(pk=referral.pk).delete()
    assert AccessLogEntry.objects.filter(referral_id=referral.pk).count() == 1


def test_completed_referral_needs_an_outcome_in_the_database(db: Any) -> None:
    referral = ReferralFactory()
    with pytest.raises(IntegrityError):
        Referral.objects.filter(pk=referral.pk).update(status="completed", outcome="")


def test_staff_referral_needs_a_sender_organisation(db: Any) -> None:
    with pytest.raises(IntegrityError):
        ReferralFactory(sender_organization=None, source="staff")
