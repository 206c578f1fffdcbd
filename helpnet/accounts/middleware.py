"""Two middlewares: the second factor's gate and the headers Django has no setting for."""

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.urls import reverse

from . import twofactor


def two_factor_exempt(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """A page a logged-in person may open before giving the second factor (the 2FA pages, logout)."""
    view.two_factor_exempt = True  # type: ignore[attr-defined]
    return view


class TwoFactorMiddleware:
    """Until a session that needs the second factor has given it, it reaches only the 2FA pages, logout and
    public pages (views marked @login_not_required; the admin's are never public here). Reads the session
    only: no database query for a session decided at login. After LoginRequiredMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        if getattr(view_func, "two_factor_exempt", False):
            return None
        public = not getattr(view_func, "login_required", True)
        if public and not _is_admin(request):
            return None
        if not twofactor.session_needs_verification(request):
            return None
        url = reverse("accounts:two_factor")
        return HttpResponseRedirect(f"{url}?{urlencode({'next': request.get_full_path()})}")


def _is_admin(request: HttpRequest) -> bool:
    match = request.resolver_match
    return bool(match and match.app_name == "admin")


class SecurityHeadersMiddleware:
    """Permissions-Policy: no camera or microphone; location for our own pages only (the help map asks the
    browser for it). settings.HELPNET_PERMISSIONS_POLICY overrides the value."""

    default = "camera=(), microphone=(), geolocation=(self), payment=(), usb=()"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.value = getattr(settings, "HELPNET_PERMISSIONS_POLICY", self.default)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.value:
            response.headers.setdefault("Permissions-Policy", self.value)
        return response
