from typing import Any

from helpnet.directory.demo.loader import demo_id
from helpnet.networks.models import NetworkMember
from helpnet.organizations.tests.factories import OrganizationFactory
from helpnet.planning import demo_data
from helpnet.planning.models import Activity, Measure, MeasureProposal, PriorityScore, Strategy
from helpnet.planning.queries import plan_tree, ranking

from .factories import NetworkFactory


def test_demo_skips_without_the_sevnica_group(db: Any) -> None:
    assert demo_data.load().startswith("skipped")
    assert not Strategy.objects.exists()


def test_demo_loads_plans_areas_and_proposals_once(db: Any) -> None:
    network = NetworkFactory(slug=demo_data.NETWORK_SLUG)
    for key in ["zd-sevnica", "csd-posavje", "zaupanje", "knof", "ozara-sevnica", "os-sevnica", "zrsz"]:
        org = OrganizationFactory(id=demo_id("organization", key), name=key)
        NetworkMember.objects.create(network=network, organization=org)
    first = demo_data.load()
    counts = (
        Strategy.objects.count(),
        Measure.objects.count(),
        Activity.objects.count(),
        PriorityScore.objects.count(),
    )
    second = demo_data.load()
    assert first == second
    assert counts == (
        Strategy.objects.count(),
        Measure.objects.count(),
        Activity.objects.count(),
        PriorityScore.objects.count(),
    )
    strategy = Strategy.objects.get(kind=Strategy.Kind.STRATEGY)
    action_plan = Strategy.objects.get(kind=Strategy.Kind.ACTION_PLAN)
    assert action_plan.implements == strategy
    assert [g.code for g in strategy.goals.all()] == ["C1", "C2", "C3"]
    tree = plan_tree(action_plan)
    assert tree.progress is not None and 0 < tree.progress < 100
    assert MeasureProposal.objects.count() == 2
    assert MeasureProposal.objects.filter(status="accepted", measure__code="C3.U3").exists()
    top = ranking(action_plan.network.assessment_rounds.get())[0]
    assert top.rank == 1 and top.area.title == "Ljudje v duševni stiski"
