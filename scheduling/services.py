"""Writes for sessions, their registers, calendar addresses and reminders.

Every function is atomic and validates before it saves. Notices to the people a session
concerns go out from the task worker once the change has committed.
"""

import datetime as dt
import secrets
from collections.abc import Iterable, Mapping

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from cohorts.models import Cohort
from core.errors import ApplicationError
from core.tasks import enqueue_on_commit

from . import selectors
from .models import Attendance, CalendarFeed, Session, SessionChange, SessionReminder, venue_key

User = get_user_model()

# A claimed reminder whose e-mail has not gone after this long is queued again (its queue
# entry was lost, or the worker stopped); taking it for sending is atomic, so at most one
# of the copies sends.
REMINDER_REQUEUE_AFTER = dt.timedelta(minutes=10)

# Changes to these tell everyone concerned even without a message: they change where
# to go, how to join or who runs the session.
NOTIFY_FIELDS = {"venue", "access_notes", "joining_link", "facilitators"}


class ClashWarning(ApplicationError):
    """The booking clashes with others. The caller may show them and call again confirmed."""

    def __init__(self, clashes: list[selectors.Clash]):
        super().__init__(
            _("This session clashes with other bookings. Check them before you go on."),
            {
                "clashes": [
                    {
                        "kind": clash.kind,
                        "session": clash.session.pk if clash.session else None,
                        "person": clash.person.pk if clash.person else None,
                    }
                    for clash in clashes
                ]
            },
        )
        self.clashes = clashes


# --- Checks shared by the session services -------------------------------------------


def _check_cohort_open_for_changes(cohort: Cohort) -> None:
    if cohort.status == Cohort.Status.ARCHIVED:
        raise ApplicationError(_("This cohort is archived, so its timetable cannot change."))


def _check_times(starts_at: dt.datetime, ends_at: dt.datetime) -> None:
    if timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
        raise ValueError("Session times must be aware datetimes.")
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The session must end after it starts.")})


def _check_within_cohort_dates(cohort: Cohort, starts_at: dt.datetime, ends_at: dt.datetime):
    first = timezone.localtime(starts_at).date()
    last = timezone.localtime(ends_at).date()
    too_early = cohort.starts_on is not None and first < cohort.starts_on
    too_late = cohort.ends_on is not None and last > cohort.ends_on
    if not (too_early or too_late):
        return
    if cohort.starts_on and cohort.ends_on:
        message = _("The session must fall within the cohort's dates, %(start)s to %(end)s.") % {
            "start": formats.date_format(cohort.starts_on, "j F Y"),
            "end": formats.date_format(cohort.ends_on, "j F Y"),
        }
    elif too_early:
        message = _("The session must be on or after the cohort's start, %(start)s.") % {
            "start": formats.date_format(cohort.starts_on, "j F Y")
        }
    else:
        message = _("The session must be on or before the cohort's end, %(end)s.") % {
            "end": formats.date_format(cohort.ends_on, "j F Y")
        }
    raise ApplicationError(message)


def _check_details(
    *, title: str, kind: str, venue: str, joining_link: str, facilitators: list, capacity
) -> None:
    errors = {}
    if not title:
        errors["title"] = _("Enter a title.")
    if kind not in Session.Kind.values:
        errors["kind"] = _("Choose the type of session.")
    if not venue and not joining_link:
        errors[NON_FIELD_ERRORS] = _("Give a venue address, an online joining link or both.")
    if joining_link:
        try:
            URLValidator(schemes=["https"])(joining_link)
        except ValidationError:
            errors["joining_link"] = _(
                "Enter the full joining link, starting with https:// (for example "
                "https://meet.example.org/session)."
            )
    if not facilitators:
        errors["facilitators"] = _("Choose at least one facilitator.")
    elif any(
        not person.is_active or person.role not in (User.Role.FACILITATOR, User.Role.ADMIN)
        for person in facilitators
    ):
        errors["facilitators"] = _("Only facilitators and programme admins can run a session.")
    if capacity is not None and capacity < 1:
        errors["capacity"] = _("Enter at least 1 place, or leave it empty.")
    if errors:
        raise ValidationError(errors)


