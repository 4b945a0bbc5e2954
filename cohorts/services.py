"""Writes for cohorts: places, applications, the waitlist, nominations, equality monitoring.

How places are kept (cohorts/README.md has the whole story):

- A place is held by an accepted application (an offer waiting to be confirmed) or by
  an enrolment that is not withdrawn. `Cohort.places_taken` counts them, and
  `Cohort.places_reserved` counts organisations' reserved places nobody has filled yet.
  The database refuses `places_taken + places_reserved > capacity`.
- Every service that may take or free a place locks the cohort row first
  (`select_for_update`) and only then the application rows, so concurrent decisions
  queue on the cohort and each one counts what the previous one left. On SQLite the
  whole database is locked at BEGIN (settings: transaction_mode IMMEDIATE).
- A freed place goes straight to the first person on the waitlist who may take it.
"""

import csv
import datetime as dt
import hashlib
import io
import logging
import secrets
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, QuerySet
from django.utils import formats, timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from academy import services as academy_services
from accounts.models import Organisation
from audit.services import audit_record
from core.errors import ApplicationError
from core.tasks import enqueue_on_commit
from scheduling import selectors as scheduling_selectors
from scheduling import services as scheduling_services

from . import lifecycle, workflow
from .models import (
    Application,
    ApplicationAnswer,
    ApplicationEvent,
    Cohort,
    CohortReservation,
    Enrolment,
    EqualityReceipt,
    EqualityResponse,
    Nomination,
    Question,
    QuestionSet,
)
from .workflow import Actor

logger = logging.getLogger(__name__)
User = get_user_model()
State = Application.State

# A freed place is offered to the waitlist only while the cohort is still filling or
# under way; a finished cohort's waitlist is history.
WAITLIST_LIVE_STATUSES = {Cohort.Status.OPEN, Cohort.Status.CLOSED, Cohort.Status.RUNNING}
RESERVED, GENERAL = "reserved", "general"


# --- Places --------------------------------------------------------------------------


def _lock_cohort(cohort_id: int) -> Cohort:
    return Cohort.objects.select_for_update().get(pk=cohort_id)


def _lock_application(application_id: int) -> Application:
    return Application.objects.select_for_update().get(pk=application_id)


class _Places:
    """A cohort's places as seen under its row lock. Changes are written by `save()`."""

    def __init__(self, cohort: Cohort):
        self.cohort = cohort
        self.reserved = dict(
            CohortReservation.objects.filter(cohort=cohort).values_list("organisation_id", "places")
        )
        self.reserved_filled = Counter(
            dict(
                Application.objects.filter(cohort=cohort, holds_reserved_place=True)
                .order_by()
                .values("organisation_id")
                .annotate(n=Count("pk"))
                .values_list("organisation_id", "n")
            )
        )
        self.freed = 0  # places given back while the lock is held
        self.held = Counter()
        offers = (
            Application.objects.filter(
                cohort=cohort, state__in=workflow.HOLDS_PLACE, organisation__isnull=False
            )
            .order_by()
            .values("organisation_id")
            .annotate(n=Count("pk"))
            .values_list("organisation_id", "n")
        )
        enrolments = (
            Enrolment.objects.filter(cohort=cohort, organisation__isnull=False)
            .exclude(status=Enrolment.Status.WITHDRAWN)
            .order_by()
            .values("organisation_id")
            .annotate(n=Count("pk"))
            .values_list("organisation_id", "n")
        )
        for organisation_id, count in [*offers, *enrolments]:
            self.held[organisation_id] += count

    def unfilled_reserved(self) -> int:
        return sum(
            max(places - self.reserved_filled[organisation_id], 0)
            for organisation_id, places in self.reserved.items()
        )

    def general_free(self) -> int:
        if self.cohort.capacity is None:
            return 0
        return self.cohort.capacity - self.cohort.places_taken - self.unfilled_reserved()

    def organisation_limit(self, organisation_id: int | None) -> int | None:
        """How many places one organisation may hold: the cap, or its reservation if larger."""
        cap = self.cohort.per_organisation_cap
        if organisation_id is None or cap is None:
            return None
        return max(cap, self.reserved.get(organisation_id, 0))

    def place_for(
        self, *, organisation_id: int | None, nominated: bool, respect_cap: bool = True
    ) -> str | None:
        """RESERVED, GENERAL or None: which kind of place this person could take now."""
        cohort = self.cohort
        if cohort.capacity is None or cohort.places_taken >= cohort.capacity:
            return None
        limit = self.organisation_limit(organisation_id) if respect_cap else None
        if limit is not None and self.held[organisation_id] >= limit:
            return None
        if (
            nominated
            and organisation_id in self.reserved
            and self.reserved_filled[organisation_id] < self.reserved[organisation_id]
        ):
            return RESERVED
        if self.general_free() > 0:
            return GENERAL
        return None

    def take(self, kind: str, organisation_id: int | None) -> None:
        self.cohort.places_taken += 1
        if organisation_id is not None:
            self.held[organisation_id] += 1
            if kind == RESERVED:
                self.reserved_filled[organisation_id] += 1

    def release(self, *, organisation_id: int | None, reserved: bool) -> None:
        self.cohort.places_taken -= 1
        self.freed += 1
        if organisation_id is not None:
            self.held[organisation_id] -= 1
            if reserved:
                self.reserved_filled[organisation_id] -= 1

    def save(self) -> None:
        self.cohort.places_reserved = self.unfilled_reserved()
        self.cohort.save(update_fields=["places_taken", "places_reserved"])


def _offer_deadline() -> dt.datetime:
    return timezone.now() + dt.timedelta(days=settings.APPLICATION_OFFER_DAYS)


# --- Transitions ---------------------------------------------------------------------


def _move(
    application: Application,
    to_state: str,
    *,
    actor: User | None,
    actor_kind: Actor,
    reason: str = "",
) -> ApplicationEvent:
    """Check the transition against the workflow table and record it (the caller saves)."""
    workflow.check(application.state, to_state, actor_kind)
    event = ApplicationEvent.objects.create(
        application=application,
        actor=actor,
        from_state=application.state,
        to_state=to_state,
        reason=reason.strip(),
    )
    application.state = to_state
    return event


def _notify(events: list[ApplicationEvent]) -> None:
    """E-mail each application's new events once the transaction has committed."""
    by_application = defaultdict(list)
    for event in events:
        by_application[event.application_id].append(event.pk)
    for event_ids in by_application.values():
        enqueue_on_commit("cohorts.tasks.application_events_notify", event_ids)


def _offer(
    application: Application,
    places: _Places,
    kind: str,
    *,
    actor: User | None,
    actor_kind: Actor,
    reason: str = "",
) -> ApplicationEvent:
    event = _move(application, State.ACCEPTED, actor=actor, actor_kind=actor_kind, reason=reason)
    places.take(kind, application.organisation_id)
    application.holds_reserved_place = kind == RESERVED
    application.waitlist_position = None
    application.offer_expires_at = _offer_deadline()
    application.decided_at = timezone.now()
    application.save(
        update_fields=[
            "state",
            "holds_reserved_place",
            "waitlist_position",
            "offer_expires_at",
            "decided_at",
        ]
    )
    return event


def _put_on_waitlist(
    application: Application, *, actor: User | None, reason: str = ""
) -> ApplicationEvent:
    # Positions only grow: handed out under the cohort lock, so two people never share one.
    last = Application.objects.filter(
        cohort_id=application.cohort_id, waitlist_position__isnull=False
    ).aggregate(last=Max("waitlist_position"))["last"]
    event = _move(
        application, State.WAITLISTED, actor=actor, actor_kind=Actor.REVIEWER, reason=reason
    )
    application.waitlist_position = (last or 0) + 1
    application.decided_at = timezone.now()
    application.save(update_fields=["state", "waitlist_position", "decided_at"])
    return event


