"""The public "Ask to be contacted" form of a service, and its thank-you page (no login)."""

from typing import Any
from uuid import UUID

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation

from helpnet.directory.models import Service
from helpnet.directory.queries import listed_services
from helpnet.lib.limits import too_many_requests

from .. import actions
from ..models import PreferredContact, ReferralSettings, Source
from ..selfreferral import (
    RATE_WINDOW_SECONDS,
    SelfReferralForm,
    consent_text,
    new_timestamp,
    over_rate_limit,
)
from ..templatetags.referrals_public import usual_days_for


def _service_open_to_self_referrals(pk: UUID) -> tuple[Service, ReferralSettings]:
    service = get_object_or_404(listed_services().select_related("organization"), pk=pk)
    settings_row = ReferralSettings.objects.filter(
        service=service, accepts_self_referrals=True, accepts_referrals=True
    ).first()
    if settings_row is None:
        raise Http404
    return service, settings_row


def _form(service: Service, data: Any = None) -> SelfReferralForm:
    wording = consent_text(service.organization.tr("name"), service.tr("name"))
    initial = {"started": new_timestamp(), "person_language": translation.get_language()}
    return SelfReferralForm(data, consent=wording, initial=initial)


@login_not_required
def selfreferral_create(request: HttpRequest, service_pk: UUID) -> HttpResponse:
    service, settings_row = _service_open_to_self_referrals(service_pk)
    context: dict[str, Any] = {"service": service, "settings": settings_row}
    if request.method != "POST":
        return render(request, "referrals/selfreferral_form.html", {**context, "form": _form(service)})
    if over_rate_limit(request, count=True):
        context.update(form=_form(service, request.POST), rate_limited=True)
        response = render(request, "referrals/selfreferral_form.html", context)
        return too_many_requests(response, RATE_WINDOW_SECONDS)
    form = _form(service, request.POST)
    thanks = reverse("referrals:selfreferral_thanks", args=[service.pk])
    if form.is_spam:
        return redirect(thanks)  # a program filled the honeypot: pretend, save nothing
    if not form.is_valid():
        if "started" in form.errors:
            # A fresh timestamp, so that sending again works; everything typed stays.
            data = request.POST.copy()
            data["started"] = new_timestamp()
            form.data = data  # the errors stay: they were worked out already
        return render(request, "referrals/selfreferral_form.html", {**context, "form": form}, status=400)
    actions.create_referral(
        service,
        sender_organization=None,
        by=None,
        data=form.referral_data(),
        send=True,
        source=Source.SELF,
    )
    return redirect(f"{thanks}?via={form.cleaned_data['preferred_contact']}")


@login_not_required
def selfreferral_thanks(request: HttpRequest, service_pk: UUID) -> HttpResponse:
    service = get_object_or_404(listed_services().select_related("organization"), pk=service_pk)
    via = request.GET.get("via", "")
    context = {
        "service": service,
        "via": via if via in PreferredContact.values else "",
        "usual_days": usual_days_for(service.pk),
    }
    return render(request, "referrals/selfreferral_thanks.html", context)
