"""Applying through the pages: the programme's own questions, drafts, submission,
"My applications", confirming and withdrawing."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cohorts import services
from cohorts.models import Application, ApplicationAnswer, Enrolment, Question
from core.errors import ApplicationError
from tests.factories.accounts import OrganisationFactory, SponsorFactory, UserFactory
from tests.factories.cohorts import (
    CohortFactory,
    QuestionFactory,
    QuestionSetFactory,
    make_application,
)

State = Application.State
pytestmark = pytest.mark.django_db


@pytest.fixture
def questions(cohort):
    question_set = QuestionSetFactory(programme=cohort.programme)
    return {
        "why": QuestionFactory(question_set=question_set, text="Why now?"),
        "format": QuestionFactory(
            question_set=question_set,
            text="Which format?",
            kind=Question.Kind.CHOICE,
            choices="Online\nIn person",
        ),
        "mentor": QuestionFactory(
            question_set=question_set, text="Want a mentor?", kind=Question.Kind.YES_NO,
            required=False,
        ),
        "retired": QuestionFactory(question_set=question_set, text="Old?", is_active=False),
    }  # fmt: skip


def _answers(questions, **overrides):
    data = {
        "organisation": "",
        "job_title": "Head of digital",
        f"question_{questions['why'].pk}": "To lead better.",
        f"question_{questions['format'].pk}": "Online",
        f"question_{questions['mentor'].pk}": "yes",
    }
    data.update(overrides)
    return data


def test_visitors_are_asked_to_sign_in_first(client, cohort):
    url = reverse("cohorts:application-create", kwargs={"pk": cohort.pk})
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:login')}?next={url}"


def test_the_form_asks_the_programmes_own_active_questions(client, cohort, questions):
    client.force_login(UserFactory())
    html = client.get(reverse("cohorts:application-create", kwargs={"pk": cohort.pk})).content
    html = html.decode()
    assert "Why now?" in html
    assert "Which format?" in html
    assert 'type="radio"' in html
    assert "Old?" not in html
    assert "Save as a draft" in html


def test_a_draft_can_be_saved_incomplete_and_finished_later(
    client, cohort, questions, mailoutbox, django_capture_on_commit_callbacks
):
    user = UserFactory()
    client.force_login(user)
    create = reverse("cohorts:application-create", kwargs={"pk": cohort.pk})
    response = client.post(create, {"action": "save", "job_title": "", "organisation": ""})
    application = Application.objects.get(applicant=user)
    assert response.status_code == 302
    assert response.url == reverse("cohorts:application-edit", kwargs={"pk": application.pk})
    assert application.state == State.DRAFT
    assert not application.events.exists()

    # Coming back to "apply" finds the draft.
    assert client.get(create).url == response.url
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(response.url, {"action": "submit", **_answers(questions)})
    application.refresh_from_db()
    assert application.state == State.SUBMITTED
    assert application.submitted_at is not None
    assert response.url == application.get_absolute_url()
    assert dict(application.answers.values_list("question__text", "value")) == {
        "Why now?": "To lead better.",
        "Which format?": "Online",
        "Want a mentor?": "yes",
    }
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [user.email]
    assert "We have your application" in mailoutbox[0].subject
    assert mailoutbox[0].alternatives[0][1] == "text/html"


def test_submitting_needs_every_required_answer(client, cohort, questions):
    client.force_login(UserFactory())
    data = _answers(questions, **{f"question_{questions['why'].pk}": "", "job_title": ""})
    response = client.post(
        reverse("cohorts:application-create", kwargs={"pk": cohort.pk}),
        {"action": "submit", **data},
    )
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not Application.objects.exists()


def test_an_answer_outside_the_options_is_refused(client, cohort, questions):
    client.force_login(UserFactory())
    data = _answers(questions, **{f"question_{questions['format'].pk}": "Carrier pigeon"})
    response = client.post(
        reverse("cohorts:application-create", kwargs={"pk": cohort.pk}),
        {"action": "submit", **data},
    )
    assert response.status_code == 400
    assert not Application.objects.exists()


def test_the_service_also_refuses_an_incomplete_submission(cohort, questions):
    application = services.application_start(cohort=cohort, applicant=UserFactory())
    with pytest.raises(Exception, match="Answer this question"):
        services.application_submit(application=application)
    application.refresh_from_db()
    assert application.state == State.DRAFT


def test_one_application_per_person_per_cohort_with_a_clear_message(cohort):
    user = UserFactory()
    services.application_start(cohort=cohort, applicant=user)
    with pytest.raises(ApplicationError, match="already applied to this cohort"):
        services.application_start(cohort=cohort, applicant=user)
    assert Application.objects.filter(applicant=user).count() == 1


def test_applying_again_shows_the_existing_application(client, cohort):
    application = make_application(cohort=cohort, state=State.SUBMITTED)
    client.force_login(application.applicant)
    response = client.get(
        reverse("cohorts:application-create", kwargs={"pk": cohort.pk}), follow=True
    )
    assert response.redirect_chain[-1][0] == application.get_absolute_url()
    assert "You have already applied to this cohort." in response.content.decode()


@pytest.mark.parametrize(
    "change",
    [
        {"status": "closed"},
        {"applications_close_at": timezone.now() - dt.timedelta(minutes=1)},
        {"applications_open_at": timezone.now() + dt.timedelta(days=1)},
    ],
)
def test_a_cohort_not_taking_applications_refuses_them(client, change):
    cohort = (
        CohortFactory(**change)
        if "status" not in change
        else CohortFactory(status=change["status"])
    )
    client.force_login(UserFactory())
    url = reverse("cohorts:application-create", kwargs={"pk": cohort.pk})
    response = client.post(url, {"action": "submit", "job_title": "Lead"}, follow=True)
    assert "not taking applications" in response.content.decode()
    assert not Application.objects.exists()


def test_a_named_organisation_with_a_sponsor_is_asked_to_approve(
    cohort, sponsor, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        application = services.application_save(
            applicant=UserFactory(),
            cohort=cohort,
            organisation=sponsor.organisation,
            job_title="Lead",
            answers={},
            submit=True,
        )
    assert application.state == State.AWAITING_SPONSOR
    recipients = sorted(message.to[0] for message in mailoutbox)
    assert recipients == sorted([application.applicant.email, sponsor.email])
    request = next(m for m in mailoutbox if m.to == [sponsor.email])
    assert reverse("cohorts:application-endorse", kwargs={"pk": application.pk}) in request.body


@pytest.mark.parametrize("has_sponsor", [True, False])
def test_without_sponsor_approval_or_a_sponsor_account_it_goes_to_the_reviewers(has_sponsor):
    organisation = OrganisationFactory()
    if has_sponsor:
        SponsorFactory(organisation=organisation)
    cohort = CohortFactory(sponsor_approval_required=not has_sponsor)
    application = services.application_save(
        applicant=UserFactory(),
        cohort=cohort,
        organisation=organisation,
        job_title="Lead",
        answers={},
        submit=True,
    )
    assert application.state == State.SUBMITTED


def test_someone_elses_application_is_not_found(client):
    application = make_application(state=State.DRAFT)
    client.force_login(UserFactory())
    for name in ("application-detail", "application-edit", "application-withdraw"):
        assert (
            client.get(reverse(f"cohorts:{name}", kwargs={"pk": application.pk})).status_code == 404
        )
    assert (
        client.post(
            reverse("cohorts:application-confirm", kwargs={"pk": application.pk})
        ).status_code
        == 404
    )


def test_confirming_a_place_takes_a_post_and_enrols(client):
    application = make_application(state=State.ACCEPTED)
    client.force_login(application.applicant)
    url = reverse("cohorts:application-confirm", kwargs={"pk": application.pk})
    assert client.get(url).status_code == 405
    response = client.post(url, follow=True)
    assert "Your place is confirmed" in response.content.decode()
    application.refresh_from_db()
    assert application.state == State.ENROLLED
    assert Enrolment.objects.get(user=application.applicant).status == Enrolment.Status.ACTIVE


@pytest.mark.parametrize(
    ("state", "button"),
    [
        (State.DRAFT, "Discard your draft"),
        (State.IN_REVIEW, "Withdraw your application"),
        (State.ACCEPTED, "Decline the place"),
        (State.ENROLLED, "Leave the cohort"),
        (State.WAITLISTED, "Withdraw your application"),
    ],
)
def test_withdrawing_asks_first_then_takes_a_post(client, state, button):
    application = make_application(state=state)
    client.force_login(application.applicant)
    url = reverse("cohorts:application-withdraw", kwargs={"pk": application.pk})
    assert button in client.get(url).content.decode()
    response = client.post(url, {"reason": "Changed jobs."}, follow=True)
    assert "Your application has been withdrawn." in response.content.decode()
    application.refresh_from_db()
    assert application.state == State.WITHDRAWN
    assert application.events.last().reason == "Changed jobs."


@pytest.mark.parametrize("state", [State.REJECTED, State.WITHDRAWN, State.OFFER_EXPIRED])
def test_a_final_application_cannot_be_withdrawn(client, state):
    application = make_application(state=state)
    client.force_login(application.applicant)
    url = reverse("cohorts:application-withdraw", kwargs={"pk": application.pk})
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404


def test_my_applications_lists_every_state_with_the_next_step(client):
    user = UserFactory()
    for state in State.values:
        if state == State.AWAITING_SPONSOR:
            sponsor = SponsorFactory()
            make_application(
                cohort=CohortFactory(sponsor_approval_required=True),
                applicant=user,
                organisation=sponsor.organisation,
                state=state,
            )
        else:
            make_application(applicant=user, state=state)
    client.force_login(user)
    html = client.get(reverse("cohorts:application-list-mine")).content.decode()
    for state in State:
        assert str(state.label) in html
    assert "Confirm your place by" in html
    assert "number 1 in line" in html
    assert "Continue your application" in html


def test_my_applications_has_a_nav_entry_and_an_empty_state(client):
    client.force_login(UserFactory())
    html = client.get(reverse("cohorts:application-list-mine")).content.decode()
    assert 'aria-current="page">My applications' in html
    assert "You have not applied to a programme yet." in html


@pytest.mark.parametrize("count", [1, 8])
def test_my_applications_queries_do_not_grow(client, django_assert_num_queries, count):
    user = UserFactory(organisation=OrganisationFactory())
    for index in range(count):
        make_application(
            applicant=user, state=[State.IN_REVIEW, State.WAITLISTED, State.ACCEPTED][index % 3]
        )
    client.force_login(user)
    # Session and user, count and page, then the session's expiry saved (3).
    with django_assert_num_queries(7):
        response = client.get(reverse("cohorts:application-list-mine"))
    assert response.content.decode().count("<tr>") == count + 1


def test_the_detail_page_shows_status_answers_and_history(client, cohort, questions):
    user = UserFactory()
    application = services.application_save(
        applicant=user,
        cohort=cohort,
        organisation=None,
        job_title="Lead",
        answers={questions["why"].pk: "Growth.", questions["format"].pk: "Online"},
        submit=True,
    )
    client.force_login(user)
    html = client.get(application.get_absolute_url()).content.decode()
    assert "Growth." in html
    assert "Submitted" in html
    assert "Draft → Submitted" in html


def test_the_public_cohort_page_offers_the_right_action(client):
    cohort = CohortFactory(capacity=1)
    url = cohort.get_absolute_url()
    html = client.get(url).content.decode()
    assert "Apply for a place" in html
    assert "Recommend someone" not in html  # the programme does not take recommendations
    cohort.programme.allows_recommendations = True
    cohort.programme.save()
    make_application(cohort=cohort, state=State.ACCEPTED)
    html = client.get(url).content.decode()
    assert "Join the waitlist" in html
    assert "Full — join the waitlist" in html
    assert "Recommend someone" in html
    closed = CohortFactory(status="closed")
    assert "not taking applications" in client.get(closed.get_absolute_url()).content.decode()


def test_answers_of_retired_questions_are_kept(cohort, questions):
    application = services.application_save(
        applicant=UserFactory(),
        cohort=cohort,
        organisation=None,
        job_title="Lead",
        answers={questions["why"].pk: "Growth."},
        submit=False,
    )
    Question.objects.filter(pk=questions["why"].pk).update(is_active=False)
    assert ApplicationAnswer.objects.filter(application=application).count() == 1