def _leave(
    application: Application,
    to_state: str,
    places: _Places,
    *,
    actor: User | None,
    actor_kind: Actor,
    reason: str = "",
) -> ApplicationEvent:
    """Move to a final state, giving back the place it held (if any)."""
    had_place = application.state in workflow.HAS_PLACE
    was_enrolled = application.state == State.ENROLLED
    if (
        was_enrolled
        and Enrolment.objects.filter(
            cohort_id=application.cohort_id,
            user_id=application.applicant_id,
            status=Enrolment.Status.COMPLETED,
        ).exists()
    ):
        # The certificate and its record stay as they are.
        raise ApplicationError(_("This participant has completed the programme."))
    event = _move(application, to_state, actor=actor, actor_kind=actor_kind, reason=reason)
    if had_place:
        places.release(
            organisation_id=application.organisation_id,
            reserved=application.holds_reserved_place,
        )
    if was_enrolled:
        Enrolment.objects.filter(
            cohort_id=application.cohort_id,
            user_id=application.applicant_id,
            status=Enrolment.Status.ACTIVE,
        ).update(status=Enrolment.Status.WITHDRAWN, withdrawn_at=timezone.now())
    application.holds_reserved_place = False
    application.waitlist_position = None
    application.offer_expires_at = None
    if actor_kind == Actor.REVIEWER or actor_kind == Actor.SPONSOR:
        application.decided_at = timezone.now()
    application.save(
        update_fields=[
            "state",
            "holds_reserved_place",
            "waitlist_position",
            "offer_expires_at",
            "decided_at",
        ]
    )
    return event


def _offer_waitlist(places: _Places, *, limit: int | None = None) -> list[ApplicationEvent]:
    """Offer places to the waitlist in order, skipping people who may not take one.

    By default only as many offers as places were just freed: a reviewer may have put
    people on the waitlist while places were free, and that choice stands until a place
    is given back. A `limit` (a programme admin adding places) overrides that.
    """
    cohort = places.cohort
    limit = places.freed if limit is None else limit
    if cohort.status not in WAITLIST_LIVE_STATUSES or limit <= 0:
        return []
    events = []
    waiting = (
        Application.objects.select_for_update()
        .filter(cohort=cohort, state=State.WAITLISTED)
        .order_by("waitlist_position")
    )
    for application in waiting:
        if len(events) >= limit or cohort.places_taken >= (cohort.capacity or 0):
            break
        kind = places.place_for(
            organisation_id=application.organisation_id,
            nominated=application.source == Application.Source.NOMINATED,
        )
        if kind is not None:
            events.append(
                _offer(
                    application,
                    places,
                    kind,
                    actor=None,
                    actor_kind=Actor.SYSTEM,
                    reason=gettext_noop(
                        "A place became free and this application was next on the waitlist."
                    ),
                )
            )
    return events


# --- Enrolments made directly ----------------------------------------------------------


@transaction.atomic
def enrolment_create(*, cohort: Cohort, user: User, actor: User | None = None) -> Enrolment:
    """Give `user` a place on `cohort` directly (a programme admin's decision).

    The place counts against capacity and respects other organisations' reserved
    places, but not the per-organisation cap. If the person already holds an offer on
    the cohort, their offer is confirmed instead (no second place is taken). Raises
    ApplicationError when the cohort has no place, the person already has one, or an
    application of theirs is still being decided.
    """
    cohort = _lock_cohort(cohort.pk)
    application = (
        Application.objects.select_for_update().filter(cohort=cohort, applicant=user).first()
    )
    if application is not None and application.state == State.ACCEPTED:
        return _confirm(application, actor=actor, actor_kind=Actor.REVIEWER)
    if Enrolment.objects.filter(cohort=cohort, user=user).exists():
        raise ApplicationError(_("%(name)s already has a place on this cohort.") % {"name": user})
    if application is not None and application.state not in workflow.FINAL:
        raise ApplicationError(
            _("%(name)s has an application on this cohort: decide it in the review queue.")
            % {"name": user}
        )
    places = _Places(cohort)
    kind = places.place_for(
        organisation_id=user.organisation_id, nominated=False, respect_cap=False
    )
    if kind is None:
        raise ApplicationError(_("This cohort has no places left."))
    places.take(kind, user.organisation_id)
    places.save()
    return Enrolment.objects.create(
        cohort=cohort, user=user, organisation_id=user.organisation_id, enrolled_at=timezone.now()
    )


@transaction.atomic
def enrolment_withdraw(*, enrolment: Enrolment, actor: User | None, reason: str = "") -> Enrolment:
    """Withdraw a participant from a cohort, freeing the place for the waitlist.

    An enrolment that came from an application is withdrawn through that application,
    so its history shows the change.
    """
    cohort = _lock_cohort(enrolment.cohort_id)
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    application = (
        Application.objects.select_for_update()
        .filter(cohort=cohort, applicant_id=enrolment.user_id, state=State.ENROLLED)
        .first()
    )
    places = _Places(cohort)
    if application is not None:
        is_applicant = actor is not None and actor.pk == application.applicant_id
        actor_kind = Actor.APPLICANT if is_applicant else Actor.REVIEWER
        events = [
            _leave(
                application,
                State.WITHDRAWN,
                places,
                actor=actor,
                actor_kind=actor_kind,
                reason=reason,
            )
        ]
        enrolment.refresh_from_db()
    else:
        if enrolment.status != Enrolment.Status.ACTIVE:
            raise ApplicationError(_("Only a participant who is enrolled can be withdrawn."))
        enrolment.status = Enrolment.Status.WITHDRAWN
        enrolment.withdrawn_at = timezone.now()
        enrolment.save(update_fields=["status", "withdrawn_at"])
        places.release(organisation_id=enrolment.organisation_id, reserved=False)
        events = []
    events += _offer_waitlist(places)
    places.save()
    _notify(events)
    return enrolment


@transaction.atomic
def enrolment_complete(*, enrolment: Enrolment, completed_on: dt.date) -> Enrolment:
    """Record that an active participant has completed the cohort on `completed_on`.

    Called by the completion rules (academy.completion), which decide who has completed.
    The place stays taken. Raises ApplicationError for a place that is not active.
    """
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if enrolment.status != Enrolment.Status.ACTIVE:
        raise ApplicationError(_("Only a participant who is taking part can complete."))
    enrolment.status = Enrolment.Status.COMPLETED
    enrolment.completed_on = completed_on
    enrolment.save(update_fields=["status", "completed_on"])
    return enrolment


@transaction.atomic
def enrolment_reopen(*, enrolment: Enrolment) -> Enrolment:
    """Put a completed participant back to taking part (their completion date goes).

    Called by the completion rules when a correction means the rule is no longer met;
    they check first that no certificate has been issued. Raises ApplicationError for a
    place that is not completed.
    """
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if enrolment.status != Enrolment.Status.COMPLETED:
        raise ApplicationError(_("Only a participant who has completed can be put back."))
    enrolment.status = Enrolment.Status.ACTIVE
    enrolment.completed_on = None
    enrolment.save(update_fields=["status", "completed_on"])
    return enrolment


# --- Applying ------------------------------------------------------------------------


def _require_open(cohort: Cohort) -> None:
    if not cohort.is_accepting_applications:
        raise ApplicationError(_("This cohort is not taking applications at the moment."))


