"""Completion rules: where each participant stands, and moving them to completed.

One reading of the rule (`progress_for_enrolments`) serves the participant's dashboard,
the facilitator's grid, the sponsor's view and the learning record, in a fixed number of
queries however many people it reads. One writer (`enrolment_evaluate_completion`) is
called whenever something the rule looks at changes: a material marked done or not
done, a register saved, a reflection accepted or returned, the rule itself changed.

The rule of a programme (`CompletionRule`, or the default: every required material and
80 % of sessions):

- **materials**: every published required material of the cohort's course, in shared
  modules and the cohort's own, locked ones included (so nobody completes before the
  course has been released). Optional materials never count.
- **attendance**: present or late at no fewer than the percentage of the cohort's
  sessions that are not cancelled, rounded up (80 % of 11 sessions is 9). Future
  sessions count, so a participant completes once they have attended enough of the
  whole timetable; a cohort without sessions asks for none.
- **reflection** (when asked): the final reflection accepted by a facilitator.

Completion moves the enrolment to completed with today's date and, after the
transaction commits, asks `certificates.services.certificate_request_for_enrolment`
for the certificate. If a correction (attendance, usually) means the rule is no longer
met, the enrolment goes back to taking part, but only while no certificate has been
issued: a certificate still waiting for its PDF is withdrawn
(`certificate_withdraw_unissued`); once one has been issued, the completion stands and
a facilitator revokes the certificate if it must go.
"""

import datetime as dt
import logging
import math
from dataclasses import dataclass, field
from functools import partial

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from audit.services import audit_record
from certificates import services as certificate_services
from cohorts import services as cohort_services
from cohorts.models import Enrolment
from core.errors import ApplicationError
from scheduling.models import Attendance, Session

from .models import CompletionRule, Material, MaterialProgress, Programme, Reflection

logger = logging.getLogger(__name__)

ATTENDED = (Attendance.Status.PRESENT, Attendance.Status.LATE)
COMPLETED, REOPENED, UNCHANGED = "completed", "reopened", "unchanged"


def rule_in_words(rule: CompletionRule) -> str:
    """The rule as a participant reads it, for example "Do every required material and
    attend at least 80% of the sessions."."""
    parts = []
    if rule.requires_materials:
        parts.append(_("do every required material"))
    if rule.minimum_attendance_percent:
        parts.append(
            _("attend at least %(percent)s%% of the sessions")
            % {"percent": rule.minimum_attendance_percent}
        )
    if rule.requires_reflection:
        parts.append(_("have your final reflection accepted by a facilitator"))
    if not parts:
        return _("Everyone who takes part completes.")
    if len(parts) == 1:
        text = parts[0]
    else:
        text = _("%(first)s and %(last)s") % {"first": ", ".join(parts[:-1]), "last": parts[-1]}
    return _("To complete: %(rule)s.") % {"rule": text}


