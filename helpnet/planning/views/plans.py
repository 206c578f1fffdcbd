"""Plans: the network's list, a plan's goal tree with progress, forms for goals, measures and activities,
the activity progress update by the lead organisation, and CSV/XLSX export and CSV import."""

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from helpnet.networks.models import Network
from helpnet.networks.permissions import member_networks

from ..actions import ensure_statuses, update_activity_progress
from ..exchange import export_csv, export_xlsx, import_csv
from ..forms import (
    ActivityForm,
    ActivityProgressForm,
    GoalForm,
    ImportForm,
    MeasureForm,
    MilestoneForm,
    PlanForm,
    StatusFormSet,
)
from ..models import Activity, Measure, StatusDefinition, Strategy
from ..permissions import (
    acting_organizations,
    can_manage_plans,
    can_update_activity_progress,
    get_activity_or_404,
    get_goal_or_404,
    get_measure_or_404,
    get_plan_or_404,
    member_network_or_404,
)
from ..queries import plan_tree, plans_of

MAX_UPLOAD = 2 * 1024 * 1024


def _managed_network(request: HttpRequest, slug: str) -> Network:
    """The network for a coordinator's page: 404 for outsiders, 403 for members who do not coordinate."""
    network = member_network_or_404(request.user, slug)
    if not can_manage_plans(request.user, network):
        raise PermissionDenied
    return network


def _plans_url(net: Network) -> str:
    return reverse("planning:plan_list", args=[net.slug])


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    networks = member_networks(request.user).annotate(plan_count=Count("strategies")).order_by("name")
    return render(request, "planning/home.html", {"networks": networks})


@require_GET
def plan_list(request: HttpRequest, network: str) -> HttpResponse:
    net = member_network_or_404(request.user, network)
    context = {
        "network": net,
        "plans": plans_of(net),
        "can_manage": can_manage_plans(request.user, net),
    }
    return render(request, "planning/plan_list.html", context)


@require_http_methods(["GET", "POST"])
def plan_create(request: HttpRequest, network: str) -> HttpResponse:
    net = _managed_network(request, network)
    form = PlanForm(request.POST or None, network=net)
    if request.method == "POST" and form.is_valid():
        plan = form.save(commit=False)
        plan.network = net
        plan.created_by = cast(Any, request.user)
        plan.save()
        messages.success(request, _("The plan is saved. Now add its goals."))
        return redirect(plan)
    context = {"network": net, "form": form, "page_title": _("New plan"), "back_url": _plans_url(net)}
    return render(request, "planning/form_page.html", context)


@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, network: str, pk: int) -> HttpResponse:
    net = _managed_network(request, network)
    plan = get_plan_or_404(net, pk)
    form = PlanForm(request.POST or None, instance=plan, network=net)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The plan is saved."))
        return redirect(plan)
    context = {
        "network": net,
        "form": form,
        "page_title": _("Edit plan"),
        "back_url": plan.get_absolute_url(),
    }
    return render(request, "planning/form_page.html", context)


@require_GET
def plan_detail(request: HttpRequest, network: str, pk: int) -> HttpResponse:
    net = member_network_or_404(request.user, network)
    plan = get_plan_or_404(net, pk)
    my_orgs = acting_organizations(request.user, net)
    context = {
        "network": net,
        "plan": plan,
        "tree": plan_tree(plan),
        "can_manage": can_manage_plans(request.user, net),
        "my_orgs": my_orgs,
        "implemented_by": plan.implemented_by.select_related("network"),
    }
    return render(request, "planning/plan_detail.html", context)


@require_http_methods(["GET", "POST"])
def goal_form(request: HttpRequest, network: str, pk: int, goal_pk: int | None = None) -> HttpResponse:
    net = _managed_network(request, network)
    plan = get_plan_or_404(net, pk)
    goal = get_goal_or_404(plan, goal_pk) if goal_pk else None
    form = GoalForm(request.POST or None, instance=goal, plan=plan)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The goal is saved."))
        return redirect(plan)
    return render(request, "planning/item_form.html", _item_context(net, plan, form, goal, "goal"))


NEW_TITLES = {
    "goal": gettext_lazy("New goal"),
    "measure": gettext_lazy("New measure"),
    "activity": gettext_lazy("New activity"),
}


def _item_context(net: Network, plan: Strategy, form: Any, item: Any, kind: str) -> dict[str, Any]:
    if item:
        title = _("Edit %(code)s %(title)s") % {"code": item.code, "title": item.title}
    else:
        title = str(NEW_TITLES[kind])
    return {
        "network": net,
        "plan": plan,
        "form": form,
        "item": item,
        "page_title": title,
        "milestone_kind": {"measure": "measures", "activity": "activities"}.get(kind),
    }


@require_http_methods(["GET", "POST"])
def measure_form(request: HttpRequest, network: str, pk: int, measure_pk: int | None = None) -> HttpResponse:
    net = _managed_network(request, network)
    plan = get_plan_or_404(net, pk)
    measure = get_measure_or_404(plan, measure_pk) if measure_pk else None
    initial = {"goal": request.GET.get("goal")} if not measure else None
    form = MeasureForm(request.POST or None, instance=measure, plan=plan, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, _("The measure is saved."))
        return redirect(f"{plan.get_absolute_url()}#measure-{saved.pk}")
    context = _item_context(net, plan, form, measure, "measure")
    context["milestone_form"] = MilestoneForm() if measure else None
    return render(request, "planning/item_form.html", context)


