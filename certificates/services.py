"""Writes for certificates: requesting, rendering, re-issuing, revoking, whole-cohort runs.

Rendering happens in the task worker only (certificates.tasks passes WeasyPrint in as
`renderer`), never in a web request. Every service here is safe to call twice: the
database holds one certificate per enrolment, and a render records the revision it
made, so a retried or duplicated task finds nothing left to do.
"""

import datetime as dt
import logging
from collections import Counter
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from cohorts.models import Enrolment
from core.errors import ApplicationError
from core.pagecache import writes_unseen
from core.tasks import enqueue_on_commit

from .codes import code_generate
from .documents import certificate_document
from .models import Certificate, CertificateBatch, CertificateEvent, certificate_file_name
from .selectors import enrolment_list_awaiting_certificate

logger = logging.getLogger(__name__)

# A render is tried this many times before the certificate is reported as failed.
RENDER_ATTEMPTS = 3
# How long the sweep waits before trying a failed render again, by attempts made.
RETRY_AFTER = {1: dt.timedelta(minutes=1), 2: dt.timedelta(minutes=5)}
# A render task not started after this long is taken as lost and queued again.
SWEEP_LIMIT = 500
BATCH_CHUNK = 200
# A whole-cohort run queues its certificates this many to a render task: the group is
# claimed in one transaction and saved in one, where a certificate on its own takes two
# (README, Performance).
RENDER_GROUP = 10

Renderer = Callable[..., bytes]
Status = Certificate.Status
Kind = CertificateEvent.Kind


def _claim_period() -> dt.timedelta:
    """How long a worker may hold a render: the task timeout, and a margin."""
    return dt.timedelta(seconds=settings.Q_CLUSTER["timeout"] + 60)


def _snapshot(enrolment: Enrolment) -> dict:
    """What a certificate of `enrolment` says, taken from the records as they are now."""
    user = enrolment.user
    programme = enrolment.cohort.programme
    return {
        "holder_name": user.full_name,
        "programme_name": programme.name,
        "cohort_title": enrolment.cohort.title,
        "completed_on": enrolment.completed_on,
        "design": programme.certificate_design,
        "language": user.preferred_language,
        "bilingual": programme.bilingual_certificates,
    }


def _event(certificate: Certificate, kind: str, actor=None, **fields) -> CertificateEvent:
    return CertificateEvent.objects.create(
        certificate=certificate, kind=kind, actor=actor, created_at=timezone.now(), **fields
    )


def _queue_render(*certificate_ids: int) -> None:
    """Queue one render task for these certificates (a run's group, or one alone)."""
    enqueue_on_commit("certificates.tasks.certificate_render", *certificate_ids)


def _lock(certificate_id: int) -> Certificate | None:
    return Certificate.objects.select_for_update().filter(pk=certificate_id).first()


def _lock_all(certificate_ids: Iterable[int]) -> list[Certificate]:
    """The certificates, locked in the order of their keys (so that two workers locking
    overlapping groups cannot deadlock); any deleted meanwhile are missing."""
    return list(
        Certificate.objects.select_for_update().filter(pk__in=certificate_ids).order_by("pk")
    )


def _restart(certificate: Certificate, *, actor, batch: CertificateBatch | None) -> None:
    """Start the attempts at a certificate's PDF again, from nothing."""
    certificate.status = Status.ISSUED if certificate.issued_at else Status.PENDING
    certificate.render_attempts = 0
    certificate.last_error = ""
    certificate.render_claimed_until = None
    certificate.requested_at = timezone.now()
    certificate.batch = batch
    certificate.save(
        update_fields=[
            "status",
            "render_attempts",
            "last_error",
            "render_claimed_until",
            "requested_at",
            "batch",
        ]
    )
    _event(certificate, Kind.RETRIED, actor)
    if batch is None:  # a run queues its certificates itself, a group to a task
        _queue_render(certificate.pk)


