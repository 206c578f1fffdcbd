"""Who may see and do what in monitoring. Membership and coordination come from helpnet.networks.permissions.

- Members of a network see its indicators, periods, dashboard and reports.
- A member organisation's staff or representatives report measurements for that organisation only.
- Coordinators define indicators and periods, lock periods, validate or return measurements, and see every
  partner's reporting completeness.
Objects of another network are 404.
"""

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from helpnet.networks.models import Network
from helpnet.networks.permissions import (
    is_coordinator,
    network_for,
    organizations_represented_by,
)
from helpnet.organizations.models import Organization

from .models import Indicator, Measurement, ReportingPeriod

__all__ = [
    "can_report_for",
    "get_indicator_or_404",
    "get_measurement_or_404",
    "get_period_or_404",
    "is_coordinator",
    "network_for",
    "reporting_organizations_for",
]


def get_indicator_or_404(network: Network, pk: int) -> Indicator:
    queryset = Indicator.objects.select_related("network", "responsible_organization")
    return get_object_or_404(queryset, network=network, pk=pk)


def get_period_or_404(network: Network, pk: int) -> ReportingPeriod:
    return get_object_or_404(ReportingPeriod.objects.select_related("network"), network=network, pk=pk)


def get_measurement_or_404(network: Network, pk: int) -> Measurement:
    queryset = Measurement.objects.select_related("indicator", "period", "reporting_organization")
    return get_object_or_404(queryset, indicator__network=network, pk=pk)


def reporting_organizations_for(user: Any, network: Network) -> QuerySet[Organization]:
    """Member organisations the user may report measurements for in the network."""
    return Organization.objects.filter(pk__in=organizations_represented_by(user, network)).order_by("name")


def can_report_for(user: Any, network: Network, organization_id: Any) -> bool:
    return organization_id in organizations_represented_by(user, network)
