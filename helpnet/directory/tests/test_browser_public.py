"""The public help map in a real browser (Debian's chromium): the citizen's path, the map, languages, axe."""

import importlib
import re
from decimal import Decimal
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.apps import apps as django_apps
from playwright.sync_api import expect

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

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def reference_data(transactional_db: Any) -> None:
    """The towns and vocabularies the migrations load: a live-server test starts from a flushed database.

    (serialized_rollback cannot be trusted here: Playwright's event loop gives the ORM another connection
    object, one without the serialized copy.)
    """
    importlib.import_module("helpnet.organizations.migrations.0002_municipalities").add_municipalities(
        django_apps, None
    )
    importlib.import_module("helpnet.directory.migrations.0002_starter_vocabularies").add_vocabularies(
        django_apps, None
    )


def service_in(
    town: str, *, need: str = "addiction", free: bool = False, confidential: bool = False, **fields: Any
) -> Service:
    service = ServiceFactory(**fields)
    municipality = Municipality.objects.get(slug=town)
    location = LocationFactory(
        municipality=municipality,
        confidential=confidential,
        latitude=municipality.latitude + 0.002,
        longitude=municipality.longitude + 0.002,
    )
    AddressFactory(location=location, city=municipality.name)
    ServiceAtLocationFactory(service=service, location=location)
    ServiceAreaFactory(service=service, municipality=municipality)
    Phone.objects.create(service=service, number="07 81 61 000")
    ScheduleFactory(service=service)
    if free:
        CostOption.objects.create(service=service, amount=Decimal("0"), currency="EUR")
    Attribute.objects.create(
        link_entity="service",
        link_id=service.pk,
        taxonomy_term_id=vocabulary.term_id(vocabulary.NEED_AREAS_TAXONOMY, need),
    )
    indexing.index_service(service)
    return service


def open_filters(page: Any) -> None:
    """The filter panel starts open when a filter is in use; make sure it is open either way."""
    panel = page.locator("details.filters")
    if panel.get_attribute("open") is None:
        panel.locator("summary").click()


def serious_violations(page: Any) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes)"
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


def test_a_citizen_searches_filters_opens_a_service_shortlists_it_and_prints(page, live_server):
    service_in("sevnica", name="Klub zdravljenih alkoholikov", free=True)
    service_in("krsko", name="Svetovanje pri zasvojenosti")
    service_in("sevnica", name="Zavetišče", need="housing")

    page.goto(live_server.url + "/en/")
    page.get_by_role("link", name="Addiction").click()
    page.wait_for_url(re.compile(r"/en/search/\?need=addiction"))
    cards = page.locator(".card-title")
    assert sorted(cards.all_inner_texts()) == ["Klub zdravljenih alkoholikov", "Svetovanje pri zasvojenosti"]

    open_filters(page)
    page.get_by_label("Free of charge").check()  # htmx updates the results in place
    page.wait_for_url(re.compile(r"free=on"))
    expect(cards).to_have_count(1)
    assert cards.all_inner_texts() == ["Klub zdravljenih alkoholikov"]

    page.get_by_role("link", name="Klub zdravljenih alkoholikov").click()
    assert page.locator("h1").inner_text() == "Klub zdravljenih alkoholikov"
    page.get_by_role("button", name="Add to shortlist").click()
    page.get_by_role("button", name="Remove from shortlist").wait_for()
    assert page.locator("#shortlist-count").inner_text() == "1"

    page.get_by_role("link", name=re.compile("^Shortlist")).click()
    assert page.locator(".card-title").all_inner_texts() == ["Klub zdravljenih alkoholikov"]
    page.get_by_role("link", name="Print as a handout").click()
    page.wait_for_url(re.compile(r"/en/shortlist/print/"))
    entry = page.locator(".handout-entry")
    assert "Klub zdravljenih alkoholikov" in entry.inner_text()
    assert "07 81 61 000" in entry.inner_text()
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()


