"""Demo certificates: a Leadership Academy cohort that finished last year.

Sam Taylor (participant@example.org) and Grace Adeyemi hold issued certificates;
Daniel Hughes has completed but has no certificate yet, so a facilitator can issue one.
The PDFs are made here, synchronously, so the demo works before a worker has run.
"""

import datetime as dt

from django.utils import timezone

from cohorts.models import Cohort, Enrolment
from cohorts.services import enrolment_create

from . import services
from .models import Certificate

COMPLETED = ["participant@example.org", "grace.adeyemi@example.org", "daniel.hughes@example.org"]
WITH_CERTIFICATE = ["participant@example.org", "grace.adeyemi@example.org"]


def seed(*, programmes, people) -> list[Certificate]:
    # Imported here: only the demo and the worker load WeasyPrint.
    from .pdf import render_pdf

    last_year = timezone.localdate().year - 1
    ends_on = dt.date(last_year, 7, 10)
    cohort, _ = Cohort.objects.update_or_create(
        programme=programmes["leadership-academy"],
        title=f"Leadership Academy {ends_on.year}: Spring cohort",
        defaults={
            "intake_year": ends_on.year,
            "status": Cohort.Status.COMPLETED,
            "starts_on": dt.date(last_year, 2, 3),
            "ends_on": ends_on,
            "capacity": 24,
            "delivery_mode": Cohort.DeliveryMode.BLENDED,
            "venue": "Birmingham and online",
        },
    )
    cohort.facilitators.set([people["facilitator@example.org"]])

    certificates = []
    for email in COMPLETED:
        enrolment = Enrolment.objects.filter(cohort=cohort, user=people[email]).first()
        if enrolment is None:
            enrolment = enrolment_create(cohort=cohort, user=people[email])
        if enrolment.status != Enrolment.Status.COMPLETED:
            # Completion rules arrive with progress tracking; the demo says so directly.
            enrolment.status = Enrolment.Status.COMPLETED
            enrolment.completed_on = ends_on
            enrolment.save(update_fields=["status", "completed_on"])
        if email not in WITH_CERTIFICATE:
            continue
        certificate = services.certificate_request_for_enrolment(enrolment=enrolment)
        services.certificate_render(
            certificate_id=certificate.pk, renderer=render_pdf, notify_holder=False
        )
        certificates.append(certificate)
    return certificates
