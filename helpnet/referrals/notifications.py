"""E-mails about referrals: who gets which, in which language, and that they carry a link only.

Privacy rule (referrals.md §1.6, §4.2): an e-mail says that a referral is new or changed, gives its reference
(a random code, no personal data), the organisations' names, the new status and a link to log in and read it.
It never carries the person's name, phone, e-mail, the reason, a note or a message text. Logs carry ids only.

Who gets what:
- a referral was sent (→ requested): the receiving organisation's acting staff — the assignee if there is one,
  else its editors and admins;
- any later change or message: the other side of whoever made it (the receiver acted → the sender; the sender
  acted → the receiver; the system acted → both). On the sender's side that is the person who sent it while they
  are still staff there, else the sending organisation's editors and admins. A self-referral has no sender side.
- nobody is e-mailed about their own step.

Daily digest instead of immediate e-mails: a user in the auth group ``DIGEST_GROUP`` gets no immediate e-mails
about new or changed referrals; the nightly job sends them one summary a day (reference codes and counts, links
only). The group is a per-user preference kept in Django's own tables, so no migration is needed; users switch it
on their notification settings page. Reminders, escalations and nudges always go at once.
"""

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.mail import EmailMultiAlternatives
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from helpnet.organizations.models import Membership

from .models import Referral, ReferralEvent, ReferralMessage, Status

logger = logging.getLogger(__name__)

DIGEST_GROUP = "referral-daily-digest"
ACTING_ROLES = (Membership.Role.EDITOR, Membership.Role.ADMIN)


# --- recipients ---


def _active_with_email(users: Any) -> Any:
    return users.filter(is_active=True).exclude(email="")


def receiver_recipients(referral: Referral) -> list[Any]:
    """The assignee (while still staff of the receiver), else the receiver's editors and admins."""
    User = get_user_model()
    if referral.assigned_to_id:
        assignee = _active_with_email(
            User.objects.filter(
                pk=referral.assigned_to_id, memberships__organization_id=referral.receiving_organization_id
            )
        )
        found = list(assignee)
        if found:
            return found
    return list(
        _active_with_email(
            User.objects.filter(
                memberships__organization_id=referral.receiving_organization_id,
                memberships__role__in=ACTING_ROLES,
            )
        ).order_by("pk")
    )


def sender_recipients(referral: Referral) -> list[Any]:
    """The person who sent it (while still staff of the sender), else the sender's editors and admins."""
    if referral.sender_organization_id is None:
        return []
    User = get_user_model()
    if referral.sender_user_id:
        found = list(
            _active_with_email(
                User.objects.filter(
                    pk=referral.sender_user_id, memberships__organization_id=referral.sender_organization_id
                )
            )
        )
        if found:
            return found
    return list(
        _active_with_email(
            User.objects.filter(
                memberships__organization_id=referral.sender_organization_id,
                memberships__role__in=ACTING_ROLES,
            )
        ).order_by("pk")
    )


def organization_admins(organization_id: Any) -> list[Any]:
    User = get_user_model()
    return list(
        _active_with_email(
            User.objects.filter(
                memberships__organization_id=organization_id, memberships__role=Membership.Role.ADMIN
            )
        ).order_by("pk")
    )


def wants_digest(user: Any) -> bool:
    return user.groups.filter(name=DIGEST_GROUP).exists()


def set_digest(user: Any, *, daily: bool) -> None:
    """Switch a user between immediate e-mails and one daily digest."""
    group, _created = Group.objects.get_or_create(name=DIGEST_GROUP)
    if daily:
        user.groups.add(group)
    else:
        user.groups.remove(group)


def _digest_user_ids(users: Iterable[Any]) -> set[Any]:
    ids = [u.pk for u in users]
    if not ids:
        return set()
    return set(
        get_user_model().objects.filter(pk__in=ids, groups__name=DIGEST_GROUP).values_list("pk", flat=True)
    )


# --- building and sending one e-mail ---


def language_of(user: Any) -> str:
    codes = {code for code, _name in settings.LANGUAGES}
    preferred = (getattr(user, "preferred_language", "") or "").split("-")[0].lower()
    return preferred if preferred in codes else settings.LANGUAGE_CODE


