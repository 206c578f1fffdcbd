from django.urls import URLPattern, path

from .views import plans, priorities, proposals

app_name = "planning"

urlpatterns: list[URLPattern] = [
    path("", plans.home, name="home"),
    path("<slug:network>/", plans.plan_list, name="plan_list"),
    path("<slug:network>/new/", plans.plan_create, name="plan_create"),
    path("<slug:network>/statuses/", plans.status_list, name="status_list"),
    path("<slug:network>/<int:pk>/", plans.plan_detail, name="plan_detail"),
    path("<slug:network>/<int:pk>/edit/", plans.plan_edit, name="plan_edit"),
    path("<slug:network>/<int:pk>/export.csv", plans.plan_export_csv, name="plan_export_csv"),
    path("<slug:network>/<int:pk>/export.xlsx", plans.plan_export_xlsx, name="plan_export_xlsx"),
    path("<slug:network>/<int:pk>/import/", plans.plan_import, name="plan_import"),
    path("<slug:network>/<int:pk>/goals/new/", plans.goal_form, name="goal_create"),
    path("<slug:network>/<int:pk>/goals/<int:goal_pk>/", plans.goal_form, name="goal_edit"),
    path("<slug:network>/<int:pk>/measures/new/", plans.measure_form, name="measure_create"),
    path("<slug:network>/<int:pk>/measures/<int:measure_pk>/", plans.measure_form, name="measure_edit"),
    path("<slug:network>/<int:pk>/activities/new/", plans.activity_form, name="activity_create"),
    path("<slug:network>/<int:pk>/activities/<int:activity_pk>/", plans.activity_form, name="activity_edit"),
    path(
        "<slug:network>/<int:pk>/activities/<int:activity_pk>/progress/",
        plans.activity_progress,
        name="activity_progress",
    ),
    path(
        "<slug:network>/<int:pk>/<str:kind>/<int:item_pk>/milestones/",
        plans.milestone_add,
        name="milestone_add",
    ),
    path("<slug:network>/priorities/", priorities.round_list, name="round_list"),
    path("<slug:network>/priorities/new/", priorities.round_form, name="round_create"),
    path("<slug:network>/priorities/<int:pk>/", priorities.round_detail, name="round_detail"),
    path("<slug:network>/priorities/<int:pk>/edit/", priorities.round_form, name="round_edit"),
    path("<slug:network>/priorities/<int:pk>/score/", priorities.round_score, name="round_score"),
    path("<slug:network>/priorities/<int:pk>/areas/new/", priorities.area_form, name="area_create"),
    path("<slug:network>/priorities/<int:pk>/areas/<int:area_pk>/", priorities.area_form, name="area_edit"),
    path("<slug:network>/proposals/", proposals.proposal_list, name="proposal_list"),
    path("<slug:network>/proposals/new/", proposals.proposal_create, name="proposal_create"),
    path("<slug:network>/proposals/<int:pk>/", proposals.proposal_detail, name="proposal_detail"),
    path(
        "<slug:network>/proposals/<int:pk>/evaluate/", proposals.proposal_evaluate, name="proposal_evaluate"
    ),
    path("<slug:network>/proposals/<int:pk>/accept/", proposals.proposal_accept, name="proposal_accept"),
    path("<slug:network>/proposals/<int:pk>/reject/", proposals.proposal_reject, name="proposal_reject"),
]
