"""Printable invitation and minutes of a meeting, as an HTML page (print CSS) and as a PDF.

Members of the network see everything: attendance, quorum, all items, decisions and action items. Anyone
else may open a public meeting of a public network and sees its public parts only: time, place, host, the
public agenda items and, once the minutes are approved, the minutes and decisions of those items.
"""

from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.decorators import login_not_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from helpnet.lib.pdf import html_to_pdf

from .. import calendar as ics
from ..models import ActionItem, AgendaItem, Meeting
from ..notifications import open_actions_of_body
from ..permissions import access_for, get_meeting_or_404
from ..queries import quorum_for

APPROVED_MINUTES = (Meeting.MinutesStatus.APPROVED, Meeting.MinutesStatus.LOCKED)


def _meeting(request: HttpRequest, slug: str, pk: int) -> tuple[Meeting, bool]:
    access = access_for(request.user, slug)
    return get_meeting_or_404(access, pk), access.member


def _common(meeting: Meeting, members: bool) -> dict[str, Any]:
    tz = ZoneInfo(ics.meeting_zone(meeting))
    items = meeting.agenda_items.exclude(status=AgendaItem.Status.DEFERRED).order_by("order", "pk")
    if not members:
        items = items.filter(public=True)
    return {
        "meeting": meeting,
        "members": members,
        "body_name": ics.body_name(meeting),
        "start": meeting.start.astimezone(tz),
        "end": meeting.end.astimezone(tz),
        "timezone": ics.meeting_zone(meeting),
        "location": ics.meeting_location(meeting),
        "meeting_url": ics.meeting_url(meeting),
        "agenda": list(items.select_related("presenter")),
    }


def invitation_context(meeting: Meeting, *, members: bool) -> dict[str, Any]:
    context = _common(meeting, members)
    context["actions"] = open_actions_of_body(meeting) if members else []
    return context


def minutes_context(meeting: Meeting, *, members: bool) -> dict[str, Any]:
    context = _common(meeting, members)
    approved = meeting.minutes_status in APPROVED_MINUTES
    context["minutes_visible"] = members or approved
    if not context["minutes_visible"]:
        context["agenda"] = []
    decisions = meeting.decisions.select_related("agenda_item").order_by("number")
    if not members:
        decisions = decisions.filter(Q(agenda_item__isnull=True) | Q(agenda_item__public=True))
    context["decisions"] = list(decisions) if context["minutes_visible"] else []
    if members:
        context["attendance"] = list(
            meeting.attendances.select_related("user", "on_behalf_of").order_by(
                "on_behalf_of__name", "user__last_name", "user__first_name"
            )
        )
        context["quorum"] = quorum_for(meeting)
        context["actions"] = list(
            ActionItem.objects.filter(Q(source_meeting=meeting) | Q(closed_in_meeting=meeting))
            .select_related("owner", "owner_org")
            .order_by("due_date", "pk")
        )
    return context


def _pdf(meeting: Meeting, template: str, context: dict[str, Any], filename: str) -> HttpResponse:
    html = render_to_string(template, context)
    data = html_to_pdf(html, title=meeting.title, footer=f"{meeting.network.name} · {meeting.title}")
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@login_not_required
def invitation_print(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    meeting, members = _meeting(request, slug, pk)
    return render(request, "meetings/print/invitation.html", invitation_context(meeting, members=members))


@login_not_required
def invitation_pdf(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    meeting, members = _meeting(request, slug, pk)
    context = invitation_context(meeting, members=members)
    return _pdf(meeting, "meetings/print/invitation_pdf.html", context, f"invitation-{meeting.pk}.pdf")


@login_not_required
def minutes_print(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    meeting, members = _meeting(request, slug, pk)
    return render(request, "meetings/print/minutes.html", minutes_context(meeting, members=members))


@login_not_required
def minutes_pdf(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    meeting, members = _meeting(request, slug, pk)
    context = minutes_context(meeting, members=members)
    context["title"] = _("Minutes")
    return _pdf(meeting, "meetings/print/minutes_pdf.html", context, f"minutes-{meeting.pk}.pdf")
