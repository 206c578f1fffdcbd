"""The demo referrals: the demo inboxes are not empty, and loading twice changes nothing."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from helpnet.accounts.models import User
from helpnet.directory.demo.loader import load_demo
from helpnet.referrals import demo_data
from helpnet.referrals.models import Referral, ReferralEvent, ReferralSettings

pytestmark = pytest.mark.usefixtures("english")


def test_demo_referrals_fill_the_inboxes_and_load_idempotently(db: Any, settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    load_demo()
    summary = demo_data.load()
    assert summary.startswith(f"{len(demo_data.DEMOS)} demo referrals created")
    counts = (Referral.objects.count(), ReferralEvent.objects.count(), ReferralSettings.objects.count())
    assert counts[0] == len(demo_data.DEMOS)
    assert demo_data.load().startswith("0 demo referrals created")
    assert (
        Referral.objects.count(),
        ReferralEvent.objects.count(),
        ReferralSettings.objects.count(),
    ) == counts
    # Every demo referral's events end in its status.
    for referral in Referral.objects.all():
        assert referral.events.order_by("at", "id").last().to_status == referral.status
    for username, tab in (
        ("urednik", "new"),
        ("urednik", "sent"),
        ("redaktoer", "new"),
        ("redaktoer", "sent"),
    ):
        client = Client()
        client.force_login(User.objects.get(username=username))
        page = client.get(reverse("referrals:referral_list") + f"?tab={tab}").content.decode()
        assert page.count("/referrals/") > 3, (username, tab)
        assert "No referrals here." not in page, (username, tab)
