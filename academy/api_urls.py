from django.urls import path

from . import apis

urlpatterns = [
    path("programmes/", apis.ProgrammeListApi.as_view(), name="programme-list"),
    path("programmes/<int:pk>/", apis.ProgrammeDetailApi.as_view(), name="programme-detail"),
    path("progress/", apis.ProgressListMineApi.as_view(), name="progress-list-mine"),
    path(
        "cohorts/<int:pk>/progress/",
        apis.ProgressListCohortApi.as_view(),
        name="progress-list-cohort",
    ),
    path(
        "organisation/progress/",
        apis.ProgressListOrganisationApi.as_view(),
        name="progress-list-organisation",
    ),
]
