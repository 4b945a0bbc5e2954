from django.db.models import Count, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from django.utils import timezone

from .models import (
    Application,
    ApplicationAnswer,
    ApplicationEvent,
    Cohort,
    CohortReservation,
    Enrolment,
    EqualityResponse,
    Nomination,
)

# Cohorts the public can see on programme pages: advertised, or running for reference.
PUBLIC_STATUSES = [
    Cohort.Status.OPEN,
    Cohort.Status.CLOSED,
    Cohort.Status.RUNNING,
    Cohort.Status.COMPLETED,
]


def cohort_list_open() -> QuerySet[Cohort]:
    """Cohorts taking applications now, soonest first."""
    return Cohort.objects.filter(status=Cohort.Status.OPEN).order_by("starts_on", "pk")


def cohort_prefetch_open(to_attr: str = "open_cohorts", *, limit: int | None = None) -> Prefetch:
    """For listing programmes with their open cohorts (the first `limit` of each) in a
    fixed number of queries."""
    cohorts = cohort_list_open() if limit is None else cohort_list_open()[:limit]
    return Prefetch("cohorts", queryset=cohorts, to_attr=to_attr)


def cohort_list_public_for_programme(programme) -> QuerySet[Cohort]:
    return programme.cohorts.filter(status__in=PUBLIC_STATUSES).order_by("-starts_on", "pk")


def cohort_list_facilitated(user) -> QuerySet[Cohort]:
    """The cohorts a person facilitates, each with `to_decide`: applications awaiting a decision."""
    return (
        Cohort.objects.filter(facilitators=user)
        .exclude(status=Cohort.Status.ARCHIVED)
        .select_related("programme")
        .annotate(
            to_decide=Count(
                "applications",
                filter=Q(
                    applications__state__in=[
                        Application.State.SUBMITTED,
                        Application.State.IN_REVIEW,
                    ]
                ),
            )
        )
        .order_by("starts_on", "pk")
    )


def cohort_participant_user_ids(cohort: Cohort) -> list[int]:
    """Active accounts with a place on the cohort (enrolled or completed), by ID."""
    return list(
        Enrolment.objects.filter(
            cohort=cohort,
            status__in=[Enrolment.Status.ACTIVE, Enrolment.Status.COMPLETED],
            user__is_active=True,
        )
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )


def cohort_waitlist_user_ids(cohort: Cohort) -> list[int]:
    """Active accounts on the cohort's waitlist, first in line first."""
    return list(
        Application.objects.filter(
            cohort=cohort, state=Application.State.WAITLISTED, applicant__is_active=True
        )
        .order_by("waitlist_position")
        .values_list("applicant_id", flat=True)
    )


def enrolment_list_for_user(user) -> QuerySet[Enrolment]:
    return (
        Enrolment.objects.filter(user=user)
        .select_related("cohort__programme")
        .order_by("-cohort__starts_on", "pk")
    )


def enrolment_list_for_organisation(organisation) -> QuerySet[Enrolment]:
    return (
        Enrolment.objects.filter(user__organisation=organisation)
        .select_related("user", "cohort__programme")
        .order_by("user__full_name", "pk")
    )


# --- Applications ----------------------------------------------------------------------


