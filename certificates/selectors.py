"""Reads of certificates that carry logic: scoping, counts, the public look-up."""

from django.db.models import Count, Q, QuerySet

from cohorts.models import Cohort, Enrolment

from .codes import code_normalise
from .models import Certificate, CertificateBatch

# Bits per Bitstring Status List: the minimum size the W3C recommendation allows, so a
# list does not reveal how many certificates exist.
STATUS_LIST_SIZE = 131_072


def certificate_get_public(code: str) -> Certificate | None:
    """The issued (or revoked) certificate with this code, however it was typed."""
    normalised = code_normalise(code)
    if normalised is None:
        return None
    return (
        Certificate.objects.filter(
            code=normalised, status__in=[Certificate.Status.ISSUED, Certificate.Status.REVOKED]
        )
        .select_related("enrolment__cohort__programme")
        .first()
    )


def certificate_verification(certificate: Certificate) -> dict:
    """What the public may know about a certificate: nothing beyond what it says.

    The verification page, its JSON and the API all answer with this.
    """
    # credentials builds on this module's status lists, so it is imported here.
    from .credentials import open_badge_credential

    revoked = certificate.status == Certificate.Status.REVOKED
    return {
        "code": certificate.display_code,
        "status": "revoked" if revoked else "valid",
        # Empty once the holder erased their account (privacy.services.account_erase).
        "holder_name": certificate.holder_name or None,
        "programme": certificate.programme_name,
        "cohort": certificate.cohort_title,
        "completed_on": certificate.completed_on.isoformat(),
        "issued_on": certificate.issued_at.date().isoformat(),
        "revoked_on": certificate.revoked_at.date().isoformat() if revoked else None,
        "revocation_reason": certificate.revocation_reason or None,
        "revocation_reason_label": certificate.get_revocation_reason_display() or None,
        "verification_url": certificate.get_public_verification_url(),
        "credential_url": open_badge_credential(certificate)["id"],
    }


def certificate_list_for_holder(user) -> QuerySet[Certificate]:
    """A person's own certificates that have been issued, newest first."""
    return (
        Certificate.objects.filter(enrolment__user=user, status=Certificate.Status.ISSUED)
        .select_related("enrolment__cohort__programme")
        .order_by("-issued_at", "-pk")
    )


def certificate_list_for_organisation(organisation) -> QuerySet[Certificate]:
    """Issued certificates of an organisation's people, for its sponsors."""
    return (
        Certificate.objects.filter(
            enrolment__user__organisation=organisation, status=Certificate.Status.ISSUED
        )
        .select_related("enrolment__user", "enrolment__cohort__programme")
        .order_by("-issued_at", "-pk")
    )


def cohort_list_for_certificates(user) -> QuerySet[Cohort]:
    """Cohorts whose certificates `user` issues, with how many are done and to do."""
    cohorts = Cohort.objects.exclude(status=Cohort.Status.DRAFT)
    if not user.is_programme_admin:
        cohorts = cohorts.filter(facilitators=user)
    completed = Q(enrolments__status=Enrolment.Status.COMPLETED)
    return (
        cohorts.select_related("programme")
        .annotate(
            completed_count=Count("enrolments", filter=completed),
            issued_count=Count(
                "enrolments__certificate",
                filter=completed & Q(enrolments__certificate__status=Certificate.Status.ISSUED),
            ),
            failed_count=Count(
                "enrolments__certificate",
                filter=completed & Q(enrolments__certificate__status=Certificate.Status.FAILED),
            ),
        )
        .order_by("-starts_on", "pk")
    )


def enrolment_list_completed(cohort: Cohort) -> QuerySet[Enrolment]:
    """Who has completed `cohort`, with their certificate if they have one."""
    return (
        Enrolment.objects.filter(cohort=cohort, status=Enrolment.Status.COMPLETED)
        .select_related("user", "certificate")
        .order_by("user__full_name", "pk")
    )


def enrolment_list_awaiting_certificate(cohort: Cohort) -> QuerySet[Enrolment]:
    """Completed enrolments with no certificate, or whose certificate could not be made."""
    return enrolment_list_completed(cohort).filter(
        Q(certificate__isnull=True) | Q(certificate__status=Certificate.Status.FAILED)
    )


def certificate_counts_for_cohort(cohort: Cohort) -> dict[str, int]:
    """How many of the cohort's completed enrolments have a certificate in each state."""
    counts = dict(
        Enrolment.objects.filter(cohort=cohort, status=Enrolment.Status.COMPLETED)
        .values_list("certificate__status")
        .annotate(count=Count("pk"))
        .values_list("certificate__status", "count")
    )
    return {
        "completed": sum(counts.values()),
        "none": counts.get(None, 0),
        **{status: counts.get(status, 0) for status in Certificate.Status.values},
    }


def certificate_batch_latest(cohort: Cohort) -> CertificateBatch | None:
    return cohort.certificate_batches.order_by("-created_at", "-pk").first()


def certificate_status_list_bits(list_number: int) -> bytes:
    """The Bitstring Status List `list_number`: bit i set when certificate number
    `list_number * STATUS_LIST_SIZE + i` is revoked (index 0 is the left-most bit)."""
    first = list_number * STATUS_LIST_SIZE
    revoked = Certificate.objects.filter(
        status=Certificate.Status.REVOKED, pk__gte=first, pk__lt=first + STATUS_LIST_SIZE
    ).values_list("pk", flat=True)
    bits = bytearray(STATUS_LIST_SIZE // 8)
    for pk in revoked.iterator():
        index = pk - first
        bits[index // 8] |= 0x80 >> (index % 8)
    return bytes(bits)
