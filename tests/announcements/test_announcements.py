"""Announcements: to everyone, those at risk or the waitlist; recorded, shown on
dashboards, e-mailed once per person from a background task; who may see what."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from academy.risk import enrolments_at_risk
from announcements import services, tasks
from announcements.models import Announcement, AnnouncementRecipient
from audit.models import AuditEntry
from cohorts.models import Application, Cohort
from core.errors import ApplicationError
from scheduling import services as scheduling_services
from tests.factories.academy import MaterialFactory
from tests.factories.accounts import AdminFactory, FacilitatorFactory, SponsorFactory, UserFactory
from tests.factories.cohorts import CohortFactory, EnrolmentFactory
from tests.factories.scheduling import RunningCohortFactory, SessionFactory, local_days_from_today

pytestmark = pytest.mark.django_db
State = Application.State


@pytest.fixture
def cohort():
    """A running cohort: three taking part (one of them at risk), one completed, one
    withdrawn, and a waitlist of two."""
    cohort = RunningCohortFactory(capacity=5)
    # A required reading that opens next year: the register below completes nobody.
    MaterialFactory(
        module__programme=cohort.programme,
        module__release_rule="days_after_start",
        module__release_after_days=365,
    )
    facilitator = FacilitatorFactory()
    cohort.facilitators.add(facilitator)
    people = [EnrolmentFactory(cohort=cohort).user for _ in range(3)]
    held = SessionFactory(cohort=cohort, starts_at=local_days_from_today(-7))
    scheduling_services.attendance_record(
        session=held,
        actor=facilitator,
        marks={people[0].pk: "present", people[1].pk: "present", people[2].pk: "absent"},
    )
    completed = EnrolmentFactory(cohort=cohort)
    completed.status, completed.completed_on = "completed", held.local_date
    completed.save()
    withdrawn = EnrolmentFactory(cohort=cohort)
    withdrawn.status = "withdrawn"
    withdrawn.save()
    cohort.places_taken = 4
    cohort.save()
    waiting = []
    for position in (1, 2):
        application = Application.objects.create(
            cohort=cohort, applicant=UserFactory(), state=State.WAITLISTED,
            waitlist_position=position,
        )  # fmt: skip
        waiting.append(application.applicant)
    cohort.facilitator = facilitator
    cohort.people = people
    cohort.completed = completed.user
    cohort.withdrawn = withdrawn.user
    cohort.waiting = waiting
    return cohort


def _send(cohort, audience, **kwargs):
    return services.announcement_send(
        cohort=cohort,
        author=cohort.facilitator,
        audience=audience,
        subject=kwargs.get("subject", "Next week"),
        body=kwargs.get("body", "Bring a laptop."),
    )


def _recipients(announcement) -> set:
    return {recipient.user for recipient in announcement.recipients.all()}


def test_everyone_means_everyone_with_a_place_but_not_those_who_left(cohort):
    announcement = _send(cohort, Announcement.Audience.EVERYONE)
    assert _recipients(announcement) == {*cohort.people, cohort.completed}
    assert announcement.author == cohort.facilitator
    entry = AuditEntry.objects.get(action="announcement.sent")
    assert entry.after == {"cohort": cohort.pk, "audience": "everyone", "recipients": 4}


def test_those_at_risk_are_the_shared_definition_of_at_risk(cohort):
    announcement = _send(cohort, Announcement.Audience.AT_RISK)
    assert _recipients(announcement) == {e.user for e in enrolments_at_risk(cohort)}
    assert _recipients(announcement) == {cohort.people[2]}


def test_the_waitlist_is_everyone_waiting_for_a_place(cohort):
    announcement = _send(cohort, Announcement.Audience.WAITLIST)
    assert _recipients(announcement) == set(cohort.waiting)


def test_each_recipient_is_emailed_once_after_commit_even_if_the_task_runs_twice(
    cohort, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        announcement = _send(cohort, Announcement.Audience.EVERYONE, subject="Room change")
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        person.email for person in _recipients(announcement)
    )
    message = mail.outbox[0]
    assert message.subject == f"Room change ({cohort.title})"
    assert "Bring a laptop." in message.body
    assert [alternative[1] for alternative in message.alternatives] == ["text/html"]
    assert not announcement.recipients.filter(emailed_at__isnull=True).exists()

    assert tasks.announcement_send_emails(announcement.pk) == 0
    recipient = announcement.recipients.first()
    assert tasks.announcement_email_recipient(recipient.pk) is False
    assert len(mail.outbox) == 4


def test_a_failed_email_is_given_back_for_the_retry(cohort, monkeypatch):
    announcement = _send(cohort, Announcement.Audience.WAITLIST)
    recipient = announcement.recipients.first()

    def broken(**kwargs):
        raise ConnectionError("SMTP is down")

    monkeypatch.setattr(tasks, "send_templated_email", broken)
    with pytest.raises(ConnectionError):
        tasks.announcement_email_recipient(recipient.pk)
    recipient.refresh_from_db()
    assert recipient.emailed_at is None
    monkeypatch.undo()
    assert tasks.announcement_email_recipient(recipient.pk) is True
    assert [message.to for message in mail.outbox] == [[recipient.user.email]]


def test_an_erased_account_is_not_emailed(cohort):
    announcement = _send(cohort, Announcement.Audience.WAITLIST)
    gone = cohort.waiting[0]
    gone.is_active = False
    gone.save()
    mail.outbox.clear()
    assert tasks.announcement_send_emails(announcement.pk) == 1
    assert [message.to for message in mail.outbox] == [[cohort.waiting[1].email]]


@pytest.mark.parametrize(
    ("audience", "message"),
    [
        ("everyone", "Nobody has a place on this cohort yet"),
        ("at_risk", "Nobody in this cohort is at risk"),
        ("waitlist", "Nobody is on this cohort's waitlist."),
    ],
)
def test_an_announcement_to_nobody_is_refused(audience, message):
    cohort = CohortFactory()
    facilitator = FacilitatorFactory()
    with pytest.raises(ApplicationError, match=message):
        services.announcement_send(
            cohort=cohort, author=facilitator, audience=audience, subject="Hi", body="Hi"
        )
    assert not Announcement.objects.exists()


def test_subject_and_message_are_required(cohort):
    with pytest.raises(ValidationError) as refused:
        _send(cohort, "everyone", subject=" ", body="")
    assert set(refused.value.message_dict) == {"subject", "body"}


def test_an_archived_cohort_sends_nothing(cohort):
    Cohort.objects.filter(pk=cohort.pk).update(status=Cohort.Status.ARCHIVED)
    cohort.refresh_from_db()
    with pytest.raises(ApplicationError, match="archived"):
        _send(cohort, "everyone")


def test_recipients_see_it_on_their_dashboard_and_can_dismiss_it(client, cohort):
    announcement = _send(cohort, Announcement.Audience.AT_RISK, subject="Catching up")
    at_risk, fine = cohort.people[2], cohort.people[0]
    client.force_login(fine)
    assert "Catching up" not in client.get(reverse("core:dashboard")).content.decode()
    client.force_login(at_risk)
    html = client.get(reverse("core:dashboard")).content.decode()
    assert "Catching up" in html
    assert "Bring a laptop." in html
    dismiss = reverse("announcements:announcement-dismiss", args=[announcement.pk])
    response = client.post(dismiss, follow=True)
    assert "“Catching up” is off your dashboard." in response.content.decode()
    assert "Bring a laptop." not in response.content.decode()
    assert AnnouncementRecipient.objects.get(user=at_risk).dismissed_at is not None
    # Someone it was not sent to cannot dismiss it (or learn it exists).
    client.force_login(fine)
    assert client.post(dismiss).status_code == 404


def test_dismissing_with_htmx_returns_the_section_without_it(client, cohort):
    first = _send(cohort, Announcement.Audience.EVERYONE, subject="First")
    _send(cohort, Announcement.Audience.EVERYONE, subject="Second")
    client.force_login(cohort.people[0])
    response = client.post(
        reverse("announcements:announcement-dismiss", args=[first.pk]),
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert 'id="dashboard-announcements"' in html
    assert "Second" in html
    assert "<h3>First</h3>" not in html
    assert 'data-hx-swap-oob="innerHTML"' in html  # the confirmation is announced


def test_a_facilitator_sends_one_through_the_form_and_sees_who_received_it(client, cohort):
    client.force_login(cohort.facilitator)
    url = reverse("announcements:announcement-create", args=[cohort.pk])
    form = client.get(url, {"audience": "at_risk"}).context["form"]
    assert form.initial["audience"] == "at_risk"
    assert dict(form.fields["audience"].choices) == {
        "everyone": "Everyone taking part (4 people)",
        "at_risk": "Participants at risk (1 person)",
        "waitlist": "People on the waitlist (2 people)",
    }
    response = client.post(
        url, {"audience": "waitlist", "subject": "Places", "body": "Hang on."}, follow=True
    )
    announcement = Announcement.objects.get()
    assert response.redirect_chain[-1][0] == announcement.get_absolute_url()
    html = response.content.decode()
    assert "Your announcement is sent to 2 people." in html
    for person in cohort.waiting:
        assert person.full_name in html


def test_the_form_shows_a_refusal(client):
    cohort = CohortFactory()
    facilitator = FacilitatorFactory()
    cohort.facilitators.add(facilitator)
    client.force_login(facilitator)
    response = client.post(
        reverse("announcements:announcement-create", args=[cohort.pk]),
        {"audience": "waitlist", "subject": "Places", "body": "Hang on."},
    )
    assert response.status_code == 400
    assert "Nobody is on this cohort&#x27;s waitlist." in response.content.decode()


def test_admins_see_all_announcements_and_facilitators_those_of_their_cohorts(client, cohort):
    mine = _send(cohort, "everyone", subject="Mine")
    other_cohort = CohortFactory()
    EnrolmentFactory(cohort=other_cohort)
    others = services.announcement_send(
        cohort=other_cohort, author=AdminFactory(), audience="everyone", subject="Theirs", body="x"
    )
    client.force_login(cohort.facilitator)
    html = client.get(reverse("announcements:announcement-list")).content.decode()
    assert ("Mine" in html, "Theirs" in html) == (True, False)
    assert client.get(mine.get_absolute_url()).status_code == 200
    assert client.get(others.get_absolute_url()).status_code == 404
    list_url = reverse("announcements:announcement-list")
    assert client.get(list_url, {"cohort": other_cohort.pk}).status_code == 404
    client.force_login(AdminFactory())
    html = client.get(reverse("announcements:announcement-list")).content.decode()
    assert ("Mine" in html, "Theirs" in html) == (True, True)
    assert client.get(others.get_absolute_url()).status_code == 200
    for person in (cohort.people[0], SponsorFactory()):
        client.force_login(person)
        assert client.get(list_url).status_code == 403
        assert client.get(mine.get_absolute_url()).status_code == 404


def test_the_announcement_list_takes_the_same_queries_for_one_or_many(
    client, cohort, django_assert_num_queries
):
    client.force_login(AdminFactory())
    url = reverse("announcements:announcement-list")
    _send(cohort, "everyone")
    with CaptureQueriesContext(connection) as context:
        client.get(url)
    expected = len(context.captured_queries)
    for index in range(30):
        _send(cohort, "waitlist" if index % 2 else "everyone", subject=f"Note {index}")
    with django_assert_num_queries(expected):
        html = client.get(url).content.decode()
    assert "Page 1 of 2" in html


def test_the_recipient_list_takes_the_same_queries_for_few_or_many(
    client, django_assert_num_queries
):
    cohort = CohortFactory(capacity=60, status=Cohort.Status.RUNNING)
    admin = AdminFactory()
    for _ in range(2):
        EnrolmentFactory(cohort=cohort)
    client.force_login(admin)
    few = services.announcement_send(
        cohort=cohort, author=admin, audience="everyone", subject="Few", body="x"
    )
    with CaptureQueriesContext(connection) as context:
        client.get(few.get_absolute_url())
    expected = len(context.captured_queries)
    for _ in range(40):
        EnrolmentFactory(cohort=cohort)
    many = services.announcement_send(
        cohort=cohort, author=admin, audience="everyone", subject="Many", body="x"
    )
    with django_assert_num_queries(expected):
        html = client.get(many.get_absolute_url()).content.decode()
    assert "Page 1 of 2" in html