def _check_clashes(confirmed: bool, **kwargs) -> None:
    if confirmed:
        return
    clashes = selectors.session_clashes(**kwargs)
    if clashes:
        raise ClashWarning(clashes)


def _lock(session: Session) -> Session:
    return (
        Session.objects.select_for_update(of=("self",)).select_related("cohort").get(pk=session.pk)
    )


def _check_going_ahead(session: Session) -> None:
    if session.is_cancelled:
        raise ApplicationError(_("This session has been cancelled, so it cannot change."))


def _check_not_over(session: Session) -> None:
    if session.has_ended:
        raise ApplicationError(_("This session has already taken place."))


def _record_and_notify(
    session: Session,
    *,
    kind: str,
    actor,
    message: str = "",
    changed_fields: Iterable[str] = (),
    previous: tuple[dt.datetime, dt.datetime] | None = None,
    notify: bool = True,
    also_tell: Iterable = (),
) -> SessionChange:
    change = SessionChange.objects.create(
        session=session,
        kind=kind,
        actor=actor,
        message=message,
        changed_fields=sorted(changed_fields),
        previous_starts_at=previous[0] if previous else None,
        previous_ends_at=previous[1] if previous else None,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        sequence=session.sequence,
    )
    if notify:
        people = {person.pk for person in selectors.session_people(session)}
        people |= {person.pk for person in also_tell if person.is_active}
        people.discard(getattr(actor, "pk", None))
        for user_id in sorted(people):
            enqueue_on_commit("scheduling.tasks.send_session_change_notice", change.pk, user_id)
    return change


# --- Sessions ------------------------------------------------------------------------


@transaction.atomic
def session_schedule(
    *,
    cohort: Cohort,
    actor,
    title: str,
    kind: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    facilitators: Iterable,
    description: str = "",
    venue: str = "",
    access_notes: str = "",
    joining_link: str = "",
    capacity: int | None = None,
    confirm_clashes: bool = False,
) -> Session:
    """Add a session to a cohort's timetable.

    Raises ValidationError naming the field that is wrong; ApplicationError when the
    cohort is archived or the session falls outside the cohort's dates; ClashWarning,
    unless `confirm_clashes`, when a facilitator or the venue is booked elsewhere at
    that time or the room is smaller than the cohort. Nobody is e-mailed: the session
    appears in schedules and calendar feeds, and the reminder goes out before it.
    """
    facilitators = list(facilitators)
    title, venue, joining_link = title.strip(), venue.strip(), joining_link.strip()
    _check_cohort_open_for_changes(cohort)
    _check_times(starts_at, ends_at)
    _check_details(
        title=title,
        kind=kind,
        venue=venue,
        joining_link=joining_link,
        facilitators=facilitators,
        capacity=capacity,
    )
    _check_within_cohort_dates(cohort, starts_at, ends_at)
    _check_clashes(
        confirm_clashes,
        starts_at=starts_at,
        ends_at=ends_at,
        facilitators=facilitators,
        venue=venue,
        capacity=capacity,
        cohort=cohort,
    )
    now = timezone.now()
    session = Session.objects.create(
        cohort=cohort,
        title=title,
        kind=kind,
        description=description.strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        venue=venue,
        venue_key=venue_key(venue),
        access_notes=access_notes.strip(),
        joining_link=joining_link,
        capacity=capacity,
        created_at=now,
        updated_at=now,
    )
    session.facilitators.set(facilitators)
    _record_and_notify(session, kind=SessionChange.Kind.SCHEDULED, actor=actor, notify=False)
    # One more session to attend: someone completed but without a certificate yet may no
    # longer meet the rule.
    _evaluate_completion(session, None, actor)
    return session


