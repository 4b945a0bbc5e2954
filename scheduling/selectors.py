"""Reads with logic: who is in a cohort, whose schedule holds what, clashes, reminders due.

Cohorts and enrolments belong to the cohorts app; this module is the one place the
scheduling app reads them.
"""

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from cohorts.models import Cohort, Enrolment

from .models import Attendance, Session, SessionReminder, venue_key

User = get_user_model()

# The people a cohort's sessions are for: current participants and those who completed
# (they keep their attendance history); withdrawn people drop out of schedules and feeds.
PARTICIPANT_STATUSES = (Enrolment.Status.ACTIVE, Enrolment.Status.COMPLETED)

# How far back a calendar feed reaches; older sessions only make the file bigger.
FEED_HISTORY = dt.timedelta(days=180)


# --- Cohorts and people --------------------------------------------------------------


def cohort_participants(cohort: Cohort) -> QuerySet:
    """The cohort's participants, by name, with their organisation."""
    return (
        User.objects.filter(enrolments__cohort=cohort, enrolments__status__in=PARTICIPANT_STATUSES)
        .select_related("organisation")
        .order_by("full_name", "pk")
    )


def cohort_participant_ids(cohort: Cohort) -> set[int]:
    return set(
        Enrolment.objects.filter(cohort=cohort, status__in=PARTICIPANT_STATUSES)
        .order_by()
        .values_list("user_id", flat=True)
    )


def cohort_participant_count(cohort: Cohort) -> int:
    return Enrolment.objects.filter(cohort=cohort, status__in=PARTICIPANT_STATUSES).count()


def enrolment_list_for_cohort_participants(cohort: Cohort) -> QuerySet[Enrolment]:
    """The places on `cohort` taking part or completed."""
    return Enrolment.objects.filter(cohort=cohort, status__in=PARTICIPANT_STATUSES).order_by("pk")


def enrolment_list_for_participants(cohort: Cohort, user_ids) -> QuerySet[Enrolment]:
    """The places on `cohort` of these participants (taking part or completed)."""
    return enrolment_list_for_cohort_participants(cohort).filter(user_id__in=user_ids)


def is_cohort_participant(user, cohort: Cohort) -> bool:
    if not user.is_authenticated:
        return False
    return Enrolment.objects.filter(
        cohort=cohort, user=user, status__in=PARTICIPANT_STATUSES
    ).exists()


def is_session_facilitator(user, session: Session) -> bool:
    if not user.is_authenticated:
        return False
    return session.facilitators.filter(pk=user.pk).exists()


def facilitator_choices() -> QuerySet:
    """People who can run a session: active facilitators and programme admins."""
    return User.objects.filter(
        is_active=True, role__in=[User.Role.FACILITATOR, User.Role.ADMIN]
    ).order_by("full_name", "pk")


def session_people(session: Session) -> list:
    """Everyone a session concerns: its cohort's participants and its facilitators."""
    return list(
        User.objects.filter(
            Q(pk__in=_participant_user_ids(session.cohort_id))
            | Q(pk__in=session.facilitators.values("pk")),
            is_active=True,
        ).order_by("pk")
    )


def cohort_list_for_timetables(user) -> QuerySet[Cohort]:
    """Cohorts whose timetable this person follows: as a participant or a facilitator."""
    enrolled = Enrolment.objects.filter(user=user, status__in=PARTICIPANT_STATUSES)
    facilitated = Cohort.facilitators.through.objects.filter(user_id=user.pk)
    return (
        Cohort.objects.filter(
            Q(pk__in=enrolled.values("cohort_id")) | Q(pk__in=facilitated.values("cohort_id"))
        )
        .exclude(status=Cohort.Status.ARCHIVED)
        .select_related("programme")
        .order_by("-starts_on", "pk")
    )


def _participant_user_ids(cohort_id: int) -> QuerySet:
    return Enrolment.objects.filter(cohort_id=cohort_id, status__in=PARTICIPANT_STATUSES).values(
        "user_id"
    )


# --- Sessions ------------------------------------------------------------------------


