from django.urls import path

from .views import public, staff

app_name = "directory"
urlpatterns = [
    # --- the public help map (views/public.py) ---
    path("", public.home, name="home"),
    path("services/<uuid:pk>/", public.service_detail, name="service_detail"),
    path("municipalities/<slug:slug>/", public.municipality, name="municipality"),
    # --- staff pages (views/staff.py) ---
    path("staff/", staff.staff_home, name="staff_home"),
]
