import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from certificates import services
from certificates.models import Certificate, CertificateBatch, CertificateEvent
from cohorts.models import Enrolment
from core.errors import ApplicationError
from tests.factories.accounts import AdminFactory, FacilitatorFactory, UserFactory
from tests.factories.certificates import (
    FAKE_PDF,
    CompletedEnrolmentFactory,
    IssuedCertificateFactory,
    fake_renderer,
)
from tests.factories.cohorts import CohortFactory, EnrolmentFactory

pytestmark = pytest.mark.django_db
Status = Certificate.Status
Kind = CertificateEvent.Kind


def kinds(certificate):
    return list(certificate.events.values_list("kind", flat=True))


def failing_renderer(html, *, design):
    raise RuntimeError("WeasyPrint ran out of paper")


def render(certificate, renderer=fake_renderer, **kwargs):
    outcome = services.certificate_render(
        certificate_id=certificate.pk, renderer=renderer, **kwargs
    )
    certificate.refresh_from_db()
    return outcome


# --- Requesting ------------------------------------------------------------------------


def test_a_completed_enrolment_gets_a_pending_certificate_with_a_snapshot_and_a_queued_render(
    django_capture_on_commit_callbacks, queued
):
    enrolment = CompletedEnrolmentFactory(user__full_name="Ceri Williams")
    facilitator = FacilitatorFactory()

    with django_capture_on_commit_callbacks(execute=True):
        certificate = services.certificate_request_for_enrolment(
            enrolment=enrolment, requested_by=facilitator
        )

    assert certificate.status == Status.PENDING
    assert certificate.holder_name == "Ceri Williams"
    assert certificate.programme_name == enrolment.cohort.programme.name
    assert certificate.cohort_title == enrolment.cohort.title
    assert certificate.completed_on == enrolment.completed_on
    assert certificate.language == enrolment.user.preferred_language
    assert len(certificate.code) == 16
    assert queued == [("certificates.tasks.certificate_render", certificate.pk)]
    event = certificate.events.get()
    assert (event.kind, event.actor) == (Kind.REQUESTED, facilitator)


def test_requesting_again_returns_the_same_certificate_and_queues_nothing(
    django_capture_on_commit_callbacks, queued
):
    enrolment = CompletedEnrolmentFactory()
    first = services.certificate_request_for_enrolment(enrolment=enrolment)
    with django_capture_on_commit_callbacks(execute=True):
        second = services.certificate_request_for_enrolment(enrolment=enrolment)
    assert second.pk == first.pk
    assert second.code == first.code
    assert queued == []
    assert Certificate.objects.count() == 1


def test_the_database_refuses_a_second_certificate_for_an_enrolment():
    certificate = IssuedCertificateFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Certificate.objects.create(
            enrolment=certificate.enrolment,
            code="0" * 16,
            holder_name="x",
            programme_name="x",
            cohort_title="x",
            completed_on=timezone.localdate(),
            design="standard",
            language="en-gb",
        )


def test_an_enrolment_not_completed_gets_no_certificate():
    enrolment = EnrolmentFactory()
    with pytest.raises(ApplicationError, match="has not completed"):
        services.certificate_request_for_enrolment(enrolment=enrolment)
    assert not Certificate.objects.exists()


# --- Rendering ----------------------------------------------------------------------------


def test_rendering_issues_the_certificate_stores_the_pdf_and_emails_it_to_the_holder(
    django_capture_on_commit_callbacks,
):
    enrolment = CompletedEnrolmentFactory(user__email="holder@example.org")
    certificate = services.certificate_request_for_enrolment(enrolment=enrolment)

    with django_capture_on_commit_callbacks(execute=True):
        assert render(certificate) == "issued"

    assert certificate.status == Status.ISSUED
    assert certificate.issued_at is not None
    assert certificate.rendered_revision == certificate.revision == 1
    with default_storage.open(certificate.pdf.name) as stored:
        assert stored.read() == FAKE_PDF
    # The file's name is random, not derived from the code or the person.
    assert certificate.code not in certificate.pdf.name
    assert len(certificate.pdf.name) > len("certificates/.pdf") + 30
    assert kinds(certificate) == [Kind.REQUESTED, Kind.ISSUED]
    (message,) = mail.outbox
    assert message.to == ["holder@example.org"]
    assert certificate.display_code in message.body
    assert message.attachments == [
        (f"certificate-{certificate.display_code}.pdf", FAKE_PDF, "application/pdf")
    ]


