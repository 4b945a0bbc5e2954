import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from academy.models import Module, Programme
from announcements.models import Announcement
from cohorts import lifecycle
from cohorts.models import Application, Cohort, Enrolment, Nomination, QuestionSet

from .helpers import assert_places_add_up, waitlist

User = get_user_model()
pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    call_command("seed_demo", verbosity=0)


def test_the_demo_has_applications_in_every_state(demo):
    assert set(Application.objects.values_list("state", flat=True)) == set(Application.State.values)


def test_the_demo_has_a_question_set_for_each_programme_and_a_waitlist(demo):
    assert QuestionSet.objects.count() == 2
    assert all(qs.questions.count() >= 4 for qs in QuestionSet.objects.all())
    full = Cohort.objects.get(title__startswith="Empowering Women", status=Cohort.Status.OPEN)
    assert full.places_left == 0
    assert len(waitlist(full)) == 2
    for cohort in Cohort.objects.all():
        assert_places_add_up(cohort)


def test_the_demo_sponsor_has_nominations_and_something_to_approve(demo):
    sponsor = User.objects.get(email="sponsor@example.org")
    made = Nomination.objects.filter(nominated_by=sponsor)
    assert set(made.values_list("status", flat=True)) >= {
        Nomination.Status.PENDING,
        Nomination.Status.USED,
    }
    assert Application.objects.filter(
        organisation=sponsor.organisation, state=Application.State.AWAITING_SPONSOR
    ).exists()


def test_seeding_again_changes_nothing(demo):
    counts = (
        Application.objects.count(),
        Nomination.objects.count(),
        Enrolment.objects.count(),
        list(Cohort.objects.order_by("pk").values_list("places_taken", "places_reserved")),
    )
    call_command("seed_demo", verbosity=0)
    assert counts == (
        Application.objects.count(),
        Nomination.objects.count(),
        Enrolment.objects.count(),
        list(Cohort.objects.order_by("pk").values_list("places_taken", "places_reserved")),
    )


def test_the_readme_participants_keep_their_running_cohorts(demo):
    for email, programme in [
        ("participant@example.org", "leadership-academy"),
        ("participant2@example.org", "empowering-women-in-a-digital-world"),
    ]:
        enrolment = User.objects.get(email=email).enrolments.get(
            cohort__status=Cohort.Status.RUNNING
        )
        assert enrolment.status == Enrolment.Status.ACTIVE
        assert enrolment.cohort.status == Cohort.Status.RUNNING
        assert enrolment.cohort.programme.slug == programme


def test_the_demo_has_a_cohort_in_every_state_for_both_programmes(demo):
    for programme in Programme.objects.all():
        statuses = set(programme.cohorts.values_list("status", flat=True))
        assert statuses == set(Cohort.Status.values), programme


def test_last_years_leadership_academy_cohort_can_be_run_again(demo):
    cohort = Cohort.objects.get(
        title=f"Leadership Academy {timezone.localdate().year - 1}: Spring cohort"
    )
    assert cohort.status == Cohort.Status.COMPLETED
    assert cohort.facilitators.filter(email="facilitator@example.org").exists()
    assert cohort.sessions.count() == 6
    assert Module.objects.filter(cohort=cohort).exists()
    # Its people completed it: the registers of its sessions are full.
    for session in cohort.sessions.all():
        assert session.attendance.count() == 3


def test_the_draft_marked_to_open_automatically_is_ready_and_the_other_is_not(demo):
    drafts = Cohort.objects.filter(status=Cohort.Status.DRAFT)
    ready = [cohort for cohort in drafts if cohort.opens_automatically]
    assert len(ready) == 1
    assert lifecycle.problems_before_opening(ready[0]) == []
    assert all(
        lifecycle.problems_before_opening(cohort) for cohort in drafts if cohort not in ready
    )


def test_the_demo_participant_has_an_announcement_on_the_dashboard(client, demo):
    client.force_login(User.objects.get(email="participant@example.org"))
    html = client.get("/dashboard/").content.decode()
    assert "Bring a business case to the next webinar" in html
    count = Announcement.objects.count()
    call_command("seed_demo", verbosity=0)
    assert Announcement.objects.count() == count
