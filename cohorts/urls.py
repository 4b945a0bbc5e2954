from django.urls import path

from . import views

app_name = "cohorts"

urlpatterns = [
    path("<int:pk>/", views.CohortDetailView.as_view(), name="cohort-detail"),
]
