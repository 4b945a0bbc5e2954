from django.urls import path

from . import views

app_name = "academy"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("programmes/<slug:slug>/", views.ProgrammeDetailView.as_view(), name="programme-detail"),
]