def _questions_for(cohort: Cohort) -> list[Question]:
    return list(
        Question.objects.filter(
            question_set__programme_id=cohort.programme_id, is_active=True
        ).order_by("position", "pk")
    )


@transaction.atomic
def application_start(
    *,
    cohort: Cohort,
    applicant: User,
    source: str = Application.Source.SELF,
    organisation: Organisation | None = None,
) -> Application:
    """Create a draft application. One per person per cohort, held by the database."""
    _require_open(cohort)
    if Enrolment.objects.filter(cohort=cohort, user=applicant).exists():
        raise ApplicationError(_("You already have a place on this cohort."))
    try:
        with transaction.atomic():
            return Application.objects.create(
                cohort=cohort,
                applicant=applicant,
                source=source,
                organisation=organisation if organisation is not None else applicant.organisation,
                job_title=applicant.job_title,
            )
    except IntegrityError:
        raise ApplicationError(
            _("You have already applied to this cohort. You can find it in My applications.")
        ) from None


def _clean_answer(question: Question, value) -> str:
    value = "" if value is None else str(value).strip()
    if question.kind == Question.Kind.YES_NO and value not in ("", "yes", "no"):
        raise ValidationError({f"question_{question.pk}": _("Choose yes or no.")})
    if question.kind == Question.Kind.CHOICE and value and value not in question.options:
        raise ValidationError({f"question_{question.pk}": _("Choose one of the options.")})
    return value


@transaction.atomic
def application_update_draft(
    *,
    application: Application,
    organisation: Organisation | None,
    job_title: str,
    answers: dict[int, str],
) -> Application:
    """Save what the applicant has written so far; nothing is required yet.

    `answers` maps question IDs of the programme's active questions to answers; an empty
    answer removes a saved one. A nominated application keeps its organisation.
    """
    application = _lock_application(application.pk)
    if application.state != State.DRAFT:
        raise ApplicationError(_("This application has been submitted and can no longer change."))
    questions = {question.pk: question for question in _questions_for(application.cohort)}
    unknown = set(answers) - set(questions)
    if unknown:
        raise ApplicationError(_("The form asked a question this programme no longer asks."))
    if application.source != Application.Source.NOMINATED:
        application.organisation = organisation
    application.job_title = job_title.strip()
    application.save(update_fields=["organisation", "job_title"])

    cleaned = {pk: _clean_answer(questions[pk], value) for pk, value in answers.items()}
    existing = {answer.question_id: answer for answer in application.answers.all()}
    to_update, to_create, to_delete = [], [], []
    for pk, value in cleaned.items():
        if pk in existing and not value:
            to_delete.append(existing[pk].pk)
        elif pk in existing and existing[pk].value != value:
            existing[pk].value = value
            to_update.append(existing[pk])
        elif pk not in existing and value:
            to_create.append(
                ApplicationAnswer(application=application, question_id=pk, value=value)
            )
    ApplicationAnswer.objects.filter(pk__in=to_delete).delete()
    ApplicationAnswer.objects.bulk_update(to_update, ["value"])
    ApplicationAnswer.objects.bulk_create(to_create)
    return application


def _sponsor_must_approve(application: Application) -> bool:
    if not application.cohort.sponsor_approval_required or application.organisation_id is None:
        return False
    # The sponsor who nominated someone has already said yes.
    if application.source == Application.Source.NOMINATED:
        return False
    # An organisation with no sponsor account cannot answer: review goes ahead.
    return User.objects.filter(
        organisation_id=application.organisation_id, role=User.Role.SPONSOR, is_active=True
    ).exists()


@transaction.atomic
def application_submit(*, application: Application) -> Application:
    """Send a complete draft for review, or to the organisation's sponsor first.

    Raises ValidationError naming the missing answers (keys are the form's field
    names), and ApplicationError when the cohort has stopped taking applications.
    """
    application = _lock_application(application.pk)
    _require_open(application.cohort)
    errors = {}
    if not application.job_title:
        errors["job_title"] = _("Enter your role.")
    answered = set(application.answers.exclude(value="").values_list("question_id", flat=True))
    for question in _questions_for(application.cohort):
        if question.required and question.pk not in answered:
            errors[f"question_{question.pk}"] = _("Answer this question.")
    if errors:
        raise ValidationError(errors)
    events = [
        _move(application, State.SUBMITTED, actor=application.applicant, actor_kind=Actor.APPLICANT)
    ]
    application.submitted_at = timezone.now()
    if _sponsor_must_approve(application):
        events.append(
            _move(application, State.AWAITING_SPONSOR, actor=None, actor_kind=Actor.SYSTEM)
        )
    application.save(update_fields=["state", "submitted_at"])
    _notify(events)
    return application


@transaction.atomic
def application_save(
    *,
    applicant: User,
    cohort: Cohort,
    organisation: Organisation | None,
    job_title: str,
    answers: dict[int, str],
    submit: bool,
    application: Application | None = None,
) -> Application:
    """Start (if needed) and save an application, then submit it if asked. All or nothing."""
    if application is None:
        application = application_start(cohort=cohort, applicant=applicant)
    application = application_update_draft(
        application=application, organisation=organisation, job_title=job_title, answers=answers
    )
    if submit:
        application = application_submit(application=application)
    return application


# --- Sponsor approval ----------------------------------------------------------------


@transaction.atomic
def application_endorse(
    *, application: Application, sponsor: User, reason: str = ""
) -> Application:
    """The organisation's sponsor supports the application: it goes to the reviewers."""
    application = _lock_application(application.pk)
    event = _move(
        application, State.IN_REVIEW, actor=sponsor, actor_kind=Actor.SPONSOR, reason=reason
    )
    application.save(update_fields=["state"])
    _notify([event])
    return application


@transaction.atomic
def application_decline_endorsement(
    *, application: Application, sponsor: User, reason: str
) -> Application:
    """The organisation's sponsor does not support the application; a reason is required."""
    if not reason.strip():
        raise ValidationError({"reason": _("Give a reason: the applicant will see it.")})
    cohort = _lock_cohort(application.cohort_id)
    application = _lock_application(application.pk)
    places = _Places(cohort)
    event = _leave(
        application,
        State.REJECTED,
        places,
        actor=sponsor,
        actor_kind=Actor.SPONSOR,
        reason=reason,
    )
    _notify([event])
    return application


