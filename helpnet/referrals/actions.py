"""Every change to a referral: the status machine (referrals.md §1.9), messages, assignment, the access log.

`Referral.status` changes only here. Each transition is a conditional update on `version`, so of two people
acting on the same referral at once exactly one wins and the other gets a clear message; it writes a
`ReferralEvent` and an access-log row in the same transaction and announces itself on `referral_changed`
after commit. Logs carry ids, never names, contact details or reasons.
"""

import datetime as dt
import logging
from collections.abc import Iterable
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from helpnet.directory.models import Service
from helpnet.organizations.models import Membership, Organization

from . import workdays
from .models import (
    TERMINAL_STATUSES,
    AccessLogEntry,
    BusinessStatus,
    CancelReason,
    ErrorReason,
    FailReason,
    HoldReason,
    LegalBasis,
    Outcome,
    PreferredContact,
    Referral,
    ReferralEvent,
    ReferralMessage,
    ReferralSettings,
    RejectReason,
    Source,
    Status,
)
from .permissions import Sides, may, sides_of
from .signals import referral_changed

logger = logging.getLogger(__name__)

DEFAULT_RESPONSE_WORKING_DAYS = 3
# Legal bases under which a referral may go without the person's agreement, with the reason written down.
AGREEMENT_EXEMPT_BASES = frozenset({LegalBasis.VITAL_INTEREST, LegalBasis.LEGAL_OBLIGATION})
PERSONAL_FIELDS = (
    "person_name",
    "person_phone",
    "person_email",
    "preferred_contact",
    "preferred_time",
    "person_language",
    "interpreter_needed",
    "reason",
)
CONSENT_FIELDS = ("legal_basis", "consent_given", "consent_method", "consent_at", "consent_scope")
EDITABLE_FIELDS = (*PERSONAL_FIELDS, *CONSENT_FIELDS, "urgency", "need_term", "municipality")


class ReferralError(ValidationError):
    """A broken rule of the referral workflow; the message is for the person who tried."""


class StaleReferralError(ReferralError):
    """Someone else changed the referral between reading and acting."""


# --- helpers ---


def add_working_days(start: dt.datetime, days: int, country: str) -> dt.datetime:
    """`start` moved forward by `days` working days (weekends and the country's public holidays skipped),
    at the same time of day."""
    local_start = timezone.localtime(start)
    target = workdays.add_working_days(local_start.date(), days, country)
    return start + dt.timedelta(days=(target - local_start.date()).days)


def response_working_days(service_id: UUID | None) -> int:
    if service_id is None:
        return DEFAULT_RESPONSE_WORKING_DAYS
    value = (
        ReferralSettings.objects.filter(service_id=service_id)
        .values_list("response_working_days", flat=True)
        .first()
    )
    return DEFAULT_RESPONSE_WORKING_DAYS if value is None else value


def accepts_referrals(service: Service) -> bool:
    """No settings row means yes: a service takes referrals unless it says otherwise."""
    return not ReferralSettings.objects.filter(service=service, accepts_referrals=False).exists()


def _actor_organization_id(sides: Sides, referral: Referral, *, prefer: str) -> UUID | None:
    sender_id = referral.sender_organization_id if sides.sender else None
    receiver_id = referral.receiving_organization_id if sides.receiver else None
    if prefer == "receiver":
        return receiver_id or sender_id
    return sender_id or receiver_id


def _announce(
    referral_id: UUID, *, kind: str, event_id: int | None = None, message_id: int | None = None
) -> None:
    def send() -> None:
        extra: dict[str, Any] = {"message_id": message_id} if kind == "message" else {"event_id": event_id}
        referral_changed.send(sender=Referral, referral_id=referral_id, kind=kind, **extra)

    transaction.on_commit(send)


