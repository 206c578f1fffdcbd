from django.urls import reverse

from helpnet.directory.tests.factories import ServiceFactory


def test_home_page_is_public(client, db):
    response = client.get(reverse("directory:home"))
    assert response.status_code == 200


def test_service_page_shows_the_service_name(client, db):
    service = ServiceFactory(name="Svetovalnica za starše")
    response = client.get(service.get_absolute_url())
    assert "Svetovalnica za starše" in response.content.decode()


def test_staff_pages_send_anonymous_users_to_login(client, db):
    response = client.get(reverse("directory:staff_home"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
