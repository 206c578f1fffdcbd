"""One referral: its page, the steps allowed now, messages, assignment, forwarding, export and print."""

import json
from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from helpnet.directory.models import Service

from .. import actions
from ..actions import ReferralError, StaleReferralError, log_access
from ..fhir import referral_bundle
from ..forms import STEP_FORMS, AssignForm, MessageForm, ProgressForm, ServicePickForm, StepForm
from ..models import AccessLogEntry, Referral
from ..permissions import (
    Sides,
    allowed_transitions,
    can_assign,
    can_edit_draft,
    can_restrict,
    can_write_message,
    get_referral_for_user_or_404,
    may,
    organization_roles,
    sides_of,
)
from ..queries import chain, colleagues, service_choices, timeline

STEP_LABELS = {
    "send": gettext_lazy("Send"),
    "accept": gettext_lazy("Accept"),
    "reject": gettext_lazy("Decline"),
    "start": gettext_lazy("Start"),
    "hold": gettext_lazy("Put on hold"),
    "resume": gettext_lazy("Resume"),
    "complete": gettext_lazy("Complete"),
    "fail": gettext_lazy("Could not complete"),
    "cancel": gettext_lazy("Cancel the referral"),
    "enter_in_error": gettext_lazy("Mark as entered in error"),
}
STEP_DONE = {
    "send": gettext_lazy("The referral is sent."),
    "accept": gettext_lazy("You accepted the referral."),
    "reject": gettext_lazy("You declined the referral."),
    "start": gettext_lazy("The work has started."),
    "hold": gettext_lazy("The referral is on hold."),
    "resume": gettext_lazy("The work goes on."),
    "complete": gettext_lazy("The referral is completed."),
    "fail": gettext_lazy("The referral is closed as not completed."),
    "cancel": gettext_lazy("The referral is cancelled."),
    "enter_in_error": gettext_lazy("The referral is marked as entered in error."),
}

StepFunction = Callable[[Referral, Any, dict[str, Any]], Any]
STEPS: dict[str, StepFunction] = {
    "send": lambda r, u, d: actions.send_referral(r, by=u),
    "accept": lambda r, u, d: actions.accept_referral(r, by=u, note=d["note"]),
    "reject": lambda r, u, d: actions.reject_referral(r, by=u, reason=d["reason"], note=d["note"]),
    "start": lambda r, u, d: actions.start_referral(r, by=u, note=d["note"]),
    "hold": lambda r, u, d: actions.hold_referral(r, by=u, reason=d["reason"], note=d["note"]),
    "resume": lambda r, u, d: actions.resume_referral(r, by=u, note=d["note"]),
    "complete": lambda r, u, d: actions.complete_referral(r, by=u, outcome=d["outcome"], note=d["note"]),
    "fail": lambda r, u, d: actions.fail_referral(r, by=u, reason=d["reason"], note=d["note"]),
    "cancel": lambda r, u, d: actions.cancel_referral(r, by=u, reason=d["reason"], note=d["note"]),
    "enter_in_error": lambda r, u, d: actions.enter_in_error(r, by=u, reason=d["reason"], note=d["note"]),
}


def _detail_context(
    request: HttpRequest, referral: Referral, sides: Sides, *, bound: dict[str, Any] | None = None
) -> dict[str, Any]:
    bound = bound or {}
    initial = {"version": referral.version}
    steps = [
        {
            "name": name,
            "label": STEP_LABELS[name],
            "form": bound.get(name) or STEP_FORMS[name](initial=initial, prefix=name),
        }
        for name in allowed_transitions(sides, referral)
        if name in STEP_FORMS
    ]
    receiver_may_update = sides.receiver_acts and not referral.is_terminal and referral.status != "draft"
    return {
        "referral": referral,
        "sides": sides,
        "steps": steps,
        "timeline": timeline(referral),
        "chain": list(chain(referral)),
        "message_form": bound.get("message") or MessageForm(),
        "can_message": can_write_message(sides, referral),
        "assign_form": (
            bound.get("assign")
            or AssignForm(
                initial={"assignee": referral.assigned_to_id},
                users=_colleague_users(referral),
            )
        )
        if can_assign(sides, referral)
        else None,
        "progress_form": (bound.get("progress") or ProgressForm(initial=initial, prefix="progress"))
        if receiver_may_update and referral.restricted_at is None
        else None,
        "can_edit": can_edit_draft(sides, referral),
        "can_forward": may(sides, "forward", referral),
        "can_re_refer": may(sides, "re_refer", referral),
        "can_restrict": can_restrict(sides, referral),
        "error": bound.get("error"),
    }


