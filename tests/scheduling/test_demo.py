import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from cohorts.models import Cohort
from scheduling import selectors
from scheduling.models import Attendance, Session

User = get_user_model()


@pytest.fixture
def demo(db):
    call_command("seed_demo", verbosity=0)


def test_both_programmes_running_cohorts_have_past_and_upcoming_sessions(demo):
    now = timezone.now()
    for cohort in Cohort.objects.filter(status=Cohort.Status.RUNNING):
        sessions = cohort.sessions.all()
        assert sessions.filter(ends_at__lt=now).exists(), cohort
        assert sessions.filter(starts_at__gt=now, status=Session.Status.SCHEDULED).exists()
        for session in sessions:
            assert cohort.starts_on <= session.local_date <= cohort.ends_on
            assert session.local_date.weekday() < 5
    for cohort in Cohort.objects.filter(status=Cohort.Status.OPEN):
        assert cohort.sessions.exists(), cohort
    programmes = {s.cohort.programme.slug for s in Session.objects.select_related("cohort")}
    assert programmes == {"leadership-academy", "empowering-women-in-a-digital-world"}


@pytest.mark.parametrize("email", ["participant@example.org", "participant2@example.org"])
def test_demo_participants_have_upcoming_sessions_and_past_attendance(demo, email):
    person = User.objects.get(email=email)
    assert selectors.session_list_for_person(person, upcoming=True).exists()
    assert Attendance.objects.filter(user=person, session__ends_at__lt=timezone.now()).exists()
    assert selectors.session_next_for_person(person) is not None


def test_past_sessions_have_full_registers(demo):
    for session in Session.objects.filter(ends_at__lt=timezone.now(), status="scheduled"):
        assert session.attendance.count() == len(selectors.cohort_participant_ids(session.cohort))


def test_the_demo_timetable_has_no_clashes(demo):
    for session in Session.objects.filter(status=Session.Status.SCHEDULED):
        clashes = selectors.session_clashes(
            starts_at=session.starts_at,
            ends_at=session.ends_at,
            facilitators=list(session.facilitators.all()),
            venue=session.venue,
            capacity=session.capacity,
            cohort=session.cohort,
            exclude=session,
        )
        assert clashes == [], session


def test_seeding_again_changes_nothing(demo):
    before = list(Session.objects.values_list("uid", "starts_at", "sequence", "status"))
    attendance = Attendance.objects.count()
    call_command("seed_demo", verbosity=0)
    assert list(Session.objects.values_list("uid", "starts_at", "sequence", "status")) == before
    assert Attendance.objects.count() == attendance


def test_the_demo_participant_sees_the_next_session_on_the_dashboard(client, demo):
    client.force_login(User.objects.get(email="participant@example.org"))
    html = client.get(reverse("core:dashboard")).content.decode()
    assert "Next session" in html
    assert "My schedule" in html
