"""Capacity building and shared knowledge of a network (partnership.md §7.5).

Training needs come from member organisations; coordinators group them into training events with registration,
a waiting list, attendance and feedback. Intervision groups meet regularly (their sessions are training events of
kind intervision). Good practices are described against the EU Best Practice Portal criteria, reviewed, and public
once published.
"""

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from helpnet.directory.models import TaxonomyTerm
from helpnet.networks.models import Network
from helpnet.organizations.models import Organization, Translatable


class TrainingNeed(models.Model):
    """What a member organisation's staff need to learn, told to the network in a short form."""

    class Urgency(models.TextChoices):
        LOW = "low", _("Low")
        MEDIUM = "medium", _("Medium")
        HIGH = "high", _("High")

    class Format(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        ONLINE = "online", _("Online")
        HYBRID = "hybrid", _("Hybrid")
        ANY = "any", _("Any")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        PLANNED = "planned", _("Training planned")
        MET = "met", _("Met")
        DECLINED = "declined", _("Declined")

    network = models.ForeignKey(Network, related_name="training_needs", on_delete=models.CASCADE)
    organization = models.ForeignKey(
        Organization, verbose_name=_("organisation"), related_name="training_needs", on_delete=models.CASCADE
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", null=True, blank=True, on_delete=models.SET_NULL
    )
    topic = models.CharField(_("topic"), max_length=200)
    need_area = models.ForeignKey(
        TaxonomyTerm,
        verbose_name=_("theme"),
        related_name="+",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    description = models.TextField(_("what should people learn?"), blank=True)
    target_staff = models.CharField(_("who needs it (roles)"), max_length=200, blank=True)
    people_count = models.PositiveIntegerField(_("number of people"))
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.MEDIUM)
    preferred_format = models.CharField(
        _("preferred format"), max_length=10, choices=Format.choices, default=Format.ANY
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(people_count__gte=1), name="training_need_people_positive"),
        ]
        verbose_name = _("training need")
        verbose_name_plural = _("training needs")

    def __str__(self) -> str:
        return self.topic


