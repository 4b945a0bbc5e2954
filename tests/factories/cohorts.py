import datetime as dt

import factory
from django.utils import timezone

from cohorts.models import Cohort, Enrolment

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
