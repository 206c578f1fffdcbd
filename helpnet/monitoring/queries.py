"""Reads for monitoring pages: indicator figures per period, reporting completeness, goal progress.

Each function reads a fixed number of queries whatever the number of indicators, periods or organisations,
and does the arithmetic (achievement.py) in Python.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from helpnet.networks.models import Network
from helpnet.organizations.models import Organization

from . import achievement
from .models import (
    DEFAULT_AMBER_PCT,
    DEFAULT_GREEN_PCT,
    Indicator,
    IndicatorTarget,
    Measurement,
    MonitoringSettings,
    ReportingPeriod,
)

COUNTED = (Measurement.Status.SUBMITTED, Measurement.Status.VALIDATED)
SUMMED_UNITS = (Indicator.Unit.COUNT, Indicator.Unit.CURRENCY)


def thresholds(network: Network) -> tuple[Decimal, Decimal]:
    """(green, amber) achievement thresholds of the network."""
    row = MonitoringSettings.objects.filter(network=network).first()
    if row is None:
        return DEFAULT_GREEN_PCT, DEFAULT_AMBER_PCT
    return row.green_pct, row.amber_pct


def indicators_of(network: Network) -> QuerySet[Indicator]:
    return (
        Indicator.objects.filter(network=network)
        .select_related("network", "responsible_organization", "goal", "measure")
        .prefetch_related("reporting_organizations")
    )


def periods_of(network: Network) -> QuerySet[ReportingPeriod]:
    return (
        ReportingPeriod.objects.filter(network=network).select_related("indicator").order_by("start", "label")
    )


def periods_for(indicator: Indicator) -> QuerySet[ReportingPeriod]:
    """Periods in which the indicator is reported: its own, and the network's of its frequency."""
    return ReportingPeriod.objects.filter(network_id=indicator.network_id).filter(
        Q(indicator=indicator) | Q(indicator__isnull=True, frequency=indicator.frequency)
    )


def applies(period: ReportingPeriod, indicator: Indicator) -> bool:
    if period.indicator_id is not None:
        return period.indicator_id == indicator.pk
    return period.frequency == indicator.frequency


def measurements_of(network: Network) -> QuerySet[Measurement]:
    return (
        Measurement.objects.filter(indicator__network=network)
        .select_related("indicator__network", "period", "reporting_organization")
        .prefetch_related("options__category")
        .order_by("indicator__order", "indicator__code", "period__start", "reporting_organization__name")
    )


def aggregate(values: list[Decimal], unit: str) -> Decimal | None:
    """Organisations' totals into one network figure: counts and money add up, shares and rates average."""
    if not values:
        return None
    total = sum(values, Decimal(0))
    if unit in SUMMED_UNITS:
        return total
    return (total / len(values)).quantize(Decimal("0.01"))


@dataclass
class Point:
    period: ReportingPeriod
    value: Decimal | None
    target: Decimal | None = None


@dataclass
class IndicatorFigures:
    indicator: Indicator
    points: list[Point] = field(default_factory=list)
    green: Decimal = DEFAULT_GREEN_PCT
    amber: Decimal = DEFAULT_AMBER_PCT
    pending: int = 0  # submitted, waiting for a coordinator

    @property
    def latest(self) -> Point | None:
        with_value = [point for point in self.points if point.value is not None]
        return with_value[-1] if with_value else None

    @property
    def value(self) -> Decimal | None:
        latest = self.latest
        return latest.value if latest else None

    @property
    def achievement(self) -> Decimal | None:
        return achievement.achievement_pct(
            self.value, baseline=self.indicator.baseline_value, target=self.indicator.target_value
        )

    @property
    def achievement_display(self) -> Decimal | None:
        return achievement.rounded(self.achievement)

    @property
    def achievement_clipped(self) -> Decimal | None:
        return achievement.clipped(self.achievement)

    @property
    def rag(self) -> str | None:
        return achievement.rag(self.achievement, green=self.green, amber=self.amber)


def indicator_figures(
    network: Network, *, until: ReportingPeriod | None = None, indicators: list[Indicator] | None = None
) -> list[IndicatorFigures]:
    """Each active indicator's validated network figure per period (up to `until`), oldest first.

    Queries: settings, indicators (+ reporting organisations), periods, validated totals, pending counts,
    period targets.
    """
    green, amber = thresholds(network)
    if indicators is None:
        indicators = list(indicators_of(network).filter(is_active=True))
    periods = list(periods_of(network))
    if until is not None:
        periods = [p for p in periods if p.start <= until.start]
    values: dict[tuple[int, int], list[Decimal]] = defaultdict(list)
    validated = Measurement.objects.filter(
        indicator__network=network, status=Measurement.Status.VALIDATED, disagg_key=""
    ).values_list("indicator_id", "period_id", "value")
    for indicator_id, period_id, value in validated:
        values[(indicator_id, period_id)].append(value)
    pending: dict[int, int] = defaultdict(int)
    for indicator_id in Measurement.objects.filter(
        indicator__network=network, status=Measurement.Status.SUBMITTED
    ).values_list("indicator_id", flat=True):
        pending[indicator_id] += 1
    targets = {
        (t.indicator_id, t.period_id): t.value
        for t in IndicatorTarget.objects.filter(indicator__network=network)
    }
    rows = []
    for indicator in indicators:
        row = IndicatorFigures(indicator=indicator, green=green, amber=amber, pending=pending[indicator.pk])
        for period in periods:
            if applies(period, indicator):
                figure = aggregate(values.get((indicator.pk, period.pk), []), indicator.unit)
                row.points.append(Point(period, figure, targets.get((indicator.pk, period.pk))))
        rows.append(row)
    return rows


