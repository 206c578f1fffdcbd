"""Changes in monitoring: indicators' defaults, period locks and the measurement workflow.

A measurement goes draft → submitted → validated, or submitted → returned (with a comment) → submitted again.
Nothing is written into a locked period. Each function raises ValidationError with a message for people.
"""

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from helpnet.networks.models import Network
from helpnet.organizations.models import Organization

from .models import (
    DisaggregationCategory,
    DisaggregationOption,
    Indicator,
    Measurement,
    ReportingPeriod,
)

# Seeded for each network the first time it opens monitoring; coordinators may add more in the admin.
DEFAULT_BREAKDOWNS: list[tuple[str, str, list[str]]] = [
    ("sex", "Sex", ["Women", "Men", "Other"]),
    ("age_group", "Age group", ["0–17", "18–64", "65 and over"]),
    ("population", "Population", ["Children and youth", "Adults", "Older people", "Vulnerable groups"]),
]


@transaction.atomic
def seed_breakdowns(network: Network) -> int:
    """Create the default breakdowns (sex, age group, population, the network's municipalities) if missing."""
    created = 0
    for order, (key, name, options) in enumerate(DEFAULT_BREAKDOWNS):
        category, new = DisaggregationCategory.objects.get_or_create(
            network=network, key=key, defaults={"name": name, "order": order}
        )
        created += int(new)
        for position, option in enumerate(options):
            DisaggregationOption.objects.get_or_create(
                category=category, name=option, defaults={"order": position}
            )
    municipalities = list(network.municipalities.order_by("name").values_list("name", flat=True))
    if municipalities:
        category, new = DisaggregationCategory.objects.get_or_create(
            network=network, key="municipality", defaults={"name": "Municipality", "order": 9}
        )
        created += int(new)
        for position, name in enumerate(municipalities):
            DisaggregationOption.objects.get_or_create(
                category=category, name=name, defaults={"order": position}
            )
    return created


def check_value(indicator: Indicator, value: Decimal | None) -> None:
    """A count is never negative and a percentage stays within 0–100."""
    if value is None:
        raise ValidationError(_("Enter a value."), code="required")
    if indicator.unit == Indicator.Unit.PERCENT and not (0 <= value <= 100):
        raise ValidationError(_("A percentage must be between 0 and 100."), code="percent_range")
    if (
        indicator.unit in (Indicator.Unit.COUNT, Indicator.Unit.RATE_PER_1000, Indicator.Unit.CURRENCY)
        and value < 0
    ):
        raise ValidationError(_("A number of people or things cannot be negative."), code="negative")


def check_period_open(period: ReportingPeriod) -> None:
    if period.is_locked:
        raise ValidationError(
            _("The period %(period)s is locked: ask a coordinator to unlock it.") % {"period": period.label},
            code="locked",
        )


def disagg_key(options: Iterable[DisaggregationOption]) -> str:
    return ",".join(str(pk) for pk in sorted(option.pk for option in options))


@transaction.atomic
def save_measurement(
    indicator: Indicator,
    *,
    period: ReportingPeriod,
    organization: Organization | None,
    value: Decimal | None,
    note: str = "",
    options: Iterable[DisaggregationOption] = (),
    by: Any,
    submit: bool = False,
) -> Measurement:
    """Create or update the organisation's measurement for the indicator, period and breakdown.

    A submitted or validated measurement is not overwritten; a returned one may be corrected.
    """
    # Lock the period row so a lock taken at the same moment cannot let a value slip in.
    period = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
    check_period_open(period)
    if period.network_id != indicator.network_id:
        raise ValidationError(_("This period belongs to another network."), code="network")
    if period.indicator_id not in (None, indicator.pk):
        raise ValidationError(_("This period is for another indicator."), code="indicator")
    if indicator.is_automatic:
        raise ValidationError(_("This indicator is computed by helpnet and cannot be reported."), code="auto")
    check_value(indicator, value)
    options = list(options)
    allowed = set(indicator.breakdowns.values_list("pk", flat=True))
    if any(option.category_id not in allowed for option in options):
        raise ValidationError(_("Choose a breakdown of this indicator."), code="breakdown")
    key = disagg_key(options)
    measurement = (
        Measurement.objects.select_for_update()
        .filter(indicator=indicator, period=period, reporting_organization=organization, disagg_key=key)
        .first()
    )
    if measurement is not None and not measurement.is_editable:
        raise ValidationError(
            _("This figure is already %(status)s and can no longer be changed.")
            % {"status": measurement.get_status_display().lower()},
            code="not_editable",
        )
    if measurement is None:
        measurement = Measurement(
            indicator=indicator,
            period=period,
            reporting_organization=organization,
            disagg_key=key,
            created_by=by,
        )
    measurement.value = value  # type: ignore[assignment]
    measurement.note = note
    if submit:
        measurement.status = Measurement.Status.SUBMITTED
        measurement.submitted_by = by
        measurement.submitted_at = timezone.now()
    measurement.save()
    measurement.options.set(options)
    return measurement