@transaction.atomic
def session_reschedule(
    *,
    session: Session,
    actor,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    message: str = "",
    confirm_clashes: bool = False,
) -> Session:
    """Move a session to a new time and tell everyone it concerns, with `message`.

    The session keeps its calendar identifier and its revision goes up, so calendars
    move the event they have. Raises as session_schedule does, and ApplicationError for
    a cancelled or finished session or an unchanged time.
    """
    session = _lock(session)
    _check_cohort_open_for_changes(session.cohort)
    _check_going_ahead(session)
    _check_not_over(session)
    _check_times(starts_at, ends_at)
    if (starts_at, ends_at) == (session.starts_at, session.ends_at):
        raise ApplicationError(_("The session is already at that time."))
    _check_within_cohort_dates(session.cohort, starts_at, ends_at)
    _check_clashes(
        confirm_clashes,
        starts_at=starts_at,
        ends_at=ends_at,
        facilitators=list(session.facilitators.all()),
        venue=session.venue,
        capacity=None,
        cohort=session.cohort,
        exclude=session,
    )
    previous = (session.starts_at, session.ends_at)
    session.starts_at, session.ends_at = starts_at, ends_at
    session.sequence += 1
    session.updated_at = timezone.now()
    session.save(update_fields=["starts_at", "ends_at", "sequence", "updated_at"])
    _record_and_notify(
        session,
        kind=SessionChange.Kind.MOVED,
        actor=actor,
        message=message.strip(),
        changed_fields=["starts_at", "ends_at"],
        previous=previous,
    )
    return session


@transaction.atomic
def session_update(
    *,
    session: Session,
    actor,
    title: str,
    kind: str,
    facilitators: Iterable,
    description: str = "",
    venue: str = "",
    access_notes: str = "",
    joining_link: str = "",
    capacity: int | None = None,
    message: str = "",
    confirm_clashes: bool = False,
) -> Session:
    """Change a session's details (not its time: see session_reschedule).

    Every change raises the revision. Everyone concerned is told when the venue, access
    notes, joining link or facilitators change, or when `message` is given, unless the
    session is over; facilitators taken off the session are told too. Only new
    facilitators, a new venue or a new number of places are checked for clashes, so
    clashes confirmed before are not asked again. Raises ApplicationError when nothing
    changed.
    """
    session = _lock(session)
    _check_cohort_open_for_changes(session.cohort)
    _check_going_ahead(session)
    facilitators = list(facilitators)
    values = {
        "title": title.strip(),
        "kind": kind,
        "description": description.strip(),
        "venue": venue.strip(),
        "access_notes": access_notes.strip(),
        "joining_link": joining_link.strip(),
        "capacity": capacity,
    }
    _check_details(
        title=values["title"],
        kind=kind,
        venue=values["venue"],
        joining_link=values["joining_link"],
        facilitators=facilitators,
        capacity=capacity,
    )
    changed = [name for name, value in values.items() if getattr(session, name) != value]
    current = {person.pk: person for person in session.facilitators.all()}
    added = [person for person in facilitators if person.pk not in current]
    removed = [person for pk, person in current.items() if pk not in {p.pk for p in facilitators}]
    if added or removed:
        changed.append("facilitators")
    if not changed:
        raise ApplicationError(_("You have not changed anything."))
    venue_changed = "venue" in changed and venue_key(values["venue"]) != session.venue_key
    places_changed = "capacity" in changed and capacity is not None
    _check_clashes(
        confirm_clashes or not (added or venue_changed or places_changed),
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        facilitators=added,
        venue=values["venue"] if venue_changed else "",
        capacity=capacity if places_changed else None,
        cohort=session.cohort,
        exclude=session,
    )
    for name, value in values.items():
        setattr(session, name, value)
    session.venue_key = venue_key(session.venue)
    session.sequence += 1
    session.updated_at = timezone.now()
    session.save(
        update_fields=[*values, "venue_key", "sequence", "updated_at"],
    )
    if "facilitators" in changed:
        session.facilitators.set(facilitators)
    message = message.strip()
    _record_and_notify(
        session,
        kind=SessionChange.Kind.CHANGED,
        actor=actor,
        message=message,
        changed_fields=changed,
        # Corrections to a session that has taken place concern nobody's plans.
        notify=not session.has_ended and (bool(message) or bool(NOTIFY_FIELDS & set(changed))),
        also_tell=removed,
    )
    return session