def log_access(
    referrals: Iterable[Referral], *, user: Any, action: str, roles: dict[UUID, str] | None = None
) -> None:
    """Append one access-log row per referral (the organisation is the user's side of it; none for support)."""
    from .permissions import organization_roles

    user_id = user.pk if user is not None and user.is_authenticated else None
    if roles is None:
        roles = organization_roles(user) if user_id else {}
    rows = []
    for referral in referrals:
        if referral.receiving_organization_id in roles:
            org_id = referral.receiving_organization_id
        elif referral.sender_organization_id in roles:
            org_id = referral.sender_organization_id
        else:
            org_id = None
        rows.append(
            AccessLogEntry(referral_id=referral.pk, organization_id=org_id, user_id=user_id, action=action)
        )
    AccessLogEntry.objects.bulk_create(rows)


def _require_reason(code: str, choices: Any, note: str, what: str) -> None:
    if code not in choices.values:
        raise ReferralError(_("Choose a reason: %(what)s.") % {"what": what}, code="reason")
    if code == "other" and not note.strip():
        raise ReferralError(_("You chose “Other”: say briefly why in the note."), code="note")


def check_version(referral: Referral, version: int | None) -> None:
    """Raise the stale message when the page the user acted on showed an older version of the referral."""
    if version is not None and version != referral.version:
        raise StaleReferralError(
            _("Someone else changed this referral a moment ago: it is now %(status)s. Reload to see it.")
            % {"status": referral.get_status_display()},
            code="stale",
        )


def _check_may(referral: Referral, name: str, sides: Sides) -> None:
    from .permissions import TRANSITIONS

    if may(sides, name, referral):
        return
    if referral.restricted_at is not None or referral.pseudonymised_at is not None:
        raise ReferralError(_("Processing of this referral is restricted."), code="restricted")
    if referral.status in TRANSITIONS[name][0]:
        # The step is possible now, just not for this user's role or side.
        raise PermissionDenied
    raise ReferralError(
        _("This referral is %(status)s: that step is not possible now.")
        % {"status": referral.get_status_display()},
        code="status",
    )


def _transition(
    referral: Referral,
    *,
    name: str,
    to: str,
    by: Any,
    system: bool = False,
    reason_code: str = "",
    note: str = "",
    business_status: str = "",
    prefer: str = "receiver",
    **fields: Any,
) -> ReferralEvent:
    """Move the referral to `to` if `by` may make transition `name` now.

    `system=True` (or `by=None`) skips the role check: the step is the system's (first open, timeout), `by`
    is only recorded.
    """
    sides = sides_of(by, referral) if by is not None else None
    if sides is not None and not system:
        _check_may(referral, name, sides)
    now = timezone.now()
    from_status = referral.status
    updates: dict[str, Any] = {"status": to, "status_reason": reason_code, "updated_at": now, **fields}
    if to in TERMINAL_STATUSES:
        updates.setdefault("closed_at", now)
    changed = Referral.objects.filter(pk=referral.pk, version=referral.version).update(
        version=F("version") + 1, **updates
    )
    if not changed:
        current = Referral.objects.filter(pk=referral.pk).first()
        label = current.get_status_display() if current else _("deleted")
        raise StaleReferralError(
            _("Someone else changed this referral a moment ago: it is now %(status)s. Reload to see it.")
            % {"status": label},
            code="stale",
        )
    for key, value in updates.items():
        setattr(referral, key, value)
    referral.version += 1
    actor_org = _actor_organization_id(sides, referral, prefer=prefer) if sides else None
    event = ReferralEvent.objects.create(
        referral=referral,
        at=now,
        actor=by,
        actor_organization_id=actor_org,
        from_status=from_status,
        to_status=to,
        reason_code=reason_code,
        note=note.strip(),
        business_status=business_status,
    )
    if by is not None:
        log_access([referral], user=by, action=AccessLogEntry.Action.CHANGE)
    _announce(referral.pk, kind="transition", event_id=event.pk)
    logger.info("referral %s: %s -> %s (event %s)", referral.pk, from_status, to, event.pk)
    return event


