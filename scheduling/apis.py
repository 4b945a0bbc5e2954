"""The REST API for sessions and their registers (`/api/v1/`)."""

import django_filters
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from api.filters import IdFilter, MomentFilter
from core.pagecache import CachedListAPIView

from . import permissions, selectors, services
from .models import Attendance, Session


class FacilitatorOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="full_name")


class SessionOutputSerializer(serializers.ModelSerializer):
    cohort_title = serializers.CharField(source="cohort.title")
    facilitators = FacilitatorOutputSerializer(many=True)
    # Declared so the schema does not carry the database's own integer limits.
    capacity = serializers.IntegerField(allow_null=True)

    class Meta:
        model = Session
        fields = [
            "id",
            "cohort",
            "cohort_title",
            "title",
            "kind",
            "description",
            "starts_at",
            "ends_at",
            "venue",
            "access_notes",
            "joining_link",
            "capacity",
            "status",
            "cancellation_reason",
            "facilitators",
        ]


class SessionFilter(django_filters.FilterSet):
    cohort = IdFilter(field_name="cohort_id")
    status = django_filters.ChoiceFilter(choices=Session.Status.choices)
    starts_after = MomentFilter(field_name="starts_at", lookup_expr="gte")
    starts_before = MomentFilter(field_name="starts_at", lookup_expr="lt")

    class Meta:
        model = Session
        fields = ["cohort", "status", "starts_after", "starts_before"]


def _sessions(queryset):
    return queryset.select_related("cohort").prefetch_related(
        Prefetch("facilitators", queryset=User.objects.order_by("full_name", "pk"))
    )


class SessionListApi(CachedListAPIView):
    """Sessions of the cohorts you take part in or run, and those you facilitate."""

    serializer_class = SessionOutputSerializer
    filterset_class = SessionFilter

    def get_queryset(self):
        return _sessions(permissions.sessions_visible_to(self.request.user)).order_by(
            "starts_at", "pk"
        )


class SessionDetailApi(APIView):
    @extend_schema(responses=SessionOutputSerializer)
    def get(self, request, pk: int):
        session = get_object_or_404(_sessions(permissions.sessions_visible_to(request.user)), pk=pk)
        return Response(SessionOutputSerializer(session).data)


class AttendanceOutputSerializer(serializers.Serializer):
    participant = serializers.IntegerField(source="participant.pk")
    participant_name = serializers.CharField(source="participant.full_name")
    status = serializers.ChoiceField(
        choices=[("", "Not recorded"), *Attendance.Status.choices],
        help_text="Empty until a mark is recorded.",
    )
    recorded_at = serializers.DateTimeField(
        source="attendance.recorded_at", allow_null=True, default=None
    )


def _register_session(request, pk: int) -> Session:
    return get_object_or_404(
        permissions.sessions_with_register_for(request.user).select_related("cohort"), pk=pk
    )


class AttendanceListApi(CachedListAPIView):
    """The register of a session you run or facilitate: one row per participant."""

    serializer_class = AttendanceOutputSerializer
    filter_backends = []

    def get_queryset(self):
        return selectors.register_rows(_register_session(self.request, self.kwargs["pk"]))


class MarkInputSerializer(serializers.Serializer):
    participant = serializers.IntegerField(min_value=1)
    status = serializers.ChoiceField(choices=Attendance.Status.choices)


class AttendanceRecordApi(APIView):
    """Record marks in a session's register; marks not sent are left as they are."""

    class AttendanceRecordInputSerializer(serializers.Serializer):
        marks = MarkInputSerializer(many=True, allow_empty=False, max_length=1000)

    class AttendanceRecordOutputSerializer(serializers.Serializer):
        changed = serializers.IntegerField(help_text="How many marks changed.")

    @extend_schema(
        request=AttendanceRecordInputSerializer, responses=AttendanceRecordOutputSerializer
    )
    def post(self, request, pk: int):
        session = _register_session(request, pk)
        serializer = self.AttendanceRecordInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        marks = {mark["participant"]: mark["status"] for mark in serializer.validated_data["marks"]}
        changed = services.attendance_record(session=session, actor=request.user, marks=marks)
        return Response(self.AttendanceRecordOutputSerializer({"changed": changed}).data)
