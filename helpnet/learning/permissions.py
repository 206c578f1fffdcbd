"""Who sees and does what in learning. Membership comes from helpnet.networks.permissions only.

- Training needs: staff and representatives of a member organisation submit and see their organisation's needs;
  the network's coordinators see all of them. Others: 404.
- Training events: members of the network see and register; coordinators create, mark attendance, read feedback.
- Intervision groups: only their members, the facilitator and the network's coordinators.
- Good practices: published ones are public; any other state is visible to the submitting organisation's
  people and the network's coordinators; everyone else gets 404.
"""

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from helpnet.networks.models import Network
from helpnet.networks.permissions import (
    coordinated_networks,
    is_coordinator,
    member_networks,
    organizations_represented_by,
)
from helpnet.organizations.models import Membership

from .models import GoodPractice, IntervisionGroup, Registration, TrainingEvent, TrainingNeed


def _staff_org_ids(user: Any) -> Any:
    return Membership.objects.filter(user=user).values("organization_id")


# --- training needs ---


def training_needs_visible_to(user: Any, network: Network) -> QuerySet[TrainingNeed]:
    needs = TrainingNeed.objects.filter(network=network)
    if is_coordinator(user, network):
        return needs
    return needs.filter(organization_id__in=organizations_represented_by(user, network))


# --- training events ---


def events_visible_to(user: Any) -> QuerySet[TrainingEvent]:
    """The network's events; an intervision group's sessions only for those who see the group."""
    return TrainingEvent.objects.filter(network__in=member_networks(user)).filter(
        Q(intervision_group__isnull=True) | Q(intervision_group__in=groups_visible_to(user).values("pk"))
    )


def get_event_for_user_or_404(user: Any, pk: int) -> TrainingEvent:
    event = events_visible_to(user).select_related("network", "organizer", "intervision_group").filter(pk=pk)
    found = event.first()
    if found is None:
        raise Http404
    if found.intervision_group and not can_view_group(user, found.intervision_group):
        raise Http404  # a confidential group's sessions are the group's business
    return found


def can_manage_event(user: Any, event: TrainingEvent) -> bool:
    return is_coordinator(user, event.network)


def get_registration_for_user_or_404(user: Any, event: TrainingEvent) -> Registration:
    registration = Registration.objects.filter(event=event, user=user).first()
    if registration is None:
        raise Http404
    return registration


# --- intervision groups ---


def groups_visible_to(user: Any) -> QuerySet[IntervisionGroup]:
    if not user.is_authenticated:
        return IntervisionGroup.objects.none()
    return IntervisionGroup.objects.filter(
        Q(memberships__user=user)
        | Q(facilitator=user)
        | Q(network__in=coordinated_networks(user).values("pk"))
    ).distinct()


def can_view_group(user: Any, group: IntervisionGroup) -> bool:
    return groups_visible_to(user).filter(pk=group.pk).exists()


def get_group_for_user_or_404(user: Any, pk: int) -> IntervisionGroup:
    group = groups_visible_to(user).select_related("network", "facilitator").filter(pk=pk).first()
    if group is None:
        raise Http404
    return group


def can_manage_group(user: Any, group: IntervisionGroup) -> bool:
    return group.facilitator_id == user.pk or is_coordinator(user, group.network)


# --- good practices ---


def published_practices() -> QuerySet[GoodPractice]:
    return GoodPractice.objects.filter(status=GoodPractice.Status.PUBLISHED)


def practices_manageable_by(user: Any) -> QuerySet[GoodPractice]:
    """Practices in any state that the user's organisations submitted or that the user coordinates."""
    if not user.is_authenticated:
        return GoodPractice.objects.none()
    return GoodPractice.objects.filter(
        Q(organization_id__in=_staff_org_ids(user), network__in=member_networks(user).values("pk"))
        | Q(organization_id__in=_represented_org_ids(user))
        | Q(network__in=coordinated_networks(user).values("pk"))
    )


def _represented_org_ids(user: Any) -> Any:
    from helpnet.networks.models import Representative

    return Representative.objects.filter(user=user, ended_on__isnull=True).values("member__organization_id")


def get_practice_for_manager_or_404(user: Any, pk: int) -> GoodPractice:
    practice = practices_manageable_by(user).select_related("network", "organization").filter(pk=pk).first()
    if practice is None:
        raise Http404
    return practice


def can_edit_practice(user: Any, practice: GoodPractice) -> bool:
    """The submitting organisation edits while it holds the pen (draft or returned)."""
    if practice.status not in {GoodPractice.Status.DRAFT, GoodPractice.Status.RETURNED}:
        return False
    return practice.organization_id in organizations_represented_by(user, practice.network)


def can_review_practice(user: Any, practice: GoodPractice) -> bool:
    return is_coordinator(user, practice.network)
