"""The back office goes through the services for places."""

import pytest
from django.urls import reverse

from cohorts.models import Application, Enrolment
from tests.factories.accounts import UserFactory
from tests.factories.cohorts import CohortFactory, make_application, make_nomination

from .helpers import assert_places_add_up

pytestmark = pytest.mark.django_db


def test_back_office_pages_open(admin_client):
    application = make_application(state=Application.State.IN_REVIEW)
    nomination = make_nomination()
    for url in [
        reverse("admin:cohorts_cohort_change", args=[application.cohort.pk]),
        reverse("admin:cohorts_application_change", args=[application.pk]),
        reverse("admin:cohorts_nomination_change", args=[nomination.pk]),
        reverse("admin:cohorts_questionset_add"),
        reverse("admin:cohorts_enrolment_add"),
    ]:
        assert admin_client.get(url).status_code == 200, url
    html = admin_client.get(reverse("admin:cohorts_nomination_change", args=[nomination.pk]))
    assert nomination.token_hash not in html.content.decode()


def test_adding_an_enrolment_in_the_back_office_takes_a_place(admin_client):
    cohort = CohortFactory(capacity=1)
    user = UserFactory()
    response = admin_client.post(
        reverse("admin:cohorts_enrolment_add"), {"cohort": cohort.pk, "user": user.pk}
    )
    assert response.status_code == 302
    assert_places_add_up(cohort)
    assert cohort.places_taken == 1
    response = admin_client.post(
        reverse("admin:cohorts_enrolment_add"), {"cohort": cohort.pk, "user": UserFactory().pk}
    )
    assert "no places left" in response.content.decode()
    assert Enrolment.objects.count() == 1


def test_withdrawing_in_the_back_office_frees_the_place_for_the_waitlist(admin_client):
    cohort = CohortFactory(capacity=1)
    enrolled = make_application(cohort=cohort, state=Application.State.ENROLLED)
    waiting = make_application(cohort=cohort, state=Application.State.WAITLISTED)
    enrolment = Enrolment.objects.get(user=enrolled.applicant)
    admin_client.post(
        reverse("admin:cohorts_enrolment_changelist"),
        {"action": "withdraw", "_selected_action": [enrolment.pk]},
    )
    waiting.refresh_from_db()
    assert waiting.state == Application.State.ACCEPTED
    assert_places_add_up(cohort)


def test_capacity_cannot_drop_below_the_places_taken(admin_client):
    cohort = CohortFactory(capacity=2)
    make_application(cohort=cohort, state=Application.State.ACCEPTED)
    make_application(cohort=cohort, state=Application.State.ACCEPTED)
    page = admin_client.get(reverse("admin:cohorts_cohort_change", args=[cohort.pk]))
    form = page.context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name != "facilitators"
    }
    data.update(
        {
            "capacity": 1,
            "programme": cohort.programme.pk,
            "starts_on": cohort.starts_on.isoformat(),
            "ends_on": cohort.ends_on.isoformat(),
            "applications_open_at_0": "",
            "applications_open_at_1": "",
            "applications_close_at_0": "",
            "applications_close_at_1": "",
            "reservations-TOTAL_FORMS": 0,
            "reservations-INITIAL_FORMS": 0,
        }
    )
    data.pop("applications_open_at", None)
    data.pop("applications_close_at", None)
    response = admin_client.post(reverse("admin:cohorts_cohort_change", args=[cohort.pk]), data)
    assert "2 places are already taken" in response.content.decode()
    cohort.refresh_from_db()
    assert cohort.capacity == 2


def test_the_back_office_cannot_move_a_cohort_past_its_lifecycle(admin_client):
    cohort = CohortFactory(status="draft")
    page = admin_client.get(reverse("admin:cohorts_cohort_change", args=[cohort.pk]))
    assert "status" not in page.context["adminform"].form.fields
