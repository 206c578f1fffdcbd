import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from helpnet.directory.hsds.conformance import schema_errors
from helpnet.directory.models import Occurrence, Schedule, Service
from helpnet.directory.tests.factories import (
    AddressFactory,
    AttributeFactory,
    LocationFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
    TaxonomyTermFactory,
    hsds_rich_service,
)
from helpnet.organizations.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_throttle() -> None:
    """Each test starts with no requests counted against the per-minute limit."""
    from django.core.cache import cache

    cache.clear()


API = "/api/hsds"


def get(client: Client, path: str, **params: Any) -> Any:
    response = client.get(API + path, params)
    assert response.status_code == 200, response.content
    return response.json()


def ids(page: dict[str, Any]) -> set[str]:
    return {item["id"] for item in page["contents"]}


# --- GET / and the page object ----------------------------------------------------------------------


def test_root_names_version_profile_openapi_and_publisher(client: Client) -> None:
    body = get(client, "/")
    assert body["version"] == "3.1"
    assert body["profile"].endswith("/api/hsds/profile/")
    assert body["openapi_url"].endswith("/api/hsds/openapi.json")
    assert body["publisher"]["name"]


def test_service_list_is_a_page_object(client: Client) -> None:
    ServiceFactory.create_batch(3)
    page = get(client, "/services", per_page=2, page=2)
    assert {k: page[k] for k in page if k != "contents"} == {
        "total_items": 3,
        "total_pages": 2,
        "page_number": 2,
        "size": 1,
        "first_page": False,
        "last_page": True,
        "empty": False,
    }


def test_empty_list_is_one_empty_page(client: Client) -> None:
    page = get(client, "/services")
    assert (page["total_items"], page["total_pages"], page["empty"], page["last_page"]) == (0, 1, True, True)


def test_services_list_only_active_and_temporarily_closed(client: Client) -> None:
    shown = {
        str(ServiceFactory(status=Service.Status.ACTIVE).id),
        str(ServiceFactory(status=Service.Status.TEMPORARILY_CLOSED).id),
    }
    ServiceFactory(status=Service.Status.INACTIVE)
    ServiceFactory(status=Service.Status.DEFUNCT)
    assert ids(get(client, "/services")) == shown


def test_inactive_service_detail_is_404_json(client: Client) -> None:
    service = ServiceFactory(status=Service.Status.DEFUNCT)
    response = client.get(f"{API}/services/{service.id}")
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


def test_detail_with_malformed_id_is_404_json(client: Client) -> None:
    response = client.get(f"{API}/services/not-a-uuid")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


def test_service_list_items_validate_against_compiled_list_schema(client: Client) -> None:
    hsds_rich_service()
    for item in get(client, "/services")["contents"]:
        assert schema_errors("service_list", item) == []


def test_full_service_validates_against_profiled_service_schema(client: Client) -> None:
    service = hsds_rich_service()
    body = get(client, f"/services/{service.id}")
    assert schema_errors("service", body, profiled=True) == []
    assert body["service_at_locations"][0]["location"]["addresses"][0]["postal_code"] == "8290"
    assert body["attributes"][0]["taxonomy_term"]["taxonomy_detail"]["name"]
    assert body["metadata"][0]["field_name"] == "name"
    assert body["closures"][0]["start_date"] == "2026-08-01"


def test_full_service_has_no_null_or_blank_values(client: Client) -> None:
    service = hsds_rich_service()
    text = json.dumps(get(client, f"/services/{service.id}"))
    assert "null" not in text
    assert '""' not in text


# --- confidential locations -------------------------------------------------------------------------


def _confidential_service() -> Service:
    service = ServiceFactory()
    location = LocationFactory(
        organization=service.organization,
        confidential=True,
        transportation="Behind the church",
        external_identifier="UPRN-1",
    )
    AddressFactory(location=location, address_1="Secret street 1", postal_code="8290")
    ServiceAtLocationFactory(service=service, location=location)
    return service


def test_confidential_location_shows_no_address_coordinates_or_flag(client: Client) -> None:
    service = _confidential_service()
    answers = [
        get(client, f"/services/{service.id}"),
        get(client, "/services", full="true"),
        get(client, "/service_at_locations"),
        get(client, "/service_at_locations", full="true"),
        get(client, f"/organizations/{service.organization_id}"),
    ]
    text = json.dumps(answers)
    for secret in ("Secret street", "46.0106", "15.3126", "Behind the church", "UPRN-1", "confidential"):
        assert secret not in text


