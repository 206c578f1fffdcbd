"""The public good-practice library in a real browser (Debian's chromium), checked with axe."""

import importlib
import re
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.apps import apps as django_apps

from helpnet.directory import vocabulary
from helpnet.learning import actions
from helpnet.learning.models import CRITERION_CODES
from helpnet.networks.tests.factories import NetworkFactory, NetworkMemberFactory, RepresentativeFactory
from helpnet.organizations.tests.factories import OrganizationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def reference_data(transactional_db: Any) -> None:
    # A live-server test starts from a flushed database: load the vocabularies the migrations load.
    importlib.import_module("helpnet.directory.migrations.0002_starter_vocabularies").add_vocabularies(
        django_apps, None
    )


def serious_violations(page: Any) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes)"
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


def published(network: Any, org: Any, reviewer: Any, title: str, need: str, population: str) -> Any:
    practice = actions.create_practice(
        network,
        organization=org,
        by=None,
        data={
            "title": title,
            "summary": "Brezplačne delavnice za zdrav življenjski slog.",
            "description": "Skupine se srečujejo tedensko; vodijo jih diplomirane medicinske sestre.",
            "criteria": {code: f"Odgovor: {code} (čšž)" for code in CRITERION_CODES},
            "links": "https://example.org/delavnice",
        },
        need_areas=[vocabulary.term_id(vocabulary.NEED_AREAS_TAXONOMY, need)],
        populations=[vocabulary.term_id(vocabulary.TARGET_GROUPS_TAXONOMY, population)],
    )
    actions.submit_practice(practice)
    actions.start_review(practice)
    actions.review_practice(practice, reviewer=reviewer, scores=dict.fromkeys(CRITERION_CODES, 3), comment="")
    return actions.publish_practice(practice)


def test_a_visitor_filters_the_library_and_reads_a_practice(page, live_server):
    network = NetworkFactory(slug="posavje")
    org = OrganizationFactory(name="Zdravstveni dom Sevnica")
    NetworkMemberFactory(network=network, organization=org)
    reviewer = RepresentativeFactory(member__network=network).user
    published(network, org, reviewer, "Delavnice krepitve zdravja", "health-promotion", "adults")
    published(network, org, reviewer, "Klub za starejše", "elderly-care", "elderly")
    draft = actions.create_practice(
        network, organization=org, by=None, data={"title": "Osnutek", "summary": "x", "description": "x"}
    )

    page.goto(live_server.url + "/en/learning/practices/")
    assert page.locator("h1").inner_text() == "Good practices"
    titles = page.locator(".card-title")
    assert sorted(titles.all_inner_texts()) == ["Delavnice krepitve zdravja", "Klub za starejše"]
    assert draft.title not in page.content()
    assert serious_violations(page) == []

    page.get_by_label("Population").select_option("elderly")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(re.compile(r"population=elderly"))
    assert titles.all_inner_texts() == ["Klub za starejše"]

    page.goto(live_server.url + "/en/learning/practices/")
    page.get_by_role("link", name="Delavnice krepitve zdravja").click()
    assert page.locator("h1").inner_text() == "Delavnice krepitve zdravja"
    assert page.get_by_text("Odgovor: evidence (čšž)").is_visible()
    assert page.get_by_role("link", name="https://example.org/delavnice").is_visible()
    assert serious_violations(page) == []


def test_a_draft_address_is_not_found_in_the_browser(page, live_server):
    network = NetworkFactory(slug="posavje")
    org = OrganizationFactory()
    draft = actions.create_practice(
        network, organization=org, by=None, data={"title": "Osnutek", "summary": "x", "description": "x"}
    )
    response = page.goto(live_server.url + f"/en/learning/practices/{draft.slug}/")
    assert response is not None and response.status == 404
