"""Who may do what with announcements: one function per action.

A cohort's facilitators and programme admins send them; programme admins see every
announcement, facilitators those of their cohorts; a recipient sees and puts away their
own. Announcements someone may not see are a 404.
"""

from django.db.models import QuerySet

from cohorts.models import Cohort
from cohorts.permissions import can_manage_cohort, cohorts_managed_by

from .models import Announcement, AnnouncementRecipient


def _active(user) -> bool:
    return user.is_authenticated and user.is_active


def can_send_announcement(user, cohort: Cohort) -> bool:
    return can_manage_cohort(user, cohort) and cohort.status != Cohort.Status.ARCHIVED


def can_list_announcements(user) -> bool:
    """The list of sent announcements exists for programme admins and facilitators."""
    return _active(user) and (user.is_programme_admin or user.is_facilitator)


def announcements_visible_to(user) -> QuerySet[Announcement]:
    """Sent announcements `user` may read with their recipients: the queryset form of
    `can_view_announcement`."""
    if not can_list_announcements(user):
        return Announcement.objects.none()
    if user.is_programme_admin:
        return Announcement.objects.all()
    return Announcement.objects.filter(cohort__in=cohorts_managed_by(user))


def can_view_announcement(user, announcement: Announcement) -> bool:
    return can_list_announcements(user) and can_manage_cohort(user, announcement.cohort)


def can_dismiss_announcement(user, announcement: Announcement) -> bool:
    return (
        _active(user)
        and AnnouncementRecipient.objects.filter(announcement=announcement, user=user).exists()
    )
