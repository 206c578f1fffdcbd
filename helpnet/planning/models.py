"""Plans of a network: priority areas from needs assessments, strategies and action plans, goals, measures,
activities, milestones and measures proposed by member organisations (partnership.md §7.3, §7.5).

Populations are stored as a list of `WorkingGroup.Population` codes, the same vocabulary the working groups use.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from helpnet.networks.models import Network, WorkingGroup
from helpnet.organizations.models import Municipality, Organization

Population = WorkingGroup.Population

PROGRESS_VALIDATORS = [MinValueValidator(0), MaxValueValidator(100)]
SCORE_VALIDATORS = [MinValueValidator(1), MaxValueValidator(5)]
SCORE_CRITERIA = ("severity", "reach", "feasibility", "inequality")


class NeedsAssessmentRound(models.Model):
    """One round of identifying and scoring priority problem areas (e.g. "Needs assessment 2026")."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open for scoring")
        CLOSED = "closed", _("Closed")

    network = models.ForeignKey(Network, related_name="assessment_rounds", on_delete=models.CASCADE)
    title = models.CharField(_("title"), max_length=255)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["network", "-opens_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")), name="assessment_round_closes_after_opening"
            ),
        ]
        verbose_name = _("needs-assessment round")
        verbose_name_plural = _("needs-assessment rounds")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("planning:round_detail", args=[self.network.slug, self.pk])


