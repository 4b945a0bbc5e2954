import datetime as dt

import pytest
from django.utils import timezone

from academy.models import Material, MaterialProgress, Module
from academy.risk import enrolments_at_risk, risk_summaries_for_cohort
from scheduling.models import Attendance, Session
from tests.factories.accounts import UserFactory
from tests.factories.cohorts import CohortFactory, EnrolmentFactory


@pytest.fixture
def cohort(db):
    today = timezone.localdate()
    return CohortFactory(
        status="running",
        starts_on=today - dt.timedelta(days=60),
        ends_on=today + dt.timedelta(days=60),
        applications_open_at=timezone.now() - dt.timedelta(days=100),
        applications_close_at=timezone.now() - dt.timedelta(days=70),
    )


def _session(cohort, days_ago, status="scheduled"):
    start = timezone.now() - dt.timedelta(days=days_ago)
    return Session.objects.create(
        cohort=cohort,
        title=f"Session {days_ago}",
        kind="workshop",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        joining_link="https://meet.example.org/x",
        status=status,
    )


def _required_material(cohort, opened_days_ago):
    module = Module.objects.create(
        programme=cohort.programme,
        title=f"Module {opened_days_ago}",
        position=Module.objects.count() + 1,
        release_rule="days_after_start",
        release_after_days=60 - opened_days_ago,
        is_published=True,
    )
    return Material.objects.create(
        module=module, kind="page", title="Read", body="x", position=1, is_required=True,
        is_published=True, estimated_minutes=10,
    )  # fmt: skip


def test_attendance_below_the_threshold_puts_someone_at_risk(cohort):
    keen, absent = EnrolmentFactory(cohort=cohort), EnrolmentFactory(cohort=cohort)
    sessions = [_session(cohort, days) for days in (30, 20, 10, 5, 2)]
    _session(cohort, 1, status="cancelled")  # not counted
    for session in sessions:
        Attendance.objects.create(session=session, user=keen.user, status="present")
    for session in sessions[:3]:
        Attendance.objects.create(session=session, user=absent.user, status="late")
    assert enrolments_at_risk(cohort) == [absent]
    summary = {s.enrolment: s for s in risk_summaries_for_cohort(cohort)}[absent]
    assert (summary.sessions_held, summary.sessions_attended) == (5, 3)


def test_required_material_overdue_after_the_grace_period(cohort):
    done, behind = EnrolmentFactory(cohort=cohort), EnrolmentFactory(cohort=cohort)
    overdue = _required_material(cohort, opened_days_ago=20)
    _required_material(cohort, opened_days_ago=5)  # still within the grace period
    MaterialProgress.objects.create(enrolment=done, material=overdue)
    assert enrolments_at_risk(cohort) == [behind]


def test_nobody_is_at_risk_before_anything_is_due(cohort):
    EnrolmentFactory(cohort=cohort, user=UserFactory())
    assert enrolments_at_risk(cohort) == []
