from typing import Any

from django import template

from helpnet.networks.models import Network, WorkingGroup

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


@register.filter
def population_labels(codes: Any) -> str:
    """The population codes of an item as words in the page language: "Children and youth, Older people"."""
    labels = dict(WorkingGroup.Population.choices)
    return ", ".join(str(labels.get(code, code)) for code in codes or [])
