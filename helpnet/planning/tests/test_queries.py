import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import translation

from helpnet.organizations.tests.factories import MunicipalityFactory
from helpnet.planning import queries
from helpnet.planning.queries import capacity_rejections, ranking, unmet_search_needs
from helpnet.search.models import SearchStat

from .factories import PriorityAreaFactory, RoundFactory, World


def _score(area: Any, org: Any, severity: int, reach: int, feasibility: int, inequality: int) -> None:
    area.scores.create(
        organization=org, severity=severity, reach=reach, feasibility=feasibility, inequality=inequality
    )


def test_ranking_by_mean_of_all_scores_ties_broken_by_reach(world: World) -> None:
    round_ = RoundFactory(network=world.network)
    a = PriorityAreaFactory(round=round_, title="A: mean 3, reach 2")
    b = PriorityAreaFactory(round=round_, title="B: mean 3, reach 5")
    c = PriorityAreaFactory(round=round_, title="C: mean 4")
    d = PriorityAreaFactory(round=round_, title="D: nobody scored")
    _score(a, world.org_a, 4, 2, 3, 3)  # 12 / 4 = 3
    _score(b, world.org_a, 1, 5, 3, 3)  # 12 / 4 = 3, reach 5
    _score(c, world.org_a, 4, 4, 4, 4)
    _score(c, world.org_b, 5, 3, 4, 4)  # (16 + 16) / 8 = 4
    result = ranking(round_)
    assert [(r.area, r.rank) for r in result] == [(c, 1), (b, 2), (a, 3), (d, None)]
    assert result[0].mean == Decimal("4.00")
    assert result[0].criteria["severity"] == Decimal("4.50")
    assert result[0].score_count == 2
    assert result[3].mean is None


def test_unmet_needs_counts_searches_with_no_or_few_results_per_municipality_and_need(world: World) -> None:
    sevnica = MunicipalityFactory(slug="sevnica", name="Sevnica")
    krsko = MunicipalityFactory(slug="krsko", name="Krško")
    elsewhere = MunicipalityFactory(slug="elsewhere", name="Elsewhere")
    world.network.municipalities.add(sevnica, krsko)
    day = dt.date(2026, 5, 4)
    rows = [
        # municipality, filters, searches, zero, total results
        ("sevnica", "need=addiction", 5, 4, 2),  # 4 with nothing, average 0.4 → all 5 "few"
        ("sevnica", "need=addiction group=youth", 2, 2, 0),  # same cell: 7 searches, 6 zero
        ("sevnica", "need=parenting", 4, 0, 40),  # enough results: not unmet
        ("krsko", "", 3, 3, 0),  # no need area chosen
        ("krsko", "need=violence", 2, 2, 0),  # only 2 searches: suppressed as a small cell
        ("elsewhere", "need=addiction", 50, 50, 0),  # not the network's municipality
    ]
    for i, (municipality, filters, searches, zero, total) in enumerate(rows):
        SearchStat.objects.create(
            day=day,
            query=f"q{i}",
            language="sl",
            filters=filters,
            municipality=municipality,
            searches=searches,
            zero_results=zero,
            results_total=total,
        )
    SearchStat.objects.create(
        day=dt.date(2024, 1, 1),
        query="old",
        language="sl",
        filters="need=addiction",
        municipality="sevnica",
        searches=99,
        zero_results=99,
    )
    with translation.override("en"):
        needs = unmet_search_needs(world.network, dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert [(n.municipality, n.need_area, n.searches, n.zero_results, n.few_results) for n in needs] == [
        ("Sevnica", "Addiction", 7, 6, 7),
        ("Krško", "", 3, 3, 3),
    ]
    assert elsewhere.name not in {n.municipality for n in needs}


def test_capacity_rejections_come_from_the_referrals_stats(world: World, monkeypatch: Any) -> None:
    from helpnet.referrals import stats

    sevnica = MunicipalityFactory(slug="sevnica", name="Sevnica")
    calls = []

    def fake(start: dt.date, end: dt.date, organization_ids: Any) -> list[dict[str, Any]]:
        calls.append((start, end, set(organization_ids)))
        return [{"municipality_id": sevnica.pk, "need_term_id": None, "count": 3}]

    monkeypatch.setattr(stats, "capacity_rejections", fake)
    rows = capacity_rejections(world.network, dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert [(r.municipality, r.need_area, r.count) for r in rows or []] == [("Sevnica", "", 3)]
    # the end day is included: the stats function counts [start, end)
    assert calls == [
        (dt.date(2026, 1, 1), dt.date(2027, 1, 1), {world.org_a.pk, world.org_b.pk, world.org_c.pk})
    ]


def test_capacity_rejections_show_nothing_when_the_referrals_app_lacks_them(
    world: World, monkeypatch: Any
) -> None:
    def missing(name: str) -> Any:
        raise ImportError(name)

    monkeypatch.setattr(queries.importlib, "import_module", missing)
    assert capacity_rejections(world.network, dt.date(2026, 1, 1), dt.date(2026, 12, 31)) is None
