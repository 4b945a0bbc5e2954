"""A small world for the API tests: two organisations, two cohorts, one of each role."""

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from academy.models import MaterialProgress
from cohorts.models import Application, Cohort
from scheduling.models import Attendance
from tests.factories.academy import MaterialFactory, ModuleFactory, ProgrammeFactory
from tests.factories.accounts import (
    AdminFactory,
    FacilitatorFactory,
    OrganisationFactory,
    SponsorFactory,
    UserFactory,
)
from tests.factories.api import make_token
from tests.factories.certificates import CompletedEnrolmentFactory, IssuedCertificateFactory
from tests.factories.cohorts import (
    CohortFactory,
    EnrolmentFactory,
    make_application,
    make_nomination,
)
from tests.factories.scheduling import RunningCohortFactory, SessionFactory, local_days_from_today


@dataclass
class World:
    org_a: object
    org_b: object
    admin: object
    facilitator: object
    other_facilitator: object
    sponsor_a: object
    sponsor_b: object
    participant_a: object
    participant_b: object
    applicant: object
    programme: object
    running_a: Cohort
    running_b: Cohort
    open_cohort: Cohort
    session_a: object
    session_b: object
    application_a: Application
    application_b: Application
    nomination_a: object
    nomination_b: object
    certificate_a: object
    certificate_b: object


@pytest.fixture
def world(db):
    org_a = OrganisationFactory(name="Afonwen County Council")
    org_b = OrganisationFactory(name="Eastmere NHS Trust")
    facilitator = FacilitatorFactory()
    other_facilitator = FacilitatorFactory()
    programme = ProgrammeFactory()
    running_a = RunningCohortFactory(programme=programme)
    running_a.facilitators.add(facilitator)
    running_b = RunningCohortFactory(programme=programme)
    running_b.facilitators.add(other_facilitator)
    open_cohort = CohortFactory(programme=programme, capacity=5)
    open_cohort.facilitators.add(facilitator)
    participant_a = UserFactory(organisation=org_a)
    participant_b = UserFactory(organisation=org_b)
    enrolment_a = EnrolmentFactory(cohort=running_a, user=participant_a)
    EnrolmentFactory(cohort=running_b, user=participant_b)
    past = local_days_from_today(-7)
    session_a = SessionFactory(
        cohort=running_a, starts_at=past, ends_at=past + dt.timedelta(hours=2),
        facilitators=[facilitator],
    )  # fmt: skip
    session_b = SessionFactory(
        cohort=running_b, starts_at=past, ends_at=past + dt.timedelta(hours=2),
        facilitators=[other_facilitator],
    )  # fmt: skip
    Attendance.objects.create(
        session=session_a, user=participant_a, status=Attendance.Status.PRESENT,
        recorded_by=facilitator,
    )  # fmt: skip
    material = MaterialFactory(module=ModuleFactory(programme=programme, is_published=True))
    MaterialProgress.objects.create(enrolment=enrolment_a, material=material)
    sponsor_a = SponsorFactory(organisation=org_a)
    sponsor_b = SponsorFactory(organisation=org_b)
    applicant = UserFactory(organisation=org_a)
    application_a = make_application(cohort=open_cohort, applicant=applicant)
    application_b = make_application(cohort=open_cohort, applicant=UserFactory(organisation=org_b))
    completed = CohortFactory(
        programme=programme,
        status=Cohort.Status.COMPLETED,
        starts_on=timezone.localdate() - dt.timedelta(days=200),
        ends_on=timezone.localdate() - dt.timedelta(days=20),
    )
    completed.facilitators.add(facilitator)
    other_completed = CohortFactory(
        programme=programme,
        status=Cohort.Status.COMPLETED,
        starts_on=timezone.localdate() - dt.timedelta(days=200),
        ends_on=timezone.localdate() - dt.timedelta(days=20),
    )
    other_completed.facilitators.add(other_facilitator)
    certificate_a = IssuedCertificateFactory(
        enrolment=CompletedEnrolmentFactory(cohort=completed, user=participant_a)
    )
    certificate_b = IssuedCertificateFactory(
        enrolment=CompletedEnrolmentFactory(cohort=other_completed, user=participant_b)
    )
    return World(
        org_a=org_a,
        org_b=org_b,
        admin=AdminFactory(),
        facilitator=facilitator,
        other_facilitator=other_facilitator,
        sponsor_a=sponsor_a,
        sponsor_b=sponsor_b,
        participant_a=participant_a,
        participant_b=participant_b,
        applicant=applicant,
        programme=programme,
        running_a=running_a,
        running_b=running_b,
        open_cohort=open_cohort,
        session_a=session_a,
        session_b=session_b,
        application_a=application_a,
        application_b=application_b,
        nomination_a=make_nomination(cohort=open_cohort, sponsor=sponsor_a),
        nomination_b=make_nomination(cohort=open_cohort, sponsor=sponsor_b),
        certificate_a=certificate_a,
        certificate_b=certificate_b,
    )


@pytest.fixture
def api_as():
    """A client that sends a real API token of `user` (anonymous with None)."""

    def client_for(user):
        client = APIClient()
        if user is not None:
            raw, _ = make_token(user)
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
        return client

    return client_for