def test_confidential_location_never_matches_a_radius_search(client: Client) -> None:
    _confidential_service()
    assert get(client, "/services", lat=46.0106, lng=15.3126, radius_km=1)["total_items"] == 0


def test_postcode_of_a_confidential_address_finds_nothing(client: Client) -> None:
    _confidential_service()
    assert get(client, "/services", postcode="8290")["total_items"] == 0


# --- filters ----------------------------------------------------------------------------------------


def test_taxonomy_term_filter(client: Client) -> None:
    term = TaxonomyTermFactory()
    tagged = ServiceFactory()
    AttributeFactory(link_id=tagged.id, taxonomy_term=term)
    ServiceFactory()
    assert ids(get(client, "/services", taxonomy_term_id=str(term.id))) == {str(tagged.id)}


def test_taxonomy_filter(client: Client) -> None:
    term = TaxonomyTermFactory()
    tagged = ServiceFactory()
    AttributeFactory(link_id=tagged.id, taxonomy_term=term)
    ServiceFactory()
    assert ids(get(client, "/services", taxonomy_id=str(term.taxonomy_id))) == {str(tagged.id)}


def test_organization_filter(client: Client) -> None:
    org = OrganizationFactory()
    mine = ServiceFactory(organization=org)
    ServiceFactory()
    assert ids(get(client, "/services", organization_id=str(org.id))) == {str(mine.id)}


def test_modified_after_filter(client: Client) -> None:
    old = ServiceFactory()
    Service.objects.filter(pk=old.pk).update(last_modified=timezone.now() - dt.timedelta(days=30))
    new = ServiceFactory()
    since = (timezone.now() - dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert ids(get(client, "/services", modified_after=since)) == {str(new.id)}


def test_filters_combine_with_and(client: Client) -> None:
    org = OrganizationFactory()
    term = TaxonomyTermFactory()
    both = ServiceFactory(organization=org)
    AttributeFactory(link_id=both.id, taxonomy_term=term)
    ServiceFactory(organization=org)
    AttributeFactory(link_id=ServiceFactory().id, taxonomy_term=term)
    a = ids(get(client, "/services", organization_id=str(org.id)))
    b = ids(get(client, "/services", taxonomy_term_id=str(term.id)))
    ab = ids(get(client, "/services", organization_id=str(org.id), taxonomy_term_id=str(term.id)))
    assert ab == {str(both.id)}
    assert ab <= a and ab <= b


def test_lat_lng_radius_filter(client: Client) -> None:
    near = ServiceAtLocationFactory(location__latitude=46.05, location__longitude=14.50).service
    ServiceAtLocationFactory(location__latitude=55.68, location__longitude=12.57)  # Copenhagen
    assert ids(get(client, "/services", lat=46.06, lng=14.51, radius_km=5)) == {str(near.id)}


def test_postcode_with_proximity_uses_the_postcode_centre(client: Client) -> None:
    sal = ServiceAtLocationFactory(location__latitude=46.0106, location__longitude=15.3126)
    AddressFactory(location=sal.location, postal_code="8290")
    far = ServiceAtLocationFactory(location__latitude=46.20, location__longitude=15.3126)  # ~21 km north
    AddressFactory(location=far.location, postal_code="3270")
    assert ids(get(client, "/services", postcode="8290", proximity=5000)) == {str(sal.service_id)}


def test_unknown_postcode_gives_an_empty_page(client: Client) -> None:
    ServiceFactory()
    assert get(client, "/services", postcode="0000", proximity=1000)["empty"] is True


def test_open_now_uses_occurrences(client: Client) -> None:
    open_service = ServiceFactory()
    ServiceFactory()
    now = timezone.now()
    schedule = Schedule.objects.create(service=open_service, freq="WEEKLY", byday="MO")
    Occurrence.objects.create(
        service=open_service,
        schedule=schedule,
        starts_at=now - dt.timedelta(hours=1),
        ends_at=now + dt.timedelta(hours=1),
    )
    assert ids(get(client, "/services", open_now="true")) == {str(open_service.id)}


def test_search_finds_services_by_name(client: Client) -> None:
    from helpnet.directory import indexing

    wanted = ServiceFactory(name="Svetovanje za starše")
    ServiceFactory(name="Food bank")
    indexing.reindex_all()
    assert str(wanted.id) in ids(get(client, "/services", search="Svetovanje"))
    assert get(client, "/services", search="Svetovanje")["total_items"] == 1


def test_minimal_gives_id_and_last_modified_only(client: Client) -> None:
    ServiceFactory()
    item = get(client, "/services", minimal="true")["contents"][0]
    assert set(item) == {"id", "last_modified"}


def test_lang_puts_the_translation_into_the_text_fields(client: Client) -> None:
    service = ServiceFactory(name="Svetovanje", translations={"en": {"name": "Counselling"}})
    assert get(client, f"/services/{service.id}", lang="en")["name"] == "Counselling"
    assert get(client, f"/services/{service.id}")["name"] == "Svetovanje"
    assert get(client, "/services", lang="en")["contents"][0]["translations"]["en"]["name"] == "Counselling"


def test_ndjson_streams_every_result_without_pagination(client: Client) -> None:
    ServiceFactory.create_batch(3)
    response = client.get(f"{API}/services", {"format": "ndjson", "per_page": 1})
    assert response["Content-Type"].startswith("application/x-ndjson")
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert len(lines) == 3
    assert all(schema_errors("service_list", json.loads(line)) == [] for line in lines)


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"page": "x"}, "page"),
        ({"page": "0"}, "page"),
        ({"per_page": "501"}, "per_page"),
        ({"taxonomy_term_id": "nope"}, "taxonomy_term_id"),
        ({"modified_after": "yesterday"}, "modified_after"),
        ({"full": "maybe"}, "full"),
        ({"format": "xml"}, "format"),
        ({"lat": "46"}, "lat"),
        ({"lat": "91", "lng": "0"}, "lat"),
        ({"proximity": "100"}, "proximity"),
        ({"lang": "fr"}, "lang"),
        ({"radius_km": "nan", "lat": "46", "lng": "15"}, "radius_km"),
    ],
)
def test_bad_parameters_give_400_json_naming_the_parameter(
    client: Client, params: dict[str, str], parameter: str
) -> None:
    response = client.get(f"{API}/services", params)
    assert response.status_code == 400
    assert response.json()["parameter"] == parameter
    assert response.json()["message"]
    assert response["Access-Control-Allow-Origin"] == "*"