def _waitlist_place() -> Subquery:
    """1 for the first person on the cohort's waitlist, 2 for the next… None if not on it."""
    ahead = (
        Application.objects.filter(
            cohort=OuterRef("cohort"),
            state=Application.State.WAITLISTED,
            waitlist_position__lte=OuterRef("waitlist_position"),
        )
        .order_by()
        .values("cohort")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Subquery(ahead, output_field=IntegerField())


def application_list_for_applicant(user) -> QuerySet[Application]:
    """A person's own applications, newest first, with `waitlist_place`."""
    return (
        Application.objects.filter(applicant=user)
        .select_related("cohort__programme", "organisation")
        .annotate(waitlist_place=_waitlist_place())
        .order_by("-created_at", "-pk")
    )


QUEUE_FILTERS = {
    "to-decide": [Application.State.SUBMITTED, Application.State.IN_REVIEW],
    **{
        state.value.replace("_", "-"): [state]
        for state in Application.State
        if state != Application.State.DRAFT
    },
}
QUEUE_SORTS = {
    "oldest": ("submitted_at", "pk"),
    "newest": ("-submitted_at", "-pk"),
    "name": ("applicant__full_name", "pk"),
    "organisation": ("organisation__name", "applicant__full_name", "pk"),
    "waitlist": (F("waitlist_position").asc(nulls_last=True), "submitted_at", "pk"),
}


def application_queue(
    applications: QuerySet[Application],
    *,
    cohort: Cohort,
    status: str = "",
    organisation_id: int | None = None,
    source: str = "",
    search: str = "",
    sort: str = "oldest",
) -> QuerySet[Application]:
    """A cohort's submitted applications for its reviewers, filtered and sorted.

    `applications` is the reviewer's scoped queryset (cohorts.permissions).
    """
    queryset = applications.filter(cohort=cohort).exclude(state=Application.State.DRAFT)
    if status in QUEUE_FILTERS:
        queryset = queryset.filter(state__in=QUEUE_FILTERS[status])
    if organisation_id:
        queryset = queryset.filter(organisation_id=organisation_id)
    if source in Application.Source.values:
        queryset = queryset.filter(source=source)
    if search:
        queryset = queryset.filter(
            Q(applicant__full_name__icontains=search) | Q(applicant__email__icontains=search)
        )
    return (
        queryset.select_related("applicant", "organisation")
        .annotate(waitlist_place=_waitlist_place())
        .order_by(*QUEUE_SORTS.get(sort, QUEUE_SORTS["oldest"]))
    )


def application_counts_for_cohort(cohort: Cohort) -> dict[str, int]:
    counts = dict(
        cohort.applications.order_by()
        .values("state")
        .annotate(n=Count("pk"))
        .values_list("state", "n")
    )
    counts["to-decide"] = sum(counts.get(state, 0) for state in QUEUE_FILTERS["to-decide"])
    return counts


def application_for_review(applications: QuerySet[Application], pk: int) -> Application:
    """One application with its answers and history, from the reviewer's scoped queryset."""
    return get_object_or_404(
        applications.select_related(
            "applicant", "organisation", "cohort__programme", "nomination__nominated_by"
        )
        .annotate(waitlist_place=_waitlist_place())
        .prefetch_related(
            Prefetch("answers", queryset=ApplicationAnswer.objects.select_related("question")),
            Prefetch("events", queryset=ApplicationEvent.objects.select_related("actor")),
        ),
        pk=pk,
    )


def application_list_for_sponsor(applications: QuerySet[Application]) -> QuerySet[Application]:
    """The organisation's applications (already scoped), with who, where and status."""
    return applications.select_related("applicant", "cohort__programme").order_by(
        "-submitted_at", "-pk"
    )


def nomination_list_for_sponsor(nominations: QuerySet[Nomination]) -> QuerySet[Nomination]:
    return nominations.select_related("cohort__programme", "nominated_by", "application").order_by(
        "-created_at", "-pk"
    )


def cohort_list_open_for_nomination() -> QuerySet[Cohort]:
    """Cohorts whose application window is open now, soonest first."""
    now = timezone.now()
    return (
        cohort_list_open()
        .filter(Q(applications_open_at__isnull=True) | Q(applications_open_at__lte=now))
        .filter(Q(applications_close_at__isnull=True) | Q(applications_close_at__gt=now))
        .select_related("programme")
    )


def reservation_list_for_cohort(cohort: Cohort) -> list[CohortReservation]:
    """Reservations with `filled`: how many of their places the organisation's nominees hold."""
    filled = dict(
        cohort.applications.filter(holds_reserved_place=True)
        .order_by()
        .values("organisation_id")
        .annotate(n=Count("pk"))
        .values_list("organisation_id", "n")
    )
    reservations = list(cohort.reservations.select_related("organisation"))
    for reservation in reservations:
        reservation.filled = filled.get(reservation.organisation_id, 0)
    return reservations


# --- Equality monitoring -----------------------------------------------------------------

SUPPRESS_BELOW = 5


def equality_report(cohort: Cohort) -> dict:
    """Counts per answer for a cohort, with small numbers suppressed.

    Any count from 1 to 4 is hidden; where only one count in a question would be hidden,
    the next smallest is hidden too, so it cannot be worked out from the total. With
    fewer than 5 responses in all, nothing is shown.
    """
    responses = EqualityResponse.objects.filter(cohort=cohort)
    total = responses.count()
    report = {"total": total, "suppressed": total < SUPPRESS_BELOW, "questions": []}
    if report["suppressed"]:
        return report
    for name in ("gender", "age_band", "ethnic_group", "disability", "caring"):
        model_field = EqualityResponse._meta.get_field(name)
        counts = dict(
            responses.order_by().values(name).annotate(n=Count("pk")).values_list(name, "n")
        )
        rows = [
            {"label": label, "count": counts.get(value, 0), "hidden": False}
            for value, label in model_field.choices
        ]
        for row in rows:
            row["hidden"] = 0 < row["count"] < SUPPRESS_BELOW
        hidden = [row for row in rows if row["hidden"]]
        if len(hidden) == 1:
            shown = sorted(
                (row for row in rows if not row["hidden"] and row["count"]),
                key=lambda row: row["count"],
            )
            if shown:
                shown[0]["hidden"] = True
        report["questions"].append({"label": model_field.verbose_name, "rows": rows})
    return report


def application_list_needing_attention(user) -> dict:
    """For the dashboard: the person's applications still in progress, and for a sponsor
    how many of their organisation's applications wait for approval."""
    in_progress = [
        Application.State.DRAFT,
        Application.State.SUBMITTED,
        Application.State.AWAITING_SPONSOR,
        Application.State.IN_REVIEW,
        Application.State.ACCEPTED,
        Application.State.WAITLISTED,
    ]
    context = {
        "applications_in_progress": list(
            application_list_for_applicant(user).filter(state__in=in_progress)[:10]
        )
    }
    if user.is_sponsor:
        context["awaiting_endorsement"] = Application.objects.filter(
            organisation_id=user.organisation_id, state=Application.State.AWAITING_SPONSOR
        ).count()
    return context


def programme_list_with_question_counts():
    """Every programme with `questions_asked`: its active application questions."""
    from academy.models import Programme

    return Programme.objects.annotate(
        questions_asked=Count(
            "question_set__questions", filter=Q(question_set__questions__is_active=True)
        )
    ).order_by("name")


# --- Running cohorts -----------------------------------------------------------------------


def cohort_list_for_management(
    cohorts: QuerySet[Cohort],
    *,
    programme_id: int | None = None,
    status: str = "",
    year: int | None = None,
) -> QuerySet[Cohort]:
    """Cohorts (already scoped to who is asking) for the "Cohorts" list, filtered: newest
    programme year first, with the programme, facilitators and `to_decide`."""
    if programme_id:
        cohorts = cohorts.filter(programme_id=programme_id)
    if status in Cohort.Status.values:
        cohorts = cohorts.filter(status=status)
    if year:
        cohorts = cohorts.filter(intake_year=year)
    return (
        cohorts.select_related("programme")
        .prefetch_related("facilitators")
        .annotate(
            to_decide=Count(
                "applications",
                filter=Q(
                    applications__state__in=[
                        Application.State.SUBMITTED,
                        Application.State.IN_REVIEW,
                    ]
                ),
            )
        )
        .order_by("-intake_year", "-starts_on", "title", "pk")
    )


def cohort_years(cohorts: QuerySet[Cohort]) -> list[int]:
    """The programme years among `cohorts`, newest first (for the list's filter)."""
    return list(cohorts.order_by("-intake_year").values_list("intake_year", flat=True).distinct())
