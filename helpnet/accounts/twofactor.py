"""Two-factor login (TOTP with django-otp): who must give a second factor, and how a session shows it did.

Who: everyone who can read referrals, i.e. every member of an organisation (viewer, editor, admin), and every
superuser or staff user (the admin). settings.HELPNET_REQUIRE_2FA (env HELPNET_REQUIRE_2FA, default on) turns
the requirement off for an installation that authenticates elsewhere; the pages stay usable.

The contract other apps and tests rely on: a session holding ``_auth_user_id``, ``_auth_user_backend``,
``_auth_user_hash`` and django-otp's ``otp_device_id`` (DEVICE_ID_SESSION_KEY, set by ``django_otp.login``) is
a verified session. Whether a session needs the second factor is decided once, at login, and kept in the
session (NEEDS_KEY), so enforcing it costs no database query per request; django-otp's OTPMiddleware (a
device query per request) is not installed.
"""

import io
from typing import Any

import segno
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.http import HttpRequest
from django_otp import DEVICE_ID_SESSION_KEY, verify_token
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from helpnet.lib import ratelimit

NEEDS_KEY = "helpnet_2fa_required"
NEW_BACKUP_CODES_KEY = "helpnet_2fa_new_backup_codes"
PENDING_KEY = "helpnet_2fa_pending_key"  # the key shown during enrolment, until a code confirms it
DEMO_DEVICE_NAME = "Demo (load_demo)"
APP_DEVICE_NAME = "Authenticator app"
BACKUP_DEVICE_NAME = "Backup codes"
BACKUP_CODE_COUNT = 10
CODE_SCOPE = "2fa-code"


def required() -> bool:
    return bool(getattr(settings, "HELPNET_REQUIRE_2FA", True))


def code_limit() -> dict[str, int]:
    """Wrong codes one account may enter per window (the window is the login lock-out's)."""
    return {
        "limit": int(getattr(settings, "HELPNET_2FA_CODE_LIMIT", 5)),
        "window_seconds": int(getattr(settings, "HELPNET_LOGIN_WINDOW_SECONDS", 15 * 60)),
    }


def user_needs_two_factor(user: Any) -> bool:
    """One query for an ordinary user (is it a member of any organisation?), none for staff."""
    if not required() or not user.is_authenticated:
        return False
    return bool(user.is_superuser or user.is_staff or user.memberships.exists())


def remember_need(request: HttpRequest, user: Any) -> None:
    """At login: decide once whether this session must be verified."""
    request.session[NEEDS_KEY] = user_needs_two_factor(user)


def is_verified(request: HttpRequest) -> bool:
    return DEVICE_ID_SESSION_KEY in request.session


def session_needs_verification(request: HttpRequest) -> bool:
    """A logged-in session that still owes its second factor. No query for a session decided at login."""
    session = request.session
    if not required() or SESSION_KEY not in session or DEVICE_ID_SESSION_KEY in session:
        return False
    needs = session.get(NEEDS_KEY)
    if needs is None:  # a session from before two-factor login existed: decide now, once
        needs = user_needs_two_factor(request.user)
        session[NEEDS_KEY] = needs
    return bool(needs)


def confirmed_app_device(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def code_attempts_exhausted(user: Any) -> bool:
    return ratelimit.peek(CODE_SCOPE, str(user.pk), **code_limit())


def check_code(user: Any, code: str) -> Device | None:
    """The device that accepts this code (the app's TOTP code or an unused backup code), or None.

    A wrong code counts towards the account's limit; django-otp also slows repeated failures on each device.
    """
    code = "".join(code.split()).lower()
    if code:
        # An app's code is six digits; a backup code is eight letters and digits. Each is tried only on its
        # own kind of device, so a backup code does not count as a wrong code against the app's device.
        app_code = code.isdigit() and len(code) == 6
        devices = TOTPDevice.objects.filter(user=user, confirmed=True) if app_code else _backup_devices(user)
        for device in devices:
            verified = verify_token(user, device.persistent_id, code)
            if verified is not None:
                ratelimit.reset(CODE_SCOPE, str(user.pk))
                return verified
    count_wrong_code(user)
    return None


def count_wrong_code(user: Any) -> None:
    ratelimit.hit(CODE_SCOPE, str(user.pk), **code_limit())


def _backup_devices(user: Any) -> list[StaticDevice]:
    return list(StaticDevice.objects.filter(user=user, confirmed=True))


def mark_verified(request: HttpRequest, device: Device) -> None:
    """The second factor was given: a new session id (the old one was seen before the second factor), then
    the device in the session, which is what makes the session verified."""
    request.session.cycle_key()
    otp_login(request, device)


def unused_backup_codes(user: Any) -> int:
    return sum(device.token_set.count() for device in _backup_devices(user))


def pending_device(request: HttpRequest) -> TOTPDevice:
    """The device being set up, not saved: its key waits in the session, so a reload shows the same QR code
    and an abandoned enrolment leaves nothing in the database."""
    key = request.session.get(PENDING_KEY)
    if not key:
        key = default_key()
        request.session[PENDING_KEY] = key
    return TOTPDevice(user=request.user, key=key, name=APP_DEVICE_NAME, confirmed=False)


def qr_code_svg(device: TOTPDevice) -> str:
    """The device's otpauth:// URL as an inline SVG QR code, drawn on the server (no script, no style)."""
    buffer = io.BytesIO()
    segno.make(device.config_url, error="m").save(
        buffer, kind="svg", xmldecl=False, nl=False, scale=5, svgclass="qr-code", lineclass=None, title=""
    )
    return buffer.getvalue().decode()


def secret_text(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for apps that cannot scan."""
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def current_code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def demo_code(device: TOTPDevice | None) -> str | None:
    """In a demo installation (DEBUG on) only, the current code of a device load_demo created. Never in
    production, and never for a device a person enrolled."""
    if device is None or not settings.DEBUG or device.name != DEMO_DEVICE_NAME:
        return None
    return current_code(device)
