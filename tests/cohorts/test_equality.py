"""Equality monitoring: optional, kept apart from applications, reported only in
aggregate with small numbers hidden, deleted after its retention period."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cohorts import services
from cohorts.models import Application, EqualityReceipt, EqualityResponse
from cohorts.selectors import equality_report
from core.errors import ApplicationError
from tests.factories.accounts import AdminFactory, UserFactory
from tests.factories.cohorts import CohortFactory, QuestionSetFactory, make_application

State = Application.State
pytestmark = pytest.mark.django_db


@pytest.fixture
def positive_action_cohort():
    cohort = CohortFactory()
    QuestionSetFactory(programme=cohort.programme, asks_equality_monitoring=True)
    return cohort


def test_the_answers_have_no_link_to_a_person_or_an_application():
    links = {
        field.related_model for field in EqualityResponse._meta.get_fields() if field.is_relation
    }
    assert links == {EqualityResponse._meta.get_field("cohort").related_model}
    assert not any(
        field.related_model is EqualityResponse
        for field in Application._meta.get_fields()
        if field.is_relation
    )


def test_after_submitting_the_applicant_is_asked_and_may_skip(client, positive_action_cohort):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("cohorts:application-create", kwargs={"pk": positive_action_cohort.pk}),
        {"action": "submit", "job_title": "Lead", "organisation": ""},
    )
    application = Application.objects.get(applicant=user)
    assert response.url == reverse("cohorts:equality-create", kwargs={"pk": application.pk})
    html = client.get(response.url).content.decode()
    assert "Prefer not to say" in html
    assert "never see them" in html
    response = client.post(response.url, {"skip": "1"})
    assert response.url == application.get_absolute_url()
    assert not EqualityResponse.objects.exists()
    # Still offered later, until answered.
    assert "equality monitoring" in client.get(application.get_absolute_url()).content.decode()


def test_answers_are_stored_once_with_the_month_only(client, positive_action_cohort):
    application = make_application(cohort=positive_action_cohort, state=State.SUBMITTED)
    client.force_login(application.applicant)
    url = reverse("cohorts:equality-create", kwargs={"pk": application.pk})
    client.post(url, {"gender": "woman", "age_band": "30_39"})
    response = EqualityResponse.objects.get()
    assert (response.gender, response.age_band, response.ethnic_group) == (
        "woman",
        "30_39",
        "unsaid",
    )
    assert response.month.day == 1
    assert EqualityReceipt.objects.filter(user=application.applicant).exists()
    assert client.get(url).status_code == 302  # already answered
    with pytest.raises(ApplicationError, match="already answered"):
        services.equality_response_submit(
            cohort=positive_action_cohort, user=application.applicant, answers={}
        )
    assert EqualityResponse.objects.count() == 1


def test_only_applicants_to_a_programme_that_asks_can_answer(client, positive_action_cohort):
    draft = make_application(cohort=positive_action_cohort, state=State.DRAFT)
    elsewhere = make_application(state=State.SUBMITTED)  # its programme does not ask
    for application in (draft, elsewhere):
        client.force_login(application.applicant)
        url = reverse("cohorts:equality-create", kwargs={"pk": application.pk})
        assert client.get(url).status_code == 404
    with pytest.raises(ApplicationError):
        services.equality_response_submit(
            cohort=positive_action_cohort, user=UserFactory(), answers={}
        )


def _responses(cohort, genders):
    for gender in genders:
        EqualityResponse.objects.create(cohort=cohort, month=dt.date(2026, 1, 1), gender=gender)


def test_the_report_shows_nothing_below_five_people():
    cohort = CohortFactory()
    _responses(cohort, ["woman"] * 4)
    report = equality_report(cohort)
    assert report["suppressed"] is True
    assert report["questions"] == []


def test_the_report_hides_small_counts_and_one_more_where_needed():
    cohort = CohortFactory()
    _responses(cohort, ["woman"] * 9 + ["man"] * 6 + ["non_binary"] * 2)
    report = equality_report(cohort)
    gender = {row["label"]: row for row in report["questions"][0]["rows"]}
    assert (gender["Woman"]["count"], gender["Woman"]["hidden"]) == (9, False)
    assert gender["Non-binary"]["hidden"] is True
    # Otherwise 17 - 9 - 6 would give the hidden 2 away.
    assert gender["Man"]["hidden"] is True
    assert gender["Prefer not to say"]["hidden"] is False  # nobody: 0 reveals nothing


def test_the_report_is_for_programme_admins_only(client, facilitator):
    cohort = CohortFactory()
    cohort.facilitators.add(facilitator)
    _responses(cohort, ["woman"] * 6)
    url = reverse("cohorts:equality-report", kwargs={"pk": cohort.pk})
    for person in (facilitator, UserFactory()):
        client.force_login(person)
        assert client.get(url).status_code == 404
    client.force_login(AdminFactory())
    html = client.get(url).content.decode()
    assert "6 people answered." in html


def test_answers_are_deleted_after_the_retention_period(settings):
    settings.EQUALITY_MONITORING_RETENTION_DAYS = 365
    cohort = CohortFactory()
    old = EqualityResponse.objects.create(cohort=cohort, month=dt.date(2020, 1, 1))
    recent = EqualityResponse.objects.create(
        cohort=cohort, month=timezone.localdate().replace(day=1)
    )
    assert services.equality_responses_purge() == 1
    assert list(EqualityResponse.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not EqualityResponse.objects.filter(pk=old.pk).exists()