@transaction.atomic
def application_review_without_endorsement(
    *, application: Application, actor: User, reason: str
) -> Application:
    """A reviewer moves an application on when its sponsor has not answered."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the application goes ahead without it.")})
    application = _lock_application(application.pk)
    if application.state != State.AWAITING_SPONSOR:
        raise ApplicationError(_("This application is not waiting for its sponsor."))
    event = _move(
        application, State.IN_REVIEW, actor=actor, actor_kind=Actor.REVIEWER, reason=reason
    )
    application.save(update_fields=["state"])
    _notify([event])
    return application


# --- Reviewers' decisions ------------------------------------------------------------


@transaction.atomic
def application_start_review(*, application: Application, actor: User) -> Application:
    """Mark a submitted application as being reviewed (one waiting for its sponsor needs
    `application_review_without_endorsement`, with a reason)."""
    application = _lock_application(application.pk)
    if application.state == State.AWAITING_SPONSOR:
        raise ApplicationError(_("This application is waiting for its sponsor's approval."))
    event = _move(application, State.IN_REVIEW, actor=actor, actor_kind=Actor.REVIEWER)
    application.save(update_fields=["state"])
    _notify([event])
    return application


@transaction.atomic
def application_accept(*, application: Application, actor: User, reason: str = "") -> Application:
    """Offer the applicant a place; when none is free for them, put them on the waitlist.

    Safe under any number of concurrent calls: the cohort row is locked while its
    places are counted, so exactly `capacity` people end up holding a place and the
    rest are waitlisted in the order their decisions were made. A person already on
    the waitlist is offered a place only if one is free for them (otherwise
    ApplicationError). The returned application's `state` says which happened.
    """
    cohort = _lock_cohort(application.cohort_id)
    application = _lock_application(application.pk)
    workflow.check(application.state, State.ACCEPTED, Actor.REVIEWER)
    places = _Places(cohort)
    kind = places.place_for(
        organisation_id=application.organisation_id,
        nominated=application.source == Application.Source.NOMINATED,
    )
    if kind is not None:
        event = _offer(
            application, places, kind, actor=actor, actor_kind=Actor.REVIEWER, reason=reason
        )
    elif application.state == State.WAITLISTED:
        raise ApplicationError(
            _("No place is free for %(name)s yet: they stay on the waitlist.")
            % {"name": application.applicant}
        )
    else:
        event = _put_on_waitlist(
            application,
            actor=actor,
            reason=reason
            or gettext_noop(
                "Accepted when no place was free, so the application joined the waitlist."
            ),
        )
    places.save()
    _notify([event])
    return application


@transaction.atomic
def application_waitlist(*, application: Application, actor: User, reason: str = "") -> Application:
    _lock_cohort(application.cohort_id)  # waitlist positions are handed out under this lock
    application = _lock_application(application.pk)
    event = _put_on_waitlist(application, actor=actor, reason=reason)
    _notify([event])
    return application


@transaction.atomic
def application_reject(*, application: Application, actor: User, reason: str) -> Application:
    """Turn the application down (also an offer not yet confirmed); its place is passed on."""
    if not reason.strip():
        raise ValidationError({"reason": _("Give a reason: the applicant will see it.")})
    cohort = _lock_cohort(application.cohort_id)
    application = _lock_application(application.pk)
    places = _Places(cohort)
    events = [
        _leave(
            application,
            State.REJECTED,
            places,
            actor=actor,
            actor_kind=Actor.REVIEWER,
            reason=reason,
        )
    ]
    events += _offer_waitlist(places)
    places.save()
    _notify(events)
    return application


DECISIONS = {
    "accept": application_accept,
    "waitlist": application_waitlist,
    "reject": application_reject,
}


def application_decide(
    *, application: Application, decision: str, actor: User, reason: str = ""
) -> Application:
    """One reviewer decision by name: accept, waitlist, reject, review or withdraw.

    `review` starts the review, or goes ahead without a sponsor who has not answered
    (a reason is then required); `withdraw` records that an enrolled participant left.
    """
    if decision == "review" and application.state == State.AWAITING_SPONSOR:
        return application_review_without_endorsement(
            application=application, actor=actor, reason=reason
        )
    if decision == "review":
        return application_start_review(application=application, actor=actor)
    if decision == "withdraw":
        return application_withdraw(application=application, actor=actor, reason=reason)
    if decision not in DECISIONS:
        raise ApplicationError(_("Choose a decision."))
    return DECISIONS[decision](application=application, actor=actor, reason=reason)


@dataclass
class BulkOutcome:
    done: list[Application] = field(default_factory=list)
    refused: list[tuple[Application, str]] = field(default_factory=list)


def application_decide_many(
    *, applications: list[Application], decision: str, actor: User, reason: str = ""
) -> BulkOutcome:
    """The same decision for several applications, earliest submitted first.

    Not one transaction on purpose: each decision commits on its own, so one refusal
    (an application withdrawn meanwhile) does not undo the others. The outcome lists
    what was done and what was refused, with the reason.
    """
    outcome = BulkOutcome()
    ordered = sorted(applications, key=lambda a: (a.submitted_at or a.created_at, a.pk))
    for application in ordered:
        try:
            outcome.done.append(
                application_decide(
                    application=application, decision=decision, actor=actor, reason=reason
                )
            )
        except ApplicationError as error:
            outcome.refused.append((application, error.message))
        except ValidationError as error:
            outcome.refused.append((application, " ".join(error.messages)))
    return outcome


# --- The applicant's answers to an offer -----------------------------------------------


def _confirm(application: Application, *, actor: User, actor_kind: Actor) -> Enrolment:
    """Turn a held place into an enrolment (caller holds the cohort and application locks)."""
    event = _move(application, State.ENROLLED, actor=actor, actor_kind=actor_kind)
    application.offer_expires_at = None
    application.save(update_fields=["state", "offer_expires_at"])
    # The place moves from the offer to the enrolment: places_taken does not change.
    enrolment, created = Enrolment.objects.get_or_create(
        cohort_id=application.cohort_id,
        user_id=application.applicant_id,
        defaults={"organisation_id": application.organisation_id},
    )
    if not created:
        enrolment.status = Enrolment.Status.ACTIVE
        enrolment.organisation_id = application.organisation_id
        enrolment.enrolled_at = timezone.now()
        enrolment.withdrawn_at = None
        enrolment.completed_on = None
        enrolment.save(
            update_fields=["status", "organisation", "enrolled_at", "withdrawn_at", "completed_on"]
        )
    _notify([event])
    return enrolment


@transaction.atomic
def application_confirm_place(*, application: Application, actor: User) -> Enrolment:
    """The applicant takes up the place they were offered, before the offer expires."""
    _lock_cohort(application.cohort_id)
    application = _lock_application(application.pk)
    if application.state == State.ACCEPTED and application.offer_expires_at <= timezone.now():
        raise ApplicationError(_("This offer has expired, so the place has been passed on."))
    return _confirm(application, actor=actor, actor_kind=Actor.APPLICANT)


@transaction.atomic
def application_withdraw(*, application: Application, actor: User, reason: str = "") -> Application:
    """The applicant withdraws (or declines an offer, or leaves the cohort).

    A reviewer may also record that an enrolled participant has left. Any place the
    application held goes to the first person on the waitlist who may take it.
    """
    cohort = _lock_cohort(application.cohort_id)
    application = _lock_application(application.pk)
    actor_kind = Actor.APPLICANT if actor.pk == application.applicant_id else Actor.REVIEWER
    places = _Places(cohort)
    events = [
        _leave(
            application,
            State.WITHDRAWN,
            places,
            actor=actor,
            actor_kind=actor_kind,
            reason=reason,
        )
    ]
    events += _offer_waitlist(places)
    places.save()
    _notify(events)
    return application


@transaction.atomic
def application_expire_offer(*, application: Application) -> bool:
    """Expire one offer whose deadline has passed and pass its place on.

    Returns False (and changes nothing) when the offer was confirmed, declined or
    extended meanwhile, so running it twice is harmless.
    """
    cohort = _lock_cohort(application.cohort_id)
    application = _lock_application(application.pk)
    if application.state != State.ACCEPTED or application.offer_expires_at > timezone.now():
        return False
    places = _Places(cohort)
    events = [
        _leave(
            application,
            State.OFFER_EXPIRED,
            places,
            actor=None,
            actor_kind=Actor.SYSTEM,
            reason=gettext_noop("The place was not confirmed before the offer's deadline."),
        )
    ]
    events += _offer_waitlist(places)
    places.save()
    _notify(events)
    return True


def application_expire_overdue_offers() -> int:
    """Expire every offer past its deadline. Each in its own transaction (one lock each)."""
    overdue = Application.objects.filter(
        state=State.ACCEPTED, offer_expires_at__lte=timezone.now()
    ).order_by("offer_expires_at", "pk")
    return sum(application_expire_offer(application=application) for application in overdue)


@transaction.atomic
def cohort_offer_free_places(*, cohort: Cohort) -> int:
    """Recount reserved places and offer any free place to the waitlist.

    For after a programme admin adds places or changes reservations. Returns the
    number of offers made.
    """
    cohort = _lock_cohort(cohort.pk)
    places = _Places(cohort)
    events = _offer_waitlist(places, limit=cohort.capacity or 0)
    places.save()
    _notify(events)
    return len(events)


# --- Nominations and recommendations ---------------------------------------------------


def nomination_token(nomination: Nomination) -> str:
    """The secret in the invitation link, derived from the row's nonce and SECRET_KEY."""
    return salted_hmac(
        "cohorts.nomination-invitation", nomination.token_nonce, algorithm="sha256"
    ).hexdigest()


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_token(nomination: Nomination) -> None:
    nomination.token_nonce = secrets.token_hex(32)
    nomination.token_hash = _token_hash(nomination_token(nomination))
    nomination.expires_at = timezone.now() + dt.timedelta(days=settings.NOMINATION_INVITATION_DAYS)


