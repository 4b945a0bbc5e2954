from django.db.models import Prefetch, QuerySet

from .models import Cohort, Enrolment

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


def cohort_prefetch_open(to_attr: str = "open_cohorts") -> Prefetch:
    """For listing programmes with their open cohorts in a fixed number of queries."""
    return Prefetch("cohorts", queryset=cohort_list_open(), to_attr=to_attr)


def cohort_list_public_for_programme(programme) -> QuerySet[Cohort]:
    return programme.cohorts.filter(status__in=PUBLIC_STATUSES).order_by("-starts_on", "pk")


def cohort_list_facilitated(user) -> QuerySet[Cohort]:
    return (
        Cohort.objects.filter(facilitators=user)
        .exclude(status=Cohort.Status.ARCHIVED)
        .select_related("programme")
        .order_by("starts_on", "pk")
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
