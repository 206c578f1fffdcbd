"""The public printable invitation and minutes in a real browser: readable, printable, no serious axe issues."""

from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse

from helpnet.meetings.models import AgendaItem
from helpnet.networks.tests.factories import make_network_with_members

from .test_calendar import make_meeting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def serious_violations(page: Any) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes)"
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


def test_public_print_pages_work_and_have_no_serious_accessibility_violations(
    page: Any, live_server: Any
) -> None:
    network, _members = make_network_with_members(2, slug="lskz-sevnica", name="LSKZ Sevnica")
    meeting = make_meeting(
        network,
        title="Srečanje lokalne skupine",
        visibility="public",
        minutes_status="approved",
        status="held",
    )
    AgendaItem.objects.create(
        network=network,
        meeting=meeting,
        order=1,
        title="Čakalne dobe",
        notes="Krajše so.",
        status="discussed",
    )
    for name in ("invitation_print", "minutes_print"):
        page.goto(live_server.url + reverse(f"meetings:{name}", args=[network.slug, meeting.pk]))
        assert page.locator("h1").inner_text() == "Srečanje lokalne skupine"
        assert page.locator("#print-button").is_visible()  # print.js shows the button
        assert "Čakalne dobe" in page.content()
        assert serious_violations(page) == []
    # The page's PDF link gives the PDF.
    href = page.locator("a[href$='/minutes/pdf/']").get_attribute("href")
    response = page.request.get(live_server.url + href)
    assert response.ok
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
