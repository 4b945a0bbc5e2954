"""Races that only PostgreSQL's row locks can show: SQLite lets one writer in at a time."""

import threading

import pytest
from django.db import connection, connections

from certificates import services
from certificates.models import Certificate, CertificateBatch, CertificateEvent
from tests.factories.certificates import CompletedEnrolmentFactory
from tests.factories.cohorts import CohortFactory

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite takes one writer at a time, so it cannot show concurrent issuing",
    ),
    pytest.mark.django_db(transaction=True),
]
THREADS = 6


def run_together(action) -> list[BaseException]:
    """Run `action` in THREADS threads released at the same moment; return their errors."""
    barrier = threading.Barrier(THREADS)
    errors = []

    def worker():
        try:
            barrier.wait()
            action()
        except BaseException as error:  # noqa: BLE001 - reported by the test
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def test_issuing_one_enrolment_from_many_threads_makes_one_certificate(queued):
    enrolment = CompletedEnrolmentFactory()
    errors = run_together(lambda: services.certificate_request_for_enrolment(enrolment=enrolment))
    assert errors == []
    assert Certificate.objects.filter(enrolment=enrolment).count() == 1
    assert CertificateEvent.objects.filter(kind=CertificateEvent.Kind.REQUESTED).count() == 1
    assert queued == [("certificates.tasks.certificate_render", Certificate.objects.get().pk)]


def test_rendering_one_certificate_in_many_workers_at_once_saves_one_pdf(
    queued, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    certificate = services.certificate_request_for_enrolment(enrolment=CompletedEnrolmentFactory())
    outcomes = []

    def render():
        outcomes.append(
            services.certificate_render(
                certificate_id=certificate.pk, renderer=lambda html, design: b"%PDF"
            )
        )

    assert run_together(render) == []
    assert sorted(outcomes).count("issued") == 1
    assert CertificateEvent.objects.filter(kind=CertificateEvent.Kind.ISSUED).count() == 1
    assert len(list((tmp_path / "certificates").iterdir())) == 1
    emails = [task for task in queued if task[0] == "certificates.tasks.certificate_email_issued"]
    assert len(emails) == 1


def test_many_clicks_on_issue_for_the_whole_cohort_start_one_run(queued):
    cohort = CohortFactory(capacity=5)
    CompletedEnrolmentFactory(cohort=cohort)
    errors = run_together(
        lambda: services.certificate_batch_create(cohort=cohort, requested_by=None)
    )
    assert errors == []
    assert CertificateBatch.objects.count() == 1
    assert [task[0] for task in queued] == ["certificates.tasks.certificate_batch_prepare"]
