"""Every API list takes the same number of queries for 1 row as for 50."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from tests.factories.academy import ProgrammeFactory
from tests.factories.accounts import FacilitatorFactory, SponsorFactory, UserFactory
from tests.factories.api import make_token
from tests.factories.certificates import CompletedEnrolmentFactory, IssuedCertificateFactory
from tests.factories.cohorts import (
    CohortFactory,
    EnrolmentFactory,
    make_application,
    make_nomination,
)
from tests.factories.scheduling import RunningCohortFactory, SessionFactory

V1 = "/api/v1"


def _client(user):
    client = APIClient()
    if user is not None:
        raw, _ = make_token(user)
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def programmes():
    return None, f"{V1}/programmes/", ProgrammeFactory


def cohorts():
    return None, f"{V1}/cohorts/", CohortFactory


def applications():
    facilitator = FacilitatorFactory()
    cohort = CohortFactory(capacity=100)
    cohort.facilitators.add(facilitator)
    return facilitator, f"{V1}/applications/", lambda: make_application(cohort=cohort)


def nominations():
    sponsor = SponsorFactory()
    cohort = CohortFactory(capacity=100)
    return sponsor, f"{V1}/nominations/", lambda: make_nomination(cohort=cohort, sponsor=sponsor)


def sessions():
    participant = UserFactory()
    cohort = RunningCohortFactory()
    EnrolmentFactory(cohort=cohort, user=participant)
    return participant, f"{V1}/sessions/", lambda: SessionFactory(cohort=cohort)


def attendance():
    facilitator = FacilitatorFactory()
    session = SessionFactory(facilitators=[facilitator])
    url = f"{V1}/sessions/{session.pk}/attendance/"
    return facilitator, url, lambda: EnrolmentFactory(cohort=session.cohort)


def own_progress():
    participant = UserFactory()
    return participant, f"{V1}/progress/", lambda: EnrolmentFactory(user=participant)


def cohort_progress():
    facilitator = FacilitatorFactory()
    cohort = RunningCohortFactory()
    cohort.facilitators.add(facilitator)
    SessionFactory(cohort=cohort)
    url = f"{V1}/cohorts/{cohort.pk}/progress/"
    return facilitator, url, lambda: EnrolmentFactory(cohort=cohort)


def organisation_progress():
    sponsor = SponsorFactory()
    return (
        sponsor,
        f"{V1}/organisation/progress/",
        lambda: EnrolmentFactory(user=UserFactory(organisation=sponsor.organisation)),
    )


def certificates():
    facilitator = FacilitatorFactory()
    cohort = CohortFactory(status="completed", capacity=100)
    cohort.facilitators.add(facilitator)
    return (
        facilitator,
        f"{V1}/certificates/",
        lambda: IssuedCertificateFactory(enrolment=CompletedEnrolmentFactory(cohort=cohort)),
    )


@pytest.mark.parametrize(
    "arrange",
    [
        programmes,
        cohorts,
        applications,
        nominations,
        sessions,
        attendance,
        own_progress,
        cohort_progress,
        organisation_progress,
        certificates,
    ],
)
def test_lists_take_the_same_queries_for_one_row_or_fifty(db, django_assert_num_queries, arrange):
    user, url, add_row = arrange()
    client = _client(user)
    add_row()
    client.get(url)  # the token's first use is written once; later uses within a minute not
    with CaptureQueriesContext(connection) as one:
        response = client.get(url, {"page_size": 100})
    assert response.json()["count"] == 1
    for _ in range(49):
        add_row()
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(url, {"page_size": 100})
    assert response.json()["count"] == 50
    assert len(response.json()["results"]) == 50
