"""Background work for certificates. Each task takes IDs and is safe to run twice."""

import gc
import logging

from django.core.files.storage import default_storage

from core.emails import send_templated_email

from . import services
from .models import Certificate

logger = logging.getLogger(__name__)


def worker_ready(sender, **kwargs) -> None:
    """django-q2's post_spawn: a worker process is starting, before its first task.

    Loads WeasyPrint, the fonts and the designs now rather than during the first
    certificate, collects, then freezes everything loaded so far (gc.freeze): the garbage
    collector's full passes, one every 50 or so certificates, then look only at what
    the tasks made, not at Django's and WeasyPrint's hundreds of thousands of objects
    (100-150 ms a pass before). A worker that cannot load them still takes every task;
    its certificates fail, are recorded and retried as any render failure is.
    """
    try:
        from .pdf import load_designs

        load_designs()
    except Exception:
        logger.exception("This worker could not load WeasyPrint and the certificate designs")
    gc.collect()
    gc.freeze()


def certificate_render(*certificate_ids: int) -> str:
    """Render one certificate, or a whole-cohort run's group of them."""
    # Imported here, not at the top: the web process queues this task by name and
    # never loads WeasyPrint. A worker has loaded it at its start (worker_ready).
    from .pdf import render_pdf

    outcomes = services.certificate_render_group(
        certificate_ids=certificate_ids, renderer=render_pdf
    )
    return ", ".join(f"{pk}: {outcome}" for pk, outcome in outcomes.items())


def certificate_render_sweep() -> int:
    return services.certificate_render_sweep()


def certificate_batch_prepare(batch_id: int) -> int:
    return services.certificate_batch_prepare(batch_id=batch_id).total


def _holder_certificate(certificate_id: int, status: str) -> Certificate | None:
    return (
        Certificate.objects.select_related("enrolment__user")
        .filter(pk=certificate_id, status=status)
        .first()
    )


def certificate_email_issued(certificate_id: int) -> None:
    """E-mail the holder the PDF of the latest revision, once per revision."""
    certificate = _holder_certificate(certificate_id, Certificate.Status.ISSUED)
    if certificate is None or certificate.emailed_revision >= certificate.rendered_revision:
        return
    revision = certificate.rendered_revision
    # Marked first, so two workers running this task send one e-mail between them.
    claimed = Certificate.objects.filter(
        pk=certificate.pk, emailed_revision=certificate.emailed_revision
    ).update(emailed_revision=revision)
    if not claimed:
        return
    holder = certificate.enrolment.user
    try:
        with default_storage.open(certificate.pdf.name, "rb") as pdf:
            content = pdf.read()
        send_templated_email(
            to=holder.email,
            template="certificate_issued",
            context={"certificate": certificate, "user": holder, "updated": revision > 1},
            language=holder.preferred_language,
            attachments=[(_file_name(certificate), content, "application/pdf")],
        )
    except Exception:
        # Not sent: unmark it so that the task's retry sends it.
        Certificate.objects.filter(pk=certificate.pk, emailed_revision=revision).update(
            emailed_revision=certificate.emailed_revision
        )
        raise


def _file_name(certificate: Certificate) -> str:
    return f"certificate-{certificate.display_code}.pdf"


def certificate_email_revoked(certificate_id: int) -> None:
    certificate = _holder_certificate(certificate_id, Certificate.Status.REVOKED)
    if certificate is not None:
        _send_status_email(certificate, "certificate_revoked")


def certificate_email_reinstated(certificate_id: int) -> None:
    certificate = _holder_certificate(certificate_id, Certificate.Status.ISSUED)
    if certificate is not None:
        _send_status_email(certificate, "certificate_reinstated")


def _send_status_email(certificate: Certificate, template: str) -> None:
    holder = certificate.enrolment.user
    send_templated_email(
        to=holder.email,
        template=template,
        context={"certificate": certificate, "user": holder},
        language=holder.preferred_language,
    )
