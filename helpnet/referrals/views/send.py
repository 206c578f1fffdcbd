"""Sending a referral: what the service offers first, then the person's details (referrals.md §4.2)."""

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from helpnet.directory import vocabulary
from helpnet.directory.models import Service, TaxonomyTerm
from helpnet.directory.queries import listed_services
from helpnet.organizations.models import Membership, Organization

from ..actions import ReferralError, accepts_referrals, create_referral, send_referral, update_draft
from ..forms import ReferralForm
from ..models import ReferralSettings
from ..permissions import get_referral_for_user_or_404, sides_of


def _sender_organizations(user: Any, *, exclude: UUID | None = None) -> QuerySet[Organization]:
    """Organisations where the user may act (editor, admin), other than the receiver."""
    orgs = Organization.objects.filter(
        memberships__user=user, memberships__role__in=[Membership.Role.EDITOR, Membership.Role.ADMIN]
    ).order_by("name")
    return orgs.exclude(pk=exclude) if exclude else orgs


def _service_or_404(user: Any, pk: Any) -> Service:
    try:
        pk = UUID(str(pk))
    except ValueError:
        raise Http404 from None
    service = get_object_or_404(listed_services().select_related("organization"), pk=pk)
    if (
        not accepts_referrals(service)
        or not _sender_organizations(user, exclude=service.organization_id).exists()
    ):
        raise Http404
    return service


def usual_response_days(service_id: UUID) -> float | None:
    """From referrals2's stats module when it is there; the page works without it."""
    try:
        from .. import stats  # type: ignore[attr-defined]
    except ImportError:
        return None
    function = getattr(stats, "usual_response_days", None)
    return function(service_id) if function else None


def referral_start(request: HttpRequest) -> HttpResponse:
    """Step 1: what the service offers, its capacity and usual answer time, before any personal data."""
    service = _service_or_404(request.user, request.GET.get("service", ""))
    settings = ReferralSettings.objects.filter(service=service).first()
    context = {
        "service": service,
        "settings": settings,
        "response_days": settings.response_working_days if settings else 3,
        "usual_days": usual_response_days(service.pk),
    }
    return render(request, "referrals/referral_start.html", context)


def _need_terms(service: Service | None) -> QuerySet[TaxonomyTerm] | None:
    if service is None:
        return None
    # Need areas of the service only (not target groups): the referral's need is one of what the service helps with.
    return (
        TaxonomyTerm.objects.filter(
            taxonomy_id=vocabulary.taxonomy_id(vocabulary.NEED_AREAS_TAXONOMY),
            attributes__link_entity="service",
            attributes__link_id=service.pk,
        )
        .order_by("name")
        .distinct()
    )


def _render_form(request: HttpRequest, form: ReferralForm, **context: Any) -> HttpResponse:
    return render(request, "referrals/referral_form.html", {"form": form, **context})


@require_http_methods(["GET", "POST"])
def referral_create(request: HttpRequest, service_pk: UUID) -> HttpResponse:
    """Step 2: the person's details; "Save draft" keeps them, "Send" sends at once."""
    service = _service_or_404(request.user, service_pk)
    sending = "send" in request.POST
    senders = _sender_organizations(request.user, exclude=service.organization_id)
    form = ReferralForm(
        request.POST or None,
        sender_organizations=senders,
        need_terms=_need_terms(service),
        sending=sending,
        initial={
            "consent_at": timezone.localtime().replace(second=0, microsecond=0),
            "sender_organization": senders.values_list("pk", flat=True).first(),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            referral = create_referral(
                service,
                sender_organization=form.cleaned_data["sender_organization"],
                by=request.user,
                data=form.to_data(),
                send=sending,
            )
        except ReferralError as error:
            form.add_error(None, error)
        else:
            if sending:
                messages.success(request, _("The referral %(ref)s is sent.") % {"ref": referral.reference})
            else:
                messages.success(request, _("The draft %(ref)s is saved.") % {"ref": referral.reference})
            return redirect(referral)
    return _render_form(request, form, service=service)


@require_http_methods(["GET", "POST"])
def referral_edit(request: HttpRequest, pk: UUID) -> HttpResponse:
    """Change a draft (the sender's editors and admins only), then save or send it."""
    referral = get_referral_for_user_or_404(request.user, pk)
    sides = sides_of(request.user, referral)
    if not sides.sender_acts:
        raise PermissionDenied
    if referral.status != "draft":
        messages.error(request, _("Only a draft can be changed. Write a message instead."))
        return redirect(referral)
    sending = "send" in request.POST
    senders = Organization.objects.filter(pk=referral.sender_organization_id or UUID(int=0))
    form = ReferralForm(
        request.POST or None,
        sender_organizations=senders,
        need_terms=_need_terms(referral.service),
        sending=sending,
        initial=ReferralForm.initial_for(referral),
    )
    if request.method == "POST" and form.is_valid():
        try:
            update_draft(referral, by=request.user, data=form.to_data())
            if sending:
                send_referral(referral, by=request.user)
        except ReferralError as error:
            form.add_error(None, error)
        else:
            done = _("The referral %(ref)s is sent.") if sending else _("The draft %(ref)s is saved.")
            messages.success(request, done % {"ref": referral.reference})
            return redirect(referral)
    return _render_form(request, form, service=referral.service, referral=referral)
