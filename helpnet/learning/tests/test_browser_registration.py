"""Two members and one place, in a real browser: a place, the waiting list, a cancellation, a promotion."""

from typing import Any

import pytest
from playwright.sync_api import expect

from helpnet.accounts.tests.browser import log_in_through_pages
from helpnet.organizations.tests.factories import MembershipFactory

from .conftest import make_event
from .test_browser_practices import serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page: Any, live_server: Any, username: str) -> None:
    page.context.clear_cookies()
    log_in_through_pages(page, live_server, username, lang="en")
    page.wait_for_load_state()


def test_a_freed_place_goes_to_the_person_waiting(
    page: Any, live_server: Any, network: Any, org_a: Any
) -> None:
    first, second = (MembershipFactory(organization=org_a).user for _ in range(2))
    event = make_event(network, capacity=1, title="Motivational interviewing")
    url = live_server.url + f"/en/learning/events/{event.pk}/"

    log_in(page, live_server, first.username)
    page.goto(url)
    assert serious_violations(page) == []
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_text("You are registered.", exact=True)).to_be_visible()

    log_in(page, live_server, second.username)
    page.goto(url)
    page.get_by_role("button", name="Join the waiting list").click()
    expect(page.get_by_text("You are on the waiting list.", exact=False).first).to_be_visible()

    log_in(page, live_server, first.username)
    page.goto(url)
    page.get_by_role("button", name="Cancel my registration").click()
    expect(page.get_by_text("Your registration is cancelled.")).to_be_visible()

    log_in(page, live_server, second.username)
    page.goto(url)
    expect(page.get_by_text("You are registered.", exact=True)).to_be_visible()
    assert serious_violations(page) == []
