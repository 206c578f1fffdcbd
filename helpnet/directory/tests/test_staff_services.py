"""The service editor: create and edit a service through a form that hides HSDS's tables."""

from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from helpnet.directory.models import Attribute, CostOption, Language, Metadata, Phone, Service, ServiceArea
from helpnet.directory.tests.factories import ServiceFactory


def _valid_post(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "Svetovalnica za starše",
        "description": "Pogovor o vzgoji.",
        "original_language": "sl",
        "eligibility_description": "Starši otrok do 18 let.",
        "target_groups": ["families"],
        "minimum_age": "",
        "maximum_age": "",
        "need_areas": ["parenting"],
        "application_process": "Pokličite.",
        "free_of_charge": "on",
        "fees_description": "",
        "languages": ["sl", "en"],
        "phone": "07 81 61 500",
        "email": "info@example.org",
        "url": "https://example.org",
        "municipalities": ["sevnica"],
        "status": "active",
        "confirmed": "on",
        "name_en": "Parenting advice",
        "description_en": "",
        "name_da": "",
        "description_da": "",
    }
    data.update(overrides)
    return data


def _create_url(org: Any) -> str:
    return reverse("directory:service_create") + f"?org={org.pk}"


def test_editor_creates_a_service_of_their_organisation(editor_client: Client, org_a: Any) -> None:
    response = editor_client.post(_create_url(org_a), _valid_post())
    service = Service.objects.get()
    assert response.status_code == 302
    assert (service.organization, service.name) == (org_a, "Svetovalnica za starše")


def test_new_service_goes_on_to_its_opening_hours(editor_client: Client, org_a: Any) -> None:
    response = editor_client.post(_create_url(org_a), _valid_post())
    service = Service.objects.get()
    assert response["Location"] == reverse("directory:service_hours", args=[service.pk])


def test_new_service_gets_need_area_and_target_group_attributes(editor_client: Client, org_a: Any) -> None:
    editor_client.post(_create_url(org_a), _valid_post())
    attributes = Attribute.objects.filter(link_entity="service").values_list(
        "link_type", "taxonomy_term__code"
    )
    assert set(attributes) == {("need_area", "parenting"), ("target_group", "families")}


def test_free_of_charge_becomes_a_free_cost_option(editor_client: Client, org_a: Any) -> None:
    editor_client.post(_create_url(org_a), _valid_post())
    option = CostOption.objects.get()
    assert (option.option, option.amount, option.currency) == ("free", 0, "EUR")


def test_languages_phone_and_areas_are_stored(editor_client: Client, org_a: Any) -> None:
    editor_client.post(_create_url(org_a), _valid_post())
    assert sorted(Language.objects.values_list("code", flat=True)) == ["en", "sl"]
    assert Phone.objects.get().number == "07 81 61 500"
    assert ServiceArea.objects.get().municipality.slug == "sevnica"


def test_confirming_sets_last_verified_to_today(editor_client: Client, org_a: Any) -> None:
    editor_client.post(_create_url(org_a), _valid_post())
    assert Service.objects.get().assured_date == timezone.localdate()


def test_translations_are_stored_beside_the_original(editor_client: Client, org_a: Any) -> None:
    editor_client.post(_create_url(org_a), _valid_post())
    service = Service.objects.get()
    assert service.original_language == "sl"
    assert service.tr("name", "en") == "Parenting advice"
    assert service.tr("name", "da") == "Svetovalnica za starše"


def test_editor_edits_a_service_and_returns_to_staff_home(editor_client: Client, org_a: Any) -> None:
    service = ServiceFactory(organization=org_a, name="Old name", original_language="sl")
    response = editor_client.post(
        reverse("directory:service_edit", args=[service.pk]), _valid_post(name="New name")
    )
    service.refresh_from_db()
    assert response["Location"] == reverse("directory:staff_home")
    assert service.name == "New name"


def test_edit_form_shows_the_stored_values(editor_client: Client, org_a: Any) -> None:
    editor_client.post(_create_url(org_a), _valid_post())
    service = Service.objects.get()
    response = editor_client.get(reverse("directory:service_edit", args=[service.pk]))
    form = response.context["form"]
    assert form.initial["need_areas"] == ["parenting"]
    assert form.initial["municipalities"] == ["sevnica"]
    assert form.initial["free_of_charge"] is True
    assert form.initial["name_en"] == "Parenting advice"


