"""Sessions as iCalendar (RFC 5545): one .ics per session and a feed per person.

Times are written with TZID=Europe/London and a VTIMEZONE generated from the time zone
database, so calendar apps show the wall-clock time the facilitator entered, on either
side of the clock changes. Each session keeps its UID for ever and its SEQUENCE rises with
every change, so a calendar updates the event it has rather than adding another.
"""

import datetime as dt
import uuid
from collections.abc import Iterable

import icalendar
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Session

PRODID = "-//Academy portal//Sessions//EN"
# How often calendar apps that honour it should fetch a feed again.
FEED_REFRESH = dt.timedelta(hours=1)


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _description(session: Session) -> str:
    lines = [f"{session.cohort.programme.name}: {session.cohort.title}"]
    lines.append(_("Type of session: %(kind)s") % {"kind": session.get_kind_display()})
    if session.is_cancelled:
        lines.append(_("Cancelled: %(reason)s") % {"reason": session.cancellation_reason})
    if session.joining_link:
        lines.append(_("Join online: %(link)s") % {"link": session.joining_link})
    if session.venue:
        lines.append(_("Venue: %(venue)s") % {"venue": ", ".join(session.venue.splitlines())})
    if session.access_notes:
        lines.append(_("Access: %(notes)s") % {"notes": session.access_notes})
    facilitators = ", ".join(person.full_name for person in session.facilitators.all())
    if facilitators:
        lines.append(_("Facilitators: %(names)s") % {"names": facilitators})
    if session.description:
        lines += ["", session.description]
    lines += ["", _("Details: %(url)s") % {"url": _absolute(session.get_absolute_url())}]
    return "\n".join(lines)


def _location(session: Session) -> str:
    if session.venue:
        return ", ".join(line.strip() for line in session.venue.splitlines() if line.strip())
    return session.joining_link


def session_event(session: Session) -> icalendar.Event:
    """The VEVENT for a session; needs its cohort, programme and facilitators loaded."""
    zone = timezone.get_default_timezone()
    summary = session.title
    if session.is_cancelled:
        summary = _("Cancelled: %(title)s") % {"title": session.title}
    event = icalendar.Event.new(
        uid=str(session.uid),
        sequence=session.sequence,
        # The time this version of the event was made, so the same version always has
        # the same DTSTAMP and a calendar app sees nothing new until something changes.
        stamp=session.updated_at.astimezone(dt.UTC),
        created=session.created_at.astimezone(dt.UTC),
        last_modified=session.updated_at.astimezone(dt.UTC),
        start=session.starts_at.astimezone(zone),
        end=session.ends_at.astimezone(zone),
        summary=summary,
        description=_description(session),
        location=_location(session),
        url=session.joining_link or _absolute(session.get_absolute_url()),
        categories=[session.get_kind_display()],
        status="CANCELLED" if session.is_cancelled else "CONFIRMED",
        transparency="TRANSPARENT" if session.is_cancelled else "OPAQUE",
    )
    if session.joining_link:
        event.add(
            "conference",
            session.joining_link,
            parameters={"VALUE": "URI", "FEATURE": "VIDEO", "LABEL": _("Join online")},
        )
    return event


def calendar_uid(kind: str, key) -> uuid.UUID:
    """A calendar's own identifier (RFC 7986), the same every time it is fetched."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"academy-portal:{kind}:{key}")


def calendar_for_sessions(sessions: Iterable[Session], *, name: str, uid: uuid.UUID) -> bytes:
    """A whole calendar: the sessions' events and the Europe/London VTIMEZONE they use.

    The same sessions give the same bytes, so a calendar app polling it sees nothing
    new until something changes.
    """
    sessions = list(sessions)
    calendar = icalendar.Calendar.new(
        uid=uid,
        prodid=PRODID,
        method="PUBLISH",
        name=name,
        refresh_interval=FEED_REFRESH,
    )
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    calendar.add("calscale", "GREGORIAN")
    for session in sessions:
        calendar.add_component(session_event(session))
    # The VTIMEZONE covers the span of the events (a day either side), which keeps it to
    # a few lines; with no events it still comes, so the calendar is never empty.
    today = timezone.localdate()
    first = min((timezone.localtime(s.starts_at).date() for s in sessions), default=today)
    last = max((timezone.localtime(s.ends_at).date() for s in sessions), default=today)
    calendar.add_component(
        icalendar.Timezone.from_tzid(
            settings.TIME_ZONE,
            first_date=first - dt.timedelta(days=1),
            last_date=last + dt.timedelta(days=1),
        )
    )
    # VTIMEZONE first, before the events that refer to it.
    calendar.subcomponents.sort(key=lambda component: component.name != "VTIMEZONE")
    return calendar.to_ical()
