"""Who may do what with sessions: one function per action, used by every view.

Programme admins may do everything; a cohort's facilitators run its timetable; a
session's own facilitators (a guest for one masterclass, say) see it and take its
register; participants see their cohort's timetable and their own attendance. Everyone
else is told the page does not exist.
"""

from django.db.models import Q, QuerySet

from cohorts.models import Cohort, Enrolment
from cohorts.permissions import can_manage_cohort, cohorts_managed_by

from . import selectors
from .models import Session


def _active(user) -> bool:
    return user.is_authenticated and user.is_active


def _facilitates(user, session: Session) -> bool:
    return user.is_facilitator and selectors.is_session_facilitator(user, session)


def can_view_timetable(user, cohort: Cohort) -> bool:
    if not _active(user):
        return False
    return can_manage_cohort(user, cohort) or selectors.is_cohort_participant(user, cohort)


def can_schedule_session(user, cohort: Cohort) -> bool:
    return _active(user) and can_manage_cohort(user, cohort)


def can_view_session(user, session: Session) -> bool:
    if not _active(user):
        return False
    return can_view_timetable(user, session.cohort) or _facilitates(user, session)


def can_download_session_calendar(user, session: Session) -> bool:
    return can_view_session(user, session)


def can_update_session(user, session: Session) -> bool:
    return _active(user) and can_manage_cohort(user, session.cohort)


def can_move_session(user, session: Session) -> bool:
    return _active(user) and can_manage_cohort(user, session.cohort)


def can_cancel_session(user, session: Session) -> bool:
    return _active(user) and can_manage_cohort(user, session.cohort)


def can_take_attendance(user, session: Session) -> bool:
    if not _active(user):
        return False
    return can_manage_cohort(user, session.cohort) or _facilitates(user, session)


def can_have_calendar_feed(user) -> bool:
    return _active(user)


def sessions_visible_to(user) -> QuerySet[Session]:
    """The queryset form of `can_view_session`."""
    if not _active(user):
        return Session.objects.none()
    enrolled = Enrolment.objects.filter(
        user=user, status__in=selectors.PARTICIPANT_STATUSES
    ).values("cohort_id")
    visible = Q(cohort__in=cohorts_managed_by(user)) | Q(cohort_id__in=enrolled)
    if user.is_facilitator:
        visible |= Q(
            pk__in=Session.facilitators.through.objects.filter(user_id=user.pk).values("session_id")
        )
    return Session.objects.filter(visible)


def sessions_with_register_for(user) -> QuerySet[Session]:
    """The queryset form of `can_take_attendance`."""
    if not _active(user):
        return Session.objects.none()
    registers = Q(cohort__in=cohorts_managed_by(user))
    if user.is_facilitator:
        registers |= Q(
            pk__in=Session.facilitators.through.objects.filter(user_id=user.pk).values("session_id")
        )
    return Session.objects.filter(registers)
