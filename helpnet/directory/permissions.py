"""Loading directory objects for staff: another organisation's object is a 404, a read-only role a 403."""

from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from helpnet.organizations.models import Membership, Organization
from helpnet.organizations.permissions import EDIT_ROLES, memberships_of, role_in

from .models import Location, Service


def _check_editor(user: Any, organization_id: UUID | None) -> None:
    if user.is_superuser:
        return
    role = role_in(user, organization_id) if organization_id else None
    if role is None:
        # Not the user's: do not reveal that it exists.
        raise Http404
    if role not in EDIT_ROLES:
        raise PermissionDenied


def get_organization_for_editor_or_404(user: Any, pk: Any) -> Organization:
    """The organisation the user may add services or locations to (``pk`` may be a bad string)."""
    try:
        pk = UUID(str(pk))
    except ValueError:
        raise Http404 from None
    organization = get_object_or_404(Organization, pk=pk)
    _check_editor(user, organization.pk)
    return organization


def get_service_for_editor_or_404(user: Any, pk: UUID) -> Service:
    service = get_object_or_404(Service.objects.select_related("organization"), pk=pk)
    _check_editor(user, service.organization_id)
    return service


def get_location_for_editor_or_404(user: Any, pk: UUID) -> Location:
    location = get_object_or_404(Location.objects.select_related("organization", "municipality"), pk=pk)
    _check_editor(user, location.organization_id)
    return location


def can_edit_service(user: Any, service: Service) -> bool:
    if not user.is_authenticated:
        return False
    return bool(user.is_superuser or role_in(user, service.organization_id) in EDIT_ROLES)


def services_visible_to(user: Any) -> QuerySet[Service]:
    """Services of the user's organisations, whatever their status (staff see inactive ones too)."""
    if not user.is_authenticated:
        return Service.objects.none()
    if user.is_superuser:
        return Service.objects.all()
    return Service.objects.filter(organization__memberships__user=user)


def memberships_with_directory(user: Any) -> QuerySet[Membership]:
    """The user's memberships with each organisation's services and locations (staff home page)."""
    return memberships_of(user).prefetch_related(
        Prefetch("organization__services", queryset=Service.objects.order_by("name")),
        Prefetch(
            "organization__locations",
            queryset=Location.objects.select_related("municipality").order_by("name"),
        ),
    )
