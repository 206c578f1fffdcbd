from typing import Any

import pytest
from django.urls import reverse

from helpnet.planning.models import Activity, Goal, Measure, MeasureProposal, PriorityScore, Strategy

from .conftest import client_for
from .factories import (
    ActivityFactory,
    GoalFactory,
    MeasureFactory,
    PriorityAreaFactory,
    ProposalFactory,
    RoundFactory,
    StrategyFactory,
    World,
    status,
)


def _plan_url(plan: Strategy, name: str = "planning:plan_detail", *extra: Any) -> str:
    return reverse(name, args=[plan.network.slug, plan.pk, *extra])


# --- who sees what ---


def test_anonymous_is_sent_to_login(world: World, client: Any) -> None:
    plan = StrategyFactory(network=world.network)
    response = client.get(_plan_url(plan))
    assert response.status_code == 302
    assert "login" in response["Location"]


@pytest.mark.parametrize("who", ["outsider", "stranger"])
def test_non_member_gets_404_for_plans_priorities_and_proposals(world: World, who: str) -> None:
    plan = StrategyFactory(network=world.network)
    round_ = RoundFactory(network=world.network)
    client = client_for(getattr(world, who))
    slug = world.network.slug
    for url in [
        reverse("planning:plan_list", args=[slug]),
        _plan_url(plan),
        _plan_url(plan, "planning:plan_export_csv"),
        reverse("planning:round_detail", args=[slug, round_.pk]),
        reverse("planning:proposal_list", args=[slug]),
    ]:
        assert client.get(url).status_code == 404, url


def test_plan_of_another_network_is_404_even_for_its_coordinator(world: World) -> None:
    plan = StrategyFactory(network=world.other_network)
    response = client_for(world.coordinator).get(
        reverse("planning:plan_detail", args=[world.network.slug, plan.pk])
    )
    assert response.status_code == 404


def test_member_reads_the_plan_with_text_percentages(world: World) -> None:
    plan = StrategyFactory(network=world.network, title="Health strategy 2026-2030")
    goal = GoalFactory(strategy=plan, code="G1", title="Less smoking")
    measure = MeasureFactory(goal=goal, code="G1.M1", populations=["elderly", "children_youth"])
    ActivityFactory(measure=measure, progress=40)
    response = client_for(world.member_a).get(_plan_url(plan))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Health strategy 2026-2030" in text and "Less smoking" in text
    assert "40 % done" in text
    assert "Older people, Children and youth" in text
    assert reverse("planning:plan_edit", args=[world.network.slug, plan.pk]) not in text


def test_member_who_does_not_coordinate_gets_403_on_forms(world: World) -> None:
    plan = StrategyFactory(network=world.network)
    client = client_for(world.member_a)
    assert client.get(reverse("planning:plan_create", args=[world.network.slug])).status_code == 403
    assert client.get(_plan_url(plan, "planning:plan_edit")).status_code == 403
    assert (
        client.post(_plan_url(plan, "planning:goal_create"), {"code": "G9", "title": "x"}).status_code == 403
    )
    assert not Goal.objects.exists()


# --- plans and items ---


def test_coordinator_creates_a_plan_and_a_goal(world: World) -> None:
    client = client_for(world.coordinator)
    response = client.post(
        reverse("planning:plan_create", args=[world.network.slug]),
        {
            "kind": "strategy",
            "title": "Strategy 2026–2030",
            "period_start": "2026-01-01",
            "period_end": "2030-12-31",
            "status": "draft",
        },
    )
    plan = Strategy.objects.get()
    assert response.status_code == 302
    assert plan.network == world.network and plan.created_by == world.coordinator
    response = client.post(
        _plan_url(plan, "planning:goal_create"),
        {"code": "G1", "title": "Health promotion", "order": 1, "weight": 1},
    )
    assert response.status_code == 302
    assert plan.goals.get().title == "Health promotion"


def test_plan_ending_before_it_starts_is_refused(world: World) -> None:
    response = client_for(world.coordinator).post(
        reverse("planning:plan_create", args=[world.network.slug]),
        {
            "kind": "strategy",
            "title": "X",
            "period_start": "2030-01-01",
            "period_end": "2026-12-31",
            "status": "draft",
        },
    )
    assert response.status_code == 200
    assert "The end cannot be before the start." in response.content.decode()
    assert not Strategy.objects.exists()


