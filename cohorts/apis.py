"""The REST API for cohorts, applications and nominations (`/api/v1/`).

Every queryset is scoped with the permission functions the pages use, so an object
someone may not see in the portal is a 404 here too.
"""

import django_filters
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Organisation
from api.filters import IdFilter, YearFilter
from core.errors import ApplicationError
from core.pagecache import CachedListAPIView

from . import permissions, services, workflow
from .forms import decision_choices
from .models import Application, Cohort, Nomination

# --- Cohorts -------------------------------------------------------------------------


class CohortOutputSerializer(serializers.ModelSerializer):
    programme_name = serializers.CharField(source="programme.name")
    places_left = serializers.IntegerField(
        help_text="Places anyone may still be offered (reserved places not counted)."
    )
    is_accepting_applications = serializers.BooleanField()
    # Declared so the schema does not carry the database's own integer limits.
    intake_year = serializers.IntegerField()
    capacity = serializers.IntegerField(allow_null=True)

    class Meta:
        model = Cohort
        fields = [
            "id",
            "programme",
            "programme_name",
            "title",
            "intake_year",
            "status",
            "starts_on",
            "ends_on",
            "delivery_mode",
            "venue",
            "capacity",
            "places_left",
            "applications_open_at",
            "applications_close_at",
            "is_accepting_applications",
        ]


class CohortFilter(django_filters.FilterSet):
    programme = IdFilter(field_name="programme_id")
    status = django_filters.ChoiceFilter(choices=Cohort.Status.choices)
    intake_year = YearFilter()

    class Meta:
        model = Cohort
        fields = ["programme", "status", "intake_year"]


def _cohorts(user):
    return permissions.cohorts_visible_to(user).select_related("programme")


class CohortListApi(CachedListAPIView):
    """Cohorts you may see: advertised ones for everyone, and those you run."""

    permission_classes = [AllowAny]
    serializer_class = CohortOutputSerializer
    filterset_class = CohortFilter

    def get_queryset(self):
        return _cohorts(self.request.user).order_by("starts_on", "pk")


class CohortDetailApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=CohortOutputSerializer)
    def get(self, request, pk: int):
        cohort = get_object_or_404(_cohorts(request.user), pk=pk)
        return Response(CohortOutputSerializer(cohort).data)


# --- Applications --------------------------------------------------------------------


class ApplicationOutputSerializer(serializers.ModelSerializer):
    cohort_title = serializers.CharField(source="cohort.title")
    programme_name = serializers.CharField(source="cohort.programme.name")
    applicant_name = serializers.CharField(source="applicant.full_name")
    organisation_name = serializers.CharField(source="organisation.name", allow_null=True)

    class Meta:
        model = Application
        fields = [
            "id",
            "cohort",
            "cohort_title",
            "programme_name",
            "applicant",
            "applicant_name",
            "organisation",
            "organisation_name",
            "job_title",
            "source",
            "state",
            "created_at",
            "submitted_at",
            "decided_at",
            "offer_expires_at",
        ]


class AnswerSerializer(serializers.Serializer):
    question = serializers.IntegerField(min_value=1)
    value = serializers.CharField(max_length=10_000, allow_blank=True)


class AnswerOutputSerializer(serializers.Serializer):
    question = serializers.IntegerField(source="question_id")
    question_text = serializers.CharField(source="question.text")
    value = serializers.CharField()


class ApplicationDetailOutputSerializer(ApplicationOutputSerializer):
    answers = AnswerOutputSerializer(many=True, source="answers.all")

    class Meta(ApplicationOutputSerializer.Meta):
        fields = [*ApplicationOutputSerializer.Meta.fields, "answers"]


class ApplicationFilter(django_filters.FilterSet):
    cohort = IdFilter(field_name="cohort_id")
    state = django_filters.ChoiceFilter(choices=Application.State.choices)
    source = django_filters.ChoiceFilter(choices=Application.Source.choices)

    class Meta:
        model = Application
        fields = ["cohort", "state", "source"]


