from django.urls import path

from . import views

app_name = "certificates"

urlpatterns = [
    path("verify/", views.CertificateVerifyFormView.as_view(), name="verify"),
    path(
        "verify/<str:code>.json",
        views.CertificateVerifyView.as_view(),
        {"as_json": True},
        name="verify-detail-json",
    ),
    path("verify/<str:code>/", views.CertificateVerifyView.as_view(), name="verify-detail"),
    path("credentials/issuer.json", views.IssuerView.as_view(), name="issuer"),
    path(
        "credentials/status/<int:number>.json",
        views.StatusListView.as_view(),
        name="status-list",
    ),
    path("credentials/<str:code>.json", views.CredentialView.as_view(), name="credential"),
    path("certificates/", views.CohortCertificateListView.as_view(), name="cohort-list"),
    path(
        "certificates/organisation/",
        views.OrganisationCertificateListView.as_view(),
        name="organisation-list",
    ),
    path(
        "certificates/<int:pk>/", views.CertificateDetailView.as_view(), name="certificate-detail"
    ),
    path(
        "certificates/<int:pk>/download/",
        views.CertificateDownloadView.as_view(),
        name="certificate-download",
    ),
    path(
        "certificates/<int:pk>/revoke/",
        views.CertificateRevokeView.as_view(),
        name="certificate-revoke",
    ),
    path(
        "certificates/<int:pk>/reinstate/",
        views.CertificateReinstateView.as_view(),
        name="certificate-reinstate",
    ),
    path(
        "certificates/<int:pk>/reissue/",
        views.CertificateReissueView.as_view(),
        name="certificate-reissue",
    ),
    path(
        "certificates/<int:pk>/retry/",
        views.CertificateRetryView.as_view(),
        name="certificate-retry",
    ),
    path(
        "certificates/enrolments/<int:enrolment_pk>/issue/",
        views.EnrolmentCertificateIssueView.as_view(),
        name="enrolment-issue",
    ),
    path(
        "cohorts/<int:cohort_pk>/certificates/",
        views.CohortCertificatesView.as_view(),
        name="cohort-certificates",
    ),
    path(
        "cohorts/<int:cohort_pk>/certificates/runs/",
        views.CertificateBatchCreateView.as_view(),
        name="batch-create",
    ),
]
