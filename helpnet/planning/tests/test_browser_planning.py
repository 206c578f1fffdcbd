"""Plans in a real browser (Debian's chromium): the lead organisation updates an activity and the plan page shows
the new percentages in text; the planning pages pass axe without serious violations."""

from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

from helpnet.accounts.tests.browser import log_in_through_pages

from .factories import (
    ActivityFactory,
    GoalFactory,
    MeasureFactory,
    PriorityAreaFactory,
    ProposalFactory,
    World,
)

pytestmark = pytest.mark.browser


def serious_violations(page: Any) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes)"
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


def _log_in(page: Any, live_server: Any, username: str) -> None:
    log_in_through_pages(page, live_server, username, lang="en")
    page.wait_for_load_state()


def test_lead_organisation_updates_an_activity_and_the_plan_shows_it(
    page: Any, live_server: Any, world: World
) -> None:
    goal = GoalFactory(strategy__network=world.network, code="C1", title="Krepitev zdravja")
    measure = MeasureFactory(goal=goal, code="C1.U1", title="Zemljevid pomoči", lead_organization=world.org_a)
    activity = ActivityFactory(measure=measure, code="C1.U1.A1", title="Zbiranje podatkov")
    ActivityFactory(measure=measure, code="C1.U1.A2", title="Objava", progress=20)
    plan = goal.strategy
    _log_in(page, live_server, world.member_a.username)
    page.goto(live_server.url + f"/en/plans/{world.network.slug}/{plan.pk}/")
    assert "10 %" in page.locator(f"#measure-{measure.pk} .meta").first.inner_text()
    assert serious_violations(page) == []

    page.locator(f"#activity-{activity.pk} a").click()
    page.select_option("#id_status", label="In progress")
    page.fill("#id_progress", "140")
    page.locator("main form button[type=submit]").click()
    assert "140" in page.locator(".error-summary").inner_text()
    assert serious_violations(page) == []
    page.fill("#id_progress", "80")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**/en/plans/{world.network.slug}/{plan.pk}/**")
    # (80 + 20) / 2 = 50 for the measure, and for its goal and the whole plan
    assert "50 %" in page.locator(f"#measure-{measure.pk} .meta").first.inner_text()
    assert "80 %" in page.locator(f"#activity-{activity.pk}").inner_text()


def test_scoring_and_proposal_pages_are_accessible(page: Any, live_server: Any, world: World) -> None:
    area = PriorityAreaFactory(round__network=world.network, title="Duševno zdravje")
    proposal = ProposalFactory(network=world.network, organization=world.org_a)
    GoalFactory(strategy__network=world.network)
    _log_in(page, live_server, world.member_a.username)
    page.goto(live_server.url + f"/en/plans/{world.network.slug}/priorities/{area.round.pk}/score/")
    for criterion in ("severity", "reach", "feasibility", "inequality"):
        page.select_option(f"#id_a{area.pk}_{criterion}", "4")
    assert serious_violations(page) == []
    page.locator("main form.staff-form button[type=submit]").click()
    page.wait_for_url(f"**/priorities/{area.round.pk}/")
    assert (
        "4,00" in page.locator(f"#area-{area.pk}").inner_text()
        or "4.00" in page.locator(f"#area-{area.pk}").inner_text()
    )
    assert serious_violations(page) == []

    page.context.clear_cookies()
    _log_in(page, live_server, world.coordinator.username)
    page.goto(live_server.url + f"/en/plans/{world.network.slug}/proposals/{proposal.pk}/")
    assert page.locator("#id_accept-answer").is_visible()
    assert serious_violations(page) == []
