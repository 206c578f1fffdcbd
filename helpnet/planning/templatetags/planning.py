from typing import Any

from django import template

from helpnet.networks.models import Network

from ..models import NeedsAssessmentRound, Strategy

register = template.Library()


@register.simple_tag
def planning_summary(network: Network) -> dict[str, Any]:
    """What the network's members' area shows of planning: the plans that are not archived and the latest
    needs-assessment rounds (two queries)."""
    plans = (
        Strategy.objects.filter(network=network)
        .select_related("network")
        .exclude(status=Strategy.Status.ARCHIVED)
    )
    return {
        "plans": list(plans.order_by("-period_start", "title")[:10]),
        "rounds": list(
            NeedsAssessmentRound.objects.filter(network=network)
            .select_related("network")
            .order_by("-opens_on")[:3]
        ),
    }
