"""What the portal sends or renders for a person is in that person's language.

E-mails, calendar entries and dates follow `User.preferred_language`, whatever the
language of the request or task that produced them; someone without an account gets the
language of the person who wrote to them. (Certificates: tests/certificates/test_pdf.py.)
"""

import datetime as dt

import icalendar
import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext

from announcements import services as announcement_services
from cohorts import tasks as cohort_tasks
from cohorts.models import Application
from scheduling import services as scheduling_services
from scheduling import tasks as scheduling_tasks
from tests.factories.accounts import AdminFactory, FacilitatorFactory, SponsorFactory, UserFactory
from tests.factories.cohorts import (
    CohortFactory,
    EnrolmentFactory,
    make_application,
    make_nomination,
)
from tests.factories.scheduling import RunningCohortFactory, SessionFactory, local_days_from_today

pytestmark = pytest.mark.django_db


def welsh(msgid: str, **params) -> str:
    with translation.override("cy"):
        text = gettext(msgid)
    assert text != msgid, f"No Welsh for {msgid!r}"
    return text % params if params else text


def english(msgid: str, **params) -> str:
    with translation.override("en-gb"):
        return gettext(msgid) % params if params else gettext(msgid)


def sent_to(email: str):
    [message] = [message for message in mail.outbox if message.to == [email]]
    return message


def html_of(message) -> str:
    return message.alternatives[0][0]


def test_one_update_reaches_each_person_in_their_own_language():
    sponsor = SponsorFactory(preferred_language="en-gb")
    applicant = UserFactory(organisation=sponsor.organisation, preferred_language="cy")
    cohort = CohortFactory(sponsor_approval_required=True)
    application = make_application(
        cohort=cohort, applicant=applicant, state=Application.State.AWAITING_SPONSOR
    )
    mail.outbox.clear()
    cohort_tasks.application_events_notify(list(application.events.values_list("pk", flat=True)))
    to_applicant, to_sponsor = sent_to(applicant.email), sent_to(sponsor.email)
    name = cohort.programme.name
    assert to_applicant.subject == welsh(
        "Your application to %(name)s is waiting for your sponsor", name=name
    )
    assert 'lang="cy"' in html_of(to_applicant)
    assert to_sponsor.subject == english(
        "Please approve %(name)s’s application", name=applicant.full_name
    )
    assert 'lang="en-gb"' in html_of(to_sponsor)


def test_a_nominee_without_an_account_gets_the_nominating_sponsors_language(
    django_capture_on_commit_callbacks,
):
    cohort = CohortFactory()
    with translation.override("cy"), django_capture_on_commit_callbacks(execute=True):
        nomination = make_nomination(cohort=cohort, email="newcomer@example.org")
    message = sent_to(nomination.nominee_email)
    assert message.subject == welsh(
        "You are invited to apply to %(name)s", name=cohort.programme.name
    )


def test_a_nominee_with_an_account_gets_their_own_language(django_capture_on_commit_callbacks):
    nominee = UserFactory(preferred_language="en-gb")
    cohort = CohortFactory()
    with translation.override("cy"), django_capture_on_commit_callbacks(execute=True):
        make_nomination(cohort=cohort, email=nominee.email)
    assert sent_to(nominee.email).subject == english(
        "You are invited to apply to %(name)s", name=cohort.programme.name
    )


