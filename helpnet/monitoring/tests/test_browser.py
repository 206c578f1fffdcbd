"""In a real browser: plan → indicator → figure submitted and validated → the dashboard shows it."""

import datetime as dt
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone

from helpnet.accounts.tests.browser import log_in_through_pages
from helpnet.monitoring.tests.conftest import Setup
from helpnet.monitoring.tests.factories import PeriodFactory

pytestmark = pytest.mark.browser


def _log_in(page: Any, live_server: Any, username: str) -> None:
    page.context.clear_cookies()
    log_in_through_pages(page, live_server, username, lang="en")
    page.wait_for_load_state()


def _serious_violations(page: Any) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes)"
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


def test_plan_indicator_figure_validated_shows_on_dashboard(
    page: Any, live_server: Any, setup: Setup
) -> None:
    from helpnet.planning.tests.factories import GoalFactory, StrategyFactory

    plan = StrategyFactory(network=setup.network, title="Strategija krepitve zdravja 2025–2030")
    goal = GoalFactory(strategy=plan, code="G1", title="Več ljudi v delavnicah za zdravje")
    PeriodFactory(
        network=setup.network, label="2025-Q1", due_date=timezone.localdate() + dt.timedelta(days=30)
    )
    base = f"{live_server.url}/en/monitoring/{setup.network.slug}"

    # The coordinator defines the indicator under the plan's goal.
    _log_in(page, live_server, setup.coordinator.username)
    page.goto(base + "/indicators/new/")
    page.fill("#id_code", "G1.1")
    page.fill("#id_name", "Udeleženci delavnic za zdravje")
    page.select_option("#id_unit", "count")
    page.fill("#id_baseline_value", "40")
    page.fill("#id_target_value", "100")
    page.select_option("#id_goal", str(goal.pk))
    page.select_option("#id_responsible_organization", str(setup.org_b.pk))
    page.locator("form.staff-form button.primary").click()
    page.wait_for_url("**/indicators/*/")
    indicator_url = page.url

    # Organisation B's representative reports 70 for the quarter.
    _log_in(page, live_server, setup.reporter.username)
    page.goto(indicator_url)
    page.get_by_role("link", name="2025-Q1, due").click()
    page.fill("#id_value", "70")
    page.get_by_role("button", name="Submit for validation").click()
    page.wait_for_url(indicator_url)
    assert "Submitted" in page.locator("main").inner_text()

    # The coordinator validates it.
    _log_in(page, live_server, setup.coordinator.username)
    page.goto(base + "/measurements/?status=submitted")
    page.get_by_role("button", name="Validate").click()
    page.wait_for_load_state()
    assert "The figure is validated." in page.locator(".messages").inner_text()

    # The dashboard shows the figure against the target, the goal and the RAG status in words.
    page.goto(base + "/")
    main = page.locator("main").inner_text()
    assert "Latest 70" in main
    assert "50.0 % achieved" in main
    assert "Red: off track" in main
    assert "G1 Več ljudi v delavnicah za zdravje" in main
    chart = page.locator("svg.trend-chart[role=img]").first
    assert "2025-Q1: 70" in chart.locator("desc").text_content()
    page.get_by_text("Figures as a table").first.click()  # a <details>: opens without JavaScript
    assert "2025-Q1 70" in " ".join(page.locator("figure.trend table").first.inner_text().split())
    assert _serious_violations(page) == []
