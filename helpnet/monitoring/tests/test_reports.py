"""Evaluation report (page and PDF), CSV/XLSX exports and the query counts of list pages."""

import csv
import io
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from helpnet.monitoring.models import Indicator, ReportingPeriod
from helpnet.monitoring.tests.conftest import Setup, client_for
from helpnet.monitoring.tests.factories import IndicatorFactory, MeasurementFactory, PeriodFactory


@pytest.fixture
def reported(setup: Setup) -> tuple[list[Indicator], ReportingPeriod]:
    period = PeriodFactory(network=setup.network, label="2025-Q1")
    smoking = IndicatorFactory(
        network=setup.network,
        code="G1.1",
        name="Delež odraslih, ki kadijo (Kødbyen, Ærø, Århus, Næstved, Blåvand)",
        unit="percent",
        direction="decrease",
        baseline_value=24,
        target_value=18,
        responsible_organization=setup.org_b,
    )
    workshops = IndicatorFactory(
        network=setup.network,
        code="G2.1",
        name="Udeleženci delavnic za zdravje in čuječnost",
        responsible_organization=setup.org_c,
    )
    third = IndicatorFactory(
        network=setup.network, code="G2.2", name="Šola zdravja in šport", responsible_organization=setup.org_b
    )
    MeasurementFactory(
        indicator=smoking,
        period=period,
        reporting_organization=setup.org_b,
        value=Decimal("20"),
        status="validated",
    )
    MeasurementFactory(
        indicator=workshops, period=period, reporting_organization=setup.org_c, value=95, status="validated"
    )
    MeasurementFactory(
        indicator=third, period=period, reporting_organization=setup.org_b, value=50, status="submitted"
    )
    return [smoking, workshops, third], period


def test_report_pdf_renders_slovenian_and_danish_letters(setup: Setup, reported: Any) -> None:
    _indicators, period = reported
    url = reverse("monitoring:period_report_pdf", args=[setup.network.slug, period.pk])
    response = client_for(setup.reporter).get(url)
    assert response["Content-Type"] == "application/pdf"
    pages = PdfReader(io.BytesIO(response.content)).pages
    # Table cells come back with padded spaces: compare with single spaces.
    text = " ".join(" ".join(page.extract_text() for page in pages).split())
    for letters in ("č", "ž", "š", "ø", "æ", "å", "Æ", "Å"):
        assert letters in text, letters
    assert "Delež odraslih" in text
    assert "66.7" in text  # (20 − 24) / (18 − 24) = 66.7 %
    assert "Evaluation report 2025-Q1" in text


def test_report_page_shows_achievement_and_rag(setup: Setup, reported: Any) -> None:
    _indicators, period = reported
    html = client_for(setup.reporter).get(
        reverse("monitoring:period_report", args=[setup.network.slug, period.pk])
    )
    content = html.content.decode()
    assert "66.7 %" in content and "Amber: some delay" in content  # smoking, decreasing
    assert "91.7 %" in content and "Green: on track" in content  # workshops (95 − 40) / 60


def test_indicators_csv(setup: Setup, reported: Any) -> None:
    url = reverse("monitoring:export", args=[setup.network.slug, "indicators", "csv"])
    response = client_for(setup.reporter).get(url)
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["Code", "Name"]
    by_code = {row[0]: row for row in rows[1:]}
    assert by_code["G1.1"][1] == "Delež odraslih, ki kadijo (Kødbyen, Ærø, Århus, Næstved, Blåvand)"
    assert by_code["G1.1"][13:16] == ["20.00", "66.7", "amber"]
    assert by_code["G2.2"][13] == ""  # only submitted, not validated yet


def test_measurements_xlsx(setup: Setup, reported: Any) -> None:
    url = reverse("monitoring:export", args=[setup.network.slug, "measurements", "xlsx"])
    response = client_for(setup.coordinator).get(url)
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Indicator"
    assert len(rows) == 4
    assert rows[1][:3] == ("G1.1", "2025-Q1", setup.org_b.name)
    assert rows[1][3] in (None, "")  # the total, no breakdown
    assert rows[1][4:6] == (20, "validated")
    assert [row[0] for row in rows[1:]] == ["G1.1", "G2.1", "G2.2"]


