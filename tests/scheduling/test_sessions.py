import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from cohorts.models import Cohort
from core.errors import ApplicationError
from scheduling import services
from scheduling.models import Session, SessionChange
from tests.factories.accounts import AdminFactory, FacilitatorFactory, UserFactory
from tests.factories.scheduling import RunningCohortFactory, SessionFactory, local_days_from_today

from .conftest import schedule

pytestmark = pytest.mark.django_db


def recipients():
    return sorted(address for message in mail.outbox for address in message.to)


# --- Scheduling ----------------------------------------------------------------------


def test_scheduling_puts_a_session_on_the_timetable_without_e_mailing_anyone(
    cohort, facilitator, participants, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        session = schedule(cohort, facilitator, venue="Room 2,  Civic Centre\nCardiff")
    assert session.status == Session.Status.SCHEDULED
    assert session.sequence == 0
    assert list(session.facilitators.all()) == [facilitator]
    assert session.venue_key == "room 2 civic centre cardiff"
    assert session.changes.get().kind == SessionChange.Kind.SCHEDULED
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": "  "}, "title"),
        ({"kind": "party"}, "kind"),
        ({"joining_link": "", "venue": ""}, "__all__"),
        ({"joining_link": "http://meet.example.org/x"}, "joining_link"),
        ({"joining_link": "javascript:alert(1)"}, "joining_link"),
        ({"facilitators": []}, "facilitators"),
        ({"capacity": 0}, "capacity"),
    ],
)
def test_scheduling_refuses_incomplete_details(cohort, facilitator, overrides, field):
    with pytest.raises(ValidationError) as error:
        schedule(cohort, facilitator, **overrides)
    assert field in error.value.message_dict
    assert not Session.objects.exists()


def test_only_facilitators_and_admins_can_run_a_session(cohort, facilitator):
    with pytest.raises(ValidationError, match="Only facilitators"):
        schedule(cohort, facilitator, facilitators=[UserFactory()])
    session = schedule(cohort, facilitator, facilitators=[facilitator, AdminFactory()])
    assert session.facilitators.count() == 2


def test_a_session_must_end_after_it_starts(cohort, facilitator):
    starts_at = local_days_from_today(3, 14)
    with pytest.raises(ValidationError) as error:
        schedule(cohort, facilitator, starts_at=starts_at, ends_at=starts_at)
    assert "ends_at" in error.value.message_dict


@pytest.mark.parametrize("days", [-61, 121])
def test_a_session_outside_the_cohorts_dates_is_refused(cohort, facilitator, days):
    with pytest.raises(ApplicationError, match="within the cohort's dates"):
        schedule(cohort, facilitator, starts_at=local_days_from_today(days))
    assert not Session.objects.exists()


def test_the_cohorts_first_and_last_days_are_allowed(cohort, facilitator):
    schedule(cohort, facilitator, starts_at=local_days_from_today(-60, 9))
    schedule(cohort, facilitator, starts_at=local_days_from_today(120, 9), title="Last day")
    assert Session.objects.count() == 2


def test_an_archived_cohort_takes_no_new_sessions(facilitator, cohort):
    Cohort.objects.filter(pk=cohort.pk).update(status=Cohort.Status.ARCHIVED)
    cohort.refresh_from_db()
    with pytest.raises(ApplicationError, match="archived"):
        schedule(cohort, facilitator)


def test_the_database_refuses_a_session_with_nowhere_to_go(cohort):
    with pytest.raises(IntegrityError), transaction.atomic():
        SessionFactory(cohort=cohort, venue="", joining_link="")


def test_the_database_refuses_a_session_ending_before_it_starts(cohort):
    starts_at = local_days_from_today(3)
    with pytest.raises(IntegrityError), transaction.atomic():
        SessionFactory(cohort=cohort, starts_at=starts_at, ends_at=starts_at)


# --- Clashes -------------------------------------------------------------------------


