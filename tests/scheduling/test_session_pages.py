import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from scheduling.models import Session
from tests.factories.accounts import AdminFactory, FacilitatorFactory, UserFactory
from tests.factories.cohorts import EnrolmentFactory
from tests.factories.scheduling import (
    RunningCohortFactory,
    SessionFactory,
    local_days_from_today,
    london,
)

pytestmark = pytest.mark.django_db


def last_sunday(year: int, month: int) -> dt.date:
    """The last Sunday of a month: the UK clocks change on March's and October's."""
    day = dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
    return day - dt.timedelta(days=(day.weekday() - 6) % 7)


def form_data(facilitator, day: dt.date, start="10:00", end="12:00", **overrides):
    data = {
        "title": "Leading change",
        "kind": "workshop",
        "date": day.isoformat(),
        "starts_at": start,
        "ends_at": end,
        "venue": "",
        "access_notes": "",
        "joining_link": "https://meet.example.org/leading-change",
        "facilitators": [facilitator.pk],
        "capacity": "",
        "description": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def session(cohort, facilitator, participants):
    return SessionFactory(cohort=cohort, facilitators=[facilitator])


# --- Who sees what -------------------------------------------------------------------


def test_participants_facilitators_and_admins_see_the_timetable(
    client, cohort, facilitator, participants, session
):
    url = reverse("scheduling:session-list", args=[cohort.pk])
    for person, can_schedule in [(participants[0], False), (facilitator, True),
                                 (AdminFactory(), True)]:  # fmt: skip
        client.force_login(person)
        response = client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert session.title in html
        assert ("Schedule a session" in html) == can_schedule


def test_the_timetable_says_so_when_it_is_empty(client, cohort, facilitator):
    client.force_login(facilitator)
    response = client.get(reverse("scheduling:session-list", args=[cohort.pk]))
    assert "No sessions are on the timetable yet." in response.content.decode()


@pytest.mark.parametrize(
    "url_name",
    [
        "scheduling:session-detail",
        "scheduling:session-calendar",
        "scheduling:attendance-register",
        "scheduling:session-update",
        "scheduling:session-move",
        "scheduling:session-cancel",
    ],
)
def test_people_outside_the_cohort_get_404_for_its_sessions(client, session, url_name):
    other_cohorts_participant = EnrolmentFactory(cohort=RunningCohortFactory()).user
    other_facilitator = FacilitatorFactory()
    RunningCohortFactory().facilitators.add(other_facilitator)
    for person in (UserFactory(), other_cohorts_participant, other_facilitator):
        client.force_login(person)
        assert client.get(reverse(url_name, args=[session.pk])).status_code == 404
        assert client.post(reverse(url_name, args=[session.pk])).status_code == 404


def test_people_outside_the_cohort_get_404_for_its_timetable(client, cohort):
    client.force_login(UserFactory())
    for name in ("scheduling:session-list", "scheduling:session-create"):
        assert client.get(reverse(name, args=[cohort.pk])).status_code == 404


@pytest.mark.parametrize(
    "url_name",
    [
        "scheduling:attendance-register",
        "scheduling:session-update",
        "scheduling:session-move",
        "scheduling:session-cancel",
    ],
)
def test_participants_cannot_run_their_sessions(client, session, participants, url_name):
    client.force_login(participants[0])
    assert client.get(reverse(url_name, args=[session.pk])).status_code == 404
    assert client.post(reverse(url_name, args=[session.pk])).status_code == 404
    response = client.post(reverse("scheduling:session-create", args=[session.cohort_id]))
    assert response.status_code == 404


def test_signing_in_is_needed(client, session):
    response = client.get(reverse("scheduling:session-detail", args=[session.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_a_participant_sees_the_session_with_its_joining_link_and_calendar_file(
    client, session, participants
):
    client.force_login(participants[0])
    html = client.get(reverse("scheduling:session-detail", args=[session.pk])).content.decode()
    assert session.joining_link in html
    assert reverse("scheduling:session-calendar", args=[session.pk]) in html
    assert "Take the register" not in html
    assert "Move to another time" not in html


def test_a_guest_facilitator_of_one_session_sees_it_and_takes_its_register(client, session):
    guest = FacilitatorFactory()
    session.facilitators.add(guest)
    client.force_login(guest)
    html = client.get(reverse("scheduling:session-detail", args=[session.pk])).content.decode()
    assert "Take the register" in html
    assert "Move to another time" not in html  # moving is for the cohort's facilitators
    assert (
        client.get(reverse("scheduling:attendance-register", args=[session.pk])).status_code == 200
    )
    assert client.get(reverse("scheduling:session-move", args=[session.pk])).status_code == 404


def test_the_cohort_page_links_to_the_timetable_only_for_its_people(client, cohort, participants):
    url = reverse("cohorts:cohort-detail", args=[cohort.pk])
    timetable = reverse("scheduling:session-list", args=[cohort.pk])
    assert timetable not in client.get(url).content.decode()
    client.force_login(participants[0])
    assert timetable in client.get(url).content.decode()


# --- Scheduling through the form ----------------------------------------------------


def test_the_form_suggests_the_cohorts_facilitators(client, cohort, facilitator):
    client.force_login(facilitator)
    response = client.get(reverse("scheduling:session-create", args=[cohort.pk]))
    assert response.status_code == 200
    assert list(response.context["form"].initial["facilitators"]) == [facilitator]


def test_a_facilitator_is_warned_of_a_clash_and_confirms_it(client, cohort, facilitator):
    other = SessionFactory(
        title="Budgets for leaders",
        starts_at=local_days_from_today(5, 11),
        facilitators=[facilitator],
    )
    client.force_login(facilitator)
    url = reverse("scheduling:session-create", args=[cohort.pk])
    data = form_data(facilitator, timezone.localdate() + dt.timedelta(days=5))

    response = client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Check these clashes" in html
    assert f"Priya Shah is running “{other.title}” ({other.cohort.title})" in html
    assert 'name="confirm_clashes"' in html
    assert "Schedule anyway" in html
    assert Session.objects.count() == 1

    response = client.post(url, {**data, "confirm_clashes": "on"})
    created = Session.objects.exclude(pk=other.pk).get()
    assert response.status_code == 302
    assert response.url == created.get_absolute_url()
    assert created.starts_at == local_days_from_today(5, 10)
    assert created.ends_at == local_days_from_today(5, 12)


def test_a_session_outside_the_cohort_is_refused_on_the_form(client, cohort, facilitator):
    client.force_login(facilitator)
    day = cohort.ends_on + dt.timedelta(days=1)
    response = client.post(
        reverse("scheduling:session-create", args=[cohort.pk]), form_data(facilitator, day)
    )
    assert response.status_code == 200
    assert "must fall within the cohort&#x27;s dates" in response.content.decode()
    assert not Session.objects.exists()


def test_field_errors_from_the_service_land_on_their_fields(client, cohort, facilitator):
    client.force_login(facilitator)
    response = client.post(
        reverse("scheduling:session-create", args=[cohort.pk]),
        form_data(facilitator, timezone.localdate(), joining_link="", venue=""),
    )
    form = response.context["form"]
    assert form.non_field_errors() == ["Give a venue address, an online joining link or both."]


@pytest.fixture
def next_year_cohort(facilitator):
    year = timezone.localdate().year + 1
    cohort = RunningCohortFactory(starts_on=dt.date(year, 1, 1), ends_on=dt.date(year, 12, 31))
    cohort.facilitators.add(facilitator)
    return cohort


@pytest.mark.parametrize(
    ("month", "expected_utc_hour"), [(3, 9), (10, 10)], ids=["spring-forward", "fall-back"]
)
def test_times_on_the_clock_change_sundays_are_uk_wall_clock_times(
    client, next_year_cohort, facilitator, month, expected_utc_hour
):
    day = last_sunday(next_year_cohort.starts_on.year, month)
    client.force_login(facilitator)
    response = client.post(
        reverse("scheduling:session-create", args=[next_year_cohort.pk]),
        form_data(facilitator, day, start="10:00", end="12:00"),
    )
    assert response.status_code == 302
    session = Session.objects.get()
    assert timezone.localtime(session.starts_at).time() == dt.time(10)
    assert session.starts_at.astimezone(dt.UTC).hour == expected_utc_hour
    assert session.ends_at - session.starts_at == dt.timedelta(hours=2)


@pytest.mark.parametrize(
    ("month", "message"),
    [(3, "does not exist in UK time"), (10, "happens twice in UK time")],
    ids=["skipped-hour", "repeated-hour"],
)
def test_a_time_the_clocks_skip_or_repeat_is_refused(
    client, next_year_cohort, facilitator, month, message
):
    day = last_sunday(next_year_cohort.starts_on.year, month)
    client.force_login(facilitator)
    response = client.post(
        reverse("scheduling:session-create", args=[next_year_cohort.pk]),
        form_data(facilitator, day, start="01:30", end="03:00"),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["starts_at"]
    assert message in errors[0]
    assert day.strftime("%-d %B %Y") in errors[0]
    assert not Session.objects.exists()


def test_the_end_must_come_after_the_start_on_the_form(client, cohort, facilitator):
    client.force_login(facilitator)
    response = client.post(
        reverse("scheduling:session-create", args=[cohort.pk]),
        form_data(facilitator, timezone.localdate(), start="14:00", end="13:00"),
    )
    assert response.context["form"].errors["ends_at"] == ["The session must end after it starts."]


# --- Moving, changing and cancelling through the forms -------------------------------


def test_the_move_form_shows_uk_times_and_moves_the_session(
    client, session, facilitator, participants, django_capture_on_commit_callbacks
):
    client.force_login(facilitator)
    url = reverse("scheduling:session-move", args=[session.pk])
    form = client.get(url).context["form"]
    assert form.initial["starts_at"] == dt.time(10)
    day = timezone.localdate() + dt.timedelta(days=6)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {"date": day.isoformat(), "starts_at": "13:30", "ends_at": "15:00",
             "message": "New room"},
        )  # fmt: skip
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.starts_at == local_days_from_today(6, 13, 30)
    assert session.sequence == 1
    assert len(mail.outbox) == len(participants)


def test_the_update_form_changes_details(client, session, facilitator):
    client.force_login(facilitator)
    url = reverse("scheduling:session-update", args=[session.pk])
    form = client.get(url).context["form"]
    data = {key: value for key, value in form.initial.items() if value is not None}
    data.update(
        title="Renamed", facilitators=[facilitator.pk], venue="Room 1\nCivic Centre", message=""
    )
    response = client.post(url, data)
    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.title, session.venue, session.sequence) == (
        "Renamed",
        "Room 1\nCivic Centre",
        1,
    )


def test_the_cancel_form_needs_a_reason(client, session, facilitator):
    client.force_login(facilitator)
    url = reverse("scheduling:session-cancel", args=[session.pk])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    response = client.post(url, {"reason": "The venue has flooded."})
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.is_cancelled
    html = client.get(session.get_absolute_url()).content.decode()
    assert "The venue has flooded." in html
    assert "Cancel session" not in html


def test_scheduling_in_a_past_year_uses_that_years_offset(client, facilitator):
    cohort = RunningCohortFactory(starts_on=dt.date(2025, 7, 1), ends_on=dt.date(2026, 12, 31))
    cohort.facilitators.add(facilitator)
    client.force_login(facilitator)
    client.post(
        reverse("scheduling:session-create", args=[cohort.pk]),
        form_data(facilitator, dt.date(2025, 7, 15), start="09:00", end="10:00"),
    )
    assert Session.objects.get().starts_at == london(2025, 7, 15, 9)