def test_a_render_run_twice_renders_once_and_emails_once(django_capture_on_commit_callbacks):
    certificate = services.certificate_request_for_enrolment(enrolment=CompletedEnrolmentFactory())
    with django_capture_on_commit_callbacks(execute=True):
        render(certificate)
    name = certificate.pdf.name
    with django_capture_on_commit_callbacks(execute=True):
        assert render(certificate) == "nothing to do"
    assert certificate.pdf.name == name
    assert kinds(certificate).count(Kind.ISSUED) == 1
    assert len(mail.outbox) == 1


def test_a_render_claimed_by_another_worker_is_left_to_it():
    certificate = services.certificate_request_for_enrolment(enrolment=CompletedEnrolmentFactory())
    Certificate.objects.filter(pk=certificate.pk).update(
        render_claimed_until=timezone.now() + dt.timedelta(minutes=5)
    )
    assert render(certificate) == "another worker is making it"
    assert certificate.status == Status.PENDING


def test_a_failed_render_is_recorded_retried_by_the_sweep_and_reported_after_three_attempts(
    django_capture_on_commit_callbacks, queued
):
    certificate = services.certificate_request_for_enrolment(enrolment=CompletedEnrolmentFactory())

    assert render(certificate, failing_renderer) == "failed"
    assert certificate.status == Status.PENDING
    assert certificate.render_attempts == 1
    assert "ran out of paper" in certificate.last_error
    assert certificate.render_claimed_until is None

    # Not yet due: the sweep waits a minute before trying again.
    assert services.certificate_render_sweep() == 0
    Certificate.objects.filter(pk=certificate.pk).update(
        last_attempt_at=timezone.now() - dt.timedelta(minutes=2)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.certificate_render_sweep() == 1
    assert queued == [("certificates.tasks.certificate_render", certificate.pk)]

    render(certificate, failing_renderer)
    render(certificate, failing_renderer)
    assert certificate.status == Status.FAILED
    assert certificate.render_attempts == 3
    assert kinds(certificate)[-2:] == [Kind.RENDER_FAILED, Kind.GAVE_UP]
    assert render(certificate) == "nothing to do"  # until someone tries again

    services.certificate_retry(certificate=certificate, actor=FacilitatorFactory())
    assert render(certificate) == "issued"
    assert certificate.last_error == ""


def test_a_render_whose_worker_died_is_recorded_by_the_sweep_and_tried_again():
    certificate = services.certificate_request_for_enrolment(enrolment=CompletedEnrolmentFactory())
    past = timezone.now() - dt.timedelta(minutes=10)
    Certificate.objects.filter(pk=certificate.pk).update(
        render_attempts=1, last_attempt_at=past, render_claimed_until=past
    )
    assert services.certificate_render_sweep() == 1
    certificate.refresh_from_db()
    assert certificate.render_claimed_until is None
    assert "worker stopped" in certificate.last_error
    assert render(certificate) == "issued"


def test_a_render_task_lost_from_the_queue_is_queued_again_after_an_hour():
    certificate = services.certificate_request_for_enrolment(enrolment=CompletedEnrolmentFactory())
    assert services.certificate_render_sweep() == 0
    Certificate.objects.filter(pk=certificate.pk).update(
        requested_at=timezone.now() - dt.timedelta(hours=2)
    )
    assert services.certificate_render_sweep() == 1


# --- Re-issuing ---------------------------------------------------------------------------


def test_reissuing_after_a_name_correction_keeps_the_code_and_records_the_change(
    django_capture_on_commit_callbacks,
):
    certificate = IssuedCertificateFactory(enrolment__user__full_name="Sian Jonse")
    code, old_file = certificate.code, certificate.pdf.name
    holder = certificate.enrolment.user
    holder.full_name = "Siân Jones"
    holder.save(update_fields=["full_name"])
    admin = AdminFactory()

    with django_capture_on_commit_callbacks(execute=False) as queued:
        services.certificate_reissue(certificate=certificate, actor=admin, note="Typo")
    assert len(queued) == 1  # the render of the new revision
    certificate.refresh_from_db()
    assert certificate.holder_name == "Siân Jones"
    assert certificate.status == Status.ISSUED  # still valid while the new PDF is made
    assert certificate.revision == 2
    assert certificate.rendered_revision == 1
    event = certificate.events.get(kind=Kind.REISSUE_REQUESTED)
    assert event.actor == admin
    assert event.note == "Typo"
    assert event.details["changes"]["holder_name"] == ["Sian Jonse", "Siân Jones"]

    with django_capture_on_commit_callbacks(execute=True):
        assert render(certificate) == "re-issued"
    assert certificate.code == code
    assert certificate.pdf.name != old_file
    assert not default_storage.exists(old_file)
    assert "updated certificate" in mail.outbox[-1].subject
    assert mail.outbox[-1].attachments


def test_reissuing_with_nothing_changed_is_refused():
    certificate = IssuedCertificateFactory()
    with pytest.raises(ApplicationError, match="Nothing on this certificate has changed"):
        services.certificate_reissue(certificate=certificate, actor=AdminFactory())


# --- Revoking and reinstating --------------------------------------------------------------


def test_revoking_records_who_when_and_why_and_tells_the_holder(
    django_capture_on_commit_callbacks,
):
    certificate = IssuedCertificateFactory()
    facilitator = FacilitatorFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.certificate_revoke(
            certificate=certificate,
            actor=facilitator,
            reason=Certificate.RevocationReason.ISSUED_IN_ERROR,
            note="Completed the wrong cohort",
        )
    certificate.refresh_from_db()
    assert certificate.status == Status.REVOKED
    assert certificate.revoked_at is not None
    event = certificate.events.get(kind=Kind.REVOKED)
    assert (event.actor, event.reason, event.note) == (
        facilitator,
        "issued-in-error",
        "Completed the wrong cohort",
    )
    assert "has been revoked" in mail.outbox[-1].subject
    assert "Issued in error" in mail.outbox[-1].body


def test_revoking_needs_a_reason_and_a_note_and_an_issued_certificate():
    certificate = IssuedCertificateFactory()
    with pytest.raises(ValidationError):
        services.certificate_revoke(certificate=certificate, actor=None, reason="", note="x")
    with pytest.raises(ValidationError):
        services.certificate_revoke(
            certificate=certificate, actor=None, reason="misconduct", note=" "
        )
    services.certificate_revoke(
        certificate=certificate, actor=None, reason="misconduct", note="Plagiarism"
    )
    with pytest.raises(ApplicationError, match="already revoked"):
        services.certificate_revoke(
            certificate=certificate, actor=None, reason="misconduct", note="Again"
        )
    pending = services.certificate_request_for_enrolment(enrolment=CompletedEnrolmentFactory())
    with pytest.raises(ApplicationError, match="Only an issued"):
        services.certificate_revoke(
            certificate=pending, actor=None, reason="misconduct", note="Too early"
        )


def test_an_admin_reinstates_a_revoked_certificate_with_its_own_record(
    django_capture_on_commit_callbacks,
):
    certificate = IssuedCertificateFactory()
    services.certificate_revoke(
        certificate=certificate, actor=None, reason="other", note="Checking a complaint"
    )
    admin = AdminFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.certificate_reinstate(
            certificate=certificate, actor=admin, note="Complaint unfounded"
        )
    certificate.refresh_from_db()
    assert certificate.status == Status.ISSUED
    assert certificate.revoked_at is None
    assert certificate.revocation_reason == ""
    assert kinds(certificate)[-2:] == [Kind.REVOKED, Kind.REINSTATED]
    assert certificate.events.last().actor == admin
    assert "valid again" in mail.outbox[-1].subject


def test_the_database_keeps_a_revoked_certificate_dated_and_explained():
    certificate = IssuedCertificateFactory()
    certificate.status = Status.REVOKED
    with pytest.raises(IntegrityError), transaction.atomic():
        certificate.save(update_fields=["status"])


# --- Whole-cohort runs -----------------------------------------------------------------


def test_a_whole_cohort_run_issues_to_everyone_completed_without_one_and_counts_progress(
    django_capture_on_commit_callbacks, queued
):
    cohort = CohortFactory(capacity=10)
    completed = [CompletedEnrolmentFactory(cohort=cohort) for _ in range(3)]
    EnrolmentFactory(cohort=cohort)  # still on the programme
    IssuedCertificateFactory(enrolment=completed[0])
    facilitator = FacilitatorFactory()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        batch = services.certificate_batch_create(cohort=cohort, requested_by=facilitator)
    assert len(callbacks) == 1  # one task prepares the run, whatever the cohort's size
    assert services.certificate_batch_create(cohort=cohort, requested_by=facilitator) == batch

    with django_capture_on_commit_callbacks(execute=True):
        services.certificate_batch_prepare(batch_id=batch.pk)
    batch.refresh_from_db()
    assert (batch.total, batch.already_count, batch.done_count) == (2, 1, 0)
    assert batch.prepared_at is not None
    assert not batch.is_finished

    first, last = Certificate.objects.filter(batch=batch).order_by("pk")
    # One task renders the run's certificates, RENDER_GROUP at a time.
    assert queued == [("certificates.tasks.certificate_render", first.pk, last.pk)]
    render(first, notify_holder=False)
    batch.refresh_from_db()
    assert (batch.issued_count, batch.failed_count, batch.is_finished) == (1, 0, False)
    render(last, notify_holder=False)
    batch.refresh_from_db()
    assert (batch.issued_count, batch.failed_count) == (2, 0)
    assert batch.is_finished

    with pytest.raises(ApplicationError, match="already has a certificate"):
        services.certificate_batch_create(cohort=cohort, requested_by=facilitator)


def test_a_run_queues_its_certificates_in_groups_each_once(
    django_capture_on_commit_callbacks, queued, monkeypatch
):
    monkeypatch.setattr(services, "RENDER_GROUP", 2)
    cohort = CohortFactory(capacity=10)
    for _ in range(5):
        CompletedEnrolmentFactory(cohort=cohort)
    batch = services.certificate_batch_create(cohort=cohort, requested_by=None)
    with django_capture_on_commit_callbacks(execute=True):
        services.certificate_batch_prepare(batch_id=batch.pk)

    assert [task[0] for task in queued] == ["certificates.tasks.certificate_render"] * 3
    assert [len(task) - 1 for task in queued] == [2, 2, 1]
    queued_ids = [pk for task in queued for pk in task[1:]]
    assert sorted(queued_ids) == sorted(
        Certificate.objects.filter(batch=batch).values_list("pk", flat=True)
    )


def _run_of(people: int) -> list[Certificate]:
    cohort = CohortFactory(capacity=people)
    for _ in range(people):
        CompletedEnrolmentFactory(cohort=cohort)
    batch = services.certificate_batch_create(cohort=cohort, requested_by=None)
    services.certificate_batch_prepare(batch_id=batch.pk)
    return list(Certificate.objects.filter(batch=batch).order_by("pk"))


def test_a_group_is_issued_together_and_counted_in_its_run(
    queued, django_capture_on_commit_callbacks
):
    certificates = _run_of(3)
    with django_capture_on_commit_callbacks(execute=True):
        outcomes = services.certificate_render_group(
            certificate_ids=[each.pk for each in certificates], renderer=fake_renderer
        )
    assert outcomes == {each.pk: "issued" for each in certificates}
    for certificate in certificates:
        certificate.refresh_from_db()
        assert certificate.status == Status.ISSUED
        assert certificate.rendered_revision == certificate.revision == 1
        assert certificate.render_claimed_until is None
        with default_storage.open(certificate.pdf.name) as stored:
            assert stored.read() == FAKE_PDF
        assert kinds(certificate) == [Kind.REQUESTED, Kind.ISSUED]
    assert queued == [
        ("certificates.tasks.certificate_email_issued", each.pk) for each in certificates
    ]
    batch = certificates[0].batch
    batch.refresh_from_db()
    assert (batch.issued_count, batch.is_finished) == (3, True)


def test_a_group_costs_one_query_more_for_each_certificate_more(queued):
    def queries_to_render(certificates):
        with CaptureQueriesContext(connection) as queries:
            services.certificate_render_group(
                certificate_ids=[each.pk for each in certificates], renderer=fake_renderer
            )
        return len(queries)

    two, five = queries_to_render(_run_of(2)), queries_to_render(_run_of(5))
    assert five - two == 3  # each certificate's own UPDATE; claim, event and run are shared


def test_in_a_group_a_failure_a_claim_held_elsewhere_and_a_change_while_rendering_stay_apart(
    queued, django_capture_on_commit_callbacks
):
    failing, claimed_elsewhere, revoked_meanwhile, fine = _run_of(4)
    Certificate.objects.filter(pk=claimed_elsewhere.pk).update(
        render_claimed_until=timezone.now() + dt.timedelta(minutes=5)
    )

    def renderer(html, *, design):
        if failing.display_code in html:
            raise RuntimeError("WeasyPrint ran out of paper")
        if revoked_meanwhile.display_code in html:  # an admin re-issues it while this one renders
            Certificate.objects.filter(pk=revoked_meanwhile.pk).update(revision=2)
        return FAKE_PDF

    with django_capture_on_commit_callbacks(execute=True):
        outcomes = services.certificate_render_group(
            certificate_ids=[failing.pk, claimed_elsewhere.pk, revoked_meanwhile.pk, fine.pk],
            renderer=renderer,
        )
    assert outcomes == {
        failing.pk: "failed",
        claimed_elsewhere.pk: "another worker is making it",
        revoked_meanwhile.pk: "out of date",
        fine.pk: "issued",
    }
    for certificate in (failing, claimed_elsewhere, revoked_meanwhile, fine):
        certificate.refresh_from_db()
    assert failing.status == Status.PENDING
    assert failing.last_error == "RuntimeError: WeasyPrint ran out of paper"
    assert kinds(failing) == [Kind.REQUESTED, Kind.RENDER_FAILED]
    assert failing.render_claimed_until is None
    assert claimed_elsewhere.render_attempts == 0
    assert not claimed_elsewhere.pdf
    assert not revoked_meanwhile.pdf
    assert revoked_meanwhile.render_claimed_until is None
    assert revoked_meanwhile.rendered_revision == 0
    assert fine.status == Status.ISSUED
    assert queued == [("certificates.tasks.certificate_email_issued", fine.pk)]
    batch = fine.batch
    batch.refresh_from_db()
    assert (batch.issued_count, batch.failed_count, batch.is_finished) == (1, 0, False)


def test_a_run_finishes_when_its_last_certificate_fails():
    cohort = CohortFactory(capacity=10)
    CompletedEnrolmentFactory(cohort=cohort)
    batch = services.certificate_batch_create(cohort=cohort, requested_by=None)
    services.certificate_batch_prepare(batch_id=batch.pk)
    certificate = Certificate.objects.get(batch=batch)
    for _ in range(services.RENDER_ATTEMPTS):
        render(certificate, failing_renderer)
    batch.refresh_from_db()
    assert (batch.issued_count, batch.failed_count, batch.is_finished) == (0, 1, True)


def test_preparing_a_run_twice_counts_each_certificate_once():
    cohort = CohortFactory(capacity=10)
    CompletedEnrolmentFactory(cohort=cohort)
    batch = services.certificate_batch_create(cohort=cohort, requested_by=None)
    services.certificate_batch_prepare(batch_id=batch.pk)
    CertificateBatch.objects.filter(pk=batch.pk).update(prepared_at=None)  # as if it crashed
    services.certificate_batch_prepare(batch_id=batch.pk)
    batch.refresh_from_db()
    assert batch.total == 1


def test_the_database_allows_one_unfinished_run_per_cohort():
    cohort = CohortFactory()
    CertificateBatch.objects.create(cohort=cohort)
    with pytest.raises(IntegrityError), transaction.atomic():
        CertificateBatch.objects.create(cohort=cohort)


def test_a_holder_is_emailed_in_their_own_language(django_capture_on_commit_callbacks):
    holder = UserFactory(preferred_language="cy")
    certificate = services.certificate_request_for_enrolment(
        enrolment=CompletedEnrolmentFactory(user=holder)
    )
    assert certificate.language == "cy"
    with django_capture_on_commit_callbacks(execute=True):
        render(certificate)
    (message,) = mail.outbox
    assert 'lang="cy"' in message.alternatives[0][0]


def test_a_certificate_for_an_enrolment_that_stopped_being_completed_is_skipped_by_a_run():
    cohort = CohortFactory(capacity=10)
    enrolment = CompletedEnrolmentFactory(cohort=cohort)
    batch = services.certificate_batch_create(cohort=cohort, requested_by=None)
    Enrolment.objects.filter(pk=enrolment.pk).update(
        status=Enrolment.Status.ACTIVE, completed_on=None
    )
    services.certificate_batch_prepare(batch_id=batch.pk)
    batch.refresh_from_db()
    assert (batch.total, batch.is_finished) == (0, True)
