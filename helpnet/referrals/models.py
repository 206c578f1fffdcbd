"""Referrals between organisations: the only place where citizens' personal data live (referrals.md §4).

The status machine is SDOHCC's Task machine plus `received` (referrals.md §1.9); `Referral.status` changes only in
`actions.py`, and each change writes a `ReferralEvent` in the same transaction.
"""

import secrets
import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# No 0/O, 1/I/L: the reference is read over the phone.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_reference() -> str:
    """A short human code such as "R7KD3Q2"; random, so it reveals neither person nor volume."""
    return "R" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    REQUESTED = "requested", _("Sent")
    RECEIVED = "received", _("Received")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Declined")
    IN_PROGRESS = "in_progress", _("In progress")
    ON_HOLD = "on_hold", _("On hold")
    COMPLETED = "completed", _("Completed")
    FAILED = "failed", _("Could not be completed")
    CANCELLED = "cancelled", _("Cancelled")
    ENTERED_IN_ERROR = "entered_in_error", _("Entered in error")


TERMINAL_STATUSES = frozenset(
    {Status.REJECTED, Status.COMPLETED, Status.FAILED, Status.CANCELLED, Status.ENTERED_IN_ERROR}
)
# Waiting for the receiver's decision (the "new" and "overdue" inbox tabs).
UNDECIDED_STATUSES = frozenset({Status.REQUESTED, Status.RECEIVED})


class Source(models.TextChoices):
    STAFF = "staff", _("Staff of an organisation")
    SELF = "self", _("The person themselves")


class Urgency(models.TextChoices):
    ROUTINE = "routine", _("Routine")
    SOON = "soon", _("Soon")
    URGENT = "urgent", _("Urgent")


class RejectReason(models.TextChoices):
    NO_CAPACITY = "no_capacity", _("No capacity or waiting list full")
    NOT_ELIGIBLE = "not_eligible", _("Not eligible")
    OUT_OF_AREA = "out_of_area", _("Outside our service area")
    NOT_OFFERED = "not_offered", _("We do not offer this service")
    MISSING_INFO = "missing_info", _("Not enough information")
    DUPLICATE = "duplicate", _("Duplicate referral")
    ALREADY_SERVED = "already_served", _("Person already known to us or served")
    OTHER = "other", _("Other")


class CancelReason(models.TextChoices):
    CONSENT_WITHDRAWN = "consent_withdrawn", _("The person withdrew their agreement")
    NEED_RESOLVED = "need_resolved", _("The need was resolved")
    REFERRED_ELSEWHERE = "referred_elsewhere", _("Referred elsewhere")
    WRONG_ORGANIZATION = "wrong_organization", _("Sent to the wrong organisation")
    NO_RESPONSE = "no_response", _("No response in time")
    MOVED_OR_DECEASED = "moved_or_deceased", _("The person moved away or died")
    OTHER = "other", _("Other")


class HoldReason(models.TextChoices):
    WAITLIST = "waitlist", _("On the waiting list")
    AWAITING_PERSON = "awaiting_person", _("Waiting for the person (documents, contact)")
    AWAITING_PARTNER = "awaiting_partner", _("Waiting for another organisation")
    PERSON_UNAVAILABLE = "person_unavailable", _("The person is away or ill for now")
    OTHER = "other", _("Other")


class FailReason(models.TextChoices):
    UNABLE_TO_CONTACT = "unable_to_contact", _("Could not reach the person")
    DECLINED = "declined", _("The person declined the service")
    NO_SHOW = "no_show", _("The person did not come")
    LOST_ELIGIBILITY = "lost_eligibility", _("No longer eligible")
    OTHER = "other", _("Other")


class ErrorReason(models.TextChoices):
    WRONG_PERSON = "wrong_person", _("Wrong person")
    WRONG_DETAILS = "wrong_details", _("Wrong details")
    TEST = "test", _("Test or training entry")
    OTHER = "other", _("Other")


