"""Who may see and change which organisation. Roles live on Membership; superusers may do everything."""

from typing import Any

from django.db.models import QuerySet

from .models import Membership, Organization

EDIT_ROLES = frozenset({Membership.Role.EDITOR, Membership.Role.ADMIN})


def memberships_of(user: Any) -> QuerySet[Membership]:
    """The user's memberships with their organisation, by organisation name."""
    if not user.is_authenticated:
        return Membership.objects.none()
    return Membership.objects.filter(user=user).select_related("organization").order_by("organization__name")


def role_in(user: Any, organization_id: Any) -> str | None:
    """The user's role in one organisation, or None when they are not a member."""
    if not user.is_authenticated:
        return None
    return (
        Membership.objects.filter(user=user, organization_id=organization_id)
        .values_list("role", flat=True)
        .first()
    )


def can_edit_organization(user: Any, organization: Organization) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return role_in(user, organization.pk) in EDIT_ROLES


def organizations_visible_to(user: Any) -> QuerySet[Organization]:
    """Organisations whose staff pages the user may open (read-only or not)."""
    if not user.is_authenticated:
        return Organization.objects.none()
    if user.is_superuser:
        return Organization.objects.all()
    return Organization.objects.filter(memberships__user=user).distinct()
