"""Every endpoint as each role, with the forbidden paths the portal's pages refuse too."""

import pytest

from certificates.models import Certificate
from cohorts.models import Application, Nomination
from scheduling.models import Attendance
from tests.factories.accounts import UserFactory
from tests.factories.certificates import CompletedEnrolmentFactory
from tests.factories.cohorts import QuestionFactory, QuestionSetFactory, make_application

V1 = "/api/v1"


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


# --- Signing in ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["applications/", "nominations/", "sessions/", "progress/", "certificates/"],
)
def test_signed_in_lists_refuse_anonymous_clients(world, api_as, path):
    response = api_as(None).get(f"{V1}/{path}")
    assert response.status_code == 401
    assert response.json()["message"]
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_the_browser_session_works_too(world, client):
    client.force_login(world.participant_a)
    assert client.get(f"{V1}/progress/").status_code == 200


# --- Programmes and cohorts ----------------------------------------------------------


def test_anyone_lists_published_programmes(world, api_as):
    hidden = type(world.programme).objects.create(name="Hidden", slug="hidden", is_published=False)
    assert world.programme.pk in ids(api_as(None).get(f"{V1}/programmes/"))
    assert hidden.pk not in ids(api_as(world.participant_a).get(f"{V1}/programmes/"))
    assert api_as(None).get(f"{V1}/programmes/{hidden.pk}/").status_code == 404
    assert hidden.pk in ids(api_as(world.admin).get(f"{V1}/programmes/"))


def test_cohorts_show_places_left_and_hide_drafts_from_the_public(world, api_as):
    world.open_cohort.status = "draft"
    world.open_cohort.save(update_fields=["status"])
    assert world.open_cohort.pk not in ids(api_as(None).get(f"{V1}/cohorts/"))
    assert (
        api_as(world.participant_a).get(f"{V1}/cohorts/{world.open_cohort.pk}/").status_code == 404
    )
    assert (
        api_as(world.other_facilitator).get(f"{V1}/cohorts/{world.open_cohort.pk}/").status_code
        == 404
    )
    response = api_as(world.facilitator).get(f"{V1}/cohorts/{world.open_cohort.pk}/")
    assert response.status_code == 200
    row = api_as(None).get(f"{V1}/cohorts/{world.running_a.pk}/").json()
    assert row["places_left"] == world.running_a.capacity - 1


def test_cohorts_filter_by_status(world, api_as):
    found = ids(api_as(None).get(f"{V1}/cohorts/", {"status": "open"}))
    assert found == {world.open_cohort.pk}


# --- Applications --------------------------------------------------------------------


def test_applications_are_read_according_to_role(world, api_as):
    a, b = world.application_a.pk, world.application_b.pk
    assert ids(api_as(world.applicant).get(f"{V1}/applications/")) == {a}
    assert ids(api_as(world.sponsor_a).get(f"{V1}/applications/")) == {a}
    assert ids(api_as(world.sponsor_b).get(f"{V1}/applications/")) == {b}
    assert ids(api_as(world.facilitator).get(f"{V1}/applications/")) == {a, b}
    assert ids(api_as(world.other_facilitator).get(f"{V1}/applications/")) == set()
    assert ids(api_as(world.participant_b).get(f"{V1}/applications/")) == set()
    # Another organisation's applicant, another cohort's reviewer, a stranger: 404.
    assert api_as(world.sponsor_b).get(f"{V1}/applications/{a}/").status_code == 404
    assert api_as(world.other_facilitator).get(f"{V1}/applications/{a}/").status_code == 404
    assert api_as(world.participant_b).get(f"{V1}/applications/{a}/").status_code == 404
    assert api_as(world.applicant).get(f"{V1}/applications/{a}/").status_code == 200


def test_reviewers_do_not_see_drafts(world, api_as):
    draft = make_application(cohort=world.open_cohort, state=Application.State.DRAFT)
    assert draft.pk not in ids(api_as(world.facilitator).get(f"{V1}/applications/"))
    assert draft.pk in ids(api_as(draft.applicant).get(f"{V1}/applications/"))


