"""Measures proposed by member organisations: submit, my organisations' proposals, and the coordinators'
queue where a proposal is evaluated and then accepted (it becomes a measure) or rejected, with an answer."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from helpnet.networks.permissions import organizations_represented_by

from ..actions import accept_proposal, reject_proposal, start_evaluating_proposal, submit_proposal
from ..forms import AcceptProposalForm, ProposalForm, RejectProposalForm
from ..models import MeasureProposal
from ..permissions import (
    acting_organizations,
    can_manage_plans,
    get_proposal_for_user_or_404,
    member_network_or_404,
)
from ..queries import proposals_of
from .plans import _managed_network


@require_GET
def proposal_list(request: HttpRequest, network: str) -> HttpResponse:
    net = member_network_or_404(request.user, network)
    can_manage = can_manage_plans(request.user, net)
    my_orgs = organizations_represented_by(request.user, net)
    context = {
        "network": net,
        "can_manage": can_manage,
        "can_propose": bool(acting_organizations(request.user, net, represented=my_orgs)),
        "mine": proposals_of(net, organization_ids=my_orgs) if my_orgs else [],
        "queue": proposals_of(net).filter(status__in=["submitted", "evaluating"]) if can_manage else [],
        "decided": proposals_of(net).filter(status__in=["accepted", "rejected"])[:50] if can_manage else [],
    }
    return render(request, "planning/proposal_list.html", context)


@require_http_methods(["GET", "POST"])
def proposal_create(request: HttpRequest, network: str) -> HttpResponse:
    net = member_network_or_404(request.user, network)
    my_orgs = acting_organizations(request.user, net)
    if not my_orgs:
        raise PermissionDenied
    initial = {"organization": next(iter(my_orgs))} if len(my_orgs) == 1 else None
    form = ProposalForm(request.POST or None, organization_ids=my_orgs, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            proposal = submit_proposal(
                net,
                organization=data["organization"],
                title=data["title"],
                description=data["description"],
                rationale=data["rationale"],
                populations=data["populations"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Thank you. The coordinators will look at your proposal."))
            return redirect(proposal)
    context = {
        "network": net,
        "form": form,
        "page_title": _("Propose a measure"),
        "back_url": reverse("planning:proposal_list", args=[net.slug]),
    }
    return render(request, "planning/form_page.html", context)


@require_GET
def proposal_detail(request: HttpRequest, network: str, pk: int) -> HttpResponse:
    net = member_network_or_404(request.user, network)
    proposal = get_proposal_for_user_or_404(request.user, net, pk)
    return render(request, "planning/proposal_detail.html", _detail_context(request, net, proposal))


def _detail_context(
    request: HttpRequest, net: Any, proposal: MeasureProposal, **forms: Any
) -> dict[str, Any]:
    can_manage = can_manage_plans(request.user, net)
    is_open = proposal.status in (MeasureProposal.Status.SUBMITTED, MeasureProposal.Status.EVALUATING)
    context: dict[str, Any] = {"network": net, "proposal": proposal, "can_decide": can_manage and is_open}
    if can_manage and is_open:
        context["accept_form"] = forms.get("accept_form") or AcceptProposalForm(network=net)
        context["reject_form"] = forms.get("reject_form") or RejectProposalForm(network=net)
    return context


def _coordinator_proposal(request: HttpRequest, network: str, pk: int) -> tuple[Any, MeasureProposal]:
    net = _managed_network(request, network)
    return net, get_object_or_404(
        MeasureProposal.objects.select_related("organization", "network"), network=net, pk=pk
    )


@require_POST
def proposal_evaluate(request: HttpRequest, network: str, pk: int) -> HttpResponse:
    _net, proposal = _coordinator_proposal(request, network, pk)
    try:
        start_evaluating_proposal(proposal, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(proposal)


@require_POST
def proposal_accept(request: HttpRequest, network: str, pk: int) -> HttpResponse:
    net, proposal = _coordinator_proposal(request, network, pk)
    form = AcceptProposalForm(request.POST, network=net)
    if form.is_valid():
        data = form.cleaned_data
        try:
            _proposal, measure = accept_proposal(
                proposal,
                goal=data["goal"],
                code=data["code"],
                answer=data["answer"],
                decided_in=data["decided_in"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Accepted: the proposal is now measure %(code)s.") % {"code": measure.code}
            )
            return redirect(proposal)
    context = _detail_context(request, net, proposal, accept_form=form)
    return render(request, "planning/proposal_detail.html", context, status=400)


@require_POST
def proposal_reject(request: HttpRequest, network: str, pk: int) -> HttpResponse:
    net, proposal = _coordinator_proposal(request, network, pk)
    form = RejectProposalForm(request.POST, network=proposal.network)
    if form.is_valid():
        try:
            reject_proposal(
                proposal,
                answer=form.cleaned_data["answer"],
                decided_in=form.cleaned_data["decided_in"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The proposal is answered."))
            return redirect(proposal)
    context = _detail_context(request, net, proposal, reject_form=form)
    return render(request, "planning/proposal_detail.html", context, status=400)