def _with_facilitators(queryset: QuerySet[Session]) -> QuerySet[Session]:
    return queryset.prefetch_related(
        Prefetch("facilitators", queryset=User.objects.order_by("full_name", "pk"))
    )


def session_list_for_cohort(cohort: Cohort) -> QuerySet[Session]:
    """The cohort's timetable in order, with facilitators and how many marks each has."""
    return _with_facilitators(
        Session.objects.filter(cohort=cohort)
        .select_related("cohort__programme")
        .annotate(marked_count=Count("attendance"))
        .order_by("starts_at", "pk")
    )


def session_get_for_view(pk: int) -> Session | None:
    return _with_facilitators(
        Session.objects.select_related("cohort__programme").filter(pk=pk)
    ).first()


def session_list_for_person(user, *, upcoming: bool, now: dt.datetime | None = None):
    """Sessions this person takes part in or facilitates, upcoming or past.

    Upcoming sessions (not yet ended) come soonest first; past ones latest first. Each
    session carries `my_attendance` (a list of at most one record) and `i_facilitate`.
    """
    now = now or timezone.now()
    queryset = _sessions_of(user).select_related("cohort__programme")
    if upcoming:
        queryset = queryset.filter(ends_at__gt=now).order_by("starts_at", "pk")
    else:
        queryset = queryset.filter(ends_at__lte=now).order_by("-starts_at", "-pk")
    return _with_facilitators(
        queryset.annotate(
            i_facilitate=Exists(
                Session.facilitators.through.objects.filter(
                    session_id=OuterRef("pk"), user_id=user.pk
                )
            )
        ).prefetch_related(
            Prefetch(
                "attendance",
                queryset=Attendance.objects.filter(user=user),
                to_attr="my_attendance",
            )
        )
    )


def _sessions_of(user) -> QuerySet[Session]:
    enrolled = Enrolment.objects.filter(user=user, status__in=PARTICIPANT_STATUSES).values(
        "cohort_id"
    )
    facilitated = Session.facilitators.through.objects.filter(user_id=user.pk).values("session_id")
    # A UNION of the two short lists, not an OR of two IN subqueries: with the OR,
    # PostgreSQL reads every scheduled session in the portal and filters (216 ms over
    # 40,000 sessions in docs/performance.md); the UNION reads the person's own by index.
    of_cohorts = Session.objects.filter(cohort_id__in=enrolled).order_by().values("pk")
    return Session.objects.filter(pk__in=of_cohorts.union(facilitated.order_by()))


def session_next_for_person(user, *, now: dt.datetime | None = None) -> Session | None:
    """The next session (or the one under way) that is going ahead, for the dashboard."""
    now = now or timezone.now()
    return (
        session_list_for_person(user, upcoming=True, now=now)
        .filter(status=Session.Status.SCHEDULED)
        .first()
    )


def session_list_for_feed(user, *, now: dt.datetime | None = None) -> QuerySet[Session]:
    """The sessions in a person's calendar feed, cancelled ones included.

    Cancelled sessions stay in the feed (with STATUS:CANCELLED) so calendar apps take them
    off people's calendars instead of leaving them there.
    """
    now = now or timezone.now()
    return _with_facilitators(
        _sessions_of(user)
        .filter(ends_at__gte=now - FEED_HISTORY)
        .select_related("cohort__programme")
        .order_by("starts_at", "pk")
    )


def attendance_for_person(user, session: Session) -> Attendance | None:
    return Attendance.objects.filter(session=session, user=user).first()


# --- The register --------------------------------------------------------------------


@dataclass
class RegisterRow:
    participant: object
    attendance: Attendance | None

    @property
    def status(self) -> str:
        return self.attendance.status if self.attendance else ""


def register_rows(session: Session) -> list[RegisterRow]:
    """One row per participant of the session's cohort, with their mark if they have one."""
    marks = {
        mark.user_id: mark
        for mark in Attendance.objects.filter(session=session).select_related("recorded_by")
    }
    return [
        RegisterRow(participant=person, attendance=marks.get(person.pk))
        for person in cohort_participants(session.cohort)
    ]


