import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.errors import ApplicationError
from scheduling import services
from scheduling.models import Attendance, Session
from tests.factories.accounts import AdminFactory, UserFactory
from tests.factories.scheduling import SessionFactory, local_days_from_today

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(cohort, facilitator, participants):
    """A session that took place yesterday."""
    return SessionFactory(
        cohort=cohort, starts_at=local_days_from_today(-1, 10), facilitators=[facilitator]
    )


@pytest.fixture
def upcoming(cohort, facilitator, participants):
    return SessionFactory(
        cohort=cohort, starts_at=local_days_from_today(2, 10), facilitators=[facilitator]
    )


def marks(session):
    return dict(Attendance.objects.filter(session=session).values_list("user_id", "status"))


def register_url(session):
    return reverse("scheduling:attendance-register", args=[session.pk])


# --- Services ------------------------------------------------------------------------


def test_recording_marks_saves_only_what_changed(session, facilitator, participants):
    first, second, third = participants
    changed = services.attendance_record(
        session=session, actor=facilitator, marks={first.pk: "present", second.pk: "late"}
    )
    assert changed == 2
    recorded = Attendance.objects.get(session=session, user=first)
    assert recorded.recorded_by == facilitator

    admin = AdminFactory()
    changed = services.attendance_record(
        session=session, actor=admin, marks={first.pk: "present", second.pk: "absent"}
    )
    assert changed == 1
    assert marks(session) == {first.pk: "present", second.pk: "absent"}
    assert Attendance.objects.get(session=session, user=first).recorded_by == facilitator
    assert Attendance.objects.get(session=session, user=second).recorded_by == admin


def test_only_the_cohorts_participants_are_in_the_register(session, facilitator, withdrawn):
    for person in (UserFactory(), withdrawn):
        with pytest.raises(ApplicationError, match="participants"):
            services.attendance_record(
                session=session, actor=facilitator, marks={person.pk: "present"}
            )
    assert marks(session) == {}


def test_an_unknown_status_is_refused(session, facilitator, participants):
    with pytest.raises(ValidationError):
        services.attendance_record(
            session=session, actor=facilitator, marks={participants[0].pk: "asleep"}
        )


def test_before_the_day_only_apologies_can_be_recorded(upcoming, facilitator, participants):
    services.attendance_record(
        session=upcoming, actor=facilitator, marks={participants[0].pk: "apologies"}
    )
    with pytest.raises(ApplicationError, match="only record apologies"):
        services.attendance_record(
            session=upcoming, actor=facilitator, marks={participants[1].pk: "present"}
        )
    with pytest.raises(ApplicationError, match="only record apologies"):
        services.attendance_mark_all_present(session=upcoming, actor=facilitator)
    assert marks(upcoming) == {participants[0].pk: "apologies"}


def test_a_cancelled_session_has_no_register(session, facilitator, participants):
    Session.objects.filter(pk=session.pk).update(status="cancelled", cancellation_reason="Snow")
    session.refresh_from_db()
    with pytest.raises(ApplicationError, match="cancelled"):
        services.attendance_record(
            session=session, actor=facilitator, marks={participants[0].pk: "present"}
        )


def test_mark_all_present_keeps_marks_already_made(session, facilitator, participants, withdrawn):
    first, second, third = participants
    services.attendance_record(session=session, actor=facilitator, marks={first.pk: "apologies"})
    assert services.attendance_mark_all_present(session=session, actor=facilitator) == 2
    assert marks(session) == {first.pk: "apologies", second.pk: "present", third.pk: "present"}
    assert services.attendance_mark_all_present(session=session, actor=facilitator) == 0


# --- The register page ---------------------------------------------------------------


def test_the_register_lists_every_participant_with_a_labelled_choice(
    client, session, facilitator, participants, withdrawn
):
    client.force_login(facilitator)
    html = client.get(register_url(session)).content.decode()
    for person in participants:
        assert f"Attendance of {person.full_name}" in html
        assert f'name="status-{person.pk}" value="late"' in html
    assert withdrawn.full_name not in html
    assert "Mark all present" in html
    assert f'action="{register_url(session)}"' in html  # a real form without JavaScript


