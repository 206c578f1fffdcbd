"""Retention: after the configured time following closure, personal data go and the statistical skeleton stays."""

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from helpnet.directory.tests.factories import ServiceFactory
from helpnet.organizations.models import Membership
from helpnet.referrals import actions, jobs, retention
from helpnet.referrals.models import AccessLogEntry, Referral, ReferralEvent, ReferralMessage

from .helpers_referrals2 import EMAIL, NAME, PHONE, REASON, committed, member, sent_referral

pytestmark = pytest.mark.django_db

NOTE = "Oseba Zofka ima dolgove pri banki"


@pytest.fixture
def closed(org_a: Any, editor: Any, org_b: Any, settings: Any) -> Referral:
    settings.HELPNET_REFERRAL_RETENTION_DAYS = 30
    receiver = member(org_b, Membership.Role.EDITOR)
    start = timezone.now() - dt.timedelta(days=60)
    with time_machine.travel(start, tick=False):
        referral = sent_referral(org_a, editor, ServiceFactory(organization=org_b), person_language="uk")
        with committed():
            actions.accept_referral(referral, by=receiver, note=NOTE)
            actions.add_message(referral, by=editor, body=NOTE)
            actions.complete_referral(referral, by=receiver, outcome="need_met", note=NOTE)
    return Referral.objects.get(pk=referral.pk)


def test_expired_referrals_are_pseudonymised_and_keep_their_skeleton(closed: Referral) -> None:
    assert jobs.run_retention() == "referrals pseudonymised 1"
    referral = Referral.objects.get(pk=closed.pk)
    assert referral.person_name == "—"
    assert referral.person_phone == ""
    assert referral.person_email == ""
    assert referral.reason == "—"
    assert referral.preferred_time == ""
    assert referral.pseudonymised_at is not None
    # The skeleton the analytics need:
    for name in (
        "status",
        "outcome",
        "sender_organization_id",
        "receiving_organization_id",
        "service_id",
        "person_language",
        "requested_at",
        "decided_at",
        "closed_at",
        "reference",
    ):
        assert getattr(referral, name) == getattr(closed, name), name
    texts = list(ReferralEvent.objects.filter(referral=closed).values_list("note", flat=True))
    texts += list(ReferralMessage.objects.filter(referral=closed).values_list("body", flat=True))
    assert texts and not any("Zofka" in text for text in texts)
    everything = " ".join(str(v) for v in Referral.objects.filter(pk=closed.pk).values().first().values())
    for secret in (NAME, PHONE, EMAIL, REASON):
        assert secret not in everything
    assert AccessLogEntry.objects.filter(referral_id=closed.pk, action="erase").count() == 1


def test_retention_is_safe_to_run_twice(closed: Referral) -> None:
    assert retention.pseudonymise_expired() == 1
    first = Referral.objects.get(pk=closed.pk)
    assert retention.pseudonymise_expired() == 0
    again = Referral.objects.get(pk=closed.pk)
    assert (again.pseudonymised_at, again.version) == (first.pseudonymised_at, first.version)
    assert AccessLogEntry.objects.filter(referral_id=closed.pk, action="erase").count() == 1


def test_open_and_recently_closed_referrals_are_kept(
    closed: Referral, org_a: Any, editor: Any, settings: Any
) -> None:
    open_one = sent_referral(org_a, editor)
    settings.HELPNET_REFERRAL_RETENTION_DAYS = 90
    assert retention.pseudonymise_expired() == 0
    assert Referral.objects.get(pk=closed.pk).person_name == NAME
    settings.HELPNET_REFERRAL_RETENTION_DAYS = 30
    with time_machine.travel(timezone.now() + dt.timedelta(days=400), tick=False):
        assert retention.pseudonymise_expired() == 1  # the closed one; the open one waits for its closure
    assert Referral.objects.get(pk=open_one.pk).person_name == NAME


def test_abandoned_drafts_are_pseudonymised_too(org_a: Any, editor: Any, settings: Any) -> None:
    settings.HELPNET_REFERRAL_RETENTION_DAYS = 30
    with time_machine.travel(timezone.now() - dt.timedelta(days=45), tick=False), committed():
        draft = actions.create_referral(
            ServiceFactory(), sender_organization=org_a, by=editor, data={"person_name": NAME}
        )
    assert retention.pseudonymise_expired() == 1
    assert Referral.objects.get(pk=draft.pk).person_name == "—"
