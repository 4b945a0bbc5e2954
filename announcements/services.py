"""Writes for announcements: sending one to a cohort's people, and putting one away."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from academy.risk import enrolments_at_risk
from audit.services import audit_record
from cohorts.models import Cohort
from cohorts.selectors import cohort_participant_user_ids, cohort_waitlist_user_ids
from core.errors import ApplicationError
from core.tasks import enqueue_on_commit

from .models import Announcement, AnnouncementRecipient

Audience = Announcement.Audience

NOBODY = {
    Audience.EVERYONE: gettext_lazy(
        "Nobody has a place on this cohort yet, so there is nobody to tell."
    ),
    Audience.AT_RISK: gettext_lazy("Nobody in this cohort is at risk at the moment."),
    Audience.WAITLIST: gettext_lazy("Nobody is on this cohort's waitlist."),
}


def audience_user_ids(cohort: Cohort, audience: str) -> list[int]:
    """Who an announcement to `audience` would reach now: active accounts, by ID."""
    if audience == Audience.EVERYONE:
        return cohort_participant_user_ids(cohort)
    if audience == Audience.AT_RISK:
        return sorted(
            enrolment.user_id
            for enrolment in enrolments_at_risk(cohort)
            if enrolment.user.is_active
        )
    if audience == Audience.WAITLIST:
        return cohort_waitlist_user_ids(cohort)
    raise ValidationError({"audience": _("Choose who the announcement is for.")})


@transaction.atomic
def announcement_send(
    *, cohort: Cohort, author, audience: str, subject: str, body: str
) -> Announcement:
    """Send a message to everyone taking part in `cohort`, those at risk, or its waitlist.

    The recipients are fixed now and recorded; the message shows on their dashboards at
    once and is e-mailed by the task worker after commit, once per person. Raises
    ValidationError for a missing subject or message and ApplicationError when nobody
    is in the chosen group. Audited ("announcement.sent").
    """
    subject, body = subject.strip(), body.strip()
    errors = {}
    if not subject:
        errors["subject"] = _("Enter a subject.")
    if not body:
        errors["body"] = _("Write the message.")
    if audience not in Audience.values:
        errors["audience"] = _("Choose who the announcement is for.")
    if errors:
        raise ValidationError(errors)
    if cohort.status == Cohort.Status.ARCHIVED:
        raise ApplicationError(_("This cohort is archived: it can no longer send announcements."))
    user_ids = audience_user_ids(cohort, audience)
    if not user_ids:
        raise ApplicationError(str(NOBODY[audience]))
    announcement = Announcement.objects.create(
        cohort=cohort,
        author=author,
        audience=audience,
        subject=subject,
        body=body,
        sent_at=timezone.now(),
    )
    AnnouncementRecipient.objects.bulk_create(
        AnnouncementRecipient(announcement=announcement, user_id=user_id) for user_id in user_ids
    )
    audit_record(
        actor=author,
        action="announcement.sent",
        target=announcement,
        after={"cohort": cohort.pk, "audience": audience, "recipients": len(user_ids)},
    )
    enqueue_on_commit("announcements.tasks.announcement_send_emails", announcement.pk)
    return announcement


@transaction.atomic
def announcement_dismiss(*, announcement: Announcement, user) -> bool:
    """Take an announcement off the person's dashboard. Returns False when it already was.

    Not audited: it changes only what the person sees, not what was sent.
    """
    return bool(
        AnnouncementRecipient.objects.filter(
            announcement=announcement, user=user, dismissed_at__isnull=True
        ).update(dismissed_at=timezone.now())
    )