def _measure_data(goal: Goal, **overrides: Any) -> dict[str, Any]:
    data = {
        "goal": goal.pk,
        "code": "G1.M1",
        "title": "Smoking cessation workshops",
        "status": status(goal.strategy.network, "in_progress").pk,
        "weight": "1",
        "order": "1",
        "progress": "",
    }
    return {**data, **overrides}


def test_measure_progress_of_140_gets_a_clear_message_and_nothing_is_saved(world: World) -> None:
    goal = GoalFactory(strategy__network=world.network)
    response = client_for(world.coordinator).post(
        _plan_url(goal.strategy, "planning:measure_create"), _measure_data(goal, progress="140")
    )
    assert response.status_code == 200
    assert "Progress must be between 0 and 100 %, not 140 %." in response.content.decode()
    assert not Measure.objects.exists()


def test_coordinator_adds_a_measure_with_a_lead_member_organisation(world: World) -> None:
    goal = GoalFactory(strategy__network=world.network)
    response = client_for(world.coordinator).post(
        _plan_url(goal.strategy, "planning:measure_create"),
        _measure_data(goal, lead_organization=world.org_a.pk, partners=[world.org_b.pk], progress="30"),
    )
    assert response.status_code == 302
    measure = Measure.objects.get()
    assert measure.lead_organization == world.org_a
    assert list(measure.partners.all()) == [world.org_b]
    assert measure.progress == 30


def test_lead_organisation_of_another_network_is_refused(world: World) -> None:
    goal = GoalFactory(strategy__network=world.network)
    response = client_for(world.coordinator).post(
        _plan_url(goal.strategy, "planning:measure_create"),
        _measure_data(goal, lead_organization=world.org_x.pk),
    )
    assert response.status_code == 200
    assert not Measure.objects.exists()


def test_measure_code_must_be_unique_in_the_plan(world: World) -> None:
    goal = GoalFactory(strategy__network=world.network)
    MeasureFactory(goal=GoalFactory(strategy=goal.strategy), code="G1.M1")
    response = client_for(world.coordinator).post(
        _plan_url(goal.strategy, "planning:measure_create"), _measure_data(goal)
    )
    assert response.status_code == 200
    assert "This code is already used in this plan." in response.content.decode()
    assert Measure.objects.count() == 1


def test_goal_of_another_plan_cannot_be_chosen_for_a_measure(world: World) -> None:
    goal = GoalFactory(strategy__network=world.network)
    foreign_goal = GoalFactory(strategy__network=world.other_network)
    response = client_for(world.coordinator).post(
        _plan_url(goal.strategy, "planning:measure_create"), _measure_data(foreign_goal)
    )
    assert response.status_code == 200
    assert not Measure.objects.exists()


def test_lead_organisation_staff_update_activity_progress(world: World) -> None:
    activity = ActivityFactory(
        measure__goal__strategy__network=world.network, measure__lead_organization=world.org_a
    )
    plan = activity.measure.goal.strategy
    url = _plan_url(plan, "planning:activity_progress", activity.pk)
    response = client_for(world.member_a).post(
        url, {"status": status(world.network, "in_progress").pk, "progress": "70"}
    )
    assert response.status_code == 302
    activity.refresh_from_db()
    assert (activity.status.key, activity.progress) == ("in_progress", 70)


def test_lead_organisation_staff_get_a_clear_message_for_140(world: World) -> None:
    activity = ActivityFactory(
        measure__goal__strategy__network=world.network, measure__lead_organization=world.org_a, progress=5
    )
    url = _plan_url(activity.measure.goal.strategy, "planning:activity_progress", activity.pk)
    response = client_for(world.member_a).post(
        url, {"status": status(world.network, "in_progress").pk, "progress": "140"}
    )
    assert response.status_code == 200
    assert "Progress must be between 0 and 100 %, not 140 %." in response.content.decode()
    activity.refresh_from_db()
    assert activity.progress == 5


def test_other_member_cannot_update_activity_progress(world: World) -> None:
    activity = ActivityFactory(
        measure__goal__strategy__network=world.network, measure__lead_organization=world.org_a
    )
    url = _plan_url(activity.measure.goal.strategy, "planning:activity_progress", activity.pk)
    response = client_for(world.member_b).post(url, {"status": status(world.network, "completed").pk})
    assert response.status_code == 403
    assert Activity.objects.get(pk=activity.pk).status.key == "planned"


def test_milestone_is_added_to_a_measure(world: World) -> None:
    measure = MeasureFactory(goal__strategy__network=world.network)
    url = _plan_url(measure.goal.strategy, "planning:milestone_add", "measures", measure.pk)
    response = client_for(world.coordinator).post(url, {"date": "2026-06-01", "title": "First workshop held"})
    assert response.status_code == 302
    assert measure.milestones.get().title == "First workshop held"


