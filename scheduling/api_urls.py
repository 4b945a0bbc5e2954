from django.urls import path

from . import apis

urlpatterns = [
    path("sessions/", apis.SessionListApi.as_view(), name="session-list"),
    path("sessions/<int:pk>/", apis.SessionDetailApi.as_view(), name="session-detail"),
    path("sessions/<int:pk>/attendance/", apis.AttendanceListApi.as_view(), name="attendance-list"),
    path(
        "sessions/<int:pk>/attendance/record/",
        apis.AttendanceRecordApi.as_view(),
        name="attendance-record",
    ),
]