def test_the_same_facilitator_at_an_overlapping_time_in_another_cohort_is_a_clash(
    cohort, facilitator
):
    other = SessionFactory(
        cohort=RunningCohortFactory(),
        starts_at=local_days_from_today(3, 11),
        ends_at=local_days_from_today(3, 13),
        facilitators=[facilitator],
    )
    with pytest.raises(services.ClashWarning) as warning:
        schedule(cohort, facilitator, starts_at=local_days_from_today(3, 10))
    [clash] = warning.value.clashes
    assert (clash.kind, clash.session, clash.person) == ("facilitator", other, facilitator)
    assert warning.value.extra["clashes"] == [
        {"kind": "facilitator", "session": other.pk, "person": facilitator.pk}
    ]
    assert Session.objects.count() == 1


def test_a_clash_confirmed_goes_ahead(cohort, facilitator):
    SessionFactory(starts_at=local_days_from_today(3, 11), facilitators=[facilitator])
    session = schedule(
        cohort, facilitator, starts_at=local_days_from_today(3, 10), confirm_clashes=True
    )
    assert session.pk


def test_the_same_venue_at_an_overlapping_time_is_a_clash_whoever_runs_it(cohort, facilitator):
    other = SessionFactory(
        venue="Room 2, Civic Centre, Cardiff",
        starts_at=local_days_from_today(3, 9),
        ends_at=local_days_from_today(3, 10, 30),
    )
    with pytest.raises(services.ClashWarning) as warning:
        schedule(cohort, facilitator, venue="room 2 civic centre\ncardiff", joining_link="")
    assert [(c.kind, c.session) for c in warning.value.clashes] == [("venue", other)]


@pytest.mark.parametrize(
    ("start", "end"),
    [((8, 0), (10, 0)), ((12, 0), (13, 0))],
    ids=["ends-as-it-starts", "starts-as-it-ends"],
)
def test_back_to_back_sessions_do_not_clash(cohort, facilitator, start, end):
    SessionFactory(
        starts_at=local_days_from_today(3, *start),
        ends_at=local_days_from_today(3, *end),
        facilitators=[facilitator],
    )
    schedule(cohort, facilitator, starts_at=local_days_from_today(3, 10))  # 10:00 to 12:00


def test_cancelled_sessions_and_other_rooms_hold_nothing(cohort, facilitator):
    SessionFactory(
        starts_at=local_days_from_today(3, 10),
        facilitators=[facilitator],
        status=Session.Status.CANCELLED,
        cancellation_reason="Snow",
    )
    SessionFactory(starts_at=local_days_from_today(3, 10), venue="Room 3, Civic Centre")
    schedule(cohort, facilitator, venue="Room 2, Civic Centre")


def test_a_room_smaller_than_the_cohort_is_asked_about(cohort, facilitator, participants):
    with pytest.raises(services.ClashWarning) as warning:
        schedule(cohort, facilitator, capacity=2)
    [clash] = warning.value.clashes
    assert (clash.kind, clash.capacity, clash.participants) == ("capacity", 2, 3)
    assert schedule(cohort, facilitator, capacity=3).capacity == 3


# --- Moving, changing, cancelling ----------------------------------------------------


def test_moving_keeps_the_uid_raises_the_sequence_and_tells_everyone_concerned(
    cohort, facilitator, participants, withdrawn, django_capture_on_commit_callbacks
):
    coach = FacilitatorFactory()
    session = schedule(cohort, facilitator, facilitators=[facilitator, coach])
    uid = session.uid
    with django_capture_on_commit_callbacks(execute=True):
        moved = services.session_reschedule(
            session=session,
            actor=facilitator,
            starts_at=local_days_from_today(4, 14),
            ends_at=local_days_from_today(4, 16),
            message="The room is needed for an inspection.",
        )
    moved.refresh_from_db()
    assert moved.uid == uid
    assert moved.sequence == 1
    assert moved.starts_at == local_days_from_today(4, 14)
    # The person who moved it knows; the participants and the other facilitator are told,
    # the withdrawn participant is not.
    assert recipients() == sorted([p.email for p in participants] + [coach.email])
    message = mail.outbox[0]
    assert message.subject == "Session moved: Leading change"
    assert "14:00 to 16:00" in message.body
    assert "10:00 to 12:00" in message.body  # where it was
    assert "The room is needed for an inspection." in message.body
    assert "Priya Shah" in message.body
    assert message.alternatives[0][1] == "text/html"
    change = moved.changes.first()
    assert (change.kind, change.actor, change.sequence) == ("moved", facilitator, 1)
    assert change.previous_starts_at == local_days_from_today(3, 10)


