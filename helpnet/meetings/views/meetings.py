"""Meeting pages: the list per network, one meeting (agenda, attendance and quorum, minutes, decisions,
actions) and the changes made from it. Shape: authorise → parse → act → respond.

Public meetings of public networks are open to everyone (login_not_required); the rest of a meeting and
every change need membership, checked through ..permissions (404 for non-members)."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from helpnet.networks.models import WorkingGroup

from .. import actions, queries
from ..forms import ActionForm, AddAttendeeForm, DecisionForm, MeetingForm, MinutesForm, ProposeForm
from ..models import ActionItem, AgendaItem, Attendance, Meeting
from ..permissions import (
    Access,
    access_for,
    can_manage_meeting,
    get_meeting_or_404,
    meetings_visible,
    member_access_for,
)


def _data(request: HttpRequest) -> Any:
    """The submitted data, also when a POST is empty (so the form is bound and says what is missing)."""
    return request.POST if request.method == "POST" else None


def _error_text(error: ValidationError) -> str:
    return " ".join(str(m) for m in error.messages)


def _form_error(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _managed_meeting(request: HttpRequest, slug: str, pk: int) -> tuple[Access, Meeting]:
    access = member_access_for(request.user, slug)
    meeting = get_meeting_or_404(access, pk)
    if not can_manage_meeting(access, meeting):
        raise Http404
    return access, meeting


@login_not_required
def meeting_list(request: HttpRequest, slug: str) -> HttpResponse:
    access = access_for(request.user, slug)
    meetings = meetings_visible(access)
    now = timezone.now()
    context = {
        "access": access,
        "network": access.network,
        "upcoming": queries.upcoming_meetings(meetings, now),
        "past": queries.past_meetings(meetings, now)[:50],
        "series": access.network.meeting_series.all() if access.member else [],
    }
    return render(request, "meetings/meeting_list.html", context)


def _detail_context(request: HttpRequest, access: Access, meeting: Meeting) -> dict[str, Any]:
    member = access.member
    manage = can_manage_meeting(access, meeting)
    items = queries.agenda_for(meeting, public_only=not member)
    minutes_public = meeting.minutes_status in (Meeting.MinutesStatus.APPROVED, Meeting.MinutesStatus.LOCKED)
    context: dict[str, Any] = {
        "access": access,
        "network": access.network,
        "meeting": meeting,
        "items": items,
        "member": member,
        "manage": manage,
        "show_minutes": member or minutes_public,
    }
    if member:
        context.update(
            review_actions=list(queries.actions_for_review(meeting)),
            decisions=list(queries.decisions_of(meeting)),
            new_actions=list(
                meeting.action_items.select_related("owner", "owner_org", "network").order_by(
                    "due_date", "pk"
                )
            ),
            action_statuses=ActionItem.Status.choices,
            rsvp_choices=Attendance.Rsvp.choices,
            previous=queries.previous_meeting(meeting),
            next=queries.next_meeting(meeting),
            **_attendance_context(meeting, manage),
        )
    if member:
        context["my_attendance"] = next(
            (a for a in context["attendances"] if a.user_id == request.user.pk), None
        )
    if manage:
        context["backlog"] = list(queries.backlog_for(access.network, meeting.working_group_id))
    return context


def _attendance_context(meeting: Meeting, manage: bool) -> dict[str, Any]:
    return {
        "meeting": meeting,
        "manage": manage,
        "attendances": queries.attendance_for(meeting),
        "quorum": queries.quorum_for(meeting),
        "presence_choices": Attendance.Presence.choices,
        "add_form": AddAttendeeForm(network=meeting.network, prefix="add") if manage else None,
    }


@login_not_required
def meeting_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = access_for(request.user, slug)
    meeting = get_meeting_or_404(access, pk)
    return render(request, "meetings/meeting_detail.html", _detail_context(request, access, meeting))


@require_http_methods(["GET", "POST"])
def meeting_create(request: HttpRequest, slug: str) -> HttpResponse:
    group_id = request.GET.get("group") or request.POST.get("group") or None
    access = member_access_for(request.user, slug)
    group = get_object_or_404(WorkingGroup, network=access.network, pk=group_id) if group_id else None
    if not access.can_manage(group.pk if group else None):
        raise Http404
    form = MeetingForm(_data(request), network=access.network)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = actions.create_meeting(
                access.network, data=form.to_input(), working_group=group, by=request.user
            )
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("The meeting is scheduled."))
            return redirect(meeting)
    context = {"network": access.network, "form": form, "group": group}
    return render(request, "meetings/meeting_form.html", context)


@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access, meeting = _managed_meeting(request, slug, pk)
    form = MeetingForm(_data(request), network=access.network, initial=MeetingForm.initial_for(meeting))
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_meeting(meeting, data=form.to_input(), by=request.user)
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("The meeting is saved."))
            return redirect(meeting)
    context = {"network": access.network, "form": form, "meeting": meeting}
    return render(request, "meetings/meeting_form.html", context)


def _run(request: HttpRequest, meeting: Meeting, action: Any, done: str, **kwargs: Any) -> HttpResponse:
    try:
        action(meeting, by=request.user, **kwargs)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, done)
    return redirect(meeting)


@require_POST
def meeting_cancel(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    _access, meeting = _managed_meeting(request, slug, pk)
    return _run(request, meeting, actions.cancel_meeting, _("The meeting is cancelled."))


@require_POST
def meeting_invite(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    _access, meeting = _managed_meeting(request, slug, pk)
    return _run(request, meeting, actions.invite_to_meeting, _("The invitations are sent."))


@require_POST
def meeting_held(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    _access, meeting = _managed_meeting(request, slug, pk)
    return _run(request, meeting, actions.mark_meeting_held, _("The meeting is marked as held."))


# --- attendance and quorum ---


def _attendance_response(request: HttpRequest, meeting: Meeting, manage: bool) -> HttpResponse:
    if getattr(request, "htmx", False):
        return render(request, "meetings/_attendance.html", _attendance_context(meeting, manage))
    return redirect(meeting.get_absolute_url() + "#attendance")


def meeting_quorum(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = member_access_for(request.user, slug)
    meeting = get_meeting_or_404(access, pk)
    context = {"meeting": meeting, "quorum": queries.quorum_for(meeting)}
    return render(request, "meetings/_quorum.html", context)


@require_POST
def attendance_update(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    _access, meeting = _managed_meeting(request, slug, pk)
    presences: dict[int, str] = {}
    for key in request.POST:
        if key.startswith("presence-") and key[9:].isdigit():
            presences[int(key[9:])] = request.POST.get(key, "")
    try:
        actions.record_presence(meeting, presences=presences, by=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    return _attendance_response(request, meeting, True)


@require_POST
def attendance_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    _access, meeting = _managed_meeting(request, slug, pk)
    form = AddAttendeeForm(request.POST, network=meeting.network, prefix="add")
    if form.is_valid():
        try:
            actions.add_attendee(meeting, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, _error_text(error))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return _attendance_response(request, meeting, True)


@require_POST
def meeting_rsvp(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = member_access_for(request.user, slug)
    meeting = get_meeting_or_404(access, pk)
    attendance = get_object_or_404(Attendance, meeting=meeting, user=request.user)
    try:
        actions.answer_invitation(attendance, rsvp=request.POST.get("rsvp", ""))
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("Thank you, your answer is saved."))
    return redirect(meeting)


# --- agenda ---


@require_http_methods(["GET", "POST"])
def agenda_propose(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A member proposes an item for this meeting's body (it goes to the backlog)."""
    access = member_access_for(request.user, slug)
    meeting = get_meeting_or_404(access, pk)
    form = ProposeForm(_data(request))
    if request.method == "POST" and form.is_valid():
        item = actions.propose_agenda_item(
            access.network, working_group=meeting.working_group, by=request.user, **form.cleaned_data
        )
        if can_manage_meeting(access, meeting) and request.POST.get("accept"):
            actions.accept_agenda_item(item, meeting=meeting, by=request.user)
        messages.success(
            request, _("Thank you. The item is proposed; the convenor will put it on an agenda.")
        )
        return redirect(meeting)
    return render(
        request, "meetings/propose_form.html", {"network": access.network, "meeting": meeting, "form": form}
    )


