from django.urls import path

from . import manage_views as views

app_name = "people"

urlpatterns = [
    path("organisations/", views.OrganisationListView.as_view(), name="organisation-list"),
    path("organisations/new/", views.OrganisationFormView.as_view(), name="organisation-create"),
    path(
        "organisations/<int:pk>/",
        views.OrganisationDetailView.as_view(),
        name="organisation-detail",
    ),
    path(
        "organisations/<int:pk>/edit/",
        views.OrganisationFormView.as_view(),
        name="organisation-update",
    ),
    path("people/", views.PersonListView.as_view(), name="person-list"),
    path("people/<int:pk>/", views.PersonDetailView.as_view(), name="person-detail"),
    path("invitations/new/", views.RoleInvitationCreateView.as_view(), name="invitation-create"),
    path(
        "invitations/<int:pk>/withdraw/",
        views.RoleInvitationWithdrawView.as_view(),
        name="invitation-withdraw",
    ),
]
