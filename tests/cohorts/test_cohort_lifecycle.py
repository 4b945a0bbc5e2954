"""The cohort lifecycle: every move allowed one step at a time, everything else refused
with a message that says what the next step is."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from cohorts import lifecycle, services
from cohorts.models import Cohort
from core.errors import ApplicationError
from tests.factories.accounts import AdminFactory, FacilitatorFactory
from tests.factories.cohorts import CohortFactory

pytestmark = pytest.mark.django_db
Status = Cohort.Status

CHAIN = [
    (Status.DRAFT, "open", Status.OPEN),
    (Status.OPEN, "close", Status.CLOSED),
    (Status.CLOSED, "start", Status.RUNNING),
    (Status.RUNNING, "complete", Status.COMPLETED),
    (Status.COMPLETED, "archive", Status.ARCHIVED),
]
ALLOWED = {(status, action) for status, action, _to in CHAIN}
REFUSED = [
    (status, action)
    for status in Status.values
    for action in lifecycle.BY_ACTION
    if (status, action) not in ALLOWED
]


@pytest.mark.parametrize(("from_status", "action", "to_status"), CHAIN)
def test_each_step_of_the_lifecycle_is_allowed_and_audited(from_status, action, to_status):
    admin = AdminFactory()
    cohort = CohortFactory(status=from_status)
    services.cohort_transition(cohort=cohort, action=action, actor=admin)
    cohort.refresh_from_db()
    assert cohort.status == to_status
    entry = AuditEntry.objects.get(action="cohort.status_changed")
    assert (entry.actor, entry.target_id) == (admin, str(cohort.pk))
    assert (entry.before, entry.after) == ({"status": from_status}, {"status": to_status})


@pytest.mark.parametrize(("from_status", "action"), REFUSED)
def test_every_other_move_is_refused_with_the_next_step(from_status, action):
    cohort = CohortFactory(status=from_status)
    with pytest.raises(ApplicationError) as refused:
        services.cohort_transition(cohort=cohort, action=action, actor=AdminFactory())
    cohort.refresh_from_db()
    assert cohort.status == from_status
    assert not AuditEntry.objects.exists()
    if from_status == Status.ARCHIVED:
        assert refused.value.message == "This cohort is archived: its status can no longer change."
    else:
        next_move = lifecycle.BY_FROM_STATUS[from_status]
        assert f"The next step for this cohort is: {next_move.label}." in refused.value.message
        assert str(Status(from_status).label) in refused.value.message


def test_an_unknown_action_is_refused():
    cohort = CohortFactory(status=Status.DRAFT)
    with pytest.raises(ApplicationError, match="Choose what to do"):
        services.cohort_transition(cohort=cohort, action="publish", actor=AdminFactory())


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ({"starts_on": None}, "Set the dates it starts and ends."),
        ({"ends_on": None}, "Set the dates it starts and ends."),
        ({"capacity": None}, "Set the number of places."),
        ({"applications_open_at": None}, "Set when applications open and close."),
        ({"applications_close_at": None}, "Set when applications open and close."),
    ],
)
def test_a_cohort_cannot_open_without_dates_places_and_a_window(missing, message):
    cohort = CohortFactory(status=Status.DRAFT, **missing)
    with pytest.raises(ApplicationError) as refused:
        services.cohort_open(cohort=cohort, actor=AdminFactory())
    assert refused.value.message == f"The cohort cannot open yet: {message}"
    cohort.refresh_from_db()
    assert cohort.status == Status.DRAFT


def test_a_cohort_whose_window_has_ended_cannot_open():
    cohort = CohortFactory(
        status=Status.DRAFT,
        applications_open_at=timezone.now() - dt.timedelta(days=10),
        applications_close_at=timezone.now() - dt.timedelta(minutes=1),
    )
    with pytest.raises(ApplicationError, match="window has already ended"):
        services.cohort_open(cohort=cohort, actor=AdminFactory())


def test_opening_by_hand_clears_the_automatic_opening():
    cohort = CohortFactory(status=Status.DRAFT, opens_automatically=True)
    services.cohort_open(cohort=cohort, actor=AdminFactory())
    cohort.refresh_from_db()
    assert (cohort.status, cohort.opens_automatically) == (Status.OPEN, False)


def test_the_wrappers_make_their_one_move():
    admin = AdminFactory()
    cohort = CohortFactory(status=Status.DRAFT)
    for step, expected in [
        (services.cohort_open, Status.OPEN),
        (services.cohort_close, Status.CLOSED),
        (services.cohort_start, Status.RUNNING),
        (services.cohort_complete, Status.COMPLETED),
        (services.cohort_archive, Status.ARCHIVED),
    ]:
        assert step(cohort=cohort, actor=admin).status == expected


def test_the_status_buttons_post_the_next_move_and_say_what_happened(client):
    facilitator = FacilitatorFactory()
    cohort = CohortFactory(status=Status.DRAFT)
    cohort.facilitators.add(facilitator)
    client.force_login(facilitator)
    home = reverse("cohorts-manage:cohort-home", args=[cohort.pk])
    html = client.get(home).content.decode()
    assert 'name="action" value="open"' in html
    url = reverse("cohorts-manage:cohort-transition", args=[cohort.pk])
    response = client.post(url, {"action": "open"}, follow=True)
    assert "Applications are open" in response.content.decode()
    cohort.refresh_from_db()
    assert cohort.status == Status.OPEN
    assert AuditEntry.objects.get(action="cohort.status_changed").actor == facilitator


def test_a_refused_move_by_post_shows_the_reason_and_changes_nothing(client):
    admin = AdminFactory()
    cohort = CohortFactory(status=Status.DRAFT)
    client.force_login(admin)
    url = reverse("cohorts-manage:cohort-transition", args=[cohort.pk])
    response = client.post(url, {"action": "archive"}, follow=True)
    html = response.content.decode()
    assert "cannot go to “Archived”" in html
    assert "The next step for this cohort is: Open applications." in html
    cohort.refresh_from_db()
    assert cohort.status == Status.DRAFT


def test_status_changes_only_by_post(client):
    client.force_login(AdminFactory())
    cohort = CohortFactory(status=Status.DRAFT)
    url = reverse("cohorts-manage:cohort-transition", args=[cohort.pk])
    assert client.get(url, {"action": "open"}).status_code == 405
    cohort.refresh_from_db()
    assert cohort.status == Status.DRAFT


def test_a_draft_home_lists_what_is_missing_before_opening(client):
    client.force_login(AdminFactory())
    cohort = CohortFactory(status=Status.DRAFT, capacity=None, starts_on=None, ends_on=None)
    html = client.get(reverse("cohorts-manage:cohort-home", args=[cohort.pk])).content.decode()
    assert "Before applications can open:" in html
    assert "Set the dates it starts and ends." in html
    assert "Set the number of places." in html
    # Nothing to press until it is ready: the way on is the settings.
    assert 'value="open"' not in html
    assert "Complete the settings" in html


def test_an_archived_cohort_has_no_settings_to_change(client):
    client.force_login(AdminFactory())
    cohort = CohortFactory(status=Status.ARCHIVED, title="Old cohort")
    home = reverse("cohorts-manage:cohort-home", args=[cohort.pk])
    html = client.get(home).content.decode()
    assert "Change the settings" not in html
    assert "no longer changes" in html
    url = reverse("cohorts-manage:cohort-update", args=[cohort.pk])
    response = client.post(url, {"title": "New title", "intake_year": 2027}, follow=True)
    assert response.redirect_chain[-1][0] == home
    assert "This cohort is archived: it can no longer change." in response.content.decode()
    cohort.refresh_from_db()
    assert cohort.title == "Old cohort"
