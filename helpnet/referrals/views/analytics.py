"""Referral analytics for network coordinators: the page and its CSV export (aggregates, small cells suppressed)."""

import csv
import datetime as dt

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from helpnet.networks.permissions import coordinated_networks, member_organization_ids, network_for

from .. import analytics

MAX_PERIOD_DAYS = 5 * 366


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(
        label=_("To (not included)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict:  # type: ignore[type-arg]
        data = super().clean() or {}
        today = timezone.localdate()
        end = data.get("end") or today + dt.timedelta(days=1)
        start = data.get("start") or end - dt.timedelta(days=365)
        if start >= end:
            raise forms.ValidationError(gettext("The start must be before the end."))
        if (end - start).days > MAX_PERIOD_DAYS:
            raise forms.ValidationError(gettext("Choose a period of at most five years."))
        data["start"], data["end"] = start, end
        return data


def _report(request: HttpRequest, slug: str) -> tuple[PeriodForm, analytics.Report | None]:
    network = network_for(request.user, slug, need="coordinate")
    form = PeriodForm(request.GET)
    if not form.is_valid():
        return form, None
    members = member_organization_ids(network)
    return form, analytics.build_report(
        network, members, form.cleaned_data["start"], form.cleaned_data["end"]
    )


def analytics_index(request: HttpRequest) -> HttpResponse:
    networks = list(coordinated_networks(request.user).filter(archived_at__isnull=True).order_by("name"))
    if not networks:
        raise Http404
    return render(request, "referrals/analytics/index.html", {"networks": networks})


def analytics_network(request: HttpRequest, slug: str) -> HttpResponse:
    form, report = _report(request, slug)
    context = {
        "form": form,
        "report": report,
        "network": report.network if report else network_for(request.user, slug, need="coordinate"),
        "chart_height": analytics.chart_height(report) if report else 0,
        "svg_width": analytics.SVG_WIDTH,
        "box_width": analytics.BOX_WIDTH,
        "query": request.GET.urlencode(),
    }
    return render(request, "referrals/analytics/network.html", context, status=200 if report else 400)


def _safe(cell: str) -> str:
    # A spreadsheet would run a cell starting with one of these as a formula.
    return "'" + cell if cell[:1] in ("=", "+", "-", "@") else cell


def analytics_csv(request: HttpRequest, slug: str) -> HttpResponse:
    form, report = _report(request, slug)
    if report is None:
        return HttpResponse(" ".join(str(e) for e in form.non_field_errors()), status=400)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"referrals-{report.network.slug}-{report.start:%Y%m%d}-{report.end:%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv.writer(response)
    for row in analytics.csv_rows(report):
        writer.writerow([_safe(str(cell)) for cell in row])
    return response
