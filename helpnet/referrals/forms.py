"""Input for referrals: the person's details and agreement, and the coded answers of each step."""

import datetime as dt
import re
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from helpnet.directory.models import TaxonomyTerm
from helpnet.lib.forms import max_lengths
from helpnet.organizations.models import Municipality, Organization

from .models import (
    BusinessStatus,
    CancelReason,
    ConsentMethod,
    ErrorReason,
    FailReason,
    HoldReason,
    LegalBasis,
    Outcome,
    PreferredContact,
    ReferralSettings,
    RejectReason,
    Urgency,
)

PHONE_RE = re.compile(r"^\+?[0-9 ()/.\-]{6,25}$")
# Languages the person may prefer (codes as in HSDS); the list is short on purpose, "other" goes in the reason.
LANGUAGE_CHOICES = [
    ("", _("Not said")),
    ("sl", _("Slovenian")),
    ("da", _("Danish")),
    ("en", _("English")),
    ("hr", _("Croatian")),
    ("sr", _("Serbian")),
    ("bs", _("Bosnian")),
    ("sq", _("Albanian")),
    ("mk", _("Macedonian")),
    ("hu", _("Hungarian")),
    ("it", _("Italian")),
    ("de", _("German")),
    ("uk", _("Ukrainian")),
    ("ru", _("Russian")),
    ("ar", _("Arabic")),
    ("fa", _("Persian")),
    ("tr", _("Turkish")),
    ("pl", _("Polish")),
    ("ro", _("Romanian")),
    ("so", _("Somali")),
]


def _blank(choices: Any, label: Any) -> list[tuple[str, Any]]:
    return [("", label), *choices]


