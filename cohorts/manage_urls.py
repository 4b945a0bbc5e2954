from django.urls import path

from core.pagecache import cached_page

from . import manage_views as views

app_name = "cohorts-manage"

urlpatterns = [
    path("", views.CohortManageListView.as_view(), name="cohort-list"),
    path("new/", views.CohortCreateView.as_view(), name="cohort-create"),
    path("<int:pk>/", cached_page(views.CohortHomeView.as_view()), name="cohort-home"),
    path("<int:pk>/edit/", views.CohortUpdateView.as_view(), name="cohort-update"),
    path("<int:pk>/status/", views.CohortTransitionView.as_view(), name="cohort-transition"),
    path("<int:pk>/run-again/", views.CohortCopyView.as_view(), name="cohort-copy"),
    path(
        "<int:pk>/participants/",
        views.CohortParticipantListView.as_view(),
        name="participant-list",
    ),
]
