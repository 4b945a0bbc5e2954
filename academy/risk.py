"""Who is falling behind: one definition for the cohort home, the progress grid and
announcements to "those at risk".

An active participant is at risk when, counting only sessions of the cohort that have
ended (not cancelled), they attended (present or late) less than
AT_RISK_ATTENDANCE of them, or when required materials that opened more than
AT_RISK_GRACE_DAYS ago are still not done.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from cohorts.models import Cohort, Enrolment
from scheduling.models import Attendance, Session

from .models import MaterialProgress
from .selectors import course_for_cohort

AT_RISK_ATTENDANCE = 0.8
AT_RISK_GRACE_DAYS = 14
ATTENDED = (Attendance.Status.PRESENT, Attendance.Status.LATE)


@dataclass(frozen=True)
class RiskSummary:
    enrolment: Enrolment
    sessions_held: int
    sessions_attended: int
    overdue_required: int

    @property
    def at_risk(self) -> bool:
        behind_on_attendance = (
            self.sessions_held > 0
            and self.sessions_attended < AT_RISK_ATTENDANCE * self.sessions_held
        )
        return behind_on_attendance or self.overdue_required > 0


def risk_summaries_for_cohort(cohort: Cohort, *, now=None) -> list[RiskSummary]:
    """A summary per active enrolment of `cohort`, in a fixed number of queries."""
    now = now or timezone.now()
    overdue_day = timezone.localdate(now) - dt.timedelta(days=AT_RISK_GRACE_DAYS)
    course = course_for_cohort(cohort, today=overdue_day)
    overdue_ids = [
        item.material.pk for entry in course.modules if entry.is_open for item in entry.required
    ]
    held = Session.objects.filter(
        cohort=cohort, ends_at__lte=now, status=Session.Status.SCHEDULED
    ).values_list("pk", flat=True)
    held_ids = list(held)
    enrolments = (
        Enrolment.objects.filter(cohort=cohort, status=Enrolment.Status.ACTIVE)
        .select_related("user")
        .order_by("user__full_name", "pk")
    )
    attended = dict(
        Attendance.objects.filter(session_id__in=held_ids, status__in=ATTENDED)
        .values("user_id")
        .annotate(count=Count("pk"))
        .values_list("user_id", "count")
    )
    done = dict(
        MaterialProgress.objects.filter(enrolment__cohort=cohort, material_id__in=overdue_ids)
        .values("enrolment_id")
        .annotate(count=Count("pk", filter=Q(material_id__in=overdue_ids)))
        .values_list("enrolment_id", "count")
    )
    return [
        RiskSummary(
            enrolment=enrolment,
            sessions_held=len(held_ids),
            sessions_attended=attended.get(enrolment.user_id, 0),
            overdue_required=len(overdue_ids) - done.get(enrolment.pk, 0),
        )
        for enrolment in enrolments
    ]


def enrolments_at_risk(cohort: Cohort, *, now=None) -> list[Enrolment]:
    return [summary.enrolment for summary in risk_summaries_for_cohort(cohort, now=now)
            if summary.at_risk]  # fmt: skip
