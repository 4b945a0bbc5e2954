"""A worker killed in the middle of a whole-cohort run: after a restart every
certificate is issued exactly once and none is lost."""

import time

import pytest
from django.core.files.storage import default_storage
from django.db import connection

from certificates import services
from certificates.models import Certificate, CertificateBatch
from tests.factories.accounts import FacilitatorFactory
from tests.factories.certificates import CompletedEnrolmentFactory
from tests.factories.cohorts import CohortFactory

PEOPLE = 60
# Short enough for a test: a render claimed by the dead worker is given up after the task
# timeout and a minute; a task lost with it is queued again after a minute.
WORKER_ENV = {"TASK_TIMEOUT": "10", "CERTIFICATE_LOST_TASK_MINUTES": "1"}


@pytest.fixture
def shared_media(monkeypatch, settings, tmp_path):
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    settings.MEDIA_ROOT = tmp_path / "data" / "media"


def _issued() -> int:
    return Certificate.objects.filter(status=Certificate.Status.ISSUED).count()


@pytest.mark.postgres_only
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the issue asks for this on PostgreSQL; SQLite runs the same code in other tests",
)
def test_killing_the_worker_mid_run_loses_nothing_and_doubles_nothing(shared_media, task_worker):
    # Restart the fixture's worker with short timeouts, as in the real run below.
    task_worker.stop()
    task_worker.start(**WORKER_ENV)
    cohort = CohortFactory(capacity=PEOPLE)
    facilitator = FacilitatorFactory()
    cohort.facilitators.add(facilitator)
    for _ in range(PEOPLE):
        CompletedEnrolmentFactory(cohort=cohort)

    batch = services.certificate_batch_create(cohort=cohort, requested_by=facilitator)
    task_worker.wait_for(lambda: _issued() >= 5, 120, "the run to get going")
    task_worker.kill()
    issued_at_kill = _issued()
    assert issued_at_kill < PEOPLE, "the run finished before the worker could be killed"

    time.sleep(1)
    task_worker.start(**WORKER_ENV)
    task_worker.wait_for(lambda: _issued() == PEOPLE, 300, "every certificate to be issued")

    certificates = Certificate.objects.filter(enrolment__cohort=cohort)
    assert certificates.count() == PEOPLE
    assert certificates.values("enrolment").distinct().count() == PEOPLE
    for certificate in certificates:
        assert certificate.rendered_revision == certificate.revision
        assert certificate.pdf
        assert default_storage.exists(certificate.pdf.name)
    assert len({c.pdf.name for c in certificates}) == PEOPLE
    task_worker.wait_for(
        lambda: CertificateBatch.objects.get(pk=batch.pk).finished_at is not None,
        60,
        "the run to be recorded as finished",
    )
