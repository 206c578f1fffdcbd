"""Who sees and runs which meetings, on top of helpnet.networks.permissions.

- Members of a network see its meetings, agendas, minutes, decisions and action items; a meeting with
  visibility "body" of a working group is seen by that group's participants and the coordinators only.
- Coordinators of the network (and the convenor of a working group, for its meetings) manage meetings.
- Everyone else sees public meetings of public networks (title, date, host, place, public agenda items and
  approved minutes of public items); any other page gives 404.
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from helpnet.networks.models import Network, WorkingGroup
from helpnet.networks.permissions import is_coordinator, is_member, visible_networks

from .models import ActionItem, Meeting


@dataclass(frozen=True)
class Access:
    """What the user may do in one network, worked out once per request."""

    network: Network
    member: bool
    coordinator: bool
    group_ids: frozenset[Any]  # working groups the user takes part in or convenes

    def can_manage(self, working_group_id: Any = None) -> bool:
        return self.coordinator or (working_group_id is not None and working_group_id in self.group_ids)


def access_for(user: Any, slug: str) -> Access:
    """The network and the user's rights in it; 404 when the network is not visible to the user."""
    network = visible_networks(user).filter(slug=slug).first()
    if network is None:
        raise Http404
    member = is_member(user, network)
    # The admin of a coordinating organisation that is not itself a member still runs the network.
    coordinator = is_coordinator(user, network)
    member = member or coordinator
    groups: frozenset[Any] = frozenset()
    if member:
        groups = frozenset(
            WorkingGroup.objects.filter(network=network)
            .filter(Q(convenor=user) | Q(participants__user=user, participants__end_date__isnull=True))
            .values_list("pk", flat=True)
        )
    return Access(network=network, member=member, coordinator=coordinator, group_ids=groups)


def member_access_for(user: Any, slug: str) -> Access:
    access = access_for(user, slug)
    if not access.member:
        raise Http404
    return access


def manager_access_for(user: Any, slug: str, working_group_id: Any = None) -> Access:
    access = member_access_for(user, slug)
    if not access.can_manage(working_group_id):
        raise Http404
    return access


def meetings_visible(access: Access) -> QuerySet[Meeting]:
    meetings = Meeting.objects.filter(network=access.network)
    if access.coordinator:
        return meetings
    if access.member:
        return meetings.exclude(
            Q(visibility=Meeting.Visibility.BODY, working_group__isnull=False)
            & ~Q(working_group_id__in=list(access.group_ids))
        )
    return meetings.filter(visibility=Meeting.Visibility.PUBLIC).exclude(status=Meeting.Status.DRAFT)


def get_meeting_or_404(access: Access, pk: int) -> Meeting:
    meeting = (
        meetings_visible(access).filter(pk=pk).select_related("host_organization", "working_group").first()
    )
    if meeting is None:
        raise Http404
    meeting.network = access.network
    return meeting


def can_manage_meeting(access: Access, meeting: Meeting) -> bool:
    return access.can_manage(meeting.working_group_id)


def can_update_action(user: Any, access: Access, action: ActionItem) -> bool:
    return access.can_manage(action.working_group_id) or (access.member and action.owner_id == user.pk)
