"""Indicators, reporting periods and measurements of a network's plan (partnership.md §7.4).

An indicator says what is measured and what counts as success (baseline → target, direction); a reporting
period is a window in which organisations report a value; a measurement is one organisation's value for one
indicator and period, optionally for one breakdown (e.g. women aged 65+ in Sevnica).
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from helpnet.networks.models import Network
from helpnet.organizations.models import Organization

DEFAULT_GREEN_PCT = Decimal(90)
DEFAULT_AMBER_PCT = Decimal(60)


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    YEARLY = "yearly", _("Yearly")


class MonitoringSettings(models.Model):
    """Per-network thresholds of the red/amber/green status; a network without a row uses the defaults."""

    network = models.OneToOneField(Network, related_name="monitoring_settings", on_delete=models.CASCADE)
    green_pct = models.DecimalField(_("green from (% achieved)"), max_digits=5, decimal_places=1, default=90)
    amber_pct = models.DecimalField(_("amber from (% achieved)"), max_digits=5, decimal_places=1, default=60)

    class Meta:
        verbose_name = _("monitoring settings")
        verbose_name_plural = _("monitoring settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(green_pct__gte=F("amber_pct")), name="monitoring_green_above_amber"
            ),
        ]

    def __str__(self) -> str:
        return str(self.network)


class DisaggregationCategory(models.Model):
    """A breakdown of the figures, such as sex, age group or municipality; configurable per network."""

    network = models.ForeignKey(Network, related_name="disaggregation_categories", on_delete=models.CASCADE)
    key = models.SlugField(_("key"), max_length=40)
    name = models.CharField(_("name"), max_length=120)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["network", "order", "name"]
        verbose_name = _("breakdown")
        verbose_name_plural = _("breakdowns")
        constraints = [
            models.UniqueConstraint(fields=["network", "key"], name="unique_disaggregation_category_key"),
        ]

    def __str__(self) -> str:
        return self.name


class DisaggregationOption(models.Model):
    category = models.ForeignKey(DisaggregationCategory, related_name="options", on_delete=models.CASCADE)
    name = models.CharField(_("name"), max_length=120)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["category", "order", "name"]
        verbose_name = _("breakdown option")
        verbose_name_plural = _("breakdown options")
        constraints = [
            models.UniqueConstraint(fields=["category", "name"], name="unique_disaggregation_option_name"),
        ]

    def __str__(self) -> str:
        return f"{self.category}: {self.name}"


class Indicator(models.Model):
    class Kind(models.TextChoices):
        POPULATION = "population", _("Population indicator")
        PERFORMANCE = "performance", _("Performance indicator")

    class Unit(models.TextChoices):
        COUNT = "count", _("Number")
        PERCENT = "percent", _("Per cent")
        RATE_PER_1000 = "rate_per_1000", _("Per 1 000 people")
        CURRENCY = "currency", _("Euro")
        SCALE = "scale", _("Score")

    class Direction(models.TextChoices):
        INCREASE = "increase", _("Higher is better")
        DECREASE = "decrease", _("Lower is better")

    class Source(models.TextChoices):
        MANUAL = "manual", _("Reported by organisations")
        AUTOMATIC = "automatic", _("Computed by helpnet")

    class AutomaticKey(models.TextChoices):
        REFERRALS_BETWEEN_PARTNERS = "referrals_between_partners", _("Referrals between partners")
        SERVICES_VERIFIED_6_MONTHS = (
            "services_verified_6_months",
            _("Share of partners' services verified in the last 6 months"),
        )
        SEARCHES_WITHOUT_RESULTS = "searches_without_results", _("Share of searches without results")

    network = models.ForeignKey(Network, related_name="indicators", on_delete=models.CASCADE)
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.PERFORMANCE)
    definition = models.TextField(_("definition"), blank=True)
    unit = models.CharField(_("unit"), max_length=16, choices=Unit.choices, default=Unit.COUNT)
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.INCREASE
    )
    frequency = models.CharField(
        _("reporting frequency"), max_length=10, choices=Frequency.choices, default=Frequency.QUARTERLY
    )
    baseline_value = models.DecimalField(_("baseline"), max_digits=14, decimal_places=2)
    baseline_date = models.DateField(_("baseline date"), null=True, blank=True)
    target_value = models.DecimalField(_("target"), max_digits=14, decimal_places=2)
    target_date = models.DateField(_("target date"), null=True, blank=True)
    breakdowns = models.ManyToManyField(
        DisaggregationCategory, verbose_name=_("breakdowns"), related_name="indicators", blank=True
    )
    goal = models.ForeignKey(
        "planning.Goal",
        verbose_name=_("goal"),
        related_name="indicators",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    measure = models.ForeignKey(
        "planning.Measure",
        verbose_name=_("measure"),
        related_name="indicators",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    responsible_organization = models.ForeignKey(
        Organization,
        verbose_name=_("responsible organisation"),
        related_name="responsible_indicators",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    reporting_organizations = models.ManyToManyField(
        Organization,
        verbose_name=_("organisations that report"),
        related_name="reported_indicators",
        blank=True,
    )
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.MANUAL)
    automatic_key = models.CharField(
        _("computed figure"), max_length=40, choices=AutomaticKey.choices, blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["network", "order", "code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.UniqueConstraint(fields=["network", "code"], name="unique_indicator_code"),
            # Achievement divides by (target − baseline): equal values leave it undefined.
            models.CheckConstraint(
                condition=~Q(target_value=F("baseline_value")), name="indicator_target_differs_from_baseline"
            ),
            models.CheckConstraint(
                condition=Q(source="manual", automatic_key="") | Q(source="automatic") & ~Q(automatic_key=""),
                name="indicator_automatic_has_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("monitoring:indicator_detail", args=[self.network.slug, self.pk])

    @property
    def is_count(self) -> bool:
        return self.unit == self.Unit.COUNT

    @property
    def is_automatic(self) -> bool:
        return self.source == self.Source.AUTOMATIC


class ReportingPeriod(models.Model):
    """A window for reporting: for one indicator, or for every indicator of the network with its frequency."""

    network = models.ForeignKey(Network, related_name="reporting_periods", on_delete=models.CASCADE)
    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("only for indicator"),
        related_name="own_periods",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
    )
    frequency = models.CharField(
        _("for indicators reported"), max_length=10, choices=Frequency.choices, default=Frequency.QUARTERLY
    )
    label = models.CharField(_("label"), max_length=40)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    due_date = models.DateField(_("reports due on"))
    timely_until = models.DateField(
        _("on time until"), null=True, blank=True, help_text=_("Empty: the due date.")
    )
    locked_at = models.DateTimeField(_("locked at"), null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["network", "-start", "label"]
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="reporting_period_end_after_start"),
            models.CheckConstraint(
                condition=Q(due_date__gte=F("start")), name="reporting_period_due_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    def get_absolute_url(self) -> str:
        return reverse("monitoring:period_report", args=[self.network.slug, self.pk])

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None

    @property
    def on_time_until(self):  # type: ignore[no-untyped-def]
        return self.timely_until or self.due_date


class IndicatorTarget(models.Model):
    """An intermediate target for one period (e.g. 2025: 40 workshops, on the way to 100 in 2027)."""

    indicator = models.ForeignKey(Indicator, related_name="period_targets", on_delete=models.CASCADE)
    period = models.ForeignKey(ReportingPeriod, related_name="targets", on_delete=models.CASCADE)
    value = models.DecimalField(_("target"), max_digits=14, decimal_places=2)
    comment = models.CharField(_("comment"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("period target")
        verbose_name_plural = _("period targets")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "period"], name="unique_indicator_period_target"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.period}: {self.value}"


class Measurement(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        VALIDATED = "validated", _("Validated")
        RETURNED = "returned", _("Returned for correction")

    indicator = models.ForeignKey(Indicator, related_name="measurements", on_delete=models.CASCADE)
    period = models.ForeignKey(ReportingPeriod, related_name="measurements", on_delete=models.PROTECT)
    reporting_organization = models.ForeignKey(
        Organization,
        verbose_name=_("reporting organisation"),
        related_name="measurements",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("Empty: a figure for the whole network."),
    )
    options = models.ManyToManyField(
        DisaggregationOption, verbose_name=_("breakdown"), related_name="measurements", blank=True
    )
    # Sorted option ids joined by commas ("" = the total): part of the unique key, as M2M rows cannot be.
    disagg_key = models.CharField(max_length=100, blank=True, default="")
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    source = models.CharField(
        _("source"), max_length=10, choices=Indicator.Source.choices, default=Indicator.Source.MANUAL
    )
    review_note = models.TextField(_("reviewer's comment"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", null=True, blank=True, on_delete=models.SET_NULL
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", null=True, blank=True, on_delete=models.SET_NULL
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", null=True, blank=True, on_delete=models.SET_NULL
    )
    validated_at = models.DateTimeField(_("validated at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["indicator", "-period__start", "reporting_organization__name", "disagg_key"]
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period", "reporting_organization", "disagg_key"],
                condition=Q(reporting_organization__isnull=False),
                name="unique_measurement_per_org",
            ),
            # NULLs are distinct in a unique index: the whole-network figure needs its own constraint.
            models.UniqueConstraint(
                fields=["indicator", "period", "disagg_key"],
                condition=Q(reporting_organization__isnull=True),
                name="unique_measurement_network_wide",
            ),
        ]
        indexes = [models.Index(fields=["period", "status"], name="measurement_period_status")]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.period}: {self.value}"

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)


class ReminderSent(models.Model):
    """One row per reminder e-mailed, so the nightly job never sends the same reminder twice."""

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", _("Due in 7 days")
        OVERDUE = "overdue", _("Overdue")

    period = models.ForeignKey(ReportingPeriod, related_name="reminders", on_delete=models.CASCADE)
    organization = models.ForeignKey(Organization, related_name="+", on_delete=models.CASCADE)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["period", "organization", "kind"], name="unique_reminder_sent"),
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.organization_id} {self.kind}"