class Outcome(models.TextChoices):
    NEED_MET = "need_met", _("Service delivered, need met")
    NEED_PARTLY_MET = "need_partly_met", _("Service delivered, need partly met")
    ENROLLED = "enrolled", _("Enrolled in a programme")
    ADVICE_ONLY = "advice_only", _("Advice or information only")


class BusinessStatus(models.TextChoices):
    OPENED = "opened", _("Opened")
    CONTACT_ATTEMPTED = "contact_attempted", _("Contact attempted")
    CONTACT_MADE = "contact_made", _("Contact made")
    APPOINTMENT_BOOKED = "appointment_booked", _("Appointment booked")
    NO_SHOW = "no_show", _("Did not attend")
    NEEDS_PERSON_ACTION = "needs_person_action", _("Waiting for documents from the person")
    PENDING_START = "pending_start", _("Eligible, waiting to start")
    INTERIM_UPDATE = "interim_update", _("Interim update")


# Every coded reason, for the single `status_reason` / `reason_code` columns.
STATUS_REASONS: dict[str, type[models.TextChoices]] = {
    Status.REJECTED: RejectReason,
    Status.CANCELLED: CancelReason,
    Status.ON_HOLD: HoldReason,
    Status.FAILED: FailReason,
    Status.ENTERED_IN_ERROR: ErrorReason,
}


def reason_label(status: str, code: str) -> str:
    """The readable label of a coded reason for a status, or the code itself when unknown."""
    choices = STATUS_REASONS.get(status)
    if choices is not None and code in choices.values:
        return str(choices(code).label)
    return code


class PreferredContact(models.TextChoices):
    PHONE = "phone", _("Phone call")
    SMS = "sms", _("Text message")
    EMAIL = "email", _("E-mail")
    POST = "post", _("Letter")
    IN_PERSON = "in_person", _("In person")


class LegalBasis(models.TextChoices):
    CONSENT = "consent", _("Consent of the person (GDPR 6(1)(a), 9(2)(a))")
    VITAL_INTEREST = "vital_interest", _("Vital interest (GDPR 6(1)(d), 9(2)(c))")
    LEGAL_OBLIGATION = "legal_obligation", _("Legal obligation (GDPR 6(1)(c))")
    PUBLIC_TASK = "public_task", _("Public task (GDPR 6(1)(e))")
    HEALTH_CARE = "health_care", _("Health or social care (GDPR 9(2)(h))")


class ConsentMethod(models.TextChoices):
    VERBAL = "verbal", _("Said so in person or by phone")
    WRITTEN = "written", _("Signed form")
    ELECTRONIC = "electronic", _("Electronically")


