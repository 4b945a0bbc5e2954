"""Sponsors: their organisation's applications and nominations, and nothing of anyone
else's; approving or declining; nominating one by one or from a CSV file."""

import datetime as dt
import hashlib
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cohorts import services
from cohorts.models import Application, Nomination
from core.errors import ApplicationError
from tests.factories.accounts import FacilitatorFactory, SponsorFactory, UserFactory
from tests.factories.cohorts import CohortFactory, make_application, make_nomination

State = Application.State
pytestmark = pytest.mark.django_db


@pytest.fixture
def rival():
    """A sponsor of another organisation."""
    return SponsorFactory()


def test_a_sponsor_sees_their_organisations_applications_and_no_one_elses(
    client, cohort, sponsor, rival
):
    ours = make_application(cohort=cohort, organisation=sponsor.organisation, state=State.IN_REVIEW)
    draft = make_application(cohort=cohort, organisation=sponsor.organisation, state=State.DRAFT)
    theirs = make_application(cohort=cohort, organisation=rival.organisation, state=State.IN_REVIEW)
    client.force_login(sponsor)
    html = client.get(reverse("cohorts:application-list-organisation")).content.decode()
    assert ours.applicant.full_name in html
    assert draft.applicant.full_name not in html
    assert theirs.applicant.full_name not in html


def test_a_sponsor_sees_their_organisations_nominations_and_no_one_elses(
    client, cohort, sponsor, rival
):
    ours = make_nomination(cohort=cohort, sponsor=sponsor, nominee_name="Our Person")
    theirs = make_nomination(cohort=cohort, sponsor=rival, nominee_name="Their Person")
    services.nomination_create(
        cohort=CohortFactory(programme__allows_recommendations=True),
        nominee_name="Recommended Person",
        nominee_email="rec@example.org",
        reason="Good.",
        nominated_by=None,
        organisation=sponsor.organisation,
        source=Nomination.Source.RECOMMENDATION,
        recommender_name="A Friend",
    )
    client.force_login(sponsor)
    html = client.get(reverse("cohorts:nomination-list")).content.decode()
    assert ours.nominee_name in html
    assert theirs.nominee_name not in html
    assert "Recommended Person" not in html


def test_other_organisations_objects_are_not_found(client, cohort, sponsor, rival):
    theirs = make_application(
        cohort=cohort, organisation=rival.organisation, state=State.AWAITING_SPONSOR
    )
    nomination = make_nomination(cohort=cohort, sponsor=rival)
    client.force_login(sponsor)
    endorse = reverse("cohorts:application-endorse", kwargs={"pk": theirs.pk})
    assert client.get(endorse).status_code == 404
    assert client.post(endorse, {"decision": "endorse"}).status_code == 404
    for name in ("nomination-resend", "nomination-cancel"):
        url = reverse(f"cohorts:{name}", kwargs={"pk": nomination.pk})
        assert client.post(url).status_code == 404
    theirs.refresh_from_db()
    nomination.refresh_from_db()
    assert theirs.state == State.AWAITING_SPONSOR
    assert nomination.status == Nomination.Status.PENDING


@pytest.mark.parametrize("role", ["participant", "facilitator", "admin"])
def test_sponsor_pages_are_for_sponsors(client, cohort, role):
    client.force_login(UserFactory(role=role))
    for name in ("application-list-organisation", "nomination-list"):
        assert client.get(reverse(f"cohorts:{name}")).status_code == 404
    assert (
        client.get(reverse("cohorts:nomination-create", kwargs={"pk": cohort.pk})).status_code
        == 404
    )


def test_the_sponsor_endorses_and_the_application_goes_to_review(
    client, cohort, sponsor, mailoutbox, django_capture_on_commit_callbacks
):
    application = make_application(
        cohort=cohort, organisation=sponsor.organisation, state=State.AWAITING_SPONSOR
    )
    client.force_login(sponsor)
    url = reverse("cohorts:application-endorse", kwargs={"pk": application.pk})
    assert "Do you support this application?" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"decision": "endorse", "reason": ""}, follow=True)
    assert "You approved" in response.content.decode()
    application.refresh_from_db()
    assert application.state == State.IN_REVIEW
    event = application.events.last()
    assert (event.actor, event.from_state) == (sponsor, State.AWAITING_SPONSOR)
    assert mailoutbox[-1].to == [application.applicant.email]
    assert "being reviewed" in mailoutbox[-1].subject


