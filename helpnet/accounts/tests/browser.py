"""Log in through the real pages in a browser: password, then the code from the authenticator app."""

from typing import Any

from django_otp.plugins.otp_totp.models import TOTPDevice

from helpnet.accounts import twofactor
from helpnet.accounts.models import User

TEST_PASSWORD = "a-long-test-password"


def app_device(user: Any) -> TOTPDevice:
    """The user's confirmed authenticator device, made if missing (as if they had enrolled)."""
    device = twofactor.confirmed_app_device(user)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)
    return device


def log_in_through_pages(
    page: Any, live_server: Any, username: str, *, lang: str = "en", password: str = TEST_PASSWORD
) -> None:
    """Fill in the login form and the second step; the page is then wherever the login leads."""
    user = User.objects.get(username=username)
    device = app_device(user)
    # A code is accepted once: a second login within the same 30 seconds would otherwise be refused.
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    # Often the live server's first request: it imports every app's views (PDF fonts and all), which on a busy
    # machine takes longer than the default ten seconds.
    page.goto(f"{live_server.url}/{lang}/accounts/login/", timeout=60_000)
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    if "/accounts/two-factor/" in page.url:  # everyone who can read referrals
        page.fill("#id_code", twofactor.current_code(device))
        page.locator("main form button[type=submit]").first.click()
        page.wait_for_url(lambda url: "/accounts/two-factor/" not in url)