class Referral(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(
        _("reference"), max_length=12, unique=True, default=new_reference, editable=False
    )
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.STAFF)
    sender_organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("sending organisation"),
        related_name="sent_referrals",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    sender_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        related_name="sent_referrals",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    receiving_organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("receiving organisation"),
        related_name="received_referrals",
        on_delete=models.PROTECT,
    )
    # Null = refer to the organisation's intake ("afklarende samtale", referrals.md §2.4).
    service = models.ForeignKey(
        "directory.Service",
        verbose_name=_("service"),
        related_name="referrals",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    need_term = models.ForeignKey(
        "directory.TaxonomyTerm",
        verbose_name=_("need area"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    municipality = models.ForeignKey(
        "organizations.Municipality",
        verbose_name=_("municipality where the person lives"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    # SDOHCC partOf: a forwarded child referral.
    parent = models.ForeignKey(
        "self",
        verbose_name=_("forwarded from"),
        related_name="children",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    # A re-referral after a rejection or failure is a new referral, never a reopened one.
    previous = models.ForeignKey(
        "self",
        verbose_name=_("earlier referral"),
        related_name="next_referrals",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )

    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    status_reason = models.CharField(_("reason"), max_length=30, blank=True)
    outcome = models.CharField(_("outcome"), max_length=30, choices=Outcome.choices, blank=True)
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.ROUTINE)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        related_name="assigned_referrals",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )

    # Personal data: minimum fields, pseudonymised after the retention period (referrals.md §4.3).
    person_name = models.CharField(_("name"), max_length=200)
    person_phone = models.CharField(_("phone"), max_length=40, blank=True)
    person_email = models.EmailField(_("e-mail"), blank=True)
    preferred_contact = models.CharField(
        _("preferred way to be contacted"),
        max_length=10,
        choices=PreferredContact.choices,
        default=PreferredContact.PHONE,
    )
    preferred_time = models.CharField(_("best time to contact"), max_length=200, blank=True)
    person_language = models.CharField(_("language"), max_length=8, blank=True)
    interpreter_needed = models.BooleanField(_("needs an interpreter"), default=False)
    reason = models.TextField(_("reason for the referral"), blank=True)

    legal_basis = models.CharField(_("legal basis"), max_length=20, choices=LegalBasis.choices, blank=True)
    # The citizen's agreement is recorded apart from the legal basis (referrals.md §4.1).
    consent_given = models.BooleanField(_("the person agreed to be referred"), default=False)
    consent_method = models.CharField(
        _("how they agreed"), max_length=10, choices=ConsentMethod.choices, blank=True
    )
    consent_at = models.DateTimeField(_("when they agreed"), null=True, blank=True)
    consent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agreement recorded by"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    consent_scope = models.TextField(_("what they agreed to"), blank=True)

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    requested_at = models.DateTimeField(_("sent"), null=True, blank=True)
    first_viewed_at = models.DateTimeField(_("first opened"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    response_due_at = models.DateTimeField(_("answer due"), null=True, blank=True)

    # Raised on every transition; transitions update only `filter(pk=…, version=expected)`, so of two concurrent
    # transitions exactly one wins.
    version = models.PositiveIntegerField(default=1)
    pseudonymised_at = models.DateTimeField(_("pseudonymised"), null=True, blank=True)
    restricted_at = models.DateTimeField(_("processing restricted"), null=True, blank=True)

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["receiving_organization", "status", "requested_at"], name="referral_inbox_idx"
            ),
            models.Index(fields=["sender_organization", "status"], name="referral_sent_idx"),
            models.Index(fields=["assigned_to"], name="referral_assigned_idx"),
            # The "all" tab walks each half by latest change (queries.AllTab).
            models.Index(
                fields=["receiving_organization", "updated_at"], name="referral_received_recent_idx"
            ),
            models.Index(fields=["sender_organization", "updated_at"], name="referral_sent_recent_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(source="self") | models.Q(sender_organization__isnull=False),
                name="referral_staff_has_sender_org",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="completed") | ~models.Q(outcome=""),
                name="referral_completed_has_outcome",
            ),
        ]

    def __str__(self) -> str:
        # The reference only: a referral's str() may end up in logs.
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("referrals:referral_detail", kwargs={"pk": self.pk})

    @property
    def is_terminal(self) -> bool:
        return self.status in TERMINAL_STATUSES

    @property
    def status_reason_label(self) -> str:
        return reason_label(self.status, self.status_reason) if self.status_reason else ""


class ReferralEvent(models.Model):
    """One transition or business-status step; append-only (the referral's history, SDOHCC Task history)."""

    id = models.BigAutoField(primary_key=True)
    referral = models.ForeignKey(Referral, related_name="events", on_delete=models.CASCADE)
    at = models.DateTimeField(_("when"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.SET_NULL, null=True, blank=True
    )
    actor_organization = models.ForeignKey(
        "organizations.Organization", related_name="+", on_delete=models.SET_NULL, null=True, blank=True
    )
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices)
    reason_code = models.CharField(max_length=30, blank=True)
    # Free text: pseudonymised together with the referral.
    note = models.TextField(_("note"), blank=True)
    business_status = models.CharField(max_length=30, choices=BusinessStatus.choices, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["referral", "at"], name="referral_event_idx")]

    def __str__(self) -> str:
        return f"{self.referral_id}: {self.from_status} -> {self.to_status}"

    @property
    def reason_label(self) -> str:
        return reason_label(self.to_status, self.reason_code) if self.reason_code else ""


class ReferralMessage(models.Model):
    id = models.BigAutoField(primary_key=True)
    referral = models.ForeignKey(Referral, related_name="messages", on_delete=models.CASCADE)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.SET_NULL, null=True, blank=True
    )
    organization = models.ForeignKey(
        "organizations.Organization", related_name="+", on_delete=models.SET_NULL, null=True, blank=True
    )
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["referral", "created_at"], name="referral_message_idx")]

    def __str__(self) -> str:
        return f"message {self.pk} on {self.referral_id}"


