from django.urls import path

from . import views

app_name = "api"

urlpatterns = [
    path("", views.ApiTokenListView.as_view(), name="token-list"),
    path("<int:pk>/revoke/", views.ApiTokenRevokeView.as_view(), name="token-revoke"),
]