def _managed_item(request: HttpRequest, slug: str, pk: int, item_pk: int) -> tuple[Meeting, AgendaItem]:
    access, meeting = _managed_meeting(request, slug, pk)
    item = get_object_or_404(
        AgendaItem, pk=item_pk, network=access.network, working_group_id=meeting.working_group_id
    )
    return meeting, item


@require_POST
def agenda_accept(request: HttpRequest, slug: str, pk: int, item_pk: int) -> HttpResponse:
    meeting, item = _managed_item(request, slug, pk, item_pk)
    try:
        actions.accept_agenda_item(item, meeting=meeting, by=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("“%(title)s” is on the agenda.") % {"title": item.title})
    return redirect(meeting.get_absolute_url() + "#agenda")


@require_POST
def agenda_defer(request: HttpRequest, slug: str, pk: int, item_pk: int) -> HttpResponse:
    meeting, item = _managed_item(request, slug, pk, item_pk)
    try:
        actions.defer_agenda_item(item, by=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("“%(title)s” is back in the backlog.") % {"title": item.title})
    return redirect(meeting.get_absolute_url() + "#agenda")


@require_POST
def agenda_move(request: HttpRequest, slug: str, pk: int, item_pk: int) -> HttpResponse:
    meeting, item = _managed_item(request, slug, pk, item_pk)
    if item.meeting_id != meeting.pk:
        raise Http404
    actions.move_agenda_item(item, up=request.POST.get("direction") == "up")
    return redirect(meeting.get_absolute_url() + "#agenda")