@dataclass
class EnrolmentProgress:
    """Where one participant stands against their programme's rule."""

    enrolment: Enrolment
    rule: CompletionRule
    materials: list[Material]
    done: dict[int, dt.datetime]
    sessions: list[Session]
    attendance: dict[int, str]
    reflection: Reflection | None
    today: dt.date = field(default_factory=timezone.localdate)

    # --- Materials
    @property
    def required_materials(self) -> list[Material]:
        return [material for material in self.materials if material.is_required]

    @property
    def required_done(self) -> int:
        return sum(1 for material in self.required_materials if material.pk in self.done)

    @property
    def materials_done(self) -> int:
        return sum(1 for material in self.materials if material.pk in self.done)

    @property
    def materials_met(self) -> bool:
        return not self.rule.requires_materials or self.required_done == len(
            self.required_materials
        )

    # --- Sessions
    @property
    def sessions_total(self) -> int:
        return len(self.sessions)

    @property
    def sessions_attended(self) -> int:
        return sum(1 for session in self.sessions if self.attendance.get(session.pk) in ATTENDED)

    @property
    def sessions_needed(self) -> int:
        # Rounded up: 80 % of 11 sessions is 9, never 8.
        return math.ceil(self.rule.minimum_attendance_percent * self.sessions_total / 100)

    @property
    def attendance_percent(self) -> int | None:
        if not self.sessions_total:
            return None
        return round(100 * self.sessions_attended / self.sessions_total)

    @property
    def attendance_met(self) -> bool:
        return self.sessions_attended >= self.sessions_needed

    # --- Reflection
    @property
    def reflection_met(self) -> bool:
        return not self.rule.requires_reflection or (
            self.reflection is not None and self.reflection.status == Reflection.Status.ACCEPTED
        )

    @property
    def met(self) -> bool:
        # A rule with nothing to do (no required material, no session, no reflection)
        # completes nobody: the course is not ready, not finished.
        return bool(self.steps) and (
            self.materials_met and self.attendance_met and self.reflection_met
        )

    # --- For people
    @property
    def steps(self) -> int:
        """How many steps the rule asks for: each required material, each session
        needed and the reflection count as one."""
        total = self.sessions_needed + int(self.rule.requires_reflection)
        if self.rule.requires_materials:
            total += len(self.required_materials)
        return total

    @property
    def percent(self) -> int:
        """How far along the rule, 0–100, in steps."""
        if not self.steps:
            return 0
        done = min(self.sessions_attended, self.sessions_needed)
        if self.rule.requires_materials:
            done += self.required_done
        if self.rule.requires_reflection:
            done += int(self.reflection_met)
        return 100 * done // self.steps

    @property
    def missing(self) -> list[str]:
        """What is still to do, in plain words (empty once the rule is met)."""
        if not self.steps:
            return [_("required materials or sessions, which the course does not have yet")]
        missing = []
        if not self.materials_met:
            left = len(self.required_materials) - self.required_done
            missing.append(
                ngettext(
                    "%(count)s required material to do",
                    "%(count)s required materials to do",
                    left,
                )
                % {"count": left}
            )
        if not self.attendance_met:
            left = self.sessions_needed - self.sessions_attended
            missing.append(
                ngettext(
                    "%(count)s more session to attend",
                    "%(count)s more sessions to attend",
                    left,
                )
                % {"count": left}
            )
        if not self.reflection_met:
            if self.reflection is None:
                missing.append(_("your final reflection to write"))
            elif self.reflection.status == Reflection.Status.RETURNED:
                missing.append(_("your final reflection to change and send again"))
            else:
                missing.append(_("your final reflection to be accepted by a facilitator"))
        return missing

    @property
    def next_material(self) -> Material | None:
        """The first required material not done whose module is open, else any such."""
        waiting = [material for material in self.materials if material.pk not in self.done]
        starts_on = self.enrolment.cohort.starts_on
        open_now = [
            material
            for material in waiting
            if (opens := material.module.opens_on(starts_on)) is not None and opens <= self.today
        ]
        required = [material for material in open_now if material.is_required]
        return (required or open_now or [None])[0]

    # --- Learning record
    def attended_sessions(self) -> list[Session]:
        return [session for session in self.sessions if self.attendance.get(session.pk) in ATTENDED]

    def done_materials(self) -> list[Material]:
        return [material for material in self.materials if material.pk in self.done]

    @property
    def session_minutes(self) -> int:
        return sum(
            int((session.ends_at - session.starts_at).total_seconds() // 60)
            for session in self.attended_sessions()
        )

    @property
    def material_minutes(self) -> int:
        return sum(material.estimated_minutes or 0 for material in self.done_materials())


def _course_order(material: Material) -> tuple:
    module = material.module
    return (
        module.cohort_id is not None,
        module.position,
        module.pk,
        material.position,
        material.pk,
    )


def progress_for_enrolments(enrolments, *, today: dt.date | None = None) -> list[EnrolmentProgress]:
    """Progress of each enrolment (with `cohort` loaded), in the order given.

    Six queries whatever the number of enrolments, cohorts or programmes (none for an
    empty list).
    """
    enrolments = list(enrolments)
    if not enrolments:
        return []
    today = today or timezone.localdate()
    cohorts = {enrolment.cohort_id: enrolment.cohort for enrolment in enrolments}
    programme_ids = {cohort.programme_id for cohort in cohorts.values()}
    enrolment_ids = [enrolment.pk for enrolment in enrolments]
    user_ids = {enrolment.user_id for enrolment in enrolments}

    rules = {
        rule.programme_id: rule
        for rule in CompletionRule.objects.filter(programme_id__in=programme_ids)
    }
    materials = sorted(
        Material.objects.filter(
            is_published=True,
            module__is_published=True,
            module__programme_id__in=programme_ids,
        )
        .filter(Q(module__cohort__isnull=True) | Q(module__cohort_id__in=cohorts))
        .select_related("module"),
        key=_course_order,
    )
    course = {
        cohort_id: [
            material
            for material in materials
            if material.module.programme_id == cohort.programme_id
            and material.module.cohort_id in (None, cohort_id)
        ]
        for cohort_id, cohort in cohorts.items()
    }
    done: dict[int, dict[int, dt.datetime]] = {pk: {} for pk in enrolment_ids}
    for enrolment_id, material_id, completed_at in MaterialProgress.objects.filter(
        enrolment_id__in=enrolment_ids
    ).values_list("enrolment_id", "material_id", "completed_at"):
        done[enrolment_id][material_id] = completed_at
    sessions: dict[int, list[Session]] = {cohort_id: [] for cohort_id in cohorts}
    for session in Session.objects.filter(
        cohort_id__in=cohorts, status=Session.Status.SCHEDULED
    ).order_by("starts_at", "pk"):
        sessions[session.cohort_id].append(session)
    marks: dict[tuple[int, int], str] = {
        (user_id, session_id): status
        for user_id, session_id, status in Attendance.objects.filter(
            session__cohort_id__in=cohorts,
            session__status=Session.Status.SCHEDULED,
            user_id__in=user_ids,
        ).values_list("user_id", "session_id", "status")
    }
    reflections = {
        reflection.enrolment_id: reflection
        for reflection in Reflection.objects.filter(enrolment_id__in=enrolment_ids)
    }
    results = []
    for enrolment in enrolments:
        cohort = cohorts[enrolment.cohort_id]
        cohort_sessions = sessions[cohort.pk]
        results.append(
            EnrolmentProgress(
                enrolment=enrolment,
                rule=rules.get(cohort.programme_id)
                or CompletionRule.default_for(Programme(pk=cohort.programme_id)),
                materials=course[cohort.pk],
                done=done[enrolment.pk],
                sessions=cohort_sessions,
                attendance={
                    session.pk: marks[(enrolment.user_id, session.pk)]
                    for session in cohort_sessions
                    if (enrolment.user_id, session.pk) in marks
                },
                reflection=reflections.get(enrolment.pk),
                today=today,
            )
        )
    return results


def _request_certificate(enrolment_id: int) -> None:
    """After the completion has committed: the hand-over to the certificates app."""
    enrolment = Enrolment.objects.get(pk=enrolment_id)
    try:
        certificate_services.certificate_request_for_enrolment(enrolment=enrolment)
    except ApplicationError:
        # Reopened by a correction between the commit and now: no certificate is due.
        logger.info("Enrolment %s was reopened before its certificate was requested", enrolment_id)


def _apply(progress: EnrolmentProgress, actor) -> str:
    """Complete or reopen one locked enrolment as its progress says; returns what happened."""
    enrolment = progress.enrolment
    if progress.met and enrolment.status == Enrolment.Status.ACTIVE:
        completed_on = timezone.localdate()
        cohort_services.enrolment_complete(enrolment=enrolment, completed_on=completed_on)
        audit_record(
            actor=actor,
            action="enrolment.completed",
            target=enrolment,
            before={"status": Enrolment.Status.ACTIVE},
            after={"status": Enrolment.Status.COMPLETED, "completed_on": completed_on.isoformat()},
        )
        transaction.on_commit(partial(_request_certificate, enrolment.pk))
        return COMPLETED
    if not progress.met and enrolment.status == Enrolment.Status.COMPLETED:
        try:
            certificate_services.certificate_withdraw_unissued(enrolment=enrolment, actor=actor)
        except ApplicationError:
            return UNCHANGED
        cohort_services.enrolment_reopen(enrolment=enrolment)
        audit_record(
            actor=actor,
            action="enrolment.reopened",
            target=enrolment,
            before={"status": Enrolment.Status.COMPLETED},
            after={"status": Enrolment.Status.ACTIVE},
            reason=_("The completion rule is no longer met."),
        )
        return REOPENED
    return UNCHANGED


@transaction.atomic
def enrolments_evaluate_completion(*, enrolments, actor=None) -> dict[str, int]:
    """Apply each programme's rule to these enrolments; counts by outcome.

    Idempotent: an active participant who now meets the rule is completed today and
    their certificate requested after commit ("completed"); a completed participant
    who no longer meets it goes back to taking part when no certificate has been
    issued, a pending one being withdrawn ("reopened"); anything else is "unchanged",
    and withdrawn places are never changed. The rows are locked first, so two
    evaluations at once (two tabs, a register saved while a material is marked)
    complete a place once. A fixed number of queries, plus the writes for those whose
    state changes.
    """
    if isinstance(enrolments, QuerySet):
        wanted = enrolments.values("pk")
    else:
        wanted = [enrolment.pk for enrolment in enrolments]
    locked = list(
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("cohort")
        .filter(pk__in=wanted)
        .exclude(status=Enrolment.Status.WITHDRAWN)
        .order_by("pk")
    )
    outcomes = {COMPLETED: 0, REOPENED: 0, UNCHANGED: 0}
    for progress in progress_for_enrolments(locked):
        outcomes[_apply(progress, actor)] += 1
    return outcomes


def enrolment_evaluate_completion(*, enrolment: Enrolment, actor=None) -> str:
    """Apply the programme's rule to one enrolment: "completed", "reopened" or
    "unchanged" (see enrolments_evaluate_completion)."""
    outcomes = enrolments_evaluate_completion(enrolments=[enrolment], actor=actor)
    return next((outcome for outcome in (COMPLETED, REOPENED) if outcomes[outcome]), UNCHANGED)