def expected_reporters(indicator: Indicator) -> set[Any]:
    """Organisations expected to report a manual indicator: the reporting ones, else the responsible one."""
    if indicator.is_automatic or not indicator.is_active:
        return set()
    reporters = {org.pk for org in indicator.reporting_organizations.all()}
    if not reporters and indicator.responsible_organization_id:
        reporters.add(indicator.responsible_organization_id)
    return reporters


@dataclass
class PartnerReporting:
    organization: Organization
    reporting: achievement.Reporting


def reporting_by_partner(
    network: Network, *, periods: list[ReportingPeriod] | None = None, today: date | None = None
) -> list[PartnerReporting]:
    """Completeness and timeliness per organisation over periods already due (or the ones given).

    Expected: one report per (indicator, period) for each expected reporter. Submitted: any submitted or
    validated figure of that organisation for it; on time: its first submission by the period's on-time day.
    Queries: indicators (+ reporting organisations), periods (unless given), measurements, organisations.
    """
    today = today or timezone.localdate()
    indicators = list(indicators_of(network).filter(is_active=True, source=Indicator.Source.MANUAL))
    if periods is None:
        periods = [p for p in periods_of(network) if p.due_date < today]
    first_submitted: dict[tuple[int, int, Any], Any] = {}
    rows = Measurement.objects.filter(
        period__in=[p.pk for p in periods], status__in=COUNTED, reporting_organization__isnull=False
    ).values_list("indicator_id", "period_id", "reporting_organization_id", "submitted_at")
    for indicator_id, period_id, org_id, submitted_at in rows:
        key = (indicator_id, period_id, org_id)
        current = first_submitted.get(key)
        if key not in first_submitted or (submitted_at and (current is None or submitted_at < current)):
            first_submitted[key] = submitted_at
    expected: dict[Any, int] = defaultdict(int)
    submitted: dict[Any, int] = defaultdict(int)
    on_time: dict[Any, int] = defaultdict(int)
    for indicator in indicators:
        reporters = expected_reporters(indicator)
        for period in periods:
            if not applies(period, indicator):
                continue
            for org_id in reporters:
                expected[org_id] += 1
                key = (indicator.pk, period.pk, org_id)
                if key in first_submitted:
                    submitted[org_id] += 1
                    if achievement.is_on_time(first_submitted[key], on_time_until=period.on_time_until):
                        on_time[org_id] += 1
    organizations = Organization.objects.filter(pk__in=expected.keys()).order_by("name")
    return [
        PartnerReporting(org, achievement.Reporting(expected[org.pk], submitted[org.pk], on_time[org.pk]))
        for org in organizations
    ]


@dataclass
class GoalProgress:
    goal: Any
    progress: Decimal | None
    indicators: list[IndicatorFigures] = field(default_factory=list)


def goal_progress(network: Network) -> list[GoalProgress]:
    """Progress of each goal of the network's plans (archived ones left out), by planning's own roll-up.

    Queries: goals (+ plan), measures (+ status), activities (+ status).
    """
    from helpnet.planning.models import Activity, Goal, Measure, Strategy
    from helpnet.planning.queries import measure_progress
    from helpnet.planning.rollup import Item, weighted_progress

    activities = Prefetch("activities", queryset=Activity.objects.select_related("status"))
    measures = Prefetch(
        "measures", queryset=Measure.objects.select_related("status").prefetch_related(activities)
    )
    goals = (
        Goal.objects.filter(strategy__network=network)
        .exclude(strategy__status=Strategy.Status.ARCHIVED)
        .select_related("strategy")
        .prefetch_related(measures)
        .order_by("strategy__period_start", "strategy__title", "order", "code")
    )
    result = []
    for goal in goals:
        items = []
        for measure in goal.measures.all():
            progress = measure_progress(measure, list(measure.activities.all()))
            if progress is not None:  # cancelled measures (or all activities cancelled) are left out
                items.append(Item(progress=progress, weight=measure.weight))
        result.append(GoalProgress(goal=goal, progress=weighted_progress(items)))
    return result
