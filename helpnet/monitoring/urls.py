from django.urls import path

from . import views

app_name = "monitoring"

urlpatterns = [
    path("", views.home, name="home"),
    path("<slug:slug>/", views.dashboard, name="dashboard"),
    path("<slug:slug>/indicators/", views.indicator_list, name="indicator_list"),
    path("<slug:slug>/indicators/new/", views.indicator_create, name="indicator_create"),
    path("<slug:slug>/indicators/<int:pk>/", views.indicator_detail, name="indicator_detail"),
    path("<slug:slug>/indicators/<int:pk>/edit/", views.indicator_edit, name="indicator_edit"),
    path(
        "<slug:slug>/indicators/<int:pk>/periods/<int:period_pk>/report/",
        views.measurement_report,
        name="measurement_report",
    ),
    path("<slug:slug>/measurements/", views.measurement_list, name="measurement_list"),
    path("<slug:slug>/measurements/<int:pk>/submit/", views.measurement_submit, name="measurement_submit"),
    path(
        "<slug:slug>/measurements/<int:pk>/validate/", views.measurement_validate, name="measurement_validate"
    ),
    path("<slug:slug>/measurements/<int:pk>/return/", views.measurement_return, name="measurement_return"),
    path("<slug:slug>/periods/", views.period_list, name="period_list"),
    path("<slug:slug>/periods/new/", views.period_create, name="period_create"),
    path("<slug:slug>/periods/<int:pk>/lock/", views.period_lock, name="period_lock"),
    path("<slug:slug>/periods/<int:pk>/unlock/", views.period_unlock, name="period_unlock"),
    path("<slug:slug>/periods/<int:pk>/", views.period_report, name="period_report"),
    path("<slug:slug>/periods/<int:pk>/report.pdf", views.period_report_pdf, name="period_report_pdf"),
    path("<slug:slug>/export/<str:table>.<str:fmt>", views.export, name="export"),
]
