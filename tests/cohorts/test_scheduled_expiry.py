"""The waitlist with the real task worker: e-mails go out from the worker, and an offer
left unanswered is expired by the scheduled task that django-q2 runs by itself."""

import datetime as dt
from email import message_from_string
from email.message import Message

from django.utils import timezone
from django_q.models import Schedule

from cohorts import services
from cohorts.models import Application
from tests.factories.cohorts import CohortFactory, make_application

State = Application.State
SCHEDULE = "cohorts: expire place offers"


def _messages(worker) -> list[Message]:
    """Each e-mail the worker wrote (the file backend separates them with a line of -)."""
    return [
        message_from_string(chunk.strip())
        for chunk in worker.sent_mail().split("-" * 79)
        if chunk.strip()
    ]


def _sent_to(worker, application, subject: str) -> list[Message]:
    return [
        message
        for message in _messages(worker)
        if message["To"] == application.applicant.email and subject in message["Subject"]
    ]


def _state(application) -> str:
    return Application.objects.get(pk=application.pk).state


def test_a_freed_place_is_offered_and_an_unanswered_offer_passes_on(task_worker):
    cohort = CohortFactory(capacity=1)
    enrolled = make_application(cohort=cohort, state=State.ENROLLED)
    first = make_application(cohort=cohort, state=State.WAITLISTED)
    second = make_application(cohort=cohort, state=State.WAITLISTED)

    services.application_withdraw(application=enrolled, actor=enrolled.applicant)
    assert _state(first) == State.ACCEPTED
    task_worker.wait_for(
        lambda: _sent_to(task_worker, first, "You are offered a place"), 60, "the offer e-mail"
    )

    # The deadline passes without an answer; the schedule falls due.
    Application.objects.filter(pk=first.pk).update(
        offer_expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    # The schedule (written after every migrate and flush) falls due.
    due = Schedule.objects.filter(name=SCHEDULE).update(
        next_run=timezone.now() - dt.timedelta(minutes=1)
    )
    assert due == 1
    task_worker.wait_for(lambda: _state(second) == State.ACCEPTED, 120, "the scheduled expiry")

    assert _state(first) == State.OFFER_EXPIRED
    expiry = Application.objects.get(pk=first.pk).events.order_by("pk").last()
    assert (expiry.from_state, expiry.to_state, expiry.actor) == (
        State.ACCEPTED,
        State.OFFER_EXPIRED,
        None,
    )
    cohort.refresh_from_db()
    assert cohort.places_taken == 1
    task_worker.wait_for(
        lambda: _sent_to(task_worker, second, "You are offered a place"),
        60,
        "the next offer e-mail",
    )
    task_worker.wait_for(
        lambda: _sent_to(task_worker, first, "has expired"), 60, "the e-mail about the expiry"
    )
    expired_mail = _sent_to(task_worker, first, "has expired")[0]
    assert expired_mail.is_multipart()
    assert [part.get_content_type() for part in expired_mail.get_payload()] == [
        "text/plain",
        "text/html",
    ]
    # The schedule goes on: next run in the future.
    assert Schedule.objects.get(name=SCHEDULE).next_run > timezone.now()