def _colleague_users(referral: Referral) -> Any:
    from helpnet.accounts.models import User

    return User.objects.filter(
        pk__in=colleagues(referral.receiving_organization_id).values("user_id")
    ).order_by("first_name", "last_name", "username")


def _load(request: HttpRequest, pk: UUID) -> tuple[Referral, Sides]:
    referral = get_referral_for_user_or_404(request.user, pk)
    return referral, sides_of(request.user, referral, organization_roles(request.user))


def referral_detail(request: HttpRequest, pk: UUID) -> HttpResponse:
    referral, sides = _load(request, pk)
    # The first open by anyone of the receiving organisation marks it received (a system step).
    actions.mark_received(referral, by=request.user)
    log_access([referral], user=request.user, action=AccessLogEntry.Action.VIEW)
    return render(request, "referrals/referral_detail.html", _detail_context(request, referral, sides))


def _rerender(
    request: HttpRequest, referral: Referral, sides: Sides, status: int, **bound: Any
) -> HttpResponse:
    log_access([referral], user=request.user, action=AccessLogEntry.Action.VIEW)
    context = _detail_context(request, referral, sides, bound=bound)
    return render(request, "referrals/referral_detail.html", context, status=status)


@require_POST
def referral_step(request: HttpRequest, pk: UUID, step: str) -> HttpResponse:
    if step not in STEPS:
        raise Http404
    referral, sides = _load(request, pk)
    form: StepForm = STEP_FORMS[step](request.POST, prefix=step)
    if not form.is_valid():
        return _rerender(request, referral, sides, 400, **{step: form})
    try:
        actions.check_version(referral, form.cleaned_data["version"])
        STEPS[step](referral, request.user, form.cleaned_data)
    except StaleReferralError as error:
        return _rerender(request, referral, sides, 409, error=error.messages[0])
    except ReferralError as error:
        for message in error.messages:
            form.add_error(None, message)
        return _rerender(request, referral, sides, 400, **{step: form})
    messages.success(request, str(STEP_DONE[step]))
    return redirect(referral)


@require_POST
def referral_progress(request: HttpRequest, pk: UUID) -> HttpResponse:
    referral, sides = _load(request, pk)
    form = ProgressForm(request.POST, prefix="progress")
    if not form.is_valid():
        return _rerender(request, referral, sides, 400, progress=form)
    try:
        actions.record_progress(
            referral,
            by=request.user,
            business_status=form.cleaned_data["business_status"],
            note=form.cleaned_data["note"],
        )
    except ReferralError as error:
        form.add_error(None, error.messages[0])
        return _rerender(request, referral, sides, 400, progress=form)
    messages.success(request, _("The update is saved."))
    return redirect(referral)


@require_POST
def referral_message(request: HttpRequest, pk: UUID) -> HttpResponse:
    referral, sides = _load(request, pk)
    if not can_write_message(sides, referral):
        raise PermissionDenied
    form = MessageForm(request.POST)
    if form.is_valid():
        try:
            actions.add_message(referral, by=request.user, body=form.cleaned_data["body"])
        except ReferralError as error:
            form.add_error("body", error.messages[0])
    if request.headers.get("HX-Request"):
        context = _detail_context(request, referral, sides, bound={"message": form} if form.errors else {})
        return render(request, "referrals/referral_detail.html#conversation", context)
    if form.errors:
        return _rerender(request, referral, sides, 400, message=form)
    messages.success(request, _("Your message is sent."))
    return redirect(referral)