def nomination_for_token(token: str) -> Nomination | None:
    return (
        Nomination.objects.select_related("cohort__programme", "organisation", "nominated_by")
        .filter(token_hash=_token_hash(token))
        .first()
    )


@transaction.atomic
def nomination_create(
    *,
    cohort: Cohort,
    nominee_name: str,
    nominee_email: str,
    reason: str,
    nominated_by: User | None,
    organisation: Organisation | None,
    source: str = Nomination.Source.SPONSOR,
    recommender_name: str = "",
    recommender_email: str = "",
) -> Nomination:
    """Invite someone to apply; the invitation e-mail goes out after commit.

    A sponsor's nomination is for the sponsor's own organisation. Raises
    ValidationError for a bad field and ApplicationError when the person already has
    an open invitation or an application for this cohort.
    """
    _require_open(cohort)
    nominee_name = nominee_name.strip()
    nominee_email = nominee_email.strip().lower()
    reason = reason.strip()
    errors = {}
    if not nominee_name:
        errors["nominee_name"] = _("Enter their name.")
    try:
        validate_email(nominee_email)
    except ValidationError:
        errors["nominee_email"] = _("Enter an email address like name@example.org.")
    if not reason:
        errors["reason"] = _("Say why you are nominating them.")
    if errors:
        raise ValidationError(errors)
    if source == Nomination.Source.RECOMMENDATION and not cohort.programme.allows_recommendations:
        raise ApplicationError(_("This programme does not take recommendations."))
    if source == Nomination.Source.SPONSOR and (
        nominated_by is None
        or not nominated_by.is_sponsor
        or organisation is None
        or nominated_by.organisation_id != organisation.pk
    ):
        raise ApplicationError(_("Only a sponsor can nominate, and only for their organisation."))
    if (
        Application.objects.filter(cohort=cohort, applicant__email=nominee_email).exists()
        or Enrolment.objects.filter(cohort=cohort, user__email=nominee_email).exists()
    ):
        raise ApplicationError(
            _("%(email)s has already applied to this cohort.") % {"email": nominee_email}
        )
    # An invitation left to expire no longer blocks a new one.
    Nomination.objects.filter(
        cohort=cohort,
        nominee_email=nominee_email,
        status=Nomination.Status.PENDING,
        expires_at__lte=timezone.now(),
    ).update(status=Nomination.Status.EXPIRED)
    nomination = Nomination(
        cohort=cohort,
        organisation=organisation,
        source=source,
        nominated_by=nominated_by,
        recommender_name=recommender_name.strip(),
        recommender_email=recommender_email.strip().lower(),
        nominee_name=nominee_name,
        nominee_email=nominee_email,
        reason=reason,
    )
    _new_token(nomination)
    try:
        with transaction.atomic():
            nomination.save()
    except IntegrityError:
        raise ApplicationError(
            _("%(email)s already has an invitation to this cohort.") % {"email": nominee_email}
        ) from None
    # The nominee may have no account yet: write to them in the language the person
    # nominating them is using.
    enqueue_on_commit(
        "cohorts.tasks.nomination_send_invitation",
        nomination.pk,
        language=translation.get_language(),
    )
    return nomination


MAX_CSV_BYTES = 256 * 1024
MAX_CSV_ROWS = 500


@dataclass
class NominationImport:
    created: list[Nomination] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)  # (line, reason)


def nomination_import_csv(
    *, cohort: Cohort, nominated_by: User, content: bytes
) -> NominationImport:
    """Nominate everyone listed in a CSV file with the columns name, email, reason.

    Each good row becomes a nomination (committed on its own); each bad row is reported
    with its line number and the reason, and the rest carry on. Raises ApplicationError
    when the file as a whole cannot be read.
    """
    _require_open(cohort)
    if not nominated_by.is_sponsor:
        raise ApplicationError(_("Only a sponsor can nominate, and only for their organisation."))
    if len(content) > MAX_CSV_BYTES:
        raise ApplicationError(_("The file is too large: upload at most 256 KB."))
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ApplicationError(_("Save the file as CSV (UTF-8) and upload it again.")) from None
    lines = []  # (the line the row starts on, the row)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for row in reader:
            lines.append((lines[-1][2] + 1 if lines else 1, row, reader.line_num))
    except csv.Error:
        raise ApplicationError(_("The file is not a CSV file that can be read.")) from None
    lines = [(start, row) for start, row, _end in lines]
    header = [cell.strip().lower() for cell in (lines[0][1] if lines else [])]
    if header[:3] != ["name", "email", "reason"]:
        raise ApplicationError(_("The first line must be the column names: name, email, reason."))
    people = [(line, row) for line, row in lines[1:] if any(cell.strip() for cell in row)]
    if not people:
        raise ApplicationError(_("The file has no one in it below the column names."))
    if len(people) > MAX_CSV_ROWS:
        raise ApplicationError(_("The file lists more than 500 people: split it up."))

    outcome = NominationImport()
    seen = set()
    for line, row in people:
        if len(row) < 3:
            outcome.problems.append((line, _("Expected 3 columns: name, email, reason.")))
            continue
        name, email, reason = (cell.strip() for cell in row[:3])
        if email.lower() in seen:
            outcome.problems.append((line, _("This email address is on an earlier line.")))
            continue
        seen.add(email.lower())
        try:
            outcome.created.append(
                nomination_create(
                    cohort=cohort,
                    nominee_name=name,
                    nominee_email=email,
                    reason=reason,
                    nominated_by=nominated_by,
                    organisation=nominated_by.organisation,
                )
            )
        except ValidationError as error:
            outcome.problems.append((line, " ".join(error.messages)))
        except ApplicationError as error:
            outcome.problems.append((line, error.message))
    return outcome


@transaction.atomic
def nomination_accept(*, nomination: Nomination, user: User) -> Application:
    """Use the invitation: start (or link) the person's application to the cohort.

    The application is linked to the nominating organisation. The invitation works
    once and not after it expires.
    """
    nomination = Nomination.objects.select_for_update().get(pk=nomination.pk)
    if nomination.status == Nomination.Status.USED:
        raise ApplicationError(_("This invitation has already been used."))
    if nomination.status != Nomination.Status.PENDING or nomination.is_expired:
        raise ApplicationError(_("This invitation has expired. Ask for a new one."))
    source = (
        Application.Source.NOMINATED
        if nomination.source == Nomination.Source.SPONSOR
        else Application.Source.RECOMMENDED
    )
    application = Application.objects.filter(cohort=nomination.cohort, applicant=user).first()
    if application is None:
        application = application_start(
            cohort=nomination.cohort,
            applicant=user,
            source=source,
            organisation=nomination.organisation,
        )
    elif application.state == State.DRAFT and not hasattr(application, "nomination"):
        application.source = source
        if nomination.organisation_id:
            application.organisation = nomination.organisation
        application.save(update_fields=["source", "organisation"])
    else:
        raise ApplicationError(
            _("You have already applied to this cohort. You can find it in My applications.")
        )
    nomination.status = Nomination.Status.USED
    nomination.used_at = timezone.now()
    nomination.used_by = user
    nomination.application = application
    nomination.save(update_fields=["status", "used_at", "used_by", "application"])
    return application


