"""Who sees and runs which network. The other apps (meetings, referrals, planning, learning) use these.

- A *member* of a network is a user who is staff (any organizations.Membership role) of an active member
  organisation, or an active representative of one, or an active working-group member. Members see the
  members' area: all meetings, minutes, decisions, action items, plans and indicators of that network.
- A *coordinator* of a network is a superuser, an active representative of a member with role coordinator,
  or an admin (organizations.Membership role admin) of such an organisation, or of the network's
  coordinator_organization. Coordinators manage members, meetings, plans and see the network's analytics.
- Everyone else sees public networks' public pages only. A non-member asking for a members' page gets 404.
"""

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from helpnet.organizations.models import Membership

from .models import Network, NetworkMember, Representative, WorkingGroupMember

ACTIVE = NetworkMember.Status.ACTIVE


def _staff_org_ids(user: Any, *, admin_only: bool = False) -> Any:
    memberships = Membership.objects.filter(user=user)
    if admin_only:
        memberships = memberships.filter(role=Membership.Role.ADMIN)
    return memberships.values("organization_id")


def member_networks(user: Any) -> QuerySet[Network]:
    """Networks whose members' area the user may open."""
    if not user.is_authenticated:
        return Network.objects.none()
    if user.is_superuser:
        return Network.objects.all()
    via_staff = NetworkMember.objects.filter(status=ACTIVE, organization_id__in=_staff_org_ids(user))
    via_representative = Representative.objects.filter(
        user=user, ended_on__isnull=True, member__status=ACTIVE
    ).values("member__network_id")
    via_working_group = WorkingGroupMember.objects.filter(user=user, end_date__isnull=True).values(
        "working_group__network_id"
    )
    return Network.objects.filter(
        Q(pk__in=via_staff.values("network_id")) | Q(pk__in=via_representative) | Q(pk__in=via_working_group)
    )


def coordinated_networks(user: Any) -> QuerySet[Network]:
    """Networks the user coordinates (manages, and sees analytics of)."""
    if not user.is_authenticated:
        return Network.objects.none()
    if user.is_superuser:
        return Network.objects.all()
    admin_orgs = _staff_org_ids(user, admin_only=True)
    coordinator_members = NetworkMember.objects.filter(status=ACTIVE, role=NetworkMember.Role.COORDINATOR)
    via_representative = Representative.objects.filter(
        user=user, ended_on__isnull=True, member__in=coordinator_members
    ).values("member__network_id")
    via_admin = coordinator_members.filter(organization_id__in=admin_orgs).values("network_id")
    return Network.objects.filter(
        Q(pk__in=via_representative) | Q(pk__in=via_admin) | Q(coordinator_organization_id__in=admin_orgs)
    )


def is_member(user: Any, network: Network) -> bool:
    return member_networks(user).filter(pk=network.pk).exists()


def is_coordinator(user: Any, network: Network) -> bool:
    return coordinated_networks(user).filter(pk=network.pk).exists()


def visible_networks(user: Any) -> QuerySet[Network]:
    """Networks whose public page the user may see: public ones, and the user's own."""
    public = Q(visibility=Network.Visibility.PUBLIC, archived_at__isnull=True)
    if not user.is_authenticated:
        return Network.objects.filter(public)
    return Network.objects.filter(public | Q(pk__in=member_networks(user).values("pk")))


def network_for(user: Any, slug: str, *, need: str = "view") -> Network:
    """The network, or 404 when the user may not do `need` ("view", "member" or "coordinate") in it."""
    querysets = {
        "view": visible_networks,
        "member": member_networks,
        "coordinate": coordinated_networks,
    }
    network = querysets[need](user).filter(slug=slug).first()
    if network is None:
        raise Http404
    return network


def member_organization_ids(network: Network) -> set[Any]:
    """Active member organisations of a network."""
    return set(network.members.filter(status=ACTIVE).values_list("organization_id", flat=True))


def organizations_represented_by(user: Any, network: Network) -> set[Any]:
    """Member organisations the user may act for in the network (as staff or representative)."""
    if not user.is_authenticated:
        return set()
    staff = set(_staff_org_ids(user).values_list("organization_id", flat=True))
    represented = set(
        Representative.objects.filter(
            user=user, ended_on__isnull=True, member__network=network, member__status=ACTIVE
        ).values_list("member__organization_id", flat=True)
    )
    return (staff & member_organization_ids(network)) | represented
