"""Meetings of a network or working group: series, agenda, attendance, minutes, decisions, actions
(partnership.md §4 and §7.2; people are accounts.User rows).

A "body" is the network itself (working_group is null) or one of its working groups: sequence numbers,
the backlog and the carry-over of open action items are per body.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from helpnet.networks.models import Network, NetworkMember, Representative, WorkingGroup
from helpnet.organizations.models import Organization


class Mode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    HYBRID = "hybrid", _("In person and online")


class MeetingSeries(models.Model):
    """A recurring meeting of a body: an RFC 5545 rule in the network's time zone, a template and hosts."""

    network = models.ForeignKey(Network, related_name="meeting_series", on_delete=models.CASCADE)
    working_group = models.ForeignKey(
        WorkingGroup,
        verbose_name=_("working group"),
        related_name="meeting_series",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
    )
    title = models.CharField(_("title"), max_length=255)
    rrule = models.CharField(
        _("repeat rule"),
        max_length=255,
        help_text=_("An iCalendar rule, for example FREQ=MONTHLY;BYDAY=2WE (the second Wednesday)."),
    )
    dtstart = models.DateField(_("first date"))
    start_time = models.TimeField(_("start time"))
    duration_minutes = models.PositiveSmallIntegerField(_("length in minutes"), default=120)
    default_mode = models.CharField(
        _("usual form"), max_length=10, choices=Mode.choices, default=Mode.IN_PERSON
    )
    default_online_url = models.URLField(_("usual online meeting link"), blank=True)
    agenda_template = models.JSONField(
        _("standing agenda items"),
        default=list,
        blank=True,
        help_text=_("Extra standing items, one per line."),
    )
    rotate_hosts = models.BooleanField(_("rotate the host"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["network", "title"]
        verbose_name = _("meeting series")
        verbose_name_plural = _("meeting series")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("meetings:series_detail", args=[self.network.slug, self.pk])


class MeetingSeriesHost(models.Model):
    """An explicit host rotation order for a series. Without rows, the rotation is the active members
    willing to host, by organisation name."""

    series = models.ForeignKey(MeetingSeries, related_name="hosts", on_delete=models.CASCADE)
    member = models.ForeignKey(NetworkMember, related_name="+", on_delete=models.CASCADE)
    position = models.PositiveSmallIntegerField(_("position"))

    class Meta:
        ordering = ["series", "position"]
        constraints = [
            models.UniqueConstraint(fields=["series", "member"], name="meetings_unique_series_host"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.member_id}"


class Meeting(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        INVITED = "invited", _("Invitations sent")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    class MinutesStatus(models.TextChoices):
        NONE = "none", _("Not started")
        DRAFT = "draft", _("Draft")
        CIRCULATED = "circulated", _("Circulated for comments")
        APPROVED = "approved", _("Approved")
        LOCKED = "locked", _("Locked")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public")
        NETWORK = "network", _("Members of the network")
        BODY = "body", _("Members of the group only")

    network = models.ForeignKey(Network, related_name="meetings", on_delete=models.CASCADE)
    working_group = models.ForeignKey(
        WorkingGroup,
        verbose_name=_("working group"),
        related_name="meetings",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
    )
    series = models.ForeignKey(
        MeetingSeries, related_name="meetings", null=True, blank=True, on_delete=models.SET_NULL
    )
    title = models.CharField(_("title"), max_length=255)
    sequence_no = models.PositiveIntegerField(_("number"), default=1)
    start = models.DateTimeField(_("starts"))
    end = models.DateTimeField(_("ends"))
    timezone = models.CharField(_("time zone"), max_length=40, default="Europe/Ljubljana")
    mode = models.CharField(_("form"), max_length=10, choices=Mode.choices, default=Mode.IN_PERSON)
    location_text = models.CharField(_("place"), max_length=255, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    online_url = models.URLField(_("online meeting link"), blank=True)
    host_organization = models.ForeignKey(
        Organization,
        verbose_name=_("host"),
        related_name="hosted_meetings",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    minutes_status = models.CharField(
        _("minutes"), max_length=10, choices=MinutesStatus.choices, default=MinutesStatus.NONE
    )
    minutes_summary = models.TextField(_("summary of the minutes"), blank=True)
    minutes_approved_by = models.ForeignKey(
        "Decision", related_name="approved_minutes_of", null=True, blank=True, on_delete=models.SET_NULL
    )
    visibility = models.CharField(
        _("who can see it"), max_length=10, choices=Visibility.choices, default=Visibility.NETWORK
    )
    ical_uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    ical_sequence = models.PositiveIntegerField(default=0)
    quorum_met = models.BooleanField(_("quorate"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="meetings_meeting_ends_after_start"),
        ]
        indexes = [models.Index(fields=["network", "start"])]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("meetings:meeting_detail", args=[self.network.slug, self.pk])

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def minutes_locked(self) -> bool:
        return self.minutes_status == self.MinutesStatus.LOCKED

    @property
    def minutes_editable(self) -> bool:
        return self.minutes_status in (self.MinutesStatus.NONE, self.MinutesStatus.DRAFT)


class Attendance(models.Model):
    class Role(models.TextChoices):
        CHAIR = "chair", _("Chair")
        MINUTE_TAKER = "minute_taker", _("Minute taker")
        MEMBER = "member", _("Member")
        GUEST = "guest", _("Guest")
        SPEAKER = "speaker", _("Speaker")

    class Rsvp(models.TextChoices):
        NONE = "none", _("No answer")
        YES = "yes", _("Coming")
        NO = "no", _("Not coming")
        MAYBE = "maybe", _("Maybe")

    class Presence(models.TextChoices):
        UNKNOWN = "unknown", _("Not recorded")
        PRESENT = "present", _("Present")
        REMOTE = "remote", _("Present online")
        EXCUSED = "excused", _("Excused")
        ABSENT = "absent", _("Absent")

    meeting = models.ForeignKey(Meeting, related_name="attendances", on_delete=models.CASCADE)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        related_name="meeting_attendances",
        on_delete=models.CASCADE,
    )
    on_behalf_of = models.ForeignKey(
        Organization,
        verbose_name=_("on behalf of"),
        related_name="+",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    representative = models.ForeignKey(
        Representative, related_name="attendances", null=True, blank=True, on_delete=models.SET_NULL
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.MEMBER)
    invited = models.BooleanField(_("invited"), default=False)
    rsvp = models.CharField(_("answer"), max_length=5, choices=Rsvp.choices, default=Rsvp.NONE)
    rsvp_at = models.DateTimeField(null=True, blank=True)
    presence = models.CharField(
        _("presence"), max_length=8, choices=Presence.choices, default=Presence.UNKNOWN
    )

    class Meta:
        ordering = ["meeting", "on_behalf_of__name", "user__last_name", "user__first_name"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="meetings_one_attendance_per_person"),
        ]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")

    def __str__(self) -> str:
        return f"{self.user} @ {self.meeting}"

    @property
    def is_present(self) -> bool:
        return self.presence in (self.Presence.PRESENT, self.Presence.REMOTE)


class AgendaItem(models.Model):
    class Kind(models.TextChoices):
        INFORMATION = "information", _("Information")
        DISCUSSION = "discussion", _("Discussion")
        DECISION = "decision", _("Decision")
        REPORT = "report", _("Report")
        ATTENDANCE = "attendance", _("Attendance and quorum")
        MINUTES_APPROVAL = "minutes_approval", _("Approval of the previous minutes")
        ACTION_REVIEW = "action_review", _("Review of open action items")
        NEXT_MEETING = "next_meeting", _("Next meeting and host")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ACCEPTED = "accepted", _("Accepted")
        DEFERRED = "deferred", _("Deferred")
        DISCUSSED = "discussed", _("Discussed")

    STANDING_KINDS = (Kind.ATTENDANCE, Kind.MINUTES_APPROVAL, Kind.ACTION_REVIEW, Kind.NEXT_MEETING)

    # The body's backlog: meeting is null until the item is put on a meeting's agenda.
    network = models.ForeignKey(Network, related_name="agenda_items", on_delete=models.CASCADE)
    working_group = models.ForeignKey(
        WorkingGroup, related_name="agenda_items", null=True, blank=True, on_delete=models.CASCADE
    )
    meeting = models.ForeignKey(
        Meeting, related_name="agenda_items", null=True, blank=True, on_delete=models.CASCADE
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.DISCUSSION)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED)
    public = models.BooleanField(_("public"), default=True)
    duration_minutes = models.PositiveSmallIntegerField(_("minutes allowed"), null=True, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", null=True, blank=True, on_delete=models.SET_NULL
    )
    proposed_for = models.ForeignKey(
        Organization, related_name="+", null=True, blank=True, on_delete=models.SET_NULL
    )
    presenter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("presenter"),
        related_name="+",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    notes = models.TextField(_("minutes for this item"), blank=True)
    carried_from = models.ForeignKey(
        "self", related_name="carried_to", null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["meeting", "order", "pk"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")

    def __str__(self) -> str:
        return self.title

    @property
    def is_standing(self) -> bool:
        return self.kind in self.STANDING_KINDS


class Decision(models.Model):
    class Method(models.TextChoices):
        CONSENSUS = "consensus", _("Consensus")
        VOTE = "vote", _("Vote")

    class Status(models.TextChoices):
        IN_FORCE = "in_force", _("In force")
        SUPERSEDED = "superseded", _("Superseded")
        REVOKED = "revoked", _("Revoked")

    network = models.ForeignKey(Network, related_name="decisions", on_delete=models.CASCADE)
    meeting = models.ForeignKey(Meeting, related_name="decisions", on_delete=models.CASCADE)
    agenda_item = models.ForeignKey(
        AgendaItem, related_name="decisions", null=True, blank=True, on_delete=models.SET_NULL
    )
    number = models.CharField(_("number"), max_length=40)
    title = models.CharField(_("title"), max_length=255)
    text = models.TextField(_("text"), blank=True)
    method = models.CharField(_("method"), max_length=10, choices=Method.choices, default=Method.CONSENSUS)
    votes_for = models.PositiveSmallIntegerField(_("votes for"), null=True, blank=True)
    votes_against = models.PositiveSmallIntegerField(_("votes against"), null=True, blank=True)
    abstentions = models.PositiveSmallIntegerField(_("abstentions"), null=True, blank=True)
    quorate = models.BooleanField(_("quorate"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.IN_FORCE)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-meeting__start", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["network", "number"], name="meetings_unique_decision_number"),
        ]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class ActionItem(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        BLOCKED = "blocked", _("Blocked")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    OPEN_STATUSES = (Status.OPEN, Status.IN_PROGRESS, Status.BLOCKED)

    network = models.ForeignKey(Network, related_name="action_items", on_delete=models.CASCADE)
    working_group = models.ForeignKey(
        WorkingGroup, related_name="action_items", null=True, blank=True, on_delete=models.CASCADE
    )
    source_meeting = models.ForeignKey(
        Meeting, related_name="action_items", null=True, blank=True, on_delete=models.SET_NULL
    )
    agenda_item = models.ForeignKey(
        AgendaItem, related_name="action_items", null=True, blank=True, on_delete=models.SET_NULL
    )
    decision = models.ForeignKey(
        Decision, related_name="action_items", null=True, blank=True, on_delete=models.SET_NULL
    )
    title = models.CharField(_("what is to be done"), max_length=255)
    description = models.TextField(_("details"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible person"),
        related_name="meeting_actions",
        on_delete=models.PROTECT,
    )
    owner_org = models.ForeignKey(
        Organization,
        verbose_name=_("responsible organisation"),
        related_name="+",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    due_date = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    closed_in_meeting = models.ForeignKey(
        Meeting, related_name="closed_action_items", null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_date", "pk"]
        indexes = [models.Index(fields=["network", "status"])]
        verbose_name = _("action item")
        verbose_name_plural = _("action items")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("meetings:action_detail", args=[self.network.slug, self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class ActionItemUpdate(models.Model):
    action_item = models.ForeignKey(ActionItem, related_name="updates", on_delete=models.CASCADE)
    meeting = models.ForeignKey(Meeting, related_name="+", null=True, blank=True, on_delete=models.SET_NULL)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", null=True, blank=True, on_delete=models.SET_NULL
    )
    date = models.DateField(_("date"))
    note = models.TextField(_("note"), blank=True)
    new_status = models.CharField(
        _("new status"), max_length=12, choices=ActionItem.Status.choices, blank=True
    )
    new_due_date = models.DateField(_("new due date"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["action_item", "created_at", "pk"]
        verbose_name = _("action item update")
        verbose_name_plural = _("action item updates")

    def __str__(self) -> str:
        return f"{self.action_item_id} {self.date}"


class ReminderSent(models.Model):
    """One row per reminder sent, so the nightly job never sends the same one twice."""

    kind = models.CharField(max_length=40)
    object_id = models.CharField(max_length=64)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", null=True, blank=True, on_delete=models.CASCADE
    )
    sent_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id", "recipient", "sent_on"], name="meetings_unique_reminder_sent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id} {self.sent_on}"
