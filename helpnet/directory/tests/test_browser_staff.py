"""An editor changes opening hours in a real browser and the public page says them in words."""

from typing import Any

import pytest

from helpnet.accounts.tests.browser import log_in_through_pages
from helpnet.directory.tests.factories import ServiceFactory
from helpnet.organizations.models import Membership
from helpnet.organizations.tests.factories import MembershipFactory

pytestmark = pytest.mark.browser


def _log_in(page: Any, live_server: Any, username: str) -> None:
    log_in_through_pages(page, live_server, username, lang="sl")
    page.wait_for_url("**/sl/staff/")


def test_editor_changes_opening_hours_and_public_page_shows_them(
    page: Any, live_server: Any, org_a: Any
) -> None:
    editor = MembershipFactory(organization=org_a, role=Membership.Role.EDITOR).user
    service = ServiceFactory(organization=org_a, name="Svetovalnica za starše")
    _log_in(page, live_server, editor.username)

    page.locator(f"a[href='/sl/staff/services/{service.pk}/hours/']").click()
    page.check("#id_hours-0-days_0")  # Monday
    page.check("#id_hours-0-days_2")  # Wednesday
    page.fill("#id_hours-0-opens_at", "09:00")
    page.fill("#id_hours-0-closes_at", "12:00")
    page.locator("form.staff-form button.primary").click()
    page.wait_for_url("**/sl/staff/")

    page.goto(live_server.url + f"/sl/services/{service.pk}/")
    hours = page.locator("#hours-heading + ul").inner_text()
    assert "9.00–12.00" in hours


def test_add_row_button_adds_a_row_for_split_hours(page: Any, live_server: Any, org_a: Any) -> None:
    editor = MembershipFactory(organization=org_a, role=Membership.Role.EDITOR).user
    service = ServiceFactory(organization=org_a)
    _log_in(page, live_server, editor.username)
    page.goto(live_server.url + f"/sl/staff/services/{service.pk}/hours/")
    rows = page.locator("[data-formset-rows=hours] > fieldset")
    before = rows.count()
    page.locator("[data-formset-add=hours]").click()
    assert rows.count() == before + 1
    assert page.locator("#id_hours-TOTAL_FORMS").input_value() == str(before + 1)


def test_clicking_the_map_fills_latitude_and_longitude(page: Any, live_server: Any, org_a: Any) -> None:
    editor = MembershipFactory(organization=org_a, role=Membership.Role.EDITOR).user
    _log_in(page, live_server, editor.username)
    page.goto(live_server.url + f"/sl/staff/locations/new/?org={org_a.pk}")
    page.locator("#location-map").click()
    assert page.locator("#id_latitude").input_value()
    assert page.locator("#id_longitude").input_value()
