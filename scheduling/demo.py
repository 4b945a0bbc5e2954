"""Demo timetables: past sessions with attendance and upcoming ones, free of clashes.

Days are counted from today (running cohorts) or from the cohort's start (open ones) and
land on weekdays; a session that would overlap another of the same facilitator or venue
moves to the next free weekday, so the demo never shows a clash it did not mean to.
"""

import datetime as dt

from django.utils import timezone

from . import selectors
from .models import Attendance, Session, SessionChange, venue_key

CARDIFF = "Room 2.14, Tramshed Tech\nPendyris Street\nCardiff CF11 6BH"
CARDIFF_ACCESS = (
    "Step-free entrance on Pendyris Street, lift to the second floor, hearing loop in the "
    "room. Accessible toilets on every floor."
)
MANCHESTER = "Training Room 3, Manchester Central Library\nSt Peter's Square\nManchester M2 5PD"
MANCHESTER_ACCESS = "Step-free entrance from St Peter's Square. Quiet room on the ground floor."
EDINBURGH = "The Hub, Castlehill\nRoyal Mile\nEdinburgh EH1 2NE"
EDINBURGH_ACCESS = "Level access from Castlehill; ask at reception for the hearing loop."

PRIYA = "facilitator@example.org"
TOM = "facilitator2@example.org"

Kind = Session.Kind

# cohort, title, kind, day (from today, or from the start of an open cohort), start, end,
# venue and access notes, online?, facilitators, description
SESSIONS = [
    ("la-running", "Welcome and programme launch", Kind.WORKSHOP, -38, "10:00", "16:00",
     (CARDIFF, CARDIFF_ACCESS), False, [PRIYA, TOM],
     "Meet your cohort, agree how we will work together and set your learning goals."),
    ("la-running", "Leading digital change in public services", Kind.WEBINAR, -33, "14:00",
     "15:30", None, True, [PRIYA], ""),
    ("la-running", "Coaching circles 1", Kind.COACHING, -26, "09:30", "11:00", None, True,
     [TOM], "Small-group coaching on a live challenge from your own work."),
    ("la-running", "Masterclass: Data-informed decisions", Kind.MASTERCLASS, -19, "13:00",
     "16:00", (CARDIFF, CARDIFF_ACCESS), True, [PRIYA], ""),
    ("la-running", "Coaching circles 2", Kind.COACHING, -12, "09:30", "11:00", None, True,
     [TOM], ""),
    ("la-running", "Workshop: Service design for leaders", Kind.WORKSHOP, -5, "10:00", "16:00",
     (CARDIFF, CARDIFF_ACCESS), False, [PRIYA, TOM], ""),
    ("la-running", "Budgets and business cases", Kind.WEBINAR, 2, "14:00", "15:30", None, True,
     [PRIYA], "Bring a business case you are writing or reviewing."),
    ("la-running", "Coaching circles 3", Kind.COACHING, 8, "09:30", "11:00", None, True, [TOM],
     ""),
    ("la-running", "Masterclass: Cyber security for leaders", Kind.MASTERCLASS, 15, "13:00",
     "16:00", (CARDIFF, CARDIFF_ACCESS), True, [PRIYA], ""),
    ("la-running", "Workshop: Leading teams through change", Kind.WORKSHOP, 22, "10:00", "16:00",
     (CARDIFF, CARDIFF_ACCESS), False, [PRIYA, TOM], ""),
    ("la-running", "Coaching circles 4", Kind.COACHING, 36, "09:30", "11:00", None, True, [TOM],
     ""),
    ("la-running", "Showcase and next steps", Kind.WORKSHOP, 50, "10:00", "15:00",
     (CARDIFF, CARDIFF_ACCESS), False, [PRIYA, TOM], ""),
    ("ewdw-running", "Welcome and introductions", Kind.WEBINAR, -24, "12:30", "14:00", None, True,
     [PRIYA], "Meet the cohort and hear how the programme works."),
    ("ewdw-running", "Confidence and presence", Kind.WORKSHOP, -18, "10:00", "12:30", None, True,
     [PRIYA], ""),
    ("ewdw-running", "Negotiating for yourself and your team", Kind.WORKSHOP, -11, "10:00",
     "12:30", None, True, [PRIYA], ""),
    ("ewdw-running", "Peer coaching trios", Kind.COACHING, -4, "15:00", "16:30", None, True,
     [PRIYA], ""),
    ("ewdw-running", "Building your network", Kind.WEBINAR, 3, "12:30", "14:00", None, True,
     [PRIYA], ""),
    ("ewdw-running", "Leading with resilience", Kind.WORKSHOP, 10, "10:00", "12:30", None, True,
     [PRIYA], ""),
    ("ewdw-running", "Peer coaching trios 2", Kind.COACHING, 17, "15:00", "16:30", None, True,
     [PRIYA], ""),
    ("ewdw-running", "Your personal leadership plan", Kind.WORKSHOP, 31, "10:00", "12:30", None,
     True, [PRIYA], ""),
    ("la-open", "Welcome and programme launch", Kind.WORKSHOP, 1, "10:00", "16:00",
     (MANCHESTER, MANCHESTER_ACCESS), False, [PRIYA], ""),
    ("la-open", "Leading digital change in public services", Kind.WEBINAR, 8, "14:00", "15:30",
     None, True, [PRIYA], ""),
    ("ewdw-open", "Welcome and introductions", Kind.WORKSHOP, 1, "10:00", "15:00",
     (EDINBURGH, EDINBURGH_ACCESS), False, [PRIYA, TOM], ""),
    ("ewdw-open", "Confidence and presence", Kind.WORKSHOP, 9, "10:00", "15:00",
     (EDINBURGH, EDINBURGH_ACCESS), False, [PRIYA], ""),
]  # fmt: skip