def test_apply_through_the_api(world, api_as):
    question = QuestionFactory(question_set=QuestionSetFactory(programme=world.programme))
    person = UserFactory(organisation=world.org_a)
    client = api_as(person)
    body = {"cohort": world.open_cohort.pk, "job_title": "Head of digital", "answers": []}
    response = client.post(f"{V1}/applications/create/", body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {f"question_{question.pk}": ["Answer this question."]}
    body["answers"] = [{"question": question.pk, "value": "Because."}]
    response = client.post(f"{V1}/applications/create/", body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["state"] == "submitted"
    assert response.json()["applicant"] == person.pk
    again = client.post(f"{V1}/applications/create/", body, format="json")
    assert again.status_code == 400
    assert "already applied" in again.json()["message"]


def test_cannot_apply_to_a_closed_or_hidden_cohort(world, api_as):
    client = api_as(UserFactory())
    body = {"cohort": world.running_a.pk, "job_title": "Lead"}
    response = client.post(f"{V1}/applications/create/", body, format="json")
    assert response.status_code == 400
    assert response.json()["message"] == "This cohort is not taking applications at the moment."
    world.open_cohort.status = "draft"
    world.open_cohort.save(update_fields=["status"])
    body["cohort"] = world.open_cohort.pk
    response = client.post(f"{V1}/applications/create/", body, format="json")
    assert response.json()["errors"] == {"cohort": ["There is no such cohort."]}


def test_reviewers_decide_through_the_cohorts_services(world, api_as):
    url = f"{V1}/applications/{world.application_a.pk}/decide/"
    assert api_as(world.other_facilitator).post(url, {"decision": "accept"}).status_code == 404
    assert api_as(world.sponsor_a).post(url, {"decision": "accept"}).status_code == 404
    assert api_as(world.applicant).post(url, {"decision": "accept"}).status_code == 404
    response = api_as(world.facilitator).post(url, {"decision": "reject"}, format="json")
    assert response.status_code == 400  # a reason is required to turn someone down
    assert "reason" in response.json()["errors"]
    response = api_as(world.facilitator).post(url, {"decision": "accept"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "accepted"
    response = api_as(world.facilitator).post(url, {"decision": "accept"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["decision"]


def test_sponsors_endorse_only_their_organisations_applications(world, api_as):
    world.open_cohort.sponsor_approval_required = True
    world.open_cohort.save(update_fields=["sponsor_approval_required"])
    application = make_application(
        cohort=world.open_cohort,
        applicant=UserFactory(organisation=world.org_a),
        state=Application.State.AWAITING_SPONSOR,
    )
    url = f"{V1}/applications/{application.pk}/endorse/"
    assert api_as(world.sponsor_b).post(url, {"approve": True}).status_code == 404
    assert api_as(world.facilitator).post(url, {"approve": True}).status_code == 404
    response = api_as(world.sponsor_a).post(url, {"approve": True}, format="json")
    assert response.status_code == 200
    assert response.json()["state"] == "in_review"
    assert api_as(world.sponsor_a).post(url, {"approve": True}).status_code == 403


# --- Nominations ---------------------------------------------------------------------


def test_sponsors_see_only_their_organisations_nominees(world, api_as):
    a, b = world.nomination_a.pk, world.nomination_b.pk
    assert ids(api_as(world.sponsor_a).get(f"{V1}/nominations/")) == {a}
    assert api_as(world.sponsor_a).get(f"{V1}/nominations/{b}/").status_code == 404
    assert api_as(world.sponsor_b).get(f"{V1}/nominations/{a}/").status_code == 404
    for user in (world.participant_a, world.facilitator, world.admin):
        assert api_as(user).get(f"{V1}/nominations/").status_code == 403
        assert api_as(user).get(f"{V1}/nominations/{a}/").status_code == 403


def test_sponsors_nominate(world, api_as):
    body = {
        "cohort": world.open_cohort.pk,
        "nominee_name": "Rhys Price",
        "nominee_email": "rhys@example.org",
        "reason": "Leads our digital team.",
    }
    response = api_as(world.sponsor_a).post(f"{V1}/nominations/create/", body, format="json")
    assert response.status_code == 201, response.content
    nomination = Nomination.objects.get(pk=response.json()["id"])
    assert nomination.organisation == world.org_a
    assert api_as(world.participant_a).post(f"{V1}/nominations/create/", body).status_code == 403
    body["cohort"] = world.running_a.pk
    response = api_as(world.sponsor_a).post(f"{V1}/nominations/create/", body, format="json")
    assert response.status_code == 400


# --- Sessions and attendance ---------------------------------------------------------


def test_sessions_by_role(world, api_as):
    a, b = world.session_a.pk, world.session_b.pk
    assert ids(api_as(world.participant_a).get(f"{V1}/sessions/")) == {a}
    assert ids(api_as(world.facilitator).get(f"{V1}/sessions/")) == {a}
    assert ids(api_as(world.admin).get(f"{V1}/sessions/")) == {a, b}
    assert ids(api_as(world.sponsor_a).get(f"{V1}/sessions/")) == set()
    assert api_as(world.participant_a).get(f"{V1}/sessions/{b}/").status_code == 404
    assert api_as(world.participant_a).get(f"{V1}/sessions/{a}/").status_code == 200


def test_registers_are_for_those_who_run_the_session(world, api_as):
    url_a = f"{V1}/sessions/{world.session_a.pk}/attendance/"
    url_b = f"{V1}/sessions/{world.session_b.pk}/attendance/"
    rows = api_as(world.facilitator).get(url_a).json()["results"]
    assert rows == [
        {
            "participant": world.participant_a.pk,
            "participant_name": world.participant_a.full_name,
            "status": "present",
            "recorded_at": rows[0]["recorded_at"],
        }
    ]
    # Another cohort's attendance: not found, to read or to record.
    assert api_as(world.facilitator).get(url_b).status_code == 404
    body = {"marks": [{"participant": world.participant_b.pk, "status": "absent"}]}
    assert api_as(world.facilitator).post(f"{url_b}record/", body, format="json").status_code == 404
    assert api_as(world.participant_a).get(url_a).status_code == 404
    assert api_as(world.sponsor_a).get(url_a).status_code == 404


def test_facilitators_record_attendance(world, api_as):
    url = f"{V1}/sessions/{world.session_a.pk}/attendance/record/"
    body = {"marks": [{"participant": world.participant_a.pk, "status": "late"}]}
    response = api_as(world.facilitator).post(url, body, format="json")
    assert response.status_code == 200
    assert response.json() == {"changed": 1}
    mark = Attendance.objects.get(session=world.session_a, user=world.participant_a)
    assert mark.status == "late"
    assert mark.recorded_by == world.facilitator
    # Someone outside the cohort is refused by the service, in the error shape.
    body = {"marks": [{"participant": world.participant_b.pk, "status": "present"}]}
    response = api_as(world.facilitator).post(url, body, format="json")
    assert response.status_code == 400
    assert response.json()["message"] == "Only the cohort's participants are in its register."


# --- Progress ------------------------------------------------------------------------


def test_own_progress(world, api_as):
    rows = api_as(world.participant_a).get(f"{V1}/progress/").json()["results"]
    running = next(row for row in rows if row["cohort"] == world.running_a.pk)
    assert running["materials_done"] == 1
    assert running["sessions_held"] == 1
    assert running["sessions_attended"] == 1
    assert {row["participant"] for row in rows} == {world.participant_a.pk}


def test_cohort_progress_is_for_its_facilitators(world, api_as):
    url = f"{V1}/cohorts/{world.running_a.pk}/progress/"
    rows = api_as(world.facilitator).get(url).json()["results"]
    assert [row["participant"] for row in rows] == [world.participant_a.pk]
    assert api_as(world.other_facilitator).get(url).status_code == 404
    assert api_as(world.participant_a).get(url).status_code == 404
    assert api_as(world.sponsor_a).get(url).status_code == 404


def test_organisation_progress_is_for_its_sponsors(world, api_as):
    rows = api_as(world.sponsor_a).get(f"{V1}/organisation/progress/").json()["results"]
    assert {row["participant"] for row in rows} == {world.participant_a.pk}
    rows = api_as(world.sponsor_b).get(f"{V1}/organisation/progress/").json()["results"]
    assert {row["participant"] for row in rows} == {world.participant_b.pk}
    assert api_as(world.facilitator).get(f"{V1}/organisation/progress/").status_code == 403


# --- Certificates --------------------------------------------------------------------


def test_certificates_by_role(world, api_as):
    a, b = world.certificate_a.pk, world.certificate_b.pk
    assert ids(api_as(world.participant_a).get(f"{V1}/certificates/")) == {a}
    assert ids(api_as(world.sponsor_a).get(f"{V1}/certificates/")) == {a}
    assert ids(api_as(world.facilitator).get(f"{V1}/certificates/")) == {a}
    assert ids(api_as(world.admin).get(f"{V1}/certificates/")) == {a, b}
    # Someone else's certificate: not found.
    assert api_as(world.participant_a).get(f"{V1}/certificates/{b}/").status_code == 404
    assert api_as(world.sponsor_a).get(f"{V1}/certificates/{b}/").status_code == 404
    assert api_as(world.facilitator).get(f"{V1}/certificates/{b}/").status_code == 404
    assert api_as(world.applicant).get(f"{V1}/certificates/{a}/").status_code == 404


def test_facilitators_revoke_with_a_reason(world, api_as):
    url = f"{V1}/certificates/{world.certificate_a.pk}/revoke/"
    body = {"reason": "issued-in-error", "note": "Wrong cohort."}
    assert api_as(world.participant_a).post(url, body).status_code == 403
    assert api_as(world.other_facilitator).post(url, body).status_code == 404
    response = api_as(world.facilitator).post(url, {"reason": "nonsense"}, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"reason", "note"}
    response = api_as(world.facilitator).post(url, body, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "revoked"
    verify = api_as(None).get(f"{V1}/verify/{world.certificate_a.display_code}/").json()
    assert verify["status"] == "revoked"
    assert verify["revocation_reason"] == "issued-in-error"


def test_facilitators_issue_certificates_of_their_cohorts_only(world, api_as):
    enrolment = CompletedEnrolmentFactory(cohort=world.running_a, user=UserFactory())
    url = f"{V1}/enrolments/{enrolment.pk}/certificate/"
    assert api_as(world.other_facilitator).post(url).status_code == 404
    assert api_as(enrolment.user).post(url).status_code == 404
    response = api_as(world.facilitator).post(url)
    assert response.status_code == 201, response.content
    assert Certificate.objects.filter(enrolment=enrolment).exists()


def test_verification_is_public_and_says_nothing_more(world, api_as):
    code = world.certificate_a.display_code
    response = api_as(None).get(f"{V1}/verify/{code.lower().replace('-', '')}/")
    assert response.status_code == 200
    assert response.json()["code"] == code
    assert response.json()["status"] == "valid"
    assert "holder" not in response.json()
    missing = api_as(None).get(f"{V1}/verify/AAAA-BBBB-CCCC-DDDD/")
    assert missing.status_code == 404
    assert missing.json()["message"].startswith("There is no certificate with this code")