# --- creating and sending ---


def _check_ready_to_send(referral: Referral) -> None:
    errors: list[str] = []
    if not referral.person_name.strip():
        errors.append(_("Give the person's name."))
    if not referral.reason.strip():
        errors.append(_("Say briefly what the person needs help with."))
    if (
        referral.preferred_contact in (PreferredContact.PHONE, PreferredContact.SMS)
        and not referral.person_phone
    ):
        errors.append(_("Give a phone number, or choose another way to contact the person."))
    if referral.preferred_contact == PreferredContact.EMAIL and not referral.person_email:
        errors.append(_("Give an e-mail address, or choose another way to contact the person."))
    if not referral.legal_basis:
        errors.append(_("Choose the legal basis for sharing these details."))
    if referral.consent_given:
        if not referral.consent_method or not referral.consent_scope.strip():
            errors.append(_("Say how the person agreed and what they agreed to."))
    elif referral.legal_basis not in AGREEMENT_EXEMPT_BASES:
        errors.append(
            _(
                "Record the person's agreement to be referred, or choose a legal basis that allows a referral without it."
            )
        )
    elif not referral.consent_scope.strip():
        errors.append(_("Write down why the referral goes without the person's agreement."))
    if errors:
        raise ReferralError(errors, code="incomplete")


@transaction.atomic
def create_referral(
    service: Service | None,
    *,
    receiving_organization: Organization | None = None,
    sender_organization: Organization | None,
    by: Any,
    data: dict[str, Any],
    send: bool = False,
    source: str = Source.STAFF,
    parent: Referral | None = None,
    previous: Referral | None = None,
) -> Referral:
    """A new draft to `service` (or to an organisation's intake when `service` is None), sent at once if `send`.

    Staff referrals come from an organisation where `by` is an editor or admin, to another organisation whose
    service accepts referrals. Self-referrals (no sender organisation) are created by the public form.
    """
    receiver = service.organization if service is not None else receiving_organization
    if receiver is None:
        raise ReferralError(_("Choose a service or an organisation to refer to."), code="receiver")
    if source == Source.STAFF:
        if sender_organization is None:
            raise ReferralError(_("Choose the organisation you refer from."), code="sender")
        role = Membership.objects.filter(user=by, organization=sender_organization).values_list(
            "role", flat=True
        )
        if not by or role.first() not in (Membership.Role.EDITOR, Membership.Role.ADMIN):
            raise PermissionDenied
        if sender_organization.pk == receiver.pk:
            raise ReferralError(_("You cannot refer to your own organisation."), code="own")
    if service is not None and not accepts_referrals(service):
        raise ReferralError(_("This service does not take referrals at the moment."), code="closed")
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"unknown referral fields: {sorted(unknown)}")
    referral = Referral(
        source=source,
        sender_organization=sender_organization,
        sender_user=by if source == Source.STAFF else None,
        receiving_organization=receiver,
        service=service,
        parent=parent,
        previous=previous,
        status=Status.DRAFT,
        consent_by=by if data.get("consent_given") and source == Source.STAFF else None,
        **data,
    )
    referral.save()
    event = ReferralEvent.objects.create(
        referral=referral,
        at=referral.created_at,
        actor=by if source == Source.STAFF else None,
        actor_organization=sender_organization,
        to_status=Status.DRAFT,
    )
    if by is not None:
        log_access([referral], user=by, action=AccessLogEntry.Action.CHANGE)
    _announce(referral.pk, kind="created", event_id=event.pk)
    logger.info("referral %s created (%s)", referral.pk, source)
    if send:
        send_referral(referral, by=by)
    return referral


