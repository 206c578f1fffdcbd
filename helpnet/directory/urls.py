from django.urls import path

from helpnet.search import views as search_views

from .views import freshness, public, sessions, staff

app_name = "directory"
urlpatterns = [
    # --- the public help map (views/public.py) ---
    path("", public.home, name="home"),
    path("services/<uuid:pk>/", public.service_detail, name="service_detail"),
    path("municipalities/<slug:slug>/", public.municipality, name="municipality"),
    # --- sessions in time (views/sessions.py) ---
    path("services/<uuid:pk>/calendar.ics", sessions.service_ics, name="service_ics"),
    path("municipalities/<slug:slug>/this-week/", sessions.this_week, name="this_week"),
    path("municipalities/<slug:slug>/embed/", public.municipality_embed, name="municipality_embed"),
    path("search/", public.search, name="search"),
    path("search/suggest/", search_views.suggest_words, name="search_suggest"),
    path("shortlist/", public.shortlist, name="shortlist"),
    path("shortlist/print/", public.shortlist_print, name="shortlist_print"),
    path("shortlist/add/", public.shortlist_add, name="shortlist_add"),
    path("shortlist/remove/", public.shortlist_remove, name="shortlist_remove"),
    # --- staff pages (views/staff.py) ---
    path("staff/", staff.staff_home, name="staff_home"),
    path("staff/services/new/", staff.service_create, name="service_create"),
    path("staff/services/<uuid:pk>/edit/", staff.service_edit, name="service_edit"),
    path("staff/services/<uuid:pk>/hours/", staff.service_hours, name="service_hours"),
    path("staff/locations/new/", staff.location_create, name="location_create"),
    path("staff/locations/<uuid:pk>/edit/", staff.location_edit, name="location_edit"),
    # --- data that stays true (views/freshness.py) ---
    path("services/<uuid:pk>/report/", freshness.report_create, name="report_create"),
    path("services/<uuid:pk>/report/thanks/", freshness.report_thanks, name="report_thanks"),
    path("confirm/<str:token>/", freshness.service_confirm_link, name="service_confirm_link"),
    path("staff/reports/", freshness.report_list, name="report_list"),
    path("staff/reports/<uuid:pk>/resolve/", freshness.report_resolve, name="report_resolve"),
    path("staff/reports/<uuid:pk>/dismiss/", freshness.report_dismiss, name="report_dismiss"),
    path("staff/freshness/", freshness.freshness_dashboard, name="freshness_dashboard"),
    path("staff/services/<uuid:pk>/history/", freshness.service_history, name="service_history"),
    path("staff/services/<uuid:pk>/confirm/", freshness.service_confirm, name="service_confirm"),
]