@transaction.atomic
def certificate_request_for_enrolment(
    *, enrolment: Enrolment, requested_by=None, batch: CertificateBatch | None = None
) -> Certificate:
    """Make sure a completed enrolment has a certificate, and that its PDF is on the way.

    The hand-over point for completion: call it when a participant completes (the
    enrolment has status "completed" and `completed_on` set). Creates the certificate
    with a new code and a snapshot of what it will say, and queues its rendering after
    the transaction commits (unless it is part of `batch`, whose run queues it); the
    holder is e-mailed the PDF once it is made.

    Idempotent: called again (a second click, a retried task, another process) it
    returns the existing certificate and queues nothing, except that a certificate
    whose PDF could not be made is tried again. The enrolment row is locked while
    looking, and the database allows one certificate per enrolment.

    Raises ApplicationError if the enrolment is not completed.
    """
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if enrolment.status != Enrolment.Status.COMPLETED or enrolment.completed_on is None:
        raise ApplicationError(
            _("%(name)s has not completed this cohort, so there is no certificate to issue.")
            % {"name": enrolment.user.full_name}
        )
    certificate = Certificate.objects.select_for_update().filter(enrolment=enrolment).first()
    if certificate is not None:
        if certificate.status == Status.FAILED:
            _restart(certificate, actor=requested_by, batch=batch)
        return certificate

    enrolment = Enrolment.objects.select_related("user", "cohort__programme").get(pk=enrolment.pk)
    for _attempt in range(5):
        try:
            with transaction.atomic():
                certificate = Certificate.objects.create(
                    enrolment=enrolment,
                    code=code_generate(),
                    batch=batch,
                    requested_at=timezone.now(),
                    **_snapshot(enrolment),
                )
            break
        except IntegrityError:
            # Where the row lock is not enough (a database without SELECT … FOR
            # UPDATE), another process may have created it: that one stands.
            existing = Certificate.objects.filter(enrolment=enrolment).first()
            if existing is not None:
                return existing
            # Otherwise 80 random bits collided with an existing code: draw again.
    else:  # pragma: no cover - five collisions of 80-bit codes in a row
        raise RuntimeError("Could not draw an unused verification code.")
    _event(certificate, Kind.REQUESTED, requested_by)
    if batch is None:
        _queue_render(certificate.pk)
    return certificate


def certificate_render(
    *, certificate_id: int, renderer: Renderer, notify_holder: bool = True
) -> str:
    """Make the PDF of the certificate's latest revision, if nobody has yet.

    `renderer(html, design=...)` returns PDF bytes (certificates.pdf.render_pdf in the
    worker). The certificate is claimed under a row lock, rendered outside any
    transaction, and saved under the lock again, so two workers never both save it and
    no lock is held while WeasyPrint works. A failure is recorded on the certificate;
    the sweep tries again later, and after RENDER_ATTEMPTS the certificate is
    reported as failed. Returns what happened, for the task log.
    """
    outcomes = certificate_render_group(
        certificate_ids=[certificate_id], renderer=renderer, notify_holder=notify_holder
    )
    return outcomes[certificate_id]


def certificate_render_group(
    *, certificate_ids: Iterable[int], renderer: Renderer, notify_holder: bool = True
) -> dict[int, str]:
    """certificate_render for several certificates, with one transaction to claim them
    all and one to save every PDF made. A certificate that fails is recorded on its own
    and does not hold up the others. Returns what happened to each, by key."""
    now = timezone.now()
    outcomes = dict.fromkeys(certificate_ids, "gone")
    claimed = []
    # The claim changes nothing a page shows; the outcome's commit renews the pages.
    with writes_unseen(), transaction.atomic():
        for certificate in _lock_all(outcomes):
            if reason := _reason_not_to_render(certificate, now):
                outcomes[certificate.pk] = reason
            else:
                claimed.append(certificate)
        if claimed:
            until = now + _claim_period()
            Certificate.objects.filter(pk__in=[each.pk for each in claimed]).update(
                render_attempts=F("render_attempts") + 1,
                last_attempt_at=now,
                render_claimed_until=until,
            )
            for certificate in claimed:
                certificate.render_attempts += 1
                certificate.last_attempt_at = now
                certificate.render_claimed_until = until

    made = {}
    for certificate in claimed:
        try:
            document = certificate_document(certificate)
            content = renderer(document.html, design=document.design)
        except Exception as error:  # noqa: BLE001 - any failure is recorded and retried
            logger.warning("Certificate %s could not be rendered", certificate.pk, exc_info=True)
            _render_failed(
                certificate.pk, certificate.revision, f"{error.__class__.__name__}: {error}"
            )
            outcomes[certificate.pk] = "failed"
        else:
            made[certificate.pk] = (certificate.revision, content)
    if made:
        outcomes.update(_render_succeeded(made, notify_holder=notify_holder))
    return outcomes