def test_bad_parameter_message_is_in_the_users_language(client: Client) -> None:
    response = client.get(f"{API}/services", {"page": "x"}, headers={"accept-language": "en"})
    assert "whole number" in response.json()["message"]


# --- other endpoints --------------------------------------------------------------------------------


def test_service_at_location_list_and_detail(client: Client) -> None:
    service = hsds_rich_service()
    page = get(client, "/service_at_locations")
    assert page["total_items"] == 1
    item = page["contents"][0]
    assert schema_errors("service_at_location_list", item) == []
    detail = get(client, f"/service_at_locations/{item['id']}")
    assert schema_errors("service_at_location", detail, profiled=True) == []
    assert detail["service"]["id"] == str(service.id)


def test_service_at_location_radius_filters_by_its_own_location(client: Client) -> None:
    service = ServiceFactory()
    here = ServiceAtLocationFactory(service=service, location__latitude=46.05, location__longitude=14.50)
    ServiceAtLocationFactory(service=service, location__latitude=55.68, location__longitude=12.57)
    assert ids(get(client, "/service_at_locations", lat=46.05, lng=14.50, radius_km=2)) == {str(here.id)}


def test_organization_list_shows_only_organisations_with_listed_services(client: Client) -> None:
    listed = ServiceFactory().organization
    ServiceFactory(status=Service.Status.INACTIVE)
    OrganizationFactory()
    assert ids(get(client, "/organizations")) == {str(listed.id)}


def test_organization_detail_nests_service_stubs_or_full_services(client: Client) -> None:
    service = hsds_rich_service()
    org = get(client, f"/organizations/{service.organization_id}")
    assert schema_errors("organization", org, profiled=True) == []
    assert org["services"][0]["id"] == str(service.id)
    assert "phones" not in org["services"][0]
    full = get(client, f"/organizations/{service.organization_id}", full_service="true")
    assert full["services"][0]["phones"]


