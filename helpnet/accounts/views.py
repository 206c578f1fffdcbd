"""Login, the second factor (code, enrolment, backup codes) and the password change."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from . import actions, twofactor
from .forms import CodeForm, EnrolmentForm, LoginForm
from .middleware import two_factor_exempt

login = login_not_required(
    auth_views.LoginView.as_view(template_name="accounts/login.html", authentication_form=LoginForm)
)
logout = two_factor_exempt(auth_views.LogoutView.as_view())
password_change = auth_views.PasswordChangeView.as_view(
    template_name="accounts/password_change.html", success_url=reverse_lazy("accounts:password_change_done")
)


@never_cache
@require_safe
def account(request: HttpRequest) -> HttpResponse:
    """One's own account: the second step's state, backup codes left, and the ways to change them."""
    context = {
        "app_device": twofactor.confirmed_app_device(request.user),
        "unused": twofactor.unused_backup_codes(request.user),
    }
    return render(request, "accounts/account.html", context)


def password_change_done(request: HttpRequest) -> HttpResponse:
    messages.success(request, gettext("Your password has been changed."))
    return redirect(settings.LOGIN_REDIRECT_URL)


def _next_url(request: HttpRequest) -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _with_next(name: str, next_url: str) -> str:
    from urllib.parse import urlencode

    return f"{reverse(name)}?{urlencode({'next': next_url})}"


@never_cache
@two_factor_exempt
def two_factor(request: HttpRequest) -> HttpResponse:
    """The second step of the login: a code from the app (or a backup code)."""
    next_url = _next_url(request)
    if twofactor.is_verified(request):
        return redirect(next_url)
    device = twofactor.confirmed_app_device(request.user)
    if device is None:
        return redirect(_with_next("accounts:two_factor_setup", next_url))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if twofactor.code_attempts_exhausted(request.user):
            form.add_error(None, _too_many_codes())
        elif verified := twofactor.check_code(request.user, form.cleaned_data["code"]):
            twofactor.mark_verified(request, verified)
            return redirect(next_url)
        elif twofactor.code_attempts_exhausted(request.user):
            form.add_error(None, _too_many_codes())
        else:
            form.add_error("code", gettext("That code is not right. Type the code your app shows now."))
    context = {"form": form, "next": next_url, "demo_code": twofactor.demo_code(device)}
    return render(request, "accounts/two_factor.html", context)


def _too_many_codes() -> str:
    minutes = max(1, twofactor.code_limit()["window_seconds"] // 60)
    return gettext("Too many wrong codes. Please wait up to %(minutes)s minutes and try again.") % {
        "minutes": minutes
    }


@never_cache
@two_factor_exempt
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Enrolment: scan the QR code (or type the secret), confirm with a code, receive backup codes."""
    next_url = _next_url(request)
    if twofactor.confirmed_app_device(request.user) is not None:
        # Already enrolled: the way in is the code page, never a second enrolment that skips it.
        return redirect(_with_next("accounts:two_factor", next_url))
    device = twofactor.pending_device(request)
    form = EnrolmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if twofactor.code_attempts_exhausted(request.user):
            form.add_error(None, _too_many_codes())
        elif enrolled := actions.enrol_app_device(
            request.user, key=device.key, code=form.cleaned_data["code"]
        ):
            app_device, codes = enrolled
            del request.session[twofactor.PENDING_KEY]
            twofactor.mark_verified(request, app_device)
            request.session[twofactor.NEW_BACKUP_CODES_KEY] = codes
            return redirect(_with_next("accounts:backup_codes", next_url))
        else:
            twofactor.count_wrong_code(request.user)
            form.add_error("code", gettext("That code is not right. Type the code your app shows now."))
    context = {
        "form": form,
        "next": next_url,
        "qr_code": twofactor.qr_code_svg(device),
        "secret": twofactor.secret_text(device),
    }
    return render(request, "accounts/two_factor_setup.html", context)


@never_cache
def backup_codes(request: HttpRequest) -> HttpResponse:
    """New backup codes, shown once; afterwards only how many are left."""
    codes = request.session.pop(twofactor.NEW_BACKUP_CODES_KEY, None)
    context = {
        "codes": codes,
        "unused": twofactor.unused_backup_codes(request.user),
        "next": _next_url(request),
    }
    return render(request, "accounts/backup_codes.html", context)


@require_POST
def backup_codes_new(request: HttpRequest) -> HttpResponse:
    request.session[twofactor.NEW_BACKUP_CODES_KEY] = actions.replace_backup_codes(request.user)
    return redirect("accounts:backup_codes")
