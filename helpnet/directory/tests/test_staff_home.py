"""The staff home page: the user's organisations with their services and locations."""

import datetime as dt
from typing import Any

from django.test import Client
from django.urls import reverse

from helpnet.directory.tests.factories import LocationFactory, ServiceFactory
from helpnet.organizations.models import Membership
from helpnet.organizations.tests.factories import MembershipFactory


def test_editor_sees_own_services_with_status_and_last_verified(editor_client: Client, org_a: Any) -> None:
    ServiceFactory(organization=org_a, name="Svetovalnica", assured_date=dt.date(2026, 3, 2))
    page = editor_client.get(reverse("directory:staff_home")).content.decode()
    assert "Svetovalnica" in page
    assert "2026" in page
    assert "never" not in page


def test_editor_sees_edit_links(editor_client: Client, org_a: Any) -> None:
    service = ServiceFactory(organization=org_a)
    page = editor_client.get(reverse("directory:staff_home")).content.decode()
    assert reverse("directory:service_edit", args=[service.pk]) in page
    assert reverse("directory:service_hours", args=[service.pk]) in page


def test_viewer_sees_services_without_edit_links(viewer_client: Client, org_a: Any) -> None:
    service = ServiceFactory(organization=org_a, name="Read only service")
    page = viewer_client.get(reverse("directory:staff_home")).content.decode()
    assert "Read only service" in page
    assert reverse("directory:service_edit", args=[service.pk]) not in page
    assert reverse("directory:service_create") not in page


def test_services_of_other_organisations_are_not_listed(editor_client: Client, org_b: Any) -> None:
    ServiceFactory(organization=org_b, name="Someone else's service")
    page = editor_client.get(reverse("directory:staff_home")).content.decode()
    assert "Someone else's service" not in page


def test_staff_home_query_count_does_not_grow_with_rows(
    editor: Any, editor_client: Client, org_a: Any, django_assert_num_queries: Any
) -> None:
    other_org = MembershipFactory(user=editor, role=Membership.Role.VIEWER).organization
    for org in (org_a, other_org):
        ServiceFactory.create_batch(4, organization=org)
        LocationFactory.create_batch(3, organization=org)
    # session, user, memberships + organisations, services, locations + municipalities
    with django_assert_num_queries(5):
        response = editor_client.get(reverse("directory:staff_home"))
    assert response.status_code == 200
