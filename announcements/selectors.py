from django.db.models import Count, Q, QuerySet

from .models import Announcement, AnnouncementRecipient

DASHBOARD_LIMIT = 5


def announcement_list(announcements: QuerySet[Announcement]) -> QuerySet[Announcement]:
    """Announcements (already scoped) newest first, with `recipient_count` and
    `emailed_count`."""
    return (
        announcements.select_related("cohort__programme", "author")
        .annotate(
            recipient_count=Count("recipients"),
            emailed_count=Count("recipients", filter=Q(recipients__emailed_at__isnull=False)),
        )
        .order_by("-sent_at", "-pk")
    )


def announcement_list_for_dashboard(user) -> list[AnnouncementRecipient]:
    """The person's latest announcements they have not put away."""
    return list(
        AnnouncementRecipient.objects.filter(user=user, dismissed_at__isnull=True)
        .select_related("announcement__cohort", "announcement__author")
        .order_by("-announcement__sent_at", "-pk")[:DASHBOARD_LIMIT]
    )


def recipient_list(announcement: Announcement) -> QuerySet[AnnouncementRecipient]:
    return announcement.recipients.select_related("user__organisation").order_by(
        "user__full_name", "pk"
    )
