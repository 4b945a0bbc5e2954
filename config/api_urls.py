"""`/api/`: version 1 of the REST API, its OpenAPI schema and its documentation."""

from django.urls import include, path, re_path

from api import views

v1 = [
    path("", include("academy.api_urls")),
    path("", include("cohorts.api_urls")),
    path("", include("scheduling.api_urls")),
    path("", include("certificates.api_urls")),
]

urlpatterns = [
    path("v1/", include((v1, "api"), namespace="api-v1")),
    path("schema/", views.SchemaApi.as_view(), name="api-schema"),
    path("docs/", views.ApiDocsView.as_view(), name="api-docs"),
    # Anything else under /api/ answers in the API's error shape, not with a page.
    re_path(r"^.*$", views.NotFoundApi.as_view(), name="api-not-found"),
]