def _reason_not_to_render(certificate: Certificate, now: dt.datetime) -> str:
    """Why a worker should leave `certificate` alone now, or "" if it should render it."""
    if not certificate.needs_render or certificate.status == Status.FAILED:
        return "nothing to do"
    if certificate.render_claimed_until and certificate.render_claimed_until > now:
        return "another worker is making it"
    if certificate.render_attempts >= RENDER_ATTEMPTS:
        return "given up until someone tries again"
    return ""


@transaction.atomic
def _render_succeeded(made: dict[int, tuple[int, bytes]], *, notify_holder: bool) -> dict[int, str]:
    """Save the PDFs made, {key: (revision, PDF)}, of the certificates still wanting them."""
    now = timezone.now()
    # Deleted while rendering (withdrawn): nothing to save.
    outcomes = dict.fromkeys(made, "out of date")
    events = []
    issued_in_run = Counter()
    for certificate in _lock_all(made):
        revision, content = made[certificate.pk]
        if (
            certificate.revision != revision
            or certificate.rendered_revision >= revision
            or certificate.status in (Status.REVOKED, Status.FAILED)
        ):
            # Changed while rendering (re-issued, revoked): the newer request has its
            # own task, and this PDF is no longer wanted.
            certificate.render_claimed_until = None
            certificate.save(update_fields=["render_claimed_until"])
            continue
        first_issue = certificate.issued_at is None
        _save_pdf(certificate, revision, content, now, notify_holder=notify_holder)
        events.append(
            CertificateEvent(
                certificate=certificate,
                kind=Kind.ISSUED if first_issue else Kind.REISSUED,
                created_at=now,
            )
        )
        if first_issue and certificate.batch_id:
            issued_in_run[certificate.batch_id] += 1
        outcomes[certificate.pk] = "issued" if first_issue else "re-issued"
    CertificateEvent.objects.bulk_create(events)
    for batch_id, issued in sorted(issued_in_run.items()):
        _batch_count(batch_id, issued=issued)
    return outcomes


def _save_pdf(certificate: Certificate, revision: int, content: bytes, now, *, notify_holder):
    """Store the PDF of `revision` as the certificate's, issuing it if it was not yet."""
    old_file = certificate.pdf.name
    certificate.pdf.save(certificate_file_name(certificate, ""), ContentFile(content), save=False)
    certificate.status = Status.ISSUED
    certificate.issued_at = certificate.issued_at or now
    certificate.rendered_at = now
    certificate.rendered_revision = revision
    certificate.render_claimed_until = None
    certificate.render_attempts = 0
    certificate.last_error = ""
    fields = [
        "pdf",
        "status",
        "issued_at",
        "rendered_at",
        "rendered_revision",
        "render_claimed_until",
        "render_attempts",
        "last_error",
    ]
    if not notify_holder:
        certificate.emailed_revision = revision
        fields.append("emailed_revision")
    certificate.save(update_fields=fields)
    if old_file:
        transaction.on_commit(lambda: default_storage.delete(old_file))
    if notify_holder:
        enqueue_on_commit("certificates.tasks.certificate_email_issued", certificate.pk)