def _applications(user):
    return permissions.applications_visible_to(user).select_related(
        "cohort__programme", "applicant", "organisation"
    )


class ApplicationListApi(CachedListAPIView):
    """Your own applications; those you review; for sponsors, your organisation's."""

    serializer_class = ApplicationOutputSerializer
    filterset_class = ApplicationFilter

    def get_queryset(self):
        return _applications(self.request.user).order_by("-created_at", "-pk")


class ApplicationDetailApi(APIView):
    @extend_schema(responses=ApplicationDetailOutputSerializer)
    def get(self, request, pk: int):
        application = get_object_or_404(
            _applications(request.user).prefetch_related("answers__question"), pk=pk
        )
        return Response(ApplicationDetailOutputSerializer(application).data)


class ApplicationCreateApi(APIView):
    """Apply to a cohort yourself: saved as a draft, or submitted (the default)."""

    class ApplicationCreateInputSerializer(serializers.Serializer):
        cohort = serializers.IntegerField(min_value=1)
        organisation = serializers.PrimaryKeyRelatedField(
            queryset=Organisation.objects.all(), allow_null=True, required=False, default=None
        )
        job_title = serializers.CharField(max_length=150, allow_blank=True, default="")
        answers = AnswerSerializer(many=True, required=False, default=list)
        submit = serializers.BooleanField(default=True)

    @extend_schema(
        request=ApplicationCreateInputSerializer,
        responses={status.HTTP_201_CREATED: ApplicationDetailOutputSerializer},
    )
    def post(self, request):
        serializer = self.ApplicationCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        cohort = permissions.cohorts_visible_to(request.user).filter(pk=data["cohort"]).first()
        if cohort is None:
            raise exceptions.ValidationError({"cohort": [_("There is no such cohort.")]})
        if not permissions.can_apply(request.user, cohort):
            raise ApplicationError(_("This cohort is not taking applications at the moment."))
        application = services.application_save(
            applicant=request.user,
            cohort=cohort,
            organisation=data["organisation"],
            job_title=data["job_title"],
            answers={answer["question"]: answer["value"] for answer in data["answers"]},
            submit=data["submit"],
        )
        application = (
            _applications(request.user).prefetch_related("answers__question").get(pk=application.pk)
        )
        return Response(
            ApplicationDetailOutputSerializer(application).data, status=status.HTTP_201_CREATED
        )


class ApplicationDecideApi(APIView):
    """A reviewer's decision on an application of a cohort they run."""

    class ApplicationDecideInputSerializer(serializers.Serializer):
        decision = serializers.ChoiceField(
            choices=["review", "accept", "waitlist", "reject", "withdraw"]
        )
        reason = serializers.CharField(max_length=2000, allow_blank=True, default="")

    @extend_schema(request=ApplicationDecideInputSerializer, responses=ApplicationOutputSerializer)
    def post(self, request, pk: int):
        application = get_object_or_404(
            permissions.applications_reviewable_by(request.user).select_related("cohort"), pk=pk
        )
        serializer = self.ApplicationDecideInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        decision = serializer.validated_data["decision"]
        # The same choices as the review page offers for the application's state.
        allowed = dict(
            decision_choices(
                workflow.targets(application.state, workflow.Actor.REVIEWER), application.state
            )
        )
        if decision not in allowed:
            raise exceptions.ValidationError(
                {"decision": [_("This decision is not possible for the application now.")]}
            )
        services.application_decide(
            application=application,
            decision=decision,
            actor=request.user,
            reason=serializer.validated_data["reason"],
        )
        return Response(ApplicationOutputSerializer(_applications(request.user).get(pk=pk)).data)


