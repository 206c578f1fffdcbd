"""How each of an organisation's services takes referrals: the capacity note senders see first, the answer time."""

from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from helpnet.directory.permissions import get_service_for_editor_or_404
from helpnet.organizations.models import Organization

from ..actions import save_referral_settings
from ..forms import InboxForm, ReferralSettingsForm
from ..models import ReferralSettings
from ..permissions import organization_roles


def service_settings_list(request: HttpRequest) -> HttpResponse:
    form = InboxForm(request.GET)
    org_id = form.cleaned_data.get("org") if form.is_valid() else None
    if org_id is None or org_id not in organization_roles(request.user):
        raise Http404
    organization = get_object_or_404(Organization, pk=org_id)
    services = organization.services.select_related("referral_settings").order_by("name")
    return render(
        request, "referrals/service_settings_list.html", {"organization": organization, "services": services}
    )


@require_http_methods(["GET", "POST"])
def service_settings_edit(request: HttpRequest, service_pk: UUID) -> HttpResponse:
    service = get_service_for_editor_or_404(request.user, service_pk)
    current = ReferralSettings.objects.filter(service=service).first() or ReferralSettings(service=service)
    form = ReferralSettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        save_referral_settings(service, data=form.cleaned_data, by=request.user)
        messages.success(request, _("Referral settings of “%(name)s” are saved.") % {"name": service.name})
        return redirect(f"{_list_url()}?org={service.organization_id}")
    return render(request, "referrals/service_settings_form.html", {"form": form, "service": service})


def _list_url() -> str:
    from django.urls import reverse

    return reverse("referrals:service_settings_list")