def test_moving_checks_clashes_except_with_itself(cohort, facilitator):
    session = schedule(cohort, facilitator)
    other = SessionFactory(starts_at=local_days_from_today(4, 10), facilitators=[facilitator])
    # An hour later overlaps only the session itself: no clash.
    services.session_reschedule(
        session=session,
        actor=facilitator,
        starts_at=local_days_from_today(3, 11),
        ends_at=local_days_from_today(3, 13),
    )
    with pytest.raises(services.ClashWarning) as warning:
        services.session_reschedule(
            session=session,
            actor=facilitator,
            starts_at=other.starts_at,
            ends_at=other.ends_at,
        )
    assert [clash.session for clash in warning.value.clashes] == [other]
    session.refresh_from_db()
    assert session.sequence == 1


def test_moving_refuses_the_same_time_a_cancelled_session_and_dates_outside_the_cohort(
    cohort, facilitator
):
    session = schedule(cohort, facilitator)
    with pytest.raises(ApplicationError, match="already at that time"):
        services.session_reschedule(
            session=session, actor=facilitator, starts_at=session.starts_at,
            ends_at=session.ends_at,
        )  # fmt: skip
    with pytest.raises(ApplicationError, match="within the cohort's dates"):
        services.session_reschedule(
            session=session,
            actor=facilitator,
            starts_at=local_days_from_today(200),
            ends_at=local_days_from_today(200, 12),
        )
    services.session_cancel(session=session, actor=facilitator, reason="Strike action")
    with pytest.raises(ApplicationError, match="cancelled"):
        services.session_reschedule(
            session=session,
            actor=facilitator,
            starts_at=local_days_from_today(5),
            ends_at=local_days_from_today(5, 12),
        )


def test_a_session_that_has_taken_place_cannot_be_moved_or_cancelled(cohort, facilitator):
    session = SessionFactory(
        cohort=cohort, starts_at=local_days_from_today(-2), facilitators=[facilitator]
    )
    with pytest.raises(ApplicationError, match="already taken place"):
        services.session_cancel(session=session, actor=facilitator, reason="Too late")
    with pytest.raises(ApplicationError, match="already taken place"):
        services.session_reschedule(
            session=session,
            actor=facilitator,
            starts_at=local_days_from_today(2),
            ends_at=local_days_from_today(2, 12),
        )


def test_cancelling_marks_the_session_raises_the_sequence_and_tells_everyone(
    cohort, facilitator, participants, django_capture_on_commit_callbacks
):
    session = schedule(cohort, facilitator)
    with pytest.raises(ValidationError):
        services.session_cancel(session=session, actor=facilitator, reason=" ")
    with django_capture_on_commit_callbacks(execute=True):
        services.session_cancel(session=session, actor=facilitator, reason="Train strike.")
    session.refresh_from_db()
    assert session.status == Session.Status.CANCELLED
    assert session.cancellation_reason == "Train strike."
    assert session.sequence == 1
    assert recipients() == sorted(p.email for p in participants)
    assert mail.outbox[0].subject == "Session cancelled: Leading change"
    assert "Train strike." in mail.outbox[0].body
    with pytest.raises(ApplicationError, match="cancelled"):
        services.session_cancel(session=session, actor=facilitator, reason="Again")


def _details(session, **overrides):
    values = {
        "title": session.title,
        "kind": session.kind,
        "description": session.description,
        "venue": session.venue,
        "access_notes": session.access_notes,
        "joining_link": session.joining_link,
        "facilitators": list(session.facilitators.all()),
        "capacity": session.capacity,
    }
    return {**values, **overrides}


