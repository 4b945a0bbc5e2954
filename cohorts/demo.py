"""Demo cohorts for both programmes, in each state a visitor or participant meets."""

import datetime as dt

from django.utils import timezone

from .models import Cohort, Enrolment
from .services import enrolment_create


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def seed(*, programmes, people) -> dict[str, Cohort]:
    today = timezone.localdate()
    year = today.year
    la = programmes["leadership-academy"]
    ewdw = programmes["empowering-women-in-a-digital-world"]
    facilitator = people["facilitator@example.org"]
    coach = people["facilitator2@example.org"]

    specs = {
        "la-running": dict(
            programme=la,
            title=f"Leadership Academy {year}: Autumn cohort",
            intake_year=year,
            status=Cohort.Status.RUNNING,
            starts_on=today - dt.timedelta(days=42),
            ends_on=today + dt.timedelta(days=120),
            capacity=24,
            delivery_mode=Cohort.DeliveryMode.BLENDED,
            venue="Cardiff and online",
            sponsor_approval_required=True,
            per_organisation_cap=4,
            applications_open_at=_at(today - dt.timedelta(days=120), 9),
            applications_close_at=_at(today - dt.timedelta(days=60), 17),
            facilitators=[facilitator, coach],
        ),
        "la-open": dict(
            programme=la,
            title=f"Leadership Academy {year + 1}: Spring cohort",
            intake_year=year + 1,
            status=Cohort.Status.OPEN,
            starts_on=today + dt.timedelta(days=75),
            ends_on=today + dt.timedelta(days=250),
            capacity=24,
            delivery_mode=Cohort.DeliveryMode.BLENDED,
            venue="Manchester and online",
            sponsor_approval_required=True,
            per_organisation_cap=4,
            applications_open_at=_at(today - dt.timedelta(days=14), 9),
            applications_close_at=_at(today + dt.timedelta(days=40), 17),
            facilitators=[facilitator],
        ),
        "ewdw-running": dict(
            programme=ewdw,
            title=f"Empowering Women in a Digital World {year}: Cohort 2",
            intake_year=year,
            status=Cohort.Status.RUNNING,
            starts_on=today - dt.timedelta(days=28),
            ends_on=today + dt.timedelta(days=90),
            capacity=12,
            delivery_mode=Cohort.DeliveryMode.ONLINE,
            venue="",
            applications_open_at=_at(today - dt.timedelta(days=100), 9),
            applications_close_at=_at(today - dt.timedelta(days=40), 17),
            facilitators=[facilitator],
        ),
        "ewdw-open": dict(
            programme=ewdw,
            title=f"Empowering Women in a Digital World {year + 1}: Cohort 1",
            intake_year=year + 1,
            status=Cohort.Status.OPEN,
            starts_on=today + dt.timedelta(days=60),
            ends_on=today + dt.timedelta(days=180),
            capacity=12,
            delivery_mode=Cohort.DeliveryMode.IN_PERSON,
            venue="Edinburgh",
            applications_open_at=_at(today - dt.timedelta(days=7), 9),
            applications_close_at=_at(today + dt.timedelta(days=30), 17),
            facilitators=[facilitator, coach],
        ),
    }
    cohorts = {}
    for key, spec in specs.items():
        spec = dict(spec)
        facilitators = spec.pop("facilitators")
        cohort, _ = Cohort.objects.update_or_create(
            programme=spec.pop("programme"), title=spec.pop("title"), defaults=spec
        )
        cohort.facilitators.set(facilitators)
        cohorts[key] = cohort

    places = {
        "la-running": [
            "participant@example.org",
            "rhiannon.price@example.org",
            "daniel.hughes@example.org",
            "grace.adeyemi@example.org",
            "mairi.campbell@example.org",
        ],
        "ewdw-running": [
            "participant2@example.org",
            "lucy.chen@example.org",
            "anna.kowalska@example.org",
        ],
        "ewdw-open": ["rhiannon.price@example.org"],
    }
    for key, emails in places.items():
        for email in emails:
            if not Enrolment.objects.filter(cohort=cohorts[key], user=people[email]).exists():
                enrolment_create(cohort=cohorts[key], user=people[email])
    return cohorts