@transaction.atomic
def _render_failed(certificate_id: int, revision: int, error: str) -> None:
    certificate = _lock(certificate_id)
    if certificate is None:
        return
    certificate.render_claimed_until = None
    certificate.last_error = error[:2000]
    fields = ["render_claimed_until", "last_error"]
    _event(
        certificate,
        Kind.RENDER_FAILED,
        details={"error": certificate.last_error, "attempt": certificate.render_attempts},
    )
    if certificate.revision == revision and certificate.render_attempts >= RENDER_ATTEMPTS:
        _event(certificate, Kind.GAVE_UP)
        if certificate.status == Status.PENDING:
            certificate.status = Status.FAILED
            fields.append("status")
            if certificate.batch_id:
                _batch_count(certificate.batch_id, failed=1)
    certificate.save(update_fields=fields)


def _batch_count(batch_id: int, *, issued: int = 0, failed: int = 0) -> None:
    """Count certificates of a run as done; the run finishes with its last one."""
    batch = CertificateBatch.objects.select_for_update().get(pk=batch_id)
    batch.issued_count += issued
    batch.failed_count += failed
    fields = ["issued_count", "failed_count"]
    if batch.prepared_at and not batch.finished_at and batch.done_count >= batch.total:
        batch.finished_at = timezone.now()
        fields.append("finished_at")
    batch.save(update_fields=fields)


@transaction.atomic
def certificate_retry(*, certificate: Certificate, actor) -> Certificate:
    """Try again to make a PDF that could not be made (after RENDER_ATTEMPTS failures)."""
    certificate = _lock(certificate.pk)
    gave_up = certificate.status == Status.FAILED or (
        certificate.status == Status.ISSUED
        and certificate.needs_render
        and certificate.render_attempts >= RENDER_ATTEMPTS
    )
    if not gave_up:
        raise ApplicationError(_("This certificate is not waiting to be tried again."))
    _restart(certificate, actor=actor, batch=None)
    return certificate


@transaction.atomic
def certificate_reissue(*, certificate: Certificate, actor, note: str = "") -> Certificate:
    """Re-issue an issued certificate with today's name, programme and cohort details.

    For corrections, typically of the holder's name: the code stays the same, so
    links, QR codes and printed copies keep working. The changes are recorded and a
    new PDF is made in the background (the old one is served until then). Raises
    ApplicationError if the certificate is not issued or nothing has changed.
    """
    certificate = _lock(certificate.pk)
    if certificate.status != Status.ISSUED:
        raise ApplicationError(_("Only an issued certificate can be re-issued."))
    enrolment = Enrolment.objects.select_related("user", "cohort__programme").get(
        pk=certificate.enrolment_id
    )
    snapshot = _snapshot(enrolment)
    changes = {
        field: [str(getattr(certificate, field)), str(value)]
        for field, value in snapshot.items()
        if getattr(certificate, field) != value
    }
    if not changes:
        raise ApplicationError(
            _(
                "Nothing on this certificate has changed since it was issued, so there is "
                "nothing to re-issue."
            )
        )
    for field, value in snapshot.items():
        setattr(certificate, field, value)
    certificate.revision += 1
    certificate.render_attempts = 0
    certificate.last_error = ""
    certificate.requested_at = timezone.now()
    certificate.save(
        update_fields=[
            *snapshot,
            "revision",
            "render_attempts",
            "last_error",
            "requested_at",
        ]
    )
    _event(certificate, Kind.REISSUE_REQUESTED, actor, note=note, details={"changes": changes})
    _queue_render(certificate.pk)
    return certificate


