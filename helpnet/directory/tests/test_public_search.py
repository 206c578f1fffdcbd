"""The results page /<lang>/search/: filters as query parameters, bad links still useful, safe houses safe."""

import datetime as dt
import json
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from helpnet.directory import indexing, schedules, vocabulary
from helpnet.directory.forms.public import SearchForm
from helpnet.directory.models import Attribute, CostOption, Service, TaxonomyTerm
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

SEARCH = "/en/search/"


def located_service(*, town: str = "sevnica", confidential: bool = False, **fields: object) -> Service:
    service = ServiceFactory(**fields)
    municipality = Municipality.objects.get(slug=town)
    location = LocationFactory(
        municipality=municipality,
        confidential=confidential,
        latitude=municipality.latitude + 0.001,
        longitude=municipality.longitude + 0.001,
    )
    AddressFactory(location=location, address_1="Skrita ulica 7" if confidential else "Trg svobode 14")
    ServiceAtLocationFactory(service=service, location=location)
    ServiceAreaFactory(service=service, municipality=municipality)
    return service


def index(*services: Service) -> None:
    for service in services:
        indexing.index_service(service)


def tag(service: Service, taxonomy: str, code: str) -> None:
    term = TaxonomyTerm.objects.get(id=vocabulary.term_id(taxonomy, code))
    Attribute.objects.create(link_entity="service", link_id=service.pk, taxonomy_term=term)


def map_data(html: str) -> list[dict[str, object]]:
    match = re.search(r'<script id="map-data" type="application/json">(.*?)</script>', html, re.S)
    assert match
    return json.loads(match[1])


def test_search_page_is_open_to_anonymous_visitors(client):
    assert client.get(SEARCH).status_code == 200


def test_search_lists_only_services_of_the_chosen_need_area(client):
    addiction = located_service(name="Klub zdravljenih alkoholikov")
    housing = located_service(name="Zavetišče za brezdomce")
    tag(addiction, vocabulary.NEED_AREAS_TAXONOMY, "addiction")
    tag(housing, vocabulary.NEED_AREAS_TAXONOMY, "housing")
    index(addiction, housing)
    html = client.get(SEARCH, {"need": "addiction"}).content.decode()
    assert addiction.name in html
    assert housing.name not in html


def test_search_lists_only_services_of_the_chosen_municipality(client):
    here = located_service(name="Pomoč v Sevnici", town="sevnica")
    there = located_service(name="Pomoč v Litiji", town="litija")
    index(here, there)
    html = client.get(SEARCH, {"municipality": "litija"}).content.decode()
    assert there.name in html
    assert here.name not in html


def test_search_keeps_the_chosen_filters_in_the_form(client):
    html = client.get(SEARCH, {"need": "violence", "free": "1", "municipality": "krsko"}).content.decode()
    assert re.search(r'<input[^>]*value="violence"[^>]*checked', html)
    assert re.search(r'<input[^>]*name="free"[^>]*checked', html)
    assert '<option value="krsko" selected>' in html


def test_result_card_shows_organisation_town_and_badges(client):
    service = located_service(name="Ljudska kuhinja", status=Service.Status.TEMPORARILY_CLOSED)
    CostOption.objects.create(service=service, amount=Decimal("0"), currency="EUR")
    index(service)
    html = client.get(SEARCH).content.decode()
    assert service.organization.name in html
    assert "Sevnica" in html
    assert "Temporarily closed" in html
    assert "Free of charge" in html


def test_result_card_offers_the_shortlist(client):
    service = located_service()
    index(service)
    html = client.get(SEARCH).content.decode()
    assert 'action="/en/shortlist/add/"' in html
    assert f'name="service" value="{service.pk}"' in html


def test_map_data_has_one_marker_per_public_location(client):
    services = [located_service() for _ in range(3)]
    index(*services)
    points = map_data(client.get(SEARCH).content.decode())
    assert sorted(p["url"] for p in points) == sorted(s.get_absolute_url() for s in services)


def test_results_never_give_a_confidential_location_to_the_page(client):
    safe_house = located_service(name="Varna hiša", confidential=True)
    index(safe_house)
    location = safe_house.service_at_locations.get().location
    html = client.get(SEARCH, {"near": "sevnica", "sort": "distance"}).content.decode()
    assert "Varna hiša" in html
    assert "Sevnica" in html
    assert "Skrita ulica" not in html
    assert map_data(html) == []
    assert str(location.latitude) not in html
    assert str(location.longitude) not in html
    assert "km away" not in html


def test_map_tiles_come_from_the_configured_server(client, settings):
    html = client.get(SEARCH).content.decode()
    assert f'data-tile-url="{settings.MAP_TILE_URL}"' in html


def test_an_htmx_request_gets_only_the_results_region(client):
    response = client.get(SEARCH, {"need": "youth"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert '<div id="results" class="results">' in html
    assert "<html" not in html
    assert "HX-Request" in response["Vary"]


def test_an_htmx_history_restore_gets_the_whole_page(client):
    headers = {"HX-Request": "true", "HX-History-Restore-Request": "true"}
    html = client.get(SEARCH, headers=headers).content.decode()
    assert "<html" in html
    assert html.count('id="filter-count"') == 1


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"lat": "200", "lng": "15"}, "Latitude must be between -90 and 90."),
        ({"lat": "46", "lng": "-500"}, "Longitude must be between -180 and 180."),
        ({"lat": "north", "lng": "15"}, "Latitude must be a number."),
        ({"lat": "46"}, "A location needs both a latitude and a longitude."),
        ({"municipality": "atlantis"}, "We do not know the municipality “atlantis”."),
        ({"near": "atlantis"}, "We do not know the town “atlantis”."),
        ({"need": "flying"}, "We do not know the need area “flying”."),
        ({"language": "klingon"}, "We do not know the language “klingon”."),
        ({"radius_km": "-5", "near": "sevnica"}, "The distance must be more than 0 and at most 500 km."),
        ({"radius_km": "5"}, "To search within a distance, use your location or choose a town."),
        ({"sort": "distance"}, "To sort by distance, use your location or choose a town."),
        ({"sort": "price"}, "Results can be sorted by best match or by distance."),
        ({"page": "abc"}, "The page number must be a whole number."),
        ({"page": "0"}, "The page number must be 1 or more."),
    ],
)
def test_a_bad_parameter_gives_a_clear_message_and_still_lists_services(client, params, message):
    service = located_service(name="Svetovalnica")
    index(service)
    response = client.get(SEARCH, params)
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert "Svetovalnica" in html


