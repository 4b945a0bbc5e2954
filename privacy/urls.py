from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("data-exports/", views.DataExportListView.as_view(), name="data-export-list"),
    path(
        "data-exports/<int:pk>/download/",
        views.DataExportDownloadView.as_view(),
        name="data-export-download",
    ),
    path("delete/", views.AccountDeleteView.as_view(), name="account-delete"),
    path("deleted/", views.AccountDeletedView.as_view(), name="account-deleted"),
]
