"""The state machine: every transition outside the table is refused, by the table and by
the services, and a refused transition changes nothing."""

import itertools

import pytest

from cohorts import services, workflow
from cohorts.models import Application
from cohorts.workflow import Actor
from core.errors import ApplicationError

State = Application.State
ALL = list(itertools.product(State.values, State.values, list(Actor)))
FORBIDDEN = [case for case in ALL if not workflow.can_move(*case)]


def test_the_table_has_the_documented_flow():
    flow = [
        State.DRAFT,
        State.SUBMITTED,
        State.AWAITING_SPONSOR,
        State.IN_REVIEW,
        State.ACCEPTED,
        State.ENROLLED,
    ]
    for before, after in itertools.pairwise(flow):
        assert workflow.TRANSITIONS.get((before, after)), (before, after)
    for final in workflow.FINAL:
        assert not any(frm == final for frm, _to in workflow.TRANSITIONS)


@pytest.mark.parametrize(("from_state", "to_state", "actor"), FORBIDDEN)
def test_every_transition_outside_the_table_is_refused(from_state, to_state, actor):
    with pytest.raises(ApplicationError, match="cannot become"):
        workflow.check(from_state, to_state, actor)


def test_most_combinations_are_forbidden():
    # 10 states x 10 states x 4 actors; 27 allowed (state, state, actor) triples.
    allowed = sum(len(actors) for actors in workflow.TRANSITIONS.values())
    assert len(FORBIDDEN) == len(ALL) - allowed
    assert allowed == 27


def _actions(application, *, applicant, facilitator, sponsor):
    """(name, target state, actor, call) for every service that changes an application."""
    return [
        ("submit", State.SUBMITTED, Actor.APPLICANT,
         lambda: services.application_submit(application=application)),
        ("start review", State.IN_REVIEW, Actor.REVIEWER,
         lambda: services.application_start_review(application=application, actor=facilitator)),
        ("accept", State.ACCEPTED, Actor.REVIEWER,
         lambda: services.application_accept(application=application, actor=facilitator)),
        ("waitlist", State.WAITLISTED, Actor.REVIEWER,
         lambda: services.application_waitlist(application=application, actor=facilitator)),
        ("reject", State.REJECTED, Actor.REVIEWER,
         lambda: services.application_reject(
             application=application, actor=facilitator, reason="No.")),
        ("endorse", State.IN_REVIEW, Actor.SPONSOR,
         lambda: services.application_endorse(application=application, sponsor=sponsor)),
        ("decline", State.REJECTED, Actor.SPONSOR,
         lambda: services.application_decline_endorsement(
             application=application, sponsor=sponsor, reason="No.")),
        ("review without sponsor", State.IN_REVIEW, Actor.REVIEWER,
         lambda: services.application_review_without_endorsement(
             application=application, actor=facilitator, reason="Sponsor away.")),
        ("confirm", State.ENROLLED, Actor.APPLICANT,
         lambda: services.application_confirm_place(application=application, actor=applicant)),
        ("withdraw", State.WITHDRAWN, Actor.APPLICANT,
         lambda: services.application_withdraw(application=application, actor=applicant)),
        ("withdraw for them", State.WITHDRAWN, Actor.REVIEWER,
         lambda: services.application_withdraw(application=application, actor=facilitator)),
    ]  # fmt: skip


# Services narrower than the table: endorsing, and going ahead without the sponsor, only
# from awaiting_sponsor; starting a review only from submitted.
ONLY_FROM = {
    "endorse": {State.AWAITING_SPONSOR},
    "decline": {State.AWAITING_SPONSOR},
    "review without sponsor": {State.AWAITING_SPONSOR},
    "start review": {State.SUBMITTED},
}


@pytest.mark.django_db
@pytest.mark.parametrize("state", State.values)
def test_services_refuse_every_transition_the_table_forbids(
    state, application_in, sponsor, facilitator
):
    application = application_in(state)
    applicant = application.applicant
    refused = 0
    for name, target, actor, call in _actions(
        application, applicant=applicant, facilitator=facilitator, sponsor=sponsor
    ):
        allowed = workflow.can_move(state, target, actor) and state in ONLY_FROM.get(name, {state})
        if allowed:
            continue
        events = application.events.count()
        with pytest.raises(ApplicationError):
            call()
        application.refresh_from_db()
        assert application.state == state, name
        assert application.events.count() == events, name
        refused += 1
    assert refused > 0


@pytest.mark.django_db
@pytest.mark.parametrize("state", [s for s in State.values if s != State.ACCEPTED])
def test_expiring_is_a_no_op_for_anything_but_an_offer(state, application_in):
    application = application_in(state)
    assert services.application_expire_offer(application=application) is False
    application.refresh_from_db()
    assert application.state == state


@pytest.mark.django_db
def test_every_transition_is_recorded_with_who_when_from_to_and_why(application_in, facilitator):
    application = application_in(State.SUBMITTED)
    services.application_reject(application=application, actor=facilitator, reason="Full up.")
    events = list(application.events.order_by("pk"))
    assert [(e.from_state, e.to_state) for e in events] == [
        (State.DRAFT, State.SUBMITTED),
        (State.SUBMITTED, State.REJECTED),
    ]
    assert events[0].actor == application.applicant
    assert events[1].actor == facilitator
    assert events[1].reason == "Full up."
    assert events[0].created_at <= events[1].created_at


@pytest.mark.django_db
def test_a_submission_naming_an_organisation_with_a_sponsor_waits_for_them(application_in):
    application = application_in(State.AWAITING_SPONSOR)
    last = application.events.order_by("pk").last()
    assert (last.from_state, last.to_state, last.actor) == (
        State.SUBMITTED,
        State.AWAITING_SPONSOR,
        None,
    )
