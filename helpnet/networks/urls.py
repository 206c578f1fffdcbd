from django.urls import URLPattern, path

from . import views

app_name = "networks"

urlpatterns: list[URLPattern] = [
    path("", views.network_list, name="list"),
    path("<slug:slug>/", views.network_detail, name="detail"),
    path("<slug:slug>/members/", views.network_members, name="members"),
    path("<slug:slug>/groups/<slug:group_slug>/", views.working_group_detail, name="working_group"),
    path("<slug:slug>/manage/", views.network_manage, name="manage"),
    path("<slug:slug>/manage/settings/", views.network_settings, name="settings"),
    path("<slug:slug>/manage/members/add/", views.member_add, name="member_add"),
    path("<slug:slug>/manage/members/<int:pk>/", views.member_edit, name="member_edit"),
    path(
        "<slug:slug>/manage/members/<int:pk>/representatives/add/",
        views.representative_add,
        name="representative_add",
    ),
    path(
        "<slug:slug>/manage/members/<int:pk>/representatives/replace/",
        views.representative_replace,
        name="representative_replace",
    ),
    path(
        "<slug:slug>/manage/representatives/<int:pk>/end/",
        views.representative_end,
        name="representative_end",
    ),
    path("<slug:slug>/manage/groups/add/", views.group_edit, name="group_add"),
    path("<slug:slug>/manage/groups/<slug:group_slug>/", views.group_edit, name="group_edit"),
    path(
        "<slug:slug>/manage/groups/<slug:group_slug>/members/add/",
        views.group_member_add,
        name="group_member_add",
    ),
    path(
        "<slug:slug>/manage/groups/<slug:group_slug>/members/<int:pk>/end/",
        views.group_member_end,
        name="group_member_end",
    ),
]
