"""A citizen asks a service to contact them: the form, its spam defences and the rate limit.

- Consent: the text is shown next to a checkbox the person must tick; the text they saw is stored as the
  agreement's scope (legal basis: consent), with the time and "electronically".
- Spam: a honeypot field people never see (filled → we pretend it worked and save nothing), and a signed
  timestamp: sent faster than a person can type, or from a form left open for hours, it is refused with a clear
  message and a fresh form.
- Rate limit: per client address, counted in the cache under a keyed hash of the address (HMAC with the secret
  key), so no IP address is stored in the database, the cache keys or the logs.
"""

import time
from typing import Any

from django import forms
from django.conf import settings
from django.core import signing
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from helpnet.lib import ratelimit
from helpnet.organizations.models import Municipality

from .forms import LANGUAGE_CHOICES, PHONE_RE
from .models import PreferredContact

SIGNING_SALT = "helpnet.referrals.selfreferral"
MIN_SECONDS = 3  # a person needs longer than this to fill in the form
MAX_SECONDS = 2 * 60 * 60
RATE_WINDOW_SECONDS = 60 * 60
CONTACT_CHOICES = [
    (PreferredContact.PHONE, _("Call me")),
    (PreferredContact.SMS, _("Send me a text message")),
    (PreferredContact.EMAIL, _("Send me an e-mail")),
]


def rate_limit() -> int:
    """Requests per hour from one address (0 = no limit)."""
    return int(getattr(settings, "HELPNET_SELF_REFERRAL_RATE_LIMIT", 5))


RATE_SCOPE = "selfreferral"


def _client_key(request: HttpRequest) -> str:
    # The shared counter (helpnet.lib.ratelimit) keys on an HMAC of the client address, never the address.
    return ratelimit._cache_key(RATE_SCOPE, ratelimit.client_address(request))


def over_rate_limit(request: HttpRequest, *, count: bool) -> bool:
    """Is this client over the limit? With ``count``, this attempt is counted first."""
    limits = {"limit": rate_limit(), "window_seconds": RATE_WINDOW_SECONDS}
    address = ratelimit.client_address(request)
    if not count:
        return ratelimit.peek(RATE_SCOPE, address, **limits)
    return ratelimit.hit(RATE_SCOPE, address, **limits)


def new_timestamp() -> str:
    return signing.dumps(int(time.time()), salt=SIGNING_SALT)


def consent_text(organization: str, service: str) -> str:
    return gettext(
        "I agree that %(organization)s may use these details to contact me about “%(service)s”. "
        "Only they see them. They keep them as long as the law requires, then my name and contact details "
        "are deleted."
    ) % {"organization": organization, "service": service}


class SelfReferralForm(forms.Form):
    person_name = forms.CharField(label=_("Your name"), max_length=200)
    preferred_contact = forms.ChoiceField(
        label=_("How should they contact you?"),
        choices=CONTACT_CHOICES,
        initial=PreferredContact.PHONE,
        widget=forms.RadioSelect,
    )
    person_phone = forms.CharField(
        label=_("Phone number"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    person_email = forms.EmailField(
        label=_("E-mail address"), required=False, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    preferred_time = forms.CharField(
        label=_("When is a good time? (optional)"),
        max_length=200,
        required=False,
        help_text=_("For example: weekday mornings."),
    )
    reason = forms.CharField(
        label=_("What would you like help with?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("A few words are enough. You do not need to write about your health."),
    )
    person_language = forms.ChoiceField(label=_("Your language"), choices=LANGUAGE_CHOICES, required=False)
    interpreter_needed = forms.BooleanField(label=_("I need an interpreter"), required=False)
    municipality = forms.ModelChoiceField(
        label=_("Where do you live? (optional)"),
        queryset=Municipality.objects.order_by("name"),
        required=False,
        empty_label=_("I would rather not say"),
    )
    consent = forms.BooleanField(label=_("I agree"), required=True)
    # Spam defences: see the module docstring.
    website = forms.CharField(label=_("Leave this field empty"), required=False, max_length=500)
    started = forms.CharField(widget=forms.HiddenInput, max_length=200)

    def __init__(self, *args: Any, consent: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.consent_wording = consent
        self.fields["consent"].label = consent
        self.fields["consent"].error_messages["required"] = gettext(
            "Tick the box to agree, so the service may contact you."
        )
        self.fields["person_name"].error_messages["required"] = gettext("Write your name.")
        self.fields["reason"].error_messages["required"] = gettext(
            "Say in a few words what you need help with."
        )
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    @property
    def is_spam(self) -> bool:
        """The honeypot was filled in (only programs see that field)."""
        return bool((self.data.get("website") or "").strip())

    def clean_started(self) -> int:
        try:
            started = int(signing.loads(self.cleaned_data["started"], salt=SIGNING_SALT, max_age=MAX_SECONDS))
        except signing.SignatureExpired:
            raise forms.ValidationError(
                gettext("The form was open for a long time. Please check your details and send it again.")
            ) from None
        except (signing.BadSignature, ValueError, TypeError):
            raise forms.ValidationError(
                gettext("Something went wrong. Please send the form again.")
            ) from None
        if time.time() - started < MIN_SECONDS:
            raise forms.ValidationError(
                gettext("That was very fast. Please check your details and send the form again.")
            )
        return started

    def clean_person_name(self) -> str:
        name = self.cleaned_data["person_name"].strip()
        if not name:
            raise forms.ValidationError(gettext("Write your name."))
        return name

    def clean_person_phone(self) -> str:
        phone = self.cleaned_data["person_phone"].strip()
        if phone and not PHONE_RE.match(phone):
            raise forms.ValidationError(
                gettext("Write the phone number with digits only, for example 040 123 456.")
            )
        return phone

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(gettext("Say in a few words what you need help with."))
        return reason

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        contact = data.get("preferred_contact")
        wants_phone = contact in (PreferredContact.PHONE, PreferredContact.SMS)
        if wants_phone and not data.get("person_phone") and "person_phone" not in self.errors:
            self.add_error("person_phone", gettext("Write your phone number, or choose e-mail."))
        wants_email = contact == PreferredContact.EMAIL
        if wants_email and not data.get("person_email") and "person_email" not in self.errors:
            self.add_error("person_email", gettext("Write your e-mail address, or choose a phone call."))
        return data

    def referral_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "person_name": data["person_name"],
            "person_phone": data.get("person_phone", ""),
            "person_email": data.get("person_email", ""),
            "preferred_contact": data["preferred_contact"],
            "preferred_time": (data.get("preferred_time") or "").strip(),
            "person_language": data.get("person_language", ""),
            "interpreter_needed": bool(data.get("interpreter_needed")),
            "reason": data["reason"],
            "municipality": data.get("municipality"),
            "legal_basis": "consent",
            "consent_given": True,
            "consent_method": "electronic",
            "consent_at": timezone.now(),
            "consent_scope": self.consent_wording,
        }