@transaction.atomic
def update_draft(referral: Referral, *, by: Any, data: dict[str, Any]) -> Referral:
    """Change a draft's details; only the sender's editors and admins, only while it is a draft."""
    sides = sides_of(by, referral)
    if not sides.sender_acts:
        raise PermissionDenied
    if referral.status != Status.DRAFT:
        raise ReferralError(_("Only a draft can be changed. Write a message instead."), code="status")
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"unknown referral fields: {sorted(unknown)}")
    for key, value in data.items():
        setattr(referral, key, value)
    if data.get("consent_given"):
        referral.consent_by = by
    changed = Referral.objects.filter(pk=referral.pk, version=referral.version, status=Status.DRAFT).update(
        version=F("version") + 1,
        updated_at=timezone.now(),
        consent_by=referral.consent_by,
        **{key: getattr(referral, key) for key in data},
    )
    if not changed:
        raise StaleReferralError(
            _("Someone else changed this referral a moment ago. Reload to see it."), code="stale"
        )
    referral.version += 1
    log_access([referral], user=by, action=AccessLogEntry.Action.CHANGE)
    return referral


@transaction.atomic
def send_referral(referral: Referral, *, by: Any) -> ReferralEvent:
    """draft → requested: needs the person's details, the legal basis and their agreement (or the exemption)."""
    if by is not None:
        _check_may(referral, "send", sides_of(by, referral))
    _check_ready_to_send(referral)
    now = timezone.now()
    days = response_working_days(referral.service_id)
    due = add_working_days(now, days, referral.receiving_organization.country)
    return _transition(
        referral,
        name="send",
        to=Status.REQUESTED,
        by=by,
        prefer="sender",
        requested_at=now,
        response_due_at=due,
    )


# --- the receiver's and sender's steps ---


@transaction.atomic
def mark_received(referral: Referral, *, by: Any) -> bool:
    """requested → received when a member of the receiving organisation (any role) first opens it.

    Never fails: if someone else marked it a moment earlier, nothing more happens.
    """
    sides = sides_of(by, referral)
    if (
        referral.status != Status.REQUESTED
        or not sides.is_receiver_member
        or referral.restricted_at is not None
    ):
        return False
    try:
        with transaction.atomic():
            _transition(
                referral,
                name="mark_received",
                to=Status.RECEIVED,
                by=by,
                system=True,
                business_status=BusinessStatus.OPENED,
                first_viewed_at=timezone.now(),
            )
    except StaleReferralError:
        return False
    return True


@transaction.atomic
def accept_referral(referral: Referral, *, by: Any, note: str = "") -> ReferralEvent:
    return _transition(
        referral, name="accept", to=Status.ACCEPTED, by=by, note=note, decided_at=timezone.now()
    )


@transaction.atomic
def reject_referral(referral: Referral, *, by: Any, reason: str, note: str = "") -> ReferralEvent:
    _require_reason(reason, RejectReason, note, _("why you decline"))
    return _transition(
        referral,
        name="reject",
        to=Status.REJECTED,
        by=by,
        reason_code=reason,
        note=note,
        decided_at=timezone.now(),
    )


@transaction.atomic
def start_referral(referral: Referral, *, by: Any, note: str = "") -> ReferralEvent:
    return _transition(
        referral, name="start", to=Status.IN_PROGRESS, by=by, note=note, started_at=timezone.now()
    )


@transaction.atomic
def hold_referral(referral: Referral, *, by: Any, reason: str, note: str = "") -> ReferralEvent:
    _require_reason(reason, HoldReason, note, _("why it is on hold"))
    return _transition(referral, name="hold", to=Status.ON_HOLD, by=by, reason_code=reason, note=note)


@transaction.atomic
def resume_referral(referral: Referral, *, by: Any, note: str = "") -> ReferralEvent:
    fields: dict[str, Any] = {} if referral.started_at else {"started_at": timezone.now()}
    return _transition(referral, name="resume", to=Status.IN_PROGRESS, by=by, note=note, **fields)


