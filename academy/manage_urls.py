from django.urls import path

from . import manage_views as views

app_name = "academy-manage"

urlpatterns = [
    path("", views.ProgrammeManageListView.as_view(), name="programme-list"),
    path("new/", views.ProgrammeFormView.as_view(), name="programme-create"),
    path("<slug:slug>/edit/", views.ProgrammeFormView.as_view(), name="programme-update"),
    path("<slug:slug>/preview/", views.ProgrammePreviewView.as_view(), name="programme-preview"),
]