@transaction.atomic
def certificate_revoke(*, certificate: Certificate, actor, reason: str, note: str) -> Certificate:
    """Revoke an issued certificate: the public page says so at once; the holder is told.

    `reason` is one of Certificate.RevocationReason (shown publicly); `note` explains
    it for the record (not shown publicly). Raises ValidationError on either when
    missing, ApplicationError if the certificate is not issued.
    """
    if reason not in Certificate.RevocationReason.values:
        raise ValidationError({"reason": _("Choose why the certificate is being revoked.")})
    if not note.strip():
        raise ValidationError({"note": _("Explain the decision for the record.")})
    certificate = _lock(certificate.pk)
    if certificate.status == Status.REVOKED:
        raise ApplicationError(_("This certificate is already revoked."))
    if certificate.status != Status.ISSUED:
        raise ApplicationError(_("Only an issued certificate can be revoked."))
    certificate.status = Status.REVOKED
    certificate.revoked_at = timezone.now()
    certificate.revocation_reason = reason
    certificate.save(update_fields=["status", "revoked_at", "revocation_reason"])
    _event(certificate, Kind.REVOKED, actor, reason=reason, note=note.strip())
    enqueue_on_commit("certificates.tasks.certificate_email_revoked", certificate.pk)
    return certificate


@transaction.atomic
def certificate_reinstate(*, certificate: Certificate, actor, note: str) -> Certificate:
    """Undo a revocation (a programme admin's decision); recorded, and the holder told."""
    if not note.strip():
        raise ValidationError({"note": _("Explain the decision for the record.")})
    certificate = _lock(certificate.pk)
    if certificate.status != Status.REVOKED:
        raise ApplicationError(_("Only a revoked certificate can be reinstated."))
    certificate.status = Status.ISSUED
    certificate.revoked_at = None
    certificate.revocation_reason = ""
    certificate.save(update_fields=["status", "revoked_at", "revocation_reason"])
    _event(certificate, Kind.REINSTATED, actor, note=note.strip())
    if certificate.needs_render:  # a re-issue was under way when it was revoked
        _queue_render(certificate.pk)
    enqueue_on_commit("certificates.tasks.certificate_email_reinstated", certificate.pk)
    return certificate


@transaction.atomic
def certificate_withdraw_unissued(*, enrolment: Enrolment, actor=None) -> bool:
    """Withdraw the certificate requested for an enrolment that is no longer completed.

    The other half of the hand-over: when a correction (attendance, say) means the
    participant has not completed after all, the completion rules call this before
    reopening the enrolment. A certificate still waiting for its PDF (pending or failed)
    has never been issued, so nobody has seen its code: the row and its history are
    deleted (the audit trail keeps a record) and a render still queued finds nothing
    to do. Returns whether there was one. Raises ApplicationError when the certificate
    has been issued (or revoked): that record stands, and the enrolment stays completed.
    """
    certificate = Certificate.objects.select_for_update().filter(enrolment=enrolment).first()
    if certificate is None:
        return False
    if certificate.issued_at is not None:
        raise ApplicationError(
            _("A certificate has been issued for this place, so its completion stands.")
        )
    if certificate.batch_id:
        batch = CertificateBatch.objects.select_for_update().get(pk=certificate.batch_id)
        if batch.prepared_at:
            # The run no longer waits for this certificate.
            batch.total -= 1
            if certificate.status == Status.FAILED:
                batch.failed_count -= 1
            if not batch.finished_at and batch.done_count >= batch.total:
                batch.finished_at = timezone.now()
            batch.save(update_fields=["total", "failed_count", "finished_at"])
    audit_record(
        actor=actor,
        action="certificate.withdrawn_unissued",
        target=enrolment,
        before={"certificate": certificate.pk, "status": certificate.status},
        after={},
    )
    certificate.delete()
    return True


