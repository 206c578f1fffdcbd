"""Pages of the learning app: needs, events, intervision groups and the good-practice library.

Authorise (permissions.py: other networks and non-members get 404) → parse (forms.py) → act (actions.py) → respond.
"""

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from helpnet.accounts.models import User
from helpnet.networks.permissions import (
    coordinated_networks,
    is_coordinator,
    member_networks,
    network_for,
    organizations_represented_by,
)
from helpnet.organizations.models import Organization

from . import actions, calendar, queries
from .forms import (
    AttendanceForm,
    FeedbackForm,
    GoodPracticeForm,
    GroupMemberForm,
    IntervisionGroupForm,
    PracticeFilterForm,
    RegistrationForm,
    ReturnForm,
    ReviewForm,
    TrainingEventForm,
    TrainingNeedForm,
)
from .models import IntervisionMember, Registration
from .permissions import (
    can_edit_practice,
    can_manage_event,
    can_manage_group,
    can_review_practice,
    events_visible_to,
    get_event_for_user_or_404,
    get_group_for_user_or_404,
    get_practice_for_manager_or_404,
    groups_visible_to,
    practices_manageable_by,
    published_practices,
    training_needs_visible_to,
)


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def _network_people(network: Any) -> Any:
    """People of the network's active member organisations (staff or representatives)."""
    return (
        User.objects.filter(
            Q(memberships__organization__network_memberships__network=network)
            | Q(representations__member__network=network, representations__ended_on__isnull=True)
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


# --- overview ---


def learning_home(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    # Everyone signed in sees the link; people of no member organisation get an empty page that says so.
    networks = list(member_networks(user).order_by("name"))
    coordinated = set(coordinated_networks(user).values_list("pk", flat=True))
    events = queries.event_list(events_visible_to(user), past=False)[:20]
    mine = (
        Registration.objects.filter(user=user, event__end__gte=timezone.now())
        .exclude(status=Registration.Status.CANCELLED)
        .select_related("event__network")
        .order_by("event__start")
    )
    context = {"networks": networks, "coordinated": coordinated, "events": events, "mine": mine}
    return render(request, "learning/home.html", context)


# --- training needs ---


def need_list(request: HttpRequest, slug: str) -> HttpResponse:
    user = _user(request)
    network = network_for(user, slug, need="member")
    needs = queries.needs_for_list(training_needs_visible_to(user, network))
    context = {
        "network": network,
        "needs": needs,
        "coordinator": is_coordinator(user, network),
        "can_submit": bool(organizations_represented_by(user, network)),
    }
    return render(request, "learning/need_list.html", context)


@require_http_methods(["GET", "POST"])
def need_create(request: HttpRequest, slug: str) -> HttpResponse:
    user = _user(request)
    network = network_for(user, slug, need="member")
    organizations = Organization.objects.filter(pk__in=organizations_represented_by(user, network))
    if not organizations.exists():
        raise PermissionDenied
    form = TrainingNeedForm(request.POST or None, organizations=organizations)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "organization"}
        actions.submit_training_need(
            network, organization=form.cleaned_data["organization"], by=user, data=data
        )
        messages.success(request, _("Thank you. The coordinators will see your training need."))
        return redirect("learning:need_list", slug=network.slug)
    return render(request, "learning/need_form.html", {"network": network, "form": form})


# --- training events ---


def event_list(request: HttpRequest) -> HttpResponse:
    visible = events_visible_to(_user(request))
    context = {
        "upcoming": queries.event_list(visible, past=False),
        "past": queries.event_list(visible, past=True)[:30],
    }
    return render(request, "learning/event_list.html", context)


@require_http_methods(["GET", "POST"])
def event_create(request: HttpRequest, slug: str) -> HttpResponse:
    user = _user(request)
    network = network_for(user, slug, need="coordinate")
    timezone.activate(network.timezone)  # the form's times are the network's wall-clock times
    initial = {"addressed_needs": request.GET.getlist("need")}
    form = TrainingEventForm(request.POST or None, network=network, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            event = actions.create_training_event(
                network, by=user, data=form.event_data(), needs=form.cleaned_data["addressed_needs"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The event is saved."))
            return redirect(event)
    return render(request, "learning/event_form.html", {"network": network, "form": form})


@require_http_methods(["GET", "POST"])
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_event_for_user_or_404(_user(request), pk)
    if not can_manage_event(request.user, event):
        raise PermissionDenied
    timezone.activate(event.network.timezone)
    form = TrainingEventForm(request.POST or None, instance=event, network=event.network)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_training_event(
                event, data=form.event_data(), needs=form.cleaned_data["addressed_needs"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The event is saved."))
            return redirect(event)
    context = {"network": event.network, "form": form, "event": event}
    return render(request, "learning/event_form.html", context)


def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    event = get_event_for_user_or_404(user, pk)
    now = timezone.now()
    registration = Registration.objects.filter(event=event, user=user).first()
    manager = can_manage_event(user, event)
    counts = queries.place_counts(event)
    organizations = Organization.objects.filter(pk__in=organizations_represented_by(user, event.network))
    context: dict[str, Any] = {
        "event": event,
        "registration": registration,
        "active": registration is not None and registration.status != Registration.Status.CANCELLED,
        "registration_problem": actions.registration_problem(event, now=now),
        "register_form": RegistrationForm(organizations=organizations),
        "feedback_problem": actions.feedback_problem(registration, now=now) if registration else "",
        "counts": counts,
        "manager": manager,
        "started": now >= event.start,
        "needs": event.addressed_needs.select_related("organization"),
    }
    if manager:
        registrations = list(queries.registrations_of(event))
        context["registrations"] = registrations
        context["attendance_form"] = AttendanceForm(
            registrations=[r for r in registrations if r.status == Registration.Status.REGISTERED],
            initial={"present": [r.pk for r in registrations if r.attended]},
        )
    return render(request, "learning/event_detail.html", context)


@require_POST
def event_register(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    event = get_event_for_user_or_404(user, pk)
    organizations = Organization.objects.filter(pk__in=organizations_represented_by(user, event.network))
    form = RegistrationForm(request.POST, organizations=organizations)
    if not form.is_valid():
        messages.error(request, _("Choose one of your organisations."))
        return redirect(event)
    organization = form.cleaned_data["organization"] or organizations.first()
    try:
        registration = actions.register_for_event(event, user=user, organization=organization)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        if registration.status == Registration.Status.WAITING:
            messages.warning(request, _("The event is full. You are on the waiting list."))
        else:
            messages.success(request, _("You are registered. We sent you an e-mail."))
    return redirect(event)


@require_POST
def event_cancel_registration(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    event = get_event_for_user_or_404(user, pk)
    registration = get_object_or_404(Registration, event=event, user=user)
    try:
        actions.cancel_registration(registration)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("Your registration is cancelled."))
    return redirect(event)


@require_POST
def event_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_event_for_user_or_404(_user(request), pk)
    if not can_manage_event(request.user, event):
        raise PermissionDenied
    actions.cancel_training_event(event)
    messages.success(request, _("The event is cancelled."))
    return redirect(event)


@require_POST
def event_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_event_for_user_or_404(_user(request), pk)
    if not can_manage_event(request.user, event):
        raise PermissionDenied
    registered = queries.registrations_of(event).filter(status=Registration.Status.REGISTERED)
    form = AttendanceForm(request.POST, registrations=registered)
    if not form.is_valid():
        messages.error(request, _("The attendance list could not be read. Please try again."))
        return redirect(event)
    try:
        came = actions.mark_attendance(event, present=form.cleaned_data["present"])
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("Attendance is saved: %(count)s present.") % {"count": came})
    return redirect(event)


@require_http_methods(["GET", "POST"])
def event_feedback(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    event = get_event_for_user_or_404(user, pk)
    registration = get_object_or_404(Registration.objects.select_related("event"), event=event, user=user)
    problem = actions.feedback_problem(registration, now=timezone.now())
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and not problem and form.is_valid():
        try:
            actions.give_feedback(registration, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Thank you for your feedback."))
            return redirect(event)
    status = 409 if problem and request.method == "POST" else 200
    context = {"event": event, "form": form, "problem": problem}
    return render(request, "learning/event_feedback.html", context, status=status)


def event_feedback_summary(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_event_for_user_or_404(_user(request), pk)
    if not can_manage_event(request.user, event):
        raise PermissionDenied
    context = {"event": event, "summary": queries.feedback_summary(event)}
    return render(request, "learning/event_feedback_summary.html", context)


def event_ics(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_event_for_user_or_404(_user(request), pk)
    response = HttpResponse(calendar.event_ics(event), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="training-{event.pk}.ics"'
    return response


# --- intervision groups ---


def group_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    groups = (
        groups_visible_to(user).select_related("network", "facilitator").order_by("network__name", "name")
    )
    coordinated = coordinated_networks(user).order_by("name")
    return render(request, "learning/group_list.html", {"groups": groups, "coordinated": coordinated})


@require_http_methods(["GET", "POST"])
def group_create(request: HttpRequest, slug: str) -> HttpResponse:
    network = network_for(_user(request), slug, need="coordinate")
    form = IntervisionGroupForm(request.POST or None, people=_network_people(network))
    if request.method == "POST" and form.is_valid():
        group = actions.create_intervision_group(network, data=form.cleaned_data)
        messages.success(request, _("The group is saved. Now add its members."))
        return redirect(group)
    return render(request, "learning/group_form.html", {"network": network, "form": form})


def _member_form(group: Any, data: Any = None) -> GroupMemberForm:
    people = _network_people(group.network).exclude(pk__in=group.memberships.values("user_id"))
    organizations = Organization.objects.filter(
        network_memberships__network=group.network, network_memberships__status="active"
    ).order_by("name")
    return GroupMemberForm(data, people=people, organizations=organizations)


def group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    group = get_group_for_user_or_404(user, pk)
    manager = can_manage_group(user, group)
    members = IntervisionMember.objects.filter(group=group).select_related("user", "on_behalf_of")
    sessions = queries.with_place_counts(group.sessions.all()).order_by("-start")
    context = {
        "group": group,
        "members": members,
        "sessions": sessions,
        "manager": manager,
        "member_form": _member_form(group) if manager else None,
        "coordinator": is_coordinator(user, group.network),
    }
    return render(request, "learning/group_detail.html", context)


@require_POST
def group_member_add(request: HttpRequest, pk: int) -> HttpResponse:
    group = get_group_for_user_or_404(_user(request), pk)
    if not can_manage_group(request.user, group):
        raise PermissionDenied
    form = _member_form(group, request.POST)
    if form.is_valid():
        try:
            actions.add_group_member(
                group, user=form.cleaned_data["user"], on_behalf_of=form.cleaned_data["on_behalf_of"]
            )
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, _("The person is added to the group."))
    else:
        messages.error(request, _("Choose a person of the network."))
    return redirect(group)


@require_POST
def group_member_remove(request: HttpRequest, pk: int, user_id: int) -> HttpResponse:
    group = get_group_for_user_or_404(_user(request), pk)
    if not can_manage_group(request.user, group):
        raise PermissionDenied
    actions.remove_group_member(group, user_id=user_id)
    messages.success(request, _("The person is removed from the group."))
    return redirect(group)


# --- good practices: the public library ---


@login_not_required
def practice_list(request: HttpRequest) -> HttpResponse:
    form = PracticeFilterForm(request.GET)
    filters = form.cleaned_data if form.is_valid() else {}
    practices = queries.practices_for_list(
        published_practices(), population=filters.get("population", ""), need_area=filters.get("need", "")
    )
    return render(request, "learning/practice_list.html", {"form": form, "practices": practices})


@login_not_required
def practice_detail(request: HttpRequest, slug: str) -> HttpResponse:
    practice = queries.practices_for_list(published_practices()).filter(slug=slug).first()
    if practice is None:
        raise Http404
    return render(request, "learning/practice_detail.html", {"practice": practice, "public": True})


# --- good practices: writing and review ---


def practice_manage_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    practices = queries.practices_for_list(practices_manageable_by(user)).order_by("status", "-updated_at")
    networks = member_networks(user).order_by("name")
    return render(
        request, "learning/practice_manage_list.html", {"practices": practices, "networks": networks}
    )


@require_http_methods(["GET", "POST"])
def practice_create(request: HttpRequest, slug: str) -> HttpResponse:
    user = _user(request)
    network = network_for(user, slug, need="member")
    organizations = Organization.objects.filter(pk__in=organizations_represented_by(user, network))
    if not organizations.exists():
        raise PermissionDenied
    language = user.preferred_language or request.LANGUAGE_CODE
    form = GoodPracticeForm(
        request.POST or None, organizations=organizations, initial={"original_language": language}
    )
    if request.method == "POST" and form.is_valid():
        practice = actions.create_practice(
            network,
            organization=form.cleaned_data["organization"],
            by=user,
            data=form.practice_data(),
            populations=form.cleaned_data["populations"],
            need_areas=form.cleaned_data["need_areas"],
        )
        messages.success(request, _("The draft is saved. Submit it for review when it is ready."))
        return redirect("learning:practice_manage", pk=practice.pk)
    return render(request, "learning/practice_form.html", {"network": network, "form": form})


@require_http_methods(["GET", "POST"])
def practice_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    practice = get_practice_for_manager_or_404(user, pk)
    if not can_edit_practice(user, practice):
        raise PermissionDenied
    organizations = Organization.objects.filter(pk=practice.organization_id)
    form = GoodPracticeForm(request.POST or None, instance=practice, organizations=organizations)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_practice(
                practice,
                data=form.practice_data(),
                populations=form.cleaned_data["populations"],
                need_areas=form.cleaned_data["need_areas"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The practice is saved."))
            return redirect("learning:practice_manage", pk=practice.pk)
    context = {"network": practice.network, "form": form, "practice": practice}
    return render(request, "learning/practice_form.html", context)


def practice_manage(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    practice = get_practice_for_manager_or_404(user, pk)
    reviewer = can_review_practice(user, practice)
    own_review = practice.reviews.filter(reviewer=user).first()
    review_form = ReviewForm(
        initial={f"score_{k}": v for k, v in own_review.scores.items()} | {"comment": own_review.comment}
        if own_review
        else None
    )
    context = {
        "practice": practice,
        "can_edit": can_edit_practice(user, practice),
        "can_submit": can_edit_practice(user, practice),
        "reviewer": reviewer,
        "reviews": practice.reviews.select_related("reviewer") if reviewer else [],
        "review_form": review_form,
        "return_form": ReturnForm(),
    }
    return render(request, "learning/practice_manage.html", context)


def _transition(request: HttpRequest, pk: int, *, reviewer: bool, act: Any, done: str) -> HttpResponse:
    user = _user(request)
    practice = get_practice_for_manager_or_404(user, pk)
    allowed = can_review_practice(user, practice) if reviewer else can_edit_practice(user, practice)
    if not allowed:
        raise PermissionDenied
    try:
        act(practice)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, done)
    return redirect("learning:practice_manage", pk=practice.pk)


@require_POST
def practice_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition(
        request,
        pk,
        reviewer=False,
        act=actions.submit_practice,
        done=_("Submitted. The coordinators will review it."),
    )


@require_POST
def practice_start_review(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition(
        request, pk, reviewer=True, act=actions.start_review, done=_("The review has started.")
    )


@require_POST
def practice_publish(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition(
        request, pk, reviewer=True, act=actions.publish_practice, done=_("The practice is published.")
    )


@require_POST
def practice_archive(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition(
        request, pk, reviewer=True, act=actions.archive_practice, done=_("The practice is archived.")
    )


@require_POST
def practice_return(request: HttpRequest, pk: int) -> HttpResponse:
    form = ReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tell the organisation what to change."))
        return redirect("learning:practice_manage", pk=pk)
    comment = form.cleaned_data["comment"]
    return _transition(
        request,
        pk,
        reviewer=True,
        act=lambda practice: actions.return_practice(practice, comment=comment),
        done=_("The practice is returned to the organisation with your comments."),
    )


@require_POST
def practice_review(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    practice = get_practice_for_manager_or_404(user, pk)
    if not can_review_practice(user, practice):
        raise PermissionDenied
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Score every criterion from 0 to 3."))
        return redirect("learning:practice_manage", pk=pk)
    try:
        actions.review_practice(
            practice, reviewer=user, scores=form.scores(), comment=form.cleaned_data["comment"]
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("Your review is saved."))
    return redirect("learning:practice_manage", pk=pk)