BIRMINGHAM = "The Exchange, 3 Centenary Square\nBirmingham B1 2DR"
BIRMINGHAM_ACCESS = "Step-free entrance from Centenary Square, lift to every floor."

# Last year's Leadership Academy cohort, which its participants completed and which a
# facilitator can run again. Days from its start. Seeded once its people are in
# (after the certificates demo), so the registers are full.
LAST_YEAR_SESSIONS = [
    ("la-last-year", "Launch day in Birmingham", Kind.WORKSHOP, 0, "10:00", "16:00",
     (BIRMINGHAM, BIRMINGHAM_ACCESS), False, [PRIYA, TOM],
     "Meet your cohort, agree how we will work together and set your learning goals."),
    ("la-last-year", "Webinar: Digital change in public services", Kind.WEBINAR, 14, "14:00",
     "15:30", None, True, [PRIYA], ""),
    ("la-last-year", "Coaching circle: live challenges", Kind.COACHING, 35, "09:30", "11:00",
     None, True, [TOM], "Small-group coaching on a live challenge from your own work."),
    ("la-last-year", "Masterclass: Using data to decide", Kind.MASTERCLASS, 56, "13:00",
     "16:00", (BIRMINGHAM, BIRMINGHAM_ACCESS), True, [PRIYA], ""),
    ("la-last-year", "Workshop: Designing services with users", Kind.WORKSHOP, 98, "10:00",
     "16:00", (BIRMINGHAM, BIRMINGHAM_ACCESS), False, [PRIYA, TOM], ""),
    ("la-last-year", "Showcase and celebration", Kind.WORKSHOP, 154, "10:00", "15:00",
     (BIRMINGHAM, BIRMINGHAM_ACCESS), False, [PRIYA, TOM], ""),
]  # fmt: skip

# One upcoming session is cancelled, to show how that looks.
CANCELLED = {
    ("la-running", "Coaching circles 4"): "Tom is away that week; the circle moves to the "
    "following session."
}

# Mostly present, with the odd late arrival, apology and absence.
PATTERN = ["present", "present", "late", "present", "present", "apologies", "present",
           "present", "present", "absent", "present"]  # fmt: skip


def _aware(day: dt.date, clock: str) -> dt.datetime:
    hour, minute = (int(part) for part in clock.split(":"))
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _place(day, start, end, keys, booked, step):
    """The first weekday from `day`, stepping by `step`, with none of `keys` booked."""
    while True:
        starts_at, ends_at = _aware(day, start), _aware(day, end)
        if day.weekday() < 5 and not any(
            s < ends_at and e > starts_at for key in keys for s, e in booked.get(key, [])
        ):
            for key in keys:
                booked.setdefault(key, []).append((starts_at, ends_at))
            return starts_at, ends_at
        day += dt.timedelta(days=step)


def seed(*, cohorts, people, specs=SESSIONS) -> list[Session]:
    today = timezone.localdate()
    booked: dict[str, list] = {}
    sessions = []
    for index, spec in enumerate(specs):
        key, title, kind, offset, start, end, place, online, leads, description = spec
        cohort = cohorts[key]
        running = key.endswith("-running")
        anchor = today if running else cohort.starts_on
        venue, access = place or ("", "")
        slug = f"{key}-{index}"
        joining_link = f"https://meet.example.org/academy/{slug}" if online else ""
        starts_at, ends_at = _place(
            anchor + dt.timedelta(days=offset),
            start,
            end,
            [*leads, venue_key(venue)] if venue else leads,
            booked,
            -1 if offset < 0 else 1,
        )
        values = {
            "kind": kind,
            "description": description,
            "starts_at": starts_at,
            "ends_at": ends_at,
            "venue": venue,
            "venue_key": venue_key(venue),
            "access_notes": access,
            "joining_link": joining_link,
        }
        facilitators = [people[email] for email in leads]
        session = Session.objects.filter(cohort=cohort, title=title).first()
        if session is None:
            session = Session.objects.create(cohort=cohort, title=title, **values)
            session.facilitators.set(facilitators)
            _record(session, SessionChange.Kind.SCHEDULED, facilitators[0])
        elif any(getattr(session, name) != value for name, value in values.items()):
            # A later re-seed moves the relative dates: a calendar must see a new revision.
            for name, value in values.items():
                setattr(session, name, value)
            session.sequence += 1
            session.updated_at = timezone.now()
            session.save()
            session.facilitators.set(facilitators)
        reason = CANCELLED.get((key, title))
        if reason and not session.is_cancelled:
            session.status = Session.Status.CANCELLED
            session.cancellation_reason = reason
            session.sequence += 1
            session.updated_at = timezone.now()
            session.save(update_fields=["status", "cancellation_reason", "sequence", "updated_at"])
            _record(session, SessionChange.Kind.CANCELLED, facilitators[0], reason)
        if session.ends_at < timezone.now() and not session.is_cancelled:
            _take_register(session, index, facilitators[0])
        sessions.append(session)
    return sessions


def _record(session, kind, actor, message=""):
    SessionChange.objects.create(
        session=session,
        kind=kind,
        actor=actor,
        message=message,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        sequence=session.sequence,
    )


def _take_register(session, index, facilitator):
    for position, person in enumerate(selectors.cohort_participants(session.cohort)):
        Attendance.objects.get_or_create(
            session=session,
            user=person,
            defaults={
                "status": PATTERN[(index * 3 + position * 5) % len(PATTERN)],
                "recorded_by": facilitator,
                "recorded_at": session.ends_at,
            },
        )