@transaction.atomic
def session_cancel(*, session: Session, actor, reason: str) -> Session:
    """Cancel a session and tell everyone it concerns why.

    The session stays on timetables and in calendar feeds, marked cancelled, so calendar
    apps remove it. Raises ApplicationError for a session already cancelled or over.
    """
    session = _lock(session)
    _check_cohort_open_for_changes(session.cohort)
    _check_going_ahead(session)
    _check_not_over(session)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Tell people why the session is cancelled.")})
    session.status = Session.Status.CANCELLED
    session.cancellation_reason = reason
    session.sequence += 1
    session.updated_at = timezone.now()
    session.save(update_fields=["status", "cancellation_reason", "sequence", "updated_at"])
    _record_and_notify(
        session,
        kind=SessionChange.Kind.CANCELLED,
        actor=actor,
        message=reason,
        changed_fields=["status"],
    )
    # One session fewer to attend: it may complete people.
    _evaluate_completion(session, None, actor)
    return session


# --- The register --------------------------------------------------------------------


def _check_register_open(session: Session, statuses: Iterable[str]) -> None:
    if session.is_cancelled:
        raise ApplicationError(_("This session was cancelled, so it has no register."))
    if timezone.localdate() < session.local_date and any(
        status != Attendance.Status.APOLOGIES for status in statuses
    ):
        raise ApplicationError(_("Until the day of the session you can only record apologies."))


@transaction.atomic
def attendance_record(*, session: Session, actor, marks: Mapping[int, str]) -> int:
    """Save register marks, participant id → status, and return how many changed.

    Marks that are already so are left alone (with who recorded them and when). Raises
    ValidationError for an unknown status and ApplicationError for someone who is not a
    participant of the cohort, a cancelled session, or anything but apologies before the
    day of the session.
    """
    if not marks:
        return 0
    if any(status not in Attendance.Status.values for status in marks.values()):
        raise ValidationError(_("Choose present, late, apologies or absent."))
    _check_register_open(session, marks.values())
    if set(marks) - selectors.cohort_participant_ids(session.cohort):
        raise ApplicationError(_("Only the cohort's participants are in its register."))
    current = dict(
        Attendance.objects.filter(session=session, user_id__in=marks).values_list(
            "user_id", "status"
        )
    )
    now = timezone.now()
    rows = [
        Attendance(session=session, user_id=user_id, status=status, recorded_by=actor,
                   recorded_at=now)
        for user_id, status in sorted(marks.items())
        if current.get(user_id) != status
    ]  # fmt: skip
    # An upsert: a mark someone else saved a moment ago is overwritten, never duplicated.
    Attendance.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["session", "user"],
        update_fields=["status", "recorded_by", "recorded_at"],
    )
    _evaluate_completion(session, [row.user_id for row in rows], actor)
    return len(rows)


@transaction.atomic
def attendance_mark_all_present(*, session: Session, actor) -> int:
    """Mark every participant not yet marked as present; returns how many were.

    Marks already made (apologies, say) are kept, including any saved at the same moment
    by someone else.
    """
    _check_register_open(session, [Attendance.Status.PRESENT])
    marked = set(Attendance.objects.filter(session=session).values_list("user_id", flat=True))
    now = timezone.now()
    rows = [
        Attendance(session=session, user_id=user_id, status=Attendance.Status.PRESENT,
                   recorded_by=actor, recorded_at=now)
        for user_id in sorted(selectors.cohort_participant_ids(session.cohort) - marked)
    ]  # fmt: skip
    Attendance.objects.bulk_create(rows, ignore_conflicts=True)
    _evaluate_completion(session, [row.user_id for row in rows], actor)
    return len(rows)