def test_periods_and_completeness_exports(setup: Setup, reported: Any) -> None:
    client = client_for(setup.coordinator)
    periods = client.get(reverse("monitoring:export", args=[setup.network.slug, "periods", "xlsx"]))
    rows = list(load_workbook(io.BytesIO(periods.content)).active.iter_rows(values_only=True))
    assert rows[1][0] == "2025-Q1"
    completeness = client.get(reverse("monitoring:export", args=[setup.network.slug, "completeness", "csv"]))
    rows = list(csv.reader(io.StringIO(completeness.content.decode("utf-8-sig"))))
    by_org = {row[0]: row[1:] for row in rows[1:]}
    # The period was due 2025-04-15; B owed 2 reports (G1.1, G2.2) and C one. Submitted without a date
    # (factories) counts as submitted but not on time.
    assert by_org[setup.org_b.name][:3] == ["2", "2", "0"]
    assert by_org[setup.org_c.name][:3] == ["1", "1", "0"]


def test_unknown_export_is_404(setup: Setup) -> None:
    client = client_for(setup.reporter)
    assert (
        client.get(reverse("monitoring:export", args=[setup.network.slug, "users", "csv"])).status_code == 404
    )
    assert (
        client.get(reverse("monitoring:export", args=[setup.network.slug, "indicators", "pdf"])).status_code
        == 404
    )


def test_csv_neutralises_formulas(setup: Setup) -> None:
    IndicatorFactory(network=setup.network, code="X1", name='=HYPERLINK("http://evil")')
    response = client_for(setup.reporter).get(
        reverse("monitoring:export", args=[setup.network.slug, "indicators", "csv"])
    )
    assert "'=HYPERLINK" in response.content.decode("utf-8-sig")


# --- query counts: each list page reads a fixed number of queries whatever the rows ---


def test_dashboard_query_count(setup: Setup, reported: Any, django_assert_max_num_queries: Any) -> None:
    client = client_for(setup.coordinator)
    url = reverse("monitoring:dashboard", args=[setup.network.slug])
    client.get(url)
    # session, user, member network, coordinator check, settings, indicators, reporting orgs,
    # periods, validated figures, pending, targets, goals (+ measures, activities), completeness
    # (indicators, orgs, periods, measurements, organisations), own organisations ≈ 23
    with django_assert_max_num_queries(25):
        response = client.get(url)
    assert response.status_code == 200


def test_dashboard_queries_do_not_grow_with_rows(
    setup: Setup, reported: Any, django_assert_num_queries: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(setup.coordinator)
    url = reverse("monitoring:dashboard", args=[setup.network.slug])
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    _indicators, period = reported
    for i in range(3):
        extra = IndicatorFactory(network=setup.network, responsible_organization=setup.org_b)
        MeasurementFactory(
            indicator=extra, period=period, reporting_organization=setup.org_b, status="validated"
        )
        PeriodFactory(network=setup.network, label=f"extra-{i}")
    with django_assert_num_queries(len(before.captured_queries)):
        client.get(url)


def test_indicator_list_query_count(setup: Setup, reported: Any, django_assert_max_num_queries: Any) -> None:
    client = client_for(setup.reporter)
    url = reverse("monitoring:indicator_list", args=[setup.network.slug])
    # session, user, member network, coordinator check, settings, indicators (+ reporting orgs),
    # periods, validated figures, pending, targets
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200


def test_measurement_list_query_count(
    setup: Setup, reported: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for(setup.coordinator)
    url = reverse("monitoring:measurement_list", args=[setup.network.slug])
    # session, user, member network, coordinator check, own organisations (2), count, measurements
    # (+ indicator, period, organisation), options (+ category)
    with django_assert_max_num_queries(11):
        assert client.get(url).status_code == 200


def test_period_list_query_count(setup: Setup, reported: Any, django_assert_max_num_queries: Any) -> None:
    PeriodFactory.create_batch(3, network=setup.network)
    client = client_for(setup.coordinator)
    # session, user, member network, coordinator check, periods (+ indicator, locked_by)
    with django_assert_max_num_queries(6):
        assert client.get(reverse("monitoring:period_list", args=[setup.network.slug])).status_code == 200