def test_changing_the_title_raises_the_sequence_quietly(
    cohort, facilitator, participants, django_capture_on_commit_callbacks
):
    session = schedule(cohort, facilitator)
    with django_capture_on_commit_callbacks(execute=True):
        services.session_update(
            session=session, actor=facilitator, **_details(session, title="Leading change well")
        )
    session.refresh_from_db()
    assert (session.title, session.sequence) == ("Leading change well", 1)
    assert mail.outbox == []
    with pytest.raises(ApplicationError, match="not changed anything"):
        services.session_update(session=session, actor=facilitator, **_details(session))


def test_a_new_joining_link_or_a_message_tells_everyone(
    cohort, facilitator, participants, django_capture_on_commit_callbacks
):
    session = schedule(cohort, facilitator)
    with django_capture_on_commit_callbacks(execute=True):
        services.session_update(
            session=session,
            actor=facilitator,
            **_details(session, joining_link="https://meet.example.org/new-room"),
        )
    assert recipients() == sorted(p.email for p in participants)
    assert mail.outbox[0].subject == "Session details changed: Leading change"
    assert "https://meet.example.org/new-room" in mail.outbox[0].body
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.session_update(
            session=session,
            actor=facilitator,
            message="Please read chapter 2 first.",
            **_details(session, description="Chapter 2 of the handbook."),
        )
    assert len(mail.outbox) == len(participants)
    assert "Please read chapter 2 first." in mail.outbox[0].body


def test_a_facilitator_taken_off_a_session_is_told(
    cohort, facilitator, django_capture_on_commit_callbacks
):
    coach, guest = FacilitatorFactory(), FacilitatorFactory()
    session = schedule(cohort, facilitator, facilitators=[facilitator, coach])
    with django_capture_on_commit_callbacks(execute=True):
        services.session_update(
            session=session, actor=facilitator, **_details(session, facilitators=[guest])
        )
    assert set(session.facilitators.all()) == {guest}
    assert recipients() == sorted([coach.email, guest.email])


def test_changing_details_asks_only_about_new_clashes(cohort, facilitator):
    coach = FacilitatorFactory()
    SessionFactory(starts_at=local_days_from_today(3, 11), facilitators=[facilitator])
    SessionFactory(starts_at=local_days_from_today(3, 9), facilitators=[coach])
    session = schedule(cohort, facilitator, confirm_clashes=True)
    # The clash already confirmed is not asked about again…
    services.session_update(session=session, actor=facilitator, **_details(session, title="New"))
    # …but a newly added facilitator's own booking is.
    with pytest.raises(services.ClashWarning) as warning:
        services.session_update(
            session=session,
            actor=facilitator,
            **_details(session, facilitators=[facilitator, coach]),
        )
    assert [clash.person for clash in warning.value.clashes] == [coach]


def test_sessions_are_given_distinct_stable_uids(cohort, facilitator):
    first = schedule(cohort, facilitator)
    second = schedule(cohort, facilitator, starts_at=local_days_from_today(5), title="Second")
    assert first.uid != second.uid
    uid = first.uid
    services.session_update(session=first, actor=facilitator, **_details(first, title="Renamed"))
    first.refresh_from_db()
    assert first.uid == uid


def test_the_change_record_keeps_the_times_it_announced(cohort, facilitator):
    session = schedule(cohort, facilitator)
    for day in (4, 5):
        services.session_reschedule(
            session=session,
            actor=facilitator,
            starts_at=local_days_from_today(day),
            ends_at=local_days_from_today(day) + dt.timedelta(hours=1),
        )
    first_move = session.changes.filter(kind="moved").order_by("pk").first()
    assert first_move.starts_at == local_days_from_today(4)
    assert first_move.sequence == 1


def test_correcting_a_past_session_tells_nobody(
    cohort, facilitator, participants, django_capture_on_commit_callbacks
):
    session = SessionFactory(
        cohort=cohort, starts_at=local_days_from_today(-3), facilitators=[facilitator]
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.session_update(
            session=session,
            actor=facilitator,
            message="Fixing the room name.",
            **_details(session, venue="Room 2, Civic Centre"),
        )
    session.refresh_from_db()
    assert session.sequence == 1
    assert mail.outbox == []
