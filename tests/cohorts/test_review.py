"""The review queue: only the cohort's facilitators and admins, filters and sorting,
single and bulk decisions with and without htmx."""

import pytest
from django.urls import reverse

from cohorts.models import Application, EqualityResponse
from cohorts.services import equality_response_submit
from tests.factories.accounts import (
    FacilitatorFactory,
    OrganisationFactory,
    SponsorFactory,
    UserFactory,
)
from tests.factories.cohorts import CohortFactory, make_application

State = Application.State
pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def _queue(cohort, query=""):
    return reverse("cohorts:application-queue", kwargs={"pk": cohort.pk}) + query


def _review(application):
    return reverse("cohorts:application-review", kwargs={"pk": application.pk})


def _bulk(cohort):
    return reverse("cohorts:application-bulk-decide", kwargs={"pk": cohort.pk})


def test_the_queue_is_for_the_cohorts_facilitators_and_admins_only(
    client, cohort, facilitator, admin_user
):
    application = make_application(cohort=cohort, state=State.SUBMITTED)
    other_cohort = CohortFactory()
    other_facilitator = FacilitatorFactory()
    other_cohort.facilitators.add(other_facilitator)
    urls = [_queue(cohort), _review(application)]

    for person in (other_facilitator, UserFactory(), SponsorFactory(), application.applicant):
        client.force_login(person)
        for url in urls:
            assert client.get(url).status_code == 404, (person.role, url)
        assert (
            client.post(_review(application), {"decision": "reject", "reason": "x"}).status_code
            == 404
        )
        response = client.post(
            _bulk(cohort), {"applications": [application.pk], "decision": "reject", "reason": "x"}
        )
        assert response.status_code == 404
    application.refresh_from_db()
    assert application.state == State.SUBMITTED

    for person in (facilitator, admin_user):
        client.force_login(person)
        for url in urls:
            assert client.get(url).status_code == 200

    client.logout()
    assert client.get(_queue(cohort)).status_code == 302


def test_drafts_are_never_shown_to_reviewers(client, cohort, facilitator):
    draft = make_application(cohort=cohort, state=State.DRAFT)
    client.force_login(facilitator)
    assert draft.applicant.full_name not in client.get(_queue(cohort)).content.decode()
    assert client.get(_review(draft)).status_code == 404


def test_filters_and_sorting(client, cohort, facilitator):
    council = OrganisationFactory(name="Zeta Council")
    zoe = make_application(
        cohort=cohort,
        applicant=UserFactory(full_name="Zoe Able", organisation=council),
        state=State.IN_REVIEW,
    )
    adam = make_application(
        cohort=cohort, applicant=UserFactory(full_name="Adam Brown"), state=State.SUBMITTED
    )
    rejected = make_application(
        cohort=cohort, applicant=UserFactory(full_name="Rita Ray"), state=State.REJECTED
    )
    client.force_login(facilitator)

    def names(query):
        html = client.get(_queue(cohort, query)).content.decode()
        found = [
            a.applicant.full_name for a in (zoe, adam, rejected) if a.applicant.full_name in html
        ]
        return sorted(found, key=html.index)

    assert names("") == ["Zoe Able", "Adam Brown", "Rita Ray"]  # oldest first
    assert names("?status=to-decide") == ["Zoe Able", "Adam Brown"]
    assert names("?status=rejected") == ["Rita Ray"]
    assert names(f"?organisation={council.pk}") == ["Zoe Able"]
    assert names("?q=brown") == ["Adam Brown"]
    assert names("?sort=name") == ["Adam Brown", "Rita Ray", "Zoe Able"]
    assert names("?sort=newest") == ["Rita Ray", "Adam Brown", "Zoe Able"]
    assert names("?status=nonsense") == ["Zoe Able", "Adam Brown", "Rita Ray"]
    waiting = make_application(cohort=cohort, state=State.WAITLISTED)
    html = client.get(_queue(cohort, "?sort=waitlist")).content.decode()
    assert html.index(waiting.applicant.full_name) < html.index("Zoe Able")


def test_filtering_with_htmx_answers_only_the_results(client, cohort, facilitator):
    make_application(cohort=cohort, state=State.SUBMITTED)
    client.force_login(facilitator)
    response = client.get(_queue(cohort, "?status=to-decide"), **HTMX)
    html = response.content.decode()
    assert "<html" not in html
    assert 'id="queue-results"' in html
    assert 'data-hx-swap-oob="innerHTML"' in html
    assert "1 application shown" in html


def test_a_decision_without_javascript_redirects_with_a_message(client, cohort, facilitator):
    application = make_application(cohort=cohort, state=State.IN_REVIEW)
    client.force_login(facilitator)
    response = client.post(
        _review(application), {"decision": "accept", "reason": "Strong answers."}, follow=True
    )
    assert response.redirect_chain[-1][0] == _review(application)
    assert "application is now “Place offered”" in response.content.decode()
    application.refresh_from_db()
    assert application.state == State.ACCEPTED
    event = application.events.last()
    assert (event.actor, event.reason) == (facilitator, "Strong answers.")


