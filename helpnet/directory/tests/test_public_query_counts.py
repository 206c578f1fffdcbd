"""Public list pages run a fixed number of queries, however many services they show.

The search's own queries belong to ``search_services`` (its tests pin them); here the pages are held to
"10 services cost exactly what 3 cost", so a per-card query anywhere (badges, towns, hours) fails.
"""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from helpnet.directory import indexing, vocabulary
from helpnet.directory.models import Attribute, CostOption, Phone, Service
from helpnet.directory.tests.factories import (
    AddressFactory,
    LocationFactory,
    ScheduleFactory,
    ServiceAreaFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
)
from helpnet.organizations.models import Municipality

pytestmark = pytest.mark.django_db


def full_service() -> Service:
    """A service with everything a card or the handout reads: place, area, costs, hours, phone, need."""
    service = ServiceFactory()
    sevnica = Municipality.objects.get(slug="sevnica")
    location = LocationFactory(municipality=sevnica)
    AddressFactory(location=location)
    ServiceAtLocationFactory(service=service, location=location)
    ServiceAreaFactory(service=service, municipality=sevnica)
    CostOption.objects.create(service=service, amount=Decimal("0"), currency="EUR")
    ScheduleFactory(service=service)
    Phone.objects.create(service=service, number="07 81 61 000")
    Attribute.objects.create(
        link_entity="service",
        link_id=service.pk,
        taxonomy_term_id=vocabulary.term_id(vocabulary.NEED_AREAS_TAXONOMY, "youth"),
    )
    indexing.index_service(service)
    return service


def queries_for(client, url: str) -> int:
    client.get(url)  # the search may fill per-process caches on its first call; count a warm page
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_home_page_query_count(client, django_assert_num_queries):
    full_service()
    # municipalities (towns and the picker), need-area terms
    with django_assert_num_queries(2):
        response = client.get("/sl/")
    assert response.status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/sl/search/",
        "/sl/search/?need=youth&municipality=sevnica&free=1",
        "/sl/search/?near=sevnica&sort=distance&radius_km=25",
    ],
)
def test_search_results_query_count_does_not_grow_with_the_results(client, django_assert_num_queries, url):
    for _ in range(3):
        full_service()
    with_three = queries_for(client, url)
    for _ in range(7):
        full_service()
    client.get(url)  # warm again: indexing the new services invalidated the search's browse counts
    # vocabulary terms, municipalities, the search (count, page, facets), the page's services with
    # organisation and locations (+ addresses, service areas), then per page, not per card: cost options,
    # schedules with their locations, closures, location closures and schedules
    with django_assert_num_queries(with_three):
        response = client.get(url)
    assert response.content.decode().count('<h3 class="card-title"') == 10


def test_municipality_page_query_count_does_not_grow_with_the_services(client, django_assert_num_queries):
    for _ in range(3):
        full_service()
    with_three = queries_for(client, "/sl/municipalities/sevnica/")
    for _ in range(7):
        full_service()
    client.get("/sl/municipalities/sevnica/")  # warm again (see above)
    # the municipality, the search and its services as on the results page, need-area terms
    with django_assert_num_queries(with_three):
        response = client.get("/sl/municipalities/sevnica/")
    assert response.content.decode().count('<h3 class="card-title"') == 10


@pytest.mark.parametrize("path", ["/sl/shortlist/", "/sl/shortlist/print/"])
def test_shared_shortlist_query_count_does_not_grow_with_the_services(
    client, django_assert_num_queries, path
):
    three = [full_service() for _ in range(3)]
    with_three = queries_for(client, path + "?s=" + ",".join(str(s.pk) for s in three))
    ten = three + [full_service() for _ in range(7)]
    # the services with organisation, locations (+ addresses), areas, phones, schedules, cost options,
    # then the opening-hours prefetches (schedule locations, closures, location closures and schedules)
    with django_assert_num_queries(with_three):
        response = client.get(path + "?s=" + ",".join(str(s.pk) for s in ten))
    assert response.status_code == 200


def test_own_shortlist_query_count_does_not_grow_with_the_services(client, django_assert_num_queries):
    for service in [full_service() for _ in range(3)]:
        client.post("/sl/shortlist/add/", {"service": str(service.pk)})
    with_three = queries_for(client, "/sl/shortlist/")
    for service in [full_service() for _ in range(7)]:
        client.post("/sl/shortlist/add/", {"service": str(service.pk)})
    # the session, then the services as for a shared list
    with django_assert_num_queries(with_three):
        response = client.get("/sl/shortlist/")
    assert response.content.decode().count('<h3 class="card-title"') == 10
