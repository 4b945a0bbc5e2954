"""The cohort home, the Cohorts list and the participant list: what they show, where each
number leads, and the same number of queries whatever the size."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from academy.models import Material, Module
from announcements import services as announcement_services
from cohorts.models import Application, Cohort
from scheduling import services as scheduling_services
from tests.factories.academy import ProgrammeFactory
from tests.factories.accounts import AdminFactory, FacilitatorFactory, UserFactory
from tests.factories.certificates import CompletedEnrolmentFactory, IssuedCertificateFactory
from tests.factories.cohorts import CohortFactory, EnrolmentFactory
from tests.factories.scheduling import RunningCohortFactory, SessionFactory, local_days_from_today

pytestmark = pytest.mark.django_db


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


@pytest.fixture
def running():
    """A running cohort with a timetable, a required material overdue, applications,
    a certificate and an announcement; `add(n)` gives it n more participants."""
    cohort = RunningCohortFactory(capacity=300)
    facilitator = FacilitatorFactory()
    cohort.facilitators.add(facilitator)
    module = Module.objects.create(
        programme=cohort.programme, cohort=cohort, title="Week 1", position=1, is_published=True
    )
    Material.objects.create(module=module, kind="page", title="Read me", body="Text", position=1)
    past = [
        SessionFactory(
            cohort=cohort, starts_at=local_days_from_today(-days), facilitators=[facilitator]
        )
        for days in (20, 10)
    ]
    for days in (3, 10, 17, 24):
        SessionFactory(
            cohort=cohort, starts_at=local_days_from_today(days), facilitators=[facilitator]
        )
    for state in (Application.State.SUBMITTED, Application.State.WAITLISTED):
        Application.objects.create(
            cohort=cohort,
            applicant=UserFactory(),
            state=state,
            submitted_at=timezone.now(),
            waitlist_position=1 if state == Application.State.WAITLISTED else None,
        )
    IssuedCertificateFactory(enrolment=CompletedEnrolmentFactory(cohort=cohort))

    def add(count):
        for _ in range(count):
            EnrolmentFactory(cohort=cohort, user=UserFactory())
        # The first session's register is taken: everyone present.
        scheduling_services.attendance_mark_all_present(session=past[0], actor=facilitator)

    add(1)
    announcement_services.announcement_send(
        cohort=cohort, author=facilitator, audience="everyone", subject="Welcome", body="Hello"
    )
    cohort.facilitator = facilitator
    cohort.add = add
    return cohort


def test_the_cohort_home_takes_the_same_queries_for_10_and_200_participants(
    client, running, django_assert_num_queries
):
    client.force_login(running.facilitator)
    url = reverse("cohorts-manage:cohort-home", args=[running.pk])
    running.add(9)
    expected = queries_for(client, url)
    running.add(190)
    with django_assert_num_queries(expected):
        response = client.get(url)
    html = response.content.decode()
    # 200 active (the completed one is not taking part); all missed the second session.
    assert "200 taking part" in html
    assert "200 at risk" in html


def test_every_number_on_the_cohort_home_links_to_the_list_behind_it(client, running):
    client.force_login(running.facilitator)
    html = client.get(reverse("cohorts-manage:cohort-home", args=[running.pk])).content.decode()
    queue = reverse("cohorts:application-queue", args=[running.pk])
    participants = reverse("cohorts-manage:participant-list", args=[running.pk])
    links = {
        f'href="{participants}">2 of 300 places taken',
        f'href="{running.get_absolute_url()}">298 places left',
        f'href="{queue}?status=waitlisted">1 person on the waitlist',
        f'href="{queue}?status=accepted">0 offers waiting',
        f'href="{queue}?status=to-decide">1 waiting for a decision',
        f'href="{queue}?status=submitted">Submitted: 1',
        f'href="{queue}?status=waitlisted">On the waitlist: 1',
        f'href="{queue}">2 applications in all',
        f'href="{participants}">1 taking part',
        f'href="{participants}?show=at-risk">1 at risk',
        f'href="{participants}">1 completed',
        f'href="{reverse("scheduling:session-list", args=[running.pk])}">4 upcoming sessions',
        f'href="{reverse("certificates:cohort-certificates", args=[running.pk])}">1 certificate',
    }
    missing = [link for link in links if link not in html]
    assert missing == []
    assert "Welcome" in html  # the latest announcement
    for link in ("Change the settings", "Run this cohort again", "Send an announcement"):
        assert link in html


def test_the_participant_list_shows_who_is_at_risk(client, running):
    running.add(3)
    client.force_login(running.facilitator)
    url = reverse("cohorts-manage:participant-list", args=[running.pk])
    html = client.get(url).content.decode()
    assert html.count("<tr>") == 1 + 4 + 1  # header, four taking part, one completed
    at_risk = client.get(url, {"show": "at-risk"}).content.decode()
    assert at_risk.count("<tr>") == 1 + 4
    assert "Send an announcement to those at risk" in at_risk


def test_the_participant_list_takes_the_same_queries_for_10_and_200(
    client, running, django_assert_num_queries
):
    client.force_login(running.facilitator)
    url = reverse("cohorts-manage:participant-list", args=[running.pk])
    running.add(9)
    expected = queries_for(client, url)
    running.add(190)
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert "Page 1 of 9" in response.content.decode()


def test_the_cohorts_list_takes_the_same_queries_for_one_cohort_or_many(
    client, django_assert_num_queries
):
    facilitator = FacilitatorFactory()
    client.force_login(facilitator)
    url = reverse("cohorts-manage:cohort-list")

    def add_cohort():
        cohort = CohortFactory(programme=ProgrammeFactory())
        cohort.facilitators.add(facilitator, FacilitatorFactory())

    add_cohort()
    expected = queries_for(client, url)
    for _ in range(30):
        add_cohort()
    with django_assert_num_queries(expected):
        response = client.get(url)
    html = response.content.decode()
    assert "31 cohorts" in html
    assert "Page 1 of 2" in html


def test_admins_see_every_cohort_and_facilitators_their_own(client):
    mine = CohortFactory(title="Mine")
    CohortFactory(title="Theirs", status=Cohort.Status.DRAFT)
    facilitator = FacilitatorFactory()
    mine.facilitators.add(facilitator)
    client.force_login(facilitator)
    html = client.get(reverse("cohorts-manage:cohort-list")).content.decode()
    assert ("Mine" in html, "Theirs" in html, "Create a cohort" in html) == (True, False, False)
    client.force_login(AdminFactory())
    html = client.get(reverse("cohorts-manage:cohort-list")).content.decode()
    assert ("Mine" in html, "Theirs" in html, "Create a cohort" in html) == (True, True, True)


def test_the_cohorts_list_filters_by_programme_status_and_year(client):
    leadership, women = ProgrammeFactory(name="Leadership"), ProgrammeFactory(name="Women")
    CohortFactory(
        programme=leadership, title="L 2026 running", intake_year=2026, status=Cohort.Status.RUNNING
    )
    CohortFactory(
        programme=leadership, title="L 2027 draft", intake_year=2027, status=Cohort.Status.DRAFT
    )
    CohortFactory(programme=women, title="W 2027 draft", intake_year=2027,
                  status=Cohort.Status.DRAFT)  # fmt: skip
    client.force_login(AdminFactory())
    url = reverse("cohorts-manage:cohort-list")

    def shown(**query):
        html = client.get(url, query).content.decode()
        return {title for title in ("L 2026 running", "L 2027 draft", "W 2027 draft")
                if title in html}  # fmt: skip

    assert shown(programme=leadership.pk) == {"L 2026 running", "L 2027 draft"}
    assert shown(status="draft") == {"L 2027 draft", "W 2027 draft"}
    assert shown(year=2026) == {"L 2026 running"}
    assert shown(programme=women.pk, year=2026) == set()
    assert "No cohorts match" in client.get(url, {"year": 2026, "status": "open"}).content.decode()


def test_the_dashboard_and_the_public_page_lead_to_the_cohort_home(client):
    cohort = CohortFactory(title="Spring cohort")
    facilitator = FacilitatorFactory()
    cohort.facilitators.add(facilitator)
    home = reverse("cohorts-manage:cohort-home", args=[cohort.pk])
    client.force_login(facilitator)
    assert f'href="{home}">Spring cohort' in client.get(reverse("core:dashboard")).content.decode()
    assert (
        f'href="{home}">Manage this cohort'
        in client.get(cohort.get_absolute_url()).content.decode()
    )
    client.force_login(UserFactory())
    assert "Manage this cohort" not in client.get(cohort.get_absolute_url()).content.decode()


def test_the_cohorts_entry_is_in_the_navigation_of_those_who_run_cohorts(client):
    url = reverse("cohorts-manage:cohort-list")
    for user, shown in [
        (AdminFactory(), True),
        (FacilitatorFactory(), True),
        (UserFactory(), False),
    ]:
        client.force_login(user)
        assert (f'href="{url}"' in client.get(reverse("core:dashboard")).content.decode()) == shown


def test_a_closed_cohort_says_when_it_starts_and_an_open_one_when_it_closes(client):
    client.force_login(AdminFactory())
    closed = CohortFactory(status=Cohort.Status.CLOSED, starts_on=dt.date(2027, 3, 1))
    html = client.get(reverse("cohorts-manage:cohort-home", args=[closed.pk])).content.decode()
    assert "marked under way automatically on 1 March 2027" in html
    opened = CohortFactory(status=Cohort.Status.OPEN)
    html = client.get(reverse("cohorts-manage:cohort-home", args=[opened.pk])).content.decode()
    assert "Applications close automatically on" in html
