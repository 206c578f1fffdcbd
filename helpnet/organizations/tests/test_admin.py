"""Every model in the admin opens for a superuser: list, search and add pages render."""

from typing import Any

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from helpnet.directory.models import Service
from helpnet.directory.tests.factories import AddressFactory, ScheduleFactory, ServiceAtLocationFactory

MODELS = sorted(
    (model._meta.app_label, model._meta.model_name)
    for model in admin.site._registry
    if model._meta.app_label in {"accounts", "organizations", "directory"}
)


@pytest.fixture
def rows(org_a: Any, editor: Any) -> None:
    link = ServiceAtLocationFactory(service__organization=org_a, location__organization=org_a)
    AddressFactory(location=link.location)
    ScheduleFactory(service=link.service)


@pytest.mark.parametrize(("app", "model"), MODELS)
def test_superuser_can_use_the_admin_pages_of_the_model(
    admin_client: Client, rows: None, app: str, model: str
) -> None:
    changelist = reverse(f"admin:{app}_{model}_changelist")
    add_allowed = model not in {"metadata", "occurrence"}  # derived or logged rows: read only
    assert admin_client.get(changelist).status_code == 200
    assert admin_client.get(changelist, {"q": "a"}).status_code == 200
    assert admin_client.get(reverse(f"admin:{app}_{model}_add")).status_code == (200 if add_allowed else 403)


def test_service_change_page_opens(admin_client: Client, rows: None) -> None:
    service = Service.objects.get()
    assert admin_client.get(reverse("admin:directory_service_change", args=[service.pk])).status_code == 200


def test_editor_cannot_open_the_admin(editor_client: Client) -> None:
    response = editor_client.get(reverse("admin:index"))
    assert response.status_code == 302
