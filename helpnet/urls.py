from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

# A request over a size limit gets a translated 413 page instead of Django's bare 400 (helpnet/lib/limits.py).
handler400 = "helpnet.lib.limits.bad_request"

urlpatterns: list[URLPattern | URLResolver] = [
    path("admin/", admin.site.urls),
    # Open Referral HSDS read API: one base URL, no language prefix (lang is a query parameter).
    path("api/hsds/", include("helpnet.directory.hsds.urls")),
]
urlpatterns += i18n_patterns(
    path("accounts/", include("helpnet.accounts.urls")),
    path("networks/", include("helpnet.networks.urls")),
    path("meetings/", include("helpnet.meetings.urls")),
    path("referrals/", include("helpnet.referrals.urls")),
    path("plans/", include("helpnet.planning.urls")),
    path("monitoring/", include("helpnet.monitoring.urls")),
    path("learning/", include("helpnet.learning.urls")),
    path("", include("helpnet.directory.urls")),
    prefix_default_language=True,
)
