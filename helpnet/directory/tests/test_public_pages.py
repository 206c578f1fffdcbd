"""Home, service page, municipality page and its embed view: public, complete, and safe for safe houses."""

import datetime as dt
import json
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from helpnet.directory import indexing, vocabulary
from helpnet.directory.models import Attribute, CostOption, Phone, Service, TaxonomyTerm
from helpnet.directory.tests.factories import (
    AddressFactory,
    LocationFactory,
    ServiceAreaFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
)
from helpnet.organizations.models import Municipality

pytestmark = pytest.mark.django_db

SAFE_HOUSE_STREET = "Skrita ulica 7"
SAFE_HOUSE_LAT = 46.123456
SAFE_HOUSE_LNG = 15.654321


def located_service(*, town: str = "sevnica", confidential: bool = False, **fields: object) -> Service:
    service = ServiceFactory(**fields)
    municipality = Municipality.objects.get(slug=town)
    location = LocationFactory(
        municipality=municipality,
        confidential=confidential,
        latitude=SAFE_HOUSE_LAT if confidential else 46.0106,
        longitude=SAFE_HOUSE_LNG if confidential else 15.3126,
    )
    AddressFactory(
        location=location, address_1=SAFE_HOUSE_STREET if confidential else "Trg svobode 14", city="Sevnica"
    )
    ServiceAtLocationFactory(service=service, location=location)
    ServiceAreaFactory(service=service, municipality=municipality)
    indexing.index_service(service)
    return service


def need_term(code: str) -> TaxonomyTerm:
    return TaxonomyTerm.objects.get(id=vocabulary.term_id(vocabulary.NEED_AREAS_TAXONOMY, code))


def group_term(code: str) -> TaxonomyTerm:
    return TaxonomyTerm.objects.get(id=vocabulary.term_id(vocabulary.TARGET_GROUPS_TAXONOMY, code))


def in_lang(lang: str, url: str) -> str:
    """The same page in ``lang`` (reverse() follows whichever language an earlier request left active)."""
    return f"/{lang}/" + url.split("/", 2)[2]


def tag(service: Service, term: TaxonomyTerm) -> None:
    Attribute.objects.create(link_entity="service", link_id=service.pk, taxonomy_term=term)


# --- home ---


def test_home_page_is_open_to_anonymous_visitors(client):
    response = client.get(reverse("directory:home"))
    assert response.status_code == 200


def test_home_page_has_one_search_box_with_a_visible_label(client):
    html = client.get("/en/").content.decode()
    assert html.count('type="search"') == 1
    assert '<label for="id_q">What do you need help with?</label>' in html


def test_home_page_offers_a_tile_for_each_need_area(client):
    html = client.get("/en/").content.decode()
    for code in vocabulary.NEED_AREAS:
        assert f'href="/en/search/?need={code}"' in html


def test_home_page_names_need_areas_in_the_page_language(client):
    html = client.get("/da/").content.decode()
    assert "Afhængighed" in html
    assert "Zasvojenost" not in html


def test_home_page_links_every_municipality_page(client):
    html = client.get("/en/").content.decode()
    for municipality in Municipality.objects.all():
        assert f'href="/en/municipalities/{municipality.slug}/"' in html


# --- service page ---


def test_service_page_is_open_to_anonymous_visitors(client):
    service = located_service(name="Svetovalnica za starše")
    response = client.get(service.get_absolute_url())
    assert response.status_code == 200
    assert "Svetovalnica za starše" in response.content.decode()


@pytest.mark.parametrize("status", [Service.Status.INACTIVE, Service.Status.DEFUNCT])
def test_unlisted_service_page_is_not_found(client, status):
    service = ServiceFactory(status=status)
    assert client.get(service.get_absolute_url()).status_code == 404


def test_temporarily_closed_service_page_says_so(client):
    service = located_service(status=Service.Status.TEMPORARILY_CLOSED)
    html = client.get(in_lang("en", service.get_absolute_url())).content.decode()
    assert "Temporarily closed." in html


def test_service_page_shows_how_to_reach_the_service(client):
    service = located_service(email="pomoc@example.org", url="https://example.org/pomoc")
    Phone.objects.create(service=service, number="07 81 61 000")
    html = client.get(service.get_absolute_url()).content.decode()
    assert 'href="tel:078161000"' in html
    assert 'href="mailto:pomoc@example.org"' in html
    assert 'href="https://example.org/pomoc"' in html
    assert "Trg svobode 14" in html


def test_service_page_says_who_it_is_for(client):
    service = located_service(eligibility_description="Za starše otrok do 6 let.", minimum_age=18)
    tag(service, group_term("families"))
    html = client.get(in_lang("en", service.get_absolute_url())).content.decode()
    assert "Za starše otrok do 6 let." in html
    assert "Families" in html
    assert "From the age of 18." in html


def test_service_page_says_free_of_charge_when_every_cost_is_zero(client):
    service = located_service()
    CostOption.objects.create(service=service, amount=Decimal("0"), currency="EUR")
    html = client.get(in_lang("en", service.get_absolute_url())).content.decode()
    assert "Free of charge." in html


def test_service_page_shows_last_verified_date_in_local_format(client):
    service = located_service(assured_date=dt.date(2026, 3, 9))
    html = client.get(in_lang("sl", service.get_absolute_url())).content.decode()
    assert "9. marca 2026" in html  # Slovenian dates take the month in the genitive


def test_service_page_shows_alert_text(client):
    service = located_service(alert="Ta teden samo po telefonu.")
    html = client.get(service.get_absolute_url()).content.decode()
    assert "Ta teden samo po telefonu." in html


