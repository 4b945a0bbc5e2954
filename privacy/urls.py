from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("account/data-exports/", views.DataExportListView.as_view(), name="data-export-list"),
    path(
        "account/data-exports/<int:pk>/download/",
        views.DataExportDownloadView.as_view(),
        name="data-export-download",
    ),
    path("account/delete/", views.AccountDeleteView.as_view(), name="account-delete"),
    path("account/deleted/", views.AccountDeletedView.as_view(), name="account-deleted"),
]