@require_http_methods(["GET", "POST"])
def activity_form(
    request: HttpRequest, network: str, pk: int, activity_pk: int | None = None
) -> HttpResponse:
    net = _managed_network(request, network)
    plan = get_plan_or_404(net, pk)
    activity = get_activity_or_404(plan, activity_pk) if activity_pk else None
    initial = {"measure": request.GET.get("measure")} if not activity else None
    form = ActivityForm(request.POST or None, instance=activity, plan=plan, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, _("The activity is saved."))
        return redirect(f"{plan.get_absolute_url()}#activity-{saved.pk}")
    context = _item_context(net, plan, form, activity, "activity")
    context["milestone_form"] = MilestoneForm() if activity else None
    return render(request, "planning/item_form.html", context)


@require_POST
def milestone_add(request: HttpRequest, network: str, pk: int, kind: str, item_pk: int) -> HttpResponse:
    if kind not in ("measures", "activities"):
        raise Http404
    net = _managed_network(request, network)
    plan = get_plan_or_404(net, pk)
    item: Measure | Activity = (
        get_measure_or_404(plan, item_pk) if kind == "measures" else get_activity_or_404(plan, item_pk)
    )
    form = MilestoneForm(request.POST)
    if form.is_valid():
        milestone = form.save(commit=False)
        setattr(milestone, "measure" if isinstance(item, Measure) else "activity", item)
        milestone.save()
        messages.success(request, _("The milestone is added."))
    else:
        messages.error(request, _("The milestone needs a date and a title."))
    return redirect(
        f"{plan.get_absolute_url()}#{'measure' if isinstance(item, Measure) else 'activity'}-{item.pk}"
    )


@require_http_methods(["GET", "POST"])
def activity_progress(request: HttpRequest, network: str, pk: int, activity_pk: int) -> HttpResponse:
    net = member_network_or_404(request.user, network)
    plan = get_plan_or_404(net, pk)
    activity = get_activity_or_404(plan, activity_pk)
    if not can_update_activity_progress(request.user, activity):
        raise PermissionDenied
    form = ActivityProgressForm(
        request.POST or None,
        network=net,
        initial={"status": activity.status_id, "progress": activity.progress},
    )
    if request.method == "POST" and form.is_valid():
        try:
            update_activity_progress(
                activity,
                status=form.cleaned_data["status"],
                progress=form.cleaned_data["progress"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The progress is saved."))
            return redirect(f"{plan.get_absolute_url()}#activity-{activity.pk}")
    context = {"network": net, "plan": plan, "activity": activity, "form": form}
    return render(request, "planning/activity_progress.html", context)


def _filename(plan: Strategy, ext: str) -> str:
    return f"{slugify(plan.title) or 'plan'}-{plan.pk}.{ext}"


@require_GET
def plan_export_csv(request: HttpRequest, network: str, pk: int) -> HttpResponse:
    net = member_network_or_404(request.user, network)
    plan = get_plan_or_404(net, pk)
    response = HttpResponse(export_csv(plan), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(plan, "csv")}"'
    return response


@require_GET
def plan_export_xlsx(request: HttpRequest, network: str, pk: int) -> HttpResponse:
    net = member_network_or_404(request.user, network)
    plan = get_plan_or_404(net, pk)
    response = HttpResponse(
        export_xlsx(plan), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(plan, "xlsx")}"'
    return response


@require_http_methods(["GET", "POST"])
def plan_import(request: HttpRequest, network: str, pk: int) -> HttpResponse:
    net = _managed_network(request, network)
    plan = get_plan_or_404(net, pk)
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            errors = [_("The file is larger than 2 MB.")]
        else:
            result = import_csv(plan, upload.read())
            if result.ok:
                messages.success(
                    request,
                    _("Import done: %(created)s new, %(updated)s updated.")
                    % {"created": result.created, "updated": result.updated},
                )
                return redirect(plan)
            errors = result.errors
    context = {"network": net, "plan": plan, "form": form, "errors": errors}
    return render(request, "planning/plan_import.html", context, status=400 if errors else 200)


@require_http_methods(["GET", "POST"])
def status_list(request: HttpRequest, network: str) -> HttpResponse:
    """The network's statuses of plan items: names, default progress, closed and cancelled (coordinators)."""
    net = _managed_network(request, network)
    ensure_statuses(net)
    formset = StatusFormSet(request.POST or None, queryset=StatusDefinition.objects.filter(network=net))
    if request.method == "POST" and formset.is_valid():
        with transaction.atomic():
            for status in formset.save(commit=False):
                status.network = net
                if not status.key:
                    status.key = _unique_key(net, status.name)
                status.save()
        messages.success(request, _("The statuses are saved."))
        return redirect("planning:status_list", network=net.slug)
    return render(request, "planning/status_list.html", {"network": net, "formset": formset})


def _unique_key(net: Network, name: str) -> str:
    base = slugify(name)[:30] or "status"
    key, n = base, 1
    while StatusDefinition.objects.filter(network=net, key=key).exists():
        n += 1
        key = f"{base}-{n}"
    return key
