"""Pages of monitoring: who sees what, and the reporting workflow through HTTP."""

from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from helpnet.monitoring.models import Indicator, Measurement, ReportingPeriod
from helpnet.monitoring.tests.conftest import Setup, client_for
from helpnet.monitoring.tests.factories import IndicatorFactory, MeasurementFactory, PeriodFactory


@pytest.fixture
def indicator(setup: Setup) -> Indicator:
    return IndicatorFactory(network=setup.network, code="G1.1", responsible_organization=setup.org_b)


@pytest.fixture
def period(setup: Setup) -> ReportingPeriod:
    return PeriodFactory(network=setup.network, label="2025-Q1")


def _pages(setup: Setup, indicator: Indicator, period: ReportingPeriod) -> list[str]:
    slug = setup.network.slug
    return [
        reverse("monitoring:dashboard", args=[slug]),
        reverse("monitoring:indicator_list", args=[slug]),
        reverse("monitoring:indicator_detail", args=[slug, indicator.pk]),
        reverse("monitoring:measurement_list", args=[slug]),
        reverse("monitoring:period_list", args=[slug]),
        reverse("monitoring:period_report", args=[slug, period.pk]),
        reverse("monitoring:export", args=[slug, "indicators", "csv"]),
    ]


def test_member_sees_every_page(setup: Setup, indicator: Indicator, period: ReportingPeriod) -> None:
    client = client_for(setup.reporter)
    for url in _pages(setup, indicator, period):
        assert client.get(url).status_code == 200, url


def test_other_network_sees_nothing(setup: Setup, indicator: Indicator, period: ReportingPeriod) -> None:
    client = client_for(setup.outsider)
    for url in _pages(setup, indicator, period):
        assert client.get(url).status_code == 404, url
    report = reverse("monitoring:measurement_report", args=[setup.network.slug, indicator.pk, period.pk])
    assert client.post(report, {"organization": setup.org_b.pk, "value": "5"}).status_code == 404
    assert not Measurement.objects.exists()


def test_indicator_of_another_network_is_404_under_own_slug(setup: Setup, period: ReportingPeriod) -> None:
    foreign = IndicatorFactory(network=setup.other_network)
    url = reverse("monitoring:indicator_detail", args=[setup.network.slug, foreign.pk])
    assert client_for(setup.reporter).get(url).status_code == 404


def test_anonymous_is_sent_to_log_in(setup: Setup) -> None:
    from django.test import Client

    response = Client().get(reverse("monitoring:dashboard", args=[setup.network.slug]))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_home_lists_only_own_networks(setup: Setup) -> None:
    response = client_for(setup.reporter).get(reverse("monitoring:home"))
    assert setup.network.name in response.content.decode()
    assert setup.other_network.name not in response.content.decode()


def test_nav_link_for_signed_in_people_costs_no_query(setup: Setup, editor: Any) -> None:
    url = reverse("monitoring:home")
    assert f'href="{url}"' in client_for(setup.reporter).get(reverse("directory:staff_home")).content.decode()
    # Someone outside every network follows the link and is told so, without seeing any network.
    html = client_for(editor).get(url).content.decode()
    assert "not a member of a network yet" in html
    assert setup.network.name not in html


def test_only_coordinators_create_indicators(setup: Setup) -> None:
    url = reverse("monitoring:indicator_create", args=[setup.network.slug])
    assert client_for(setup.reporter).get(url).status_code == 404
    assert client_for(setup.coordinator).get(url).status_code == 200


def _indicator_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "code": "G1.2",
        "name": "Delež odraslih, ki kadijo",
        "kind": "population",
        "unit": "percent",
        "direction": "decrease",
        "frequency": "yearly",
        "baseline_value": "24",
        "target_value": "18",
        "source": "manual",
        "is_active": "on",
    }
    data.update(overrides)
    return data


