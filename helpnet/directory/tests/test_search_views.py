"""The search page records anonymous statistics; the suggestion endpoint answers as the user types."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from helpnet.directory import indexing
from helpnet.directory.tests.factories import ServiceFactory
from helpnet.search.models import SearchStat

pytestmark = pytest.mark.django_db


def url(name: str) -> str:
    with translation.override("sl"):
        return reverse(name)


def test_search_page_records_an_anonymous_daily_statistic(client: Client) -> None:
    indexing.index_service(ServiceFactory(name="Pomoč ob nasilju"))
    client.get(url("directory:search"), {"q": "Nasilje"})
    row = SearchStat.objects.get()
    assert (row.query, row.language, row.searches, row.results_total) == ("nasilje", "sl", 1, 1)


def test_search_page_records_filters_and_municipality(client: Client) -> None:
    client.get(url("directory:search"), {"q": "dolgovi", "municipality": "sevnica", "free": "on"})
    row = SearchStat.objects.get()
    assert (row.municipality, row.filters, row.zero_results) == ("sevnica", "free", 1)


def test_later_pages_of_one_search_are_not_counted_again(client: Client) -> None:
    client.get(url("directory:search"), {"q": "dolgovi", "page": "2"})
    assert not SearchStat.objects.exists()


def test_suggest_endpoint_returns_words_for_a_prefix(client: Client) -> None:
    indexing.index_service(ServiceFactory(name="Svetovanje o alkoholu"))
    response = client.get(url("directory:search_suggest"), {"q": "alko"})
    assert response.status_code == 200
    assert "alkoholu" in response.json()["suggestions"]


@pytest.mark.parametrize("prefix", ["", '"', "*", "🙂", "x" * 10_000])
def test_suggest_endpoint_never_fails_on_odd_input(client: Client, prefix: str) -> None:
    response = client.get(url("directory:search_suggest"), {"q": prefix})
    assert response.status_code == 200
