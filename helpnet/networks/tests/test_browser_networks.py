"""Network pages in a real browser (Debian's chromium): the public path with axe, and a coordinator's form."""

from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

from helpnet.accounts.tests.browser import log_in_through_pages
from helpnet.networks.models import Network, Representative
from helpnet.networks.tests.factories import (
    WorkingGroupFactory,
    WorkingGroupMemberFactory,
    make_network_with_members,
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
    page.wait_for_url("**/en/staff/")


def test_public_reaches_a_local_group_through_its_region(page: Any, live_server: Any) -> None:
    region, _ = make_network_with_members(
        2, slug="posavje", name="Posavje za zdravje", kind=Network.Kind.REGIONAL
    )
    local, members = make_network_with_members(
        4, slug="lskz-sevnica", name="Lokalna skupina Sevnica", parent=region
    )
    group = WorkingGroupFactory(network=local, slug="starejsi", name="Starejši", population="elderly")
    WorkingGroupMemberFactory(
        working_group=group, on_behalf_of=members[1].organization, user__email="x@example.org"
    )

    page.goto(live_server.url + "/en/networks/")
    nested = page.locator(".network-tree .network-tree a", has_text="Lokalna skupina Sevnica")
    assert nested.count() == 1  # the local group is listed inside its region
    assert serious_violations(page) == []

    nested.click()
    page.wait_for_url("**/en/networks/lskz-sevnica/")
    assert page.locator("h1").inner_text() == "Lokalna skupina Sevnica"
    names = page.locator(".network-members li").all_inner_texts()
    assert any(members[3].organization.name in n for n in names)
    assert serious_violations(page) == []

    page.locator("a", has_text="Starejši").click()
    page.wait_for_url("**/en/networks/lskz-sevnica/groups/starejsi/")
    assert "x@example.org" not in page.content()  # people's addresses are for members only
    assert serious_violations(page) == []


def test_coordinator_is_told_why_a_second_representative_is_refused(page: Any, live_server: Any) -> None:
    _network, members = make_network_with_members(2, slug="lskz")
    coordinator = members[0].representatives.get().user
    _log_in(page, live_server, coordinator.username)

    page.goto(live_server.url + "/en/networks/lskz/manage/")
    assert serious_violations(page) == []
    page.locator(f"a[href='/en/networks/lskz/manage/members/{members[1].pk}/representatives/add/']").click()
    page.select_option("#id_kind", "primary")
    page.fill("#id_email", "second@example.org")
    page.locator("form.staff-form button.primary").click()
    summary = page.locator(".error-summary")
    assert "already has a representative" in summary.inner_text()
    assert serious_violations(page) == []
    assert members[1].representatives.count() == 1

    page.select_option("#id_kind", "deputy")
    page.locator("form.staff-form button.primary").click()
    page.wait_for_url("**/en/networks/lskz/manage/")
    assert "second@example.org" in page.locator("main table").inner_text()
    assert members[1].representatives.filter(kind=Representative.Kind.DEPUTY).count() == 1
