"""Every transition is e-mailed (plain text and HTML) after commit, from the task, once."""

from unittest import mock

import pytest
from django.utils import timezone

from cohorts import services, tasks
from cohorts.models import Application, ApplicationEvent, Nomination
from tests.factories.accounts import UserFactory
from tests.factories.cohorts import CohortFactory, make_application, make_nomination

State = Application.State
pytestmark = pytest.mark.django_db

SUBJECTS = {
    State.IN_REVIEW: "is being reviewed",
    State.ACCEPTED: "You are offered a place",
    State.WAITLISTED: "You are on the waitlist",
    State.REJECTED: "Your application to",
    State.ENROLLED: "is confirmed",
    State.WITHDRAWN: "is withdrawn",
    State.OFFER_EXPIRED: "has expired",
}


@pytest.mark.parametrize("state", list(SUBJECTS))
def test_each_transition_sends_the_applicant_a_two_part_email(
    state, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        application = make_application(state=state)
    last = application.events.order_by("pk").last()
    assert last.to_state == state
    assert last.notified_at is not None
    message = mailoutbox[-1]
    assert message.to == [application.applicant.email]
    assert SUBJECTS[state] in message.subject
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert application.get_absolute_url() in message.body
    assert application.get_absolute_url() in html
    # One e-mail per change (the first being the receipt for the submission).
    assert len(mailoutbox) == application.events.count()


def test_nothing_is_sent_if_the_transaction_rolls_back(
    mailoutbox, django_capture_on_commit_callbacks
):
    application = make_application(state=State.IN_REVIEW)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.application_reject(application=application, actor=UserFactory(), reason="No.")
    assert len(callbacks) == 1  # queued for after the commit, not sent inside it
    assert mailoutbox == []


def test_the_offer_email_gives_the_deadline_and_the_reason(
    mailoutbox, django_capture_on_commit_callbacks
):
    application = make_application(state=State.IN_REVIEW)
    with django_capture_on_commit_callbacks(execute=True):
        services.application_accept(
            application=application, actor=UserFactory(), reason="Great answers."
        )
    application.refresh_from_db()
    deadline = timezone.localtime(application.offer_expires_at).strftime("%-d %B %Y")
    assert deadline in mailoutbox[-1].body
    assert "Reason: Great answers." in mailoutbox[-1].body


def test_the_waitlist_email_says_the_place_in_line(mailoutbox, django_capture_on_commit_callbacks):
    cohort = CohortFactory()
    make_application(cohort=cohort, state=State.WAITLISTED)
    with django_capture_on_commit_callbacks(execute=True):
        make_application(cohort=cohort, state=State.WAITLISTED)
    assert "number 2 in line" in mailoutbox[-1].body


def test_the_task_sends_once_however_often_it_runs(mailoutbox):
    application = make_application(state=State.IN_REVIEW)  # callbacks not run: nothing sent
    events = list(application.events.values_list("pk", flat=True))
    assert tasks.application_events_notify(events) == len(events)
    assert tasks.application_events_notify(events) == 0
    assert len(mailoutbox) == 1  # one message covering the changes of one service call


def test_a_failed_send_gives_the_events_back_for_the_retry(mailoutbox):
    application = make_application(state=State.IN_REVIEW)
    events = list(application.events.values_list("pk", flat=True))
    with (
        mock.patch("cohorts.tasks.send_templated_email", side_effect=OSError("SMTP down")),
        pytest.raises(OSError, match="SMTP down"),
    ):
        tasks.application_events_notify(events)
    assert not ApplicationEvent.objects.filter(pk__in=events, notified_at__isnull=False).exists()
    assert tasks.application_events_notify(events) == len(events)
    assert len(mailoutbox) == 1


def test_the_invitation_task_sends_once_and_not_for_a_cancelled_invitation(mailoutbox):
    nomination = make_nomination()
    assert tasks.nomination_send_invitation(nomination.pk) is True
    assert tasks.nomination_send_invitation(nomination.pk) is False
    other = make_nomination()
    Nomination.objects.filter(pk=other.pk).update(status=Nomination.Status.CANCELLED)
    assert tasks.nomination_send_invitation(other.pk) is False
    assert [m.to for m in mailoutbox] == [[nomination.nominee_email]]


def test_emails_are_written_in_the_recipients_language(mailoutbox):
    application = make_application(state=State.IN_REVIEW)
    application.applicant.preferred_language = "cy"
    application.applicant.save(update_fields=["preferred_language"])
    with mock.patch("cohorts.tasks.send_templated_email") as send:
        tasks.application_events_notify(list(application.events.values_list("pk", flat=True)))
    assert send.call_args.kwargs["language"] == "cy"