def test_a_bad_parameter_does_not_drop_the_good_ones(client):
    wanted = located_service(name="Pomoč v Litiji", town="litija")
    other = located_service(name="Pomoč v Sevnici", town="sevnica")
    index(wanted, other)
    html = client.get(SEARCH, {"municipality": "litija", "lat": "200", "lng": "1"}).content.decode()
    assert wanted.name in html
    assert other.name not in html


def test_a_page_beyond_the_last_says_so_and_links_back(client):
    index(located_service())
    html = client.get(SEARCH, {"page": "99"}).content.decode()
    assert "There are no results on this page." in html


@pytest.mark.parametrize("query", ["x" * 10_000, '"NEAR(-:*) OR (', "🙂 помощь"])
def test_a_hostile_query_never_breaks_the_page(client, query):
    assert client.get(SEARCH, {"q": query}).status_code == 200


def test_a_query_with_a_null_character_is_refused_politely(client):
    response = client.get(SEARCH, {"q": "help\x00"})
    assert response.status_code == 200
    assert "Null characters are not allowed." in response.content.decode()


def test_pagination_keeps_the_filters(client):
    services = [located_service() for _ in range(21)]
    for service in services:
        tag(service, vocabulary.NEED_AREAS_TAXONOMY, "youth")
    index(*services)
    html = client.get(SEARCH, {"need": "youth"}).content.decode()
    assert 'href="?need=youth&amp;page=2"' in html


def test_facet_counts_show_next_to_filter_options(client):
    services = [located_service() for _ in range(2)]
    for service in services:
        tag(service, vocabulary.NEED_AREAS_TAXONOMY, "youth")
    index(*services)
    html = client.get(SEARCH).content.decode()
    assert re.search(r'<label for="id_need_\d+">Youth \(2\)</label>', html)


def search_form(data: dict[str, str]) -> SearchForm:
    return SearchForm(
        data,
        municipalities=list(Municipality.objects.all()),
        need_terms=[],
        group_terms=[],
        lang="sl",
    )


def test_a_town_as_the_point_searches_from_its_centre():
    form = search_form({"near": "krsko", "sort": "distance", "radius_km": "10"})
    assert form.is_valid()
    params = form.to_params()
    krsko = Municipality.objects.get(slug="krsko")
    assert (params.lat, params.lng, params.radius_km, params.sort) == (
        krsko.latitude,
        krsko.longitude,
        10,
        "distance",
    )


def test_the_browsers_location_wins_over_the_town():
    form = search_form({"near": "krsko", "lat": "46.5", "lng": "15.1", "sort": "distance"})
    assert form.is_valid()
    params = form.to_params()
    assert (params.lat, params.lng) == (46.5, 15.1)


def test_a_long_query_keeps_its_beginning():
    form = search_form({"q": "pomoč " * 100})
    assert form.is_valid()
    assert len(form.to_params().q) <= 200


def test_result_card_shows_the_distance_from_the_chosen_town(client):
    index(located_service(name="Blizu", town="krsko"))
    html = client.get(SEARCH, {"near": "sevnica", "sort": "distance"}).content.decode()
    assert re.search(r"\d+\.\d km away", html)


def test_the_folded_filter_panel_says_how_many_filters_are_in_use(client):
    html = client.get(SEARCH, {"need": ["youth", "violence"], "free": "1"}).content.decode()
    assert "(3 in use)" in html


def test_an_htmx_request_also_updates_the_number_of_filters_in_use(client):
    html = client.get(SEARCH, {"need": "youth"}, headers={"HX-Request": "true"}).content.decode()
    assert '<span class="filter-count" id="filter-count" hx-swap-oob="true">(1 in use)</span>' in html


WEDNESDAY_10 = dt.datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo("Europe/Ljubljana"))


def service_with_weekday_hours() -> Service:
    service = located_service(name="Odprto med tednom")
    ScheduleFactory(service=service)  # Monday to Friday, 8–14
    schedules.refresh_occurrences(service)
    index(service)
    return service


def test_result_card_says_open_now_during_opening_hours(client):
    with time_machine.travel(WEDNESDAY_10, tick=False):
        service_with_weekday_hours()
        html = client.get(SEARCH).content.decode()
    assert '<span class="badge open">Open now</span>' in html


def test_result_card_says_closed_now_outside_opening_hours(client):
    with time_machine.travel(WEDNESDAY_10, tick=False):
        service_with_weekday_hours()
    with time_machine.travel(WEDNESDAY_10 + dt.timedelta(hours=6), tick=False):
        html = client.get(SEARCH).content.decode()
    assert '<span class="badge shut">Closed now</span>' in html
    assert '<span class="badge open">' not in html


def test_result_card_says_nothing_about_opening_without_hours(client):
    index(located_service())
    html = client.get(SEARCH).content.decode()
    assert '<span class="badge open">' not in html
    assert '<span class="badge shut">' not in html
