"""Each permission, branch by branch, for everyone who might ask."""

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.models import User
from scheduling import permissions
from tests.factories.accounts import AdminFactory, FacilitatorFactory, UserFactory
from tests.factories.cohorts import EnrolmentFactory
from tests.factories.scheduling import RunningCohortFactory, SessionFactory

pytestmark = pytest.mark.django_db

SESSION_ACTIONS = [
    "can_view_session",
    "can_download_session_calendar",
    "can_update_session",
    "can_move_session",
    "can_cancel_session",
    "can_take_attendance",
]

# Who may do what: view/download, update/move/cancel, take attendance.
EXPECTED = {
    "admin": (True, True, True),
    "cohort facilitator": (True, True, True),
    "session facilitator": (True, False, True),
    "participant": (True, False, False),
    "facilitator elsewhere": (False, False, False),
    "participant elsewhere": (False, False, False),
    "stranger": (False, False, False),
    "closed account": (False, False, False),
    "anonymous": (False, False, False),
    "former facilitator": (False, False, False),
}


@pytest.fixture
def people():
    cohort = RunningCohortFactory()
    lead = FacilitatorFactory()
    cohort.facilitators.add(lead)
    guest = FacilitatorFactory()
    former = FacilitatorFactory()
    session = SessionFactory(cohort=cohort, facilitators=[lead, guest, former])
    # Someone who ran the session but is no longer a facilitator at all.
    former.role = User.Role.PARTICIPANT
    former.save(update_fields=["role"])
    elsewhere = RunningCohortFactory()
    other_facilitator = FacilitatorFactory()
    elsewhere.facilitators.add(other_facilitator)
    closed = EnrolmentFactory(cohort=cohort).user
    closed.is_active = False
    closed.save(update_fields=["is_active"])
    return session, {
        "admin": AdminFactory(),
        "cohort facilitator": lead,
        "session facilitator": guest,
        "participant": EnrolmentFactory(cohort=cohort).user,
        "facilitator elsewhere": other_facilitator,
        "participant elsewhere": EnrolmentFactory(cohort=elsewhere).user,
        "stranger": UserFactory(),
        "closed account": closed,
        "anonymous": AnonymousUser(),
        "former facilitator": former,
    }


@pytest.mark.parametrize("who", EXPECTED)
def test_session_permissions(people, who):
    session, everyone = people
    person = everyone[who]
    view, run, register = EXPECTED[who]
    expected = {
        "can_view_session": view,
        "can_download_session_calendar": view,
        "can_update_session": run,
        "can_move_session": run,
        "can_cancel_session": run,
        "can_take_attendance": register,
    }
    actual = {name: getattr(permissions, name)(person, session) for name in SESSION_ACTIONS}
    assert actual == expected


@pytest.mark.parametrize("who", EXPECTED)
def test_timetable_permissions(people, who):
    session, everyone = people
    person = everyone[who]
    view, run, _register = EXPECTED[who]
    # A session's own facilitator sees that session, not the whole cohort's timetable.
    assert permissions.can_view_timetable(person, session.cohort) == (
        view and who != "session facilitator"
    )
    assert permissions.can_schedule_session(person, session.cohort) == run


def test_only_active_people_have_a_calendar_address(people):
    _session, everyone = people
    assert permissions.can_have_calendar_feed(everyone["participant"])
    assert not permissions.can_have_calendar_feed(everyone["closed account"])
    assert not permissions.can_have_calendar_feed(everyone["anonymous"])
