from django.urls import path

from .views import public, staff

app_name = "directory"
urlpatterns = [
    # --- the public help map (views/public.py) ---
    path("", public.home, name="home"),
    path("services/<uuid:pk>/", public.service_detail, name="service_detail"),
    path("municipalities/<slug:slug>/", public.municipality, name="municipality"),
    path("municipalities/<slug:slug>/embed/", public.municipality_embed, name="municipality_embed"),
    path("search/", public.search, name="search"),
    path("shortlist/", public.shortlist, name="shortlist"),
    path("shortlist/print/", public.shortlist_print, name="shortlist_print"),
    path("shortlist/add/", public.shortlist_add, name="shortlist_add"),
    path("shortlist/remove/", public.shortlist_remove, name="shortlist_remove"),
    # --- staff pages (views/staff.py) ---
    path("staff/", staff.staff_home, name="staff_home"),
]