# --- priorities ---


def test_member_scores_only_for_their_own_organisation(world: World) -> None:
    area = PriorityAreaFactory(round__network=world.network)
    url = reverse("planning:round_score", args=[world.network.slug, area.round.pk])
    scores = {
        f"a{area.pk}_severity": "5",
        f"a{area.pk}_reach": "4",
        f"a{area.pk}_feasibility": "3",
        f"a{area.pk}_inequality": "5",
    }
    client = client_for(world.member_a)
    # another member organisation's id: 404, nothing saved
    assert client.post(url, {**scores, "org": str(world.org_b.pk)}).status_code == 404
    assert not PriorityScore.objects.exists()
    assert client.post(url, {**scores, "org": str(world.org_a.pk)}).status_code == 302
    score = PriorityScore.objects.get()
    assert (score.organization, score.severity, score.scored_by) == (world.org_a, 5, world.member_a)


def test_half_scored_area_is_refused(world: World) -> None:
    area = PriorityAreaFactory(round__network=world.network)
    url = reverse("planning:round_score", args=[world.network.slug, area.round.pk])
    response = client_for(world.member_b).post(url, {f"a{area.pk}_severity": "5"})
    assert response.status_code == 400
    assert "Score every criterion of this area, or none." in response.content.decode()
    assert not PriorityScore.objects.exists()


def test_user_without_organisation_in_network_cannot_score(world: World) -> None:
    area = PriorityAreaFactory(round__network=world.network)
    url = reverse("planning:round_score", args=[world.network.slug, area.round.pk])
    assert client_for(world.outsider).get(url).status_code == 404


def test_ranking_is_shown_in_order(world: World) -> None:
    round_ = RoundFactory(network=world.network)
    low = PriorityAreaFactory(round=round_, title="Loneliness")
    high = PriorityAreaFactory(round=round_, title="Youth mental health")
    for area, value in [(low, 2), (high, 4)]:
        area.scores.create(
            organization=world.org_a, severity=value, reach=value, feasibility=value, inequality=value
        )
    text = client_for(world.member_a).get(round_.get_absolute_url()).content.decode()
    assert text.index("Youth mental health") < text.index("Loneliness")
    assert "Evidence of unmet needs" not in text  # for coordinators only


# --- proposals ---


def test_member_submits_a_proposal_and_sees_it_in_my_proposals(world: World) -> None:
    client = client_for(world.member_b)
    response = client.post(
        reverse("planning:proposal_create", args=[world.network.slug]),
        {"organization": str(world.org_b.pk), "title": "Parents' café", "description": "Monthly meetings."},
    )
    proposal = MeasureProposal.objects.get()
    assert response.status_code == 302
    assert (proposal.organization, proposal.submitted_by) == (world.org_b, world.member_b)
    listing = client.get(reverse("planning:proposal_list", args=[world.network.slug])).content.decode()
    assert "Parents" in listing


def test_member_cannot_propose_for_another_organisation(world: World) -> None:
    response = client_for(world.member_b).post(
        reverse("planning:proposal_create", args=[world.network.slug]),
        {"organization": str(world.org_a.pk), "title": "X", "description": "Y"},
    )
    assert response.status_code == 200
    assert not MeasureProposal.objects.exists()


def test_other_members_proposal_is_404(world: World) -> None:
    proposal = ProposalFactory(network=world.network, organization=world.org_a)
    url = reverse("planning:proposal_detail", args=[world.network.slug, proposal.pk])
    assert client_for(world.member_b).get(url).status_code == 404
    assert client_for(world.member_a).get(url).status_code == 200
    assert client_for(world.coordinator).get(url).status_code == 200


