import datetime as dt

import pytest
from django.utils import timezone

from cohorts.models import Enrolment
from scheduling import services
from tests.factories.accounts import FacilitatorFactory
from tests.factories.cohorts import EnrolmentFactory
from tests.factories.scheduling import RunningCohortFactory, local_days_from_today


@pytest.fixture
def cohort(db):
    return RunningCohortFactory()


@pytest.fixture
def facilitator(cohort):
    person = FacilitatorFactory(full_name="Priya Shah")
    cohort.facilitators.add(person)
    return person


@pytest.fixture
def participants(cohort):
    return [EnrolmentFactory(cohort=cohort).user for _ in range(3)]


@pytest.fixture
def withdrawn(cohort):
    """Someone who left the cohort: no longer in its schedules, feeds or notices."""
    enrolment = EnrolmentFactory(cohort=cohort)
    Enrolment.objects.filter(pk=enrolment.pk).update(
        status=Enrolment.Status.WITHDRAWN, withdrawn_at=timezone.now()
    )
    return enrolment.user


def schedule(cohort, facilitator, **overrides):
    """A session through the service, with sensible defaults three days from now."""
    starts_at = overrides.pop("starts_at", local_days_from_today(3, 10))
    values = {
        "cohort": cohort,
        "actor": facilitator,
        "title": "Leading change",
        "kind": "workshop",
        "starts_at": starts_at,
        "ends_at": overrides.pop("ends_at", starts_at + dt.timedelta(hours=2)),
        "facilitators": [facilitator],
        "joining_link": "https://meet.example.org/leading-change",
    }
    values.update(overrides)
    return services.session_schedule(**values)
