"""Reads for the planning pages: plan lists, the goal tree with rolled-up progress, rankings, unmet needs."""

import datetime as dt
import importlib
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, Prefetch, QuerySet
from django.utils import translation

from helpnet.networks.models import Network
from helpnet.organizations.models import Municipality

from .models import (
    Activity,
    Goal,
    Measure,
    MeasureProposal,
    NeedsAssessmentRound,
    PriorityArea,
    StatusDefinition,
    Strategy,
)
from .rollup import Item, weighted_progress

logger = logging.getLogger(__name__)


def plans_of(network: Network) -> QuerySet[Strategy]:
    """Plans of a network with what the list shows: the plan they implement and their number of goals."""
    return (
        Strategy.objects.filter(network=network)
        .select_related("network", "implements__network")
        .annotate(goal_count=Count("goals", distinct=True))
        .order_by("-period_start", "title")
    )


def _item(obj: Any, status: StatusDefinition | None, progress: Decimal | int | None) -> Item:
    return Item(
        progress=progress,
        weight=obj.weight,
        closed=bool(status and status.is_closed),
        cancelled=bool(status and status.is_cancelled),
        default_progress=status.default_progress if status else None,
    )


@dataclass
class PlanTree:
    plan: Strategy
    goals: list[Goal]
    progress: Decimal | None


def plan_tree(plan: Strategy) -> PlanTree:
    """The plan's goals → measures → activities, each with a computed `progress` attribute.

    Queries: goals, measures (with status and lead organisation), activities (with status and lead
    organisation), partners and milestones of each — 7, whatever the size of the plan.
    """
    activities = Activity.objects.select_related("status", "lead_organization").prefetch_related(
        "partners", "milestones"
    )
    measures = (
        Measure.objects.select_related("status", "lead_organization", "adopted_by")
        .prefetch_related("partners", "milestones", Prefetch("activities", queryset=activities))
        .order_by("order", "code")
    )
    goals = list(
        Goal.objects.filter(strategy=plan)
        .prefetch_related(Prefetch("measures", queryset=measures))
        .order_by("order", "code")
    )
    goal_items = []
    for goal in goals:
        measure_items = []
        for measure in goal.measures.all():
            for activity in measure.activities.all():
                activity.rolled_progress = None if _cancelled(activity) else _leaf(activity)
            measure.rolled_progress = measure_progress(measure, list(measure.activities.all()))
            if measure.rolled_progress is not None:
                measure_items.append(_item(measure, None, measure.rolled_progress))
        goal.rolled_progress = weighted_progress(measure_items)
        if goal.rolled_progress is not None:
            goal_items.append(Item(progress=goal.rolled_progress, weight=goal.weight))
    return PlanTree(plan=plan, goals=goals, progress=weighted_progress(goal_items))


def _cancelled(obj: Measure | Activity) -> bool:
    return bool(obj.status and obj.status.is_cancelled)


def _leaf(obj: Measure | Activity) -> Decimal | None:
    return weighted_progress([_item(obj, obj.status, obj.progress)])


def measure_progress(measure: Measure, activities: list[Activity]) -> Decimal | None:
    """A cancelled measure has none; a closed one is 100 %; with activities it is their weighted roll-up
    (None when all are cancelled); without, its own progress or its status's default."""
    if _cancelled(measure):
        return None
    if measure.status and measure.status.is_closed:
        return Decimal(100)
    if activities:
        return weighted_progress([_item(a, a.status, a.progress) for a in activities])
    return _leaf(measure)


# --- priority areas ------------------------------------------------------------------------------------


@dataclass
class RankedArea:
    area: PriorityArea
    rank: int | None
    mean: Decimal | None
    reach: Decimal | None
    criteria: dict[str, Decimal | None] = field(default_factory=dict)
    score_count: int = 0


def rounds_of(network: Network) -> QuerySet[NeedsAssessmentRound]:
    return (
        NeedsAssessmentRound.objects.filter(network=network)
        .select_related("network")
        .annotate(area_count=Count("areas"))
    )


def ranking(round_: NeedsAssessmentRound) -> list[RankedArea]:
    """Areas ordered by the mean of all scores (every criterion of every organisation), ties broken by the mean
    reach, then by title; areas nobody scored come last without a rank. Queries: areas with their averages,
    municipalities, goals."""
    areas = (
        PriorityArea.objects.filter(round=round_)
        .annotate(
            n=Count("scores"),
            avg_severity=Avg("scores__severity"),
            avg_reach=Avg("scores__reach"),
            avg_feasibility=Avg("scores__feasibility"),
            avg_inequality=Avg("scores__inequality"),
        )
        .prefetch_related("municipalities", "goals__strategy__network")
    )
    ranked: list[RankedArea] = []
    for area in areas:
        criteria = {
            name: _dec(getattr(area, f"avg_{name}"))
            for name in ("severity", "reach", "feasibility", "inequality")
        }
        # Each score set has all four criteria, so the mean of the four means is the mean of all scores.
        mean = sum((v for v in criteria.values() if v is not None), Decimal(0)) / 4 if area.n else None
        ranked.append(
            RankedArea(
                area=area,
                rank=None,
                mean=_round(mean),
                reach=_round(criteria["reach"]),
                criteria={k: _round(v) for k, v in criteria.items()},
                score_count=area.n,
            )
        )
    scored = sorted(
        (r for r in ranked if r.mean is not None),
        key=lambda r: (-(r.mean or 0), -(r.reach or 0), r.area.title),
    )
    for position, item in enumerate(scored, start=1):
        item.rank = position
    unscored = sorted((r for r in ranked if r.mean is None), key=lambda r: r.area.title)
    return scored + unscored


