"""Read API of referral figures for other apps (planning) and the public service page.

Counts only, never personal data. Periods are by `requested_at` (referrals.md §6), half-open [start, end) in the
site's time zone. Referrals entered in error are never counted. The figures here are raw: a page that shows them
to people outside the two organisations must suppress cells under 5 (analytics.SMALL_CELL).
"""

import datetime as dt
import statistics
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, QuerySet
from django.utils import timezone

from .models import Referral, RejectReason, Status
from .workdays import working_days_between

# Below this many decided referrals the "usually answers within" figure says nothing and is not shown.
MIN_DECIDED_FOR_FIGURE = 5


def day_start(day: dt.date) -> dt.datetime:
    """The first moment of ``day`` in the site's time zone."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def requested_between(start: dt.date, end: dt.date) -> QuerySet[Referral]:
    """Referrals sent in [start, end), without those entered in error."""
    return Referral.objects.filter(
        requested_at__gte=day_start(start), requested_at__lt=day_start(end)
    ).exclude(status=Status.ENTERED_IN_ERROR)


def referral_count(organization_ids: Iterable[Any], start: dt.date, end: dt.date) -> int:
    """Referrals sent in [start, end) whose sender and receiver are both among ``organization_ids``."""
    ids = list(organization_ids)
    return (
        requested_between(start, end)
        .filter(sender_organization_id__in=ids, receiving_organization_id__in=ids)
        .count()
    )


def capacity_rejections(
    start: dt.date, end: dt.date, organization_ids: Iterable[Any] | None = None
) -> list[dict[str, Any]]:
    """Referrals sent in [start, end) and declined for lack of capacity, counted by the person's municipality and
    the need area: rows ``{"municipality_id", "need_term_id", "count"}``, largest first.

    With ``organization_ids``, only referrals received by those organisations (a network's members).
    """
    referrals = requested_between(start, end).filter(
        status=Status.REJECTED, status_reason=RejectReason.NO_CAPACITY
    )
    if organization_ids is not None:
        referrals = referrals.filter(receiving_organization_id__in=list(organization_ids))
    rows = (
        referrals.values("municipality_id", "need_term_id")
        .annotate(count=Count("pk"))
        .order_by("-count", "municipality_id", "need_term_id")
    )
    return [dict(row) for row in rows]


def usual_response_days(service_id: Any) -> float | None:
    """Median working days from sending to the receiver's decision (accept or decline) over the last 12 months,
    for referrals to this service; None when fewer than 5 were decided (too few to say "usually")."""
    since = timezone.now() - dt.timedelta(days=365)
    rows = list(
        Referral.objects.filter(
            service_id=service_id,
            requested_at__gte=since,
            decided_at__isnull=False,
            status__in=decided_statuses(),
        ).values_list("requested_at", "decided_at", "receiving_organization__country")
    )
    if len(rows) < MIN_DECIDED_FOR_FIGURE:
        return None
    days = [
        working_days_between(timezone.localdate(requested), timezone.localdate(decided), country)
        for requested, decided, country in rows
    ]
    return float(statistics.median(days))


def decided_statuses() -> list[str]:
    """Statuses a referral can have once the receiver has decided (it may have moved on after accepting)."""
    return [
        Status.ACCEPTED,
        Status.REJECTED,
        Status.IN_PROGRESS,
        Status.ON_HOLD,
        Status.COMPLETED,
        Status.FAILED,
        Status.CANCELLED,
    ]