def _lock(measurement: Measurement) -> None:
    """Row-lock the measurement until commit and read it as it is now: of two people acting on the same
    figure at once (on two app servers), the second sees what the first did instead of overwriting it."""
    Measurement.objects.select_for_update().get(pk=measurement.pk)
    measurement.refresh_from_db()


@transaction.atomic
def submit_measurement(measurement: Measurement, *, by: Any) -> Measurement:
    _lock(measurement)
    check_period_open(measurement.period)
    if not measurement.is_editable:
        raise ValidationError(_("Only a draft or a returned figure can be submitted."), code="status")
    measurement.status = Measurement.Status.SUBMITTED
    measurement.submitted_by = by
    measurement.submitted_at = timezone.now()
    measurement.save(update_fields=["status", "submitted_by", "submitted_at", "updated_at"])
    return measurement


@transaction.atomic
def validate_measurement(measurement: Measurement, *, by: Any) -> Measurement:
    """A coordinator accepts a submitted figure; from then on it counts on the dashboard."""
    _lock(measurement)
    check_period_open(measurement.period)
    if measurement.status != Measurement.Status.SUBMITTED:
        raise ValidationError(_("Only a submitted figure can be validated."), code="status")
    measurement.status = Measurement.Status.VALIDATED
    measurement.validated_by = by
    measurement.validated_at = timezone.now()
    measurement.save(update_fields=["status", "validated_by", "validated_at", "updated_at"])
    return measurement


@transaction.atomic
def return_measurement(measurement: Measurement, *, by: Any, comment: str) -> Measurement:
    """A coordinator sends a submitted figure back to its organisation with a comment saying what to fix."""
    _lock(measurement)
    check_period_open(measurement.period)
    if measurement.status != Measurement.Status.SUBMITTED:
        raise ValidationError(_("Only a submitted figure can be returned."), code="status")
    if not comment.strip():
        raise ValidationError(_("Say what needs correcting."), code="comment")
    measurement.status = Measurement.Status.RETURNED
    measurement.review_note = comment.strip()
    measurement.validated_by = by
    measurement.validated_at = None
    measurement.save(update_fields=["status", "review_note", "validated_by", "validated_at", "updated_at"])
    return measurement


@transaction.atomic
def lock_period(period: ReportingPeriod, *, by: Any) -> ReportingPeriod:
    if not period.is_locked:
        period.locked_at = timezone.now()
        period.locked_by = by
        period.save(update_fields=["locked_at", "locked_by"])
    return period


@transaction.atomic
def unlock_period(period: ReportingPeriod, *, by: Any) -> ReportingPeriod:
    period.locked_at = None
    period.locked_by = None
    period.save(update_fields=["locked_at", "locked_by"])
    return period


@transaction.atomic
def record_automatic_value(indicator: Indicator, *, period: ReportingPeriod, value: Decimal) -> Measurement:
    """Upsert the computed whole-network figure as validated (safe to run again: an unchanged figure is left
    as it is, so a second run the same night rewrites no timestamp)."""
    now = timezone.now()
    defaults = {
        "value": value,
        "status": Measurement.Status.VALIDATED,
        "source": Indicator.Source.AUTOMATIC,
        "submitted_at": now,
        "validated_at": now,
    }
    key: dict[str, Any] = {
        "indicator": indicator,
        "period": period,
        "reporting_organization": None,
        "disagg_key": "",
    }
    current = Measurement.objects.filter(**key).first()
    if (
        current is not None
        and current.value == value.quantize(Decimal("0.01"))  # as stored (decimal_places=2)
        and current.status == Measurement.Status.VALIDATED
        and current.source == Indicator.Source.AUTOMATIC
    ):
        return current
    measurement, _created = Measurement.objects.update_or_create(**key, defaults=defaults)
    return measurement