@transaction.atomic
def complete_referral(referral: Referral, *, by: Any, outcome: str, note: str = "") -> ReferralEvent:
    if outcome not in Outcome.values:
        raise ReferralError(_("Choose the outcome."), code="outcome")
    return _transition(referral, name="complete", to=Status.COMPLETED, by=by, note=note, outcome=outcome)


@transaction.atomic
def fail_referral(referral: Referral, *, by: Any, reason: str, note: str = "") -> ReferralEvent:
    _require_reason(reason, FailReason, note, _("why it could not be completed"))
    return _transition(referral, name="fail", to=Status.FAILED, by=by, reason_code=reason, note=note)


@transaction.atomic
def cancel_referral(referral: Referral, *, by: Any, reason: str, note: str = "") -> ReferralEvent:
    """Either side may cancel an open referral; `by=None` is the system (reason "no_response" only)."""
    _require_reason(reason, CancelReason, note, _("why you cancel"))
    if by is None and reason != CancelReason.NO_RESPONSE:
        raise ReferralError("The system cancels only for lack of response.", code="system")
    sides = sides_of(by, referral) if by is not None else None
    prefer = "sender" if sides and sides.sender_acts else "receiver"
    return _transition(
        referral, name="cancel", to=Status.CANCELLED, by=by, reason_code=reason, note=note, prefer=prefer
    )


@transaction.atomic
def enter_in_error(referral: Referral, *, by: Any, reason: str, note: str = "") -> ReferralEvent:
    """Any status → entered in error (kept out of statistics): the sender's editors and admins or an admin."""
    _require_reason(reason, ErrorReason, note, _("what was wrong"))
    return _transition(
        referral, name="enter_in_error", to=Status.ENTERED_IN_ERROR, by=by, reason_code=reason, note=note
    )


@transaction.atomic
def record_progress(referral: Referral, *, by: Any, business_status: str, note: str = "") -> ReferralEvent:
    """A finer step without a status change (contact attempted, appointment booked …): the receiver's."""
    sides = sides_of(by, referral)
    if not sides.receiver_acts:
        raise PermissionDenied
    if referral.is_terminal or referral.status == Status.DRAFT or referral.restricted_at is not None:
        raise ReferralError(_("This referral is closed: no more updates."), code="status")
    if business_status not in BusinessStatus.values:
        raise ReferralError(_("Choose what happened."), code="business_status")
    event = ReferralEvent.objects.create(
        referral=referral,
        at=timezone.now(),
        actor=by,
        actor_organization_id=referral.receiving_organization_id,
        from_status=referral.status,
        to_status=referral.status,
        business_status=business_status,
        note=note.strip(),
    )
    Referral.objects.filter(pk=referral.pk).update(updated_at=event.at)
    log_access([referral], user=by, action=AccessLogEntry.Action.CHANGE)
    _announce(referral.pk, kind="transition", event_id=event.pk)
    return event


def _copy_person(referral: Referral) -> dict[str, Any]:
    data = {name: getattr(referral, name) for name in (*PERSONAL_FIELDS, *CONSENT_FIELDS, "urgency")}
    data["need_term"] = referral.need_term
    data["municipality"] = referral.municipality
    return data


@transaction.atomic
def forward_referral(referral: Referral, *, by: Any, service: Service, note: str = "") -> Referral:
    """The receiver sends the person on to a third organisation: a child referral (SDOHCC partOf), sent at once.

    The original stays open until the receiver closes it.
    """
    sides = sides_of(by, referral)
    if not may(sides, "forward", referral):
        if not sides.receiver_acts:
            raise PermissionDenied
        raise ReferralError(_("This referral is closed: it cannot be forwarded."), code="status")
    if service.organization_id in (referral.receiving_organization_id, referral.sender_organization_id):
        raise ReferralError(_("Forward to a third organisation."), code="own")
    child = create_referral(
        service,
        sender_organization=referral.receiving_organization,
        by=by,
        data=_copy_person(referral),
        parent=referral,
    )
    if note.strip():
        ReferralMessage.objects.create(
            referral=child, author=by, organization=referral.receiving_organization, body=note.strip()
        )
    send_referral(child, by=by)
    event = ReferralEvent.objects.create(
        referral=referral,
        at=timezone.now(),
        actor=by,
        actor_organization=referral.receiving_organization,
        from_status=referral.status,
        to_status=referral.status,
        business_status=BusinessStatus.INTERIM_UPDATE,
        note=_("Forwarded as %(reference)s.") % {"reference": child.reference},
    )
    _announce(referral.pk, kind="transition", event_id=event.pk)
    return child


