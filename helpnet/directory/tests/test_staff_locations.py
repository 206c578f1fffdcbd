"""The location editor: address, municipality, a point on the map, safe houses, linked services."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from helpnet.directory.models import Accessibility, Address, Location, Metadata, ServiceAtLocation
from helpnet.directory.tests.factories import AddressFactory, LocationFactory, ServiceFactory


def _create_url(org: Any) -> str:
    with translation.override("en"):
        return reverse("directory:location_create") + f"?org={org.pk}"


def _valid_post(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "Zdravstveni dom Sevnica",
        "address_1": "Trg svobode 14",
        "postal_code": "8290",
        "city": "Sevnica",
        "country": "SI",
        "municipality": "sevnica",
        "latitude": "46.0106",
        "longitude": "15.3126",
        "accessibility": "Dostop brez stopnic.",
        "transportation": "Avtobus do postaje Sevnica.",
    }
    data.update(overrides)
    return data


def test_editor_creates_a_location_with_its_address(editor_client: Client, org_a: Any) -> None:
    response = editor_client.post(_create_url(org_a), _valid_post())
    location = Location.objects.get()
    assert response.status_code == 302
    assert (location.organization, location.municipality.slug, location.latitude) == (
        org_a,
        "sevnica",
        46.0106,
    )
    assert str(Address.objects.get()) == "Trg svobode 14, 8290 Sevnica"
    assert Accessibility.objects.get().description == "Dostop brez stopnic."


def test_location_is_linked_to_the_chosen_services(editor_client: Client, org_a: Any) -> None:
    service = ServiceFactory(organization=org_a)
    editor_client.post(_create_url(org_a), _valid_post(services=[str(service.pk)]))
    assert ServiceAtLocation.objects.get().service == service


def test_unticking_a_service_unlinks_it(editor_client: Client, org_a: Any) -> None:
    service = ServiceFactory(organization=org_a)
    location = LocationFactory(organization=org_a)
    ServiceAtLocation.objects.create(service=service, location=location)
    editor_client.post(reverse("directory:location_edit", args=[location.pk]), _valid_post())
    assert ServiceAtLocation.objects.count() == 0


def test_confidential_location_is_stored_as_confidential(editor_client: Client, org_a: Any) -> None:
    editor_client.post(_create_url(org_a), _valid_post(confidential="on"))
    assert Location.objects.get().confidential is True


def test_editing_writes_metadata_for_changed_fields(editor_client: Client, org_a: Any, editor: Any) -> None:
    location = LocationFactory(organization=org_a, name="Old", latitude=46.0106, longitude=15.3126)
    AddressFactory(location=location)
    editor_client.post(
        reverse("directory:location_edit", args=[location.pk]),
        _valid_post(name="New", accessibility="", transportation=""),
    )
    rows = Metadata.objects.filter(resource_id=location.pk)
    assert {r.field_name for r in rows} == {"name"}
    assert {(r.resource_type, r.updated_by) for r in rows} == {("location", editor.username)}


def test_edit_form_shows_the_stored_address(editor_client: Client, org_a: Any) -> None:
    location = LocationFactory(organization=org_a)
    AddressFactory(location=location, address_1="Glavni trg 1")
    response = editor_client.get(reverse("directory:location_edit", args=[location.pk]))
    assert response.context["form"].initial["address_1"] == "Glavni trg 1"


def test_page_has_a_map_picker_that_fills_the_inputs(editor_client: Client, org_a: Any) -> None:
    page = editor_client.get(_create_url(org_a)).content.decode()
    assert 'data-lat-input="id_latitude"' in page
    assert "leaflet/leaflet.js" in page


# --- bad input ---


def test_latitude_200_is_refused_with_a_clear_message(editor_client: Client, org_a: Any) -> None:
    response = editor_client.post(_create_url(org_a), _valid_post(latitude="200"))
    assert response.context["form"].errors["latitude"] == ["Latitude must be between -90 and 90."]
    assert Location.objects.count() == 0


def test_longitude_out_of_range_is_refused(editor_client: Client, org_a: Any) -> None:
    response = editor_client.post(_create_url(org_a), _valid_post(longitude="-181"))
    assert response.context["form"].errors["longitude"] == ["Longitude must be between -180 and 180."]
    assert Location.objects.count() == 0


def test_only_one_coordinate_is_refused(editor_client: Client, org_a: Any) -> None:
    response = editor_client.post(_create_url(org_a), _valid_post(longitude=""))
    assert response.context["form"].errors["longitude"]
    assert Location.objects.count() == 0


def test_unknown_municipality_is_refused(editor_client: Client, org_a: Any) -> None:
    response = editor_client.post(_create_url(org_a), _valid_post(municipality="atlantis"))
    assert response.context["form"].errors["municipality"]
    assert Location.objects.count() == 0


@pytest.mark.parametrize("field", ["name", "address_1", "city", "postal_code", "municipality"])
def test_missing_required_field_is_refused(editor_client: Client, org_a: Any, field: str) -> None:
    response = editor_client.post(_create_url(org_a), _valid_post(**{field: ""}))
    assert response.context["form"].errors[field] == ["This field is required."]
    assert Location.objects.count() == 0


def test_a_megabyte_of_text_is_refused(editor_client: Client, org_a: Any) -> None:
    response = editor_client.post(_create_url(org_a), _valid_post(transportation="x" * 1_000_000))
    assert response.context["form"].errors["transportation"]
    assert Location.objects.count() == 0


def test_service_of_another_organisation_cannot_be_linked(
    editor_client: Client, org_a: Any, org_b: Any
) -> None:
    foreign = ServiceFactory(organization=org_b)
    response = editor_client.post(_create_url(org_a), _valid_post(services=[str(foreign.pk)]))
    assert response.context["form"].errors["services"]
    assert Location.objects.count() == 0


def test_latitude_error_is_in_slovenian_on_slovenian_pages(editor_client: Client, org_a: Any) -> None:
    with translation.override("sl"):
        url = reverse("directory:location_create") + f"?org={org_a.pk}"
    response = editor_client.post(url, _valid_post(latitude="200", name=""))
    assert "To polje je obvezno." in response.content.decode()
    assert Location.objects.count() == 0


def test_organisation_admin_creates_a_location(org_admin: Any, org_a: Any) -> None:
    client = Client()
    client.force_login(org_admin)
    client.post(_create_url(org_a), _valid_post())
    assert Location.objects.get().organization == org_a
