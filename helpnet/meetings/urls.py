from django.urls import URLPattern, path

from .views import calendar as calendar_views
from .views import meetings as meeting_views
from .views import print as print_views
from .views import registers as register_views

app_name = "meetings"

urlpatterns: list[URLPattern] = []

# Calendar files, feeds, printable pages and PDFs (the "calendar" work of issue 6).
urlpatterns += [
    path("feeds/", calendar_views.feed_list, name="feed_list"),
    path("feeds/n/<str:token>.ics", calendar_views.feed_network, name="feed_network"),
    path("feeds/g/<str:token>.ics", calendar_views.feed_group, name="feed_group"),
    path("feeds/p/<str:token>.ics", calendar_views.feed_person, name="feed_person"),
    path("<slug:slug>/<int:pk>/ics/", calendar_views.meeting_ics, name="meeting_ics"),
    path("<slug:slug>/series/<int:pk>/ics/", calendar_views.series_ics, name="series_ics"),
    path("<slug:slug>/<int:pk>/invitation/print/", print_views.invitation_print, name="invitation_print"),
    path("<slug:slug>/<int:pk>/invitation/pdf/", print_views.invitation_pdf, name="invitation_pdf"),
    path("<slug:slug>/<int:pk>/minutes/print/", print_views.minutes_print, name="minutes_print"),
    path("<slug:slug>/<int:pk>/minutes/pdf/", print_views.minutes_pdf, name="minutes_pdf"),
]

# Meetings, agenda, attendance, minutes, decisions and actions (the "meetings" work of issue 6). After the
# calendar paths, so that "feeds/" is never read as a network's short name.
urlpatterns += [
    path("my-actions/", register_views.my_actions, name="my_actions"),
    path("<slug:slug>/", meeting_views.meeting_list, name="meeting_list"),
    path("<slug:slug>/new/", meeting_views.meeting_create, name="meeting_create"),
    path("<slug:slug>/<int:pk>/", meeting_views.meeting_detail, name="meeting_detail"),
    path("<slug:slug>/<int:pk>/edit/", meeting_views.meeting_edit, name="meeting_edit"),
    path("<slug:slug>/<int:pk>/cancel/", meeting_views.meeting_cancel, name="meeting_cancel"),
    path("<slug:slug>/<int:pk>/invite/", meeting_views.meeting_invite, name="meeting_invite"),
    path("<slug:slug>/<int:pk>/held/", meeting_views.meeting_held, name="meeting_held"),
    path("<slug:slug>/<int:pk>/rsvp/", meeting_views.meeting_rsvp, name="meeting_rsvp"),
    path("<slug:slug>/<int:pk>/quorum/", meeting_views.meeting_quorum, name="meeting_quorum"),
    path("<slug:slug>/<int:pk>/attendance/", meeting_views.attendance_update, name="attendance_update"),
    path("<slug:slug>/<int:pk>/attendance/add/", meeting_views.attendance_add, name="attendance_add"),
    path("<slug:slug>/<int:pk>/propose/", meeting_views.agenda_propose, name="agenda_propose"),
    path(
        "<slug:slug>/<int:pk>/agenda/<int:item_pk>/accept/", meeting_views.agenda_accept, name="agenda_accept"
    ),
    path("<slug:slug>/<int:pk>/agenda/<int:item_pk>/defer/", meeting_views.agenda_defer, name="agenda_defer"),
    path("<slug:slug>/<int:pk>/agenda/<int:item_pk>/move/", meeting_views.agenda_move, name="agenda_move"),
    path("<slug:slug>/<int:pk>/minutes/", meeting_views.minutes_edit, name="minutes_edit"),
    path(
        "<slug:slug>/<int:pk>/minutes/circulate/", meeting_views.minutes_circulate, name="minutes_circulate"
    ),
    path(
        "<slug:slug>/<int:pk>/minutes/approve-previous/",
        meeting_views.minutes_approve_previous,
        name="minutes_approve_previous",
    ),
    path("<slug:slug>/<int:pk>/minutes/lock/", meeting_views.minutes_lock, name="minutes_lock"),
    path("<slug:slug>/<int:pk>/decisions/new/", meeting_views.decision_create, name="decision_create"),
    path("<slug:slug>/<int:pk>/actions/new/", meeting_views.action_create, name="action_create"),
    path("<slug:slug>/series/", register_views.series_list, name="series_list"),
    path("<slug:slug>/series/new/", register_views.series_edit, name="series_create"),
    path("<slug:slug>/series/<int:pk>/", register_views.series_detail, name="series_detail"),
    path("<slug:slug>/series/<int:pk>/edit/", register_views.series_edit, name="series_edit"),
    path("<slug:slug>/series/<int:pk>/generate/", register_views.series_generate, name="series_generate"),
    path("<slug:slug>/backlog/", register_views.backlog, name="backlog"),
    path("<slug:slug>/backlog/<int:item_pk>/accept/", register_views.backlog_accept, name="backlog_accept"),
    path("<slug:slug>/decisions/", register_views.decision_register, name="decision_register"),
    path("<slug:slug>/actions/", register_views.action_list, name="action_list"),
    path("<slug:slug>/actions/<int:pk>/", register_views.action_detail, name="action_detail"),
]
