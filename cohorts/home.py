"""Reads for the cohort home and its participant list, which gather numbers from several
apps (applications, enrolments, the timetable, risk, certificates, announcements).

Kept apart from cohorts.selectors, which those apps import themselves. Every function
here makes the same number of queries however many people a cohort has.
"""

from dataclasses import dataclass, field

from django.db.models import Count
from django.utils import timezone

from academy.risk import RiskSummary, risk_summaries_for_cohort
from accounts.models import Organisation
from announcements.models import Announcement
from announcements.selectors import announcement_list
from certificates.selectors import certificate_counts_for_cohort
from scheduling.selectors import session_list_for_cohort

from . import lifecycle
from .models import Application, Cohort, Enrolment
from .selectors import application_counts_for_cohort

UPCOMING_SHOWN = 3
ANNOUNCEMENTS_SHOWN = 3


@dataclass
class CohortHome:
    cohort: Cohort
    facilitators: list
    next_move: lifecycle.Move | None
    problems_before_opening: list[str]
    # (label, count, the review queue's status filter), one per state with applications
    applications: list[tuple[str, int, str]]
    applications_total: int
    to_decide: int
    offers_waiting: int
    waitlisted: int
    enrolments: dict[str, int]
    participants: int
    at_risk: int
    upcoming_sessions: list
    upcoming_count: int
    certificates_issued: int
    certificates_to_issue: int
    announcements: list = field(default_factory=list)


def cohort_home(cohort: Cohort, *, now=None) -> CohortHome:
    """Everything the cohort home shows, in a fixed number of queries."""
    now = now or timezone.now()
    counts = application_counts_for_cohort(cohort)
    applications = [
        (state.label, counts[state.value], state.value.replace("_", "-"))
        for state in Application.State
        if state != Application.State.DRAFT and counts.get(state.value)
    ]
    enrolments = dict(
        Enrolment.objects.filter(cohort=cohort)
        .order_by()
        .values("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    summaries = risk_summaries_for_cohort(cohort, now=now)
    upcoming = session_list_for_cohort(cohort).filter(status="scheduled", ends_at__gt=now)
    certificates = certificate_counts_for_cohort(cohort)
    return CohortHome(
        cohort=cohort,
        facilitators=list(cohort.facilitators.order_by("full_name", "pk")),
        next_move=lifecycle.next_move(cohort),
        problems_before_opening=lifecycle.problems_before_opening(cohort, now=now)
        if cohort.status == Cohort.Status.DRAFT
        else [],
        applications=applications,
        applications_total=sum(count for _label, count, _slug in applications),
        to_decide=counts["to-decide"],
        offers_waiting=counts.get(Application.State.ACCEPTED, 0),
        waitlisted=counts.get(Application.State.WAITLISTED, 0),
        enrolments={status: enrolments.get(status, 0) for status in Enrolment.Status.values},
        participants=len(summaries),
        at_risk=sum(1 for summary in summaries if summary.at_risk),
        upcoming_sessions=list(upcoming[:UPCOMING_SHOWN]),
        upcoming_count=upcoming.count(),
        certificates_issued=certificates["issued"],
        certificates_to_issue=certificates["none"] + certificates["failed"],
        announcements=list(
            announcement_list(Announcement.objects.filter(cohort=cohort))[:ANNOUNCEMENTS_SHOWN]
        ),
    )


@dataclass
class ParticipantRow:
    enrolment: Enrolment
    organisation: Organisation | None
    # None for people who have completed: risk is about those still taking part.
    risk: RiskSummary | None


def participant_rows(cohort: Cohort, *, at_risk_only: bool = False) -> list[ParticipantRow]:
    """The cohort's participants by name (taking part, then completed), with where each
    stands on attendance and required materials."""
    summaries = risk_summaries_for_cohort(cohort)
    if at_risk_only:
        summaries = [summary for summary in summaries if summary.at_risk]
        completed = []
    else:
        completed = list(
            Enrolment.objects.filter(cohort=cohort, status=Enrolment.Status.COMPLETED)
            .select_related("user")
            .order_by("user__full_name", "pk")
        )
    enrolments = [summary.enrolment for summary in summaries] + completed
    organisations = Organisation.objects.in_bulk(
        {enrolment.organisation_id for enrolment in enrolments if enrolment.organisation_id}
    )
    rows = [
        ParticipantRow(
            summary.enrolment, organisations.get(summary.enrolment.organisation_id), summary
        )
        for summary in summaries
    ]
    rows += [
        ParticipantRow(enrolment, organisations.get(enrolment.organisation_id), None)
        for enrolment in completed
    ]
    return rows
