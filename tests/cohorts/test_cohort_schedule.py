"""Cohorts open, close and start on their dates: the service, run twice, and the schedule
made by the migration run by a real django-q2 worker."""

import datetime as dt

import pytest
from django.utils import timezone
from django_q.models import Schedule

from audit.models import AuditEntry
from cohorts import services, tasks
from cohorts.models import Cohort
from tests.factories.academy import ProgrammeFactory

Status = Cohort.Status
SCHEDULE = "cohorts: open, close and start cohorts on their dates"


def _cohorts():
    """One cohort due for each move, and one beside each that must stay as it is."""
    now = timezone.now()
    today = timezone.localdate()
    make = Cohort.objects.create
    common = {"intake_year": 2027, "capacity": 10, "programme_id": ProgrammeFactory().pk}
    window_open = {
        "applications_open_at": now - dt.timedelta(minutes=5),
        "applications_close_at": now + dt.timedelta(days=10),
    }
    dates = {"starts_on": today + dt.timedelta(days=20), "ends_on": today + dt.timedelta(days=90)}
    return {
        "ready": make(title="Ready", status=Status.DRAFT, opens_automatically=True,
                      **common, **window_open, **dates),
        "unfinished": make(title="Unfinished draft", status=Status.DRAFT, **common,
                           **window_open, **dates),
        "not-yet": make(title="Window not started", status=Status.DRAFT,
                        opens_automatically=True, **common, **dates,
                        applications_open_at=now + dt.timedelta(hours=1),
                        applications_close_at=now + dt.timedelta(days=10)),
        "missed": make(title="Window missed", status=Status.DRAFT, opens_automatically=True,
                       **common, **dates, applications_open_at=now - dt.timedelta(days=10),
                       applications_close_at=now - dt.timedelta(days=1)),
        "ending": make(title="Window ended", status=Status.OPEN, **common, **dates,
                       applications_open_at=now - dt.timedelta(days=30),
                       applications_close_at=now - dt.timedelta(minutes=1)),
        "taking": make(title="Still taking applications", status=Status.OPEN, **common,
                       **window_open, **dates),
        "starting": make(title="Starts today", status=Status.CLOSED, **common,
                         starts_on=today, ends_on=today + dt.timedelta(days=90),
                         applications_open_at=now - dt.timedelta(days=30),
                         applications_close_at=now - dt.timedelta(days=2)),
        "waiting": make(title="Starts next week", status=Status.CLOSED, **common,
                        starts_on=today + dt.timedelta(days=7),
                        ends_on=today + dt.timedelta(days=90),
                        applications_open_at=now - dt.timedelta(days=30),
                        applications_close_at=now - dt.timedelta(days=2)),
    }  # fmt: skip


def _statuses(cohorts) -> dict[str, str]:
    fresh = {c.pk: c.status for c in Cohort.objects.all()}
    return {key: fresh[cohort.pk] for key, cohort in cohorts.items()}


EXPECTED = {
    "ready": Status.OPEN,
    "unfinished": Status.DRAFT,
    "not-yet": Status.DRAFT,
    "missed": Status.DRAFT,
    "ending": Status.CLOSED,
    "taking": Status.OPEN,
    "starting": Status.RUNNING,
    "waiting": Status.CLOSED,
}


@pytest.mark.django_db
def test_only_cohorts_due_move_and_a_second_run_changes_nothing():
    cohorts = _cohorts()
    moved = services.cohort_advance_on_dates()
    assert sorted(moved) == sorted(
        [(cohorts["ready"].pk, "open"), (cohorts["ending"].pk, "close"),
         (cohorts["starting"].pk, "start")]
    )  # fmt: skip
    assert _statuses(cohorts) == EXPECTED
    entries = AuditEntry.objects.filter(action="cohort.status_changed")
    assert entries.count() == 3
    assert all(entry.actor is None for entry in entries)
    assert {entry.reason for entry in entries} == {
        "Opened on schedule: the application window started.",
        "Closed on schedule: the application window ended.",
        "Started on schedule: the cohort's start date came.",
    }
    assert not Cohort.objects.get(pk=cohorts["ready"].pk).opens_automatically

    assert tasks.advance_cohorts_on_dates() == 0
    assert _statuses(cohorts) == EXPECTED
    assert AuditEntry.objects.filter(action="cohort.status_changed").count() == 3


@pytest.mark.django_db
def test_a_cohort_whose_window_ended_and_start_came_closes_and_starts_in_one_run():
    now, today = timezone.now(), timezone.localdate()
    cohort = Cohort.objects.create(
        programme=ProgrammeFactory(),
        title="Left open",
        intake_year=2027,
        status=Status.OPEN,
        capacity=10,
        starts_on=today - dt.timedelta(days=1),
        ends_on=today + dt.timedelta(days=60),
        applications_open_at=now - dt.timedelta(days=40),
        applications_close_at=now - dt.timedelta(days=2),
    )
    assert services.cohort_advance_on_dates() == [(cohort.pk, "close"), (cohort.pk, "start")]
    cohort.refresh_from_db()
    assert cohort.status == Status.RUNNING


def test_the_real_worker_opens_closes_and_starts_cohorts_on_schedule(task_worker):
    cohorts = _cohorts()
    # The schedule (written after every migrate and flush) falls due.
    due = Schedule.objects.filter(name=SCHEDULE).update(
        next_run=timezone.now() - dt.timedelta(minutes=1)
    )
    assert due == 1

    task_worker.wait_for(lambda: _statuses(cohorts) == EXPECTED, 120, "the scheduled moves")
    assert AuditEntry.objects.filter(action="cohort.status_changed").count() == 3
    # The schedule goes on: next run in the future.
    task_worker.wait_for(
        lambda: Schedule.objects.get(name=SCHEDULE).next_run > timezone.now(),
        60,
        "the next run to be planned",
    )
