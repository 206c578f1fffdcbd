"""The cache counter behind login lock-outs and public-form limits, on local memory and the database cache."""

from typing import Any

import pytest
import time_machine
from django.core.cache import caches
from django.test import RequestFactory

from helpnet.lib import ratelimit

WINDOW = 15 * 60
START = "2026-03-02 10:00:05+00:00"  # 5 s into a 15-minute window


@pytest.fixture(params=["locmem", "db"])
def any_cache(request: Any, settings: Any, db: Any) -> Any:
    if request.param == "db":
        settings.CACHES = {
            "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "helpnet_cache"}
        }
    else:
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache = caches["default"]
    cache.clear()
    yield cache
    cache.clear()


def _hits(n: int, key: str = "alice") -> list[bool]:
    return [ratelimit.hit("test", key, limit=3, window_seconds=WINDOW) for _ in range(n)]


def test_over_the_limit_after_limit_hits(any_cache):
    with time_machine.travel(START, tick=False):
        assert _hits(5) == [False, False, False, True, True]
        assert ratelimit.peek("test", "alice", limit=3, window_seconds=WINDOW)
        assert ratelimit.count("test", "alice") == 5


def test_peek_counts_nothing(any_cache):
    with time_machine.travel(START, tick=False):
        _hits(2)
        for _ in range(5):
            assert not ratelimit.peek("test", "alice", limit=3, window_seconds=WINDOW)
        assert ratelimit.count("test", "alice") == 2


def test_keys_and_scopes_count_apart(any_cache):
    with time_machine.travel(START, tick=False):
        _hits(4, "alice")
        assert not ratelimit.peek("test", "bob", limit=3, window_seconds=WINDOW)
        assert not ratelimit.peek("other", "alice", limit=3, window_seconds=WINDOW)


def test_reset_forgets(any_cache):
    with time_machine.travel(START, tick=False):
        _hits(4)
        ratelimit.reset("test", "alice")
        assert ratelimit.count("test", "alice") == 0
        assert _hits(1) == [False]


def test_the_next_window_starts_at_nought(any_cache):
    with time_machine.travel(START, tick=False) as traveller:
        _hits(4)
        traveller.shift(WINDOW - 10)  # still the same window: 14 min 55 s after its start
        assert ratelimit.peek("test", "alice", limit=3, window_seconds=WINDOW)
        traveller.shift(10)
        assert not ratelimit.peek("test", "alice", limit=3, window_seconds=WINDOW)
        assert _hits(1) == [False]


def test_limit_zero_means_no_limit(any_cache):
    with time_machine.travel(START, tick=False):
        assert not any(ratelimit.hit("test", "x", limit=0, window_seconds=WINDOW) for _ in range(50))
        assert not ratelimit.peek("test", "x", limit=0, window_seconds=WINDOW)


def test_no_address_or_name_in_the_cache(settings, db):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "helpnet_cache"}
    }
    from django.db import connection

    caches["default"].clear()
    ratelimit.hit("login-address", "203.0.113.7", limit=3, window_seconds=WINDOW)
    ratelimit.hit("login-account", "alice.novak", limit=3, window_seconds=WINDOW)
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key, value FROM helpnet_cache")
        rows = cursor.fetchall()
    assert len(rows) == 2
    dump = repr(rows)
    assert "203.0.113" not in dump
    assert "alice" not in dump
    caches["default"].clear()


def _request(remote: str, forwarded: str | None = None) -> Any:
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_client_address_ignores_forwarded_for_without_trusted_proxies(settings):
    settings.HELPNET_TRUSTED_PROXIES = []
    assert ratelimit.client_address(_request("198.51.100.1", "203.0.113.7")) == "198.51.100.1"


def test_client_address_ignores_forwarded_for_from_an_untrusted_peer(settings):
    settings.HELPNET_TRUSTED_PROXIES = ["10.0.0.1"]
    assert ratelimit.client_address(_request("198.51.100.1", "203.0.113.7")) == "198.51.100.1"


def test_client_address_takes_the_right_most_untrusted_entry(settings):
    settings.HELPNET_TRUSTED_PROXIES = ["10.0.0.0/8"]
    # The client forged "1.2.3.4"; our proxies 10.0.0.5 and 10.0.0.1 appended what they saw.
    request = _request("10.0.0.1", "1.2.3.4, 203.0.113.7, 10.0.0.5")
    assert ratelimit.client_address(request) == "203.0.113.7"


def test_client_address_from_a_trusted_proxy_without_header(settings):
    settings.HELPNET_TRUSTED_PROXIES = ["127.0.0.1"]
    assert ratelimit.client_address(_request("127.0.0.1")) == "127.0.0.1"