@transaction.atomic
def nomination_resend(*, nomination: Nomination) -> Nomination:
    """A fresh link and deadline for an invitation not yet used; the old link stops working."""
    nomination = Nomination.objects.select_for_update().get(pk=nomination.pk)
    if nomination.status not in (Nomination.Status.PENDING, Nomination.Status.EXPIRED):
        raise ApplicationError(_("Only an invitation that has not been used can be sent again."))
    _require_open(nomination.cohort)
    _new_token(nomination)
    nomination.status = Nomination.Status.PENDING
    nomination.invitation_sent_at = None
    try:
        with transaction.atomic():
            nomination.save(
                update_fields=[
                    "token_nonce",
                    "token_hash",
                    "expires_at",
                    "status",
                    "invitation_sent_at",
                ]
            )
    except IntegrityError:
        raise ApplicationError(
            _("%(email)s already has an invitation to this cohort.")
            % {"email": nomination.nominee_email}
        ) from None
    # The nominee may have no account yet: write to them in the language the person
    # nominating them is using.
    enqueue_on_commit(
        "cohorts.tasks.nomination_send_invitation",
        nomination.pk,
        language=translation.get_language(),
    )
    return nomination


@transaction.atomic
def nomination_cancel(*, nomination: Nomination) -> Nomination:
    nomination = Nomination.objects.select_for_update().get(pk=nomination.pk)
    if nomination.status != Nomination.Status.PENDING:
        raise ApplicationError(_("Only an invitation that has not been used can be cancelled."))
    nomination.status = Nomination.Status.CANCELLED
    nomination.save(update_fields=["status"])
    return nomination


# --- Equality monitoring -------------------------------------------------------------


EQUALITY_FIELDS = ("gender", "age_band", "ethnic_group", "disability", "caring")


@transaction.atomic
def equality_response_submit(*, cohort: Cohort, user: User, answers: dict[str, str]) -> None:
    """Keep one person's optional equality answers for a cohort, apart from their application.

    Only the answers, the cohort and the month are stored; a separate receipt records
    that the person has answered, so they are not asked twice.
    """
    if (
        not Application.objects.filter(cohort=cohort, applicant=user)
        .exclude(state=State.DRAFT)
        .exists()
    ):
        raise ApplicationError(_("Equality monitoring is for people who have applied."))
    response = EqualityResponse(cohort=cohort, month=timezone.localdate().replace(day=1))
    for name in EQUALITY_FIELDS:
        value = answers.get(name) or "unsaid"
        if value not in dict(EqualityResponse._meta.get_field(name).choices):
            raise ValidationError({name: _("Choose one of the options.")})
        setattr(response, name, value)
    try:
        with transaction.atomic():
            EqualityReceipt.objects.create(cohort=cohort, user=user)
    except IntegrityError:
        raise ApplicationError(_("You have already answered these questions.")) from None
    response.save()


@transaction.atomic
def equality_responses_purge() -> int:
    """Delete equality answers older than the retention period. Returns how many."""
    cutoff = timezone.localdate() - dt.timedelta(days=settings.EQUALITY_MONITORING_RETENTION_DAYS)
    deleted, _detail = EqualityResponse.objects.filter(month__lt=cutoff.replace(day=1)).delete()
    # Receipts only stop people answering twice; once a cohort has ended long enough
    # ago, they are not needed either.
    EqualityReceipt.objects.filter(cohort__ends_on__lt=cutoff).delete()
    return deleted


# --- Question sets -------------------------------------------------------------------


@transaction.atomic
def question_set_save(
    *,
    programme,
    introduction: str,
    asks_equality_monitoring: bool,
    questions: list[dict],
) -> QuestionSet:
    """Save a programme's application questions, in the order given.

    Each item of `questions` has `id` (None for a new question), `text`, `help_text`,
    `kind`, `choices`, `required`, `is_active` and `delete`. A question with answers
    cannot be deleted (retire it instead: it is no longer asked, its answers stay).
    """
    question_set, _created = QuestionSet.objects.select_for_update().get_or_create(
        programme=programme
    )
    question_set.introduction = introduction.strip()
    question_set.asks_equality_monitoring = asks_equality_monitoring
    question_set.save(update_fields=["introduction", "asks_equality_monitoring"])
    existing = {question.pk: question for question in question_set.questions.all()}
    answered = set(
        ApplicationAnswer.objects.filter(question__question_set=question_set).values_list(
            "question_id", flat=True
        )
    )
    position = 0
    for item in questions:
        question = existing.get(item.get("id")) if item.get("id") else None
        if item.get("id") and question is None:
            raise ApplicationError(_("A question on the form is not part of this programme."))
        if item.get("delete"):
            if question is None:
                continue
            if question.pk in answered:
                raise ApplicationError(
                    _("“%(text)s” has answers, so it cannot be removed: stop asking it instead.")
                    % {"text": question.text}
                )
            question.delete()
            continue
        if not (item.get("text") or "").strip():
            continue
        if item["kind"] == Question.Kind.CHOICE and not (item.get("choices") or "").strip():
            raise ValidationError(_("“%(text)s” needs its options.") % {"text": item["text"]})
        question = question or Question(question_set=question_set)
        question.position = position
        question.text = item["text"].strip()
        question.help_text = (item.get("help_text") or "").strip()
        question.kind = item["kind"]
        question.choices = (item.get("choices") or "").strip()
        question.required = bool(item.get("required"))
        question.is_active = bool(item.get("is_active"))
        question.save()
        position += 1
    return question_set


# --- Cohorts: creating, changing, the lifecycle, running again ---------------------------

# The settings a programme admin or facilitator edits; the audit trail records changes
# to each. Facilitators and status have their own entries.
COHORT_SETTINGS = [
    "title",
    "intake_year",
    "starts_on",
    "ends_on",
    "capacity",
    "applications_open_at",
    "applications_close_at",
    "delivery_mode",
    "venue",
    "per_organisation_cap",
    "sponsor_approval_required",
    "opens_automatically",
]
CAN_FACILITATE = (User.Role.FACILITATOR, User.Role.ADMIN)


def _audit_value(value):
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def _settings_of(cohort: Cohort) -> dict:
    return {name: _audit_value(getattr(cohort, name)) for name in COHORT_SETTINGS}