# --- minutes ---


@require_http_methods(["GET", "POST"])
def minutes_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access, meeting = _managed_meeting(request, slug, pk)
    items = queries.agenda_for(meeting, public_only=False)
    form = MinutesForm(_data(request), items=items, initial={"minutes_summary": meeting.minutes_summary})
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_minutes(
                meeting, summary=form.cleaned_data["minutes_summary"], notes=form.notes(), by=request.user
            )
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("The minutes are saved."))
            return redirect(meeting.get_absolute_url() + "#minutes")
    context = {"network": access.network, "meeting": meeting, "form": form}
    return render(request, "meetings/minutes_form.html", context)


@require_POST
def minutes_circulate(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    _access, meeting = _managed_meeting(request, slug, pk)
    return _run(request, meeting, actions.circulate_minutes, _("The minutes are circulated for comments."))


@require_POST
def minutes_approve_previous(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    _access, meeting = _managed_meeting(request, slug, pk)
    return _run(request, meeting, actions.approve_previous_minutes, _("The previous minutes are approved."))


@require_POST
def minutes_lock(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    _access, meeting = _managed_meeting(request, slug, pk)
    return _run(request, meeting, actions.lock_minutes, _("The minutes are locked."))


# --- decisions and actions ---


@require_http_methods(["GET", "POST"])
def decision_create(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access, meeting = _managed_meeting(request, slug, pk)
    form = DecisionForm(_data(request), meeting=meeting, initial={"agenda_item": request.GET.get("item")})
    if request.method == "POST" and form.is_valid():
        try:
            decision = actions.record_decision(meeting, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Decision %(number)s is recorded.") % {"number": decision.number})
            return redirect(meeting.get_absolute_url() + "#decisions")
    context = {
        "network": access.network,
        "meeting": meeting,
        "form": form,
        "quorum": queries.quorum_for(meeting),
    }
    return render(request, "meetings/decision_form.html", context)


@require_http_methods(["GET", "POST"])
def action_create(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access, meeting = _managed_meeting(request, slug, pk)
    form = ActionForm(_data(request), meeting=meeting, initial={"agenda_item": request.GET.get("item")})
    if request.method == "POST" and form.is_valid():
        try:
            actions.create_action_item(meeting, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("The action item is recorded."))
            return redirect(meeting.get_absolute_url() + "#actions")
    return render(
        request, "meetings/action_form.html", {"network": access.network, "meeting": meeting, "form": form}
    )
