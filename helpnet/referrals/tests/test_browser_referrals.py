"""The closed loop in a real browser: send from a service page → the receiver accepts and completes →
the sender sees the outcome."""

from typing import Any

import pytest

from helpnet.accounts.tests.browser import log_in_through_pages
from helpnet.directory.tests.factories import ServiceFactory
from helpnet.organizations.models import Membership
from helpnet.organizations.tests.factories import MembershipFactory, OrganizationFactory
from helpnet.referrals.models import Referral

pytestmark = pytest.mark.browser


def serious_violations(page: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes)"
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


def _log_in(page: Any, live_server: Any, username: str) -> None:
    page.context.clear_cookies()
    log_in_through_pages(page, live_server, username, lang="en")
    page.wait_for_url("**/staff/")


def test_send_accept_complete_and_the_sender_sees_the_outcome(page: Any, live_server: Any) -> None:
    sender = MembershipFactory(
        organization=OrganizationFactory(name="ZD Sevnica"), role=Membership.Role.EDITOR
    ).user
    receiver_org = OrganizationFactory(name="Društvo Up")
    receiver = MembershipFactory(organization=receiver_org, role=Membership.Role.EDITOR).user
    service = ServiceFactory(organization=receiver_org, name="Debt advice")

    # The sender refers someone from the public service page.
    _log_in(page, live_server, sender.username)
    page.goto(live_server.url + f"/en/services/{service.pk}/")
    assert serious_violations(page) == []
    page.locator("a[href*='/referrals/new/']").click()
    assert serious_violations(page) == []
    page.locator("a[href*='/referrals/new/" + str(service.pk) + "/']").click()
    assert serious_violations(page) == []
    page.fill("#id_person_name", "Ana Testna")
    page.fill("#id_person_phone", "+386 40 111 222")
    page.fill("#id_reason", "Needs advice about unpaid bills.")
    page.select_option("#id_legal_basis", "public_task")
    page.check("#id_consent_given")
    page.select_option("#id_consent_method", "verbal")
    page.fill("#id_consent_scope", "Share name and phone with Društvo Up.")
    page.locator("button[name=send]").click()
    page.wait_for_url("**/referrals/*/")
    referral = Referral.objects.get()
    assert referral.status == "requested"

    # The receiver finds it in the inbox, accepts and completes it.
    _log_in(page, live_server, receiver.username)
    page.goto(live_server.url + "/en/referrals/")
    assert serious_violations(page) == []
    page.keyboard.press("j")  # the first referral gets the focus, Enter opens it
    assert page.evaluate("document.activeElement.textContent") == referral.reference
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/referrals/{referral.pk}/")
    assert serious_violations(page) == []
    assert "Ana Testna" in page.locator("main").inner_text()
    page.locator("form.step-accept button[type=submit]").click()
    page.wait_for_url(f"**/referrals/{referral.pk}/")
    page.select_option("#id_complete-outcome", "need_met")
    page.fill("#id_complete-note", "Two sessions, plan agreed.")
    page.locator("form.step-complete button[type=submit]").click()
    page.wait_for_url(f"**/referrals/{referral.pk}/")
    referral.refresh_from_db()
    assert referral.status == "completed"

    # The sender sees the outcome.
    _log_in(page, live_server, sender.username)
    page.goto(live_server.url + "/en/referrals/?tab=sent")
    page.locator(f"a:has-text('{referral.reference}')").click()
    main = page.locator("main").inner_text()
    assert "Completed" in main
    assert "Service delivered, need met" in main
    assert "Two sessions, plan agreed." in main
