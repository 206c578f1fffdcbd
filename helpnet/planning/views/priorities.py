"""Needs-assessment rounds: priority areas, scoring per member organisation, the computed ranking, and the
unmet-needs evidence coordinators look at when they choose the areas."""

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from helpnet.organizations.models import Organization

from ..actions import save_round_scores
from ..forms import CRITERION_LABELS, PriorityAreaForm, RoundForm, ScoreForm
from ..models import SCORE_CRITERIA, PriorityArea, PriorityScore
from ..permissions import can_manage_plans, get_round_or_404, member_network_or_404, scoring_organizations
from ..queries import capacity_rejections, ranking, rounds_of, unmet_search_needs
from .plans import _managed_network

EVIDENCE_DAYS = 365


@require_GET
def round_list(request: HttpRequest, network: str) -> HttpResponse:
    net = member_network_or_404(request.user, network)
    context = {"network": net, "rounds": rounds_of(net), "can_manage": can_manage_plans(request.user, net)}
    return render(request, "planning/round_list.html", context)


@require_http_methods(["GET", "POST"])
def round_form(request: HttpRequest, network: str, pk: int | None = None) -> HttpResponse:
    net = _managed_network(request, network)
    round_ = get_round_or_404(net, pk) if pk else None
    form = RoundForm(request.POST or None, instance=round_)
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        saved.network = net
        saved.save()
        messages.success(request, _("The round is saved."))
        return redirect(saved)
    context = {
        "network": net,
        "form": form,
        "page_title": _("Edit round") if round_ else _("New needs-assessment round"),
        "back_url": round_.get_absolute_url() if round_ else reverse("planning:round_list", args=[net.slug]),
    }
    return render(request, "planning/form_page.html", context)


@require_GET
def round_detail(request: HttpRequest, network: str, pk: int) -> HttpResponse:
    net = member_network_or_404(request.user, network)
    round_ = get_round_or_404(net, pk)
    can_manage = can_manage_plans(request.user, net)
    context: dict[str, Any] = {
        "network": net,
        "round": round_,
        "ranking": ranking(round_),
        "can_manage": can_manage,
        "can_score": round_.status == round_.Status.OPEN and bool(scoring_organizations(request.user, net)),
        "criteria": [(c, CRITERION_LABELS[c]) for c in SCORE_CRITERIA],
    }
    if can_manage:
        end = min(round_.closes_on, timezone.localdate())
        start = end - dt.timedelta(days=EVIDENCE_DAYS)
        context.update(
            evidence_start=start,
            evidence_end=end,
            unmet_needs=unmet_search_needs(net, start, end),
            capacity_rejections=capacity_rejections(net, start, end),
        )
    return render(request, "planning/round_detail.html", context)


@require_http_methods(["GET", "POST"])
def area_form(request: HttpRequest, network: str, pk: int, area_pk: int | None = None) -> HttpResponse:
    net = _managed_network(request, network)
    round_ = get_round_or_404(net, pk)
    area = get_object_or_404(PriorityArea, round=round_, pk=area_pk) if area_pk else None
    form = PriorityAreaForm(request.POST or None, instance=area, network=net)
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        saved.round = round_
        saved.save()
        form.save_m2m()
        messages.success(request, _("The priority area is saved."))
        return redirect(round_)
    context = {
        "network": net,
        "round": round_,
        "form": form,
        "area": area,
        "page_title": _("Edit priority area") if area else _("New priority area"),
        "back_url": round_.get_absolute_url(),
    }
    return render(request, "planning/form_page.html", context)


@require_http_methods(["GET", "POST"])
def round_score(request: HttpRequest, network: str, pk: int) -> HttpResponse:
    """One organisation's scores for every area of the round; only for the user's own organisations."""
    net = member_network_or_404(request.user, network)
    round_ = get_round_or_404(net, pk)
    org_ids = scoring_organizations(request.user, net)
    if not org_ids:
        raise PermissionDenied
    organizations = list(Organization.objects.filter(pk__in=org_ids).order_by("name"))
    wanted = request.POST.get("org") or request.GET.get("org")
    organization = (
        next((o for o in organizations if str(o.pk) == wanted), None) if wanted else organizations[0]
    )
    if organization is None:
        raise Http404  # not one of the user's organisations: do not reveal anything about it
    areas = list(round_.areas.all())
    existing = {
        (s.area_id, c): getattr(s, c)
        for s in PriorityScore.objects.filter(area__round=round_, organization=organization)
        for c in SCORE_CRITERIA
    }
    initial = {f"a{a.pk}_{c}": existing.get((a.pk, c)) for a in areas for c in SCORE_CRITERIA}
    form = ScoreForm(request.POST or None, areas=areas, initial=initial)
    if round_.status != round_.Status.OPEN:
        if request.method == "POST":
            messages.error(request, _("This round is not open for scoring."))
        form_open = False
    else:
        form_open = True
    if request.method == "POST" and form_open and form.is_valid():
        try:
            count = save_round_scores(form.scores(), organization=organization, by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Scores saved for %(count)s areas.") % {"count": count})
            return redirect(round_)
    context = {
        "network": net,
        "round": round_,
        "form": form,
        "form_open": form_open,
        "organization": organization,
        "organizations": organizations,
    }
    return render(request, "planning/round_score.html", context, status=400 if form.errors else 200)
