import datetime as dt

import factory
from django.utils import timezone

from certificates import services
from cohorts.models import Enrolment

from .cohorts import EnrolmentFactory

FAKE_PDF = b"%PDF-1.7\n% a stand-in for WeasyPrint's output in tests that do not read it\n"


def fake_renderer(html: str, *, design: str) -> bytes:
    """Fast bytes for tests about the workflow; tests/certificates/test_pdf.py renders."""
    return FAKE_PDF


class CompletedEnrolmentFactory(EnrolmentFactory):
    """An enrolment completed the way the progress work will complete it."""

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        enrolment = super()._create(model_class, *args, **kwargs)
        enrolment.status = Enrolment.Status.COMPLETED
        enrolment.completed_on = timezone.localdate() - dt.timedelta(days=3)
        enrolment.save(update_fields=["status", "completed_on"])
        return enrolment


class IssuedCertificateFactory(factory.Factory):
    """A certificate requested and rendered through the services (with fake PDF bytes)."""

    class Meta:
        model = dict  # built by the services below, not by factory_boy

    enrolment = factory.SubFactory(CompletedEnrolmentFactory)

    @classmethod
    def _create(cls, model_class, enrolment, renderer=fake_renderer, **kwargs):
        certificate = services.certificate_request_for_enrolment(enrolment=enrolment)
        services.certificate_render(
            certificate_id=certificate.pk, renderer=renderer, notify_holder=False
        )
        certificate.refresh_from_db()
        return certificate
