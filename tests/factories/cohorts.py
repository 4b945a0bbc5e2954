import datetime as dt

import factory
from django.utils import timezone

from cohorts.models import Application, Cohort, Enrolment, Nomination, Question, QuestionSet

from .academy import ProgrammeFactory
from .accounts import UserFactory


class CohortFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cohort

    programme = factory.SubFactory(ProgrammeFactory)
    title = factory.Sequence(lambda n: f"Cohort {n}")
    intake_year = 2027
    status = Cohort.Status.OPEN
    starts_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=30))
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=120))
    capacity = 10
    applications_open_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1))
    applications_close_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=20))


class EnrolmentFactory(factory.django.DjangoModelFactory):
    """An enrolment made through the service, so the cohort's places stay right."""

    class Meta:
        model = Enrolment

    cohort = factory.SubFactory(CohortFactory, status=Cohort.Status.RUNNING)
    user = factory.SubFactory(UserFactory)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from cohorts.services import enrolment_create

        return enrolment_create(cohort=kwargs["cohort"], user=kwargs["user"])


class QuestionSetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuestionSet

    programme = factory.SubFactory(ProgrammeFactory)


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    question_set = factory.SubFactory(QuestionSetFactory)
    position = factory.Sequence(int)
    text = factory.Sequence(lambda n: f"Question {n}?")
    kind = Question.Kind.LONG_TEXT
    required = True


def make_application(
    *,
    cohort=None,
    applicant=None,
    state: str = Application.State.IN_REVIEW,
    organisation=None,
    reviewer=None,
) -> Application:
    """An application brought to `state` through the services (so places stay right).

    Reaching accepted, enrolled or waitlisted depends on the places free, as it would
    for real: the caller arranges the cohort.
    """
    from cohorts import services

    State = Application.State
    cohort = cohort or CohortFactory()
    applicant = applicant or UserFactory(organisation=organisation)
    reviewer = reviewer or UserFactory(role="admin")
    application = services.application_save(
        applicant=applicant,
        cohort=cohort,
        organisation=organisation if organisation is not None else applicant.organisation,
        job_title="Head of digital",
        answers={},
        submit=state != State.DRAFT,
    )
    if application.state == State.AWAITING_SPONSOR and state != State.AWAITING_SPONSOR:
        application = services.application_review_without_endorsement(
            application=application, actor=reviewer, reason="Sponsor away."
        )
    steps = {
        State.DRAFT: [],
        State.SUBMITTED: [],
        State.AWAITING_SPONSOR: [],
        State.IN_REVIEW: ["review"] if application.state == State.SUBMITTED else [],
        State.ACCEPTED: ["accept"],
        State.ENROLLED: ["accept", "confirm"],
        State.WAITLISTED: ["waitlist"],
        State.REJECTED: ["reject"],
        State.WITHDRAWN: ["withdraw"],
        State.OFFER_EXPIRED: ["accept", "expire"],
    }[state]
    for step in steps:
        if step == "confirm":
            services.application_confirm_place(application=application, actor=applicant)
        elif step == "withdraw":
            services.application_withdraw(application=application, actor=applicant)
        elif step == "expire":
            Application.objects.filter(pk=application.pk).update(
                offer_expires_at=timezone.now() - dt.timedelta(minutes=1)
            )
            services.application_expire_offer(application=application)
        else:
            services.application_decide(
                application=application, decision=step, actor=reviewer, reason="Because."
            )
        application.refresh_from_db()
    assert application.state == state, (application.state, state)  # noqa: S101
    return application


def make_nomination(*, cohort=None, sponsor=None, email=None, **kwargs) -> Nomination:
    from cohorts import services

    from .accounts import SponsorFactory

    sponsor = sponsor or SponsorFactory()
    return services.nomination_create(
        cohort=cohort or CohortFactory(),
        nominee_name=kwargs.pop("nominee_name", "Nia Nominee"),
        nominee_email=email or f"nominee{Nomination.objects.count() + 1}@example.org",
        reason=kwargs.pop("reason", "Ready for a wider role."),
        nominated_by=sponsor,
        organisation=sponsor.organisation,
        **kwargs,
    )
