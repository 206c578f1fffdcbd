"""Login throttling and lock-out: per username (hashed) and per client address, with no username enumeration."""

from typing import Any

import pytest
import time_machine
from django.core.cache import cache

from helpnet.organizations.tests.factories import UserFactory

LOGIN = "/en/accounts/login/"
PASSWORD = "a-long-test-password"
START = "2026-03-02 10:00:05+00:00"  # 5 s into a 15-minute window
LOCKED = "Too many failed attempts for this username"
FROM_NETWORK = "Too many failed attempts from your network"
INVALID = "Please enter a correct username and password"


def _post(client: Any, username: str, password: str, address: str = "198.51.100.10") -> Any:
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def _errors(response: Any) -> list[str]:
    return [str(e) for e in response.context["form"].non_field_errors()]


@pytest.fixture
def user(db: Any) -> Any:
    return UserFactory(username="ana.novak")


def test_the_right_password_logs_in(client, user):
    response = _post(client, "ana.novak", PASSWORD)
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_five_failures_lock_the_account_even_for_the_right_password(client, user):
    with time_machine.travel(START, tick=False):
        for _ in range(5):
            response = _post(client, "ana.novak", "wrong-password-123")
            assert _errors(response) and INVALID in _errors(response)[0]
        response = _post(client, "ana.novak", PASSWORD)
    assert response.status_code == 200
    assert LOCKED in _errors(response)[0]
    assert "_auth_user_id" not in client.session


def test_the_lock_ends_with_its_window(client, user):
    with time_machine.travel(START, tick=False) as traveller:
        for _ in range(5):
            _post(client, "ana.novak", "wrong-password-123")
        traveller.shift(15 * 60)
        response = _post(client, "ana.novak", PASSWORD)
    assert response.status_code == 302


def test_a_successful_login_resets_the_account_counter(client, user):
    with time_machine.travel(START, tick=False):
        for _ in range(4):
            _post(client, "ana.novak", "wrong-password-123")
        assert _post(client, "ana.novak", PASSWORD).status_code == 302
        client.post("/en/accounts/logout/")
        for _ in range(4):
            _post(client, "ana.novak", "wrong-password-123")
        response = _post(client, "ana.novak", PASSWORD)
    assert response.status_code == 302


def test_an_unknown_username_is_answered_exactly_like_a_real_one(client, user):
    """No enumeration: the same messages, in the same order, for a real and a made-up username."""
    with time_machine.travel(START, tick=False):
        real = [_errors(_post(client, "ana.novak", "wrong-password-123")) for _ in range(6)]
        made_up = [_errors(_post(client, "nobody.here", "wrong-password-123")) for _ in range(6)]
    assert real == made_up
    assert INVALID in real[0][0]
    assert LOCKED in real[5][0]


def test_the_username_counts_whatever_its_case(client, user):
    with time_machine.travel(START, tick=False):
        for name in ["ana.novak", "Ana.Novak", "ANA.NOVAK", " ana.novak", "ana.NOVAK"]:
            _post(client, name, "wrong-password-123")
        response = _post(client, "ana.novak", PASSWORD)
    assert LOCKED in _errors(response)[0]


def test_one_address_is_stopped_after_thirty_failures_whatever_the_usernames(client, user):
    with time_machine.travel(START, tick=False):
        for i in range(30):
            response = _post(client, f"guess{i}", "wrong-password-123", address="203.0.113.9")
            assert INVALID in _errors(response)[0]
        response = _post(client, "ana.novak", PASSWORD, address="203.0.113.9")
        assert FROM_NETWORK in _errors(response)[0]
        # Another address is not affected.
        assert _post(client, "ana.novak", PASSWORD, address="198.51.100.77").status_code == 302


def test_successful_logins_from_one_address_are_not_limited(client, db):
    """An office behind one address: forty people log in at eight."""
    users = [UserFactory() for _ in range(40)]
    with time_machine.travel(START, tick=False):
        for user in users:
            assert _post(client, user.username, PASSWORD, address="203.0.113.50").status_code == 302
            client.post("/en/accounts/logout/")


def test_behind_a_trusted_proxy_the_forwarded_address_counts(client, user, settings):
    settings.HELPNET_TRUSTED_PROXIES = ["10.0.0.1"]
    with time_machine.travel(START, tick=False):
        for i in range(30):
            client.post(
                LOGIN,
                {"username": f"guess{i}", "password": "x" * 12},
                REMOTE_ADDR="10.0.0.1",
                HTTP_X_FORWARDED_FOR="203.0.113.9",
            )
        stopped = client.post(
            LOGIN,
            {"username": "ana.novak", "password": PASSWORD},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR="203.0.113.9",
        )
        other = client.post(
            LOGIN,
            {"username": "ana.novak", "password": PASSWORD},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR="198.51.100.3",
        )
    assert FROM_NETWORK in _errors(stopped)[0]
    assert other.status_code == 302


def test_no_username_or_address_in_the_cache_keys(client, user):
    _post(client, "ana.novak", "wrong-password-123", address="203.0.113.9")
    keys = list(cache._cache.keys())  # type: ignore[attr-defined]  # local memory cache in tests
    assert keys
    assert not [k for k in keys if "ana" in k or "203.0.113" in k]
