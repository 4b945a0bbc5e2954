from django.urls import path

from . import manage_views as views
from . import progress_views

app_name = "academy-manage"

urlpatterns = [
    path("", views.ProgrammeManageListView.as_view(), name="programme-list"),
    path("new/", views.ProgrammeFormView.as_view(), name="programme-create"),
    path("<slug:slug>/edit/", views.ProgrammeFormView.as_view(), name="programme-update"),
    path(
        "<slug:slug>/completion/",
        progress_views.CompletionRuleUpdateView.as_view(),
        name="completion-rule-update",
    ),
    path("<slug:slug>/preview/", views.ProgrammePreviewView.as_view(), name="programme-preview"),
]
