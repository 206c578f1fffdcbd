from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from helpnet.planning.actions import (
    accept_proposal,
    ensure_statuses,
    reject_proposal,
    save_priority_scores,
    start_evaluating_proposal,
    submit_proposal,
    update_activity_progress,
)
from helpnet.planning.models import Activity, Measure, MeasureProposal, NeedsAssessmentRound, PriorityScore
from helpnet.planning.queries import plan_tree

from .factories import (
    ActivityFactory,
    GoalFactory,
    MeasureFactory,
    PriorityAreaFactory,
    RoundFactory,
    StrategyFactory,
    World,
    status,
)

SCORES = {"severity": 4, "reach": 5, "feasibility": 3, "inequality": 4}


def test_default_statuses_are_seeded_once_per_network(world: World) -> None:
    first = ensure_statuses(world.network)
    second = ensure_statuses(world.network)
    assert sorted(s.key for s in first) == ["cancelled", "completed", "in_progress", "planned"]
    assert {s.pk for s in first} == {s.pk for s in second}
    by_key = {s.key: s for s in first}
    assert (by_key["planned"].default_progress, by_key["in_progress"].default_progress) == (0, 50)
    assert by_key["completed"].is_closed and not by_key["completed"].is_cancelled
    assert by_key["cancelled"].is_cancelled


def test_plan_tree_rolls_progress_up_from_activities_to_goal_to_plan(world: World) -> None:
    plan = StrategyFactory(network=world.network)
    goal_1 = GoalFactory(strategy=plan, code="G1", weight=1)
    goal_2 = GoalFactory(strategy=plan, code="G2", weight=3)
    m1 = MeasureFactory(goal=goal_1, code="G1.M1", weight=1)
    ActivityFactory(measure=m1, progress=20, weight=1)
    ActivityFactory(measure=m1, status=status(world.network, "completed"), progress=10, weight=1)
    ActivityFactory(measure=m1, status=status(world.network, "cancelled"), progress=0, weight=5)
    # m1 = (20 + 100) / 2 = 60; m2 has no activities and uses its status default (in progress = 50)
    MeasureFactory(goal=goal_1, code="G1.M2", weight=1, status=status(world.network, "in_progress"))
    # G2: its only measure is cancelled → no progress, and the goal drops out of the plan's roll-up
    MeasureFactory(goal=goal_2, code="G2.M1", status=status(world.network, "cancelled"), progress=90)
    tree = plan_tree(plan)
    g1, g2 = tree.goals
    assert [m.rolled_progress for m in g1.measures.all()] == [Decimal("60.0"), Decimal("50.0")]
    assert g1.rolled_progress == Decimal("55.0")
    assert g2.rolled_progress is None
    assert tree.progress == Decimal("55.0")


def test_measure_whose_activities_are_all_cancelled_has_no_progress(world: World) -> None:
    plan = StrategyFactory(network=world.network)
    measure = MeasureFactory(goal=GoalFactory(strategy=plan), progress=70)
    ActivityFactory(measure=measure, status=status(world.network, "cancelled"))
    tree = plan_tree(plan)
    assert tree.goals[0].measures.all()[0].rolled_progress is None
    assert tree.progress is None


def test_activity_progress_of_140_is_refused_and_nothing_saved(world: World) -> None:
    activity = ActivityFactory(measure__goal__strategy__network=world.network, progress=10)
    with pytest.raises(ValidationError, match="140"):
        update_activity_progress(
            activity, status=status(world.network, "in_progress"), progress=140, by=world.coordinator
        )
    activity.refresh_from_db()
    assert activity.progress == 10


def test_database_refuses_a_progress_over_100_on_measures(world: World) -> None:
    measure = MeasureFactory(goal__strategy__network=world.network)
    with pytest.raises(IntegrityError), transaction.atomic():
        Measure.objects.filter(pk=measure.pk).update(progress=140)


def test_activity_status_must_be_of_the_same_network(world: World) -> None:
    activity = ActivityFactory(measure__goal__strategy__network=world.network)
    with pytest.raises(ValidationError):
        update_activity_progress(
            activity, status=status(world.other_network, "completed"), progress=None, by=world.coordinator
        )
    assert Activity.objects.get(pk=activity.pk).status.network_id == world.network.pk


# --- scores ---


def test_member_organisation_scores_an_area_once_and_can_change_it(world: World) -> None:
    area = PriorityAreaFactory(round__network=world.network)
    save_priority_scores(area, organization=world.org_a, scores=SCORES, by=world.member_a)
    save_priority_scores(area, organization=world.org_a, scores={**SCORES, "reach": 1}, by=world.member_a)
    assert PriorityScore.objects.filter(area=area).count() == 1
    assert PriorityScore.objects.get(area=area).reach == 1


def test_organisation_of_another_network_cannot_score(world: World) -> None:
    area = PriorityAreaFactory(round__network=world.network)
    with pytest.raises(ValidationError):
        save_priority_scores(area, organization=world.org_x, scores=SCORES, by=world.outsider)
    assert not PriorityScore.objects.exists()


@pytest.mark.parametrize("bad", [0, 6, None, "3"])
def test_scores_outside_one_to_five_are_refused(world: World, bad: Any) -> None:
    area = PriorityAreaFactory(round__network=world.network)
    with pytest.raises(ValidationError):
        save_priority_scores(area, organization=world.org_a, scores={**SCORES, "severity": bad}, by=None)
    assert not PriorityScore.objects.exists()


