"""The account page: one's own second step and backup codes, and where to change them."""

from typing import Any

from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from helpnet.accounts import actions

ACCOUNT = "/en/accounts/"


def test_the_account_page_shows_the_second_step_and_the_backup_codes_left(viewer: Any) -> None:
    TOTPDevice.objects.create(user=viewer, name="Phone", confirmed=True)
    actions.replace_backup_codes(viewer)
    client = Client()
    client.force_login(viewer)
    page = client.get(ACCOUNT).content.decode()
    assert viewer.username in page
    assert "On: a code from your authenticator app." in page
    assert "10 unused backup codes" in page
    assert "/en/accounts/password/" in page


def test_without_an_app_the_page_offers_to_set_it_up(viewer: Any) -> None:
    client = Client()
    client.force_login(viewer)
    page = client.get(ACCOUNT).content.decode()
    assert "Not set up yet." in page
    assert "/en/accounts/two-factor/setup/" in page
    assert "0 unused backup codes" in page


def test_the_header_links_to_the_account_for_signed_in_people_only(client: Client, viewer: Any) -> None:
    assert f'href="{ACCOUNT}"' not in client.get("/en/").content.decode()
    client.force_login(viewer)
    assert f'href="{ACCOUNT}"' in client.get("/en/").content.decode()


def test_anonymous_visitors_are_sent_to_log_in(client: Client) -> None:
    response = client.get(ACCOUNT)
    assert response.status_code == 302
    assert "/en/accounts/login/" in response.url