def test_a_decision_with_htmx_swaps_the_decision_panel(client, cohort, facilitator):
    application = make_application(cohort=cohort, state=State.IN_REVIEW)
    client.force_login(facilitator)
    response = client.post(_review(application), {"decision": "waitlist", "reason": ""}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert 'id="decision"' in html
    assert "data-focus-after-swap" in html
    assert 'id="decision-status" data-hx-swap-oob="innerHTML"' in html
    assert "On the waitlist" in html
    application.refresh_from_db()
    assert application.state == State.WAITLISTED


def test_accepting_into_a_full_cohort_says_it_went_to_the_waitlist(client, facilitator):
    cohort = CohortFactory(capacity=1)
    cohort.facilitators.add(facilitator)
    make_application(cohort=cohort, state=State.ACCEPTED)
    application = make_application(cohort=cohort, state=State.IN_REVIEW)
    client.force_login(facilitator)
    response = client.post(_review(application), {"decision": "accept"}, follow=True)
    assert "No place was free" in response.content.decode()
    application.refresh_from_db()
    assert application.state == State.WAITLISTED


def test_turning_down_needs_a_reason(client, cohort, facilitator):
    application = make_application(cohort=cohort, state=State.IN_REVIEW)
    client.force_login(facilitator)
    response = client.post(_review(application), {"decision": "reject", "reason": " "})
    assert response.status_code == 400
    assert "Give a reason" in response.content.decode()
    application.refresh_from_db()
    assert application.state == State.IN_REVIEW


def test_a_decision_the_state_does_not_allow_is_not_offered_or_accepted(
    client, cohort, facilitator
):
    application = make_application(cohort=cohort, state=State.REJECTED)
    client.force_login(facilitator)
    assert "There is no decision to make" in client.get(_review(application)).content.decode()
    response = client.post(_review(application), {"decision": "accept"})
    assert response.status_code == 400
    application.refresh_from_db()
    assert application.state == State.REJECTED


def test_going_ahead_without_the_sponsor_needs_a_reason(client, cohort, facilitator, sponsor):
    application = make_application(
        cohort=cohort, organisation=sponsor.organisation, state=State.AWAITING_SPONSOR
    )
    client.force_login(facilitator)
    page = client.get(_review(application)).content.decode()
    assert "Review it without the sponsor’s approval" in page
    assert client.post(_review(application), {"decision": "review"}).status_code == 400
    client.post(_review(application), {"decision": "review", "reason": "Sponsor on leave."})
    application.refresh_from_db()
    assert application.state == State.IN_REVIEW


def test_bulk_decisions_fill_places_then_the_waitlist_and_report_refusals(client, facilitator):
    cohort = CohortFactory(capacity=2)
    cohort.facilitators.add(facilitator)
    waiting = [make_application(cohort=cohort, state=State.IN_REVIEW) for _ in range(3)]
    rejected = make_application(cohort=cohort, state=State.REJECTED)
    client.force_login(facilitator)
    response = client.post(
        _bulk(cohort) + "?status=to-decide",
        {
            "applications": [a.pk for a in [*waiting, rejected]],
            "decision": "accept",
            "reason": "",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == _queue(cohort, "?status=to-decide")
    html = response.content.decode()
    assert "2 are now “Place offered”" in html
    assert "1 is now “On the waitlist”" in html
    assert f"{rejected.applicant.full_name} was not changed" in html
    states = [Application.objects.get(pk=a.pk).state for a in waiting]
    assert states == [State.ACCEPTED, State.ACCEPTED, State.WAITLISTED]


def test_bulk_decisions_with_htmx_answer_the_results_with_the_outcome(client, cohort, facilitator):
    applications = [make_application(cohort=cohort, state=State.SUBMITTED) for _ in range(2)]
    client.force_login(facilitator)
    response = client.post(
        _bulk(cohort),
        {"applications": [a.pk for a in applications], "decision": "review"},
        **HTMX,
    )
    html = response.content.decode()
    assert "<html" not in html
    assert "2 are now “In review”" in html
    assert html.count("data-focus-after-swap") == 1


def test_bulk_decisions_ignore_applications_of_other_cohorts(client, cohort, facilitator):
    elsewhere = make_application(state=State.IN_REVIEW)
    client.force_login(facilitator)
    response = client.post(
        _bulk(cohort),
        {"applications": [elsewhere.pk], "decision": "reject", "reason": "x"},
        follow=True,
    )
    assert "Select a valid choice" in response.content.decode()
    elsewhere.refresh_from_db()
    assert elsewhere.state == State.IN_REVIEW


def test_bulk_decisions_need_a_selection(client, cohort, facilitator):
    client.force_login(facilitator)
    response = client.post(_bulk(cohort), {"decision": "accept"}, follow=True)
    assert "Select at least one application." in response.content.decode()


def test_reviewers_never_see_equality_monitoring_answers(client, facilitator):
    cohort = CohortFactory()
    cohort.facilitators.add(facilitator)
    application = make_application(cohort=cohort, state=State.SUBMITTED)
    equality_response_submit(
        cohort=cohort, user=application.applicant, answers={"ethnic_group": "mixed"}
    )
    assert EqualityResponse.objects.count() == 1
    client.force_login(facilitator)
    for url in (_review(application), _queue(cohort)):
        html = client.get(url).content.decode()
        assert "Mixed or multiple" not in html
        assert "ethnic" not in html.lower()
    assert (
        client.get(reverse("cohorts:equality-report", kwargs={"pk": cohort.pk})).status_code == 404
    )


@pytest.mark.parametrize("count", [1, 12])
def test_queue_queries_do_not_grow(client, django_assert_num_queries, facilitator, count):
    cohort = CohortFactory(capacity=4)
    cohort.facilitators.add(facilitator)
    states = [State.SUBMITTED, State.ACCEPTED, State.WAITLISTED, State.REJECTED]
    for index in range(count):
        make_application(cohort=cohort, state=states[index % 4], organisation=OrganisationFactory())
    client.force_login(facilitator)
    # Session, user, cohort; counts, organisations, page count, page, reservations and
    # their filled places; then the session's expiry saved (3).
    with django_assert_num_queries(12):
        response = client.get(_queue(cohort))
    assert response.content.decode().count('name="applications"') == count
