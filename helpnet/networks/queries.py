"""Reads for the network pages, with their related rows fetched up front."""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When

from .models import Network, NetworkMember, Representative, WorkingGroup, WorkingGroupMember
from .permissions import visible_networks

ACTIVE = NetworkMember.Status.ACTIVE

# Coordinators first, then members, then observers; active before suspended before former.
ROLE_ORDER = Case(
    When(role=NetworkMember.Role.COORDINATOR, then=Value(0)),
    When(role=NetworkMember.Role.MEMBER, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)
STATUS_ORDER = Case(
    When(status=ACTIVE, then=Value(0)),
    When(status=NetworkMember.Status.SUSPENDED, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)
PARTICIPANT_ORDER = Case(
    When(role=WorkingGroupMember.Role.CHAIR, then=Value(0)),
    When(role=WorkingGroupMember.Role.SECRETARY, then=Value(1)),
    When(role=WorkingGroupMember.Role.MEMBER, then=Value(2)),
    default=Value(3),
    output_field=IntegerField(),
)


@dataclass
class NetworkNode:
    network: Network
    children: list["NetworkNode"] = field(default_factory=list)


def network_tree_for(user: Any) -> list[NetworkNode]:
    """Visible networks as a tree: regions with their local groups nested; one query.

    A group whose parent the user cannot see stands on its own at the top.
    """
    networks = list(
        visible_networks(user)
        .select_related("coordinator_organization")
        .annotate(active_members=Count("members", filter=Q(members__status=ACTIVE)))
        .order_by("name")
    )
    nodes = {n.pk: NetworkNode(n) for n in networks}
    roots: list[NetworkNode] = []
    for node in nodes.values():
        parent = nodes.get(node.network.parent_id) if node.network.parent_id else None
        (parent.children if parent else roots).append(node)
    return roots


def active_members_of(network: Network) -> QuerySet[NetworkMember]:
    return (
        network.members.filter(status=ACTIVE)
        .select_related("organization")
        .order_by(ROLE_ORDER, "organization__name")
    )


def current_working_groups(network: Network) -> QuerySet[WorkingGroup]:
    return network.working_groups.filter(ended_on__isnull=True).select_related("lead_organization")


def visible_children(network: Network, user: Any) -> QuerySet[Network]:
    return visible_networks(user).filter(parent=network).order_by("name")


def _active_representatives() -> Prefetch[Any]:
    # "-kind": primary before deputy.
    return Prefetch(
        "representatives",
        queryset=Representative.objects.filter(ended_on__isnull=True)
        .select_related("user")
        .order_by("-kind", "user__last_name", "user__first_name"),
        to_attr="current_representatives",
    )


def members_with_representatives(
    network: Network, *, include_former: bool = False
) -> QuerySet[NetworkMember]:
    """Member organisations with `current_representatives` (primary first, then deputies)."""
    members = network.members.all() if include_former else network.members.filter(status=ACTIVE)
    return (
        members.select_related("organization")
        .prefetch_related(_active_representatives())
        .order_by(STATUS_ORDER, ROLE_ORDER, "organization__name")
    )


def _current_participants() -> Prefetch[Any]:
    return Prefetch(
        "participants",
        queryset=WorkingGroupMember.objects.filter(end_date__isnull=True)
        .select_related("user", "on_behalf_of")
        .order_by(PARTICIPANT_ORDER, "user__last_name", "user__first_name"),
        to_attr="current_participants",
    )


def working_groups_with_participants(
    network: Network, *, include_ended: bool = False
) -> QuerySet[WorkingGroup]:
    groups = (
        network.working_groups.all()
        if include_ended
        else network.working_groups.filter(ended_on__isnull=True)
    )
    return groups.select_related("lead_organization", "convenor").prefetch_related(_current_participants())


def working_group_for(network: Network, slug: str) -> WorkingGroup | None:
    return (
        network.working_groups.filter(slug=slug)
        .select_related("lead_organization", "convenor")
        .prefetch_related(_current_participants())
        .first()
    )
