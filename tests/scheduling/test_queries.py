"""Pages keep the same number of queries however many participants and sessions there are."""

import pytest
from django.urls import reverse

from scheduling import services
from tests.factories.academy import MaterialFactory
from tests.factories.accounts import FacilitatorFactory, UserFactory
from tests.factories.cohorts import EnrolmentFactory
from tests.factories.scheduling import RunningCohortFactory, SessionFactory, local_days_from_today

pytestmark = pytest.mark.django_db

SIZES = pytest.mark.parametrize(
    ("participants", "sessions"), [(5, 2), (50, 12)], ids=["5-people", "50-people"]
)


@pytest.fixture
def timetable(request):
    """A cohort with its participants and a mix of past and upcoming sessions, all marked."""

    def build(participants: int, sessions: int):
        cohort = RunningCohortFactory()
        # A required reading nobody has done: registers never complete anyone here.
        MaterialFactory(module__programme=cohort.programme)
        facilitator = FacilitatorFactory()
        cohort.facilitators.add(facilitator)
        people = [
            EnrolmentFactory(cohort=cohort, user=UserFactory()).user for _ in range(participants)
        ]
        built = []
        for index in range(sessions):
            days = index - sessions // 2  # half past, half to come
            session = SessionFactory(
                cohort=cohort,
                starts_at=local_days_from_today(days * 2 or 1, 10),
                facilitators=[facilitator, FacilitatorFactory()],
                venue=f"Room {index}\nCivic Centre",
            )
            if days < 0:
                services.attendance_mark_all_present(session=session, actor=facilitator)
            built.append(session)
        return cohort, facilitator, people, built

    return build


@SIZES
def test_the_timetable(client, django_assert_num_queries, timetable, participants, sessions):
    cohort, facilitator, _people, built = timetable(participants, sessions)
    client.force_login(facilitator)
    url = reverse("scheduling:session-list", args=[cohort.pk])
    with django_assert_num_queries(12):
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count("marked<span") == sessions


@SIZES
def test_the_register(client, django_assert_num_queries, timetable, participants, sessions):
    _cohort, facilitator, people, built = timetable(participants, sessions)
    client.force_login(facilitator)
    url = reverse("scheduling:attendance-register", args=[built[0].pk])
    with django_assert_num_queries(10):
        response = client.get(url)
    assert response.content.decode().count("Attendance of ") == participants


@SIZES
def test_saving_the_whole_register(
    client, django_assert_num_queries, timetable, participants, sessions
):
    _cohort, facilitator, people, built = timetable(participants, sessions)
    client.force_login(facilitator)
    data = {f"status-{person.pk}": "late" for person in people}
    # 9 of them apply the completion rule to everyone whose mark changed.
    with django_assert_num_queries(24):
        response = client.post(reverse("scheduling:attendance-register", args=[built[0].pk]), data)
    assert response.status_code == 302


@SIZES
def test_my_schedule_for_a_participant(
    client, django_assert_num_queries, timetable, participants, sessions
):
    _cohort, _facilitator, people, _built = timetable(participants, sessions)
    client.force_login(people[0])
    with django_assert_num_queries(14):
        response = client.get(reverse("scheduling:my-schedule"))
    assert response.content.decode().count('class="tag tag--green">Present') == sessions // 2


@SIZES
def test_my_schedule_for_a_facilitator(
    client, django_assert_num_queries, timetable, participants, sessions
):
    _cohort, facilitator, _people, _built = timetable(participants, sessions)
    services.calendar_feed_reset(user=facilitator)
    client.force_login(facilitator)
    with django_assert_num_queries(14):
        response = client.get(reverse("scheduling:my-schedule"))
    assert response.content.decode().count("You facilitated: register") == sessions // 2


@SIZES
def test_my_past_sessions(client, django_assert_num_queries, timetable, participants, sessions):
    _cohort, _facilitator, people, _built = timetable(participants, sessions)
    client.force_login(people[0])
    with django_assert_num_queries(9):
        response = client.get(reverse("scheduling:my-past-sessions"))
    assert response.content.decode().count("<tr>") == sessions // 2 + 1


@SIZES
def test_the_calendar_feed(client, django_assert_num_queries, timetable, participants, sessions):
    _cohort, _facilitator, people, _built = timetable(participants, sessions)
    feed = services.calendar_feed_reset(user=people[0])
    with django_assert_num_queries(3):
        response = client.get(reverse("scheduling:calendar-feed", args=[feed.token]))
    assert response.content.decode().count("BEGIN:VEVENT") == sessions


@SIZES
def test_the_dashboard(client, django_assert_num_queries, timetable, participants, sessions):
    _cohort, _facilitator, people, _built = timetable(participants, sessions)
    client.force_login(people[0])
    # 6 of them read each place's progress against its completion rule.
    with django_assert_num_queries(18):
        response = client.get(reverse("core:dashboard"))
    assert "Next session" in response.content.decode()
