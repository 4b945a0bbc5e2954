from django.urls import path

from . import views

app_name = "announcements"

urlpatterns = [
    path(
        "manage/cohorts/<int:cohort_pk>/announcements/new/",
        views.AnnouncementCreateView.as_view(),
        name="announcement-create",
    ),
    path("manage/announcements/", views.AnnouncementListView.as_view(), name="announcement-list"),
    path(
        "manage/announcements/<int:pk>/",
        views.AnnouncementDetailView.as_view(),
        name="announcement-detail",
    ),
    path(
        "announcements/<int:pk>/dismiss/",
        views.AnnouncementDismissView.as_view(),
        name="announcement-dismiss",
    ),
]