def register_summary(rows: list[RegisterRow]) -> dict:
    counts = Counter(row.status for row in rows if row.status)
    return {
        "total": len(rows),
        "unmarked": sum(1 for row in rows if not row.status),
        "counts": [
            (value, label, counts.get(value, 0)) for value, label in Attendance.Status.choices
        ],
    }


# --- Clashes -------------------------------------------------------------------------


@dataclass(frozen=True)
class Clash:
    """Something that makes a booking doubtful. `kind` is facilitator, venue or capacity."""

    kind: str
    session: Session | None = None
    person: object = None
    capacity: int | None = None
    participants: int = 0


def session_clashes(
    *,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    facilitators,
    venue: str,
    capacity: int | None,
    cohort: Cohort,
    exclude: Session | None = None,
) -> list[Clash]:
    """Other sessions, in any cohort, that overlap in time and share a facilitator or venue.

    Overlap is strict: a session ending at 12:00 and another starting at 12:00 do not
    clash. Cancelled sessions hold nothing. A capacity smaller than the cohort is reported
    too, as something to confirm.
    """
    overlapping = Session.objects.filter(
        status=Session.Status.SCHEDULED, starts_at__lt=ends_at, ends_at__gt=starts_at
    ).select_related("cohort")
    if exclude is not None:
        overlapping = overlapping.exclude(pk=exclude.pk)
    clashes = []
    people = {person.pk: person for person in facilitators}
    if people:
        booked = (
            Session.facilitators.through.objects.filter(
                user_id__in=list(people), session__in=overlapping
            )
            .select_related("session__cohort")
            .order_by("session__starts_at", "session_id", "user_id")
        )
        clashes += [
            Clash(kind="facilitator", session=row.session, person=people[row.user_id])
            for row in booked
        ]
    key = venue_key(venue or "")
    if key:
        clashes += [
            Clash(kind="venue", session=session)
            for session in overlapping.filter(venue_key=key).order_by("starts_at", "pk")
        ]
    if capacity is not None:
        participants = cohort_participant_count(cohort)
        if participants > capacity:
            clashes.append(Clash(kind="capacity", capacity=capacity, participants=participants))
    return clashes


# --- Reminders -----------------------------------------------------------------------


def reminders_due(*, now: dt.datetime, lead: dt.timedelta) -> list[tuple[Session, int]]:
    """(session, person id) pairs owed a reminder now and not yet claimed.

    Sessions going ahead that start after `now` and no later than `now + lead`; people are
    the cohort's participants and the session's facilitators.
    """
    sessions = list(
        Session.objects.filter(
            status=Session.Status.SCHEDULED, starts_at__gt=now, starts_at__lte=now + lead
        )
        .prefetch_related("facilitators")
        .order_by("starts_at", "pk")
    )
    if not sessions:
        return []
    participants: dict[int, set[int]] = {}
    for cohort_id, user_id in Enrolment.objects.filter(
        cohort_id__in={s.cohort_id for s in sessions},
        status__in=PARTICIPANT_STATUSES,
        user__is_active=True,
    ).values_list("cohort_id", "user_id"):
        participants.setdefault(cohort_id, set()).add(user_id)
    claimed = set(
        SessionReminder.objects.filter(session__in=sessions).values_list(
            "session_id", "user_id", "starts_at"
        )
    )
    due = []
    for session in sessions:
        people = participants.get(session.cohort_id, set()) | {
            person.pk for person in session.facilitators.all() if person.is_active
        }
        due += [
            (session, user_id)
            for user_id in sorted(people)
            if (session.pk, user_id, session.starts_at) not in claimed
        ]
    return due


def reminders_unsent(*, claimed_before: dt.datetime, now: dt.datetime) -> QuerySet:
    """Claimed reminders whose e-mail has not gone, for sessions still to come at that time."""
    return SessionReminder.objects.filter(
        sent_at__isnull=True,
        claimed_at__lt=claimed_before,
        session__status=Session.Status.SCHEDULED,
        session__starts_at=F("starts_at"),
        session__starts_at__gt=now,
        user__is_active=True,
    )