def _dec(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _round(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(Decimal("0.01"))


# --- unmet needs ---------------------------------------------------------------------------------------

FEW_RESULTS = 3  # an average below this many results per search counts as "few results"
SMALL_CELL = 3  # fewer searches than this in a cell are not shown: too few to mean anything


@dataclass
class UnmetNeed:
    municipality: str
    need_area: str
    searches: int
    zero_results: int
    few_results: int


def need_area_label(code: str) -> str:
    from helpnet.directory.vocabulary import NEED_AREAS

    if not code:
        return ""
    names = NEED_AREAS.get(code)
    if not names:
        return code
    lang = (translation.get_language() or "en")[:2]
    return {"en": names[0], "sl": names[1], "da": names[2]}.get(lang, names[0])


def unmet_search_needs(network: Network, start: dt.date, end: dt.date) -> list[UnmetNeed]:
    """Searches on the help map with no or few results, per municipality of the network and need area.

    Read-only over the anonymous daily aggregates of the search app; a search with several need areas counts
    in each. Cells with fewer than SMALL_CELL searches are left out.
    """
    from helpnet.search.models import SearchStat

    municipalities = dict(network.municipalities.values_list("slug", "name"))
    rows = SearchStat.objects.filter(day__gte=start, day__lte=end, municipality__in=list(municipalities))
    cells: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for municipality, filters, searches, zero, total in rows.values_list(
        "municipality", "filters", "searches", "zero_results", "results_total"
    ):
        needs = [f.removeprefix("need=") for f in filters.split() if f.startswith("need=")] or [""]
        few = searches if searches and total / searches < FEW_RESULTS else 0
        for need in needs:
            cell = cells[(municipality, need)]
            cell[0] += searches
            cell[1] += zero
            cell[2] += few
    result = [
        UnmetNeed(municipalities[m], need_area_label(n), s, z, f)
        for (m, n), (s, z, f) in cells.items()
        if s >= SMALL_CELL and (z or f)
    ]
    return sorted(result, key=lambda u: (-u.zero_results, -u.few_results, u.municipality, u.need_area))


@dataclass
class CapacityRejection:
    municipality: str
    need_area: str
    count: int


def capacity_rejections(network: Network, start: dt.date, end: dt.date) -> list[CapacityRejection] | None:
    """Referrals to the network's members declined for lack of capacity, per municipality and need area, from
    the referrals app's `stats.capacity_rejections` (rows of municipality_id, need_term_id, count). None when
    that function is missing or fails: the page then shows nothing about it."""
    try:
        stats = importlib.import_module("helpnet.referrals.stats")
        function = stats.capacity_rejections
    except (ImportError, AttributeError):
        return None
    organization_ids = list(network.members.filter(status="active").values_list("organization_id", flat=True))
    try:
        rows = list(function(start, end + dt.timedelta(days=1), organization_ids))
        municipalities = dict(
            Municipality.objects.filter(pk__in={r.get("municipality_id") for r in rows}).values_list(
                "pk", "name"
            )
        )
        terms = _need_terms({r.get("need_term_id") for r in rows} - {None})
        return [
            CapacityRejection(
                municipalities.get(row.get("municipality_id"), ""),
                terms.get(row.get("need_term_id"), ""),
                int(row["count"]),
            )
            for row in rows
        ]
    except Exception:  # another app's report must not break the priority page
        logger.exception("capacity_rejections failed for network %s", network.pk)
        return None


def _need_terms(ids: set[Any]) -> dict[Any, str]:
    if not ids:
        return {}
    from helpnet.directory.models import TaxonomyTerm

    return {
        pk: need_area_label(code) or name
        for pk, code, name in TaxonomyTerm.objects.filter(pk__in=ids).values_list("pk", "code", "name")
    }


# --- proposals ------------------------------------------------------------------------------------------


def proposals_of(network: Network, *, organization_ids: set[Any] | None = None) -> QuerySet[MeasureProposal]:
    qs = MeasureProposal.objects.filter(network=network).select_related("network", "organization", "measure")
    if organization_ids is not None:
        qs = qs.filter(organization_id__in=organization_ids)
    return qs.order_by("-created_at")
