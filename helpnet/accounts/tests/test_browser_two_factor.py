"""In a real browser: a new member sets up the second step from the page alone (the secret as text, as a
person whose phone cannot scan would), receives backup codes, and reaches the staff pages."""

from base64 import b32decode
from typing import Any

import pytest
from django_otp.oath import TOTP

from helpnet.directory.tests.test_browser_public import serious_violations
from helpnet.organizations.models import Membership
from helpnet.organizations.tests.factories import MembershipFactory

pytestmark = pytest.mark.browser


def test_a_new_member_sets_up_two_factor_login_in_the_browser(
    page: Any, live_server: Any, org_a: Any
) -> None:
    member = MembershipFactory(organization=org_a, role=Membership.Role.EDITOR).user
    blocked: list[str] = []
    page.on(
        "console", lambda msg: blocked.append(msg.text) if "Content Security Policy" in msg.text else None
    )
    page.goto(f"{live_server.url}/en/accounts/login/", timeout=60_000)
    page.fill("#id_username", member.username)
    page.fill("#id_password", "a-long-test-password")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/en/accounts/two-factor/setup/**")
    assert page.locator("figure.qr svg").count() == 1

    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    key = b32decode(secret + "=" * (-len(secret) % 8))
    page.fill("#id_code", f"{TOTP(key).token():06d}")
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url("**/en/accounts/two-factor/backup-codes/**")
    assert page.locator("#backup-codes li").count() == 10

    page.get_by_role("link", name="I have saved them, continue").click()
    page.wait_for_url("**/en/staff/")

    page.get_by_role("link", name="Account").click()  # the header's link to one's own account
    page.wait_for_url("**/en/accounts/")
    assert "On: a code from your authenticator app." in page.locator("main").inner_text()
    assert "10 unused backup codes" in page.locator("main").inner_text()
    assert serious_violations(page) == []
    assert not blocked  # the QR code, the forms and the pages need nothing the CSP forbids
