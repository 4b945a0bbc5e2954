import datetime as dt
import threading
from collections import Counter

import pytest
from django.core import mail
from django.db import connection, connections
from django.utils import timezone
from django_q.tasks import async_task

from cohorts.models import Enrolment
from scheduling import services, tasks
from scheduling.models import Session, SessionReminder
from tests.factories.accounts import FacilitatorFactory
from tests.factories.cohorts import EnrolmentFactory
from tests.factories.scheduling import RunningCohortFactory, SessionFactory

pytestmark = pytest.mark.django_db


def in_hours(hours: float) -> dt.datetime:
    return timezone.now() + dt.timedelta(hours=hours)


@pytest.fixture
def soon(cohort, facilitator, participants):
    """A session starting in three hours: due for its reminder."""
    return SessionFactory(
        cohort=cohort,
        title="Leading change",
        starts_at=in_hours(3),
        ends_at=in_hours(5),
        facilitators=[facilitator],
        venue="Room 2, Civic Centre",
        joining_link="https://meet.example.org/leading-change",
    )


def run_reminders(capture):
    with capture(execute=True):
        return tasks.send_due_reminders()


def reminded():
    return Counter(address for message in mail.outbox for address in message.to)


def test_everyone_a_session_concerns_is_reminded_once(
    soon, facilitator, participants, withdrawn, django_capture_on_commit_callbacks
):
    assert run_reminders(django_capture_on_commit_callbacks) == 4
    expected = {person.email: 1 for person in [*participants, facilitator]}
    assert reminded() == expected
    message = next(m for m in mail.outbox if m.to == [participants[0].email])
    assert message.subject.startswith("Reminder: Leading change,")
    assert "https://meet.example.org/leading-change" in message.body
    assert "Room 2, Civic Centre" in message.body
    assert soon.get_absolute_url() in message.body
    assert SessionReminder.objects.filter(sent_at__isnull=False).count() == 4


def test_running_the_task_twice_reminds_nobody_twice(
    soon, facilitator, participants, django_capture_on_commit_callbacks
):
    run_reminders(django_capture_on_commit_callbacks)
    assert run_reminders(django_capture_on_commit_callbacks) == 0
    assert set(reminded().values()) == {1}
    assert len(mail.outbox) == 4


def test_only_sessions_within_the_lead_time_are_reminded(
    cohort, participants, settings, django_capture_on_commit_callbacks
):
    settings.SESSION_REMINDER_HOURS = 24
    SessionFactory(cohort=cohort, starts_at=in_hours(25), ends_at=in_hours(26))
    SessionFactory(cohort=cohort, starts_at=in_hours(-1), ends_at=in_hours(1))  # under way
    assert run_reminders(django_capture_on_commit_callbacks) == 0
    settings.SESSION_REMINDER_HOURS = 48
    assert run_reminders(django_capture_on_commit_callbacks) == len(participants) + 1


def test_a_cancelled_session_is_not_reminded(soon, facilitator, django_capture_on_commit_callbacks):
    services.session_cancel(session=soon, actor=facilitator, reason="Snow")
    assert run_reminders(django_capture_on_commit_callbacks) == 0


def test_a_moved_session_is_reminded_again_for_its_new_time(
    soon, facilitator, participants, django_capture_on_commit_callbacks
):
    run_reminders(django_capture_on_commit_callbacks)
    mail.outbox.clear()
    services.session_reschedule(
        session=soon, actor=facilitator, starts_at=in_hours(6), ends_at=in_hours(7)
    )
    run_reminders(django_capture_on_commit_callbacks)
    assert reminded()[participants[0].email] == 1
    assert SessionReminder.objects.filter(user=participants[0]).count() == 2


def test_a_reminder_claimed_before_the_session_was_cancelled_is_not_sent(
    soon, facilitator, participants, django_capture_on_commit_callbacks
):
    services.reminders_claim_due()  # claimed; the queued e-mails never ran
    services.session_cancel(session=soon, actor=facilitator, reason="Snow")
    reminder = SessionReminder.objects.filter(user=participants[0]).get()
    tasks.send_session_reminder(reminder.pk)
    assert mail.outbox == []
    reminder.refresh_from_db()
    assert reminder.sent_at is None


