"""Nightly meeting reminders (registered in MeetingsConfig.ready(); `helpnet nightly` queues them for the task
worker):

- seven days and one day before a meeting, to its invitees;
- "minutes not written" three days after a meeting whose minutes are not yet circulated, to the minute taker
  or chair of that meeting, else the working group's convenor, else the network's coordinators;
- action items due within three days, and overdue ones, to their owner (one e-mail listing them).

Safe to run twice: each reminder is first recorded in ReminderSent (unique per kind, object, recipient and
day) and only sent when the row is new. The "day" is the day the reminder is about (the meeting's date, the
minutes' due date, the action's due date), so a run that was missed one night still catches up the next,
without sending the same reminder again. E-mails hold titles, dates and links, never item texts.
"""

import datetime as dt
from collections import defaultdict
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import NoReverseMatch
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from helpnet.networks.models import Network, NetworkMember, Representative

from . import calendar as ics
from .models import ActionItem, Attendance, Meeting, ReminderSent
from .notifications import COUNTRY_LANGUAGES, meeting_context

MEETING_REMINDERS = {
    7: "meeting_7d",
    6: "meeting_7d",
    1: "meeting_1d",
}  # days before → kind (6: a missed night)
MINUTES_AFTER_DAYS = 3
MINUTES_GIVE_UP_DAYS = 10  # do not chase minutes of long-past meetings
ACTION_DUE_DAYS = 3


def claim(kind: str, object_id: Any, recipient: Any, day: dt.date) -> bool:
    """Record a reminder before sending it; False when the same reminder was already recorded."""
    try:
        with transaction.atomic():
            ReminderSent.objects.create(kind=kind, object_id=str(object_id), recipient=recipient, sent_on=day)
    except IntegrityError:
        return False
    return True


SUBJECT_WEEK = _("In a week: %(title)s")
SUBJECT_TOMORROW = _("Tomorrow: %(title)s")
SUBJECT_MINUTES = _("Minutes not written yet: %(title)s")
SUBJECT_ACTIONS = _("Your action items are due")


def _language(user: Any, network: Network) -> str:
    if user.preferred_language in {code for code, _name in settings.LANGUAGES}:
        return str(user.preferred_language)
    return COUNTRY_LANGUAGES.get(network.country, "en")


def _email(
    user: Any, network: Network, template: str, subject: Any, context: dict[str, Any], **params: Any
) -> EmailMultiAlternatives:
    with translation.override(_language(user, network)):
        subject_text = str(subject) % params if params else str(subject)
        context = {**context, "user": user}
        text = render_to_string(f"meetings/email/{template}.txt", context)
        html = render_to_string(f"meetings/email/{template}.html", context)
    message = EmailMultiAlternatives(" ".join(subject_text.split()), text, to=[user.email])
    message.attach_alternative(html, "text/html")
    return message


def _local_date(moment: dt.datetime, zone: str) -> dt.date:
    return moment.astimezone(ZoneInfo(zone)).date()


def _reachable(user: Any) -> bool:
    return bool(user is not None and user.is_active and user.email)


# --- before a meeting ------------------------------------------------------------------------------------


def meeting_reminders(today: dt.date) -> list[Any]:
    soon = timezone.now() + dt.timedelta(days=max(MEETING_REMINDERS) + 2)
    meetings = Meeting.objects.filter(
        status__in=(Meeting.Status.SCHEDULED, Meeting.Status.INVITED),
        start__gte=timezone.now(),
        start__lte=soon,
    ).select_related("network", "working_group", "host_organization")
    messages = []
    for meeting in meetings:
        day = _local_date(meeting.start, ics.meeting_zone(meeting))
        days = (day - today).days
        kind = MEETING_REMINDERS.get(days)
        if kind is None:
            continue
        invitees = (
            meeting.attendances.filter(invited=True).exclude(rsvp=Attendance.Rsvp.NO).select_related("user")
        )
        for attendance in invitees:
            user = attendance.user
            if not _reachable(user) or not claim(kind, meeting.pk, user, day):
                continue
            context = {**meeting_context(meeting), "days": days}
            subject = SUBJECT_TOMORROW if days == 1 else SUBJECT_WEEK
            messages.append(
                _email(user, meeting.network, "reminder_meeting", subject, context, title=meeting.title)
            )
    return messages


# --- after a meeting: minutes ----------------------------------------------------------------------------


