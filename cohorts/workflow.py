"""The application state machine: every allowed transition, and who may make it.

Services call `check()` before changing `Application.state`; anything not listed here is
refused. Permission functions (cohorts.permissions) decide whether a particular person
is the applicant, a reviewer of the cohort or the organisation's sponsor; this table
decides which of those roles may move an application from one state to another.
"""

from enum import StrEnum

from django.utils.translation import gettext as _

from core.errors import ApplicationError

from .models import Application

State = Application.State


class Actor(StrEnum):
    APPLICANT = "applicant"
    REVIEWER = "reviewer"  # a facilitator of the cohort, or a programme admin
    SPONSOR = "sponsor"  # a sponsor of the organisation the application names
    SYSTEM = "system"  # the portal itself: routing, waitlist offers, expiry


A, R, S, SYS = Actor.APPLICANT, Actor.REVIEWER, Actor.SPONSOR, Actor.SYSTEM

TRANSITIONS: dict[tuple[str, str], frozenset[Actor]] = {
    # The applicant finishes the form.
    (State.DRAFT, State.SUBMITTED): frozenset({A}),
    (State.DRAFT, State.WITHDRAWN): frozenset({A}),
    # Routed at once when the cohort asks the organisation's sponsor to approve.
    (State.SUBMITTED, State.AWAITING_SPONSOR): frozenset({SYS}),
    (State.SUBMITTED, State.IN_REVIEW): frozenset({R}),
    (State.SUBMITTED, State.ACCEPTED): frozenset({R}),
    (State.SUBMITTED, State.WAITLISTED): frozenset({R}),
    (State.SUBMITTED, State.REJECTED): frozenset({R}),
    (State.SUBMITTED, State.WITHDRAWN): frozenset({A}),
    # The sponsor endorses or declines; a reviewer may go ahead without an endorsement.
    (State.AWAITING_SPONSOR, State.IN_REVIEW): frozenset({S, R}),
    (State.AWAITING_SPONSOR, State.REJECTED): frozenset({S}),
    (State.AWAITING_SPONSOR, State.WITHDRAWN): frozenset({A}),
    (State.IN_REVIEW, State.ACCEPTED): frozenset({R}),
    (State.IN_REVIEW, State.WAITLISTED): frozenset({R}),
    (State.IN_REVIEW, State.REJECTED): frozenset({R}),
    (State.IN_REVIEW, State.WITHDRAWN): frozenset({A}),
    # A waitlisted person is offered a place when one frees, or by a reviewer.
    (State.WAITLISTED, State.ACCEPTED): frozenset({R, SYS}),
    (State.WAITLISTED, State.REJECTED): frozenset({R}),
    (State.WAITLISTED, State.WITHDRAWN): frozenset({A}),
    # Accepted = a place is held until the applicant confirms it or the offer expires.
    (State.ACCEPTED, State.ENROLLED): frozenset({A, R}),
    (State.ACCEPTED, State.WITHDRAWN): frozenset({A}),
    (State.ACCEPTED, State.REJECTED): frozenset({R}),
    (State.ACCEPTED, State.OFFER_EXPIRED): frozenset({SYS}),
    (State.ENROLLED, State.WITHDRAWN): frozenset({A, R}),
}

# States in which the application itself holds one of the cohort's places. (An enrolled
# application's place is held by its Enrolment.)
HOLDS_PLACE = frozenset({State.ACCEPTED})
# States that count against capacity, one way or the other.
HAS_PLACE = frozenset({State.ACCEPTED, State.ENROLLED})
FINAL = frozenset({State.REJECTED, State.WITHDRAWN, State.OFFER_EXPIRED})
# Waiting for a reviewer's decision.
AWAITING_DECISION = frozenset({State.SUBMITTED, State.IN_REVIEW})


def can_move(from_state: str, to_state: str, actor: Actor) -> bool:
    return actor in TRANSITIONS.get((from_state, to_state), frozenset())


def targets(from_state: str, actor: Actor) -> set[str]:
    """Where `actor` may move an application that is in `from_state`."""
    return {
        to for (frm, to), actors in TRANSITIONS.items() if frm == from_state and actor in actors
    }


def check(from_state: str, to_state: str, actor: Actor) -> None:
    """Raise ApplicationError unless the table allows this transition for this actor."""
    if can_move(from_state, to_state, actor):
        return
    raise ApplicationError(
        _("An application that is “%(from)s” cannot become “%(to)s”.")
        % {"from": State(from_state).label, "to": State(to_state).label},
        {"from_state": from_state, "to_state": to_state, "actor": str(actor)},
    )
