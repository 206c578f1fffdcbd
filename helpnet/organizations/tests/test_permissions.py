"""Who may see and edit which organisation."""

from typing import Any

from django.contrib.auth.models import AnonymousUser

from helpnet.organizations.permissions import (
    can_edit_organization,
    memberships_of,
    organizations_visible_to,
)
from helpnet.organizations.tests.factories import UserFactory


def test_editor_can_edit_own_organisation(editor: Any, org_a: Any) -> None:
    assert can_edit_organization(editor, org_a)


def test_admin_can_edit_own_organisation(org_admin: Any, org_a: Any) -> None:
    assert can_edit_organization(org_admin, org_a)


def test_viewer_cannot_edit_own_organisation(viewer: Any, org_a: Any) -> None:
    assert not can_edit_organization(viewer, org_a)


def test_editor_cannot_edit_another_organisation(editor: Any, org_b: Any) -> None:
    assert not can_edit_organization(editor, org_b)


def test_superuser_can_edit_any_organisation(org_b: Any) -> None:
    assert can_edit_organization(UserFactory(is_superuser=True), org_b)


def test_anonymous_user_can_edit_nothing(org_a: Any) -> None:
    assert not can_edit_organization(AnonymousUser(), org_a)


def test_member_sees_only_own_organisations(viewer: Any, org_a: Any, org_b: Any) -> None:
    assert list(organizations_visible_to(viewer)) == [org_a]


def test_superuser_sees_every_organisation(org_a: Any, org_b: Any) -> None:
    assert set(organizations_visible_to(UserFactory(is_superuser=True))) == {org_a, org_b}


def test_anonymous_user_has_no_memberships(db: Any) -> None:
    assert not memberships_of(AnonymousUser()).exists()


def test_memberships_carry_the_role(editor: Any, org_a: Any) -> None:
    assert [(m.organization, m.role) for m in memberships_of(editor)] == [(org_a, "editor")]
