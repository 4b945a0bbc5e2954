"""A cohort's lifecycle: the only moves between statuses, and what opening needs.

draft → open → closed → running → completed → archived, one step at a time, by name.
Anything else is refused with a message that says what the cohort can do next.
`cohorts.services.cohort_transition` is the only writer of `Cohort.status`.
"""

from dataclasses import dataclass

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import ApplicationError

from .models import Cohort

Status = Cohort.Status


@dataclass(frozen=True)
class Move:
    action: str
    from_status: str
    to_status: str
    label: Promise  # the button
    done: Promise  # the confirmation message


MOVES = [
    Move(
        "open",
        Status.DRAFT,
        Status.OPEN,
        gettext_lazy("Open applications"),
        gettext_lazy("Applications are open: the cohort is on the programme's public page."),
    ),
    Move(
        "close",
        Status.OPEN,
        Status.CLOSED,
        gettext_lazy("Close applications"),
        gettext_lazy("Applications are closed. Reviewers can still decide the ones received."),
    ),
    Move(
        "start",
        Status.CLOSED,
        Status.RUNNING,
        gettext_lazy("Start the cohort"),
        gettext_lazy("The cohort is under way."),
    ),
    Move(
        "complete",
        Status.RUNNING,
        Status.COMPLETED,
        gettext_lazy("Mark the cohort completed"),
        gettext_lazy("The cohort is completed."),
    ),
    Move(
        "archive",
        Status.COMPLETED,
        Status.ARCHIVED,
        gettext_lazy("Archive the cohort"),
        gettext_lazy("The cohort is archived: it is kept as a record and no longer changes."),
    ),
]
BY_ACTION = {move.action: move for move in MOVES}
BY_FROM_STATUS = {move.from_status: move for move in MOVES}


def next_move(cohort: Cohort) -> Move | None:
    """The one move the cohort can make from where it is (None once archived)."""
    return BY_FROM_STATUS.get(cohort.status)


def check(cohort: Cohort, action: str) -> Move:
    """The move named `action`, or ApplicationError saying why the cohort cannot make it."""
    move = BY_ACTION.get(action)
    if move is None:
        raise ApplicationError(_("Choose what to do with the cohort."))
    if cohort.status != move.from_status:
        possible = next_move(cohort)
        if possible is None:
            raise ApplicationError(
                _("This cohort is %(status)s: its status can no longer change.")
                % {"status": cohort.get_status_display().lower()}
            )
        raise ApplicationError(
            _(
                "A cohort that is “%(status)s” cannot go to “%(to)s”. "
                "The next step for this cohort is: %(next)s."
            )
            % {
                "status": cohort.get_status_display(),
                "to": Status(move.to_status).label,
                "next": possible.label,
            }
        )
    if move.to_status == Status.OPEN:
        problems = problems_before_opening(cohort)
        if problems:
            raise ApplicationError(
                _("The cohort cannot open yet: %(problems)s") % {"problems": " ".join(problems)}
            )
    return move


def problems_before_opening(cohort: Cohort, *, now=None) -> list[str]:
    """What is missing before applications can open, one sentence each (empty when ready)."""
    now = now or timezone.now()
    problems = []
    if cohort.starts_on is None or cohort.ends_on is None:
        problems.append(_("Set the dates it starts and ends."))
    if not cohort.capacity:
        problems.append(_("Set the number of places."))
    if cohort.applications_open_at is None or cohort.applications_close_at is None:
        problems.append(_("Set when applications open and close."))
    elif cohort.applications_close_at <= now:
        problems.append(_("The application window has already ended: set a later closing time."))
    return problems
