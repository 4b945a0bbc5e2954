"""Each permission function, branch by branch, and its queryset form agreeing with it."""

import pytest
from django.contrib.auth.models import AnonymousUser

from cohorts import permissions
from cohorts.models import Application, Cohort
from tests.factories.accounts import (
    AdminFactory,
    FacilitatorFactory,
    SponsorFactory,
    UserFactory,
)
from tests.factories.cohorts import (
    CohortFactory,
    QuestionSetFactory,
    make_application,
    make_nomination,
)

State = Application.State
pytestmark = pytest.mark.django_db


@pytest.fixture
def people(cohort, facilitator, sponsor):
    return {
        "anonymous": AnonymousUser(),
        "participant": UserFactory(),
        "inactive admin": AdminFactory(is_active=False),
        "admin": AdminFactory(),
        "facilitator": facilitator,
        "other facilitator": FacilitatorFactory(),
        "sponsor": sponsor,
        "other sponsor": SponsorFactory(),
    }


def test_managing_a_cohort(cohort, people):
    allowed = {name for name, user in people.items() if permissions.can_manage_cohort(user, cohort)}
    assert allowed == {"admin", "facilitator"}
    for name, user in people.items():
        managed = permissions.cohorts_managed_by(user).filter(pk=cohort.pk).exists()
        assert managed == (name in allowed), name


def test_reviewing_agrees_with_the_queryset(cohort, people, sponsor):
    applications = [
        make_application(cohort=cohort, state=state, organisation=sponsor.organisation)
        for state in (State.DRAFT, State.IN_REVIEW)
    ]
    for name, user in people.items():
        visible = set(permissions.applications_reviewable_by(user).values_list("pk", flat=True))
        for application in applications:
            allowed = permissions.can_review_application(user, application)
            assert allowed == (application.pk in visible), (name, application.state)
            assert allowed == (
                name in {"admin", "facilitator"} and application.state != State.DRAFT
            ), (name, application.state)


def test_sponsors_see_only_their_organisations_submitted_applications(cohort, people, sponsor):
    ours = make_application(cohort=cohort, organisation=sponsor.organisation, state=State.IN_REVIEW)
    draft = make_application(cohort=cohort, organisation=sponsor.organisation, state=State.DRAFT)
    for name, user in people.items():
        visible = set(
            permissions.applications_visible_to_sponsor(user).values_list("pk", flat=True)
        )
        assert visible == ({ours.pk} if name == "sponsor" else set()), name
        assert draft.pk not in visible


def test_endorsing_needs_the_organisations_sponsor_and_an_application_waiting(
    cohort, people, sponsor
):
    waiting = make_application(
        cohort=cohort, organisation=sponsor.organisation, state=State.AWAITING_SPONSOR
    )
    reviewed = make_application(
        cohort=cohort, organisation=sponsor.organisation, state=State.IN_REVIEW
    )
    allowed = {n for n, u in people.items() if permissions.can_endorse_application(u, waiting)}
    assert allowed == {"sponsor"}
    assert not permissions.can_endorse_application(sponsor, reviewed)


def test_nominating_needs_a_sponsor_and_an_open_cohort(cohort, people):
    allowed = {n for n, u in people.items() if permissions.can_nominate(u, cohort)}
    assert allowed == {"sponsor", "other sponsor"}
    closed = CohortFactory(status=Cohort.Status.CLOSED)
    assert not permissions.can_nominate(people["sponsor"], closed)


def test_managing_a_nomination_is_for_its_organisations_sponsors(cohort, people, sponsor):
    nomination = make_nomination(cohort=cohort, sponsor=sponsor)
    allowed = {n for n, u in people.items() if permissions.can_manage_nomination(u, nomination)}
    assert allowed == {"sponsor"}
    for name, user in people.items():
        visible = permissions.nominations_visible_to_sponsor(user).filter(pk=nomination.pk)
        assert visible.exists() == (name == "sponsor"), name


@pytest.mark.parametrize(
    ("state", "edit", "withdraw", "confirm"),
    [
        (State.DRAFT, True, True, False),
        (State.SUBMITTED, False, True, False),
        (State.ACCEPTED, False, True, True),
        (State.ENROLLED, False, True, False),
        (State.REJECTED, False, False, False),
        (State.OFFER_EXPIRED, False, False, False),
    ],
)
def test_what_applicants_may_do_with_their_own_application(state, edit, withdraw, confirm):
    application = make_application(state=state)
    owner, stranger = application.applicant, UserFactory()
    assert permissions.can_edit_application(owner, application) is edit
    assert permissions.can_withdraw_application(owner, application) is withdraw
    assert permissions.can_confirm_place(owner, application) is confirm
    for check in (
        permissions.can_view_own_application,
        permissions.can_edit_application,
        permissions.can_withdraw_application,
        permissions.can_confirm_place,
    ):
        assert check(stranger, application) is False


def test_equality_monitoring_is_for_applicants_to_programmes_that_ask():
    asks = CohortFactory()
    QuestionSetFactory(programme=asks.programme, asks_equality_monitoring=True)
    submitted = make_application(cohort=asks, state=State.SUBMITTED)
    draft = make_application(cohort=asks, state=State.DRAFT)
    elsewhere = make_application(state=State.SUBMITTED)
    assert permissions.can_answer_equality_monitoring(submitted.applicant, submitted)
    assert not permissions.can_answer_equality_monitoring(draft.applicant, draft)
    assert not permissions.can_answer_equality_monitoring(elsewhere.applicant, elsewhere)
    assert not permissions.can_answer_equality_monitoring(UserFactory(), submitted)


def test_the_equality_report_is_for_programme_admins(cohort, people):
    allowed = {n for n, u in people.items() if permissions.can_view_equality_report(u, cohort)}
    assert allowed == {"admin"}


def test_applying_and_recommending(people):
    cohort = CohortFactory(programme__allows_recommendations=True)
    assert not permissions.can_apply(people["anonymous"], cohort)
    assert permissions.can_apply(people["participant"], cohort)
    assert permissions.can_recommend(people["anonymous"], cohort)
    cohort.status = Cohort.Status.CLOSED
    assert not permissions.can_apply(people["participant"], cohort)
    assert not permissions.can_recommend(people["anonymous"], cohort)
