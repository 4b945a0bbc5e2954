"""Who may do what with certificates. Views, selectors and tests use these alone."""

from django.db.models import Q, QuerySet

from cohorts.models import Cohort, Enrolment
from cohorts.permissions import can_manage_cohort, cohorts_managed_by

from .models import Certificate


def can_issue_certificates(user, cohort: Cohort) -> bool:
    """Issue, re-issue and follow the certificates of a cohort: its facilitators, admins."""
    return can_manage_cohort(user, cohort)


def can_issue_certificate(user, enrolment: Enrolment) -> bool:
    return can_issue_certificates(user, enrolment.cohort)


def can_manage_certificate(user, certificate: Certificate) -> bool:
    """See a certificate's history and act on it (re-issue, try again)."""
    return can_issue_certificates(user, certificate.enrolment.cohort)


def can_revoke_certificate(user, certificate: Certificate) -> bool:
    return can_manage_certificate(user, certificate)


def can_reinstate_certificate(user, certificate: Certificate) -> bool:
    """Undoing a revocation is a programme admin's decision, not a facilitator's."""
    return user.is_authenticated and user.is_programme_admin


def can_download_certificate(user, certificate: Certificate) -> bool:
    """The holder, a sponsor of the holder's organisation, and those who issue it."""
    if not user.is_authenticated or not user.is_active:
        return False
    holder = certificate.enrolment.user
    if holder.pk == user.pk:
        return True
    if (
        user.is_sponsor
        and holder.organisation_id is not None
        and holder.organisation_id == user.organisation_id
    ):
        return True
    return can_manage_certificate(user, certificate)


def certificates_visible_to(user) -> QuerySet[Certificate]:
    """The certificates `user` may read in the portal: their own issued ones, a sponsor's
    organisation's issued ones, and every certificate of the cohorts they issue for."""
    if not user.is_authenticated or not user.is_active:
        return Certificate.objects.none()
    visible = Q(enrolment__user=user, status=Certificate.Status.ISSUED) | Q(
        enrolment__cohort__in=cohorts_managed_by(user)
    )
    if user.is_sponsor and user.organisation_id is not None:
        visible |= Q(
            enrolment__user__organisation_id=user.organisation_id,
            status=Certificate.Status.ISSUED,
        )
    return Certificate.objects.filter(visible)
