"""Meeting e-mails: invitations with .ics (METHOD:REQUEST), updates (SEQUENCE raised) and cancellations
(METHOD:CANCEL). The meeting actions call ``send_invitations`` and ``notify_meeting_changed`` after commit;
both only queue a task (helpnet.meetings.tasks), whose worker calls the ``deliver_*`` functions here.

Every e-mail goes to one invitee in the invitee's language, with a link to the meeting page. The body holds
the meeting's own data (time, place, agenda titles, open action items of the body) and never anything from
the referrals app: citizens' names, contacts and reasons stay there.
"""

from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from . import calendar as ics
from .models import ActionItem, AgendaItem, Attendance, Meeting

COUNTRY_LANGUAGES = {"SI": "sl", "DK": "da"}


def send_invitations(meeting_id: Any) -> None:
    """E-mail every invited attendee of the meeting an invitation with its .ics file (queued)."""
    from .tasks import send_invitations_task

    send_invitations_task.enqueue(int(meeting_id))


def notify_meeting_changed(meeting_id: Any, *, cancelled: bool = False) -> None:
    """E-mail invitees an updated .ics (or a cancellation) after the time, place or host changed (queued)."""
    from .tasks import notify_meeting_changed_task

    notify_meeting_changed_task.enqueue(int(meeting_id), cancelled=cancelled)


# --- delivery (runs in the task worker) -------------------------------------------------------------------


def language_for(user: Any, meeting: Meeting) -> str:
    """The invitee's own language if set, else the language of the network's country, else English."""
    languages = {code for code, _name in settings.LANGUAGES}
    if user.preferred_language in languages:
        return str(user.preferred_language)
    return COUNTRY_LANGUAGES.get(meeting.network.country, "en")


def load_meeting(meeting_id: int) -> Meeting | None:
    return (
        Meeting.objects.select_related("network", "working_group", "host_organization")
        .filter(pk=meeting_id)
        .first()
    )


def invitees(meeting: Meeting) -> list[Attendance]:
    return list(
        meeting.attendances.filter(invited=True, user__is_active=True)
        .exclude(user__email="")
        .select_related("user", "on_behalf_of")
        .order_by("user_id")
    )


def agenda_so_far(meeting: Meeting) -> list[AgendaItem]:
    return list(
        meeting.agenda_items.exclude(status=AgendaItem.Status.DEFERRED)
        .select_related("presenter")
        .order_by("order", "pk")
    )


def open_actions_of_body(meeting: Meeting) -> list[ActionItem]:
    """Open, in-progress and blocked action items of the meeting's body (network or working group)."""
    body = (
        Q(working_group=meeting.working_group) if meeting.working_group_id else Q(working_group__isnull=True)
    )
    return list(
        ActionItem.objects.filter(body, network=meeting.network, status__in=ActionItem.OPEN_STATUSES)
        .select_related("owner", "owner_org")
        .order_by("due_date", "pk")
    )


def meeting_context(meeting: Meeting) -> dict[str, Any]:
    zone = ics.meeting_zone(meeting)
    tz = ZoneInfo(zone)
    return {
        "meeting": meeting,
        "body_name": ics.body_name(meeting),
        "start": meeting.start.astimezone(tz),
        "end": meeting.end.astimezone(tz),
        "timezone": zone,
        "location": ics.meeting_location(meeting),
        "meeting_url": ics.meeting_url(meeting),
    }


def _message(
    meeting: Meeting,
    attendance: Attendance,
    *,
    template: str,
    subject: str,
    method: str,
    calendar_file: bytes,
    extra: dict[str, Any],
) -> EmailMultiAlternatives:
    context = {**meeting_context(meeting), **extra, "attendance": attendance, "user": attendance.user}
    text = render_to_string(f"meetings/email/{template}.txt", context)
    html = render_to_string(f"meetings/email/{template}.html", context)
    message = EmailMultiAlternatives(" ".join(subject.split()), text, to=[attendance.user.email])
    message.attach_alternative(html, "text/html")
    filename = "cancellation.ics" if method == "CANCEL" else "invitation.ics"
    message.attach(filename, calendar_file.decode(), f"text/calendar; method={method}")
    return message


def _send(messages: Iterable[EmailMultiAlternatives]) -> int:
    messages = list(messages)
    if not messages:
        return 0
    return get_connection().send_messages(messages) or 0


def deliver_invitations(meeting_id: int) -> int:
    """Send the invitation to every invitee; returns the number of e-mails sent."""
    meeting = load_meeting(meeting_id)
    if meeting is None or meeting.status == Meeting.Status.CANCELLED:
        return 0
    people = invitees(meeting)
    calendar_file = ics.meeting_ics(meeting, method="REQUEST", attendees=people)
    agenda = agenda_so_far(meeting)
    actions = open_actions_of_body(meeting)
    messages = []
    for attendance in people:
        with translation.override(language_for(attendance.user, meeting)):
            mine = [a for a in actions if a.owner_id == attendance.user_id]
            others = [a for a in actions if a.owner_id != attendance.user_id]
            subject = _("Invitation: %(title)s, %(date)s") % {
                "title": meeting.title,
                "date": _local_date(meeting),
            }
            messages.append(
                _message(
                    meeting,
                    attendance,
                    template="invitation",
                    subject=subject,
                    method="REQUEST",
                    calendar_file=calendar_file,
                    extra={"agenda": agenda, "my_actions": mine, "other_actions": others},
                )
            )
    return _send(messages)


def deliver_meeting_changed(meeting_id: int, *, cancelled: bool = False) -> int:
    """Send the updated meeting (same UID, raised SEQUENCE) or its cancellation to every invitee."""
    meeting = load_meeting(meeting_id)
    if meeting is None:
        return 0
    cancelled = cancelled or meeting.status == Meeting.Status.CANCELLED
    people = invitees(meeting)
    method = "CANCEL" if cancelled else "REQUEST"
    calendar_file = ics.meeting_ics(meeting, method=method, attendees=people)
    messages = []
    for attendance in people:
        with translation.override(language_for(attendance.user, meeting)):
            params = {"title": meeting.title, "date": _local_date(meeting)}
            if cancelled:
                subject = _("Cancelled: %(title)s, %(date)s") % params
            else:
                subject = _("Changed: %(title)s, %(date)s") % params
            messages.append(
                _message(
                    meeting,
                    attendance,
                    template="cancelled" if cancelled else "changed",
                    subject=subject,
                    method=method,
                    calendar_file=calendar_file,
                    extra={},
                )
            )
    return _send(messages)


def _local_date(meeting: Meeting) -> str:
    return date_format(meeting.start.astimezone(ZoneInfo(ics.meeting_zone(meeting))), "DATE_FORMAT")
