"""A whole meeting cycle in a real browser: schedule → invite → agenda (propose + accept) → attendance with
quorum → decision and action item → the next meeting shows the open action. Plus axe on public pages."""

import datetime as dt
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from helpnet.accounts.tests.browser import log_in_through_pages
from helpnet.meetings.models import ActionItem, Decision, Meeting
from helpnet.meetings.tests.helpers import at, meeting, world

pytestmark = pytest.mark.browser


def _log_in(page: Any, live_server: Any, username: str) -> None:
    log_in_through_pages(page, live_server, username, lang="en")
    page.wait_for_url("**/en/staff/")


def _schedule(page: Any, base: str, title: str, day: str, host_label: str | None = None) -> None:
    page.goto(base + "/new/")
    page.fill("#id_title", title)
    page.fill("#id_date", day)
    page.fill("#id_start_time", "09:00")
    page.fill("#id_end_time", "11:00")
    if host_label:
        page.select_option("#id_host_organization", label=host_label)
    page.locator("form.meetings-form button.primary").click()
    page.wait_for_url("**/meetings/lskz/*/")


def test_whole_meeting_cycle(page: Any, live_server: Any) -> None:
    w = world(3)
    names = ["Ambulanta", "Bolnica", "Center"]
    for member, name in zip(w.members, names, strict=True):
        member.organization.name = name
        member.organization.save()
    coordinator = w.coordinator
    coordinator.first_name, coordinator.last_name = "Ana", "Koordinatorka"
    coordinator.save()
    member = w.member
    member.first_name, member.last_name = "Bor", "Član"
    member.save()
    base = live_server.url + "/en/meetings/lskz"
    _log_in(page, live_server, coordinator.username)

    # schedule
    _schedule(page, base, "Seja LSKZ januar", "2027-01-13", host_label="Bolnica")
    first = Meeting.objects.get(title="Seja LSKZ januar")
    expect(page.locator("h1")).to_have_text("Seja LSKZ januar")
    expect(page.locator(".meeting-facts")).to_contain_text("Bolnica")

    # invite
    page.locator("#invite-button").click()
    expect(page.locator("#meeting-status")).to_have_text("Invitations sent")
    assert first.attendances.filter(invited=True).count() == 3

    # agenda: propose, then accept onto this meeting
    page.locator("#propose-link").click()
    page.fill("#id_title", "Poletni razpored")
    page.locator("form.meetings-form button.primary").click()
    page.locator(".backlog-here button", has_text="Put on this agenda").click()
    expect(page.locator("ol.agenda")).to_contain_text("Poletni razpored")

    # attendance: two of three voting organisations present → quorate (works with htmx on change)
    expect(page.locator("#quorum")).to_contain_text("Not quorate")
    rows = {a.user_id: a.pk for a in first.attendances.all()}
    # htmx must be running (the page came from a form post) and done with a swap before the next change.
    idle = "() => window.htmx !== undefined && !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
    page.wait_for_function(idle)
    page.select_option(f"#presence-{rows[coordinator.pk]}", "present")
    expect(page.locator("#quorum")).to_contain_text("1 of 3", timeout=20_000)
    page.wait_for_function(idle)
    page.select_option(f"#presence-{rows[member.pk]}", "remote")
    expect(page.locator("#quorum")).to_contain_text("2 of 3", timeout=20_000)
    expect(page.locator("#quorum")).to_have_class("quorum met")

    # decision
    page.locator("#decision-link").click()
    page.fill("#id_title", "Sprejet letni načrt")
    page.locator("form.meetings-form button.primary").click()
    expect(page.locator("#decisions")).to_contain_text("LSKZ-2027-01/1")
    assert Decision.objects.get().quorate is True

    # action item with one owner
    page.locator("#action-link").click()
    page.fill("#id_title", "Pripraviti zloženko")
    page.select_option("#id_owner", label="Bor Član")
    page.select_option("#id_owner_org", label="Bolnica")
    page.fill("#id_due_date", "2027-02-01")
    page.locator("form.meetings-form button.primary").click()
    expect(page.locator("#actions")).to_contain_text("Pripraviti zloženko")
    assert ActionItem.objects.get().owner == member

    # the next meeting shows the open action on its review item
    _schedule(page, base, "Seja LSKZ februar", "2027-02-10", host_label="Center")
    expect(page.locator("#review")).to_contain_text("Pripraviti zloženko")
    expect(page.locator("#review")).to_contain_text("Bor Član")


def test_public_meeting_pages_have_no_serious_accessibility_violations(page: Any, live_server: Any) -> None:
    w = world(3)
    m = meeting(w.network, at(dt.date(2027, 1, 13)), visibility=Meeting.Visibility.PUBLIC, title="Javna seja")
    for url in ("/en/meetings/lskz/", f"/en/meetings/lskz/{m.pk}/", "/en/meetings/lskz/"):
        page.goto(live_server.url + url)
        expect(page.locator("main")).to_contain_text("Javna seja")
        results = Axe().run(page)
        serious = [
            f"{v['id']}: {v['help']}"
            for v in results.response["violations"]
            if v["impact"] in {"serious", "critical"}
        ]
        assert serious == [], url


def test_coordinator_meeting_page_has_no_serious_accessibility_violations(
    page: Any, live_server: Any
) -> None:
    w = world(3)
    m = meeting(w.network, at(dt.date(2027, 1, 13)))
    _log_in(page, live_server, w.coordinator.username)
    page.goto(live_server.url + f"/en/meetings/lskz/{m.pk}/")
    page.locator("#invite-button").click()
    expect(page.locator("#meeting-status")).to_have_text("Invitations sent")
    results = Axe().run(page)
    serious = [
        f"{v['id']}: {v['help']}"
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]
    assert serious == []
