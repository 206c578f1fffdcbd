"""Network-wide pages: meeting series and host rotation, the agenda backlog, the decisions register and
the action items (of a network, and "my actions")."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from helpnet.networks.models import WorkingGroup

from .. import actions, queries
from ..forms import AcceptForm, ActionUpdateForm, DecisionSearchForm, GenerateForm, ProposeForm, SeriesForm
from ..models import ActionItem, AgendaItem, Meeting, MeetingSeries
from ..permissions import can_update_action, manager_access_for, meetings_visible, member_access_for
from .meetings import _data, _error_text, _form_error

# --- series ---


def series_list(request: HttpRequest, slug: str) -> HttpResponse:
    access = member_access_for(request.user, slug)
    series = access.network.meeting_series.select_related("working_group").order_by("title")
    context = {"network": access.network, "access": access, "series_list": series}
    return render(request, "meetings/series_list.html", context)


@require_http_methods(["GET", "POST"])
def series_edit(request: HttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
    access = manager_access_for(request.user, slug)
    instance = get_object_or_404(MeetingSeries, network=access.network, pk=pk) if pk else None
    if instance is None:
        instance = MeetingSeries(network=access.network)
    form = SeriesForm(_data(request), instance=instance, network=access.network)
    if request.method == "POST" and form.is_valid():
        try:
            series = actions.save_series(form.save(commit=False), by=request.user)
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("The series is saved."))
            return redirect(series)
    context = {"network": access.network, "form": form, "series": instance if instance.pk else None}
    return render(request, "meetings/series_form.html", context)


def series_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = member_access_for(request.user, slug)
    series = get_object_or_404(
        MeetingSeries.objects.select_related("working_group"), network=access.network, pk=pk
    )
    rotation = queries.rotation_members(series)
    hosted = queries.times_hosted(access.network, series=series)
    upcoming = queries.next_host(series, rotation=rotation) if series.rotate_hosts else None
    context = {
        "network": access.network,
        "access": access,
        "series": series,
        "rotation": [(member, hosted.get(member.organization_id, 0)) for member in rotation],
        "next_host": upcoming,
        "meetings": meetings_visible(access)
        .filter(series=series)
        .select_related("host_organization", "network", "working_group")
        .order_by("start"),
        "generate_form": GenerateForm(),
    }
    return render(request, "meetings/series_detail.html", context)


@require_POST
def series_generate(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = manager_access_for(request.user, slug)
    series = get_object_or_404(MeetingSeries, network=access.network, pk=pk)
    if not access.can_manage(series.working_group_id):
        raise Http404
    form = GenerateForm(request.POST)
    if form.is_valid():
        created = actions.generate_series_meetings(series, count=form.cleaned_data["count"], by=request.user)
        messages.success(request, _("%(n)s meetings are scheduled.") % {"n": len(created)})
    else:
        messages.error(request, _("Choose between 1 and 12 meetings."))
    return redirect(series)


# --- backlog ---


def _body(access: Any, request: HttpRequest) -> WorkingGroup | None:
    group_id = request.GET.get("group") or request.POST.get("group")
    if not group_id:
        return None
    if not str(group_id).isdigit():
        raise Http404
    return get_object_or_404(WorkingGroup, network=access.network, pk=group_id)


@require_http_methods(["GET", "POST"])
def backlog(request: HttpRequest, slug: str) -> HttpResponse:
    access = member_access_for(request.user, slug)
    group = _body(access, request)
    group_id = group.pk if group else None
    form = ProposeForm(_data(request))
    if request.method == "POST" and form.is_valid():
        actions.propose_agenda_item(access.network, working_group=group, by=request.user, **form.cleaned_data)
        messages.success(
            request, _("Thank you. The item is proposed; the convenor will put it on an agenda.")
        )
        return redirect(request.get_full_path())
    planned = (
        Meeting.objects.filter(network=access.network, working_group_id=group_id, start__gte=timezone.now())
        .exclude(status__in=[Meeting.Status.CANCELLED, Meeting.Status.HELD])
        .order_by("start")
    )
    context = {
        "network": access.network,
        "access": access,
        "group": group,
        "groups": access.network.working_groups.order_by("name"),
        "items": list(queries.backlog_for(access.network, group_id)),
        "form": form,
        "accept_form": AcceptForm(meetings=planned) if access.can_manage(group_id) else None,
        "manage": access.can_manage(group_id),
    }
    return render(request, "meetings/backlog.html", context)


@require_POST
def backlog_accept(request: HttpRequest, slug: str, item_pk: int) -> HttpResponse:
    access = member_access_for(request.user, slug)
    item = get_object_or_404(AgendaItem, network=access.network, pk=item_pk, meeting__isnull=True)
    if not access.can_manage(item.working_group_id):
        raise Http404
    meetings = Meeting.objects.filter(network=access.network, working_group_id=item.working_group_id)
    form = AcceptForm(request.POST, meetings=meetings)
    if form.is_valid():
        try:
            actions.accept_agenda_item(item, meeting=form.cleaned_data["meeting"], by=request.user)
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, _("“%(title)s” is on the agenda.") % {"title": item.title})
    else:
        messages.error(request, _("Choose a planned meeting of this group."))
    url = redirect("meetings:backlog", slug=slug).url
    if item.working_group_id:
        url += f"?group={item.working_group_id}"
    return redirect(url)


# --- decisions register ---


def decision_register(request: HttpRequest, slug: str) -> HttpResponse:
    access = member_access_for(request.user, slug)
    form = DecisionSearchForm(request.GET)
    text = form.cleaned_data["q"] if form.is_valid() else ""
    decisions = queries.search_decisions(meetings_visible(access), text)
    context = {"network": access.network, "form": form, "decisions": decisions[:200], "q": text}
    return render(request, "meetings/decision_register.html", context)


# --- action items ---


def action_list(request: HttpRequest, slug: str) -> HttpResponse:
    access = member_access_for(request.user, slug)
    status = request.GET.get("status", "open")
    actions_qs = queries.actions_list(access.network, meetings_visible(access), status=status)
    context = {
        "network": access.network,
        "actions": actions_qs[:300],
        "status": status,
        "statuses": ActionItem.Status.choices,
        "today": timezone.localdate(),
    }
    return render(request, "meetings/action_list.html", context)


def my_actions(request: HttpRequest) -> HttpResponse:
    context = {"actions": queries.my_actions(request.user), "today": timezone.localdate()}
    return render(request, "meetings/my_actions.html", context)


@require_http_methods(["GET", "POST"])
def action_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = member_access_for(request.user, slug)
    action = get_object_or_404(
        queries.actions_list(access.network, meetings_visible(access)).select_related("closed_in_meeting"),
        pk=pk,
    )
    may_update = can_update_action(request.user, access, action)
    form = ActionUpdateForm(_data(request)) if may_update else None
    if request.method == "POST":
        if form is None:
            raise Http404
        meeting = _meeting_for_update(access, action, request.POST.get("meeting"))
        if form.is_valid():
            try:
                actions.update_action_item(
                    action,
                    by=request.user,
                    note=form.cleaned_data["note"],
                    new_status=form.cleaned_data["new_status"],
                    new_due_date=form.cleaned_data["new_due_date"],
                    meeting=meeting,
                )
            except ValidationError as error:
                _form_error(form, error)
            else:
                messages.success(request, _("The action item is updated."))
                return redirect(
                    meeting.get_absolute_url() + "#review" if meeting else action.get_absolute_url()
                )
    context = {
        "network": access.network,
        "action": action,
        "updates": queries.action_with_updates(action),
        "form": form,
        "today": timezone.localdate(),
    }
    return render(request, "meetings/action_detail.html", context)


def _meeting_for_update(access: Any, action: ActionItem, value: str | None) -> Meeting | None:
    """The meeting in which an update is made (from the review item's form), of the action's body."""
    if not value:
        return None
    if not value.isdigit():
        raise Http404
    return get_object_or_404(
        meetings_visible(access),
        pk=value,
        network=action.network_id,
        working_group_id=action.working_group_id,
    )
