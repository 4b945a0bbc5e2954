"""Progress pages: who may see what, query counts at two sizes, CSV contents."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from academy import services
from academy.models import CompletionRule, Material, MaterialProgress, Module, Reflection
from cohorts.models import Enrolment
from scheduling.models import Attendance, Session
from tests.factories.accounts import (
    AdminFactory,
    FacilitatorFactory,
    OrganisationFactory,
    SponsorFactory,
    UserFactory,
)
from tests.factories.cohorts import EnrolmentFactory
from tests.factories.scheduling import RunningCohortFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_worker(monkeypatch):
    monkeypatch.setattr("core.tasks.async_task", lambda *args, **kwargs: None)


def read_csv(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def build_cohort(people: int, *, organisation=None):
    """A running cohort with two modules, three sessions and `people` participants who
    have done some of it."""
    cohort = RunningCohortFactory(capacity=people + 5)
    facilitator = FacilitatorFactory()
    cohort.facilitators.add(facilitator)
    materials = []
    for position in (1, 2):
        module = Module.objects.create(
            programme=cohort.programme, title=f"Module {position}", position=position,
            is_published=True,
        )  # fmt: skip
        for number in (1, 2):
            materials.append(
                Material.objects.create(
                    module=module,
                    kind="page",
                    title=f"Reading {position}.{number}",
                    body="x",
                    position=number,
                    estimated_minutes=30,
                    is_required=number == 1,
                )  # fmt: skip
            )
    sessions = []
    for days in (20, 10, 3):
        start = timezone.now() - dt.timedelta(days=days)
        sessions.append(
            Session.objects.create(
                cohort=cohort,
                title=f"Workshop {days}",
                kind="workshop",
                starts_at=start,
                ends_at=start + dt.timedelta(hours=2),
                joining_link="https://meet.example.org/x",
            )  # fmt: skip
        )
    enrolments = [
        EnrolmentFactory(cohort=cohort, user=UserFactory(organisation=organisation))
        for _ in range(people)
    ]
    MaterialProgress.objects.bulk_create(
        MaterialProgress(enrolment=enrolment, material=materials[i % 4])
        for i, enrolment in enumerate(enrolments)
    )
    Attendance.objects.bulk_create(
        Attendance(session=session, user=enrolment.user, status="present")
        for session in sessions[:2]
        for enrolment in enrolments
    )
    for enrolment in enrolments[:2]:
        Reflection.objects.create(enrolment=enrolment, text="Thoughts.")
    return cohort, facilitator, enrolments, materials, sessions


# --- The grid --------------------------------------------------------------------------


def grid_queries(client, people, django_assert_num_queries):
    cohort, facilitator, *_ = build_cohort(people)
    client.force_login(facilitator)
    url = reverse("academy:progress-grid", args=[cohort.pk])
    with django_assert_num_queries(GRID_QUERIES):
        response = client.get(url + "?sort=progress&order=desc")
    assert response.status_code == 200
    assert response.content.decode().count('<th scope="row">') == people + 1  # and totals


GRID_QUERIES = 22


@pytest.mark.parametrize("people", [10, 200])
def test_the_grid_makes_the_same_queries_for_10_and_200_people(
    client, people, django_assert_num_queries
):
    grid_queries(client, people, django_assert_num_queries)


def test_the_grid_shows_marks_totals_and_filters(client):
    cohort, facilitator, enrolments, materials, sessions = build_cohort(3)
    done = enrolments[0]
    done.status, done.completed_on = Enrolment.Status.COMPLETED, timezone.localdate()
    done.save(update_fields=["status", "completed_on"])
    client.force_login(facilitator)
    url = reverse("academy:progress-grid", args=[cohort.pk])

    page = client.get(url).content.decode()
    assert "Reading 1.1" in page
    assert "Workshop 20" in page
    assert page.count('<abbr title="present">P</abbr>') == 6

    completed = client.get(url + "?show=completed").content.decode()
    assert done.user.full_name in completed
    assert enrolments[1].user.full_name not in completed
    # Two of the three sessions held is below 80 %: everyone taking part is at risk.
    at_risk = client.get(url + "?show=at-risk").content.decode()
    assert enrolments[1].user.full_name in at_risk


def test_the_grid_csv_has_a_row_per_participant_with_marks(client):
    cohort, facilitator, enrolments, materials, sessions = build_cohort(2)
    enrolments[0].user.full_name = "=HYPERLINK(evil)"
    enrolments[0].user.save(update_fields=["full_name"])
    client.force_login(facilitator)

    rows = read_csv(client.get(reverse("academy:progress-grid-export", args=[cohort.pk])))

    header, *people = rows
    assert header[:4] == ["Name", "E-mail", "Organisation", "Status"]
    assert "Material: Reading 1.1" in header
    assert len(people) == 2
    first = next(row for row in people if row[1] == enrolments[0].user.email)
    # A name that a spreadsheet would run as a formula is written as text.
    assert first[0] == "'=HYPERLINK(evil)"
    assert first[header.index("Material: Reading 1.1")] == "done"
    assert first[header.index("Sessions attended")] == "2"
    session_column = next(
        i for i, title in enumerate(header) if title.startswith("Session: Workshop 20")
    )
    assert first[session_column] == "Present"


def test_the_grid_is_for_the_cohorts_own_facilitators_and_admins(client):
    cohort, facilitator, enrolments, *_ = build_cohort(1)
    url = reverse("academy:progress-grid", args=[cohort.pk])
    export = reverse("academy:progress-grid-export", args=[cohort.pk])

    client.force_login(AdminFactory())
    assert client.get(url).status_code == 200
    client.force_login(FacilitatorFactory())  # of another cohort
    assert client.get(url).status_code == 404
    assert client.get(export).status_code == 404
    client.force_login(enrolments[0].user)
    assert client.get(url).status_code == 403
    client.force_login(SponsorFactory())
    assert client.get(export).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302


def test_a_facilitator_of_another_cohort_cannot_decide_a_reflection(client):
    cohort, facilitator, enrolments, *_ = build_cohort(1)
    reflection = Reflection.objects.get(enrolment=enrolments[0])
    url = reverse("academy:reflection-detail", args=[reflection.pk])

    client.force_login(FacilitatorFactory())
    assert client.post(url, {"decision": "accept"}).status_code == 404
    client.force_login(enrolments[0].user)
    assert client.post(url, {"decision": "accept"}).status_code == 403
    reflection.refresh_from_db()
    assert reflection.status == Reflection.Status.SUBMITTED

    client.force_login(facilitator)
    response = client.post(url, {"decision": "return", "feedback": ""})
    assert response.status_code == 400
    response = client.post(url, {"decision": "return", "feedback": "Say more about the team."})
    assert response.status_code == 302
    reflection.refresh_from_db()
    assert reflection.status == Reflection.Status.RETURNED


def test_a_participant_sends_a_reflection_only_on_their_own_place(client):
    cohort, facilitator, enrolments, *_ = build_cohort(3)
    mine, other = enrolments[2], enrolments[1]
    client.force_login(mine.user)
    url = reverse("academy:reflection-submit", args=[mine.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"text": "What I learnt."}).status_code == 302
    assert Reflection.objects.get(enrolment=mine).text == "What I learnt."
    forbidden = reverse("academy:reflection-submit", args=[other.pk])
    assert client.get(forbidden).status_code == 404
    assert client.post(forbidden, {"text": "Not mine."}).status_code == 404


# --- The sponsor's view ----------------------------------------------------------------


SPONSOR_QUERIES = 14


@pytest.mark.parametrize("people", [10, 200])
def test_the_sponsor_view_makes_the_same_queries_for_10_and_200_people(
    client, people, django_assert_num_queries
):
    organisation = OrganisationFactory()
    build_cohort(people, organisation=organisation)
    sponsor = SponsorFactory(organisation=organisation)
    client.force_login(sponsor)
    with django_assert_num_queries(SPONSOR_QUERIES):
        response = client.get(reverse("academy:organisation-progress"))
    assert response.status_code == 200


def test_a_sponsor_sees_only_their_own_organisations_people(client):
    mine, theirs = OrganisationFactory(), OrganisationFactory()
    _, _, own, *_ = build_cohort(2, organisation=mine)
    _, _, others, *_ = build_cohort(2, organisation=theirs)
    client.force_login(SponsorFactory(organisation=mine))

    page = client.get(reverse("academy:organisation-progress")).content.decode()
    rows = read_csv(client.get(reverse("academy:organisation-progress-export")))

    for enrolment in own:
        assert enrolment.user.full_name in page
    for enrolment in others:
        assert enrolment.user.full_name not in page
    emails = {row[1] for row in rows[1:]}
    assert emails == {enrolment.user.email for enrolment in own}
    assert rows[0][:5] == ["Name", "E-mail", "Programme", "Cohort", "Status"]


def test_only_sponsors_have_an_organisation_view(client):
    _, facilitator, enrolments, *_ = build_cohort(1)
    for person in (facilitator, enrolments[0].user):
        client.force_login(person)
        assert client.get(reverse("academy:organisation-progress")).status_code == 403
        assert client.get(reverse("academy:organisation-progress-export")).status_code == 403


# --- The dashboard and the learning record ---------------------------------------------


DASHBOARD_QUERIES = 16


@pytest.mark.parametrize("people", [10, 200])
def test_the_dashboard_makes_the_same_queries_for_10_and_200_people(
    client, people, django_assert_num_queries
):
    _, _, enrolments, *_ = build_cohort(people)
    client.force_login(enrolments[0].user)
    with django_assert_num_queries(DASHBOARD_QUERIES):
        response = client.get(reverse("core:dashboard"))
    page = response.content.decode()
    assert "<progress" in page
    assert "of the way to completing" in page
    assert (
        "To complete: do every required material and attend at least 80% of the sessions." in page
    )


def test_the_dashboard_says_what_is_missing_and_then_completed(client):
    cohort, facilitator, enrolments, materials, sessions = build_cohort(1)
    enrolment = enrolments[0]
    CompletionRule.objects.create(programme=cohort.programme, minimum_attendance_percent=50)
    client.force_login(enrolment.user)
    page = client.get(reverse("core:dashboard")).content.decode()
    assert "1 required material to do" in page

    services.material_mark_done(enrolment=enrolment, material=materials[2])

    page = client.get(reverse("core:dashboard")).content.decode()
    assert "Completed" in page
    assert (
        "To complete: do every required material and attend at least 50% of the sessions." in page
    )


def test_only_participants_are_told_they_have_no_place_yet(client):
    no_place = "You do not have a place on a programme yet."
    client.force_login(UserFactory())
    assert no_place in client.get(reverse("core:dashboard")).content.decode()
    for staff in (FacilitatorFactory(), SponsorFactory()):
        client.force_login(staff)
        page = client.get(reverse("core:dashboard")).content.decode()
        assert no_place not in page
        assert "Your programmes" not in page


def test_the_learning_record_counts_hours_by_kind_and_exports_them(client):
    _, _, enrolments, materials, sessions = build_cohort(1)
    client.force_login(enrolments[0].user)

    page = client.get(reverse("academy:learning-record")).content.decode()
    rows = read_csv(client.get(reverse("academy:learning-record-export")))

    # Two two-hour sessions attended, one 30-minute material done.
    assert "4 hours" in page
    assert "0.5 hours" in page
    assert "4.5 hours" in page
    assert rows[0] == ["Date", "Kind", "Title", "Programme", "Cohort", "Hours"]
    assert sorted(row[5] for row in rows[1:-1]) == ["0.50", "2.00", "2.00"]
    assert rows[-1][1:] == ["Total", "", "", "", "4.50"]


def test_the_learning_record_holds_only_ones_own_learning(client):
    _, _, enrolments, *_ = build_cohort(2)
    client.force_login(UserFactory())
    rows = read_csv(client.get(reverse("academy:learning-record-export")))
    assert rows[1:] == [["", "Total", "", "", "", "0.00"]]


# --- The rule's page -------------------------------------------------------------------


def test_programme_admins_set_the_rule_and_nobody_else_may(client):
    cohort, facilitator, *_ = build_cohort(1)
    url = reverse("academy-manage:completion-rule-update", args=[cohort.programme.slug])
    data = {"requires_materials": "on", "minimum_attendance_percent": "75",
            "requires_reflection": "on", "reflection_prompt": "What will you do next?"}  # fmt: skip

    client.force_login(facilitator)
    assert client.get(url).status_code == 403
    assert client.post(url, data).status_code == 403
    assert not CompletionRule.objects.exists()

    client.force_login(AdminFactory())
    assert client.get(url).status_code == 200
    assert client.post(url, {**data, "minimum_attendance_percent": "101"}).status_code == 400
    nothing = client.post(url, {"minimum_attendance_percent": "0", "reflection_prompt": ""})
    assert nothing.status_code == 400
    assert "Ask for at least one thing" in nothing.content.decode()
    assert not CompletionRule.objects.exists()
    assert client.post(url, data).status_code == 302
    rule = CompletionRule.objects.get(programme=cohort.programme)
    assert (rule.minimum_attendance_percent, rule.requires_reflection) == (75, True)


# --- Marking from the course pages -----------------------------------------------------


def test_marking_the_last_material_completes_with_or_without_javascript(client):
    cohort, _facilitator, enrolments, materials, _sessions = build_cohort(2)
    CompletionRule.objects.create(programme=cohort.programme, minimum_attendance_percent=50)
    first, second = enrolments
    MaterialProgress.objects.filter(enrolment__in=enrolments).delete()
    MaterialProgress.objects.create(enrolment=first, material=materials[0])
    MaterialProgress.objects.create(enrolment=second, material=materials[0])

    client.force_login(first.user)
    url = reverse("academy:material-mark-done", args=[first.pk, materials[2].pk])
    response = client.post(url, {"from": "course"}, follow=True)
    assert "You have completed" in response.content.decode()
    first.refresh_from_db()
    assert first.status == Enrolment.Status.COMPLETED

    client.force_login(second.user)
    url = reverse("academy:material-mark-done", args=[second.pk, materials[2].pk])
    fragment = client.post(url, {"from": "course"}, HTTP_HX_REQUEST="true").content.decode()
    assert "You have completed" in fragment
    # A completed course is a record: no more buttons to change it.
    assert "Mark as not done" not in fragment


def test_opening_a_material_that_counts_when_viewed_can_complete(client):
    cohort, _facilitator, enrolments, materials, _sessions = build_cohort(1)
    CompletionRule.objects.create(programme=cohort.programme, minimum_attendance_percent=0)
    enrolment = enrolments[0]
    MaterialProgress.objects.filter(enrolment=enrolment).delete()
    MaterialProgress.objects.create(enrolment=enrolment, material=materials[0])
    Material.objects.filter(pk=materials[2].pk).update(completes_on_view=True)

    client.force_login(enrolment.user)
    client.get(reverse("academy:course-material", args=[enrolment.pk, materials[2].pk]))

    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.COMPLETED