def _check_settings(values: dict, *, status: str) -> None:
    """Field errors for a cohort's settings, all at once (ValidationError)."""
    errors = {}
    if not values["title"]:
        errors["title"] = _("Enter a title.")
    if not 2000 <= (values["intake_year"] or 0) <= 2100:
        errors["intake_year"] = _("Enter the programme year, for example 2027.")
    starts_on, ends_on = values["starts_on"], values["ends_on"]
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = _("The cohort must end on or after the day it starts.")
    if values["capacity"] is not None and values["capacity"] < 1:
        errors["capacity"] = _("Enter at least 1 place, or leave it empty while you plan.")
    cap = values["per_organisation_cap"]
    if cap is not None and cap < 1:
        errors["per_organisation_cap"] = _("Enter at least 1, or leave it empty for no limit.")
    opens, closes = values["applications_open_at"], values["applications_close_at"]
    if opens and closes and closes <= opens:
        errors["applications_close_at"] = _("Applications must close after they open.")
    if values["delivery_mode"] not in Cohort.DeliveryMode.values:
        errors["delivery_mode"] = _("Choose how the cohort is delivered.")
    if status != Cohort.Status.DRAFT:
        # Once advertised, a cohort keeps what opening needed.
        required = {
            "starts_on": _("A cohort that has opened needs its start date."),
            "ends_on": _("A cohort that has opened needs its end date."),
            "capacity": _("A cohort that has opened needs its number of places."),
            "applications_open_at": _("A cohort that has opened needs its application window."),
            "applications_close_at": _("A cohort that has opened needs its application window."),
        }
        for name, message in required.items():
            if values[name] is None:
                errors.setdefault(name, message)
    elif values["opens_automatically"] and not errors:
        problems = lifecycle.problems_before_opening(Cohort(**values))
        if problems:
            errors["opens_automatically"] = _(
                "To open automatically, the cohort must be ready to open: %(problems)s"
            ) % {"problems": " ".join(problems)}
    if errors:
        raise ValidationError(errors)


def _check_facilitators(facilitators: list) -> None:
    if any(not person.is_active or person.role not in CAN_FACILITATE for person in facilitators):
        raise ValidationError(
            {"facilitators": _("Only facilitators and programme admins can facilitate a cohort.")}
        )


def _clean_settings(fields: dict) -> dict:
    values = {name: fields[name] for name in COHORT_SETTINGS}
    values["title"] = (values["title"] or "").strip()
    values["venue"] = (values["venue"] or "").strip()
    return values


@transaction.atomic
def cohort_create(
    *,
    actor: User | None,
    programme,
    facilitators: list,
    title: str,
    intake_year: int,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    capacity: int | None = None,
    applications_open_at: dt.datetime | None = None,
    applications_close_at: dt.datetime | None = None,
    delivery_mode: str = Cohort.DeliveryMode.BLENDED,
    venue: str = "",
    per_organisation_cap: int | None = None,
    sponsor_approval_required: bool = False,
    opens_automatically: bool = False,
) -> Cohort:
    """A new cohort of `programme`, as a draft nobody outside its facilitators sees.

    Raises ValidationError naming the fields that are wrong. A draft may lack dates,
    places and its application window; asking it to open automatically needs them all.
    Audited ("cohort.created"), with its facilitators.
    """
    values = _clean_settings(locals())
    _check_settings(values, status=Cohort.Status.DRAFT)
    facilitators = list(facilitators)
    _check_facilitators(facilitators)
    cohort = Cohort.objects.create(programme=programme, status=Cohort.Status.DRAFT, **values)
    cohort.facilitators.set(facilitators)
    audit_record(
        actor=actor,
        action="cohort.created",
        target=cohort,
        after={
            "programme": programme.pk,
            **_settings_of(cohort),
            "facilitators": sorted(person.pk for person in facilitators),
        },
    )
    return cohort


def _check_sessions_within(cohort: Cohort, starts_on, ends_on) -> None:
    """Dates may not move so that sessions going ahead fall outside them."""
    sessions = scheduling_selectors.session_list_for_cohort(cohort).filter(status="scheduled")
    outside = []
    for session in sessions:
        day = session.local_date
        if (starts_on and day < starts_on) or (
            ends_on and timezone.localtime(session.ends_at).date() > ends_on
        ):
            outside.append(session)
    if outside:
        raise ValidationError(
            {
                "starts_on": ngettext(
                    "%(count)s session falls outside these dates (%(title)s on %(date)s): "
                    "move or cancel it first.",
                    "%(count)s sessions fall outside these dates (the first is %(title)s on "
                    "%(date)s): move or cancel them first.",
                    len(outside),
                )
                % {
                    "count": len(outside),
                    "title": outside[0].title,
                    "date": formats.date_format(outside[0].local_date, "j F Y"),
                }
            }
        )


@transaction.atomic
def cohort_update(
    *, cohort: Cohort, actor: User | None, facilitators: list | None = None, **fields
) -> Cohort:
    """Change a cohort's settings (`fields` are COHORT_SETTINGS) and, when given, its
    facilitators.

    Refuses, with a field error, a capacity below the places already taken plus those
    reserved for organisations, dates that would leave sessions outside them, and
    removing what an opened cohort needs. Places added to a cohort with a waitlist are
    offered to it at once. An archived cohort cannot change (ApplicationError). Audited
    with what changed ("cohort.changed", "cohort.facilitators_changed").
    """
    cohort = _lock_cohort(cohort.pk)
    if cohort.status == Cohort.Status.ARCHIVED:
        raise ApplicationError(_("This cohort is archived: it can no longer change."))
    before = _settings_of(cohort)
    values = _clean_settings(
        {**{name: getattr(cohort, name) for name in COHORT_SETTINGS}, **fields}
    )
    if cohort.status != Cohort.Status.DRAFT:
        values["opens_automatically"] = False
    _check_settings(values, status=cohort.status)
    needed = cohort.places_taken + cohort.places_reserved
    if needed and (values["capacity"] or 0) < needed:
        raise ValidationError(
            {
                "capacity": _(
                    "%(taken)s places are taken and %(reserved)s are reserved for "
                    "organisations, so the cohort needs at least %(needed)s places."
                )
                % {
                    "taken": cohort.places_taken,
                    "reserved": cohort.places_reserved,
                    "needed": needed,
                }
            }
        )
    if (values["starts_on"], values["ends_on"]) != (cohort.starts_on, cohort.ends_on):
        _check_sessions_within(cohort, values["starts_on"], values["ends_on"])
    added_places = (values["capacity"] or 0) - (cohort.capacity or 0)
    for name, value in values.items():
        setattr(cohort, name, value)
    cohort.save(update_fields=COHORT_SETTINGS)
    after = _settings_of(cohort)
    changed = [name for name in COHORT_SETTINGS if before[name] != after[name]]
    if changed:
        audit_record(
            actor=actor,
            action="cohort.changed",
            target=cohort,
            before={name: before[name] for name in changed},
            after={name: after[name] for name in changed},
        )
    if facilitators is not None:
        facilitators = list(facilitators)
        _check_facilitators(facilitators)
        old = sorted(cohort.facilitators.values_list("pk", flat=True))
        new = sorted(person.pk for person in facilitators)
        if old != new:
            cohort.facilitators.set(facilitators)
            audit_record(
                actor=actor,
                action="cohort.facilitators_changed",
                target=cohort,
                before={"facilitators": old},
                after={"facilitators": new},
            )
    if added_places > 0:
        places = _Places(cohort)
        events = _offer_waitlist(places, limit=added_places)
        places.save()
        _notify(events)
    return cohort


def _move_status(cohort: Cohort, move: lifecycle.Move, *, actor: User | None, reason: str) -> None:
    """Record `move` on a cohort locked by the caller."""
    before = cohort.status
    cohort.status = move.to_status
    # Opened, by hand or on schedule: nothing is left to open automatically.
    cohort.opens_automatically = False
    cohort.save(update_fields=["status", "opens_automatically"])
    audit_record(
        actor=actor,
        action="cohort.status_changed",
        target=cohort,
        before={"status": before},
        after={"status": cohort.status},
        reason=reason,
    )