def test_coordinator_creates_a_decreasing_indicator(setup: Setup) -> None:
    url = reverse("monitoring:indicator_create", args=[setup.network.slug])
    response = client_for(setup.coordinator).post(url, _indicator_data())
    indicator = Indicator.objects.get(code="G1.2")
    assert response.status_code == 302
    assert indicator.direction == "decrease"
    assert indicator.network == setup.network
    # The default breakdowns are seeded on first use.
    assert setup.network.disaggregation_categories.filter(key="sex").exists()


def test_target_equal_to_baseline_is_refused_with_a_message(setup: Setup) -> None:
    url = reverse("monitoring:indicator_create", args=[setup.network.slug])
    response = client_for(setup.coordinator).post(url, _indicator_data(target_value="24"))
    assert response.status_code == 200
    assert "must differ from the baseline" in response.content.decode()
    assert not Indicator.objects.exists()


def test_automatic_indicator_needs_its_figure(setup: Setup) -> None:
    url = reverse("monitoring:indicator_create", args=[setup.network.slug])
    response = client_for(setup.coordinator).post(url, _indicator_data(source="automatic"))
    assert "Choose which figure helpnet computes." in response.content.decode()
    assert not Indicator.objects.exists()


def test_duplicate_code_is_refused(setup: Setup, indicator: Indicator) -> None:
    url = reverse("monitoring:indicator_create", args=[setup.network.slug])
    response = client_for(setup.coordinator).post(url, _indicator_data(code="g1.1"))
    assert "has the code" in response.content.decode()
    assert Indicator.objects.count() == 1


def test_responsible_organisation_must_be_a_member(setup: Setup) -> None:
    outsider_org = setup.other_network.members.first().organization  # type: ignore[union-attr]
    url = reverse("monitoring:indicator_create", args=[setup.network.slug])
    response = client_for(setup.coordinator).post(
        url, _indicator_data(responsible_organization=outsider_org.pk)
    )
    assert response.status_code == 200
    assert not Indicator.objects.exists()


def _report_url(setup: Setup, indicator: Indicator, period: ReportingPeriod) -> str:
    return reverse("monitoring:measurement_report", args=[setup.network.slug, indicator.pk, period.pk])


def test_representative_submits_for_own_organisation(
    setup: Setup, indicator: Indicator, period: ReportingPeriod
) -> None:
    client = client_for(setup.reporter)
    response = client.post(
        _report_url(setup, indicator, period),
        {"organization": setup.org_b.pk, "value": "55", "note": "Štetje udeležencev", "action": "submit"},
    )
    assert response.status_code == 302
    measurement = Measurement.objects.get()
    assert measurement.reporting_organization == setup.org_b
    assert measurement.status == Measurement.Status.SUBMITTED
    assert measurement.submitted_by == setup.reporter
    assert measurement.value == Decimal(55)


