"""Automatic indicators: figures helpnet computes from its own data, stored as validated measurements.

Each computation takes the network and a period and returns a number, or None when the figure cannot be
worked out (no data, or the app that provides it is not installed). The nightly job upserts one whole-network
measurement per open period, so running it twice changes nothing.
"""

import datetime as dt
import logging
from collections.abc import Callable
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone

from helpnet.networks.models import Network
from helpnet.networks.permissions import member_organization_ids

from .actions import record_automatic_value
from .models import Indicator, ReportingPeriod
from .queries import periods_for

logger = logging.getLogger(__name__)

Computation = Callable[[Network, ReportingPeriod], Decimal | None]
SIX_MONTHS = dt.timedelta(days=183)


def referrals_between_partners(network: Network, period: ReportingPeriod) -> Decimal | None:
    """Referrals sent during the period from one member organisation to another."""
    try:
        from helpnet.referrals.stats import referral_count
    except ImportError:  # the referrals app provides it; without it there is no figure
        return None
    # referral_count counts [start, end): the period's last day is included by passing the day after.
    count = referral_count(member_organization_ids(network), period.start, period.end + dt.timedelta(days=1))
    return Decimal(count)


def services_verified_6_months(network: Network, period: ReportingPeriod) -> Decimal | None:
    """Share (%) of the members' active services whose last verification is at most 6 months old."""
    from helpnet.directory.models import Service

    as_of = min(period.end, timezone.localdate())
    services = Service.objects.filter(
        organization_id__in=member_organization_ids(network), status=Service.Status.ACTIVE
    )
    total = services.count()
    if total == 0:
        return None
    verified = services.filter(assured_date__gte=as_of - SIX_MONTHS, assured_date__lte=as_of).count()
    return (Decimal(verified) / Decimal(total) * 100).quantize(Decimal("0.01"))


def searches_without_results(network: Network, period: ReportingPeriod) -> Decimal | None:
    """Share (%) of the help map's searches in the network's municipalities that found nothing."""
    from helpnet.search.models import SearchStat

    stats = SearchStat.objects.filter(day__gte=period.start, day__lte=period.end)
    slugs = list(network.municipalities.values_list("slug", flat=True))
    if slugs:
        stats = stats.filter(municipality__in=slugs)
    totals = stats.aggregate(searches=Sum("searches"), zero=Sum("zero_results"))
    if not totals["searches"]:
        return None
    return (Decimal(totals["zero"] or 0) / Decimal(totals["searches"]) * 100).quantize(Decimal("0.01"))


COMPUTATIONS: dict[str, Computation] = {
    Indicator.AutomaticKey.REFERRALS_BETWEEN_PARTNERS: referrals_between_partners,
    Indicator.AutomaticKey.SERVICES_VERIFIED_6_MONTHS: services_verified_6_months,
    Indicator.AutomaticKey.SEARCHES_WITHOUT_RESULTS: searches_without_results,
}


def compute_automatic_indicators(today: dt.date | None = None) -> str:
    """Upsert the computed figure of every active automatic indicator in each open, started period."""
    today = today or timezone.localdate()
    indicators = Indicator.objects.filter(is_active=True, source=Indicator.Source.AUTOMATIC).select_related(
        "network"
    )
    written = skipped = 0
    for indicator in indicators:
        compute = COMPUTATIONS.get(indicator.automatic_key)
        if compute is None:
            skipped += 1
            continue
        for period in periods_for(indicator).filter(locked_at__isnull=True, start__lte=today):
            value = compute(indicator.network, period)
            if value is None:
                skipped += 1
                continue
            record_automatic_value(indicator, period=period, value=value)
            written += 1
    logger.info("monitoring automatic indicators: %s written, %s skipped", written, skipped)
    return f"{written} computed figures written, {skipped} skipped"