class ReferralForm(forms.Form):
    """Step 2 of sending: the minimum about the person, the legal basis and, apart from it, their agreement.

    A draft needs only the name; sending needs the rest (checked again in `send_referral`).
    """

    sender_organization = forms.ModelChoiceField(
        label=_("Refer from"), queryset=Organization.objects.none(), empty_label=None
    )
    person_name = forms.CharField(label=_("Name of the person"), max_length=200)
    person_phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    person_email = forms.EmailField(label=_("E-mail"), required=False)
    preferred_contact = forms.ChoiceField(
        label=_("How they want to be contacted"),
        choices=PreferredContact.choices,
        initial=PreferredContact.PHONE,
    )
    preferred_time = forms.CharField(
        label=_("Best time to contact them"),
        max_length=200,
        required=False,
        help_text=_("For example: weekday mornings, not before 10."),
    )
    person_language = forms.ChoiceField(
        label=_("Language they prefer"), choices=LANGUAGE_CHOICES, required=False
    )
    interpreter_needed = forms.BooleanField(label=_("Needs an interpreter"), required=False)
    reason = forms.CharField(
        label=_("What they need help with"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=4000,
        required=False,
        help_text=_(
            "Write only what the receiver needs to help. Leave out diagnoses and health details unless they are needed."
        ),
    )
    urgency = forms.ChoiceField(label=_("How urgent"), choices=Urgency.choices, initial=Urgency.ROUTINE)
    need_term = forms.ModelChoiceField(
        label=_("Need area"), queryset=TaxonomyTerm.objects.none(), required=False, empty_label=_("Not said")
    )
    municipality = forms.ModelChoiceField(
        label=_("Municipality where they live"),
        queryset=Municipality.objects.order_by("name"),
        required=False,
        empty_label=_("Not said"),
        help_text=_("Only for statistics."),
    )
    legal_basis = forms.ChoiceField(
        label=_("Legal basis for sharing these details"),
        choices=_blank(LegalBasis.choices, _("Choose …")),
        required=False,
    )
    consent_given = forms.BooleanField(label=_("The person agreed to be referred"), required=False)
    consent_method = forms.ChoiceField(
        label=_("How they agreed"), choices=_blank(ConsentMethod.choices, _("Choose …")), required=False
    )
    consent_at = forms.DateTimeField(
        label=_("When they agreed"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
    )
    consent_scope = forms.CharField(
        label=_("What they agreed to (or why no agreement is needed)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        required=False,
    )

    def __init__(
        self,
        *args: Any,
        sender_organizations: Any,
        need_terms: Any = None,
        sending: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.sending = sending
        self.fields["sender_organization"].queryset = sender_organizations  # type: ignore[attr-defined]
        if need_terms is not None:
            self.fields["need_term"].queryset = need_terms  # type: ignore[attr-defined]
        else:
            del self.fields["need_term"]

    def clean_person_phone(self) -> str:
        phone = self.cleaned_data["person_phone"].strip()
        if phone and not PHONE_RE.match(phone):
            raise forms.ValidationError(
                gettext("Write the phone number with digits only, for example +386 40 123 456.")
            )
        return phone

    def clean_consent_at(self) -> Any:
        value = self.cleaned_data.get("consent_at")
        if value and value > timezone.now() + dt.timedelta(minutes=5):
            raise forms.ValidationError(gettext("The agreement cannot be in the future."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.sending:
            return data
        contact = data.get("preferred_contact")
        if contact in (PreferredContact.PHONE, PreferredContact.SMS) and not data.get("person_phone"):
            self.add_error(
                "person_phone", gettext("Give a phone number, or choose another way to contact them.")
            )
        if contact == PreferredContact.EMAIL and not data.get("person_email"):
            self.add_error(
                "person_email", gettext("Give an e-mail address, or choose another way to contact them.")
            )
        if not (data.get("reason") or "").strip():
            self.add_error("reason", gettext("Say briefly what the person needs help with."))
        basis = data.get("legal_basis")
        if not basis:
            self.add_error("legal_basis", gettext("Choose the legal basis for sharing these details."))
        if data.get("consent_given"):
            if not data.get("consent_method"):
                self.add_error("consent_method", gettext("Say how the person agreed."))
            if not data.get("consent_at"):
                self.add_error("consent_at", gettext("Say when the person agreed."))
            if not (data.get("consent_scope") or "").strip():
                self.add_error("consent_scope", gettext("Say what the person agreed to."))
        elif basis and basis not in (LegalBasis.VITAL_INTEREST, LegalBasis.LEGAL_OBLIGATION):
            self.add_error(
                "consent_given",
                gettext(
                    "Record the person's agreement to be referred, "
                    "or choose a legal basis that allows a referral without it."
                ),
            )
        elif basis and not (data.get("consent_scope") or "").strip():
            self.add_error(
                "consent_scope", gettext("Write down why the referral goes without the person's agreement.")
            )
        return data

    def to_data(self) -> dict[str, Any]:
        """The referral fields (without the sender organisation)."""
        data = {k: v for k, v in self.cleaned_data.items() if k != "sender_organization"}
        data.setdefault("need_term", None)
        if not data.get("consent_given"):
            data["consent_method"] = ""
            data["consent_at"] = None
        for key in ("person_phone", "preferred_time", "reason", "consent_scope", "person_name"):
            data[key] = (data.get(key) or "").strip()
        return data

    @staticmethod
    def initial_for(referral: Any) -> dict[str, Any]:
        fields = ReferralForm.base_fields
        initial = {
            name: getattr(referral, name) for name in fields if name not in ("need_term", "municipality")
        }
        initial["need_term"] = referral.need_term_id
        initial["municipality"] = referral.municipality_id
        initial["sender_organization"] = referral.sender_organization_id
        if referral.consent_at:
            initial["consent_at"] = timezone.localtime(referral.consent_at)
        return initial


class StepForm(forms.Form):
    """One step on a referral's page; `version` is the referral version the page showed."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    note = forms.CharField(
        label=_("Note (optional)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
        help_text=_("Seen by both organisations. No health details."),
    )


def _reason_form(choices: Any, label: Any) -> type[StepForm]:
    class ReasonForm(StepForm):
        reason = forms.ChoiceField(label=label, choices=_blank(choices, _("Choose …")))

    return ReasonForm


RejectForm = _reason_form(RejectReason.choices, _("Why you decline"))
HoldForm = _reason_form(HoldReason.choices, _("Why it is on hold"))
FailForm = _reason_form(FailReason.choices, _("Why it could not be completed"))
CancelForm = _reason_form(CancelReason.choices, _("Why you cancel"))
ErrorForm = _reason_form(ErrorReason.choices, _("What was wrong"))


class CompleteForm(StepForm):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=_blank(Outcome.choices, _("Choose …")))


class ProgressForm(StepForm):
    business_status = forms.ChoiceField(
        label=_("What happened"), choices=_blank(BusinessStatus.choices, _("Choose …"))
    )


# transition name → form class
STEP_FORMS: dict[str, type[StepForm]] = {
    "send": StepForm,
    "accept": StepForm,
    "reject": RejectForm,
    "start": StepForm,
    "hold": HoldForm,
    "resume": StepForm,
    "complete": CompleteForm,
    "fail": FailForm,
    "cancel": CancelForm,
    "enter_in_error": ErrorForm,
}


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Message to the other organisation"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        help_text=_("No health details unless they are needed."),
    )


class AssignForm(forms.Form):
    assignee: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Assign to"), queryset=None, required=False, empty_label=_("Nobody")
    )

    def __init__(self, *args: Any, users: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = users  # type: ignore[attr-defined]


class ServicePickForm(forms.Form):
    """Forward or refer again: find a service by name, then pick it."""

    q = forms.CharField(label=_("Service name"), max_length=100, required=False)
    service = forms.UUIDField(required=False)
    note = forms.CharField(
        label=_("Note for the new receiver (optional)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
    )


class InboxForm(forms.Form):
    org = forms.UUIDField(required=False)
    tab = forms.ChoiceField(
        choices=[(t, t) for t in ("new", "overdue", "mine", "sent", "all")], required=False
    )
    page = forms.IntegerField(min_value=1, required=False)


class ReferralSettingsForm(forms.ModelForm):
    class Meta:
        model = ReferralSettings
        fields = ["accepts_referrals", "accepts_self_referrals", "response_working_days", "capacity_note"]
        widgets = {"capacity_note": forms.Textarea(attrs={"rows": 3})}
        # A short note shown in a box before every referral to the service.
        formfield_callback = max_lengths(capacity_note=2_000)
        help_texts = {
            "capacity_note": _("Shown to staff before they refer someone, e.g. “Waiting list of 3 weeks”."),
            "accepts_self_referrals": _("Shows a “contact me” form on the public service page."),
        }

    def clean_response_working_days(self) -> int:
        days = self.cleaned_data["response_working_days"]
        if not 1 <= days <= 30:
            raise forms.ValidationError(gettext("Choose between 1 and 30 working days."))
        return int(days)
