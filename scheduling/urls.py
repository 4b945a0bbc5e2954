from django.urls import path

from . import views

app_name = "scheduling"

urlpatterns = [
    path("cohorts/<int:cohort_pk>/sessions/", views.SessionListView.as_view(), name="session-list"),
    path(
        "cohorts/<int:cohort_pk>/sessions/new/",
        views.SessionCreateView.as_view(),
        name="session-create",
    ),
    path("sessions/<int:pk>/", views.SessionDetailView.as_view(), name="session-detail"),
    path("sessions/<int:pk>/edit/", views.SessionUpdateView.as_view(), name="session-update"),
    path("sessions/<int:pk>/move/", views.SessionMoveView.as_view(), name="session-move"),
    path("sessions/<int:pk>/cancel/", views.SessionCancelView.as_view(), name="session-cancel"),
    path(
        "sessions/<int:pk>/calendar.ics",
        views.SessionCalendarView.as_view(),
        name="session-calendar",
    ),
    path(
        "sessions/<int:pk>/register/",
        views.AttendanceRegisterView.as_view(),
        name="attendance-register",
    ),
    path(
        "sessions/<int:pk>/register/all-present/",
        views.AttendanceMarkAllPresentView.as_view(),
        name="attendance-mark-all-present",
    ),
    path(
        "sessions/<int:pk>/register/<int:user_pk>/",
        views.AttendanceMarkView.as_view(),
        name="attendance-mark",
    ),
    path("schedule/", views.MyScheduleView.as_view(), name="my-schedule"),
    path("schedule/past/", views.MyPastSessionsView.as_view(), name="my-past-sessions"),
    path(
        "schedule/calendar-address/",
        views.CalendarFeedResetView.as_view(),
        name="calendar-feed-reset",
    ),
    path(
        "schedule/calendar-address/turn-off/",
        views.CalendarFeedRevokeView.as_view(),
        name="calendar-feed-revoke",
    ),
    path("calendar/<slug:token>.ics", views.calendar_feed, name="calendar-feed"),
]
