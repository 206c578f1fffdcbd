"""Monitoring pages of a network: dashboard, indicators, periods, reporting, review, report and exports.

Members of the network see everything here; organisations report for themselves; coordinators manage.
A network the user is not a member of is 404 (networks.permissions.network_for).
"""

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from helpnet.lib.pdf import html_to_pdf
from helpnet.networks.permissions import member_networks

from . import exports
from .actions import (
    lock_period,
    return_measurement,
    save_measurement,
    seed_breakdowns,
    submit_measurement,
    unlock_period,
    validate_measurement,
)
from .charts import trend_chart
from .forms import IndicatorForm, MeasurementForm, PeriodForm, ReturnForm
from .models import Measurement
from .permissions import (
    can_report_for,
    get_indicator_or_404,
    get_measurement_or_404,
    get_period_or_404,
    is_coordinator,
    network_for,
    reporting_organizations_for,
)
from .queries import (
    goal_progress,
    indicator_figures,
    indicators_of,
    measurements_of,
    periods_for,
    periods_of,
    reporting_by_partner,
)

PAGE_SIZE = 50


def _fail(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def home(request: HttpRequest) -> HttpResponse:
    networks = member_networks(request.user).order_by("name")
    return render(request, "monitoring/home.html", {"networks": networks})


def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    network = network_for(request.user, slug, need="member")
    coordinator = is_coordinator(request.user, network)
    figures = indicator_figures(network)
    charts = [(row, trend_chart(row)) for row in figures]
    goals = goal_progress(network)
    for goal in goals:
        goal.indicators = [row for row in figures if row.indicator.goal_id == goal.goal.pk]
    partners = reporting_by_partner(network)
    if not coordinator:
        own = {org.pk for org in reporting_organizations_for(request.user, network)}
        partners = [row for row in partners if row.organization.pk in own]
    context = {
        "network": network,
        "coordinator": coordinator,
        "charts": charts,
        "goals": goals,
        "partners": partners,
    }
    return render(request, "monitoring/dashboard.html", context)


def indicator_list(request: HttpRequest, slug: str) -> HttpResponse:
    network = network_for(request.user, slug, need="member")
    figures = indicator_figures(network, indicators=list(indicators_of(network)))
    context = {"network": network, "figures": figures, "coordinator": is_coordinator(request.user, network)}
    return render(request, "monitoring/indicator_list.html", context)


@require_http_methods(["GET", "POST"])
def indicator_create(request: HttpRequest, slug: str) -> HttpResponse:
    network = network_for(request.user, slug, need="coordinate")
    seed_breakdowns(network)
    form = IndicatorForm(request.POST or None, network=network)
    if request.method == "POST" and form.is_valid():
        indicator = form.save()
        messages.success(request, _("Indicator %(code)s is saved.") % {"code": indicator.code})
        return redirect(indicator)
    return render(request, "monitoring/indicator_form.html", {"network": network, "form": form})


@require_http_methods(["GET", "POST"])
def indicator_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    network = network_for(request.user, slug, need="coordinate")
    indicator = get_indicator_or_404(network, pk)
    form = IndicatorForm(request.POST or None, instance=indicator, network=network)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Indicator %(code)s is saved.") % {"code": indicator.code})
        return redirect(indicator)
    context = {"network": network, "form": form, "indicator": indicator}
    return render(request, "monitoring/indicator_form.html", context)


def indicator_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    network = network_for(request.user, slug, need="member")
    indicator = get_indicator_or_404(network, pk)
    figures = indicator_figures(network, indicators=[indicator])[0]
    measurements = (
        measurements_of(network)
        .filter(indicator=indicator)
        .order_by("-period__start", "reporting_organization__name", "disagg_key")
    )
    context = {
        "network": network,
        "indicator": indicator,
        "figures": figures,
        "chart": trend_chart(figures),
        "measurements": measurements,
        "periods": periods_for(indicator).order_by("-start"),
        "can_report": reporting_organizations_for(request.user, network).exists(),
        "coordinator": is_coordinator(request.user, network),
    }
    return render(request, "monitoring/indicator_detail.html", context)


@require_http_methods(["GET", "POST"])
def measurement_report(request: HttpRequest, slug: str, pk: int, period_pk: int) -> HttpResponse:
    network = network_for(request.user, slug, need="member")
    indicator = get_indicator_or_404(network, pk)
    period = get_period_or_404(network, period_pk)
    if not periods_for(indicator).filter(pk=period.pk).exists():
        raise Http404
    organizations = reporting_organizations_for(request.user, network)
    if not organizations.exists():
        raise PermissionDenied
    categories = list(indicator.breakdowns.all())
    # A draft or a returned total of the user's organisation opens pre-filled, to be corrected.
    existing = (
        Measurement.objects.filter(
            indicator=indicator, period=period, reporting_organization__in=organizations
        )
        .filter(disagg_key="", status__in=[Measurement.Status.DRAFT, Measurement.Status.RETURNED])
        .first()
    )
    initial = {}
    if existing is not None:
        initial = {
            "organization": existing.reporting_organization_id,
            "value": existing.value,
            "note": existing.note,
        }
    form = MeasurementForm(
        request.POST or None,
        initial=initial,
        indicator=indicator,
        organizations=organizations,
        categories=categories,
    )
    if request.method == "POST" and form.is_valid():
        organization = form.cleaned_data["organization"]
        if not can_report_for(
            request.user, network, organization.pk
        ):  # the form's choices already limit this
            raise Http404
        try:
            save_measurement(
                indicator,
                period=period,
                organization=organization,
                value=form.cleaned_data["value"],
                note=form.cleaned_data["note"],
                options=form.options(),
                by=request.user,
                submit=request.POST.get("action") == "submit",
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if request.POST.get("action") == "submit":
                messages.success(request, _("The figure is submitted for validation."))
            else:
                messages.success(request, _("The figure is saved as a draft."))
            return redirect(indicator)
    context = {
        "network": network,
        "indicator": indicator,
        "period": period,
        "form": form,
        "existing": existing,
    }
    return render(request, "monitoring/measurement_form.html", context)


def measurement_list(request: HttpRequest, slug: str) -> HttpResponse:
    network = network_for(request.user, slug, need="member")
    status = request.GET.get("status", "")
    measurements = measurements_of(network)
    if status in Measurement.Status.values:
        measurements = measurements.filter(status=status)
    page = Paginator(measurements, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "network": network,
        "measurements": page.object_list,
        "page": page,
        "status": status,
        "statuses": Measurement.Status.choices,
        "coordinator": is_coordinator(request.user, network),
        "own_org_ids": {org.pk for org in reporting_organizations_for(request.user, network)},
        "return_form": ReturnForm(),
    }
    return render(request, "monitoring/measurement_list.html", context)


def _back(request: HttpRequest, slug: str) -> HttpResponse:
    return redirect("monitoring:measurement_list", slug=slug)


@require_POST
def measurement_submit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    network = network_for(request.user, slug, need="member")
    measurement = get_measurement_or_404(network, pk)
    if not can_report_for(request.user, network, measurement.reporting_organization_id):
        raise Http404
    try:
        submit_measurement(measurement, by=request.user)
        messages.success(request, _("The figure is submitted for validation."))
    except ValidationError as error:
        _fail(request, error)
    return _back(request, slug)


@require_POST
def measurement_validate(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    network = network_for(request.user, slug, need="coordinate")
    measurement = get_measurement_or_404(network, pk)
    try:
        validate_measurement(measurement, by=request.user)
        messages.success(request, _("The figure is validated."))
    except ValidationError as error:
        _fail(request, error)
    return _back(request, slug)


@require_POST
def measurement_return(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    network = network_for(request.user, slug, need="coordinate")
    measurement = get_measurement_or_404(network, pk)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say what needs correcting."))
        return _back(request, slug)
    try:
        return_measurement(measurement, by=request.user, comment=form.cleaned_data["comment"])
        messages.success(request, _("The figure is returned to its organisation."))
    except ValidationError as error:
        _fail(request, error)
    return _back(request, slug)


def period_list(request: HttpRequest, slug: str) -> HttpResponse:
    network = network_for(request.user, slug, need="member")
    periods = periods_of(network).select_related("locked_by").order_by("-start", "label")
    context = {"network": network, "periods": periods, "coordinator": is_coordinator(request.user, network)}
    return render(request, "monitoring/period_list.html", context)


@require_http_methods(["GET", "POST"])
def period_create(request: HttpRequest, slug: str) -> HttpResponse:
    network = network_for(request.user, slug, need="coordinate")
    form = PeriodForm(request.POST or None, network=network)
    if request.method == "POST" and form.is_valid():
        period = form.save()
        messages.success(request, _("Period %(label)s is saved.") % {"label": period.label})
        return redirect("monitoring:period_list", slug=slug)
    return render(request, "monitoring/period_form.html", {"network": network, "form": form})


@require_POST
def period_lock(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    network = network_for(request.user, slug, need="coordinate")
    period = lock_period(get_period_or_404(network, pk), by=request.user)
    messages.success(
        request, _("Period %(label)s is locked: figures can no longer change.") % {"label": period}
    )
    return redirect("monitoring:period_list", slug=slug)


@require_POST
def period_unlock(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    network = network_for(request.user, slug, need="coordinate")
    period = unlock_period(get_period_or_404(network, pk), by=request.user)
    messages.success(request, _("Period %(label)s is open again.") % {"label": period})
    return redirect("monitoring:period_list", slug=slug)


def _report_context(request: HttpRequest, slug: str, pk: int) -> dict[str, Any]:
    network = network_for(request.user, slug, need="member")
    period = get_period_or_404(network, pk)
    figures = [row for row in indicator_figures(network, until=period) if row.points]
    for row in figures:
        row.points = [point for point in row.points if point.period.start <= period.start]
    return {
        "network": network,
        "period": period,
        "figures": figures,
        "goals": goal_progress(network),
        "partners": reporting_by_partner(network, periods=[period]),
        "generated": timezone.localdate(),
    }


def period_report(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return render(request, "monitoring/period_report.html", _report_context(request, slug, pk))


def period_report_pdf(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    context = _report_context(request, slug, pk)
    html = render_to_string("monitoring/period_report_pdf.html", context, request=request)
    title = _("Evaluation report %(period)s") % {"period": context["period"].label}
    pdf = html_to_pdf(html, title=title, footer=cast(str, context["network"].name))
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"{slugify(context['network'].slug)}-{slugify(context['period'].label)}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def export(request: HttpRequest, slug: str, table: str, fmt: str) -> HttpResponse:
    network = network_for(request.user, slug, need="member")
    if table not in exports.TABLES or fmt not in ("csv", "xlsx"):
        raise Http404
    header, rows = exports.TABLES[table](network)
    filename = f"{network.slug}-{table}.{fmt}"
    if fmt == "csv":
        response = HttpResponse(exports.to_csv(header, rows), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            exports.to_xlsx(header, rows, title=table),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
