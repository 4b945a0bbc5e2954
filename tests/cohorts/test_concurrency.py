"""Races for places: real threads, each with its own connection, deciding at the same
moment. On PostgreSQL the cohort's row lock is what keeps the count right (remove the
`select_for_update` and the first test ends with 40 offers); on SQLite every write
transaction takes the database's write lock at BEGIN (IMMEDIATE), so the same tests
show that a small install cannot oversell either."""

import pytest
from django.test import Client
from django.urls import reverse

from cohorts import services
from cohorts.models import Application, ApplicationEvent
from tests.factories.accounts import AdminFactory
from tests.factories.cohorts import CohortFactory, make_application

from .helpers import assert_places_add_up, run_at_once

State = Application.State

pytestmark = pytest.mark.django_db(transaction=True)


def test_forty_acceptances_at_once_fill_ten_places_and_waitlist_the_rest_in_order():
    cohort = CohortFactory(capacity=10)
    reviewer = AdminFactory()
    applications = [make_application(cohort=cohort, state=State.IN_REVIEW) for _ in range(40)]
    signed_in = Client()
    signed_in.force_login(reviewer)
    responses = []

    def accept(application):
        def job():
            client = Client()
            client.cookies = signed_in.cookies
            response = client.post(
                reverse("cohorts:application-review", kwargs={"pk": application.pk}),
                {"decision": "accept", "reason": ""},
            )
            responses.append(response.status_code)

        return job

    errors = run_at_once([accept(application) for application in applications])

    assert errors == []
    # Every reviewer got the normal answer: a redirect back with a message, no error.
    assert responses == [302] * 40
    states = list(Application.objects.filter(cohort=cohort).values_list("state", flat=True))
    assert states.count(State.ACCEPTED) == 10
    assert states.count(State.WAITLISTED) == 30
    assert_places_add_up(cohort)
    assert cohort.places_taken == 10

    # Decisions were made one after another under the cohort's lock: the ten offers came
    # first, then the waitlist filled 1, 2, 3… in the order of the decisions.
    decisions = list(
        ApplicationEvent.objects.filter(
            application__cohort=cohort, to_state__in=[State.ACCEPTED, State.WAITLISTED]
        )
        .order_by("pk")
        .values_list("to_state", "application__waitlist_position")
    )
    assert [state for state, _ in decisions] == [State.ACCEPTED] * 10 + [State.WAITLISTED] * 30
    assert [position for _, position in decisions[10:]] == list(range(1, 31))


def test_withdrawals_and_acceptances_racing_never_oversell():
    cohort = CohortFactory(capacity=5)
    reviewer = AdminFactory()
    enrolled = [make_application(cohort=cohort, state=State.ENROLLED) for _ in range(5)]
    waiting = [make_application(cohort=cohort, state=State.WAITLISTED) for _ in range(5)]
    new = [make_application(cohort=cohort, state=State.IN_REVIEW) for _ in range(10)]

    jobs = [
        (lambda a=a: services.application_withdraw(application=a, actor=a.applicant))
        for a in enrolled
    ] + [(lambda a=a: services.application_accept(application=a, actor=reviewer)) for a in new]
    assert run_at_once(jobs) == []

    assert_places_add_up(cohort)
    assert cohort.places_taken == 5
    # Each freed place went, in the same transaction, to someone already waiting, so the
    # newcomers all found the cohort full and queued behind them.
    held = Application.objects.filter(cohort=cohort, state=State.ACCEPTED)
    assert set(held.values_list("pk", flat=True)) == {a.pk for a in waiting}
    still_waiting = Application.objects.filter(cohort=cohort, state=State.WAITLISTED)
    assert set(still_waiting.values_list("pk", flat=True)) == {a.pk for a in new}