def test_representative_cannot_submit_for_another_organisation(
    setup: Setup, indicator: Indicator, period: ReportingPeriod
) -> None:
    response = client_for(setup.reporter).post(
        _report_url(setup, indicator, period),
        {"organization": setup.org_c.pk, "value": "55", "action": "submit"},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Measurement.objects.exists()


def test_network_member_without_organisation_rights_cannot_report(
    setup: Setup, indicator: Indicator, period: ReportingPeriod, editor: Any
) -> None:
    # An editor of an organisation outside the network: not a member at all → 404.
    response = client_for(editor).get(_report_url(setup, indicator, period))
    assert response.status_code == 404


def test_negative_count_is_refused(setup: Setup, indicator: Indicator, period: ReportingPeriod) -> None:
    response = client_for(setup.reporter).post(
        _report_url(setup, indicator, period),
        {"organization": setup.org_b.pk, "value": "-3", "action": "submit"},
    )
    assert "cannot be negative" in response.content.decode()
    assert not Measurement.objects.exists()


def test_percentage_over_100_is_refused(setup: Setup, period: ReportingPeriod) -> None:
    indicator = IndicatorFactory(network=setup.network, unit="percent", baseline_value=10, target_value=50)
    response = client_for(setup.reporter).post(
        _report_url(setup, indicator, period),
        {"organization": setup.org_b.pk, "value": "140", "action": "submit"},
    )
    assert "between 0 and 100" in response.content.decode()
    assert not Measurement.objects.exists()


def test_locked_period_refuses_a_measurement(
    setup: Setup, indicator: Indicator, period: ReportingPeriod
) -> None:
    client_for(setup.coordinator).post(
        reverse("monitoring:period_lock", args=[setup.network.slug, period.pk])
    )
    period.refresh_from_db()
    assert period.is_locked
    response = client_for(setup.reporter).post(
        _report_url(setup, indicator, period),
        {"organization": setup.org_b.pk, "value": "5", "action": "submit"},
    )
    assert response.status_code == 200
    assert "is locked" in response.content.decode()
    assert not Measurement.objects.exists()


def test_locked_period_refuses_edits_and_validation(
    setup: Setup, indicator: Indicator, period: ReportingPeriod
) -> None:
    measurement = MeasurementFactory(
        indicator=indicator, period=period, reporting_organization=setup.org_b, status="submitted"
    )
    client_for(setup.coordinator).post(
        reverse("monitoring:period_lock", args=[setup.network.slug, period.pk])
    )
    response = client_for(setup.coordinator).post(
        reverse("monitoring:measurement_validate", args=[setup.network.slug, measurement.pk]), follow=True
    )
    assert "is locked" in response.content.decode()
    measurement.refresh_from_db()
    assert measurement.status == "submitted"
    # Unlocked again, the coordinator can validate.
    client_for(setup.coordinator).post(
        reverse("monitoring:period_unlock", args=[setup.network.slug, period.pk])
    )
    client_for(setup.coordinator).post(
        reverse("monitoring:measurement_validate", args=[setup.network.slug, measurement.pk])
    )
    measurement.refresh_from_db()
    assert measurement.status == "validated"


def test_only_coordinators_lock_periods(setup: Setup, period: ReportingPeriod) -> None:
    url = reverse("monitoring:period_lock", args=[setup.network.slug, period.pk])
    assert client_for(setup.reporter).post(url).status_code == 404
    period.refresh_from_db()
    assert not period.is_locked


def test_coordinator_returns_with_comment_and_reporter_corrects(
    setup: Setup, indicator: Indicator, period: ReportingPeriod
) -> None:
    measurement = MeasurementFactory(
        indicator=indicator, period=period, reporting_organization=setup.org_b, status="submitted"
    )
    url = reverse("monitoring:measurement_return", args=[setup.network.slug, measurement.pk])
    client_for(setup.coordinator).post(url, {"comment": ""})
    measurement.refresh_from_db()
    assert measurement.status == "submitted"  # no comment, no return
    client_for(setup.coordinator).post(url, {"comment": "Manjka zadnji mesec."})
    measurement.refresh_from_db()
    assert measurement.status == "returned"
    assert measurement.review_note == "Manjka zadnji mesec."
    client_for(setup.reporter).post(
        _report_url(setup, indicator, period),
        {"organization": setup.org_b.pk, "value": "12", "action": "submit"},
    )
    measurement.refresh_from_db()
    assert (measurement.status, measurement.value) == ("submitted", Decimal(12))


def test_submitted_figure_cannot_be_overwritten(
    setup: Setup, indicator: Indicator, period: ReportingPeriod
) -> None:
    MeasurementFactory(
        indicator=indicator, period=period, reporting_organization=setup.org_b, status="submitted"
    )
    response = client_for(setup.reporter).post(
        _report_url(setup, indicator, period),
        {"organization": setup.org_b.pk, "value": "99", "action": "draft"},
    )
    assert "can no longer be changed" in response.content.decode()
    assert Measurement.objects.get().value == Decimal(10)


def test_reporter_cannot_validate(setup: Setup, indicator: Indicator, period: ReportingPeriod) -> None:
    measurement = MeasurementFactory(
        indicator=indicator, period=period, reporting_organization=setup.org_b, status="submitted"
    )
    url = reverse("monitoring:measurement_validate", args=[setup.network.slug, measurement.pk])
    assert client_for(setup.reporter).post(url).status_code == 404
    measurement.refresh_from_db()
    assert measurement.status == "submitted"


def test_reporter_cannot_submit_another_organisations_draft(
    setup: Setup, indicator: Indicator, period: ReportingPeriod
) -> None:
    measurement = MeasurementFactory(indicator=indicator, period=period, reporting_organization=setup.org_c)
    url = reverse("monitoring:measurement_submit", args=[setup.network.slug, measurement.pk])
    assert client_for(setup.reporter).post(url).status_code == 404
    measurement.refresh_from_db()
    assert measurement.status == "draft"


def test_breakdown_figures_are_separate_rows(
    setup: Setup, indicator: Indicator, period: ReportingPeriod
) -> None:
    from helpnet.monitoring.actions import seed_breakdowns

    seed_breakdowns(setup.network)
    sex = setup.network.disaggregation_categories.get(key="sex")
    indicator.breakdowns.add(sex)
    women, men = sex.options.all()[:2]
    client = client_for(setup.reporter)
    for option, value in ((women, "30"), (men, "25"), (None, "55")):
        data = {"organization": setup.org_b.pk, "value": value, "action": "submit"}
        if option:
            data[f"breakdown_{sex.pk}"] = option.pk
        assert client.post(_report_url(setup, indicator, period), data).status_code == 302
    assert Measurement.objects.count() == 3
    assert Measurement.objects.get(disagg_key="").value == Decimal(55)
    assert Measurement.objects.get(options=women).value == Decimal(30)


def test_validated_figure_shows_on_the_dashboard(
    setup: Setup, indicator: Indicator, period: ReportingPeriod
) -> None:
    MeasurementFactory(
        indicator=indicator, period=period, reporting_organization=setup.org_b, status="validated", value=70
    )
    response = client_for(setup.reporter).get(reverse("monitoring:dashboard", args=[setup.network.slug]))
    html = response.content.decode()
    # (70 − 40) / (100 − 40) = 50 % → red.
    assert "50.0 % achieved" in html
    assert "Red: off track" in html
    assert 'role="img"' in html
    assert "<desc" in html


def test_period_form_refuses_end_before_start(setup: Setup) -> None:
    url = reverse("monitoring:period_create", args=[setup.network.slug])
    data = {
        "label": "2025",
        "frequency": "yearly",
        "start": "2025-12-31",
        "end": "2025-01-01",
        "due_date": "2026-01-31",
    }
    response = client_for(setup.coordinator).post(url, data)
    assert "cannot end before it starts" in response.content.decode()
    assert not ReportingPeriod.objects.exists()
    data.update(start="2025-01-01", end="2025-12-31")
    assert client_for(setup.coordinator).post(url, data).status_code == 302
    assert ReportingPeriod.objects.get().network == setup.network


def test_returned_figure_opens_prefilled_with_the_comment(
    setup: Setup, indicator: Indicator, period: ReportingPeriod
) -> None:
    MeasurementFactory(
        indicator=indicator,
        period=period,
        reporting_organization=setup.org_b,
        status="returned",
        value=Decimal("17"),
        review_note="Manjka Krmelj.",
    )
    html = client_for(setup.reporter).get(_report_url(setup, indicator, period)).content.decode()
    assert "Manjka Krmelj." in html
    assert 'value="17.00"' in html
    # Another organisation's returned figure is not shown to this reporter.
    assert (
        "Manjka Krmelj."
        not in client_for(setup.reporter_c).get(_report_url(setup, indicator, period)).content.decode()
    )
