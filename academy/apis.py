"""The REST API for programmes and progress (`/api/v1/`)."""

import django_filters
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from api.filters import IdFilter
from cohorts.models import Enrolment
from cohorts.permissions import can_view_organisation_applications, cohorts_managed_by
from cohorts.selectors import enrolment_list_for_organisation, enrolment_list_for_user
from core.pagecache import CachedListAPIView

from .models import Programme
from .permissions import can_manage_programmes
from .selectors import enrolment_progress_list

# --- Programmes ----------------------------------------------------------------------


class ProgrammeOutputSerializer(serializers.ModelSerializer):
    # Declared so the schema does not carry the database's own integer limits.
    default_capacity = serializers.IntegerField()

    class Meta:
        model = Programme
        fields = [
            "id",
            "name",
            "slug",
            "summary",
            "description",
            "allows_recommendations",
            "sponsor_approval_required",
            "default_capacity",
        ]


class ProgrammeFilter(django_filters.FilterSet):
    slug = django_filters.CharFilter()

    class Meta:
        model = Programme
        fields = ["slug"]


def _programmes(user):
    """Published programmes; programme admins see unpublished ones too, as in the back office."""
    if can_manage_programmes(user):
        return Programme.objects.all()
    return Programme.objects.filter(is_published=True)


class ProgrammeListApi(CachedListAPIView):
    permission_classes = [AllowAny]
    serializer_class = ProgrammeOutputSerializer
    filterset_class = ProgrammeFilter

    def get_queryset(self):
        return _programmes(self.request.user).order_by("name", "pk")


class ProgrammeDetailApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=ProgrammeOutputSerializer)
    def get(self, request, pk: int):
        programme = get_object_or_404(_programmes(request.user), pk=pk)
        return Response(ProgrammeOutputSerializer(programme).data)


# --- Progress ------------------------------------------------------------------------


class ProgressOutputSerializer(serializers.ModelSerializer):
    enrolment = serializers.IntegerField(source="pk")
    cohort_title = serializers.CharField(source="cohort.title")
    programme_name = serializers.CharField(source="cohort.programme.name")
    participant = serializers.IntegerField(source="user_id")
    participant_name = serializers.CharField(source="user.full_name")
    materials_done = serializers.IntegerField(help_text="Course materials marked done.")
    sessions_held = serializers.IntegerField(
        help_text="The cohort's sessions that went ahead and have ended."
    )
    sessions_attended = serializers.IntegerField(
        help_text="Of those, the ones the person attended (present or late)."
    )

    class Meta:
        model = Enrolment
        fields = [
            "enrolment",
            "cohort",
            "cohort_title",
            "programme_name",
            "participant",
            "participant_name",
            "status",
            "enrolled_at",
            "completed_on",
            "materials_done",
            "sessions_held",
            "sessions_attended",
        ]


class ProgressFilter(django_filters.FilterSet):
    cohort = IdFilter(field_name="cohort_id")
    status = django_filters.ChoiceFilter(choices=Enrolment.Status.choices)

    class Meta:
        model = Enrolment
        fields = ["cohort", "status"]


class ProgressListMineApi(CachedListAPIView):
    """Where you stand on each cohort you have a place on."""

    serializer_class = ProgressOutputSerializer
    filterset_class = ProgressFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular, reading the types
            return Enrolment.objects.none()
        return enrolment_progress_list(enrolment_list_for_user(self.request.user))


class ProgressListCohortApi(CachedListAPIView):
    """Facilitators and programme admins: everyone on a cohort you run."""

    serializer_class = ProgressOutputSerializer
    filterset_class = ProgressFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Enrolment.objects.none()
        cohort = get_object_or_404(cohorts_managed_by(self.request.user), pk=self.kwargs["pk"])
        return enrolment_progress_list(
            Enrolment.objects.filter(cohort=cohort).order_by("user__full_name", "pk")
        )


class ProgressListOrganisationApi(CachedListAPIView):
    """Sponsors: your organisation's people, on every cohort."""

    serializer_class = ProgressOutputSerializer
    filterset_class = ProgressFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Enrolment.objects.none()
        user = self.request.user
        if not can_view_organisation_applications(user):
            raise exceptions.PermissionDenied(_("This list is for sponsors."))
        if user.organisation_id is None:
            return Enrolment.objects.none()
        return enrolment_progress_list(enrolment_list_for_organisation(user.organisation))
