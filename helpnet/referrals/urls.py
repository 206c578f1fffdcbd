from django.urls import URLPattern, path

from .views import analytics as analytics_views  # referrals2
from .views import detail, inbox, send, service_settings
from .views import notification_settings as notification_views  # referrals2
from .views import person as person_views  # referrals2
from .views import selfreferral as selfreferral_views  # referrals2

app_name = "referrals"

urlpatterns: list[URLPattern] = [
    path("", inbox.referral_list, name="referral_list"),
    path("access-log/", inbox.access_log, name="access_log"),
    path("settings/", service_settings.service_settings_list, name="service_settings_list"),
    path("settings/<uuid:service_pk>/", service_settings.service_settings_edit, name="service_settings_edit"),
    path("new/", send.referral_start, name="referral_start"),
    path("new/<uuid:service_pk>/", send.referral_create, name="referral_create"),
    path("<uuid:pk>/", detail.referral_detail, name="referral_detail"),
    path("<uuid:pk>/edit/", send.referral_edit, name="referral_edit"),
    path("<uuid:pk>/steps/<slug:step>/", detail.referral_step, name="referral_step"),
    path("<uuid:pk>/progress/", detail.referral_progress, name="referral_progress"),
    path("<uuid:pk>/messages/", detail.referral_message, name="referral_message"),
    path("<uuid:pk>/assign/", detail.referral_assign, name="referral_assign"),
    path("<uuid:pk>/restrict/", detail.referral_restrict, name="referral_restrict"),
    path("<uuid:pk>/services/<slug:mode>/", detail.referral_pick_service, name="referral_pick_service"),
    path("<uuid:pk>/fhir.json", detail.referral_fhir, name="referral_fhir"),
    path("<uuid:pk>/print/", detail.referral_print, name="referral_print"),
    # referrals2: the citizen's "Ask to be contacted" form (public)
    path("ask/<uuid:service_pk>/", selfreferral_views.selfreferral_create, name="selfreferral_create"),
    path("ask/<uuid:service_pk>/thanks/", selfreferral_views.selfreferral_thanks, name="selfreferral_thanks"),
    # referrals2: network analytics for coordinators
    path("analytics/", analytics_views.analytics_index, name="analytics_index"),
    path("analytics/<slug:slug>/", analytics_views.analytics_network, name="analytics_network"),
    path("analytics/<slug:slug>/referrals.csv", analytics_views.analytics_csv, name="analytics_csv"),
    # referrals2: one person's referrals (export, restrict, erase) and the e-mail preference
    path("people/", person_views.person_search, name="person_search"),
    path("people/act/", person_views.person_act, name="person_act"),
    path("notifications/", notification_views.notification_settings, name="notification_settings"),
]