def test_a_role_invitation_is_in_the_inviting_admins_language(
    client, django_capture_on_commit_callbacks
):
    client.force_login(AdminFactory(preferred_language="cy"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("people:invitation-create"),
            {"full_name": "Nia Rees", "email": "nia@example.org", "role": "facilitator"},
        )
    assert response.status_code == 302
    message = sent_to("nia@example.org")
    assert 'lang="cy"' in html_of(message)
    assert message.subject == welsh(
        "You are invited to the Academy portal as a %(role)s", role=welsh("Facilitator")
    )


def test_a_session_reminder_gives_the_date_in_the_persons_language(
    django_capture_on_commit_callbacks,
):
    cohort = RunningCohortFactory()
    welsh_reader = EnrolmentFactory(cohort=cohort, user__preferred_language="cy").user
    english_reader = EnrolmentFactory(cohort=cohort, user__preferred_language="en-gb").user
    session = SessionFactory(
        cohort=cohort,
        title="Leading change",
        starts_at=timezone.now() + dt.timedelta(hours=3),
        ends_at=timezone.now() + dt.timedelta(hours=5),
        facilitators=[FacilitatorFactory()],
    )
    with django_capture_on_commit_callbacks(execute=True):
        scheduling_tasks.send_due_reminders()
    starts = timezone.localtime(session.starts_at)
    for person, language in [(welsh_reader, "cy"), (english_reader, "en-gb")]:
        with translation.override(language):
            expected = gettext("Reminder: %(title)s, %(day)s at %(start)s") % {
                "title": "Leading change",
                "day": date_format(starts, "l j F"),
                "start": starts.strftime("%H:%M"),
            }
        assert sent_to(person.email).subject == expected
    # Day and month names really differ between the two, so the check above can fail.
    assert sent_to(welsh_reader.email).subject != sent_to(english_reader.email).subject


def test_an_announcement_reaches_each_person_in_their_language(
    django_capture_on_commit_callbacks,
):
    cohort = RunningCohortFactory()
    facilitator = FacilitatorFactory(preferred_language="en-gb")
    cohort.facilitators.add(facilitator)
    welsh_reader = EnrolmentFactory(cohort=cohort, user__preferred_language="cy").user
    english_reader = EnrolmentFactory(cohort=cohort, user__preferred_language="en-gb").user
    with django_capture_on_commit_callbacks(execute=True):
        announcement_services.announcement_send(
            cohort=cohort, author=facilitator, audience="everyone", subject="Room", body="Hi."
        )
    assert 'lang="cy"' in html_of(sent_to(welsh_reader.email))
    assert 'lang="en-gb"' in html_of(sent_to(english_reader.email))


def test_a_calendar_feed_is_in_its_owners_language_whoever_fetches_it(client):
    cohort = RunningCohortFactory()
    person = EnrolmentFactory(cohort=cohort, user__preferred_language="cy").user
    SessionFactory(cohort=cohort, starts_at=local_days_from_today(5))
    feed = scheduling_services.calendar_feed_reset(user=person)
    # A calendar app fetches it with no cookie and an English Accept-Language.
    response = client.get(
        reverse("scheduling:calendar-feed", args=[feed.token]), HTTP_ACCEPT_LANGUAGE="en-GB"
    )
    calendar = icalendar.Calendar.from_ical(response.content)
    [event] = calendar.events
    assert welsh("Type of session: %(kind)s", kind=welsh("Workshop")) in str(event["DESCRIPTION"])
    assert calendar.calendar_name == welsh("Academy portal: %(name)s", name=person.full_name)


def test_a_session_file_is_in_the_language_of_the_page_it_came_from(client):
    cohort = RunningCohortFactory()
    person = EnrolmentFactory(cohort=cohort, user__preferred_language="cy").user
    session = SessionFactory(cohort=cohort, starts_at=local_days_from_today(5))
    client.force_login(person)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    response = client.get(reverse("scheduling:session-calendar", args=[session.pk]))
    [event] = icalendar.Calendar.from_ical(response.content).events
    assert welsh("Type of session: %(kind)s", kind=welsh("Workshop")) in str(event["DESCRIPTION"])


@pytest.mark.parametrize("language", ["cy", "en-gb"])
def test_pages_give_dates_in_the_chosen_language(client, language):
    next_year = timezone.localdate().year + 1
    cohort = CohortFactory(starts_on=dt.date(next_year, 11, 25), ends_on=dt.date(next_year, 12, 20))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    html = client.get(cohort.programme.get_absolute_url()).content.decode()
    with translation.override(language):
        expected = date_format(cohort.starts_on, "j F Y")
    assert expected in html
    assert ("Tachwedd" in html) == (language == "cy")


def test_reasons_the_portal_writes_are_stored_once_and_read_in_each_language(client):
    applicant = UserFactory(preferred_language="cy")
    application = make_application(applicant=applicant, state=Application.State.OFFER_EXPIRED)
    event = application.events.get(to_state=Application.State.OFFER_EXPIRED)
    reason = "The place was not confirmed before the offer's deadline."
    assert event.reason == reason
    mail.outbox.clear()
    cohort_tasks.application_events_notify([event.pk])
    assert welsh(reason) in sent_to(applicant.email).body
    client.force_login(applicant)
    for language, expected in [("cy", welsh(reason)), ("en-gb", reason)]:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        html = client.get(reverse("cohorts:application-detail", args=[application.pk]))
        assert expected.replace("'", "&#x27;") in html.content.decode()
