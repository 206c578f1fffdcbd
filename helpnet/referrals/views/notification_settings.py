"""A staff member chooses immediate referral e-mails or one daily digest (see notifications.py)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext

from .. import notifications


def notification_settings(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        mode = request.POST.get("mode")
        if mode not in ("immediate", "daily"):
            messages.error(request, gettext("Choose one of the two options."))
            return render(
                request,
                "referrals/notification_settings.html",
                {"daily": notifications.wants_digest(request.user)},
                status=400,
            )
        notifications.set_digest(request.user, daily=mode == "daily")
        messages.success(request, gettext("Saved."))
        return redirect("referrals:notification_settings")
    return render(
        request, "referrals/notification_settings.html", {"daily": notifications.wants_digest(request.user)}
    )
