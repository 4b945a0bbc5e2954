"""The REST API for certificates and their public verification (`/api/v1/`)."""

import django_filters
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from api.filters import IdFilter
from api.throttling import VerificationThrottle
from cohorts.models import Enrolment
from cohorts.permissions import cohorts_managed_by
from core.pagecache import CachedListAPIView

from . import permissions, selectors, services
from .models import Certificate


class CertificateOutputSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="display_code")
    cohort = serializers.IntegerField(source="enrolment.cohort_id")
    holder = serializers.IntegerField(source="enrolment.user_id")
    verification_url = serializers.CharField(source="get_public_verification_url")

    class Meta:
        model = Certificate
        fields = [
            "id",
            "code",
            "status",
            "enrolment",
            "cohort",
            "holder",
            "holder_name",
            "programme_name",
            "cohort_title",
            "completed_on",
            "issued_at",
            "revoked_at",
            "revocation_reason",
            "verification_url",
        ]


class CertificateFilter(django_filters.FilterSet):
    cohort = IdFilter(field_name="enrolment__cohort_id")
    status = django_filters.ChoiceFilter(choices=Certificate.Status.choices)

    class Meta:
        model = Certificate
        fields = ["cohort", "status"]


def _certificates(user):
    return permissions.certificates_visible_to(user).select_related("enrolment")


class CertificateListApi(CachedListAPIView):
    """Your certificates; a sponsor's organisation's; every one of the cohorts you run."""

    serializer_class = CertificateOutputSerializer
    filterset_class = CertificateFilter

    def get_queryset(self):
        return _certificates(self.request.user).order_by("-requested_at", "-pk")


class CertificateDetailApi(APIView):
    @extend_schema(responses=CertificateOutputSerializer)
    def get(self, request, pk: int):
        certificate = get_object_or_404(_certificates(request.user), pk=pk)
        return Response(CertificateOutputSerializer(certificate).data)


class CertificateIssueApi(APIView):
    """Facilitators: issue (or try again) the certificate of someone who has completed."""

    @extend_schema(request=None, responses={status.HTTP_201_CREATED: CertificateOutputSerializer})
    def post(self, request, pk: int):
        enrolment = get_object_or_404(
            Enrolment.objects.filter(cohort__in=cohorts_managed_by(request.user)).select_related(
                "cohort", "user"
            ),
            pk=pk,
        )
        if not permissions.can_issue_certificate(request.user, enrolment):
            raise exceptions.NotFound
        certificate = services.certificate_request_for_enrolment(
            enrolment=enrolment, requested_by=request.user
        )
        certificate = _certificates(request.user).get(pk=certificate.pk)
        return Response(
            CertificateOutputSerializer(certificate).data, status=status.HTTP_201_CREATED
        )


class CertificateRevokeApi(APIView):
    """Facilitators: revoke an issued certificate, with a public reason and a note."""

    class CertificateRevokeInputSerializer(serializers.Serializer):
        reason = serializers.ChoiceField(choices=Certificate.RevocationReason.choices)
        note = serializers.CharField(max_length=2000)

    @extend_schema(request=CertificateRevokeInputSerializer, responses=CertificateOutputSerializer)
    def post(self, request, pk: int):
        certificate = get_object_or_404(
            _certificates(request.user).select_related("enrolment__cohort"), pk=pk
        )
        if not permissions.can_revoke_certificate(request.user, certificate):
            raise exceptions.PermissionDenied(_("Only those who issue it can revoke it."))
        serializer = self.CertificateRevokeInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.certificate_revoke(
            certificate=certificate,
            actor=request.user,
            reason=serializer.validated_data["reason"],
            note=serializer.validated_data["note"],
        )
        return Response(CertificateOutputSerializer(_certificates(request.user).get(pk=pk)).data)


class VerificationOutputSerializer(serializers.Serializer):
    code = serializers.CharField()
    status = serializers.ChoiceField(choices=["valid", "revoked"])
    holder_name = serializers.CharField(allow_null=True)
    programme = serializers.CharField()
    cohort = serializers.CharField()
    completed_on = serializers.DateField()
    issued_on = serializers.DateField()
    revoked_on = serializers.DateField(allow_null=True)
    revocation_reason = serializers.CharField(allow_null=True)
    revocation_reason_label = serializers.CharField(allow_null=True)
    verification_url = serializers.URLField()
    credential_url = serializers.URLField()


class CertificateVerifyApi(APIView):
    """Anyone: is there a certificate with this code, and is it valid or revoked?"""

    permission_classes = [AllowAny]
    throttle_classes = [VerificationThrottle]

    @extend_schema(responses=VerificationOutputSerializer)
    def get(self, request, code: str):
        certificate = selectors.certificate_get_public(code)
        if certificate is None:
            raise exceptions.NotFound(
                _("There is no certificate with this code. Check it against the certificate.")
            )
        return Response(selectors.certificate_verification(certificate))