@transaction.atomic
def cohort_transition(
    *, cohort: Cohort, action: str, actor: User | None, reason: str = ""
) -> Cohort:
    """Move a cohort one step along its lifecycle: open, close, start, complete or archive.

    Raises ApplicationError, saying what the next step is, for any other move, and when
    opening a cohort without its dates, places or a window still to come. Audited
    ("cohort.status_changed").
    """
    cohort = _lock_cohort(cohort.pk)
    move = lifecycle.check(cohort, action)
    _move_status(cohort, move, actor=actor, reason=reason)
    return cohort


def cohort_open(*, cohort: Cohort, actor: User | None) -> Cohort:
    return cohort_transition(cohort=cohort, action="open", actor=actor)


def cohort_close(*, cohort: Cohort, actor: User | None) -> Cohort:
    return cohort_transition(cohort=cohort, action="close", actor=actor)


def cohort_start(*, cohort: Cohort, actor: User | None) -> Cohort:
    return cohort_transition(cohort=cohort, action="start", actor=actor)


def cohort_complete(*, cohort: Cohort, actor: User | None) -> Cohort:
    return cohort_transition(cohort=cohort, action="complete", actor=actor)


def cohort_archive(*, cohort: Cohort, actor: User | None) -> Cohort:
    return cohort_transition(cohort=cohort, action="archive", actor=actor)


def _due_on_dates(now: dt.datetime) -> list[tuple[str, QuerySet, str]]:
    """(action, cohorts due for it now, the reason recorded), in the order they run.

    Reasons the portal writes itself are stored in English and translated where shown,
    for each reader in their own language (see _history.html).
    """
    return [
        (
            "open",
            Cohort.objects.filter(
                status=Cohort.Status.DRAFT,
                opens_automatically=True,
                applications_open_at__lte=now,
                applications_close_at__gt=now,
            ),
            gettext_noop("Opened on schedule: the application window started."),
        ),
        (
            "close",
            Cohort.objects.filter(status=Cohort.Status.OPEN, applications_close_at__lte=now),
            gettext_noop("Closed on schedule: the application window ended."),
        ),
        (
            "start",
            Cohort.objects.filter(
                status=Cohort.Status.CLOSED, starts_on__lte=timezone.localdate(now)
            ),
            gettext_noop("Started on schedule: the cohort's start date came."),
        ),
    ]


@transaction.atomic
def _advance_one(cohort_id: int, action: str, reason: str, now: dt.datetime) -> bool:
    cohort = _lock_cohort(cohort_id)
    # Checked again under the lock: a person or another run may have moved it meanwhile.
    for due_action, due, _reason in _due_on_dates(now):
        if due_action == action and due.filter(pk=cohort_id).exists():
            break
    else:
        return False
    try:
        move = lifecycle.check(cohort, action)
    except ApplicationError as error:
        logger.warning("Cohort %s was due to %s but cannot: %s", cohort_id, action, error.message)
        return False
    _move_status(cohort, move, actor=None, reason=reason)
    return True


def cohort_advance_on_dates(*, now: dt.datetime | None = None) -> list[tuple[int, str]]:
    """Open, close and start cohorts whose dates have come; returns (cohort id, action).

    Opens only drafts marked to open automatically whose window has started and not yet
    ended; closes open cohorts whose window has ended; starts closed cohorts whose start
    date has come. Each cohort moves in its own transaction under its row lock, so
    running this twice, or in two workers at once, moves each cohort once.
    """
    now = now or timezone.now()
    moved = []
    for action, due, reason in _due_on_dates(now):
        for cohort_id in list(due.order_by("pk").values_list("pk", flat=True)):
            if _advance_one(cohort_id, action, reason, now):
                moved.append((cohort_id, action))
    return moved


def _shift_wall_clock(moment: dt.datetime | None, days: int) -> dt.datetime | None:
    """The same UK wall-clock time `days` later: 10:00 stays 10:00 across a clock change."""
    if moment is None:
        return None
    local = timezone.localtime(moment)
    return timezone.make_aware(local.replace(tzinfo=None) + dt.timedelta(days=days))


@dataclass
class CohortCopy:
    cohort: Cohort
    weeks: int
    sessions: int = 0
    modules: int = 0
    # (the copied session, what it clashes with) for each copied session with a clash.
    clashes: list = field(default_factory=list)


@transaction.atomic
def cohort_copy(
    *, source: Cohort, actor: User, title: str, intake_year: int, starts_on: dt.date
) -> CohortCopy:
    """Run a cohort again: a new draft with `source`'s settings, timetable and own course
    modules, starting on `starts_on`.

    Everything moves by whole weeks, the fewest that bring the first day on or after
    `starts_on`, so sessions keep their weekday and UK wall-clock time (across clock
    changes); the application window and module dates move the same way. Sessions are
    scheduled through the scheduling services (new calendar identifiers; cancelled ones
    are left out) and modules and materials copied through the academy services (files
    under new names). Facilitators come along, and a facilitator who runs it again is
    one of them. Places, applications, reservations and participants do not. Clashes
    with other bookings are reported, not refused: the copy is a draft to check.
    """
    if source.starts_on is None:
        raise ApplicationError(
            _("Set the dates of the cohort you copy first: its sessions move with them.")
        )
    if starts_on <= source.starts_on:
        raise ValidationError(
            {
                "starts_on": _("Choose a start after %(date)s, when the copied cohort started.")
                % {"date": formats.date_format(source.starts_on, "j F Y")}
            }
        )
    weeks = -(-(starts_on - source.starts_on).days // 7)
    days = weeks * 7
    facilitators = [
        person
        for person in source.facilitators.all()
        if person.is_active and person.role in CAN_FACILITATE
    ]
    if actor.is_facilitator and actor not in facilitators:
        facilitators.append(actor)
    cohort = cohort_create(
        actor=actor,
        programme=source.programme,
        facilitators=facilitators,
        title=title,
        intake_year=intake_year,
        starts_on=starts_on,
        ends_on=source.ends_on + dt.timedelta(days=days) if source.ends_on else None,
        capacity=source.capacity,
        applications_open_at=_shift_wall_clock(source.applications_open_at, days),
        applications_close_at=_shift_wall_clock(source.applications_close_at, days),
        delivery_mode=source.delivery_mode,
        venue=source.venue,
        per_organisation_cap=source.per_organisation_cap,
        sponsor_approval_required=source.sponsor_approval_required,
        opens_automatically=False,
    )
    outcome = CohortCopy(cohort=cohort, weeks=weeks)
    for session in scheduling_selectors.session_list_for_cohort(source):
        if session.is_cancelled:
            continue
        leads = [
            person
            for person in session.facilitators.all()
            if person.is_active and person.role in CAN_FACILITATE
        ]
        details = {
            "cohort": cohort,
            "actor": actor,
            "title": session.title,
            "kind": session.kind,
            "starts_at": _shift_wall_clock(session.starts_at, days),
            "ends_at": _shift_wall_clock(session.ends_at, days),
            "facilitators": leads or facilitators,
            "description": session.description,
            "venue": session.venue,
            "access_notes": session.access_notes,
            "joining_link": session.joining_link,
            "capacity": session.capacity,
        }
        try:
            copy = scheduling_services.session_schedule(**details)
        except scheduling_services.ClashWarning as warning:
            copy = scheduling_services.session_schedule(**details, confirm_clashes=True)
            outcome.clashes.append((copy, warning.clashes))
        outcome.sessions += 1
    outcome.modules = academy_services.cohort_modules_copy(
        source=source, target=cohort, shift_days=days
    )
    audit_record(
        actor=actor,
        action="cohort.copied",
        target=cohort,
        after={
            "copied_from": source.pk,
            "weeks": weeks,
            "sessions": outcome.sessions,
            "modules": outcome.modules,
        },
    )
    return outcome