def minutes_recipients(meeting: Meeting) -> list[Any]:
    """Who writes the minutes: the meeting's minute taker or chair, else the convenor, else the coordinators."""
    writers = [
        a.user
        for a in meeting.attendances.filter(
            role__in=(Attendance.Role.MINUTE_TAKER, Attendance.Role.CHAIR)
        ).select_related("user")
    ]
    if writers:
        return writers
    group = meeting.working_group
    if group is not None and group.convenor_id is not None:
        return [group.convenor]
    coordinators = Representative.objects.filter(
        ended_on__isnull=True,
        member__network=meeting.network,
        member__status=NetworkMember.Status.ACTIVE,
        member__role=NetworkMember.Role.COORDINATOR,
    ).select_related("user")
    return [r.user for r in coordinators]


def minutes_reminders(today: dt.date) -> list[Any]:
    now = timezone.now()
    meetings = Meeting.objects.filter(
        status__in=(Meeting.Status.SCHEDULED, Meeting.Status.INVITED, Meeting.Status.HELD),
        minutes_status__in=(Meeting.MinutesStatus.NONE, Meeting.MinutesStatus.DRAFT),
        end__lte=now - dt.timedelta(days=MINUTES_AFTER_DAYS - 1),
        end__gte=now - dt.timedelta(days=MINUTES_GIVE_UP_DAYS + 1),
    ).select_related("network", "working_group__convenor", "host_organization")
    messages = []
    for meeting in meetings:
        due = _local_date(meeting.end, ics.meeting_zone(meeting)) + dt.timedelta(days=MINUTES_AFTER_DAYS)
        if not (due <= today <= due + dt.timedelta(days=MINUTES_GIVE_UP_DAYS - MINUTES_AFTER_DAYS)):
            continue
        seen: set[Any] = set()
        for user in minutes_recipients(meeting):
            if user.pk in seen or not _reachable(user):
                continue
            seen.add(user.pk)
            if not claim("minutes_missing", meeting.pk, user, due):
                continue
            context = meeting_context(meeting)
            messages.append(
                _email(
                    user, meeting.network, "reminder_minutes", SUBJECT_MINUTES, context, title=meeting.title
                )
            )
    return messages


# --- action items ----------------------------------------------------------------------------------------


def _action_url(action: ActionItem) -> str:
    try:
        return ics.base_url() + action.get_absolute_url()
    except NoReverseMatch:
        return ics.meeting_url(action.source_meeting) if action.source_meeting_id else ics.base_url()


def action_reminders(today: dt.date) -> list[Any]:
    actions = (
        ActionItem.objects.filter(
            status__in=ActionItem.OPEN_STATUSES,
            due_date__isnull=False,
            due_date__lte=today + dt.timedelta(days=ACTION_DUE_DAYS),
        )
        .filter(Q(owner__is_active=True) & ~Q(owner__email=""))
        .select_related("owner", "network", "source_meeting__network")
        .order_by("owner_id", "due_date", "pk")
    )
    by_owner: dict[Any, list[ActionItem]] = defaultdict(list)
    for action in actions:
        if action.due_date is None:  # filtered out above; narrows the type
            continue
        kind = "action_overdue" if action.due_date < today else "action_due"
        if claim(kind, action.pk, action.owner, action.due_date):
            by_owner[action.owner_id].append(action)
    messages = []
    for items in by_owner.values():
        owner = items[0].owner
        context = {
            "due": [(a, _action_url(a)) for a in items if a.due_date and a.due_date >= today],
            "overdue": [(a, _action_url(a)) for a in items if a.due_date and a.due_date < today],
        }
        messages.append(_email(owner, items[0].network, "reminder_actions", SUBJECT_ACTIONS, context))
    return messages


def send_reminders(*, today: dt.date | None = None) -> str:
    """Send every reminder due today; returns a summary without personal data."""
    today = today or timezone.localdate()
    batches = {
        "meetings": meeting_reminders(today),
        "minutes": minutes_reminders(today),
        "actions": action_reminders(today),
    }
    connection = get_connection()
    sent = {
        name: (connection.send_messages(messages) or 0) if messages else 0
        for name, messages in batches.items()
    }
    return ", ".join(f"{name}: {count}" for name, count in sent.items())


def queue_reminders() -> str:
    """The nightly job: hand the work to the task worker."""
    from .tasks import send_reminders_task

    send_reminders_task.enqueue()
    return "meeting reminders queued"
