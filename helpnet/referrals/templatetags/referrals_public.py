"""The referrals part of the public service page: "usually answers within N days" and "Ask to be contacted".

One cheap query for the service's referral settings; the response figure is cached per service for a few hours
(a median over a year does not move by the minute, and the service page must stay fast).
"""

import math
from typing import Any

from django import template
from django.core.cache import cache

from .. import stats
from ..models import ReferralSettings

register = template.Library()

USUAL_DAYS_CACHE_SECONDS = 6 * 60 * 60


def usual_days_for(service_id: Any) -> int | None:
    """Whole working days ("usually answers within N days"), rounded up; None when too few referrals."""
    key = f"referrals:usual-days:{service_id}"
    cached = cache.get(key)
    if cached is None:
        value = stats.usual_response_days(service_id)
        cached = (None if value is None else max(1, math.ceil(value)),)
        cache.set(key, cached, USUAL_DAYS_CACHE_SECONDS)
    return cached[0]


@register.inclusion_tag("referrals/selfreferral_box.html")
def referral_service_section(service: Any) -> dict[str, Any]:
    if service is None:
        return {"service": None}
    row = (
        ReferralSettings.objects.filter(service_id=service.pk)
        .values("accepts_referrals", "accepts_self_referrals")
        .first()
    )
    accepts = bool(row and row["accepts_referrals"])
    if row is None:
        accepts = True  # no settings row: the defaults (takes referrals, no self-referrals)
    return {
        "service": service,
        "self_referrals": bool(row and row["accepts_self_referrals"] and row["accepts_referrals"]),
        "usual_days": usual_days_for(service.pk) if accepts else None,
    }
