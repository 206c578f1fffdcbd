"""Login with throttling and lock-out, and the second factor's code."""

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, UsernameField
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from helpnet.lib import ratelimit

ACCOUNT_SCOPE = "login-account"
ADDRESS_SCOPE = "login-address"


def _window() -> int:
    return int(getattr(settings, "HELPNET_LOGIN_WINDOW_SECONDS", 15 * 60))


def account_limit() -> dict[str, int]:
    """Failed logins for one username per window before it is locked until the window ends."""
    return {"limit": int(getattr(settings, "HELPNET_LOGIN_ACCOUNT_LIMIT", 5)), "window_seconds": _window()}


def address_limit() -> dict[str, int]:
    """Failed logins from one client address per window (many usernames from one address: password spraying).
    Successful logins do not count, so an office behind one address can all log in at eight."""
    return {"limit": int(getattr(settings, "HELPNET_LOGIN_ADDRESS_LIMIT", 30)), "window_seconds": _window()}


def account_key(username: str) -> str:
    return username.strip().casefold()


class LoginForm(AuthenticationForm):
    """Django's login form, throttled. The messages are the same whether the username exists or not, and a
    locked account refuses even the right password, so nothing tells an attacker which names are real."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "account_locked": _(
            "Too many failed attempts for this username. Logging in with it is blocked for up to "
            "%(minutes)s minutes; please wait and try again."
        ),
        "address_locked": _(
            "Too many failed attempts from your network. Logging in from it is blocked for up to "
            "%(minutes)s minutes; please wait and try again."
        ),
    }
    # Bounded in the class (AuthenticationForm sets the username's limit only in __init__): a username is at
    # most the User model's 150 characters, a password at most 4 096.
    username = UsernameField(widget=forms.TextInput(attrs={"autofocus": True}), max_length=150)
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def clean(self) -> dict[str, Any]:
        account = account_key(self.cleaned_data.get("username") or "")
        address = ratelimit.client_address(self.request) if self.request else ""
        minutes = {"minutes": max(1, _window() // 60)}
        if ratelimit.peek(ADDRESS_SCOPE, address, **address_limit()):
            raise ValidationError(
                self.error_messages["address_locked"], code="address_locked", params=minutes
            )
        if account and ratelimit.peek(ACCOUNT_SCOPE, account, **account_limit()):
            raise ValidationError(
                self.error_messages["account_locked"], code="account_locked", params=minutes
            )
        try:
            cleaned = super().clean()
        except ValidationError:
            ratelimit.hit(ADDRESS_SCOPE, address, **address_limit())
            if account:
                ratelimit.hit(ACCOUNT_SCOPE, account, **account_limit())
            raise
        ratelimit.reset(ACCOUNT_SCOPE, account)
        return cleaned


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        help_text=_("The six-digit code your authenticator app shows now, or one of your backup codes."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True, "size": 10}
        ),
    )


class EnrolmentForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the app"),
        max_length=10,
        help_text=_("After adding the account, type the six-digit code the app shows."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "size": 10}),
    )
