"""Changes to a person's second factor: enrolment, backup codes, the demo's devices, a reset by a superuser."""

from typing import Any

from django.db import transaction
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import twofactor


@transaction.atomic
def enrol_app_device(user: Any, *, key: str, code: str) -> tuple[TOTPDevice, list[str]] | None:
    """The person's authenticator app, once a code from it proves it holds the key; with new backup codes.
    None for a wrong code. One app per person: an earlier device goes."""
    device = TOTPDevice(user=user, key=key, name=twofactor.APP_DEVICE_NAME, confirmed=True)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == device.digits and totp.verify(int(code), device.tolerance)):
        return None
    device.last_t = totp.t()  # this code cannot be used again
    TOTPDevice.objects.filter(user=user).delete()
    device.save()
    return device, replace_backup_codes(user)


@transaction.atomic
def replace_backup_codes(user: Any) -> list[str]:
    """A new set of one-time backup codes; the old set stops working."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=twofactor.BACKUP_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(twofactor.BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


@transaction.atomic
def remove_two_factor(user: Any) -> None:
    """Remove a person's app and backup codes (a superuser's reset): they enrol again at their next login."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


@transaction.atomic
def give_demo_device(user: Any) -> bool:
    """A confirmed app device marked as the demo's, so the code page can show its code when DEBUG is on.
    Idempotent; a person's own enrolled device is left alone."""
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return False
    TOTPDevice.objects.create(user=user, name=twofactor.DEMO_DEVICE_NAME, confirmed=True)
    return True