def _evaluate_completion(session: Session, user_ids: list[int] | None, actor) -> None:
    """Apply the completion rule to the participants whose marks changed (`None`: the
    whole cohort, when the timetable changed): attendance may complete them, or,
    corrected, put them back to taking part."""
    # Imported here: the completion rules read this app's sessions and attendance.
    from academy.completion import enrolments_evaluate_completion

    if user_ids is None:
        enrolments = selectors.enrolment_list_for_cohort_participants(session.cohort)
    elif user_ids:
        enrolments = selectors.enrolment_list_for_participants(session.cohort, user_ids)
    else:
        return
    enrolments_evaluate_completion(enrolments=enrolments, actor=actor)


# --- Calendar addresses --------------------------------------------------------------


@transaction.atomic
def calendar_feed_reset(*, user) -> CalendarFeed:
    """Give the person a new private calendar address; any earlier one stops working."""
    feed, _created = CalendarFeed.objects.update_or_create(
        user=user,
        defaults={"token": secrets.token_urlsafe(32), "created_at": timezone.now()},
    )
    return feed


@transaction.atomic
def calendar_feed_revoke(*, user) -> bool:
    """Turn the person's calendar address off. Returns False if they had none."""
    deleted, _by_model = CalendarFeed.objects.filter(user=user).delete()
    return bool(deleted)


# --- Reminders -----------------------------------------------------------------------


@transaction.atomic
def reminders_claim_due(*, now: dt.datetime | None = None) -> int:
    """Claim every reminder now due and queue its e-mail; returns how many were claimed.

    A claim is a SessionReminder row and its unique constraint admits one per person,
    session and start time, so two runs at once (or a run repeated) remind nobody twice.
    Claims whose e-mail has not gone after a while are queued again: sending takes the
    claim atomically, so a copy never sends a second e-mail.
    """
    now = now or timezone.now()
    lead = dt.timedelta(hours=settings.SESSION_REMINDER_HOURS)
    claimed = []
    for session, user_id in selectors.reminders_due(now=now, lead=lead):
        try:
            with transaction.atomic():
                reminder = SessionReminder.objects.create(
                    session=session, user_id=user_id, starts_at=session.starts_at, claimed_at=now
                )
        except IntegrityError:
            continue  # another run claimed it first
        claimed.append(reminder.pk)
    stale = selectors.reminders_unsent(claimed_before=now - REMINDER_REQUEUE_AFTER, now=now)
    for reminder_id in [*claimed, *stale.values_list("pk", flat=True)]:
        enqueue_on_commit("scheduling.tasks.send_session_reminder", reminder_id)
    return len(claimed)


@transaction.atomic
def reminder_take(*, reminder_id: int) -> SessionReminder | None:
    """Take a claimed reminder for sending, or None if it went already or is not wanted.

    The conditional update is the lock: of two tasks for the same reminder only one sees
    it unsent. A reminder for a session since cancelled or moved is not wanted.
    """
    now = timezone.now()
    taken = SessionReminder.objects.filter(
        pk=reminder_id,
        sent_at__isnull=True,
        session__status=Session.Status.SCHEDULED,
        session__starts_at=F("starts_at"),
        session__starts_at__gt=now,
        user__is_active=True,
    ).update(sent_at=now)
    if not taken:
        return None
    return SessionReminder.objects.select_related("session__cohort__programme", "user").get(
        pk=reminder_id
    )


@transaction.atomic
def reminder_release(*, reminder_id: int) -> None:
    """Give back a reminder whose e-mail could not be sent, so a retry can send it."""
    SessionReminder.objects.filter(pk=reminder_id).update(sent_at=None)