def test_service_page_hides_address_and_coordinates_of_a_confidential_location(client):
    service = located_service(confidential=True)
    html = client.get(service.get_absolute_url()).content.decode()
    assert SAFE_HOUSE_STREET not in html
    assert str(SAFE_HOUSE_LAT) not in html
    assert str(SAFE_HOUSE_LNG) not in html
    assert "46.123" not in html
    assert "Sevnica" in html


def test_service_page_gives_the_map_public_locations_only(client):
    service = located_service()
    hidden = LocationFactory(confidential=True, latitude=SAFE_HOUSE_LAT, longitude=SAFE_HOUSE_LNG)
    ServiceAtLocationFactory(service=service, location=hidden)
    html = client.get(service.get_absolute_url()).content.decode()
    data = json.loads(
        re.search(r'<script id="map-data" type="application/json">(.*?)</script>', html, re.S)[1]
    )
    assert [(p["lat"], p["lng"]) for p in data] == [(46.0106, 15.3126)]


def test_service_page_offers_to_add_it_to_the_shortlist(client):
    service = located_service()
    html = client.get(service.get_absolute_url()).content.decode()
    assert f'action="{reverse("directory:shortlist_add")}"' in html
    assert f'value="{service.pk}"' in html


# --- municipality page and embed ---


def test_municipality_page_lists_services_that_serve_it(client):
    here = located_service(name="Pomoč v Sevnici", town="sevnica")
    elsewhere = located_service(name="Pomoč v Litiji", town="litija")
    html = client.get(reverse("directory:municipality", args=["sevnica"])).content.decode()
    assert here.name in html
    assert elsewhere.name not in html


def test_unknown_municipality_page_is_not_found(client):
    assert client.get(reverse("directory:municipality", args=["atlantis"])).status_code == 404


def test_municipality_page_shows_the_iframe_snippet(client):
    html = client.get("/sl/municipalities/krsko/").content.decode()
    assert '&lt;iframe src="http://testserver/sl/municipalities/krsko/embed/"' in html


def test_municipality_page_may_not_be_framed(client):
    response = client.get(reverse("directory:municipality", args=["krsko"]))
    assert response["X-Frame-Options"] == "DENY"


def test_embed_view_may_be_framed_by_any_site(client):
    response = client.get(reverse("directory:municipality_embed", args=["krsko"]))
    assert response.status_code == 200
    assert "X-Frame-Options" not in response
    assert "frame-ancestors *" in response["Content-Security-Policy"]


def test_embed_view_opens_links_in_a_new_tab(client):
    html = client.get(reverse("directory:municipality_embed", args=["krsko"])).content.decode()
    assert '<base target="_blank">' in html


def test_embed_view_lists_services_of_the_municipality(client):
    service = located_service(name="Pomoč v Krškem", town="krsko")
    html = client.get(reverse("directory:municipality_embed", args=["krsko"])).content.decode()
    assert service.name in html


def test_service_page_links_its_calendar_file(client):
    service = located_service()
    html = client.get(service.get_absolute_url()).content.decode()
    assert f'href="{reverse("directory:service_ics", args=[service.pk])}"' in html


def test_municipality_page_links_the_sessions_of_this_week(client):
    html = client.get("/sl/municipalities/krsko/").content.decode()
    assert 'href="/sl/municipalities/krsko/this-week/"' in html


def _card_place(html: str, name: str) -> str:
    """The "where" line of the result card titled ``name``."""
    card = html.split(f">{name}</a>", 1)[1].split("</article>", 1)[0]
    place = re.search(r'<p class="card-place">(.*?)</p>', card, re.S)
    return re.sub(r"<[^>]+>", "", place.group(1)).strip() if place else ""


def test_result_cards_name_towns_from_municipality_address_or_service_area(client):
    """The results page reads the cards' relations as plain rows (queries.card_services_in_order): each
    source of a card's towns, the free badge, and a safe house's street never shown."""
    krsko = Municipality.objects.get(slug="krsko")
    located_service(name="Svetovalnica ena")  # its location is in Sevnica
    by_address = ServiceFactory(name="Svetovalnica dve")
    plain = LocationFactory(municipality=None, confidential=False, latitude=46.0, longitude=15.3)
    AddressFactory(location=plain, address_1="Cesta 1", city="Brestanica")
    ServiceAtLocationFactory(service=by_address, location=plain)
    by_area = ServiceFactory(name="Svetovalnica tri")
    hidden = LocationFactory(municipality=None, confidential=True, latitude=46.1, longitude=15.4)
    AddressFactory(location=hidden, address_1=SAFE_HOUSE_STREET, city="Skrito mesto")
    ServiceAtLocationFactory(service=by_area, location=hidden)
    ServiceAreaFactory(service=by_area, municipality=krsko)
    CostOption.objects.create(service=by_area, amount=Decimal("0"))
    for service in (by_address, by_area):
        indexing.index_service(service)

    html = client.get(reverse("directory:search"), {"q": "svetovalnica"}).content.decode()

    assert "Sevnica" in _card_place(html, "Svetovalnica ena")
    assert "Brestanica" in _card_place(html, "Svetovalnica dve")
    assert "Krško" in _card_place(html, "Svetovalnica tri")
    assert "Skrito mesto" not in html and SAFE_HOUSE_STREET not in html
    free_card = html.split(">Svetovalnica tri</a>", 1)[1].split("</article>", 1)[0]
    assert 'class="badge free"' in free_card
    other_card = html.split(">Svetovalnica dve</a>", 1)[1].split("</article>", 1)[0]
    assert 'class="badge free"' not in other_card