def test_the_whole_register_saves_in_one_post_without_javascript(
    client, session, facilitator, participants
):
    first, second, third = participants
    client.force_login(facilitator)
    response = client.post(
        register_url(session),
        {f"status-{first.pk}": "present", f"status-{second.pk}": "apologies"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == register_url(session)
    assert "Register saved: 2 marks changed." in response.content.decode()
    assert marks(session) == {first.pk: "present", second.pk: "apologies"}
    html = response.content.decode()
    assert f'name="status-{first.pk}" value="present" checked' in html


def test_a_tampered_register_is_refused(client, session, facilitator, participants):
    client.force_login(facilitator)
    response = client.post(register_url(session), {f"status-{participants[0].pk}": "asleep"})
    assert response.status_code == 400
    assert marks(session) == {}


def test_one_row_saves_through_htmx_and_announces_itself(
    client, session, facilitator, participants
):
    person = participants[1]
    client.force_login(facilitator)
    response = client.post(
        reverse("scheduling:attendance-mark", args=[session.pk, person.pk]),
        # htmx posts the whole enclosing form; only this row's choice is read.
        {f"status-{person.pk}": "late", f"status-{participants[0].pk}": "absent"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert marks(session) == {person.pk: "late"}
    assert "<html" not in html
    assert "by Priya Shah" in html
    assert 'data-hx-swap-oob="innerHTML:#messages"' in html
    assert f"{person.full_name}: Late." in html
    assert 'id="register-summary"' in html
    assert 'data-hx-swap-oob="true"' in html


def test_one_row_without_htmx_goes_back_to_the_register(client, session, facilitator, participants):
    person = participants[0]
    client.force_login(facilitator)
    response = client.post(
        reverse("scheduling:attendance-mark", args=[session.pk, person.pk]),
        {f"status-{person.pk}": "present"},
    )
    assert response.status_code == 302
    assert response.url == register_url(session)


def test_marking_someone_outside_the_cohort_is_refused(client, session, facilitator):
    outsider = UserFactory()
    client.force_login(facilitator)
    response = client.post(
        reverse("scheduling:attendance-mark", args=[session.pk, outsider.pk]),
        {f"status-{outsider.pk}": "present"},
        headers={"HX-Request": "true"},
    )
    # The ApplicationError middleware reloads the page with the message.
    assert response.headers["HX-Refresh"] == "true"
    assert marks(session) == {}


def test_mark_all_present_through_htmx_refreshes_the_rows(
    client, session, facilitator, participants
):
    client.force_login(facilitator)
    response = client.post(
        reverse("scheduling:attendance-mark-all-present", args=[session.pk]),
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert "3 people marked present." in html
    assert html.count('value="present" checked') == 3
    assert "<tbody" not in html  # the rows only: they go into the existing table


def test_mark_all_present_without_htmx(client, session, facilitator, participants):
    client.force_login(facilitator)
    response = client.post(
        reverse("scheduling:attendance-mark-all-present", args=[session.pk]), follow=True
    )
    assert "3 people marked present." in response.content.decode()


def test_before_the_day_the_register_offers_only_apologies(
    client, upcoming, facilitator, participants
):
    client.force_login(facilitator)
    html = client.get(register_url(upcoming)).content.decode()
    assert "Until the day of the session you can only record apologies." in html
    assert "Mark all present" not in html
    person = participants[0].pk
    assert f'name="status-{person}" value="present" disabled' in html
    assert f'name="status-{person}" value="apologies">' in html


def test_participants_see_their_own_record_and_nobody_elses(
    client, session, facilitator, participants
):
    first, second, _third = participants
    services.attendance_record(
        session=session, actor=facilitator, marks={first.pk: "late", second.pk: "absent"}
    )
    client.force_login(first)
    html = client.get(session.get_absolute_url()).content.decode()
    assert "Your attendance" in html
    assert "Late" in html
    html = client.get(reverse("scheduling:my-schedule")).content.decode()
    assert '<span class="tag tag--yellow">Late</span>' in html
    assert "Absent" not in html