@transaction.atomic
def re_refer(referral: Referral, *, by: Any, service: Service) -> Referral:
    """After a rejection, failure or cancellation: a new draft with the same person, linked by `previous`."""
    sides = sides_of(by, referral)
    if not may(sides, "re_refer", referral):
        if not sides.sender_acts:
            raise PermissionDenied
        raise ReferralError(
            _("Only a declined, failed or cancelled referral can be sent again."), code="status"
        )
    return create_referral(
        service,
        sender_organization=referral.sender_organization,
        by=by,
        data=_copy_person(referral),
        previous=referral,
    )


# --- messages, assignment, restriction ---


@transaction.atomic
def add_message(referral: Referral, *, by: Any, body: str) -> ReferralMessage:
    from .permissions import can_write_message

    sides = sides_of(by, referral)
    if not can_write_message(sides, referral):
        raise PermissionDenied
    body = body.strip()
    if not body:
        raise ReferralError(_("Write a message first."), code="empty")
    organization_id = _actor_organization_id(sides, referral, prefer="receiver")
    message = ReferralMessage.objects.create(
        referral=referral, author=by, organization_id=organization_id, body=body
    )
    Referral.objects.filter(pk=referral.pk).update(updated_at=message.created_at)
    log_access([referral], user=by, action=AccessLogEntry.Action.MESSAGE)
    _announce(referral.pk, kind="message", message_id=message.pk)
    return message


@transaction.atomic
def assign_referral(referral: Referral, *, by: Any, assignee: Any | None) -> Referral:
    """The receiver's editors and admins give the referral to a colleague of the receiving organisation."""
    from .permissions import can_assign

    if not can_assign(sides_of(by, referral), referral):
        raise PermissionDenied
    if (
        assignee is not None
        and not Membership.objects.filter(
            user=assignee, organization_id=referral.receiving_organization_id
        ).exists()
    ):
        raise ReferralError(_("Choose a colleague from your organisation."), code="assignee")
    Referral.objects.filter(pk=referral.pk).update(assigned_to=assignee, updated_at=timezone.now())
    referral.assigned_to = assignee
    log_access([referral], user=by, action=AccessLogEntry.Action.CHANGE)
    return referral


@transaction.atomic
def restrict_referral(referral: Referral, *, by: Any) -> Referral:
    """Restrict processing (GDPR Art. 18): the referral stays readable but nobody can act on it."""
    from .permissions import can_restrict

    if not can_restrict(sides_of(by, referral), referral):
        raise PermissionDenied
    now = timezone.now()
    Referral.objects.filter(pk=referral.pk).update(
        restricted_at=now, updated_at=now, version=F("version") + 1
    )
    referral.restricted_at = now
    referral.version += 1
    log_access([referral], user=by, action=AccessLogEntry.Action.RESTRICT)
    return referral


@transaction.atomic
def save_referral_settings(service: Service, *, data: dict[str, Any], by: Any) -> ReferralSettings:
    """Create or change how a service takes referrals (the caller checked that `by` edits the service)."""
    fields = ("accepts_referrals", "accepts_self_referrals", "response_working_days", "capacity_note")
    settings, _created = ReferralSettings.objects.update_or_create(
        service=service, defaults={name: data[name] for name in fields}
    )
    logger.info("referral settings of service %s changed by user %s", service.pk, getattr(by, "pk", None))
    return settings