class IntervisionGroup(models.Model):
    """A small group of professionals who meet regularly to discuss their cases."""

    network = models.ForeignKey(Network, related_name="intervision_groups", on_delete=models.CASCADE)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("facilitator"),
        related_name="facilitated_intervision_groups",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    members: "models.ManyToManyField[Any, Any]" = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="IntervisionMember",
        related_name="intervision_groups",
        blank=True,
    )
    schedule_note = models.CharField(_("when the group meets"), max_length=200, blank=True)
    rrule = models.CharField(
        _("repeat rule (RFC 5545)"),
        max_length=200,
        blank=True,
        help_text=_("Optional, for example FREQ=MONTHLY;BYDAY=2TU."),
    )
    confidential = models.BooleanField(
        _("confidential"), default=True, help_text=_("Cases discussed in the group stay in the group.")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("intervision group")
        verbose_name_plural = _("intervision groups")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("learning:group_detail", args=[self.pk])


class IntervisionMember(models.Model):
    group = models.ForeignKey(IntervisionGroup, related_name="memberships", on_delete=models.CASCADE)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), related_name="+", on_delete=models.CASCADE
    )
    on_behalf_of = models.ForeignKey(
        Organization,
        verbose_name=_("on behalf of"),
        related_name="+",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["user__last_name", "user__first_name"]
        constraints = [
            models.UniqueConstraint(fields=["group", "user"], name="unique_intervision_member"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.group}"


class TrainingEvent(models.Model):
    """A training, intervision session, workshop or conference of a network."""

    class Kind(models.TextChoices):
        TRAINING = "training", _("Training")
        INTERVISION = "intervision", _("Intervision")
        WORKSHOP = "workshop", _("Workshop")
        CONFERENCE = "conference", _("Conference")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        CANCELLED = "cancelled", _("Cancelled")

    network = models.ForeignKey(Network, related_name="training_events", on_delete=models.CASCADE)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.TRAINING)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    place = models.CharField(_("place"), max_length=255, blank=True)
    online_url = models.URLField(_("online meeting link"), max_length=500, blank=True)
    capacity = models.PositiveIntegerField(_("places"))
    registration_opens = models.DateTimeField(_("registration opens"), null=True, blank=True)
    registration_closes = models.DateTimeField(_("registration closes"), null=True, blank=True)
    trainer = models.CharField(_("trainer"), max_length=200, blank=True)
    organizer = models.ForeignKey(
        Organization,
        verbose_name=_("organiser"),
        related_name="+",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    intervision_group = models.ForeignKey(
        IntervisionGroup,
        verbose_name=_("intervision group"),
        related_name="sessions",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    addressed_needs = models.ManyToManyField(
        TrainingNeed, verbose_name=_("training needs addressed"), related_name="addressed_by", blank=True
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    ical_sequence = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="training_event_end_after_start"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="training_event_capacity_positive"),
            models.CheckConstraint(
                condition=Q(registration_opens__isnull=True)
                | Q(registration_closes__isnull=True)
                | Q(registration_closes__gt=F("registration_opens")),
                name="training_event_registration_window",
            ),
        ]
        verbose_name = _("training event")
        verbose_name_plural = _("training events")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("learning:event_detail", args=[self.pk])


class Registration(models.Model):
    """A person's place (or place in the queue) at a training event: one row per person and event.

    Registered rows count towards capacity; waiting rows are promoted in order of registered_at when a place
    frees up. `attended` is None until the coordinator marks attendance.
    """

    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        WAITING = "waiting", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    event = models.ForeignKey(TrainingEvent, related_name="registrations", on_delete=models.CASCADE)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        related_name="training_registrations",
        on_delete=models.CASCADE,
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("on behalf of"),
        related_name="+",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    registered_at = models.DateTimeField(_("registered at"))
    cancelled_at = models.DateTimeField(null=True, blank=True)
    attended = models.BooleanField(_("attended"), null=True, blank=True)

    class Meta:
        ordering = ["registered_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "user"], name="one_registration_per_person"),
        ]
        indexes = [models.Index(fields=["event", "status", "registered_at"])]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")

    def __str__(self) -> str:
        return f"{self.user} @ {self.event}"


class Feedback(models.Model):
    """An attendee's rating of a past event, given once."""

    registration = models.OneToOneField(Registration, related_name="feedback", on_delete=models.CASCADE)
    rating = models.PositiveSmallIntegerField(
        _("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comments = models.TextField(_("comments"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="feedback_rating_1_to_5"),
        ]
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")

    def __str__(self) -> str:
        return f"{self.rating}/5"


# The EU Best Practice Portal criteria (DG SANTE, 2017): the first five must be met for a practice to be
# considered at all ("exclusion criteria"), the other five qualify it.
CRITERIA: list[tuple[str, Any, Any]] = [
    (
        "relevance",
        _("Relevance"),
        _("Which health or social problem does it address, and why does it matter?"),
    ),
    (
        "intervention",
        _("Intervention characteristics"),
        _("Aims, target population, activities and resources, clearly described."),
    ),
    ("evidence", _("Evidence and theory base"), _("What evidence or theory is the practice built on?")),
    ("ethics", _("Ethical aspects"), _("Consent, privacy, no harm, respect for the people it serves.")),
    (
        "effectiveness",
        _("Effectiveness and efficiency"),
        _("What results did it achieve, and at what cost? Was it evaluated?"),
    ),
    ("equity", _("Equity"), _("Does it reach people in vulnerable situations and reduce inequalities?")),
    ("transferability", _("Transferability"), _("Could others do it elsewhere? What would they need?")),
    ("sustainability", _("Sustainability"), _("How does it continue after the project funding ends?")),
    (
        "intersectoral",
        _("Intersectoral collaboration"),
        _("Which sectors and organisations work together in it?"),
    ),
    (
        "participation",
        _("Participation"),
        _("How do the people it serves take part in planning and doing it?"),
    ),
]
CRITERION_CODES = [code for code, _label, _help in CRITERIA]
EXCLUSION_CRITERIA = CRITERION_CODES[:5]


class GoodPractice(Translatable):
    """A practice a member organisation shares with the network; public once a coordinator publishes it."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted for review")
        IN_REVIEW = "in_review", _("In review")
        PUBLISHED = "published", _("Published")
        RETURNED = "returned", _("Returned for changes")
        ARCHIVED = "archived", _("Archived")

    network = models.ForeignKey(Network, related_name="good_practices", on_delete=models.CASCADE)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("submitting organisation"),
        related_name="good_practices",
        on_delete=models.CASCADE,
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", null=True, blank=True, on_delete=models.SET_NULL
    )
    slug = models.SlugField(_("short name in the address"), max_length=120, unique=True)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), max_length=600)
    description = models.TextField(_("description"))
    populations = models.ManyToManyField(
        TaxonomyTerm, verbose_name=_("populations"), related_name="+", blank=True
    )
    need_areas = models.ManyToManyField(
        TaxonomyTerm, verbose_name=_("need areas"), related_name="good_practices", blank=True
    )
    territory = models.CharField(_("territory"), max_length=200, blank=True)
    period_start = models.DateField(_("since"), null=True, blank=True)
    period_end = models.DateField(_("until"), null=True, blank=True)
    contact = models.CharField(_("contact"), max_length=255, blank=True)
    links = models.TextField(_("links and attachments"), blank=True, help_text=_("One address per line."))
    # The submitter's answer to each EU Best Practice Portal criterion: {criterion code: text}.
    criteria = models.JSONField(_("criteria"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    review_comment = models.TextField(_("reviewers' comments"), blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-published_at", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_start__isnull=True)
                | Q(period_end__isnull=True)
                | Q(period_end__gte=F("period_start")),
                name="good_practice_period",
            ),
        ]
        indexes = [models.Index(fields=["status", "-published_at"])]
        verbose_name = _("good practice")
        verbose_name_plural = _("good practices")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        if self.status == self.Status.PUBLISHED:
            return reverse("learning:practice_detail", args=[self.slug])
        return reverse("learning:practice_manage", args=[self.pk])

    @property
    def link_list(self) -> list[str]:
        return [line.strip() for line in self.links.splitlines() if line.strip()]

    def criteria_answers(self) -> list[tuple[str, str, str]]:
        """(code, label, answer) for each criterion, in the portal's order."""
        return [(code, str(label), self.criteria.get(code, "")) for code, label, _help in CRITERIA]


class PracticeReview(models.Model):
    """A reviewer's scores (0 = not met … 3 = fully met) against each criterion, with a comment."""

    practice = models.ForeignKey(GoodPractice, related_name="reviews", on_delete=models.CASCADE)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, related_name="+", on_delete=models.CASCADE)
    scores = models.JSONField(_("scores"), default=dict)
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["practice", "reviewer"], name="one_review_per_reviewer"),
        ]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")

    def __str__(self) -> str:
        return f"{self.practice} ({self.reviewer})"

    @property
    def total(self) -> int:
        return sum(int(v) for v in self.scores.values())

    @property
    def meets_exclusion_criteria(self) -> bool:
        return all(int(self.scores.get(code, 0)) >= 1 for code in EXCLUSION_CRITERIA)
