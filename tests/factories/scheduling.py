import datetime as dt

import factory
from django.utils import timezone

from cohorts.models import Cohort
from scheduling.models import Attendance, Session, venue_key

from .accounts import FacilitatorFactory
from .cohorts import CohortFactory


def london(year, month, day, hour=10, minute=0) -> dt.datetime:
    """An aware datetime for a wall-clock time in UK time."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=timezone.get_default_timezone())


def local_days_from_today(days: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return london(day.year, day.month, day.day, hour, minute)


class RunningCohortFactory(CohortFactory):
    """A cohort under way: it started two months ago and runs for four more."""

    status = Cohort.Status.RUNNING
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=60))
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=120))
    capacity = 100


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session
        skip_postgeneration_save = True

    cohort = factory.SubFactory(RunningCohortFactory)
    title = factory.Sequence(lambda n: f"Session {n}")
    kind = Session.Kind.WORKSHOP
    starts_at = factory.LazyFunction(lambda: local_days_from_today(3))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=2))
    venue = ""
    venue_key = factory.LazyAttribute(lambda o: venue_key(o.venue))
    joining_link = "https://meet.example.org/academy/session"

    @factory.post_generation
    def facilitators(obj, create, extracted, **kwargs):
        if not create:
            return
        obj.facilitators.set(extracted if extracted is not None else [FacilitatorFactory()])


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendance

    session = factory.SubFactory(SessionFactory)
    status = Attendance.Status.PRESENT
