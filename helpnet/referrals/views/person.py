"""One person's referrals for an organisation's admin: find them, export them (GDPR Art. 15/20), restrict
processing (Art. 18), erase (Art. 17: pseudonymise now, keeping the statistical skeleton).

The person's details travel only in POST bodies, never in URLs (which end up in server logs). Every search writes
"list" rows, every export "export", every restriction "restrict" and every erasure "erase" in the access log.
"""

import json
import re
from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from helpnet.organizations.models import Membership, Organization

from .. import actions, retention
from ..models import AccessLogEntry, Referral

ACTIONS = ("export", "restrict", "erase")


def _digits(phone: str) -> str:
    return re.sub(r"\D", "", phone or "")


def same_phone(a: str, b: str) -> bool:
    """The same number written differently ("+386 41 555 123" and "041 555 123"): the last 8 digits agree."""
    da, db = _digits(a), _digits(b)
    if len(da) < 6 or len(db) < 6:
        return False
    return da[-8:] == db[-8:]


def admin_organizations(user: Any) -> list[Organization]:
    return list(
        Organization.objects.filter(memberships__user=user, memberships__role=Membership.Role.ADMIN).order_by(
            "name"
        )
    )


class PersonForm(forms.Form):
    organization = forms.ModelChoiceField(label=_("Organisation"), queryset=Organization.objects.none())
    name = forms.CharField(label=_("Name"), max_length=200)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)

    def __init__(self, *args: Any, organizations: list[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organization"]
        field.queryset = Organization.objects.filter(pk__in=[o.pk for o in organizations])  # type: ignore[attr-defined]
        if len(organizations) == 1:
            field.initial = organizations[0].pk

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("phone") or "").strip() and not data.get("email"):
            raise forms.ValidationError(
                gettext("Give the phone number or the e-mail address too, so that only this person is found.")
            )
        return data


def _same_name(a: str, b: str) -> bool:
    # In Python, not SQL: SQLite compares only ASCII letters case-insensitively (Č, Ø, Å …).
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def find_person(organization: Organization, *, name: str, phone: str = "", email: str = "") -> list[Referral]:
    """The organisation's referrals (sent or received) of the person with this name and this phone or e-mail."""
    candidates = Referral.objects.filter(
        Q(sender_organization=organization) | Q(receiving_organization=organization),
        pseudonymised_at__isnull=True,
    ).values_list("pk", "person_name", "person_phone", "person_email")
    ids = [
        pk
        for pk, person_name, person_phone, person_email in candidates
        if _same_name(name, person_name)
        and (
            (phone and same_phone(phone, person_phone))
            or (email and person_email and person_email.casefold() == email.casefold())
        )
    ]
    return list(
        Referral.objects.filter(pk__in=ids)
        .select_related("sender_organization", "receiving_organization", "service")
        .order_by("-created_at")
    )


def _form_and_referrals(request: HttpRequest) -> tuple[PersonForm, list[Organization], list[Referral] | None]:
    organizations = admin_organizations(request.user)
    if not organizations:
        raise Http404
    if request.method != "POST":
        return PersonForm(organizations=organizations), organizations, None
    form = PersonForm(request.POST, organizations=organizations)
    if not form.is_valid():
        return form, organizations, None
    data = form.cleaned_data
    found = find_person(
        data["organization"], name=data["name"], phone=data.get("phone", ""), email=data.get("email", "")
    )
    return form, organizations, found


def person_search(request: HttpRequest) -> HttpResponse:
    form, _organizations, found = _form_and_referrals(request)
    if found:
        actions.log_access(found, user=request.user, action=AccessLogEntry.Action.LIST)
    status = 400 if request.method == "POST" and not form.is_valid() else 200
    return render(request, "referrals/person_search.html", {"form": form, "found": found}, status=status)


def export_json(referrals: list[Referral]) -> dict[str, Any]:
    """Everything held about the person in these referrals (GDPR Art. 15), with their history and messages."""

    def when(value: Any) -> str | None:
        return value.isoformat() if value else None

    items = []
    for r in referrals:
        items.append(
            {
                "reference": r.reference,
                "id": str(r.pk),
                "status": r.status,
                "status_reason": r.status_reason,
                "outcome": r.outcome,
                "urgency": r.urgency,
                "source": r.source,
                "sender_organization": r.sender_organization.name if r.sender_organization else None,
                "receiving_organization": r.receiving_organization.name,
                "service": r.service.name if r.service else None,
                "person": {
                    "name": r.person_name,
                    "phone": r.person_phone,
                    "email": r.person_email,
                    "preferred_contact": r.preferred_contact,
                    "preferred_time": r.preferred_time,
                    "language": r.person_language,
                    "interpreter_needed": r.interpreter_needed,
                },
                "reason": r.reason,
                "legal_basis": r.legal_basis,
                "agreement": {
                    "given": r.consent_given,
                    "method": r.consent_method,
                    "at": when(r.consent_at),
                    "scope": r.consent_scope,
                },
                "created_at": when(r.created_at),
                "requested_at": when(r.requested_at),
                "decided_at": when(r.decided_at),
                "closed_at": when(r.closed_at),
                "restricted_at": when(r.restricted_at),
                "events": [
                    {
                        "at": when(e.at),
                        "from_status": e.from_status,
                        "to_status": e.to_status,
                        "reason_code": e.reason_code,
                        "business_status": e.business_status,
                        "note": e.note,
                    }
                    for e in r.events.all()
                ],
                "messages": [
                    {
                        "at": when(m.created_at),
                        "organization": m.organization.name if m.organization else None,
                        "body": m.body,
                    }
                    for m in r.messages.all()
                ],
            }
        )
    return {"exported_at": timezone.now().isoformat(), "referrals": items}


@require_POST
def person_act(request: HttpRequest) -> HttpResponse:
    """Export, restrict or erase the chosen referrals of the person the form finds (and only those)."""
    form, _organizations, found = _form_and_referrals(request)
    action = request.POST.get("action", "")
    if found is None or action not in ACTIONS:
        return render(request, "referrals/person_search.html", {"form": form, "found": None}, status=400)
    chosen = set(request.POST.getlist("referral"))
    selected = [r for r in found if str(r.pk) in chosen]
    if not selected:
        messages.error(request, gettext("Tick at least one referral."))
        return render(request, "referrals/person_search.html", {"form": form, "found": found}, status=400)
    organization = form.cleaned_data["organization"]
    if action == "export":
        referrals = list(
            Referral.objects.filter(pk__in=[r.pk for r in selected])
            .select_related("sender_organization", "receiving_organization", "service")
            .prefetch_related("events", "messages__organization")
            .order_by("created_at")
        )
        actions.log_access(referrals, user=request.user, action=AccessLogEntry.Action.EXPORT)
        body = json.dumps(export_json(referrals), ensure_ascii=False, indent=2)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="referrals-person.json"'
        return response
    if action == "restrict":
        done = 0
        for referral in selected:
            if referral.restricted_at is None:
                actions.restrict_referral(referral, by=request.user)
                done += 1
        text = ngettext(
            "Processing of %(count)d referral is now restricted.",
            "Processing of %(count)d referrals is now restricted.",
            done,
        )
        messages.success(request, text % {"count": done})
    else:
        if request.POST.get("confirm") != "yes":
            messages.error(request, gettext("Tick the box to confirm the erasure: it cannot be undone."))
            return render(request, "referrals/person_search.html", {"form": form, "found": found}, status=400)
        done = sum(
            retention.pseudonymise(r, by=request.user, organization_id=organization.pk) for r in selected
        )
        text = ngettext(
            "The person's data were erased from %(count)d referral.",
            "The person's data were erased from %(count)d referrals.",
            done,
        )
        messages.success(request, text % {"count": done})
    remaining = find_person(
        organization,
        name=form.cleaned_data["name"],
        phone=form.cleaned_data.get("phone", ""),
        email=form.cleaned_data.get("email", ""),
    )
    return render(request, "referrals/person_search.html", {"form": form, "found": remaining})