def test_editing_writes_one_metadata_row_per_changed_field(editor_client: Client, org_a: Any) -> None:
    editor_client.post(_create_url(org_a), _valid_post())
    service = Service.objects.get()
    Metadata.objects.all().delete()
    editor_client.post(
        reverse("directory:service_edit", args=[service.pk]),
        _valid_post(name="Nova svetovalnica", need_areas=["parenting", "youth"]),
    )
    changed = set(Metadata.objects.values_list("field_name", flat=True))
    assert changed == {"name", "need_area"}


# --- bad input: a clear message and nothing saved ---


def test_missing_name_shows_the_error_and_saves_nothing(editor_client: Client, org_a: Any) -> None:
    response = editor_client.post(_create_url(org_a), _valid_post(name=""))
    assert response.status_code == 200
    assert "error-summary" in response.content.decode()
    assert response.context["form"].errors["name"]
    assert Service.objects.count() == 0
    assert Metadata.objects.count() == 0


def test_a_megabyte_of_description_is_refused(editor_client: Client, org_a: Any) -> None:
    with translation.override("en"):
        url = _create_url(org_a)
    response = editor_client.post(url, _valid_post(description="x" * 1_000_000))
    assert (
        "Ensure this value has at most 10000 characters" in response.context["form"].errors["description"][0]
    )
    assert Service.objects.count() == 0


def test_unknown_municipality_is_refused(editor_client: Client, org_a: Any) -> None:
    response = editor_client.post(_create_url(org_a), _valid_post(municipalities=["atlantis"]))
    assert response.context["form"].errors["municipalities"]
    assert Service.objects.count() == 0


def test_minimum_age_above_maximum_age_is_refused(editor_client: Client, org_a: Any) -> None:
    response = editor_client.post(_create_url(org_a), _valid_post(minimum_age="18", maximum_age="6"))
    assert response.context["form"].errors["maximum_age"]
    assert Service.objects.count() == 0


def test_bad_edit_leaves_the_service_unchanged(editor_client: Client, org_a: Any) -> None:
    service = ServiceFactory(organization=org_a, name="Kept")
    editor_client.post(reverse("directory:service_edit", args=[service.pk]), _valid_post(name=""))
    service.refresh_from_db()
    assert service.name == "Kept"
    assert Metadata.objects.count() == 0


def test_errors_are_shown_in_slovenian_on_slovenian_pages(editor_client: Client, org_a: Any) -> None:
    with translation.override("sl"):
        url = _create_url(org_a)
    assert url.startswith("/sl/")
    response = editor_client.post(url, _valid_post(name="", description="x" * 1_000_000))
    page = response.content.decode()
    assert "To polje je obvezno." in page
    assert "Preverite, da ima ta vrednost največ 10000 znakov" in page
    assert Service.objects.count() == 0


def test_municipalities_offered_are_those_of_the_organisations_country(editor: Any, org_a: Any) -> None:
    org_a.country = "DK"
    org_a.save()
    client = Client()
    client.force_login(editor)
    response = client.get(_create_url(org_a))
    slugs = {m.slug for m in response.context["form"].fields["municipalities"].queryset}
    assert slugs == {"randers", "vanlose"}


def test_danish_service_is_created_with_danish_defaults(editor_client: Client, org_a: Any) -> None:
    org_a.country = "DK"
    org_a.save()
    post = _valid_post(original_language="da", municipalities=["randers"], name_sl="", description_sl="")
    editor_client.post(_create_url(org_a), post)
    option = CostOption.objects.get()
    assert option.currency == "DKK"


def test_organisation_admin_edits_a_service(org_admin: Any, org_a: Any) -> None:
    service = ServiceFactory(organization=org_a, name="Old name", original_language="sl")
    client = Client()
    client.force_login(org_admin)
    client.post(reverse("directory:service_edit", args=[service.pk]), _valid_post(name="Admin's name"))
    service.refresh_from_db()
    assert service.name == "Admin's name"
