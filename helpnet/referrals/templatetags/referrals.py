"""The "Refer someone" test for the service page: two cheap queries, for signed-in users only."""

from typing import Any

from django import template

from helpnet.organizations.models import Membership

from ..models import ReferralSettings

register = template.Library()


@register.simple_tag(takes_context=True, name="may_refer_to")
def may_refer_to_tag(context: Any, service: Any) -> bool:
    """Is the user an editor or admin of another organisation, and does the service take referrals?"""
    user = context.get("user")
    if user is None or not user.is_authenticated or service is None:
        return False
    acts_elsewhere = (
        Membership.objects.filter(user=user, role__in=[Membership.Role.EDITOR, Membership.Role.ADMIN])
        .exclude(organization_id=service.organization_id)
        .exists()
    )
    if not acts_elsewhere:
        return False
    return not ReferralSettings.objects.filter(service_id=service.pk, accepts_referrals=False).exists()
