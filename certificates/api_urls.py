from django.urls import path

from . import apis

urlpatterns = [
    path("certificates/", apis.CertificateListApi.as_view(), name="certificate-list"),
    path("certificates/<int:pk>/", apis.CertificateDetailApi.as_view(), name="certificate-detail"),
    path(
        "certificates/<int:pk>/revoke/",
        apis.CertificateRevokeApi.as_view(),
        name="certificate-revoke",
    ),
    path(
        "enrolments/<int:pk>/certificate/",
        apis.CertificateIssueApi.as_view(),
        name="certificate-issue",
    ),
    path("verify/<str:code>/", apis.CertificateVerifyApi.as_view(), name="certificate-verify"),
]
