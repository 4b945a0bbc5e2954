from dataclasses import dataclass

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.files.base import ContentFile
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from academy.models import Reflection
from accounts.services import role_invitation_create
from announcements.services import announcement_send
from api.services import api_token_create
from cohorts.models import Application, ApplicationAnswer, Cohort, EqualityReceipt
from privacy.models import DataExport
from scheduling.models import SessionReminder
from scheduling.services import calendar_feed_reset
from tests.factories.academy import MaterialProgressFactory
from tests.factories.accounts import (
    AdminFactory,
    FacilitatorFactory,
    OrganisationFactory,
    UserFactory,
)
from tests.factories.certificates import IssuedCertificateFactory
from tests.factories.cohorts import (
    CohortFactory,
    EnrolmentFactory,
    QuestionFactory,
    make_application,
    make_nomination,
)
from tests.factories.scheduling import AttendanceFactory, SessionFactory


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Export ZIPs and certificate PDFs of each test go to its own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@dataclass
class Person:
    user: object
    email: str
    full_name: str
    answer: str
    open_application: Application
    certificate: object
    running_cohort: Cohort


@pytest.fixture
def person(db) -> Person:
    """Someone with data in most of the register: the state a long-time participant is in."""
    organisation = OrganisationFactory(name="Carreg County Council")
    user = UserFactory(
        email="ceri.owen@example.org",
        full_name="Ceri Owen",
        organisation=organisation,
        job_title="Head of Digital",
    )
    # An application in review, with an answer.
    cohort = CohortFactory()
    application = make_application(cohort=cohort, applicant=user)
    question = QuestionFactory(question_set__programme=cohort.programme)
    ApplicationAnswer.objects.create(
        application=application, question=question, value="I lead Carreg's digital team."
    )
    # A place on a running cohort, with progress and attendance.
    running = CohortFactory(status=Cohort.Status.RUNNING, capacity=5)
    enrolment = EnrolmentFactory(cohort=running, user=user)
    MaterialProgressFactory(enrolment=enrolment, material__module__programme=running.programme)
    session = SessionFactory(cohort=running)
    AttendanceFactory(session=session, user=user)
    Reflection.objects.create(enrolment=enrolment, text="What Ceri learnt at Carreg")
    # Last year's completed cohort and its certificate.
    certificate = IssuedCertificateFactory(enrolment__user=user)
    # A nomination by a sponsor, a calendar feed, an authenticator, a sign-in record.
    make_nomination(email=user.email, nominee_name="Ceri Owen", reason="Ceri is ready.")
    calendar_feed_reset(user=user)
    api_token_create(user=user, name="Ceri's spreadsheet")
    TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)
    AccessLog.objects.create(
        username=user.email,
        ip_address="192.0.2.7",
        user_agent="Firefox",
        attempt_time=timezone.now(),
    )
    EqualityReceipt.objects.create(cohort=cohort, user=user)
    AccessAttempt.objects.create(
        username=user.email, ip_address="192.0.2.7", failures_since_start=1
    )
    AccessFailureLog.objects.create(username=user.email, ip_address="192.0.2.7")
    export = DataExport(user=user, status=DataExport.Status.FAILED)
    export.file.save("old.zip", ContentFile(b"an earlier export"), save=True)
    # An announcement to the running cohort, a reminder, a role invitation, a back-office
    # log line about the account.
    facilitator = FacilitatorFactory()
    running.facilitators.add(facilitator)
    announcement_send(
        cohort=running, author=facilitator, audience="everyone", subject="Welcome", body="Hello"
    )
    SessionReminder.objects.create(session=session, user=user, starts_at=session.starts_at)
    role_invitation_create(
        email=user.email,
        full_name=user.full_name,
        role="facilitator",
        organisation=None,
        actor=AdminFactory(),
    )
    LogEntry.objects.log_actions(
        user_id=facilitator.pk, queryset=[user], action_flag=CHANGE, change_message="Name"
    )
    return Person(
        user=user,
        email=user.email,
        full_name=user.full_name,
        answer="I lead Carreg's digital team.",
        open_application=application,
        certificate=certificate,
        running_cohort=running,
    )
