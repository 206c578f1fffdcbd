"""Who may open which staff page: anonymous → login, other organisation → 404, viewer → 403."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from helpnet.directory.tests.factories import LocationFactory, ServiceFactory

# Each page by a function of (organisation A, a service of A, a location of A).
PAGES: dict[str, Callable[[Any, Any, Any], str]] = {
    "service_create": lambda org, s, loc: reverse("directory:service_create") + f"?org={org.pk}",
    "service_edit": lambda org, s, loc: reverse("directory:service_edit", args=[s.pk]),
    "service_hours": lambda org, s, loc: reverse("directory:service_hours", args=[s.pk]),
    "location_create": lambda org, s, loc: reverse("directory:location_create") + f"?org={org.pk}",
    "location_edit": lambda org, s, loc: reverse("directory:location_edit", args=[loc.pk]),
}


@pytest.fixture
def page_url(request: Any, org_a: Any) -> str:
    service = ServiceFactory(organization=org_a)
    location = LocationFactory(organization=org_a)
    return PAGES[request.param](org_a, service, location)


@pytest.mark.parametrize("page_url", PAGES, indirect=True)
def test_anonymous_user_is_sent_to_login(client: Client, page_url: str) -> None:
    response = client.get(page_url)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_anonymous_user_is_sent_to_login_from_staff_home(client: Client, db: Any) -> None:
    response = client.get(reverse("directory:staff_home"))
    assert response.status_code == 302


@pytest.mark.parametrize("page_url", PAGES, indirect=True)
def test_editor_of_another_organisation_gets_404(other_editor_client: Client, page_url: str) -> None:
    assert other_editor_client.get(page_url).status_code == 404


@pytest.mark.parametrize("page_url", PAGES, indirect=True)
def test_editor_of_another_organisation_gets_404_on_post(other_editor_client: Client, page_url: str) -> None:
    assert other_editor_client.post(page_url, {"name": "Taken over"}).status_code == 404


@pytest.mark.parametrize("page_url", PAGES, indirect=True)
def test_viewer_gets_403(viewer_client: Client, page_url: str) -> None:
    assert viewer_client.get(page_url).status_code == 403


@pytest.mark.parametrize("page_url", PAGES, indirect=True)
def test_viewer_gets_403_on_post(viewer_client: Client, page_url: str) -> None:
    assert viewer_client.post(page_url, {"name": "Changed"}).status_code == 403


@pytest.mark.parametrize("page_url", PAGES, indirect=True)
def test_editor_can_open_the_page(editor_client: Client, page_url: str) -> None:
    assert editor_client.get(page_url).status_code == 200


@pytest.mark.parametrize("page_url", PAGES, indirect=True)
def test_organisation_admin_can_open_the_page(org_admin: Any, page_url: str) -> None:
    client = Client()
    client.force_login(org_admin)
    assert client.get(page_url).status_code == 200


@pytest.mark.parametrize("page_url", PAGES, indirect=True)
def test_superuser_can_open_the_page_of_any_organisation(admin_client: Client, page_url: str) -> None:
    assert admin_client.get(page_url).status_code == 200


@pytest.mark.parametrize("org", ["", "not-a-uuid", "00000000-0000-0000-0000-000000000000"])
def test_new_service_without_a_known_organisation_gets_404(editor_client: Client, org: str) -> None:
    url = reverse("directory:service_create") + f"?org={org}"
    assert editor_client.get(url).status_code == 404