@transaction.atomic
def certificate_batch_create(*, cohort, requested_by) -> CertificateBatch:
    """Start issuing certificates to everyone who has completed `cohort` and has none.

    Returns the run already under way for the cohort if there is one (two clicks start
    one run). The certificates are created and queued by a task, so the request
    returns at once however large the cohort. Raises ApplicationError when everyone
    who has completed already has a certificate.
    """
    running = CertificateBatch.objects.filter(cohort=cohort, finished_at__isnull=True).first()
    if running is not None:
        return running
    if not enrolment_list_awaiting_certificate(cohort).exists():
        raise ApplicationError(
            _("Everyone who has completed this cohort already has a certificate.")
        )
    try:
        with transaction.atomic():
            batch = CertificateBatch.objects.create(
                cohort=cohort, requested_by=requested_by, created_at=timezone.now()
            )
    except IntegrityError:
        # Started by someone else a moment ago: the database allows one run at a time.
        return CertificateBatch.objects.get(cohort=cohort, finished_at__isnull=True)
    enqueue_on_commit("certificates.tasks.certificate_batch_prepare", batch.pk)
    return batch


def certificate_batch_prepare(*, batch_id: int) -> CertificateBatch:
    """Create (or retry) the certificates of a run, a chunk per transaction, and queue
    their rendering, RENDER_GROUP certificates to a task.

    Safe to run again after a crash: enrolments handled by an earlier run already
    have a pending certificate and are not counted twice.
    """
    batch = CertificateBatch.objects.select_related("cohort", "requested_by").get(pk=batch_id)
    if batch.prepared_at is not None:
        return batch
    enrolment_ids = list(
        enrolment_list_awaiting_certificate(batch.cohort).values_list("pk", flat=True)
    )
    for start in range(0, len(enrolment_ids), BATCH_CHUNK):
        with transaction.atomic():
            added = []
            for enrolment in Enrolment.objects.filter(
                pk__in=enrolment_ids[start : start + BATCH_CHUNK]
            ):
                try:
                    certificate = certificate_request_for_enrolment(
                        enrolment=enrolment, requested_by=batch.requested_by, batch=batch
                    )
                except ApplicationError:
                    continue  # no longer completed since the list was read
                if certificate.batch_id == batch.pk:
                    added.append(certificate.pk)
            locked = CertificateBatch.objects.select_for_update().get(pk=batch.pk)
            locked.total += len(added)
            locked.save(update_fields=["total"])
            for group in range(0, len(added), RENDER_GROUP):
                _queue_render(*added[group : group + RENDER_GROUP])
    with transaction.atomic():
        batch = CertificateBatch.objects.select_for_update().get(pk=batch.pk)
        completed = Enrolment.objects.filter(
            cohort_id=batch.cohort_id, status=Enrolment.Status.COMPLETED
        ).count()
        batch.already_count = max(completed - batch.total, 0)
        batch.prepared_at = timezone.now()
        fields = ["already_count", "prepared_at"]
        if batch.done_count >= batch.total:
            batch.finished_at = batch.prepared_at
            fields.append("finished_at")
        batch.save(update_fields=fields)
    return batch


def certificate_render_sweep() -> int:
    """Find renders that failed, were lost or whose worker died, and queue them again.

    Run every minute by a schedule (see the migration). Returns how many were queued.
    """
    now = timezone.now()
    needs_render = Q(
        rendered_revision__lt=F("revision"), status__in=[Status.PENDING, Status.ISSUED]
    )
    for certificate_id, revision in Certificate.objects.filter(
        needs_render, render_claimed_until__lt=now
    ).values_list("pk", "revision")[:SWEEP_LIMIT]:
        _render_failed(certificate_id, revision, _("The worker stopped before the PDF was made."))

    lost_after = dt.timedelta(minutes=settings.CERTIFICATE_LOST_TASK_MINUTES)
    due = Q(render_attempts=0, requested_at__lt=now - lost_after)
    for attempts, wait in RETRY_AFTER.items():
        due |= Q(render_attempts=attempts, last_attempt_at__lt=now - wait)
    certificate_ids = list(
        Certificate.objects.filter(needs_render, due, render_claimed_until__isnull=True)
        .order_by("requested_at")
        .values_list("pk", flat=True)[:SWEEP_LIMIT]
    )
    for certificate_id in certificate_ids:
        enqueue_on_commit("certificates.tasks.certificate_render", certificate_id)
    return len(certificate_ids)
