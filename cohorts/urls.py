from django.urls import path

from core.pagecache import cached_page

from . import views

app_name = "cohorts"

urlpatterns = [
    path("<int:pk>/", cached_page(views.CohortDetailView.as_view()), name="cohort-detail"),
    # Applicants
    path("<int:pk>/apply/", views.ApplicationCreateView.as_view(), name="application-create"),
    path("my-applications/", views.ApplicationListMineView.as_view(), name="application-list-mine"),
    path(
        "applications/<int:pk>/", views.ApplicationDetailView.as_view(), name="application-detail"
    ),
    path(
        "applications/<int:pk>/edit/", views.ApplicationEditView.as_view(), name="application-edit"
    ),
    path(
        "applications/<int:pk>/withdraw/",
        views.ApplicationWithdrawView.as_view(),
        name="application-withdraw",
    ),
    path(
        "applications/<int:pk>/confirm/",
        views.ApplicationConfirmView.as_view(),
        name="application-confirm",
    ),
    path(
        "applications/<int:pk>/equality-monitoring/",
        views.EqualityCreateView.as_view(),
        name="equality-create",
    ),
    # Reviewers
    path(
        "<int:pk>/applications/",
        cached_page(views.ApplicationQueueView.as_view()),
        name="application-queue",
    ),
    path(
        "<int:pk>/applications/decide/",
        views.ApplicationBulkDecideView.as_view(),
        name="application-bulk-decide",
    ),
    path(
        "applications/<int:pk>/review/",
        views.ApplicationReviewView.as_view(),
        name="application-review",
    ),
    path(
        "<int:pk>/equality-monitoring/", views.EqualityReportView.as_view(), name="equality-report"
    ),
    # Sponsors
    path(
        "organisation/applications/",
        views.ApplicationListOrganisationView.as_view(),
        name="application-list-organisation",
    ),
    path(
        "applications/<int:pk>/endorse/",
        views.ApplicationEndorseView.as_view(),
        name="application-endorse",
    ),
    path("organisation/nominations/", views.NominationListView.as_view(), name="nomination-list"),
    path("<int:pk>/nominate/", views.NominationCreateView.as_view(), name="nomination-create"),
    path(
        "<int:pk>/nominate/upload/", views.NominationUploadView.as_view(), name="nomination-upload"
    ),
    path(
        "nominations/<int:pk>/resend/",
        views.NominationResendView.as_view(),
        name="nomination-resend",
    ),
    path(
        "nominations/<int:pk>/cancel/",
        views.NominationCancelView.as_view(),
        name="nomination-cancel",
    ),
    # Programme admins
    path("programmes/questions/", views.QuestionSetListView.as_view(), name="question-set-list"),
    path(
        "programmes/<slug:slug>/questions/",
        views.QuestionSetEditView.as_view(),
        name="question-set-edit",
    ),
    # Everyone
    path("invitations/<str:token>/", views.InvitationView.as_view(), name="invitation-detail"),
    path(
        "<int:pk>/recommend/",
        views.RecommendationCreateView.as_view(),
        name="recommendation-create",
    ),
]
