"""Races with the cohort's settings and status: real threads, each with its own
connection. The cohort's row lock makes a capacity cut and decisions queue, so the
count never passes capacity and a refusal is the readable one; a status moves once
however many hands (and workers) push it."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from audit.models import AuditEntry
from cohorts import services
from cohorts.models import Application, Cohort
from core.errors import ApplicationError
from tests.factories.accounts import AdminFactory
from tests.factories.cohorts import CohortFactory, make_application

from .helpers import assert_places_add_up, run_at_once

pytestmark = pytest.mark.django_db(transaction=True)
State = Application.State


def test_a_capacity_cut_racing_acceptances_never_oversells():
    cohort = CohortFactory(capacity=10)
    admin = AdminFactory()
    applications = [make_application(cohort=cohort, state=State.IN_REVIEW) for _ in range(10)]

    def accept(application):
        return lambda: services.application_accept(application=application, actor=admin)

    def cut():
        services.cohort_update(cohort=cohort, actor=admin, capacity=5)

    errors = run_at_once([cut, *(accept(application) for application in applications)])

    # The only possible refusal is the readable one: the cut came after more than five
    # places were taken. Never a database error.
    assert all(isinstance(error, ValidationError) for error in errors), errors
    for error in errors:
        assert "so the cohort needs at least" in error.message_dict["capacity"][0]
    cohort.refresh_from_db()
    assert_places_add_up(cohort)
    accepted = Application.objects.filter(cohort=cohort, state=State.ACCEPTED).count()
    assert accepted == cohort.places_taken <= cohort.capacity
    if errors:
        assert cohort.capacity == 10
    else:
        assert (cohort.capacity, accepted) == (5, 5)


def test_a_status_pushed_by_hand_and_by_the_schedule_at_once_moves_once():
    now = timezone.now()
    cohort = CohortFactory(
        status=Cohort.Status.OPEN,
        applications_open_at=now - dt.timedelta(days=10),
        applications_close_at=now - dt.timedelta(minutes=1),
    )
    admin = AdminFactory()
    moved = []

    def by_hand():
        services.cohort_close(cohort=cohort, actor=admin)

    def on_schedule():
        moved.extend(services.cohort_advance_on_dates())

    errors = run_at_once([by_hand, on_schedule, on_schedule])

    cohort.refresh_from_db()
    assert cohort.status == Cohort.Status.CLOSED
    assert AuditEntry.objects.filter(action="cohort.status_changed").count() == 1
    # Whoever came second was told, or found nothing to do.
    assert all(isinstance(error, ApplicationError) for error in errors), errors
    assert len(moved) + (1 - len(errors)) == 1
