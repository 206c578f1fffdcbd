from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from helpnet.organizations.models import Membership

from . import actions
from .models import User


@login_not_required
def _admin_login(request: HttpRequest, extra_context: object = None) -> HttpResponse:
    # One way in for everyone: the site's login (throttled, then the second factor), never the admin's own form.
    return redirect_to_login(request.GET.get("next") or reverse("admin:index"), reverse("accounts:login"))


admin.site.login = _admin_login  # type: ignore[method-assign]


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    extra = 0
    autocomplete_fields = ["organization"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        (_("Preferences"), {"fields": ("preferred_language",)}),
    )
    list_display = ["username", "email", "first_name", "last_name", "is_staff", "is_superuser", "is_active"]
    list_filter = ["is_staff", "is_superuser", "is_active", "memberships__role"]
    inlines = [MembershipInline]
    actions = ["reset_two_factor"]

    @admin.action(description=_("Reset the second factor (the person sets it up again at the next login)"))
    def reset_two_factor(self, request: HttpRequest, queryset: object) -> None:
        if not request.user.is_superuser:
            self.message_user(request, gettext("Only a superuser can reset a second factor."), messages.ERROR)
            return
        users = list(queryset)  # type: ignore[call-overload]
        for user in users:
            actions.remove_two_factor(user)
        self.message_user(
            request,
            ngettext(
                "The second factor of %(count)d person was reset.",
                "The second factor of %(count)d people was reset.",
                len(users),
            )
            % {"count": len(users)},
        )
