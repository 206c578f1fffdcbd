"""Data for the meetings slots on the network pages (networks/network_detail.html, network_members.html)."""

from typing import Any

from django import template
from django.utils import timezone

from helpnet.networks.models import Network

from ..models import ActionItem, Meeting

register = template.Library()


@register.simple_tag
def public_meetings(network: Network, limit: int = 3) -> list[Meeting]:
    """The next public meetings of a network: what anyone may see on its public page."""
    return list(
        Meeting.objects.filter(network=network, visibility=Meeting.Visibility.PUBLIC, end__gte=timezone.now())
        .exclude(status__in=[Meeting.Status.DRAFT, Meeting.Status.CANCELLED])
        .select_related("host_organization", "network")
        .order_by("start")[:limit]
    )


@register.simple_tag
def members_meetings(network: Network, user: Any, limit: int = 5) -> dict[str, Any]:
    """For the members' area (the networks page checked membership): upcoming meetings and open actions."""
    upcoming = list(
        Meeting.objects.filter(network=network, end__gte=timezone.now())
        .exclude(status=Meeting.Status.CANCELLED)
        .select_related("host_organization", "network", "working_group")
        .order_by("start")[:limit]
    )
    open_actions = ActionItem.objects.filter(network=network, status__in=ActionItem.OPEN_STATUSES)
    return {
        "upcoming": upcoming,
        "open_actions": open_actions.count(),
        "my_open_actions": open_actions.filter(owner_id=getattr(user, "pk", None)).count(),
    }
