"""Demo announcements: one to everyone in the running Leadership Academy cohort (so the
demo participant sees it on the dashboard) and one to a waitlist."""

from django.utils import timezone

from . import services
from .models import Announcement, AnnouncementRecipient

ANNOUNCEMENTS = [
    (
        "la-running",
        "facilitator@example.org",
        Announcement.Audience.EVERYONE,
        "Bring a business case to the next webinar",
        "For “Budgets and business cases” please bring a business case you are writing or "
        "reviewing, or one you wish had gone differently. We will work on them in pairs.\n\n"
        "Priya",
    ),
    (
        "ewdw-open",
        "facilitator@example.org",
        Announcement.Audience.WAITLIST,
        "Thank you for waiting",
        "All places on this cohort are offered at the moment. If one frees up we offer it "
        "to the next person on the waitlist straight away, by e-mail. We run the programme "
        "again next year and will let you know when applications open.",
    ),
]


def seed(*, cohorts, people) -> list[Announcement]:
    announcements = []
    for key, author, audience, subject, body in ANNOUNCEMENTS:
        cohort = cohorts[key]
        announcement = Announcement.objects.filter(cohort=cohort, subject=subject).first()
        if announcement is None:
            announcement = services.announcement_send(
                cohort=cohort, author=people[author], audience=audience, subject=subject, body=body
            )
        announcements.append(announcement)
    # The demo's history is made up: nobody needs the e-mails.
    AnnouncementRecipient.objects.filter(emailed_at__isnull=True).update(emailed_at=timezone.now())
    return announcements