def absolute(path: str) -> str:
    return settings.HELPNET_BASE_URL.rstrip("/") + path


def referral_link(referral: Referral) -> str:
    """The referral's page in the current language (the caller sets it)."""
    return absolute(reverse("referrals:referral_detail", kwargs={"pk": referral.pk}))


def inbox_link(organization_id: Any = None, tab: str = "") -> str:
    path = reverse("referrals:referral_list")
    query = "&".join(
        part
        for part in (f"org={organization_id}" if organization_id else "", f"tab={tab}" if tab else "")
        if part
    )
    return absolute(path + (f"?{query}" if query else ""))


def send_templated(user: Any, template: str, context: dict[str, Any]) -> None:
    """Render ``referrals/email/<template>_subject.txt`` and ``_body.txt`` in the user's language and send."""
    with translation.override(language_of(user)):
        full = {**context, "user": user}
        # Links are built inside the language override, so they open the page in the reader's language.
        for key, value in list(full.items()):
            if callable(value):
                full[key] = value()
        subject = " ".join(render_to_string(f"referrals/email/{template}_subject.txt", full).split())
        body = render_to_string(f"referrals/email/{template}_body.txt", full)
    message = EmailMultiAlternatives(subject=subject, body=body, to=[user.email])
    message.send()


# --- what happened, and who is told ---


@dataclass
class Change:
    """The notification to send for one signal: template, recipients and a context without personal data."""

    template: str
    recipients: list[Any] = field(default_factory=list)
    context: dict[str, Any] = field(default_factory=dict)


def _other_side(referral: Referral, actor_organization_id: Any) -> list[Any]:
    if actor_organization_id is not None and actor_organization_id == referral.receiving_organization_id:
        return sender_recipients(referral)
    if actor_organization_id is not None and actor_organization_id == referral.sender_organization_id:
        return receiver_recipients(referral)
    return receiver_recipients(referral) + sender_recipients(referral)


def change_for(
    referral: Referral, *, kind: str, event_id: Any = None, message_id: Any = None
) -> Change | None:
    """What to tell whom about one announced change (None: nothing to tell)."""
    if kind == "created":
        return None  # a draft: nobody but its author knows of it yet
    actor_id: Any = None
    if kind == "message":
        message = ReferralMessage.objects.filter(pk=message_id, referral=referral).first()
        if message is None:
            return None
        actor_id = message.author_id
        change = Change("message", _other_side(referral, message.organization_id))
    else:
        event = ReferralEvent.objects.filter(pk=event_id, referral=referral).first()
        if event is None:
            return None
        actor_id = event.actor_id
        if event.to_status == Status.REQUESTED and event.from_status != Status.REQUESTED:
            change = Change("new", receiver_recipients(referral))
        else:
            change = Change("changed", _other_side(referral, event.actor_organization_id))
            change.context.update(
                {
                    "to_status": event.to_status,
                    "business_status": event.business_status,
                    "status_changed": event.from_status != event.to_status,
                }
            )
    change.recipients = [u for u in change.recipients if u.pk != actor_id]
    return change


def _status_label(code: str) -> str:
    return str(Status(code).label) if code in Status.values else code


def notify_referral_change(
    referral_id: UUID | str, *, kind: str, event_id: Any = None, message_id: Any = None
) -> int:
    """Send the e-mails for one announced change; returns how many were sent. Digest users are skipped."""
    referral = (
        Referral.objects.select_related("sender_organization", "receiving_organization", "service")
        .filter(pk=referral_id)
        .first()
    )
    if referral is None or referral.restricted_at is not None:
        return 0
    change = change_for(referral, kind=kind, event_id=event_id, message_id=message_id)
    if change is None:
        return 0
    digest_ids = _digest_user_ids(change.recipients)
    sent = 0
    seen: set[Any] = set()
    for user in change.recipients:
        if user.pk in digest_ids or user.pk in seen:
            continue
        seen.add(user.pk)
        context = _referral_context(referral, change.context)
        send_templated(user, change.template, context)
        sent += 1
    logger.info("referral %s: %s notification to %s recipients", referral.pk, change.template, sent)
    return sent