def test_a_reminder_that_failed_to_send_is_given_back_and_sent_later(
    soon, participants, monkeypatch, django_capture_on_commit_callbacks
):
    services.reminders_claim_due()
    reminder = SessionReminder.objects.filter(user=participants[0]).get()

    def broken(*args, **kwargs):
        raise ConnectionRefusedError("SMTP is down")

    monkeypatch.setattr(tasks, "send_templated_email", broken)
    with pytest.raises(ConnectionRefusedError):
        tasks.send_session_reminder(reminder.pk)
    reminder.refresh_from_db()
    assert reminder.sent_at is None
    monkeypatch.undo()
    tasks.send_session_reminder(reminder.pk)  # django-q's retry
    tasks.send_session_reminder(reminder.pk)  # and a stray duplicate of it
    assert reminded() == {participants[0].email: 1}


def test_claims_whose_e_mail_was_lost_are_queued_again_and_sent_once(
    soon, participants, facilitator, django_capture_on_commit_callbacks
):
    claimed_at = timezone.now() - dt.timedelta(minutes=30)
    services.reminders_claim_due(now=claimed_at)  # the queued tasks were lost
    assert mail.outbox == []
    run_reminders(django_capture_on_commit_callbacks)
    run_reminders(django_capture_on_commit_callbacks)
    assert set(reminded().values()) == {1}
    assert len(mail.outbox) == len(participants) + 1


def test_people_who_left_or_closed_their_account_are_not_reminded(
    soon, participants, django_capture_on_commit_callbacks
):
    Enrolment.objects.filter(user=participants[0]).update(
        status=Enrolment.Status.WITHDRAWN, withdrawn_at=timezone.now()
    )
    participants[1].is_active = False
    participants[1].save(update_fields=["is_active"])
    run_reminders(django_capture_on_commit_callbacks)
    assert participants[0].email not in reminded()
    assert participants[1].email not in reminded()
    assert reminded()[participants[2].email] == 1


def test_the_real_worker_sends_each_reminder_once_when_the_task_runs_twice(task_worker):
    cohort = RunningCohortFactory()
    facilitator = FacilitatorFactory()
    people = [EnrolmentFactory(cohort=cohort).user for _ in range(2)]
    SessionFactory(
        cohort=cohort, starts_at=in_hours(2), ends_at=in_hours(3), facilitators=[facilitator]
    )
    async_task("scheduling.tasks.send_due_reminders")
    async_task("scheduling.tasks.send_due_reminders")
    addresses = [person.email for person in [*people, facilitator]]
    task_worker.wait_for(
        lambda: SessionReminder.objects.filter(sent_at__isnull=False).count() == 3,
        60,
        "the reminders",
    )
    task_worker.wait_for(
        lambda: all(f"To: {address}" in task_worker.sent_mail() for address in addresses),
        30,
        "the reminder e-mails",
    )
    sent = task_worker.sent_mail()
    for address in addresses:
        assert sent.count(f"To: {address}") == 1
    assert mail.outbox == []  # sent by the worker process


def _claim_in_a_thread(barrier, results):
    try:
        barrier.wait()
        results.append(services.reminders_claim_due())
    finally:
        connections.close_all()


@pytest.mark.postgres_only
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite runs one writer at a time, so two claims can never race",
)
@pytest.mark.django_db(transaction=True)
def test_two_workers_claiming_at_once_remind_each_person_once(monkeypatch):
    cohort = RunningCohortFactory()
    people = [EnrolmentFactory(cohort=cohort).user for _ in range(20)]
    session = SessionFactory(cohort=cohort, starts_at=in_hours(2), ends_at=in_hours(3))
    # The e-mails are not the point here: count the claims.
    monkeypatch.setattr(services, "enqueue_on_commit", lambda *args: None)
    barrier, results = threading.Barrier(2), []
    threads = [
        threading.Thread(target=_claim_in_a_thread, args=(barrier, results)) for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(results) == len(people) + 1
    assert SessionReminder.objects.filter(session=session).count() == len(people) + 1
    assert Session.objects.count() == 1
