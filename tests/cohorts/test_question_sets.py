"""Programme admins edit each programme's application questions in the portal."""

import pytest
from django.urls import reverse

from cohorts import services
from cohorts.models import Application, Question, QuestionSet
from core.errors import ApplicationError
from tests.factories.academy import ProgrammeFactory
from tests.factories.accounts import AdminFactory, FacilitatorFactory, SponsorFactory, UserFactory
from tests.factories.cohorts import CohortFactory, QuestionFactory, QuestionSetFactory

pytestmark = pytest.mark.django_db


def _post(questions, introduction="Tell us about you.", equality=False):
    data = {
        "introduction": introduction,
        "form-TOTAL_FORMS": len(questions),
        "form-INITIAL_FORMS": 0,
        "form-MIN_NUM_FORMS": 0,
        "form-MAX_NUM_FORMS": 1000,
    }
    if equality:
        data["asks_equality_monitoring"] = "on"
    for index, question in enumerate(questions):
        for key, value in question.items():
            if value is True:
                value = "on"
            if value not in (False, None):
                data[f"form-{index}-{key}"] = value
    return data


@pytest.mark.parametrize("factory", [UserFactory, FacilitatorFactory, SponsorFactory])
def test_only_programme_admins_edit_questions(client, factory):
    programme = ProgrammeFactory()
    client.force_login(factory())
    assert client.get(reverse("cohorts:question-set-list")).status_code == 404
    url = reverse("cohorts:question-set-edit", kwargs={"slug": programme.slug})
    assert client.get(url).status_code == 404
    assert client.post(url, _post([{"text": "Why?", "kind": "text"}])).status_code == 404
    assert not QuestionSet.objects.exists()


def test_an_admin_writes_a_programmes_questions_in_order(client):
    programme = ProgrammeFactory()
    client.force_login(AdminFactory())
    html = client.get(reverse("cohorts:question-set-list")).content.decode()
    assert programme.name in html
    url = reverse("cohorts:question-set-edit", kwargs={"slug": programme.slug})
    assert "A new question" in client.get(url).content.decode()
    response = client.post(
        url,
        _post(
            [
                {"text": "Why now?", "kind": "long_text", "required": True, "is_active": True},
                {"text": "", "kind": "text", "required": True, "is_active": True},
                {
                    "text": "Format?",
                    "kind": "choice",
                    "choices": "Online\nIn person",
                    "is_active": True,
                },
            ],
            equality=True,
        ),
        follow=True,
    )
    assert "are saved" in response.content.decode()
    question_set = QuestionSet.objects.get(programme=programme)
    assert question_set.asks_equality_monitoring
    assert list(question_set.questions.values_list("text", "position", "required")) == [
        ("Why now?", 0, True),
        ("Format?", 1, False),
    ]


def test_a_choice_needs_options(client):
    programme = ProgrammeFactory()
    client.force_login(AdminFactory())
    url = reverse("cohorts:question-set-edit", kwargs={"slug": programme.slug})
    response = client.post(url, _post([{"text": "Pick", "kind": "choice", "is_active": True}]))
    assert response.status_code == 400
    assert "Give the options" in response.content.decode()
    assert not Question.objects.exists()


def test_an_answered_question_is_retired_not_removed():
    cohort = CohortFactory()
    question_set = QuestionSetFactory(programme=cohort.programme)
    question = QuestionFactory(question_set=question_set, text="Why?", required=False)
    application = services.application_save(
        applicant=UserFactory(),
        cohort=cohort,
        organisation=None,
        job_title="Lead",
        answers={question.pk: "Because."},
        submit=True,
    )
    item = {"id": question.pk, "text": "Why?", "kind": "text", "delete": True}
    with pytest.raises(ApplicationError, match="has answers"):
        services.question_set_save(
            programme=cohort.programme,
            introduction="",
            asks_equality_monitoring=False,
            questions=[item],
        )
    services.question_set_save(
        programme=cohort.programme,
        introduction="",
        asks_equality_monitoring=False,
        questions=[{**item, "delete": False, "is_active": False}],
    )
    question.refresh_from_db()
    assert not question.is_active
    assert Application.objects.get(pk=application.pk).answers.get().value == "Because."


def test_an_unanswered_question_can_be_removed_and_foreign_ids_are_refused():
    question = QuestionFactory()
    programme = question.question_set.programme
    elsewhere = QuestionFactory()
    with pytest.raises(ApplicationError, match="not part of this programme"):
        services.question_set_save(
            programme=programme,
            introduction="",
            asks_equality_monitoring=False,
            questions=[{"id": elsewhere.pk, "text": "Hijack", "kind": "text"}],
        )
    services.question_set_save(
        programme=programme,
        introduction="",
        asks_equality_monitoring=False,
        questions=[{"id": question.pk, "text": question.text, "kind": "text", "delete": True}],
    )
    assert not Question.objects.filter(pk=question.pk).exists()
