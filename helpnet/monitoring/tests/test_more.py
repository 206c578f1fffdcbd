"""Edge cases: computed indicators cannot be reported, partners' completeness visibility, the nightly task."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from helpnet.monitoring.actions import lock_period, save_measurement
from helpnet.monitoring.models import Indicator, Measurement
from helpnet.monitoring.tasks import nightly
from helpnet.monitoring.tests.conftest import Setup, client_for
from helpnet.monitoring.tests.factories import IndicatorFactory, MeasurementFactory, PeriodFactory


def test_computed_indicator_cannot_be_reported(setup: Setup) -> None:
    indicator = IndicatorFactory(
        network=setup.network, source="automatic", automatic_key="searches_without_results"
    )
    period = PeriodFactory(network=setup.network)
    url = reverse("monitoring:measurement_report", args=[setup.network.slug, indicator.pk, period.pk])
    response = client_for(setup.reporter).post(
        url, {"organization": setup.org_b.pk, "value": "3", "action": "submit"}
    )
    assert "computed by helpnet" in response.content.decode()
    assert not Measurement.objects.exists()


def test_database_refuses_target_equal_to_baseline(setup: Setup) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Indicator.objects.create(network=setup.network, code="X", name="X", baseline_value=5, target_value=5)


def test_action_refuses_a_locked_period(setup: Setup) -> None:
    indicator = IndicatorFactory(network=setup.network)
    period = lock_period(PeriodFactory(network=setup.network), by=setup.coordinator)
    with pytest.raises(ValidationError, match="locked"):
        save_measurement(
            indicator, period=period, organization=setup.org_b, value=Decimal(1), by=setup.reporter
        )
    assert not Measurement.objects.exists()


def test_period_of_another_network_is_refused_by_the_action(setup: Setup) -> None:
    indicator = IndicatorFactory(network=setup.network)
    foreign = PeriodFactory(network=setup.other_network)
    with pytest.raises(ValidationError):
        save_measurement(
            indicator, period=foreign, organization=setup.org_b, value=Decimal(1), by=setup.reporter
        )


def test_report_url_with_a_period_of_another_network_is_404(setup: Setup) -> None:
    indicator = IndicatorFactory(network=setup.network)
    foreign = PeriodFactory(network=setup.other_network)
    url = reverse("monitoring:measurement_report", args=[setup.network.slug, indicator.pk, foreign.pk])
    assert client_for(setup.reporter).get(url).status_code == 404


def _due_period_with_two_reporters(setup: Setup) -> None:
    indicator = IndicatorFactory(network=setup.network)
    indicator.reporting_organizations.set([setup.org_b, setup.org_c])
    period = PeriodFactory(network=setup.network, due_date=dt.date(2025, 4, 15))
    MeasurementFactory(
        indicator=indicator, period=period, reporting_organization=setup.org_b, status="validated"
    )


def test_coordinator_sees_every_partners_completeness(setup: Setup) -> None:
    _due_period_with_two_reporters(setup)
    html = (
        client_for(setup.coordinator)
        .get(reverse("monitoring:dashboard", args=[setup.network.slug]))
        .content.decode()
    )
    assert setup.org_b.name in html and setup.org_c.name in html
    assert "Reporting by partner" in html


def test_member_sees_only_own_organisations_completeness(setup: Setup) -> None:
    _due_period_with_two_reporters(setup)
    html = (
        client_for(setup.reporter)
        .get(reverse("monitoring:dashboard", args=[setup.network.slug]))
        .content.decode()
    )
    partners = html.split('id="partners-heading"')[1]
    assert setup.org_b.name in partners
    assert setup.org_c.name not in partners


def test_nightly_computes_and_sends_reminders_through_the_task(
    setup: Setup, mailoutbox: Any, settings: Any
) -> None:
    settings.HELPNET_BASE_URL = "https://helpnet.example"
    setup.reporter.email = "b@example.org"
    setup.reporter.save()
    indicator = IndicatorFactory(network=setup.network, responsible_organization=setup.org_b)
    from django.utils import timezone

    today = timezone.localdate()
    PeriodFactory(
        network=setup.network,
        start=today - dt.timedelta(days=90),
        end=today - dt.timedelta(days=5),
        due_date=today + dt.timedelta(days=3),
    )
    assert "reminders queued" in nightly()
    assert [m.to for m in mailoutbox] == [["b@example.org"]]
    assert "https://helpnet.example/" in mailoutbox[0].body
    assert indicator.code not in mailoutbox[0].subject
