"""E-mailing announcements. Tasks take IDs and are safe to run twice: each recipient's
row is claimed (its `emailed_at` set by a conditional UPDATE) before their e-mail goes."""

from django.urls import reverse
from django.utils import timezone

from core.emails import send_templated_email
from core.tasks import enqueue

from .models import AnnouncementRecipient


def announcement_send_emails(announcement_id: int) -> int:
    """Queue one e-mail task per recipient not yet e-mailed. Returns how many were queued.

    One task per person keeps each within the task time limit however large the
    cohort, and a retry only sends what is still owed.
    """
    pending = list(
        AnnouncementRecipient.objects.filter(
            announcement_id=announcement_id, emailed_at__isnull=True, user__is_active=True
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for recipient_id in pending:
        enqueue("announcements.tasks.announcement_email_recipient", recipient_id)
    return len(pending)


def announcement_email_recipient(recipient_id: int) -> bool:
    """E-mail one recipient their announcement, once. Returns False when already done."""
    claimed = AnnouncementRecipient.objects.filter(
        pk=recipient_id, emailed_at__isnull=True, user__is_active=True
    ).update(emailed_at=timezone.now())
    if not claimed:
        return False
    recipient = AnnouncementRecipient.objects.select_related(
        "user", "announcement__cohort__programme", "announcement__author"
    ).get(pk=recipient_id)
    announcement = recipient.announcement
    try:
        send_templated_email(
            to=recipient.user.email,
            template="announcement",
            context={
                "announcement": announcement,
                "cohort": announcement.cohort,
                "person": recipient.user,
                "path": reverse("core:dashboard"),
            },
            language=recipient.user.preferred_language,
        )
    except Exception:
        # Give the claim back so the retry sends it.
        AnnouncementRecipient.objects.filter(pk=recipient_id).update(emailed_at=None)
        raise
    return True
