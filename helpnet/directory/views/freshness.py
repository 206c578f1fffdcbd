"""Data that stays true: the "still correct" link, "report a problem", the moderation queue, the
staleness dashboard and a service's change history."""

from typing import Any
from uuid import UUID

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from helpnet.lib import ratelimit
from helpnet.lib.limits import too_many_requests

from .. import freshness
from ..models import ProblemReport, Service
from ..queries import listed_services


class ProblemReportForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("What is wrong?"), choices=ProblemReport.Kind.choices, widget=forms.RadioSelect
    )
    text = forms.CharField(
        label=gettext_lazy("Details"),
        help_text=gettext_lazy("What should it say instead? Please do not write about your health."),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": 2000}),
    )
    email = forms.EmailField(
        label=gettext_lazy("Your e-mail (optional)"),
        help_text=gettext_lazy("Only if you would like the organisation to answer you."),
        required=False,
    )
    # Honeypot: hidden from people (and screen readers); bots that fill every field give themselves away.
    website = forms.CharField(
        required=False,
        max_length=500,
        label=gettext_lazy("Leave this field empty"),
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == ProblemReport.Kind.OTHER and not (data.get("text") or "").strip():
            self.add_error("text", _("Please tell us what is wrong."))
        return data


# --- public -------------------------------------------------------------------------------------------


@login_not_required
def report_create(request: HttpRequest, pk: UUID) -> HttpResponse:
    service = get_object_or_404(listed_services().select_related("organization"), pk=pk)
    form = ProblemReportForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        if ratelimit.hit(
            "problem-report",
            ratelimit.client_address(request),
            limit=freshness.REPORTS_PER_WINDOW,
            window_seconds=freshness.REPORT_WINDOW_SECONDS,
        ):
            form.add_error(None, _("You have sent several reports in a short time. Please try again later."))
            status = 429
        else:
            data = form.cleaned_data
            if not data["website"]:
                freshness.create_problem_report(
                    service, kind=data["kind"], text=data["text"].strip(), email=data["email"]
                )
            return redirect("directory:report_thanks", pk=service.pk)
    response = render(
        request, "directory/report_form.html", {"service": service, "form": form}, status=status
    )
    return too_many_requests(response, freshness.REPORT_WINDOW_SECONDS) if status == 429 else response


@login_not_required
def report_thanks(request: HttpRequest, pk: UUID) -> HttpResponse:
    service = get_object_or_404(listed_services(), pk=pk)
    return render(request, "directory/report_thanks.html", {"service": service})


@login_not_required
def service_confirm_link(request: HttpRequest, token: str) -> HttpResponse:
    """The e-mailed "still correct" link: GET only asks, the button POSTs; no login needed."""
    link = freshness.read_confirm_token(token)
    if link is None:
        return render(request, "directory/freshness_link_invalid.html", status=400)
    if request.method == "POST":
        freshness.confirm_service(link.service, by=link.user, via_link=True)
        return render(request, "directory/freshness_confirmed.html", {"service": link.service})
    context = {"service": link.service, "edit_url": freshness.edit_path(link.service)}
    return render(request, "directory/freshness_confirm.html", context)


# --- staff ---------------------------------------------------------------------------------------------


def report_list(request: HttpRequest) -> HttpResponse:
    show_all = request.GET.get("status") == "all"
    reports = freshness.problem_reports_visible_to(request.user)
    if not show_all:
        reports = reports.filter(status=ProblemReport.Status.OPEN)
    page = Paginator(reports.order_by("-created_at"), 50).get_page(request.GET.get("page"))
    editable = freshness.editable_organization_ids(request.user)
    for report in page:
        report.can_close = editable == "all" or report.service.organization_id in editable  # type: ignore[attr-defined]
    return render(request, "directory/report_list.html", {"page": page, "show_all": show_all})


def _close_report(request: HttpRequest, pk: UUID, status: str) -> HttpResponse:
    report = freshness.get_problem_report_for_editor_or_404(request.user, pk)
    if freshness.close_problem_report(report, status=status, by=request.user):  # type: ignore[arg-type]
        messages.success(request, _("The report was closed."))
    return redirect("directory:report_list")


@require_POST
def report_resolve(request: HttpRequest, pk: UUID) -> HttpResponse:
    return _close_report(request, pk, ProblemReport.Status.RESOLVED)


@require_POST
def report_dismiss(request: HttpRequest, pk: UUID) -> HttpResponse:
    return _close_report(request, pk, ProblemReport.Status.DISMISSED)


def freshness_dashboard(request: HttpRequest) -> HttpResponse:
    organizations = freshness.organizations_administered_by(request.user)
    overview = freshness.freshness_overview(organizations)
    if not overview and not request.user.is_superuser:
        raise PermissionDenied
    context = {
        "overview": overview,
        "review_months": settings.HELPNET_REVIEW_MONTHS,
        "stale_months": settings.HELPNET_STALE_MONTHS,
        "hide_months": settings.HELPNET_HIDE_MONTHS,
    }
    return render(request, "directory/freshness_dashboard.html", context)


def service_history(request: HttpRequest, pk: UUID) -> HttpResponse:
    service = freshness.get_service_for_member_or_404(request.user, pk)
    page = Paginator(freshness.service_history(service), 100).get_page(request.GET.get("page"))
    editable = freshness.editable_organization_ids(request.user)
    context = {
        "service": service,
        "page": page,
        "staleness": freshness.staleness(service),
        "can_confirm": editable == "all" or service.organization_id in editable,
    }
    return render(request, "directory/freshness_history.html", context)


@require_POST
def service_confirm(request: HttpRequest, pk: UUID) -> HttpResponse:
    """A logged-in editor's "still correct" button (dashboard, history page)."""
    service: Service = freshness.get_service_for_member_or_404(request.user, pk, edit=True)
    if freshness.confirm_service(service, by=request.user):  # type: ignore[arg-type]
        messages.success(request, _("Thank you: the service is marked as checked today."))
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        return redirect(next_url)
    return redirect(reverse("directory:service_history", args=[service.pk]))
