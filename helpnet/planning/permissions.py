"""Who reads and manages plans, priority areas and proposals; built on helpnet.networks.permissions.

- Members of a network read its plans, priority areas and rankings; coordinators manage them.
- The representatives of a member organisation, and its staff with an editor or administrator role, act for it:
  they score priority areas for that organisation only, propose measures for it, and update the status and
  progress of activities it (or the measure above) leads. Staff with the viewer role only read (403).
- Everyone else gets 404 (a plan of another network is not revealed to exist).
"""

from typing import Any

from django.http import Http404
from django.shortcuts import get_object_or_404

from helpnet.networks.models import Network, Representative
from helpnet.networks.permissions import is_coordinator, network_for, organizations_represented_by
from helpnet.organizations.models import Membership

from .models import Activity, Goal, Measure, MeasureProposal, NeedsAssessmentRound, Strategy


def member_network_or_404(user: Any, slug: str) -> Network:
    return network_for(user, slug, need="member")


def coordinated_network_or_404(user: Any, slug: str) -> Network:
    """404 for non-members, so a member who is not a coordinator gets 404 too: views that want 403 for
    members check `is_coordinator` after `member_network_or_404`."""
    return network_for(user, slug, need="coordinate")


def get_plan_or_404(network: Network, pk: int) -> Strategy:
    return get_object_or_404(
        Strategy.objects.select_related("network", "implements__network", "adopted_by__meeting"),
        network=network,
        pk=pk,
    )


def get_goal_or_404(plan: Strategy, pk: int) -> Goal:
    return get_object_or_404(Goal, strategy=plan, pk=pk)


def get_measure_or_404(plan: Strategy, pk: int) -> Measure:
    return get_object_or_404(
        Measure.objects.select_related("goal", "lead_organization", "status"), goal__strategy=plan, pk=pk
    )


def get_activity_or_404(plan: Strategy, pk: int) -> Activity:
    return get_object_or_404(
        Activity.objects.select_related("measure__goal", "measure__lead_organization", "status"),
        measure__goal__strategy=plan,
        pk=pk,
    )


def get_round_or_404(network: Network, pk: int) -> NeedsAssessmentRound:
    return get_object_or_404(NeedsAssessmentRound.objects.select_related("network"), network=network, pk=pk)


def get_proposal_for_user_or_404(user: Any, network: Network, pk: int) -> MeasureProposal:
    """Coordinators see every proposal of the network; members only their own organisations' proposals."""
    proposal = get_object_or_404(
        MeasureProposal.objects.select_related(
            "organization", "network", "measure__goal__strategy__network", "decided_in"
        ),
        network=network,
        pk=pk,
    )
    if not (
        is_coordinator(user, network)
        or proposal.organization_id in organizations_represented_by(user, network)
    ):
        raise Http404
    return proposal


def acting_organizations(user: Any, network: Network, *, represented: set[Any] | None = None) -> set[Any]:
    """Member organisations the user may act for in planning: as representative, or as staff who may edit.

    `represented` is `organizations_represented_by(user, network)` when the caller has it already."""
    organizations = organizations_represented_by(user, network) if represented is None else represented
    if not organizations or user.is_superuser:
        return organizations
    viewer_only = set(
        Membership.objects.filter(
            user=user, role=Membership.Role.VIEWER, organization_id__in=organizations
        ).values_list("organization_id", flat=True)
    )
    if not viewer_only:
        return organizations
    represented = set(
        Representative.objects.filter(
            user=user, ended_on__isnull=True, member__network=network, member__organization_id__in=viewer_only
        ).values_list("member__organization_id", flat=True)
    )
    return organizations - (viewer_only - represented)


def can_manage_plans(user: Any, network: Network) -> bool:
    return is_coordinator(user, network)


def can_update_activity_progress(user: Any, activity: Activity) -> bool:
    """Coordinators, and the people of the organisation leading the activity or its measure."""
    network = activity.measure.goal.strategy.network
    if is_coordinator(user, network):
        return True
    leads = {activity.lead_organization_id, activity.measure.lead_organization_id} - {None}
    return bool(leads & acting_organizations(user, network))


def scoring_organizations(user: Any, network: Network) -> set[Any]:
    """Member organisations the user may score priority areas for (their own only)."""
    return acting_organizations(user, network)
