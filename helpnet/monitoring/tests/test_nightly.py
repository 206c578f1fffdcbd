"""Automatic indicators and reminders: computed figures are upserted, each reminder goes once."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from helpnet.lib import jobs
from helpnet.monitoring.automatic import compute_automatic_indicators
from helpnet.monitoring.models import Indicator, Measurement, ReminderSent
from helpnet.monitoring.reminders import send_due_reminders
from helpnet.monitoring.tests.conftest import Setup
from helpnet.monitoring.tests.factories import IndicatorFactory, MeasurementFactory, PeriodFactory


def _auto(setup: Setup, key: str, **kwargs: Any) -> Indicator:
    fields: dict[str, Any] = {"unit": "percent", "baseline_value": 50, "target_value": 90, **kwargs}
    return IndicatorFactory(network=setup.network, source="automatic", automatic_key=key, **fields)


def test_services_verified_share_is_computed_and_upserted(setup: Setup) -> None:
    from helpnet.directory.tests.factories import ServiceFactory

    indicator = _auto(setup, "services_verified_6_months")
    period = PeriodFactory(network=setup.network, start=dt.date(2025, 1, 1), end=dt.date(2025, 3, 31))
    ServiceFactory(organization=setup.org_b, assured_date=dt.date(2025, 3, 1))  # verified 1 month before
    ServiceFactory(organization=setup.org_c, assured_date=dt.date(2024, 6, 1))  # 10 months: too old
    ServiceFactory(organization=setup.org_c, assured_date=dt.date(2025, 1, 15))
    ServiceFactory(organization=setup.org_c, assured_date=None)
    outside = setup.other_network.members.first().organization  # type: ignore[union-attr]
    ServiceFactory(organization=outside, assured_date=dt.date(2025, 3, 1))  # another network: not counted

    compute_automatic_indicators(today=dt.date(2025, 4, 2))
    compute_automatic_indicators(today=dt.date(2025, 4, 2))  # twice: still one row

    measurement = Measurement.objects.get(indicator=indicator, period=period)
    assert measurement.value == Decimal("50.00")  # 2 of 4
    assert measurement.status == "validated"
    assert measurement.source == "automatic"
    assert measurement.reporting_organization is None


def test_locked_and_future_periods_are_not_computed(setup: Setup) -> None:
    _auto(setup, "services_verified_6_months")
    PeriodFactory(network=setup.network, locked_at=timezone.now())
    PeriodFactory(
        network=setup.network,
        start=dt.date(2026, 1, 1),
        end=dt.date(2026, 3, 31),
        due_date=dt.date(2026, 4, 15),
    )
    from helpnet.directory.tests.factories import ServiceFactory

    ServiceFactory(organization=setup.org_b, assured_date=dt.date(2025, 3, 1))
    compute_automatic_indicators(today=dt.date(2025, 5, 1))
    assert not Measurement.objects.exists()


def test_searches_without_results_share(setup: Setup) -> None:
    from helpnet.search.models import SearchStat

    indicator = _auto(
        setup, "searches_without_results", direction="decrease", baseline_value=30, target_value=10
    )
    period = PeriodFactory(network=setup.network)
    SearchStat.objects.create(
        day=dt.date(2025, 2, 1), query="kajenje", language="sl", searches=8, zero_results=2
    )
    SearchStat.objects.create(
        day=dt.date(2025, 3, 1), query="demenca", language="sl", searches=2, zero_results=1
    )
    SearchStat.objects.create(
        day=dt.date(2025, 5, 1), query="x", language="sl", searches=100, zero_results=100
    )
    compute_automatic_indicators(today=dt.date(2025, 4, 2))
    assert Measurement.objects.get(indicator=indicator, period=period).value == Decimal("30.00")  # 3 of 10


def test_referrals_between_partners_uses_the_referrals_stats(setup: Setup, monkeypatch: Any) -> None:
    import helpnet.referrals.stats as stats

    calls: list[tuple[set[Any], dt.date, dt.date]] = []

    def fake_count(org_ids: Any, start: dt.date, end: dt.date) -> int:
        calls.append((set(org_ids), start, end))
        return 7

    monkeypatch.setattr(stats, "referral_count", fake_count)
    indicator = _auto(setup, "referrals_between_partners", unit="count", baseline_value=0, target_value=20)
    period = PeriodFactory(network=setup.network)
    compute_automatic_indicators(today=dt.date(2025, 4, 2))
    assert Measurement.objects.get(indicator=indicator, period=period).value == Decimal(7)
    org_ids, start, end = calls[0]
    assert org_ids == {m.organization_id for m in setup.members}
    assert (start, end) == (dt.date(2025, 1, 1), dt.date(2025, 4, 1))  # the end is exclusive


def test_nightly_job_is_registered() -> None:
    assert any(job.name.startswith("monitoring") for job in jobs.registered())


@pytest.fixture
def owed(setup: Setup) -> Any:
    setup.reporter.email = "b@example.org"
    setup.reporter.preferred_language = "da"
    setup.reporter.save()
    setup.reporter_c.email = "c@example.org"
    setup.reporter_c.save()
    indicator = IndicatorFactory(network=setup.network, responsible_organization=setup.org_b)
    indicator.reporting_organizations.set([setup.org_b, setup.org_c])
    period = PeriodFactory(network=setup.network, label="2025-Q1", due_date=dt.date(2025, 4, 15))
    return indicator, period


def test_due_soon_reminder_goes_once_to_those_still_owing(setup: Setup, owed: Any) -> None:
    indicator, period = owed
    MeasurementFactory(
        indicator=indicator, period=period, reporting_organization=setup.org_c, status="submitted"
    )
    send_due_reminders(today=dt.date(2025, 4, 8))
    send_due_reminders(today=dt.date(2025, 4, 9))
    assert [m.to for m in mail.outbox] == [["b@example.org"]]
    assert ReminderSent.objects.get().kind == "due_soon"
    body = mail.outbox[0].body
    assert "/da/monitoring/sevnica/" in body  # the recipient's language
    assert "2025-Q1" in body


def test_overdue_reminder_after_due_date_and_none_before_the_window(setup: Setup, owed: Any) -> None:
    send_due_reminders(today=dt.date(2025, 4, 1))
    assert mail.outbox == []
    send_due_reminders(today=dt.date(2025, 4, 16))
    assert sorted(m.to[0] for m in mail.outbox) == ["b@example.org", "c@example.org"]
    assert set(ReminderSent.objects.values_list("kind", flat=True)) == {"overdue"}


def test_reminder_carries_no_figures_or_notes(setup: Setup, owed: Any) -> None:
    indicator, period = owed
    MeasurementFactory(
        indicator=indicator,
        period=period,
        reporting_organization=setup.org_c,
        status="draft",
        note="Ana Novak",
    )
    send_due_reminders(today=dt.date(2025, 4, 10))
    assert mail.outbox
    assert all("Ana Novak" not in m.body for m in mail.outbox)


def test_locked_period_sends_no_reminder(setup: Setup, owed: Any) -> None:
    _indicator, period = owed
    period.locked_at = timezone.now()
    period.save()
    send_due_reminders(today=dt.date(2025, 4, 16))
    assert mail.outbox == []