def test_the_sponsor_declines_with_a_reason(client, cohort, sponsor):
    application = make_application(
        cohort=cohort, organisation=sponsor.organisation, state=State.AWAITING_SPONSOR
    )
    client.force_login(sponsor)
    url = reverse("cohorts:application-endorse", kwargs={"pk": application.pk})
    response = client.post(url, {"decision": "decline", "reason": ""})
    assert response.status_code == 400
    assert "Give a reason" in response.content.decode()
    client.post(url, {"decision": "decline", "reason": "Budget is spent."})
    application.refresh_from_db()
    assert application.state == State.REJECTED
    assert application.events.last().reason == "Budget is spent."
    # Once answered, there is nothing more to decide.
    assert "not waiting for your approval" in client.get(url).content.decode()


def test_a_nomination_sends_a_single_use_link_whose_token_is_stored_hashed(
    client, cohort, sponsor, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(sponsor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("cohorts:nomination-create", kwargs={"pk": cohort.pk}),
            {
                "nominee_name": "Ffion Morgan",
                "nominee_email": "Ffion.Morgan@Example.org",
                "reason": "Leads our inclusion work.",
            },
        )
    assert response.status_code == 302
    nomination = Nomination.objects.get()
    assert (nomination.organisation, nomination.nominated_by) == (sponsor.organisation, sponsor)
    assert nomination.nominee_email == "ffion.morgan@example.org"
    (message,) = mailoutbox
    assert message.to == ["ffion.morgan@example.org"]
    assert "Leads our inclusion work." in message.body
    token = re.search(r"/cohorts/invitations/([0-9a-f]+)/", message.body).group(1)
    assert nomination.token_hash == hashlib.sha256(token.encode()).hexdigest()
    stored = Nomination.objects.filter(pk=nomination.pk).values().get()
    assert token not in str(stored)


def test_nominating_twice_or_someone_who_applied_is_refused(cohort, sponsor):
    make_nomination(cohort=cohort, sponsor=sponsor, email="twice@example.org")
    with pytest.raises(ApplicationError, match="already has an invitation"):
        make_nomination(cohort=cohort, sponsor=sponsor, email="twice@example.org")
    applicant = make_application(cohort=cohort, state=State.SUBMITTED).applicant
    with pytest.raises(ApplicationError, match="already applied"):
        make_nomination(cohort=cohort, sponsor=sponsor, email=applicant.email)


def test_an_expired_invitation_does_not_block_a_new_one(cohort, sponsor):
    old = make_nomination(cohort=cohort, sponsor=sponsor, email="again@example.org")
    Nomination.objects.filter(pk=old.pk).update(expires_at=timezone.now() - dt.timedelta(days=1))
    make_nomination(cohort=cohort, sponsor=sponsor, email="again@example.org")
    old.refresh_from_db()
    assert old.status == Nomination.Status.EXPIRED


def test_only_a_sponsor_nominates_and_only_for_their_organisation(cohort, sponsor, rival):
    with pytest.raises(ApplicationError):
        services.nomination_create(
            cohort=cohort,
            nominee_name="X",
            nominee_email="x@example.org",
            reason="Y",
            nominated_by=sponsor,
            organisation=rival.organisation,
        )
    with pytest.raises(ApplicationError):
        services.nomination_create(
            cohort=cohort,
            nominee_name="X",
            nominee_email="x@example.org",
            reason="Y",
            nominated_by=FacilitatorFactory(),
            organisation=sponsor.organisation,
        )


def test_a_closed_cohort_takes_no_nominations(client, sponsor):
    cohort = CohortFactory(status="closed")
    client.force_login(sponsor)
    url = reverse("cohorts:nomination-create", kwargs={"pk": cohort.pk})
    assert "nobody can be nominated" in client.get(url).content.decode()
    response = client.post(
        url, {"nominee_name": "A", "nominee_email": "a@example.org", "reason": "B"}
    )
    assert response.status_code == 400
    assert not Nomination.objects.exists()


CSV = """name,email,reason
Ffion Morgan,ffion@example.org,Leads inclusion work
,nameless@example.org,No name
Dylan Thomas,not-an-email,Bad address

Gwen Price,gwen@example.org,
Ffion Again,FFION@example.org,Same person twice
Huw Jones,huw@example.org,"Runs our data team,
and mentors others"
Short Row,short@example.org
Already Invited,invited@example.org,Second time
Ann Applied,{applied},Already applied
"""


def test_a_csv_upload_keeps_good_rows_and_reports_each_bad_one_by_line(
    client, cohort, sponsor, mailoutbox, django_capture_on_commit_callbacks
):
    make_nomination(cohort=cohort, sponsor=sponsor, email="invited@example.org")
    applied = make_application(cohort=cohort, state=State.SUBMITTED).applicant
    content = CSV.format(applied=applied.email).encode()
    client.force_login(sponsor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("cohorts:nomination-upload", kwargs={"pk": cohort.pk}),
            {"file": SimpleUploadedFile("people.csv", content, content_type="text/csv")},
        )
    html = response.content.decode()
    assert response.status_code == 200
    assert "2 invitations sent." in html
    created = set(
        Nomination.objects.exclude(nominee_email="invited@example.org").values_list(
            "nominee_email", flat=True
        )
    )
    assert created == {"ffion@example.org", "huw@example.org"}
    assert sorted(m.to[0] for m in mailoutbox) == ["ffion@example.org", "huw@example.org"]
    rows = re.findall(r"<tr><td>(\d+)</td><td>(.*?)</td></tr>", html)
    problems = {int(line): problem for line, problem in rows}
    assert set(problems) == {3, 4, 6, 7, 10, 11, 12}
    assert "Enter their name" in problems[3]
    assert "Enter an email address" in problems[4]
    assert "Say why" in problems[6]
    assert "earlier line" in problems[7]
    assert "Expected 3 columns" in problems[10]
    assert "already has an invitation" in problems[11]
    assert "already applied" in problems[12]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"who,what\nA,b\n", "column names"),
        (b"name,email,reason\n", "no one in it"),
        ("name,email,reason\nS\xf8ren,s@example.org,x\n".encode("latin-1"), "UTF-8"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_as_a_whole(
    client, cohort, sponsor, content, message
):
    client.force_login(sponsor)
    response = client.post(
        reverse("cohorts:nomination-upload", kwargs={"pk": cohort.pk}),
        {"file": SimpleUploadedFile("people.csv", content, content_type="text/csv")},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Nomination.objects.exists()


def test_sending_again_replaces_the_link_and_cancelling_stops_it(
    client, cohort, sponsor, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        nomination = make_nomination(cohort=cohort, sponsor=sponsor)
    first = re.search(r"/cohorts/invitations/\w+/", mailoutbox[0].body).group(0)
    client.force_login(sponsor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("cohorts:nomination-resend", kwargs={"pk": nomination.pk}))
    second = re.search(r"/cohorts/invitations/\w+/", mailoutbox[1].body).group(0)
    assert first != second
    client.logout()
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200

    client.force_login(sponsor)
    client.post(reverse("cohorts:nomination-cancel", kwargs={"pk": nomination.pk}))
    client.logout()
    assert "expired or was cancelled" in client.get(second).content.decode()


@pytest.mark.parametrize("count", [1, 9])
def test_sponsor_lists_queries_do_not_grow(
    client, django_assert_num_queries, cohort, sponsor, count
):
    for index in range(count):
        make_application(
            cohort=CohortFactory(), organisation=sponsor.organisation, state=State.IN_REVIEW
        )
        nomination = make_nomination(cohort=cohort, sponsor=sponsor)
        if index % 2:
            services.nomination_accept(nomination=nomination, user=UserFactory())
    client.force_login(sponsor)
    # Session, user (+ organisation for the heading); awaiting, count, page; session saved (3).
    with django_assert_num_queries(9):
        response = client.get(reverse("cohorts:application-list-organisation"))
    assert response.content.decode().count("<tr>") == count + 1
    # Session, user, organisation; count, page, open cohorts; session saved (3).
    with django_assert_num_queries(9):
        response = client.get(reverse("cohorts:nomination-list"))
    assert response.content.decode().count("<tr>") == count + 1
