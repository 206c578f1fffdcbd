"""The inbox benchmark command runs end to end on a small scale (the timings themselves are not a test)."""

import io

import pytest
from django.core.management import call_command

from helpnet.referrals.models import AccessLogEntry, Referral

pytestmark = pytest.mark.django_db


def test_bench_inbox_generates_and_times_every_tab() -> None:
    out = io.StringIO()
    call_command("bench_inbox", referrals=60, requests=3, use_current_db=True, stdout=out)
    text = out.getvalue()
    assert Referral.objects.count() == 60
    for tab in ("new", "overdue", "mine", "sent", "all"):
        assert f"inbox {tab}" in text
    assert text.count("non-200 0") == 5
    assert "Worst tab p95" in text
    # The measured requests went through the real view: it logs every listed referral.
    assert AccessLogEntry.objects.filter(action="list").exists()
