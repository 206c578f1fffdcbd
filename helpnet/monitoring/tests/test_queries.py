"""Figures per period, completeness and timeliness per partner, and goal progress from the plan."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from helpnet.monitoring.queries import goal_progress, indicator_figures, reporting_by_partner
from helpnet.monitoring.tests.conftest import Setup
from helpnet.monitoring.tests.factories import IndicatorFactory, MeasurementFactory, PeriodFactory


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12), tzinfo=timezone.get_current_timezone())


def test_counts_add_up_across_organisations_and_percentages_average(setup: Setup) -> None:
    period = PeriodFactory(network=setup.network)
    count = IndicatorFactory(network=setup.network, unit="count")
    share = IndicatorFactory(network=setup.network, unit="percent", baseline_value=10, target_value=50)
    for indicator, values in ((count, (30, 25)), (share, (20, 40))):
        for org, value in zip((setup.org_b, setup.org_c), values, strict=True):
            MeasurementFactory(
                indicator=indicator,
                period=period,
                reporting_organization=org,
                value=value,
                status="validated",
            )
    # Drafts and breakdown rows do not count in the network figure.
    MeasurementFactory(
        indicator=count, period=period, reporting_organization=setup.members[0].organization, value=99
    )
    rows = {row.indicator.pk: row for row in indicator_figures(setup.network)}
    assert rows[count.pk].value == Decimal(55)
    assert rows[share.pk].value == Decimal(30)
    assert rows[share.pk].achievement == Decimal(50)  # (30 − 10) / (50 − 10)


def test_yearly_indicator_is_not_reported_in_quarterly_periods(setup: Setup) -> None:
    PeriodFactory(network=setup.network, frequency="quarterly")
    yearly = IndicatorFactory(network=setup.network, frequency="yearly")
    own = PeriodFactory(network=setup.network, frequency="quarterly", indicator=yearly, label="special")
    (row,) = indicator_figures(setup.network)
    assert [point.period for point in row.points] == [own]


def test_completeness_and_timeliness_per_partner(setup: Setup) -> None:
    q1 = PeriodFactory(network=setup.network, label="Q1", due_date=dt.date(2025, 4, 15))
    q2 = PeriodFactory(
        network=setup.network,
        label="Q2",
        start=dt.date(2025, 4, 1),
        end=dt.date(2025, 6, 30),
        due_date=dt.date(2025, 7, 15),
        timely_until=dt.date(2025, 7, 20),
    )
    PeriodFactory(
        network=setup.network,
        label="Q4",
        start=dt.date(2025, 10, 1),
        end=dt.date(2025, 12, 31),
        due_date=dt.date(2026, 1, 15),
    )
    indicator = IndicatorFactory(network=setup.network)
    indicator.reporting_organizations.set([setup.org_b, setup.org_c])
    IndicatorFactory(network=setup.network, source="automatic", automatic_key="searches_without_results")
    # B: Q1 on time, Q2 within the grace days (on time); C: Q1 late, Q2 missing (draft only).
    MeasurementFactory(
        indicator=indicator,
        period=q1,
        reporting_organization=setup.org_b,
        status="validated",
        submitted_at=_at(dt.date(2025, 4, 15)),
    )
    MeasurementFactory(
        indicator=indicator,
        period=q2,
        reporting_organization=setup.org_b,
        status="submitted",
        submitted_at=_at(dt.date(2025, 7, 19)),
    )
    MeasurementFactory(
        indicator=indicator,
        period=q1,
        reporting_organization=setup.org_c,
        status="validated",
        submitted_at=_at(dt.date(2025, 4, 16)),
    )
    MeasurementFactory(indicator=indicator, period=q2, reporting_organization=setup.org_c, status="draft")

    rows = {
        row.organization: row.reporting
        for row in reporting_by_partner(setup.network, today=dt.date(2025, 8, 1))
    }
    assert (rows[setup.org_b].expected, rows[setup.org_b].submitted, rows[setup.org_b].on_time) == (2, 2, 2)
    assert (rows[setup.org_c].expected, rows[setup.org_c].submitted, rows[setup.org_c].on_time) == (2, 1, 0)
    assert rows[setup.org_c].completeness_pct == Decimal("50.0")
    assert rows[setup.org_c].timeliness_pct == Decimal("0.0")
    # The Q4 period is not due yet; the computed indicator expects no reports.
    assert setup.members[0].organization not in rows


def test_responsible_organisation_reports_when_no_reporters_are_listed(setup: Setup) -> None:
    period = PeriodFactory(network=setup.network)
    IndicatorFactory(network=setup.network, responsible_organization=setup.org_c)
    rows = reporting_by_partner(setup.network, periods=[period])
    assert [(row.organization, row.reporting.expected, row.reporting.submitted) for row in rows] == [
        (setup.org_c, 1, 0)
    ]


def test_goal_progress_uses_the_plan_roll_up(setup: Setup) -> None:
    from helpnet.planning.tests.factories import (
        ActivityFactory,
        GoalFactory,
        MeasureFactory,
        StrategyFactory,
        status,
    )

    plan = StrategyFactory(network=setup.network)
    goal = GoalFactory(strategy=plan, code="G1")
    # Measure 1 (weight 1): activities 100 % (weight 1) and 0 % (weight 3) → 25 %.
    m1 = MeasureFactory(goal=goal, weight=1)
    ActivityFactory(measure=m1, progress=100, weight=1)
    ActivityFactory(measure=m1, progress=0, weight=3)
    # Measure 2 (weight 3): completed → 100 %. Measure 3: cancelled → left out.
    MeasureFactory(goal=goal, weight=3, status=status(setup.network, "completed"))
    MeasureFactory(goal=goal, weight=5, progress=10, status=status(setup.network, "cancelled"))
    (row,) = goal_progress(setup.network)
    # (25 × 1 + 100 × 3) / 4 = 81.25 → 81.3
    assert row.goal == goal
    assert row.progress == Decimal("81.3")