def test_coordinator_accepts_a_proposal_into_a_goal(world: World) -> None:
    goal = GoalFactory(strategy__network=world.network)
    proposal = ProposalFactory(network=world.network, organization=world.org_a)
    url = reverse("planning:proposal_accept", args=[world.network.slug, proposal.pk])
    response = client_for(world.coordinator).post(
        url, {"accept-goal": goal.pk, "accept-code": "G1.M7", "accept-answer": "Yes, from autumn."}
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == "accepted" and proposal.measure.code == "G1.M7"


def test_reject_without_answer_gets_a_message_and_changes_nothing(world: World) -> None:
    proposal = ProposalFactory(network=world.network, organization=world.org_a)
    url = reverse("planning:proposal_reject", args=[world.network.slug, proposal.pk])
    response = client_for(world.coordinator).post(url, {"reject-answer": " "})
    assert response.status_code == 400
    proposal.refresh_from_db()
    assert proposal.status == "submitted"


def test_member_cannot_decide(world: World) -> None:
    proposal = ProposalFactory(network=world.network, organization=world.org_a)
    url = reverse("planning:proposal_reject", args=[world.network.slug, proposal.pk])
    assert client_for(world.member_a).post(url, {"reject-answer": "no"}).status_code == 403
    assert client_for(world.outsider).post(url, {"reject-answer": "no"}).status_code == 404
    proposal.refresh_from_db()
    assert proposal.status == "submitted"


# --- query counts ---


def _big_plan(world: World) -> Strategy:
    plan = StrategyFactory(network=world.network)
    for _g in range(3):
        goal = GoalFactory(strategy=plan)
        for _m in range(3):
            measure = MeasureFactory(goal=goal, lead_organization=world.org_a)
            measure.partners.add(world.org_b)
            for _a in range(3):
                ActivityFactory(measure=measure, lead_organization=world.org_b)
    return plan


def test_plan_page_query_count_does_not_grow_with_the_plan(
    world: World, django_assert_max_num_queries: Any
) -> None:
    plan = _big_plan(world)
    client = client_for(world.member_a)
    # session, user, member network lookup, plan, organisations represented (staff, representatives, members),
    # is_coordinator, implemented_by, then plan_tree: goals, measures, partners, milestones, activities,
    # activity partners, activity milestones — independent of the 3 × 3 × 3 rows.
    with django_assert_max_num_queries(18):
        response = client.get(_plan_url(plan))
    assert response.status_code == 200


def test_plan_list_query_count(world: World, django_assert_max_num_queries: Any) -> None:
    for _ in range(3):
        StrategyFactory(network=world.network, implements=StrategyFactory(network=world.network))
    # session, user, network lookup, is_coordinator, plans with implements and goal counts
    client = client_for(world.member_a)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("planning:plan_list", args=[world.network.slug]))
    assert response.status_code == 200


def test_round_page_query_count(world: World, django_assert_max_num_queries: Any) -> None:
    round_ = RoundFactory(network=world.network)
    for _ in range(3):
        area = PriorityAreaFactory(round=round_)
        area.goals.add(GoalFactory(strategy__network=world.network))
        area.scores.create(organization=world.org_a, severity=3, reach=3, feasibility=3, inequality=3)
    # session, user, network, round, is_coordinator, scoring orgs (3), areas with averages, municipalities,
    # goals, their plans, then the coordinator's evidence: the network's municipalities, search statistics,
    # member ids, declined referrals (+ municipality and need names when there are rows), header links
    client = client_for(world.coordinator)
    with django_assert_max_num_queries(19):
        response = client.get(round_.get_absolute_url())
    assert response.status_code == 200


def test_proposal_list_query_count(world: World, django_assert_max_num_queries: Any) -> None:
    for _ in range(3):
        ProposalFactory(network=world.network, organization=world.org_a)
    # session, user, network, is_coordinator, organisations represented (staff, representatives, members),
    # read-only staff roles, mine, queue, decided, header links of the other apps
    client = client_for(world.coordinator)
    with django_assert_max_num_queries(13):
        response = client.get(reverse("planning:proposal_list", args=[world.network.slug]))
    assert response.status_code == 200


def test_read_only_staff_read_but_do_not_score_propose_or_update(world: World) -> None:
    area = PriorityAreaFactory(round__network=world.network)
    activity = ActivityFactory(
        measure__goal__strategy__network=world.network, measure__lead_organization=world.org_a
    )
    plan = activity.measure.goal.strategy
    client = client_for(world.viewer_a)
    assert client.get(_plan_url(plan)).status_code == 200
    assert (
        client.get(reverse("planning:round_score", args=[world.network.slug, area.round.pk])).status_code
        == 403
    )
    assert client.get(reverse("planning:proposal_create", args=[world.network.slug])).status_code == 403
    url = _plan_url(plan, "planning:activity_progress", activity.pk)
    assert client.post(url, {"status": status(world.network, "completed").pk}).status_code == 403
    assert Activity.objects.get(pk=activity.pk).status.key == "planned"