def test_closed_round_takes_no_scores(world: World) -> None:
    area = PriorityAreaFactory(
        round=RoundFactory(network=world.network, status=NeedsAssessmentRound.Status.CLOSED)
    )
    with pytest.raises(ValidationError, match="not open"):
        save_priority_scores(area, organization=world.org_a, scores=SCORES, by=None)


# --- proposals ---


def _proposal(world: World) -> MeasureProposal:
    return submit_proposal(
        world.network,
        organization=world.org_a,
        title="Walking group",
        description="Weekly walks for older people.",
        populations=["elderly"],
        by=world.member_a,
    )


def test_proposal_goes_submitted_evaluating_accepted_and_becomes_a_measure(world: World) -> None:
    goal = GoalFactory(strategy__network=world.network)
    proposal = _proposal(world)
    assert proposal.status == MeasureProposal.Status.SUBMITTED
    proposal = start_evaluating_proposal(proposal, by=world.coordinator)
    assert proposal.status == MeasureProposal.Status.EVALUATING
    proposal, measure = accept_proposal(
        proposal, goal=goal, code="G1.M9", answer="Good idea, we take it.", by=world.coordinator
    )
    proposal.refresh_from_db()
    assert proposal.status == MeasureProposal.Status.ACCEPTED
    assert proposal.measure == measure
    assert proposal.decided_by == world.coordinator
    assert (measure.goal, measure.code, measure.title) == (goal, "G1.M9", "Walking group")
    assert measure.lead_organization == world.org_a
    assert measure.origin == Measure.Origin.PROPOSAL
    assert measure.populations == ["elderly"]
    assert measure.status.key == "planned"


def test_decision_mails_the_proposer_a_link_only(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    world.member_a.email = "a@example.org"
    world.member_a.save()
    proposal = _proposal(world)
    with django_capture_on_commit_callbacks(execute=True):
        reject_proposal(proposal, answer="Not this year: no budget for walking groups.", by=world.coordinator)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["a@example.org"]
    assert f"/proposals/{proposal.pk}/" in message.body
    assert "Walking group" not in message.body and "budget" not in message.body


def test_accept_and_reject_need_an_answer(world: World) -> None:
    goal = GoalFactory(strategy__network=world.network)
    proposal = _proposal(world)
    with pytest.raises(ValidationError):
        accept_proposal(proposal, goal=goal, code="X1", answer="  ", by=world.coordinator)
    with pytest.raises(ValidationError):
        reject_proposal(proposal, answer="", by=world.coordinator)
    proposal.refresh_from_db()
    assert proposal.status == MeasureProposal.Status.SUBMITTED
    assert not Measure.objects.exists()


def test_database_refuses_a_decision_without_answer(world: World) -> None:
    proposal = _proposal(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        MeasureProposal.objects.filter(pk=proposal.pk).update(status="rejected")


def test_decided_proposal_cannot_be_decided_again(world: World) -> None:
    goal = GoalFactory(strategy__network=world.network)
    proposal = _proposal(world)
    reject_proposal(proposal, answer="No.", by=world.coordinator)
    with pytest.raises(ValidationError, match="already"):
        accept_proposal(proposal, goal=goal, code="X1", answer="Yes after all", by=world.coordinator)
    assert not Measure.objects.exists()


def test_accept_into_a_goal_of_another_network_is_refused(world: World) -> None:
    goal = GoalFactory(strategy__network=world.other_network)
    proposal = _proposal(world)
    with pytest.raises(ValidationError):
        accept_proposal(proposal, goal=goal, code="X1", answer="Yes", by=world.coordinator)
    assert not Measure.objects.exists()


def test_accept_with_a_code_already_in_the_plan_is_refused_and_saves_nothing(world: World) -> None:
    goal = GoalFactory(strategy__network=world.network)
    other_goal = GoalFactory(strategy=goal.strategy)
    MeasureFactory(goal=other_goal, code="G2.M1")
    proposal = _proposal(world)
    with pytest.raises(ValidationError, match=r"G2\.M1"):
        accept_proposal(proposal, goal=goal, code="G2.M1", answer="Yes", by=world.coordinator)
    proposal.refresh_from_db()
    assert proposal.status == MeasureProposal.Status.SUBMITTED
    assert Measure.objects.count() == 1


def test_only_member_organisations_propose(world: World) -> None:
    with pytest.raises(ValidationError):
        submit_proposal(
            world.network, organization=world.org_x, title="T", description="D", by=world.outsider
        )
    assert not MeasureProposal.objects.exists()


def _meeting(network: Any) -> Any:
    import datetime as dt

    from django.utils import timezone

    from helpnet.meetings.models import Meeting

    start = timezone.now()
    return Meeting.objects.create(
        network=network, title="Working meeting", start=start, end=start + dt.timedelta(hours=2)
    )


def test_decision_records_the_meeting_it_was_taken_at(world: World) -> None:
    meeting = _meeting(world.network)
    proposal = reject_proposal(_proposal(world), answer="Not now.", decided_in=meeting, by=world.coordinator)
    proposal.refresh_from_db()
    assert proposal.decided_in == meeting


def test_meeting_of_another_network_is_refused(world: World) -> None:
    goal = GoalFactory(strategy__network=world.network)
    proposal = _proposal(world)
    with pytest.raises(ValidationError, match="meeting"):
        accept_proposal(
            proposal, goal=goal, code="X1", answer="Yes", decided_in=_meeting(world.other_network), by=None
        )
    assert not Measure.objects.exists()
