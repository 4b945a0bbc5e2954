"""Creating and changing cohorts: validation, places, facilitators and the audit trail."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from cohorts import services
from cohorts.models import Application, Cohort, CohortReservation
from core.errors import ApplicationError
from tests.factories.academy import ProgrammeFactory
from tests.factories.accounts import (
    AdminFactory,
    FacilitatorFactory,
    OrganisationFactory,
    SponsorFactory,
)
from tests.factories.cohorts import CohortFactory, EnrolmentFactory, make_application
from tests.factories.scheduling import SessionFactory, london

from .helpers import assert_places_add_up, waitlist

pytestmark = pytest.mark.django_db
State = Application.State


def _settings(cohort: Cohort, **changes) -> dict:
    return {name: getattr(cohort, name) for name in services.COHORT_SETTINGS} | changes


def _create(**overrides):
    values = {
        "actor": AdminFactory(),
        "programme": ProgrammeFactory(),
        "facilitators": [],
        "title": "Spring cohort",
        "intake_year": 2027,
    } | overrides
    return services.cohort_create(**values)


def test_a_new_cohort_is_a_draft_and_its_creation_is_audited():
    admin, facilitator = AdminFactory(), FacilitatorFactory()
    cohort = _create(
        actor=admin,
        facilitators=[facilitator],
        title="  Spring cohort ",
        starts_on=dt.date(2027, 3, 1),
        ends_on=dt.date(2027, 7, 1),
        capacity=12,
    )
    assert (cohort.status, cohort.title) == (Cohort.Status.DRAFT, "Spring cohort")
    assert cohort.places_taken == 0
    assert list(cohort.facilitators.all()) == [facilitator]
    entry = AuditEntry.objects.get(action="cohort.created")
    assert entry.actor == admin
    assert entry.after["capacity"] == 12
    assert entry.after["starts_on"] == "2027-03-01"
    assert entry.after["facilitators"] == [facilitator.pk]


def test_a_draft_may_be_saved_with_nothing_but_its_title_and_year():
    cohort = _create()
    assert (cohort.starts_on, cohort.capacity, cohort.applications_open_at) == (None, None, None)


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"title": " "}, "title", "Enter a title."),
        ({"intake_year": 1999}, "intake_year", "Enter the programme year"),
        (
            {"starts_on": dt.date(2027, 3, 1), "ends_on": dt.date(2027, 2, 1)},
            "ends_on",
            "must end on or after the day it starts",
        ),
        ({"capacity": 0}, "capacity", "Enter at least 1 place"),
        ({"per_organisation_cap": 0}, "per_organisation_cap", "Enter at least 1"),
        (
            {
                "applications_open_at": london(2027, 1, 10, 9),
                "applications_close_at": london(2027, 1, 10, 9),
            },
            "applications_close_at",
            "must close after they open",
        ),
        ({"delivery_mode": "carrier_pigeon"}, "delivery_mode", "Choose how"),
        ({"opens_automatically": True}, "opens_automatically", "Set the number of places."),
    ],
)
def test_settings_are_checked_with_a_message_on_the_field(values, field, message):
    with pytest.raises(ValidationError) as refused:
        _create(**values)
    assert message in " ".join(refused.value.message_dict[field])
    assert not Cohort.objects.exists()


def test_only_facilitators_and_admins_can_facilitate():
    with pytest.raises(ValidationError) as refused:
        _create(facilitators=[SponsorFactory()])
    assert "facilitators" in refused.value.message_dict


def test_capacity_cannot_drop_below_the_places_taken_and_reserved():
    cohort = CohortFactory(capacity=10, status=Cohort.Status.RUNNING)
    for _ in range(3):
        EnrolmentFactory(cohort=cohort)
    CohortReservation.objects.create(
        cohort=cohort, organisation=OrganisationFactory(), places=2, purchase_order="PO-1"
    )
    services.cohort_offer_free_places(cohort=cohort)  # recounts the reserved places
    cohort.refresh_from_db()
    assert (cohort.places_taken, cohort.places_reserved) == (3, 2)
    with pytest.raises(ValidationError) as refused:
        services.cohort_update(cohort=cohort, actor=AdminFactory(), capacity=4)
    assert refused.value.message_dict["capacity"] == [
        "3 places are taken and 2 are reserved for organisations, so the cohort needs at "
        "least 5 places."
    ]
    cohort.refresh_from_db()
    assert cohort.capacity == 10
    services.cohort_update(cohort=cohort, actor=AdminFactory(), capacity=5)
    cohort.refresh_from_db()
    assert cohort.capacity == 5
    assert_places_add_up(cohort)


def test_the_capacity_message_is_shown_on_the_form(client):
    cohort = CohortFactory(capacity=10, status=Cohort.Status.RUNNING)
    facilitator = FacilitatorFactory()
    cohort.facilitators.add(facilitator)
    for _ in range(3):
        EnrolmentFactory(cohort=cohort)
    client.force_login(facilitator)
    url = reverse("cohorts-manage:cohort-update", args=[cohort.pk])
    data = {
        name: value
        for name, value in client.get(url).context["form"].initial.items()
        if value is not None and name != "facilitators"
    }
    data.update(
        capacity=2,
        applications_open_at=timezone.localtime(cohort.applications_open_at).strftime(
            "%Y-%m-%dT%H:%M"
        ),
        applications_close_at=timezone.localtime(cohort.applications_close_at).strftime(
            "%Y-%m-%dT%H:%M"
        ),
    )
    data = {name: value for name, value in data.items() if value is not False}
    response = client.post(url, data)
    assert response.status_code == 400
    assert (
        "3 places are taken and 0 are reserved for organisations, so the cohort needs at "
        "least 3 places."
    ) in response.content.decode()
    cohort.refresh_from_db()
    assert cohort.capacity == 10


def test_places_added_are_offered_to_the_waitlist(django_capture_on_commit_callbacks):
    cohort = CohortFactory(capacity=1)
    reviewer = AdminFactory()
    make_application(cohort=cohort, state=State.ACCEPTED, reviewer=reviewer)
    first = make_application(cohort=cohort, state=State.WAITLISTED, reviewer=reviewer)
    second = make_application(cohort=cohort, state=State.WAITLISTED, reviewer=reviewer)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.cohort_update(cohort=cohort, actor=reviewer, capacity=2)
    first.refresh_from_db()
    assert first.state == State.ACCEPTED
    assert waitlist(cohort) == [second.applicant.email]
    assert_places_add_up(cohort)
    assert [message.to for message in mail.outbox] == [[first.applicant.email]]


def test_changes_are_audited_with_what_changed_only():
    cohort = CohortFactory(status=Cohort.Status.OPEN, capacity=10, venue="Leeds")
    admin = AdminFactory()
    services.cohort_update(cohort=cohort, actor=admin, capacity=12, venue=" York ")
    entry = AuditEntry.objects.get(action="cohort.changed")
    assert entry.before == {"capacity": 10, "venue": "Leeds"}
    assert entry.after == {"capacity": 12, "venue": "York"}
    services.cohort_update(cohort=cohort, actor=admin, capacity=12)
    assert AuditEntry.objects.filter(action="cohort.changed").count() == 1


def test_facilitators_are_changed_and_audited_only_when_given():
    cohort = CohortFactory()
    old, new = FacilitatorFactory(), FacilitatorFactory()
    cohort.facilitators.add(old)
    services.cohort_update(cohort=cohort, actor=AdminFactory(), capacity=11)
    assert list(cohort.facilitators.all()) == [old]
    services.cohort_update(cohort=cohort, actor=AdminFactory(), facilitators=[new])
    assert list(cohort.facilitators.all()) == [new]
    entry = AuditEntry.objects.get(action="cohort.facilitators_changed")
    assert (entry.before, entry.after) == ({"facilitators": [old.pk]}, {"facilitators": [new.pk]})


def test_an_opened_cohort_keeps_what_opening_needed():
    cohort = CohortFactory(status=Cohort.Status.OPEN)
    with pytest.raises(ValidationError) as refused:
        services.cohort_update(
            cohort=cohort, actor=AdminFactory(), capacity=None, applications_close_at=None
        )
    assert set(refused.value.message_dict) == {"capacity", "applications_close_at"}


def test_only_a_draft_keeps_opening_automatically():
    cohort = CohortFactory(status=Cohort.Status.OPEN)
    services.cohort_update(cohort=cohort, actor=AdminFactory(), opens_automatically=True)
    cohort.refresh_from_db()
    assert cohort.opens_automatically is False


def test_an_archived_cohort_cannot_change():
    cohort = CohortFactory(status=Cohort.Status.ARCHIVED)
    with pytest.raises(ApplicationError, match="archived"):
        services.cohort_update(cohort=cohort, actor=AdminFactory(), capacity=20)


def test_dates_cannot_leave_sessions_outside_them():
    cohort = CohortFactory(starts_on=dt.date(2027, 3, 1), ends_on=dt.date(2027, 6, 30))
    SessionFactory(
        cohort=cohort,
        title="Launch",
        starts_at=london(2027, 3, 2, 10),
        ends_at=london(2027, 3, 2, 12),
    )
    with pytest.raises(ValidationError) as refused:
        services.cohort_update(cohort=cohort, actor=AdminFactory(), starts_on=dt.date(2027, 3, 8))
    assert refused.value.message_dict["starts_on"] == [
        "1 session falls outside these dates (Launch on 2 March 2027): move or cancel it first."
    ]
    services.cohort_update(cohort=cohort, actor=AdminFactory(), ends_on=dt.date(2027, 5, 31))


def test_an_admin_creates_a_cohort_through_the_form(client):
    admin = AdminFactory()
    programme = ProgrammeFactory(default_capacity=14, sponsor_approval_required=True)
    facilitator = FacilitatorFactory()
    client.force_login(admin)
    url = reverse("cohorts-manage:cohort-create")
    form = client.get(url, {"programme": programme.slug}).context["form"]
    assert (form.initial["capacity"], form.initial["sponsor_approval_required"]) == (14, True)
    response = client.post(
        url,
        {
            "programme": programme.pk,
            "title": "Cohort 1",
            "intake_year": 2027,
            "starts_on": "2027-03-01",
            "ends_on": "2027-07-01",
            "capacity": 14,
            # 1 a.m. UK time in summer is midnight UTC.
            "applications_open_at": "2026-12-01T09:00",
            "applications_close_at": "2027-06-01T01:00",
            "opens_automatically": "on",
            "delivery_mode": "online",
            "facilitators": [facilitator.pk],
        },
    )
    cohort = Cohort.objects.get(title="Cohort 1")
    assert response.status_code == 302
    assert response["Location"] == reverse("cohorts-manage:cohort-home", args=[cohort.pk])
    assert cohort.applications_open_at == london(2026, 12, 1, 9)
    assert cohort.applications_close_at == dt.datetime(2027, 6, 1, 0, 0, tzinfo=dt.UTC)
    assert cohort.opens_automatically
    assert list(cohort.facilitators.all()) == [facilitator]


def test_the_form_refuses_a_time_the_clocks_skip(client):
    client.force_login(AdminFactory())
    response = client.post(
        reverse("cohorts-manage:cohort-create"),
        {
            "programme": ProgrammeFactory().pk,
            "title": "Cohort 1",
            "intake_year": 2027,
            "applications_open_at": "2027-03-28T01:30",
            "delivery_mode": "online",
        },
    )
    assert response.status_code == 400
    assert "does not exist" in " ".join(response.context["form"].errors["applications_open_at"])
    assert not Cohort.objects.exists()


def test_a_facilitator_edits_their_cohort_but_not_its_facilitators(client):
    facilitator, other = FacilitatorFactory(), FacilitatorFactory()
    cohort = CohortFactory(status=Cohort.Status.DRAFT, capacity=None)
    cohort.facilitators.add(facilitator)
    client.force_login(facilitator)
    url = reverse("cohorts-manage:cohort-update", args=[cohort.pk])
    assert "facilitators" not in client.get(url).context["form"].fields
    response = client.post(
        url,
        {
            "title": "Renamed",
            "intake_year": 2027,
            "capacity": 9,
            "delivery_mode": "online",
            "facilitators": [other.pk],
        },
    )
    assert response.status_code == 302
    cohort.refresh_from_db()
    assert (cohort.title, cohort.capacity) == ("Renamed", 9)
    assert list(cohort.facilitators.all()) == [facilitator]
    assert not AuditEntry.objects.filter(action="cohort.facilitators_changed").exists()
    assert AuditEntry.objects.get(action="cohort.changed").actor == facilitator


def test_the_form_shows_the_services_field_errors(client):
    client.force_login(AdminFactory())
    response = client.post(
        reverse("cohorts-manage:cohort-create"),
        {
            "programme": ProgrammeFactory().pk,
            "title": "Cohort 1",
            "intake_year": 2027,
            "starts_on": "2027-03-01",
            "ends_on": "2027-02-01",
            "delivery_mode": "online",
            "opens_automatically": "on",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "The cohort must end on or after the day it starts." in html
    assert not Cohort.objects.exists()


def test_only_a_drafts_form_offers_to_open_automatically(client):
    client.force_login(AdminFactory())
    for status, offered in [(Cohort.Status.DRAFT, True), (Cohort.Status.OPEN, False)]:
        cohort = CohortFactory(status=status)
        form = client.get(reverse("cohorts-manage:cohort-update", args=[cohort.pk])).context["form"]
        assert ("opens_automatically" in form.fields) == offered