class ApplicationEndorseApi(APIView):
    """A sponsor approves, or declines with a reason, an application naming their organisation."""

    class ApplicationEndorseInputSerializer(serializers.Serializer):
        approve = serializers.BooleanField()
        reason = serializers.CharField(max_length=2000, allow_blank=True, default="")

    @extend_schema(request=ApplicationEndorseInputSerializer, responses=ApplicationOutputSerializer)
    def post(self, request, pk: int):
        application = get_object_or_404(
            permissions.applications_visible_to_sponsor(request.user), pk=pk
        )
        if not permissions.can_endorse_application(request.user, application):
            raise exceptions.PermissionDenied(_("This application is not waiting for you."))
        serializer = self.ApplicationEndorseInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if serializer.validated_data["approve"]:
            services.application_endorse(
                application=application,
                sponsor=request.user,
                reason=serializer.validated_data["reason"],
            )
        else:
            services.application_decline_endorsement(
                application=application,
                sponsor=request.user,
                reason=serializer.validated_data["reason"],
            )
        return Response(ApplicationOutputSerializer(_applications(request.user).get(pk=pk)).data)


# --- Nominations ---------------------------------------------------------------------


class NominationOutputSerializer(serializers.ModelSerializer):
    cohort_title = serializers.CharField(source="cohort.title")
    application_state = serializers.CharField(
        source="application.state", allow_null=True, default=None
    )

    class Meta:
        model = Nomination
        fields = [
            "id",
            "cohort",
            "cohort_title",
            "nominee_name",
            "nominee_email",
            "reason",
            "status",
            "created_at",
            "expires_at",
            "application",
            "application_state",
        ]


class NominationFilter(django_filters.FilterSet):
    cohort = IdFilter(field_name="cohort_id")
    status = django_filters.ChoiceFilter(choices=Nomination.Status.choices)

    class Meta:
        model = Nomination
        fields = ["cohort", "status"]


def _nominations(user):
    if not permissions.can_view_organisation_applications(user):
        raise exceptions.PermissionDenied(_("Nominations are for sponsors."))
    return permissions.nominations_visible_to_sponsor(user).select_related("cohort", "application")


class NominationListApi(CachedListAPIView):
    """Sponsors: the nominations made for your organisation."""

    serializer_class = NominationOutputSerializer
    filterset_class = NominationFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular, reading the types
            return Nomination.objects.none()
        return _nominations(self.request.user).order_by("-created_at", "-pk")


class NominationDetailApi(APIView):
    @extend_schema(responses=NominationOutputSerializer)
    def get(self, request, pk: int):
        nomination = get_object_or_404(_nominations(request.user), pk=pk)
        return Response(NominationOutputSerializer(nomination).data)


class NominationCreateApi(APIView):
    """Sponsors: invite a colleague to apply to a cohort taking applications."""

    class NominationCreateInputSerializer(serializers.Serializer):
        cohort = serializers.IntegerField(min_value=1)
        nominee_name = serializers.CharField(max_length=150)
        nominee_email = serializers.EmailField(max_length=254)
        reason = serializers.CharField(max_length=2000)

    @extend_schema(
        request=NominationCreateInputSerializer,
        responses={status.HTTP_201_CREATED: NominationOutputSerializer},
    )
    def post(self, request):
        nominations = _nominations(request.user)
        serializer = self.NominationCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        cohort = permissions.cohorts_visible_to(request.user).filter(pk=data["cohort"]).first()
        if cohort is None:
            raise exceptions.ValidationError({"cohort": [_("There is no such cohort.")]})
        if not permissions.can_nominate(request.user, cohort):
            raise ApplicationError(_("This cohort is not taking applications at the moment."))
        nomination = services.nomination_create(
            cohort=cohort,
            nominee_name=data["nominee_name"],
            nominee_email=data["nominee_email"],
            reason=data["reason"],
            nominated_by=request.user,
            organisation=request.user.organisation,
        )
        return Response(
            NominationOutputSerializer(nominations.get(pk=nomination.pk)).data,
            status=status.HTTP_201_CREATED,
        )
