"""Reads for the progress pages: the participant's dashboard, the facilitator's cohort
grid, the sponsor's organisation view and the learning record.

Kept apart from academy.selectors because they gather from several apps (risk,
sessions, applications). Every function here makes the same number of queries however
many people it shows; what each person has done comes from
`academy.completion.progress_for_enrolments`.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from cohorts.models import Application, Cohort, Enrolment
from cohorts.permissions import applications_visible_to_sponsor
from cohorts.selectors import (
    application_list_for_sponsor,
    enrolment_list_for_organisation,
    enrolment_list_for_user,
)
from scheduling.models import Attendance

from .completion import EnrolmentProgress, progress_for_enrolments, rule_in_words
from .risk import risk_summaries_for_cohort

# --- The participant's dashboard --------------------------------------------------------


@dataclass
class DashboardEntry:
    enrolment: Enrolment
    progress: EnrolmentProgress | None
    next_session: object | None

    @property
    def rule_text(self) -> str:
        return rule_in_words(self.progress.rule) if self.progress else ""


def dashboard_entries(user, *, now=None) -> list[DashboardEntry]:
    """Each of the person's places with its progress and next session (withdrawn places
    without progress)."""
    now = now or timezone.now()
    enrolments = list(enrolment_list_for_user(user))
    taking_part = [e for e in enrolments if e.status != Enrolment.Status.WITHDRAWN]
    progress = {p.enrolment.pk: p for p in progress_for_enrolments(taking_part)}
    entries = []
    for enrolment in enrolments:
        found = progress.get(enrolment.pk)
        upcoming = [s for s in found.sessions if s.ends_at > now] if found else []
        entries.append(DashboardEntry(enrolment, found, upcoming[0] if upcoming else None))
    return entries


# --- The facilitator's grid -------------------------------------------------------------

GRID_FILTERS = ("all", "at-risk", "completed", "active")
GRID_SORTS = ("name", "organisation", "status", "materials", "attendance", "progress")


@dataclass
class GridRow:
    progress: EnrolmentProgress
    at_risk: bool

    @property
    def enrolment(self) -> Enrolment:
        return self.progress.enrolment

    def material_cells(self) -> list[bool]:
        return [material.pk in self.progress.done for material in self.progress.materials]

    def session_cells(self) -> list[str]:
        return [self.progress.attendance.get(s.pk, "") for s in self.progress.sessions]


@dataclass
class Grid:
    cohort: Cohort
    materials: list
    sessions: list
    rows: list[GridRow]
    total: int
    completed: int
    at_risk: int

    def material_totals(self) -> list[int]:
        return [
            sum(1 for row in self.rows if material.pk in row.progress.done)
            for material in self.materials
        ]

    def session_totals(self) -> list[int]:
        attended = (Attendance.Status.PRESENT, Attendance.Status.LATE)
        return [
            sum(1 for row in self.rows if row.progress.attendance.get(s.pk) in attended)
            for s in self.sessions
        ]


def _sort_key(sort: str):
    def name(row: GridRow):
        return (row.enrolment.user.full_name.casefold(), row.enrolment.pk)

    keys = {
        "name": name,
        "organisation": lambda row: (
            (
                row.enrolment.user.organisation.name if row.enrolment.user.organisation else ""
            ).casefold(),
            *name(row),
        ),
        "status": lambda row: (row.enrolment.status, *name(row)),
        "materials": lambda row: (row.progress.materials_done, *name(row)),
        "attendance": lambda row: (row.progress.sessions_attended, *name(row)),
        "progress": lambda row: (row.progress.percent, *name(row)),
    }
    return keys.get(sort, name)


def progress_grid_for_cohort(
    cohort: Cohort, *, show: str = "all", sort: str = "name", descending: bool = False
) -> Grid:
    """The cohort's participants (taking part or completed) by materials and sessions.

    "At risk" is academy.risk's definition, as on the cohort home. A fixed number of
    queries for any number of participants.
    """
    enrolments = list(
        Enrolment.objects.filter(
            cohort=cohort, status__in=(Enrolment.Status.ACTIVE, Enrolment.Status.COMPLETED)
        ).select_related("user__organisation", "cohort")
    )
    at_risk = {s.enrolment.pk for s in risk_summaries_for_cohort(cohort) if s.at_risk}
    everyone = [
        GridRow(progress, progress.enrolment.pk in at_risk)
        for progress in progress_for_enrolments(enrolments)
    ]
    rows = everyone
    if show == "at-risk":
        rows = [row for row in everyone if row.at_risk]
    elif show == "completed":
        rows = [row for row in everyone if row.enrolment.status == Enrolment.Status.COMPLETED]
    elif show == "active":
        rows = [row for row in everyone if row.enrolment.status == Enrolment.Status.ACTIVE]
    rows = sorted(rows, key=_sort_key(sort), reverse=descending)
    # Everyone in a cohort has the same course and timetable; nobody, no columns.
    first = everyone[0].progress if everyone else None
    materials, sessions = (first.materials, first.sessions) if first else ([], [])
    return Grid(
        cohort=cohort,
        materials=materials,
        sessions=sessions,
        rows=rows,
        total=len(everyone),
        completed=sum(1 for row in everyone if row.enrolment.status == "completed"),
        at_risk=sum(1 for row in everyone if row.at_risk),
    )


def progress_grid_csv_rows(grid: Grid) -> list[list]:
    """The grid as CSV rows: a header, then one row per participant."""
    header = [
        _("Name"),
        _("E-mail"),
        _("Organisation"),
        _("Status"),
        _("Completed on"),
        _("At risk"),
        _("Progress (%)"),
        _("Required materials done"),
        _("Required materials"),
        _("Sessions attended"),
        _("Sessions"),
        *[_("Material: %(title)s") % {"title": m.title} for m in grid.materials],
        *[
            _("Session: %(title)s (%(date)s)")
            % {"title": s.title, "date": timezone.localdate(s.starts_at).isoformat()}
            for s in grid.sessions
        ],
    ]
    labels = dict(Attendance.Status.choices)
    rows = [header]
    for row in grid.rows:
        progress, user = row.progress, row.enrolment.user
        rows.append(
            [
                user.full_name,
                user.email,
                user.organisation.name if user.organisation else "",
                row.enrolment.get_status_display(),
                row.enrolment.completed_on.isoformat() if row.enrolment.completed_on else "",
                _("yes") if row.at_risk else _("no"),
                progress.percent,
                progress.required_done,
                len(progress.required_materials),
                progress.sessions_attended,
                progress.sessions_total,
                *[_("done") if done else "" for done in row.material_cells()],
                *[str(labels.get(mark, "")) for mark in row.session_cells()],
            ]
        )
    return rows


# --- The sponsor's view -----------------------------------------------------------------


@dataclass
class OrganisationProgress:
    participants: list[EnrolmentProgress]
    applications: QuerySet[Application]


def organisation_progress(user) -> OrganisationProgress:
    """The sponsor's own organisation's people: places with progress, and applications
    and nominations not (yet) on a cohort. Scoped before anything is fetched."""
    enrolments = enrolment_list_for_organisation(user.organisation).select_related(
        "user__organisation"
    )
    applications = application_list_for_sponsor(applications_visible_to_sponsor(user)).exclude(
        state=Application.State.ENROLLED
    )
    return OrganisationProgress(
        participants=progress_for_enrolments(enrolments), applications=applications
    )


def organisation_csv_rows(view: OrganisationProgress) -> list[list]:
    rows = [
        [
            _("Name"),
            _("E-mail"),
            _("Programme"),
            _("Cohort"),
            _("Status"),
            _("Completed on"),
            _("Progress (%)"),
            _("Required materials done"),
            _("Required materials"),
            _("Sessions attended"),
            _("Sessions"),
            _("Attendance (%)"),
        ]
    ]
    for progress in view.participants:
        enrolment = progress.enrolment
        withdrawn = enrolment.status == Enrolment.Status.WITHDRAWN
        rows.append(
            [
                enrolment.user.full_name,
                enrolment.user.email,
                enrolment.cohort.programme.name,
                enrolment.cohort.title,
                enrolment.get_status_display(),
                enrolment.completed_on.isoformat() if enrolment.completed_on else "",
                "" if withdrawn else progress.percent,
                progress.required_done,
                len(progress.required_materials),
                progress.sessions_attended,
                progress.sessions_total,
                "" if progress.attendance_percent is None else progress.attendance_percent,
            ]
        )
    for application in view.applications:
        rows.append(
            [
                application.applicant.full_name,
                application.applicant.email,
                application.cohort.programme.name,
                application.cohort.title,
                application.get_state_display(),
                *[""] * 7,
            ]
        )
    return rows


# --- The learning record ----------------------------------------------------------------


@dataclass
class LearningItem:
    day: dt.date
    is_session: bool
    kind: str
    title: str
    programme: str
    cohort: str
    minutes: int


@dataclass
class LearningRecord:
    items: list[LearningItem]
    session_minutes: int
    material_minutes: int

    @property
    def total_minutes(self) -> int:
        return self.session_minutes + self.material_minutes


def learning_record(user) -> LearningRecord:
    """Sessions attended (their length) and materials done (their estimated time) on
    every place the person has or had, newest first."""
    enrolments = enrolment_list_for_user(user)
    items = []
    for progress in progress_for_enrolments(enrolments):
        cohort = progress.enrolment.cohort
        for session in progress.attended_sessions():
            items.append(
                LearningItem(
                    day=timezone.localdate(session.starts_at),
                    is_session=True,
                    kind=str(_("Session: %(kind)s") % {"kind": session.get_kind_display()}),
                    title=session.title,
                    programme=cohort.programme.name,
                    cohort=cohort.title,
                    minutes=int((session.ends_at - session.starts_at).total_seconds() // 60),
                )
            )
        for material in progress.done_materials():
            items.append(
                LearningItem(
                    day=timezone.localdate(progress.done[material.pk]),
                    is_session=False,
                    kind=str(_("Material: %(kind)s") % {"kind": material.get_kind_display()}),
                    title=material.title,
                    programme=cohort.programme.name,
                    cohort=cohort.title,
                    minutes=material.estimated_minutes or 0,
                )
            )
    items.sort(key=lambda item: (item.day, item.title), reverse=True)
    return LearningRecord(
        items=items,
        session_minutes=sum(item.minutes for item in items if item.is_session),
        material_minutes=sum(item.minutes for item in items if not item.is_session),
    )


def learning_record_csv_rows(record: LearningRecord) -> list[list]:
    rows = [[_("Date"), _("Kind"), _("Title"), _("Programme"), _("Cohort"), _("Hours")]]
    for item in record.items:
        rows.append(
            [item.day.isoformat(), item.kind, item.title, item.programme, item.cohort,
             f"{item.minutes / 60:.2f}"]
        )  # fmt: skip
    rows.append(["", _("Total"), "", "", "", f"{record.total_minutes / 60:.2f}"])
    return rows