class AppendOnlyError(Exception):
    """An attempt to change or delete an access-log row."""


class AccessLogEntry(models.Model):
    """Who read or changed which referral (ZVOP-2 Art. 22 "dnevnik obdelave"); append-only, no personal data.

    `referral_id` is a plain UUID, not a foreign key, so the log outlives the referral's erasure. A list view
    writes one row per listed referral (action "list"), so a person's log shows every list they appeared on.
    """

    class Action(models.TextChoices):
        VIEW = "view", _("Viewed")
        LIST = "list", _("Listed")
        EXPORT = "export", _("Exported")
        PRINT = "print", _("Printed")
        CHANGE = "change", _("Changed")
        MESSAGE = "message", _("Wrote a message")
        ERASE = "erase", _("Erased")
        RESTRICT = "restrict", _("Restricted")

    id = models.BigAutoField(primary_key=True)
    referral_id = models.UUIDField(db_index=True)
    organization = models.ForeignKey(
        "organizations.Organization", related_name="+", on_delete=models.SET_NULL, null=True, blank=True
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.SET_NULL, null=True, blank=True
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")

    def __str__(self) -> str:
        return f"{self.action} {self.referral_id} by {self.user_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("Access log entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError("Access log entries cannot be deleted.")


class ReferralSettings(models.Model):
    """How a service takes referrals; no row = the defaults below."""

    id = models.BigAutoField(primary_key=True)
    service = models.OneToOneField(
        "directory.Service", related_name="referral_settings", on_delete=models.CASCADE
    )
    accepts_referrals = models.BooleanField(_("accepts referrals from other organisations"), default=True)
    accepts_self_referrals = models.BooleanField(_("people may ask to be contacted"), default=False)
    response_working_days = models.PositiveSmallIntegerField(_("answer within (working days)"), default=3)
    capacity_note = models.TextField(_("capacity note shown before sending"), blank=True)

    class Meta:
        verbose_name = _("referral settings")
        verbose_name_plural = _("referral settings")

    def __str__(self) -> str:
        return f"referral settings of {self.service_id}"


class ReminderSent(models.Model):
    """One reminder, escalation, nudge or digest sent; the unique key makes the nightly job safe to rerun."""

    class Kind(models.TextChoices):
        REMINDER = "reminder", _("Reminder")
        ESCALATION = "escalation", _("Escalation")
        NUDGE = "nudge", _("Nudge")
        DIGEST = "digest", _("Digest")

    id = models.BigAutoField(primary_key=True)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    referral = models.ForeignKey(
        Referral, related_name="reminders", on_delete=models.CASCADE, null=True, blank=True
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.CASCADE, null=True, blank=True
    )
    sent_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "referral", "recipient", "sent_on"], name="referral_reminder_once_a_day"
            ),
            # NULLs are distinct in a unique index, so digests (no referral) need their own partial index.
            models.UniqueConstraint(
                fields=["kind", "recipient", "sent_on"],
                condition=models.Q(referral__isnull=True),
                name="referral_digest_once_a_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.referral_id} {self.sent_on}"