def test_taxonomy_and_term_endpoints(client: Client) -> None:
    parent = TaxonomyTermFactory()
    child = TaxonomyTermFactory(taxonomy=parent.taxonomy, parent=parent)
    of_taxonomy = {"taxonomy_id": str(parent.taxonomy_id), "per_page": 500}
    assert ids(get(client, "/taxonomy_terms", top_only="true", **of_taxonomy)) == {str(parent.id)}
    assert ids(get(client, "/taxonomy_terms", parent_id=str(parent.id))) == {str(child.id)}
    assert get(client, f"/taxonomy_terms/{child.id}")["parent_id"] == str(parent.id)
    assert get(client, f"/taxonomies/{parent.taxonomy_id}")["name"] == parent.taxonomy.name
    assert ids(get(client, "/taxonomies", search=parent.taxonomy.name)) == {str(parent.taxonomy_id)}


def test_profile_lists_merge_patches(client: Client) -> None:
    index = get(client, "/profile/")
    assert "address" in index["patches"]
    assert "state_province" not in get(client, "/profile/address.json")["required"]


# --- HTTP behaviour ---------------------------------------------------------------------------------


def test_every_get_sends_cors_star_and_needs_no_login(client: Client) -> None:
    for path in ("/", "/services", "/organizations", "/taxonomies", "/openapi.json"):
        response = client.get(API + path)
        assert response.status_code == 200
        assert response["Access-Control-Allow-Origin"] == "*"


def test_preflight_is_answered(client: Client) -> None:
    response = client.options(f"{API}/services")
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"


def test_post_is_refused(client: Client) -> None:
    assert client.post(f"{API}/services").status_code == 405


def test_too_many_requests_get_429_with_retry_after(client: Client, settings: Any) -> None:
    from django.core.cache import cache

    cache.clear()
    settings.HELPNET_API_RATE_LIMIT = 2
    assert client.get(f"{API}/").status_code == 200
    assert client.get(f"{API}/").status_code == 200
    response = client.get(f"{API}/")
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    cache.clear()


# --- query counts: they must not grow with the page size --------------------------------------------


def test_service_list_query_count(client: Client, django_assert_num_queries: Any) -> None:
    for _ in range(3):
        hsds_rich_service()
    # count, services + organization + municipality + program
    with django_assert_num_queries(2):
        get(client, "/services")


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/services", {"full": "true"}),
        ("/services", {"format": "ndjson", "full": "true"}),
        ("/service_at_locations", {"full": "true"}),
        ("/organizations", {"full": "true"}),
        ("/organizations", {"full_service": "true"}),
    ],
)
def test_fully_nested_lists_use_the_same_queries_for_one_row_or_five(
    client: Client, django_assert_num_queries: Any, path: str, params: dict[str, str]
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def fetch() -> None:
        response = client.get(API + path, params)
        assert response.status_code == 200
        if response.streaming:
            b"".join(response.streaming_content)

    hsds_rich_service()
    with CaptureQueriesContext(connection) as one:
        fetch()
    for _ in range(4):
        hsds_rich_service()
    # count (or ids), the rows with their one-to-one relations, one query per prefetched relation,
    # then attributes and metadata: none of them per row.
    with django_assert_num_queries(len(one.captured_queries)):
        fetch()


def test_service_at_location_list_query_count(client: Client, django_assert_num_queries: Any) -> None:
    for _ in range(3):
        hsds_rich_service()
    # count, service_at_locations + location + service + organization + program + municipalities
    with django_assert_num_queries(2):
        get(client, "/service_at_locations")


def test_organization_list_query_count(client: Client, django_assert_num_queries: Any) -> None:
    for _ in range(3):
        hsds_rich_service()
    # count, organizations + municipality
    with django_assert_num_queries(2):
        get(client, "/organizations")


def test_taxonomy_term_list_query_count(client: Client, django_assert_num_queries: Any) -> None:
    TaxonomyTermFactory.create_batch(3)
    # count, terms + taxonomy
    with django_assert_num_queries(2):
        get(client, "/taxonomy_terms")
