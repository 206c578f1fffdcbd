"""Rate limits on everything citizens can post without logging in, all on helpnet.lib.ratelimit.

Over a limit: HTTP 429 with Retry-After, a clear message in the user's language, and a form keeps what was
typed. Counted per client address (X-Forwarded-For only from our own proxies), stored only as a keyed hash.
"""

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import translation

from helpnet.directory.models import ProblemReport
from helpnet.directory.tests.factories import ServiceFactory
from helpnet.directory.views import public
from helpnet.referrals.models import Referral, ReferralSettings
from helpnet.referrals.tests.test_selfreferral import form_data
from helpnet.search.models import SearchStat

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_and_fresh_counters() -> Iterator[None]:
    cache.clear()
    with translation.override("en"):
        yield
    cache.clear()


@pytest.fixture
def service(org_a: Any) -> Any:
    service = ServiceFactory(organization=org_a, name="Svetovalnica")
    ReferralSettings.objects.create(service=service, accepts_self_referrals=True, response_working_days=2)
    return service


def _retry_after(response: Any, window: int) -> None:
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= window


def _stored_cache_text() -> str:
    return " ".join(str(key) for key in cache._cache)  # type: ignore[attr-defined]


def test_self_referral_over_the_limit_keeps_what_was_typed(
    client: Client, service: Any, settings: Any
) -> None:
    settings.HELPNET_SELF_REFERRAL_RATE_LIMIT = 1
    url = f"/en/referrals/ask/{service.pk}/"
    assert client.post(url, form_data(), REMOTE_ADDR="203.0.113.9").status_code == 302
    response = client.post(url, form_data(reason="Typed text stays here"), REMOTE_ADDR="203.0.113.9")
    _retry_after(response, 60 * 60)
    page = response.content.decode()
    assert "several requests in a short time" in page
    assert "Typed text stays here" in page
    assert Referral.objects.count() == 1
    assert "203.0.113.9" not in _stored_cache_text()


def test_self_referral_limit_is_per_client_behind_our_proxy(
    client: Client, service: Any, settings: Any
) -> None:
    settings.HELPNET_SELF_REFERRAL_RATE_LIMIT = 1
    settings.HELPNET_TRUSTED_PROXIES = ["10.0.0.1"]
    url = f"/en/referrals/ask/{service.pk}/"
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    assert client.post(url, form_data(), HTTP_X_FORWARDED_FOR="198.51.100.1", **proxy).status_code == 302
    assert client.post(url, form_data(), HTTP_X_FORWARDED_FOR="198.51.100.2", **proxy).status_code == 302
    response = client.post(url, form_data(), HTTP_X_FORWARDED_FOR="198.51.100.1", **proxy)
    assert response.status_code == 429


def test_problem_report_over_the_limit_keeps_what_was_typed(client: Client, service: Any) -> None:
    url = reverse("directory:report_create", args=[service.pk])
    report = {"kind": "hours", "text": "Closed on Mondays now.", "email": "", "website": ""}
    for _ in range(5):
        assert client.post(url, report, REMOTE_ADDR="192.0.2.5").status_code == 302
    response = client.post(url, {**report, "text": "Sixth report text"}, REMOTE_ADDR="192.0.2.5")
    _retry_after(response, 60 * 60)
    page = response.content.decode()
    assert "several reports in a short time" in page
    assert "Sixth report text" in page
    assert ProblemReport.objects.count() == 5
    assert client.post(url, report, REMOTE_ADDR="192.0.2.6").status_code == 302


def test_shortlist_changes_are_limited(client: Client, service: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(public, "SHORTLIST_CHANGES_PER_MINUTE", 2)
    add = reverse("directory:shortlist_add")
    for _ in range(2):
        assert client.post(add, {"service": str(service.pk)}).status_code == 302
    response = client.post(reverse("directory:shortlist_remove"), {"service": str(service.pk)})
    _retry_after(response, 60)
    assert "changed your shortlist very often" in response.content.decode()
    assert client.post(add, {"service": str(service.pk)}, REMOTE_ADDR="192.0.2.99").status_code == 302


def test_search_statistics_stop_counting_a_flood(client: Client, monkeypatch: Any) -> None:
    monkeypatch.setattr(public, "SEARCH_STATS_PER_MINUTE", 3)
    for _ in range(6):
        assert client.get("/en/search/", {"q": "nasilje"}).status_code == 200  # the page is always served
    assert sum(SearchStat.objects.values_list("searches", flat=True)) == 3
    client.get("/en/search/", {"q": "nasilje"}, REMOTE_ADDR="192.0.2.50")
    assert sum(SearchStat.objects.values_list("searches", flat=True)) == 4


def test_the_hsds_api_limit_uses_the_shared_counter(client: Client, settings: Any) -> None:
    settings.HELPNET_API_RATE_LIMIT = 1
    assert client.get("/api/hsds/", REMOTE_ADDR="192.0.2.70").status_code == 200
    response = client.get("/api/hsds/", REMOTE_ADDR="192.0.2.70")
    _retry_after(response, 60)
    assert response.json()["error"] == "too_many_requests"
    assert client.get("/api/hsds/", REMOTE_ADDR="192.0.2.71").status_code == 200
    assert "192.0.2.70" not in _stored_cache_text()
    assert "helpnet-rl:hsds-api:" in _stored_cache_text()