def _referral_context(referral: Referral, extra: dict[str, Any]) -> dict[str, Any]:
    """Only what an e-mail may carry: reference, organisations, service name, status, urgency, links."""
    context: dict[str, Any] = {
        "reference": referral.reference,
        "sender": referral.sender_organization.tr("name") if referral.sender_organization else None,
        "receiver": referral.receiving_organization.tr("name"),
        "service": referral.service.tr("name") if referral.service else None,
        "urgency": referral.urgency,
        "self_referral": referral.sender_organization_id is None,
        # Callables: evaluated inside the reader's language, see send_templated.
        "link": lambda: referral_link(referral),
        "urgency_label": lambda: referral.get_urgency_display(),
        "settings_link": lambda: absolute(reverse("referrals:notification_settings")),
    }
    if "to_status" in extra:
        code = extra["to_status"]
        context["status_label"] = lambda: _status_label(code)
        if extra.get("business_status"):
            step = extra["business_status"]
            context["step_label"] = lambda: str(
                ReferralEvent(business_status=step).get_business_status_display()
            )
        context["status_changed"] = extra["status_changed"]
    return context


# --- reminders, escalations, nudges (called by jobs.py) ---


def send_reminder(user: Any, referral: Referral, *, kind: str, working_days: int) -> None:
    """Not answered in time (reminder, escalation) or no news for a while (nudge). Link only."""
    context = _referral_context(referral, {})
    context["working_days"] = working_days
    send_templated(user, kind, context)


# --- the daily digest ---


def digest_for(user: Any, since: dt.datetime) -> list[tuple[str, Any, str]]:
    """(reference, referral, what) for everything the user would have been e-mailed about since ``since``."""
    org_ids = list(Membership.objects.filter(user=user).values_list("organization_id", flat=True))
    if not org_ids:
        return []
    referrals = Referral.objects.filter(
        Q(receiving_organization_id__in=org_ids) | Q(sender_organization_id__in=org_ids),
        restricted_at__isnull=True,
    )
    events = (
        ReferralEvent.objects.filter(at__gte=since, referral__in=referrals)
        .exclude(to_status=Status.DRAFT, from_status="")
        .select_related("referral")
        .order_by("at", "id")
    )
    messages = (
        ReferralMessage.objects.filter(created_at__gte=since, referral__in=referrals)
        .select_related("referral")
        .order_by("created_at", "id")
    )
    items: dict[Any, tuple[str, Any, str]] = {}
    for event in events:
        referral = event.referral
        if event.actor_id == user.pk:
            continue
        if event.to_status == Status.REQUESTED and event.from_status != Status.REQUESTED:
            if referral.receiving_organization_id in org_ids:
                items[referral.pk] = (referral.reference, referral, "new")
        elif event.actor_organization_id not in org_ids or event.actor_organization_id is None:
            items.setdefault(referral.pk, (referral.reference, referral, "changed"))
    for message in messages:
        referral = message.referral
        if message.author_id != user.pk and message.organization_id not in org_ids:
            items.setdefault(referral.pk, (referral.reference, referral, "message"))
    return sorted(items.values(), key=lambda item: item[0])


def send_digest(user: Any, since: dt.datetime) -> bool:
    """One summary e-mail of the day's referral news for a digest user; False when there was nothing."""
    found = digest_for(user, since)
    if not found:
        return False
    with translation.override(language_of(user)):
        lines = [
            {"reference": reference, "what": what, "link": referral_link(referral)}
            for reference, referral, what in found
        ]
        context = {
            "lines": lines,
            "inbox": inbox_link(),
            "user": user,
            "since": timezone.localtime(since),
            "settings_link": absolute(reverse("referrals:notification_settings")),
        }
        subject = " ".join(render_to_string("referrals/email/digest_subject.txt", context).split())
        body = render_to_string("referrals/email/digest_body.txt", context)
    EmailMultiAlternatives(subject=subject, body=body, to=[user.email]).send()
    return True