@require_POST
def referral_assign(request: HttpRequest, pk: UUID) -> HttpResponse:
    referral, sides = _load(request, pk)
    if not can_assign(sides, referral):
        raise PermissionDenied
    form = AssignForm(request.POST, users=_colleague_users(referral))
    if not form.is_valid():
        return _rerender(request, referral, sides, 400, assign=form)
    actions.assign_referral(referral, by=request.user, assignee=form.cleaned_data["assignee"])
    messages.success(request, _("The assignment is saved."))
    return redirect(referral)


@require_POST
def referral_restrict(request: HttpRequest, pk: UUID) -> HttpResponse:
    referral, sides = _load(request, pk)
    if not can_restrict(sides, referral):
        raise PermissionDenied
    actions.restrict_referral(referral, by=request.user)
    messages.success(request, _("Processing of this referral is restricted."))
    return redirect(referral)


@require_http_methods(["GET", "POST"])
def referral_pick_service(request: HttpRequest, pk: UUID, mode: str) -> HttpResponse:
    """Forward (receiver) or refer again (sender): find a service by name, then pick it."""
    referral, sides = _load(request, pk)
    transition = {"forward": "forward", "again": "re_refer"}.get(mode)
    if transition is None:
        raise Http404
    if not may(sides, transition, referral):
        raise PermissionDenied
    form = ServicePickForm(request.POST or request.GET)
    form.is_valid()
    exclude = [referral.receiving_organization_id]
    if mode == "forward" and referral.sender_organization_id:
        exclude.append(referral.sender_organization_id)
    if mode == "again" and referral.sender_organization_id:
        exclude = [referral.sender_organization_id]
    choices = service_choices(form.cleaned_data.get("q") or "", exclude_org_ids=exclude)
    if request.method == "POST":
        service_id = form.cleaned_data.get("service")
        service = (
            Service.objects.filter(pk=service_id or UUID(int=0), status="active")
            .exclude(organization_id__in=exclude)
            .first()
        )
        if service is None:
            form.add_error(None, _("Choose one of the services found."))
        else:
            try:
                if mode == "forward":
                    child = actions.forward_referral(
                        referral, by=request.user, service=service, note=form.cleaned_data.get("note") or ""
                    )
                    messages.success(request, _("Forwarded as %(ref)s.") % {"ref": child.reference})
                    return redirect(referral)
                new = actions.re_refer(referral, by=request.user, service=service)
                messages.success(
                    request, _("A new draft %(ref)s is ready: check it and send it.") % {"ref": new.reference}
                )
                return redirect("referrals:referral_edit", pk=new.pk)
            except ReferralError as error:
                form.add_error(None, error.messages[0])
    context = {"referral": referral, "form": form, "choices": choices, "mode": mode}
    return render(
        request, "referrals/referral_pick_service.html", context, status=400 if form.errors else 200
    )


def referral_fhir(request: HttpRequest, pk: UUID) -> HttpResponse:
    referral, _sides = _load(request, pk)
    log_access([referral], user=request.user, action=AccessLogEntry.Action.EXPORT)
    body = json.dumps(referral_bundle(referral), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/fhir+json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="referral-{referral.reference}.json"'
    response["Cache-Control"] = "no-store"
    return response


def referral_print(request: HttpRequest, pk: UUID) -> HttpResponse:
    referral, _sides = _load(request, pk)
    log_access([referral], user=request.user, action=AccessLogEntry.Action.PRINT)
    context = {"referral": referral, "timeline": timeline(referral), "printed_at": timezone.now()}
    response = render(request, "referrals/referral_print.html", context)
    response["Cache-Control"] = "no-store"
    return response
