"""Two-factor login with real TOTP codes: enrolment, the code step, backup codes, throttling, the gate."""

from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from helpnet.accounts import actions, twofactor
from helpnet.accounts.demo import give_demo_devices
from helpnet.organizations.models import Membership
from helpnet.organizations.tests.factories import MembershipFactory, UserFactory

PASSWORD = "a-long-test-password"
START = "2026-03-02 10:00:05+00:00"
STAFF_HOME = "/en/staff/"
TWO_FACTOR = "/en/accounts/two-factor/"
SETUP = "/en/accounts/two-factor/setup/"


def _code(device: TOTPDevice) -> str:
    if device.pk:
        device.refresh_from_db()
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token():06d}"


def _password_step(client: Client, user: Any, **extra: Any) -> Any:
    return client.post("/en/accounts/login/", {"username": user.username, "password": PASSWORD}, **extra)


@pytest.fixture
def member(org_a: Any) -> Any:
    return MembershipFactory(organization=org_a, role=Membership.Role.VIEWER).user


@pytest.fixture
def enrolled(member: Any) -> TOTPDevice:
    return TOTPDevice.objects.create(user=member, name="Phone", confirmed=True)


def test_a_member_without_a_device_is_sent_to_enrolment_and_reaches_only_public_pages(client, member):
    response = _password_step(client, member)
    assert response.status_code == 302
    response = client.get(response.url)  # the staff home, held at the gate
    assert response.status_code == 302
    assert response.url.startswith(TWO_FACTOR)
    assert client.get(response.url).url.startswith(SETUP)
    for url in [
        STAFF_HOME,
        "/en/referrals/",
        "/en/accounts/password/",
        "/en/accounts/two-factor/backup-codes/",
    ]:
        held = client.get(url)
        assert held.status_code == 302, url
        assert held.url.startswith(TWO_FACTOR), url
    assert client.get("/en/").status_code == 200  # the public help map
    assert client.get(SETUP).status_code == 200
    assert client.post("/en/accounts/logout/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_enrolment_shows_a_qr_code_and_the_secret_then_backup_codes_once(client, member):
    with time_machine.travel(START, tick=False):
        _password_step(client, member)
        page = client.get(SETUP)
        html = page.content.decode()
        assert '<svg xmlns="http://www.w3.org/2000/svg"' in html
        assert not TOTPDevice.objects.filter(user=member).exists()  # nothing saved before a code confirms it
        pending = TOTPDevice(user=member, key=client.session[twofactor.PENDING_KEY])
        assert twofactor.secret_text(pending) in html
        assert client.get(SETUP).context["secret"] == page.context["secret"]  # a reload keeps the same key

        right = _code(pending)
        wrong = client.post(SETUP, {"code": "000000" if right != "000000" else "111111"})
        assert "That code is not right" in wrong.content.decode()
        assert DEVICE_ID_SESSION_KEY not in client.session
        assert not TOTPDevice.objects.filter(user=member).exists()

        session_before = client.cookies["sessionid"].value
        done = client.post(SETUP, {"code": right, "next": "/en/referrals/"})
        assert done.status_code == 302
        assert done.url.startswith("/en/accounts/two-factor/backup-codes/")
        assert client.cookies["sessionid"].value != session_before  # a new session id after the 2nd factor
        device = TOTPDevice.objects.get(user=member)
        assert device.confirmed
        assert device.key == pending.key
        assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
        assert twofactor.PENDING_KEY not in client.session

        codes_page = client.get(done.url)
        codes = codes_page.context["codes"]
        assert len(codes) == twofactor.BACKUP_CODE_COUNT
        assert all(code in codes_page.content.decode() for code in codes)
        assert 'href="/en/referrals/"' in codes_page.content.decode()
        again = client.get(done.url)
        assert again.context["codes"] is None
        assert codes[0] not in again.content.decode()
        assert client.get(STAFF_HOME).status_code == 200

        # The code that confirmed the app cannot log in a second time.
        other = Client()
        _password_step(other, member)
        assert other.post(TWO_FACTOR, {"code": right}).status_code == 200


def test_an_enrolled_member_gives_the_code_and_gets_a_new_session_id(client, member, enrolled):
    with time_machine.travel(START, tick=False) as traveller:
        response = _password_step(client, member)
        gate = client.get(response.url)
        assert gate.url.startswith(TWO_FACTOR)
        assert client.get(gate.url).status_code == 200
        session_before = client.cookies["sessionid"].value

        wrong = client.post(TWO_FACTOR, {"code": "12345x"})
        assert "That code is not right" in wrong.content.decode()
        assert client.get(STAFF_HOME).status_code == 302
        traveller.shift(2)  # django-otp delays the next try by a second after a wrong code

        done = client.post(TWO_FACTOR, {"code": _code(enrolled), "next": STAFF_HOME})
        assert done.status_code == 302
        assert done.url == STAFF_HOME
        assert client.cookies["sessionid"].value != session_before
        assert client.get(STAFF_HOME).status_code == 200
        session = client.session
        for key in ["_auth_user_id", "_auth_user_backend", "_auth_user_hash", DEVICE_ID_SESSION_KEY]:
            assert key in session


def test_an_enrolled_member_cannot_enrol_again_to_skip_the_code(client, member, enrolled):
    _password_step(client, member)
    response = client.get(SETUP)
    assert response.status_code == 302
    assert response.url.startswith(TWO_FACTOR)
    assert client.post(SETUP, {"code": "123456"}).url.startswith(TWO_FACTOR)
    assert TOTPDevice.objects.filter(user=member).count() == 1


def test_a_code_is_accepted_once(client, member, enrolled):
    with time_machine.travel(START, tick=False):
        _password_step(client, member)
        code = _code(enrolled)
        assert client.post(TWO_FACTOR, {"code": code}).status_code == 302
        client.post("/en/accounts/logout/")
        other = Client()
        _password_step(other, member)
        replay = other.post(TWO_FACTOR, {"code": code})
    assert replay.status_code == 200
    assert "That code is not right" in replay.content.decode()


def test_a_backup_code_works_once(client, member, enrolled):
    codes = actions.replace_backup_codes(member)
    _password_step(client, member)
    assert client.post(TWO_FACTOR, {"code": codes[0].upper()}).status_code == 302
    assert client.get(STAFF_HOME).status_code == 200
    client.post("/en/accounts/logout/")
    _password_step(client, member)
    again = client.post(TWO_FACTOR, {"code": codes[0]})
    assert again.status_code == 200
    assert StaticDevice.objects.get(user=member).token_set.count() == twofactor.BACKUP_CODE_COUNT - 1


def test_new_backup_codes_replace_the_old_ones(client, member, enrolled):
    old = actions.replace_backup_codes(member)
    client.force_login(member)
    response = client.post("/en/accounts/two-factor/backup-codes/new/")
    new = client.get(response.url).context["codes"]
    assert set(new).isdisjoint(old)
    client.post("/en/accounts/logout/")
    _password_step(client, member)
    with time_machine.travel(START, tick=False) as traveller:
        assert client.post(TWO_FACTOR, {"code": old[0]}).status_code == 200
        traveller.shift(2)  # django-otp delays the next try by a second after a wrong code
        assert client.post(TWO_FACTOR, {"code": new[0]}).status_code == 302


def test_wrong_codes_are_throttled_then_the_window_ends(client, member, enrolled):
    with time_machine.travel(START, tick=False) as traveller:
        _password_step(client, member)
        for _ in range(5):
            traveller.shift(31)  # past django-otp's own growing delay, so only our limit is tested
            client.post(TWO_FACTOR, {"code": "99999x"})
        traveller.shift(31)
        refused = client.post(TWO_FACTOR, {"code": _code(enrolled)})
        assert refused.status_code == 200
        assert "Too many wrong codes" in refused.content.decode()
        assert DEVICE_ID_SESSION_KEY not in client.session
        traveller.shift(15 * 60)
        assert client.post(TWO_FACTOR, {"code": _code(enrolled)}).status_code == 302


def test_next_is_kept_through_both_steps_but_never_leaves_the_site(client, member, enrolled):
    with time_machine.travel(START, tick=False) as traveller:
        response = client.post(
            "/en/accounts/login/?next=/en/referrals/",
            {"username": member.username, "password": PASSWORD, "next": "/en/referrals/"},
        )
        gate = client.get(response.url)
        assert gate.url == f"{TWO_FACTOR}?next=%2Fen%2Freferrals%2F"
        assert (
            client.post(gate.url, {"code": _code(enrolled), "next": "/en/referrals/"}).url == "/en/referrals/"
        )
        client.post("/en/accounts/logout/")
        traveller.shift(30)
        _password_step(client, member)
        evil = client.post(TWO_FACTOR, {"code": _code(enrolled), "next": "https://evil.example/"})
    assert evil.url == STAFF_HOME


def test_a_user_outside_every_organisation_needs_no_second_factor(client, db):
    user = UserFactory()
    _password_step(client, user)
    assert client.session[twofactor.NEEDS_KEY] is False
    assert client.get("/en/accounts/password/").status_code == 200  # a login-only page, not held at the gate


def test_an_installation_can_turn_the_requirement_off(client, member, settings):
    settings.HELPNET_REQUIRE_2FA = False
    response = _password_step(client, member)
    assert client.get(response.url).status_code == 200


def test_a_session_from_before_two_factor_login_is_decided_on_its_next_request(client, member):
    _password_step(client, member)
    session = client.session
    del session[twofactor.NEEDS_KEY]
    session.save()
    response = client.get(STAFF_HOME)
    assert response.url.startswith(TWO_FACTOR)
    assert client.session[twofactor.NEEDS_KEY] is True


def test_the_gate_costs_no_query_for_a_verified_session(member, settings):
    """Exact query counts on staff pages stay as they were: the gate reads only the session."""
    client = Client()
    client.force_login(member)

    def queries() -> list[str]:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(STAFF_HOME).status_code == 200
        return [q["sql"] for q in captured.captured_queries]

    with_gate = queries()
    settings.MIDDLEWARE = [
        m for m in settings.MIDDLEWARE if m != "helpnet.accounts.middleware.TwoFactorMiddleware"
    ]
    without_gate = queries()
    assert len(with_gate) == len(without_gate)


def test_force_login_in_tests_makes_a_verified_session(client, member):
    client.force_login(member)
    assert DEVICE_ID_SESSION_KEY in client.session
    assert client.get(STAFF_HOME).status_code == 200


# --- the admin ---


def test_the_admin_needs_the_second_factor_too(client, db):
    boss = UserFactory(is_staff=True, is_superuser=True)
    TOTPDevice.objects.create(user=boss, name="Phone", confirmed=True)
    _password_step(client, boss)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/accounts/two-factor/?next=%2Fadmin%2F" in response.url
    assert "/accounts/two-factor/" in client.get("/admin/accounts/user/").url


def test_the_admin_login_page_sends_to_the_site_login(client, db):
    response = client.get("/admin/login/?next=/admin/accounts/user/")
    assert response.status_code == 302
    assert response.url.startswith("/en/accounts/login/") or "/accounts/login/" in response.url
    assert "next=/admin/accounts/user/" in response.url.replace("%2F", "/")


def test_a_superuser_resets_a_second_factor_in_the_admin(client, member, enrolled):
    actions.replace_backup_codes(member)
    boss = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(boss)
    response = client.post(
        "/admin/accounts/user/", {"action": "reset_two_factor", "_selected_action": [member.pk]}
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=member).exists()
    assert not StaticDevice.objects.filter(user=member).exists()
    # At the next login the person enrols again.
    other = Client()
    _password_step(other, member)
    assert other.get(TWO_FACTOR).url.startswith(SETUP)


def test_the_admin_never_shows_a_device_secret(client, member, enrolled):
    boss = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(boss)
    page = client.get(f"/admin/otp_totp/totpdevice/{enrolled.pk}/change/")
    assert page.status_code == 200
    assert enrolled.key not in page.content.decode()


def test_an_organisation_admin_cannot_reach_the_devices(client, org_a, member, enrolled):
    org_admin = MembershipFactory(organization=org_a, role=Membership.Role.ADMIN).user
    client.force_login(org_admin)
    response = client.get(f"/admin/otp_totp/totpdevice/{enrolled.pk}/change/")
    assert response.status_code == 302  # not staff: the admin sends them to log in
    assert enrolled.key not in response.content.decode()


# --- the demo ---


def test_demo_accounts_get_a_device_once(db):
    demo = UserFactory(email="bralec@helpnet-demo.example")
    person = UserFactory(email="someone@example.org")
    assert "1 demo accounts" in give_demo_devices()
    assert "0 demo accounts" in give_demo_devices()
    assert TOTPDevice.objects.get(user=demo).name == twofactor.DEMO_DEVICE_NAME
    assert not TOTPDevice.objects.filter(user=person).exists()


def test_the_demo_code_is_shown_with_debug_on_only(client, member, settings):
    actions.give_demo_device(member)
    device = TOTPDevice.objects.get(user=member)
    with time_machine.travel(START, tick=False):
        _password_step(client, member)
        settings.DEBUG = True
        shown = client.get(TWO_FACTOR).content.decode()
        assert f"the current code for this demo account is {_code(device)}" in shown
        settings.DEBUG = False
        hidden = client.get(TWO_FACTOR).content.decode()
        assert "Demo installation" not in hidden
        assert _code(device) not in hidden


def test_the_demo_code_is_never_shown_for_a_device_a_person_enrolled(client, member, enrolled, settings):
    settings.DEBUG = True
    _password_step(client, member)
    page = client.get(TWO_FACTOR).content.decode()
    assert "Demo installation" not in page


def test_a_backup_code_of_eight_digits_is_still_a_backup_code(client, member, enrolled):
    """Backup codes are eight characters of base32: rarely, all of them are digits."""
    device = StaticDevice.objects.create(user=member, name="Backup codes", confirmed=True)
    device.token_set.create(token="23456723")
    _password_step(client, member)
    assert client.post(TWO_FACTOR, {"code": "2345 6723"}).status_code == 302
