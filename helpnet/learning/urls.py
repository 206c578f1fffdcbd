from django.urls import URLPattern, path

from . import views

app_name = "learning"

urlpatterns: list[URLPattern] = [
    path("", views.learning_home, name="home"),
    # training needs
    path("networks/<slug:slug>/needs/", views.need_list, name="need_list"),
    path("networks/<slug:slug>/needs/new/", views.need_create, name="need_create"),
    # training events
    path("events/", views.event_list, name="event_list"),
    path("networks/<slug:slug>/events/new/", views.event_create, name="event_create"),
    path("events/<int:pk>/", views.event_detail, name="event_detail"),
    path("events/<int:pk>/edit/", views.event_edit, name="event_edit"),
    path("events/<int:pk>/event.ics", views.event_ics, name="event_ics"),
    path("events/<int:pk>/register/", views.event_register, name="event_register"),
    path("events/<int:pk>/unregister/", views.event_cancel_registration, name="event_unregister"),
    path("events/<int:pk>/cancel/", views.event_cancel, name="event_cancel"),
    path("events/<int:pk>/attendance/", views.event_attendance, name="event_attendance"),
    path("events/<int:pk>/feedback/", views.event_feedback, name="event_feedback"),
    path("events/<int:pk>/feedback/summary/", views.event_feedback_summary, name="event_feedback_summary"),
    # intervision groups
    path("groups/", views.group_list, name="group_list"),
    path("networks/<slug:slug>/groups/new/", views.group_create, name="group_create"),
    path("groups/<int:pk>/", views.group_detail, name="group_detail"),
    path("groups/<int:pk>/members/", views.group_member_add, name="group_member_add"),
    path(
        "groups/<int:pk>/members/<int:user_id>/remove/", views.group_member_remove, name="group_member_remove"
    ),
    # good practices: public library
    path("practices/", views.practice_list, name="practice_list"),
    path("practices/<slug:slug>/", views.practice_detail, name="practice_detail"),
    # good practices: writing and review
    path("my-practices/", views.practice_manage_list, name="practice_manage_list"),
    path("networks/<slug:slug>/practices/new/", views.practice_create, name="practice_create"),
    path("my-practices/<int:pk>/", views.practice_manage, name="practice_manage"),
    path("my-practices/<int:pk>/edit/", views.practice_edit, name="practice_edit"),
    path("my-practices/<int:pk>/submit/", views.practice_submit, name="practice_submit"),
    path("my-practices/<int:pk>/start-review/", views.practice_start_review, name="practice_start_review"),
    path("my-practices/<int:pk>/review/", views.practice_review, name="practice_review"),
    path("my-practices/<int:pk>/publish/", views.practice_publish, name="practice_publish"),
    path("my-practices/<int:pk>/return/", views.practice_return, name="practice_return"),
    path("my-practices/<int:pk>/archive/", views.practice_archive, name="practice_archive"),
]
