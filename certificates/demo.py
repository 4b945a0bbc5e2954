"""Demo certificates: a Leadership Academy cohort that finished last year.

Sam Taylor (participant@example.org) and Grace Adeyemi hold issued certificates;
Daniel Hughes has completed but has no certificate yet, so a facilitator can issue one.
The PDFs are made here, synchronously, so the demo works before a worker has run.
"""

from cohorts.models import Enrolment
from cohorts.services import enrolment_create

from . import services
from .models import Certificate

COMPLETED = ["participant@example.org", "grace.adeyemi@example.org", "daniel.hughes@example.org"]
WITH_CERTIFICATE = ["participant@example.org", "grace.adeyemi@example.org"]


def seed(*, cohorts, people) -> list[Certificate]:
    # Imported here: only the demo and the worker load WeasyPrint.
    from .pdf import render_pdf

    # Made by cohorts.demo with the other cohorts; completed last year.
    cohort = cohorts["la-last-year"]
    ends_on = cohort.ends_on

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
