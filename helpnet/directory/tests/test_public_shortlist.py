"""The shortlist: no login, kept in the session, shared by link, printed as a handout."""

import uuid

import pytest
from django.test import Client

from helpnet.directory.models import Phone, Service
from helpnet.directory.tests.factories import (
    AddressFactory,
    LocationFactory,
    ScheduleFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
)
from helpnet.directory.views.public import SHORTLIST_MAX

pytestmark = pytest.mark.django_db

ADD = "/en/shortlist/add/"
REMOVE = "/en/shortlist/remove/"
SHORTLIST = "/en/shortlist/"
PRINT = "/en/shortlist/print/"


def shortlisted(client: Client) -> list[str]:
    return list(client.session.get("shortlist", []))


def test_adding_a_service_puts_it_on_the_shortlist(client):
    service = ServiceFactory()
    response = client.post(ADD, {"service": str(service.pk)})
    assert response.status_code == 302
    assert shortlisted(client) == [str(service.pk)]


def test_adding_a_service_twice_keeps_it_once(client):
    service = ServiceFactory()
    client.post(ADD, {"service": str(service.pk)})
    client.post(ADD, {"service": str(service.pk)})
    assert shortlisted(client) == [str(service.pk)]


def test_adding_returns_to_the_page_the_visitor_came_from(client):
    service = ServiceFactory()
    response = client.post(ADD, {"service": str(service.pk), "next": "/en/search/?need=youth"})
    assert response["Location"] == "/en/search/?need=youth"


def test_adding_never_redirects_to_another_site(client):
    service = ServiceFactory()
    response = client.post(ADD, {"service": str(service.pk), "next": "https://evil.example/"})
    assert response["Location"] == "/en/shortlist/"


def test_adding_with_htmx_returns_the_new_button_and_count(client):
    service = ServiceFactory()
    response = client.post(ADD, {"service": str(service.pk)}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "Remove from shortlist" in html
    assert '<span class="count" id="shortlist-count" hx-swap-oob="true">1</span>' in html


def test_removing_a_service_takes_it_off_the_shortlist(client):
    keep, drop = ServiceFactory(), ServiceFactory()
    client.post(ADD, {"service": str(keep.pk)})
    client.post(ADD, {"service": str(drop.pk)})
    client.post(REMOVE, {"service": str(drop.pk)})
    assert shortlisted(client) == [str(keep.pk)]


def test_the_shortlist_cannot_change_on_get(client):
    service = ServiceFactory()
    assert client.get(ADD, {"service": str(service.pk)}).status_code == 405
    assert shortlisted(client) == []


@pytest.mark.parametrize("value", ["not-a-uuid", "", "92e0e278-0a1d-43f7-8419-f5d53fae0e93"])
def test_adding_something_that_is_not_a_service_is_refused_and_saves_nothing(client, value):
    response = client.post(ADD, {"service": value})
    assert response.status_code == 400
    assert "This is not a service of the help map." in response.content.decode()
    assert shortlisted(client) == []


def test_adding_an_inactive_service_is_refused(client):
    service = ServiceFactory(status=Service.Status.INACTIVE)
    assert client.post(ADD, {"service": str(service.pk)}).status_code == 400
    assert shortlisted(client) == []


def test_a_full_shortlist_refuses_one_more_with_a_message(client):
    services = ServiceFactory.create_batch(SHORTLIST_MAX + 1)
    for service in services[:SHORTLIST_MAX]:
        client.post(ADD, {"service": str(service.pk)})
    response = client.post(ADD, {"service": str(services[-1].pk)}, follow=True)
    assert len(shortlisted(client)) == SHORTLIST_MAX
    assert "Your shortlist is full (50 services)." in response.content.decode()


def test_the_shortlist_page_shows_the_saved_services_and_a_share_link(client):
    first, second = ServiceFactory(name="Prva pomoč"), ServiceFactory(name="Druga pomoč")
    client.post(ADD, {"service": str(first.pk)})
    client.post(ADD, {"service": str(second.pk)})
    html = client.get(SHORTLIST).content.decode()
    assert "Prva pomoč" in html
    assert "Druga pomoč" in html
    assert f'value="http://testserver/en/shortlist/?s={first.pk},{second.pk}"' in html


def test_an_empty_shortlist_says_how_to_fill_it(client):
    html = client.get(SHORTLIST).content.decode()
    assert "Your shortlist is empty." in html


def test_a_share_link_shows_exactly_those_services_to_anyone(client):
    shared, not_shared = ServiceFactory(name="Deljena"), ServiceFactory(name="Ni deljena")
    html = Client().get(SHORTLIST, {"s": str(shared.pk)}).content.decode()
    assert "Deljena" in html
    assert "Ni deljena" not in html
    assert not_shared.pk


def test_a_share_link_keeps_its_order(client):
    first, second = ServiceFactory(name="Zadnja po abecedi"), ServiceFactory(name="Abeceda")
    html = client.get(SHORTLIST, {"s": f"{first.pk},{second.pk}"}).content.decode()
    assert html.index("Zadnja po abecedi") < html.index("Abeceda")


def test_a_share_link_ignores_bad_unknown_and_unlisted_ids(client):
    listed = ServiceFactory(name="Na seznamu")
    closed = ServiceFactory(name="Ukinjena", status=Service.Status.DEFUNCT)
    link = f"nonsense,{uuid.uuid4()},{closed.pk},{listed.pk},{listed.pk}"
    response = client.get(SHORTLIST, {"s": link})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('<h3 class="card-title"') == 1
    assert "Na seznamu" in html
    assert "Ukinjena" not in html


def test_a_share_link_does_not_change_the_visitors_own_shortlist(client):
    service = ServiceFactory()
    client.get(SHORTLIST, {"s": str(service.pk)})
    assert shortlisted(client) == []


def test_the_print_view_is_a_handout_with_phone_address_and_hours(client):
    service = ServiceFactory(name="Svetovalnica", description="Pogovor za starše.")
    Phone.objects.create(service=service, number="07 81 61 000")
    location = LocationFactory()
    AddressFactory(location=location, address_1="Trg svobode 14", postal_code="8290", city="Sevnica")
    ServiceAtLocationFactory(service=service, location=location)
    ScheduleFactory(service=service)
    client.post(ADD, {"service": str(service.pk)})
    html = client.get(PRINT).content.decode()
    assert "Svetovalnica" in html
    assert "Pogovor za starše." in html
    assert "07 81 61 000" in html
    assert "Trg svobode 14, 8290 Sevnica" in html
    assert "Opening hours" in html


def test_the_print_view_never_shows_a_confidential_address(client):
    service = ServiceFactory()
    location = LocationFactory(confidential=True)
    AddressFactory(location=location, address_1="Skrita ulica 7")
    ServiceAtLocationFactory(service=service, location=location)
    html = client.get(PRINT, {"s": str(service.pk)}).content.decode()
    assert "Skrita ulica" not in html
    assert "address given by phone" in html


def test_the_print_view_of_a_share_link_prints_those_services(client):
    service = ServiceFactory(name="Iz povezave")
    html = client.get(PRINT, {"s": str(service.pk)}).content.decode()
    assert "Iz povezave" in html
