from django.urls import path

from . import apis

urlpatterns = [
    path("cohorts/", apis.CohortListApi.as_view(), name="cohort-list"),
    path("cohorts/<int:pk>/", apis.CohortDetailApi.as_view(), name="cohort-detail"),
    path("applications/", apis.ApplicationListApi.as_view(), name="application-list"),
    path("applications/create/", apis.ApplicationCreateApi.as_view(), name="application-create"),
    path("applications/<int:pk>/", apis.ApplicationDetailApi.as_view(), name="application-detail"),
    path(
        "applications/<int:pk>/decide/",
        apis.ApplicationDecideApi.as_view(),
        name="application-decide",
    ),
    path(
        "applications/<int:pk>/endorse/",
        apis.ApplicationEndorseApi.as_view(),
        name="application-endorse",
    ),
    path("nominations/", apis.NominationListApi.as_view(), name="nomination-list"),
    path("nominations/create/", apis.NominationCreateApi.as_view(), name="nomination-create"),
    path("nominations/<int:pk>/", apis.NominationDetailApi.as_view(), name="nomination-detail"),
]