def test_the_map_shows_one_marker_per_located_result(page, live_server):
    for town in ("sevnica", "krsko", "brezice"):
        service_in(town)
    service_in("litija", name="Varna hiša", confidential=True)

    page.goto(live_server.url + "/sl/search/?need=addiction")
    assert page.locator(".card-title").count() == 4
    page.locator("#results-map .leaflet-marker-icon").first.wait_for()
    assert page.locator("#results-map .leaflet-marker-icon").count() == 3


def test_the_map_follows_the_list_when_a_filter_changes(page, live_server):
    service_in("sevnica", free=True)
    service_in("krsko")
    page.goto(live_server.url + "/sl/search/?need=addiction")
    markers = page.locator("#results-map .leaflet-marker-icon")
    markers.first.wait_for()
    assert markers.count() == 2
    open_filters(page)
    page.locator("input[name=free]").check()
    expect(markers).to_have_count(1)


def test_switching_language_keeps_the_search(page, live_server):
    service_in("sevnica")
    page.goto(live_server.url + "/sl/search/?need=addiction")
    open_filters(page)
    page.locator("input[name=free]").check()
    page.wait_for_url(re.compile(r"free=on"))
    page.get_by_role("link", name="English").click()
    page.wait_for_url(re.compile(r"/en/search/\?"))
    assert "need=addiction" in page.url
    assert "free=on" in page.url
    assert page.locator("input[name=free]").is_checked()


def test_the_results_work_without_javascript(browser, live_server):
    service_in("sevnica", name="Brez skript")
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/en/search/")
        page.get_by_label("What do you need help with?").fill("")
        open_filters(page)
        page.get_by_label("Addiction").check()
        page.get_by_role("button", name="Show results").click()
        page.wait_for_url(re.compile(r"need=addiction"))
        assert page.locator(".card-title").all_inner_texts() == ["Brez skript"]
        assert not page.locator("#results-map").is_visible()
    finally:
        context.close()


def test_home_page_links_to_english(page, live_server):
    page.goto(live_server.url + "/sl/")
    assert page.locator("h1").inner_text()
    page.get_by_role("link", name="English").click()
    assert page.url.endswith("/en/")


@pytest.mark.parametrize("lang", ["sl", "en"])
def test_public_pages_have_no_serious_accessibility_violations(page, live_server, lang):
    service = service_in("sevnica", name="Svetovalnica", free=True, description="Pogovor in podpora.")
    base = live_server.url + f"/{lang}"
    page.goto(base + "/")
    assert serious_violations(page) == []
    page.goto(base + "/search/?need=addiction")
    page.locator("#results-map .leaflet-marker-icon").first.wait_for()
    assert serious_violations(page) == []
    page.goto(base + f"/services/{service.pk}/")
    assert serious_violations(page) == []
    page.locator(".shortlist-form button").click()
    expect(page.locator("#shortlist-count")).to_have_text("1")
    page.goto(base + "/shortlist/")
    assert page.locator(".card-title").count() == 1
    assert serious_violations(page) == []


def test_the_page_fits_a_320_pixel_screen_without_sideways_scrolling(page, live_server):
    service_in("sevnica", name="Zelo dolgo ime storitve za preverjanje prelamljanja besedila")
    page.set_viewport_size({"width": 320, "height": 640})
    for path in ("/sl/", "/sl/search/?need=addiction", "/sl/shortlist/"):
        page.goto(live_server.url + path)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, path


def test_use_my_location_sorts_the_results_by_distance(page, live_server):
    service_in("brezice", name="Daleč")
    service_in("sevnica", name="Blizu")
    page.context.grant_permissions(["geolocation"], origin=live_server.url)
    page.context.set_geolocation({"latitude": 46.0092, "longitude": 15.3150})  # Sevnica
    page.goto(live_server.url + "/en/search/?need=addiction")
    open_filters(page)
    page.get_by_role("button", name="Use my location").click()
    page.wait_for_url(re.compile(r"sort=distance"))
    expect(page.locator(".distance").first).to_be_visible()
    assert page.locator(".card-title").all_inner_texts() == ["Blizu", "Daleč"]
    assert "lat=46.009" in page.url