def test_a_renamed_status_shows_the_network_s_own_name(world: World) -> None:
    renamed = status(world.network, "in_progress")
    renamed.name = "V teku"
    renamed.save()
    measure = MeasureFactory(goal__strategy__network=world.network, status=renamed)
    text = client_for(world.member_a).get(_plan_url(measure.goal.strategy)).content.decode()
    assert "V teku" in text
    assert status(world.network, "planned").display_name == "Planned"  # the default name, in English here


def test_coordinator_sees_unmet_needs_evidence_on_the_round_page(world: World) -> None:
    import datetime as dt

    from django.utils import timezone

    from helpnet.organizations.tests.factories import MunicipalityFactory
    from helpnet.search.models import SearchStat

    sevnica = MunicipalityFactory(slug="sevnica-ev", name="Sevnica")
    world.network.municipalities.add(sevnica)
    today = timezone.localdate()
    round_ = RoundFactory(network=world.network, opens_on=today - dt.timedelta(days=30), closes_on=today)
    SearchStat.objects.create(
        day=today - dt.timedelta(days=3),
        query="alkohol",
        language="sl",
        filters="need=addiction",
        municipality="sevnica-ev",
        searches=6,
        zero_results=5,
        results_total=1,
    )
    text = client_for(world.coordinator).get(round_.get_absolute_url()).content.decode()
    assert "Evidence of unmet needs" in text
    row = text[text.index('<th scope="row">Sevnica</th>') :][:200]
    assert "<td>6</td><td>5</td><td>6</td>" in row
    assert "alkohol" not in text  # the search words themselves are not shown


def _status_post(network: Any, changes: dict[str, str]) -> dict[str, str]:
    from helpnet.planning.models import StatusDefinition

    statuses = list(StatusDefinition.objects.filter(network=network))
    data = {"form-TOTAL_FORMS": str(len(statuses) + 1), "form-INITIAL_FORMS": str(len(statuses))}
    for i, s in enumerate(statuses):
        data.update(
            {
                f"form-{i}-id": str(s.pk),
                f"form-{i}-name": s.name,
                f"form-{i}-default_progress": "" if s.default_progress is None else str(s.default_progress),
                f"form-{i}-order": str(s.order),
            }
        )
        if s.is_closed:
            data[f"form-{i}-is_closed"] = "on"
        if s.is_cancelled:
            data[f"form-{i}-is_cancelled"] = "on"
    return {**data, **changes}


def test_coordinator_adds_a_status_and_changes_a_default_progress(world: World) -> None:
    status(world.network, "planned")  # seeds the defaults
    url = reverse("planning:status_list", args=[world.network.slug])
    n = 4
    data = _status_post(
        world.network,
        {
            "form-1-default_progress": "40",
            f"form-{n}-name": "Delayed",
            f"form-{n}-default_progress": "25",
            f"form-{n}-order": "5",
        },
    )
    response = client_for(world.coordinator).post(url, data)
    assert response.status_code == 302
    assert status(world.network, "delayed").default_progress == 25
    assert status(world.network, "in_progress").default_progress == 40  # row 1: statuses are in their order


def test_status_default_progress_of_140_is_refused(world: World) -> None:
    status(world.network, "planned")
    url = reverse("planning:status_list", args=[world.network.slug])
    response = client_for(world.coordinator).post(
        url, _status_post(world.network, {"form-0-default_progress": "140"})
    )
    assert response.status_code == 200
    assert "not 140 %" in response.content.decode()
    assert not world.network.plan_statuses.filter(default_progress=140).exists()


def test_members_cannot_change_statuses(world: World) -> None:
    url = reverse("planning:status_list", args=[world.network.slug])
    assert client_for(world.member_a).get(url).status_code == 403
    assert client_for(world.outsider).get(url).status_code == 404


def test_network_members_slot_lists_plans_and_rounds(world: World, django_assert_num_queries: Any) -> None:
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    StrategyFactory(network=world.network, title="Strategija 2026–2030")
    StrategyFactory(network=world.network, title="Old plan", status=Strategy.Status.ARCHIVED)
    RoundFactory(network=world.network, title="Ocena potreb 2026")
    StrategyFactory(network=world.other_network, title="Someone else's plan")
    request = RequestFactory().get("/")
    request.user = world.member_a
    # plans (with their network), rounds (with their network)
    with django_assert_num_queries(2):
        html = render_to_string(
            "planning/_network_members.html",
            {"network": world.network, "user": world.member_a, "request": request},
        )
    assert "Strategija 2026–2030" in html and "Ocena potreb 2026" in html
    assert "Old plan" not in html and "Someone else" not in html