class PriorityArea(models.Model):
    """A priority problem area identified in a round, with its evidence, populations and territory."""

    round = models.ForeignKey(NeedsAssessmentRound, related_name="areas", on_delete=models.CASCADE)
    title = models.CharField(_("title"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    evidence = models.TextField(_("evidence"), blank=True)
    populations = models.JSONField(_("populations"), default=list, blank=True)
    municipalities = models.ManyToManyField(
        Municipality, verbose_name=_("municipalities"), related_name="priority_areas", blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["round", "title"]
        verbose_name = _("priority area")
        verbose_name_plural = _("priority areas")

    def __str__(self) -> str:
        return self.title


class PriorityScore(models.Model):
    """One member organisation's scores (1–5) for one priority area; one set per organisation and area."""

    CRITERIA = SCORE_CRITERIA

    area = models.ForeignKey(PriorityArea, related_name="scores", on_delete=models.CASCADE)
    organization = models.ForeignKey(
        Organization, verbose_name=_("organisation"), related_name="priority_scores", on_delete=models.CASCADE
    )
    severity = models.PositiveSmallIntegerField(_("severity"), validators=SCORE_VALIDATORS)
    reach = models.PositiveSmallIntegerField(_("reach"), validators=SCORE_VALIDATORS)
    feasibility = models.PositiveSmallIntegerField(_("feasibility"), validators=SCORE_VALIDATORS)
    inequality = models.PositiveSmallIntegerField(_("inequality"), validators=SCORE_VALIDATORS)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", null=True, blank=True, on_delete=models.SET_NULL
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["area", "organization__name"]
        constraints = [
            models.UniqueConstraint(fields=["area", "organization"], name="one_score_set_per_org_and_area"),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{c}__gte": 1, f"{c}__lte": 5}), name=f"priority_score_{c}_1_to_5"
                )
                for c in SCORE_CRITERIA
            ),
        ]
        verbose_name = _("priority score")
        verbose_name_plural = _("priority scores")

    def __str__(self) -> str:
        return f"{self.area} / {self.organization}"


# The statuses every network starts with (key: English name); shown translated while a network keeps the name.
DEFAULT_STATUS_NAMES = {
    "planned": gettext_noop("Planned"),
    "in_progress": gettext_noop("In progress"),
    "completed": gettext_noop("Completed"),
    "cancelled": gettext_noop("Cancelled"),
}


class StatusDefinition(models.Model):
    """A status of plan items, configurable per network, with the progress it implies by default."""

    network = models.ForeignKey(Network, related_name="plan_statuses", on_delete=models.CASCADE)
    key = models.SlugField(_("key"), max_length=40)
    name = models.CharField(_("name"), max_length=100)
    default_progress = models.PositiveSmallIntegerField(
        _("default progress (%)"), null=True, blank=True, validators=PROGRESS_VALIDATORS
    )
    is_closed = models.BooleanField(_("closed (counts as done)"), default=False)
    is_cancelled = models.BooleanField(_("cancelled (left out of progress)"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["network", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["network", "key"], name="unique_status_key_per_network"),
            models.CheckConstraint(
                condition=Q(default_progress__isnull=True) | Q(default_progress__lte=100),
                name="status_default_progress_0_to_100",
            ),
        ]
        verbose_name = _("status")
        verbose_name_plural = _("statuses")

    def __str__(self) -> str:
        return str(self.display_name)

    @property
    def display_name(self) -> str:
        if self.name == DEFAULT_STATUS_NAMES.get(self.key):
            return gettext(self.name)
        return self.name


class Strategy(models.Model):
    """A strategy, action plan or implementation plan; an action plan may implement another plan."""

    class Kind(models.TextChoices):
        STRATEGY = "strategy", _("Strategy")
        ACTION_PLAN = "action_plan", _("Action plan")
        IMPLEMENTATION_PLAN = "implementation_plan", _("Implementation plan")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        CONSULTATION = "consultation", _("In consultation")
        ADOPTED = "adopted", _("Adopted")
        IN_REVIEW = "in_review", _("Under review")
        ARCHIVED = "archived", _("Archived")

    network = models.ForeignKey(Network, related_name="strategies", on_delete=models.CASCADE)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.STRATEGY)
    implements = models.ForeignKey(
        "self",
        verbose_name=_("implements"),
        related_name="implemented_by",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    title = models.CharField(_("title"), max_length=255)
    summary = models.TextField(_("summary"), blank=True)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    adopted_by = models.ForeignKey(
        "meetings.Decision",
        verbose_name=_("adopted by decision"),
        related_name="adopted_plans",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["network", "-period_start", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="strategy_period_end_after_start"
            ),
        ]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("planning:plan_detail", args=[self.network.slug, self.pk])


class Goal(models.Model):
    # Set by queries.plan_tree: the weighted progress of the goal's measures (None: nothing to count).
    rolled_progress: Decimal | None = None

    strategy = models.ForeignKey(Strategy, related_name="goals", on_delete=models.CASCADE)
    code = models.CharField(_("code"), max_length=30)
    title = models.CharField(_("title"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    populations = models.JSONField(_("populations"), default=list, blank=True)
    priority_areas = models.ManyToManyField(
        PriorityArea, verbose_name=_("priority areas addressed"), related_name="goals", blank=True
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2, default=Decimal(1))

    class Meta:
        ordering = ["strategy", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["strategy", "code"], name="unique_goal_code_per_plan"),
            models.CheckConstraint(condition=Q(weight__gte=0), name="goal_weight_not_negative"),
        ]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class PlanItem(models.Model):
    """Fields shared by measures and activities."""

    # Set by queries.plan_tree: the progress that counts for the item (None when it is left out).
    rolled_progress: Decimal | None = None

    code = models.CharField(_("code"), max_length=30)
    title = models.CharField(_("title"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    populations = models.JSONField(_("populations"), default=list, blank=True)
    start = models.DateField(_("start"), null=True, blank=True)
    end = models.DateField(_("end"), null=True, blank=True)
    budget = models.DecimalField(_("budget (EUR)"), max_digits=12, decimal_places=2, null=True, blank=True)
    status = models.ForeignKey(
        StatusDefinition, verbose_name=_("status"), related_name="+", null=True, on_delete=models.PROTECT
    )
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2, default=Decimal(1))
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), null=True, blank=True, validators=PROGRESS_VALIDATORS
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Measure(PlanItem):
    """An intervention under a goal. Its code is unique within the plan (checked by forms and the import)."""

    class Origin(models.TextChoices):
        PLANNED = "planned", _("Planned")
        PROPOSAL = "proposal", _("Proposed by a member")

    goal = models.ForeignKey(Goal, related_name="measures", on_delete=models.CASCADE)
    origin = models.CharField(_("origin"), max_length=10, choices=Origin.choices, default=Origin.PLANNED)
    lead_organization = models.ForeignKey(
        Organization,
        verbose_name=_("lead organisation"),
        related_name="led_measures",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    partners = models.ManyToManyField(
        Organization, verbose_name=_("partners"), related_name="partner_measures", blank=True
    )
    working_group = models.ForeignKey(
        WorkingGroup,
        verbose_name=_("working group"),
        related_name="measures",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    adopted_by = models.ForeignKey(
        "meetings.Decision",
        verbose_name=_("adopted by decision"),
        related_name="adopted_measures",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )

    class Meta:
        ordering = ["goal", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["goal", "code"], name="unique_measure_code_per_goal"),
            models.CheckConstraint(condition=Q(weight__gte=0), name="measure_weight_not_negative"),
            models.CheckConstraint(
                condition=Q(progress__isnull=True) | Q(progress__lte=100), name="measure_progress_0_to_100"
            ),
            models.CheckConstraint(
                condition=Q(start__isnull=True) | Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="measure_end_after_start",
            ),
        ]
        verbose_name = _("measure")
        verbose_name_plural = _("measures")


class Activity(PlanItem):
    measure = models.ForeignKey(Measure, related_name="activities", on_delete=models.CASCADE)
    lead_organization = models.ForeignKey(
        Organization,
        verbose_name=_("responsible organisation"),
        related_name="led_activities",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    partners = models.ManyToManyField(
        Organization, verbose_name=_("partners"), related_name="partner_activities", blank=True
    )

    class Meta:
        ordering = ["measure", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "code"], name="unique_activity_code_per_measure"),
            models.CheckConstraint(condition=Q(weight__gte=0), name="activity_weight_not_negative"),
            models.CheckConstraint(
                condition=Q(progress__isnull=True) | Q(progress__lte=100), name="activity_progress_0_to_100"
            ),
            models.CheckConstraint(
                condition=Q(start__isnull=True) | Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="activity_end_after_start",
            ),
        ]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")


class Milestone(models.Model):
    """A dated step of a measure or of an activity (exactly one of the two)."""

    measure = models.ForeignKey(
        Measure, related_name="milestones", null=True, blank=True, on_delete=models.CASCADE
    )
    activity = models.ForeignKey(
        Activity, related_name="milestones", null=True, blank=True, on_delete=models.CASCADE
    )
    date = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=255)
    done = models.BooleanField(_("done"), default=False)

    class Meta:
        ordering = ["date", "title"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(measure__isnull=False) & Q(activity__isnull=True))
                | (Q(measure__isnull=True) & Q(activity__isnull=False)),
                name="milestone_of_measure_or_activity",
            ),
        ]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self) -> str:
        return self.title


class MeasureProposal(models.Model):
    """A measure proposed by a member organisation; coordinators accept (it becomes a Measure) or reject it."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        EVALUATING = "evaluating", _("Being evaluated")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    network = models.ForeignKey(Network, related_name="measure_proposals", on_delete=models.CASCADE)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("proposing organisation"),
        related_name="measure_proposals",
        on_delete=models.CASCADE,
    )
    title = models.CharField(_("title"), max_length=255)
    description = models.TextField(_("description"))
    rationale = models.TextField(_("why it is needed"), blank=True)
    populations = models.JSONField(_("populations"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED)
    answer = models.TextField(_("answer"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", null=True, blank=True, on_delete=models.SET_NULL
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", null=True, blank=True, on_delete=models.SET_NULL
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_in = models.ForeignKey(
        "meetings.Meeting",
        verbose_name=_("decided at the meeting"),
        related_name="measure_proposals",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    measure = models.OneToOneField(
        Measure, related_name="proposal", null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status__in=["accepted", "rejected"]) | ~Q(answer=""),
                name="proposal_decision_has_answer",
            ),
        ]
        verbose_name = _("measure proposal")
        verbose_name_plural = _("measure proposals")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("planning:proposal_detail", args=[self.network.slug, self.pk])
