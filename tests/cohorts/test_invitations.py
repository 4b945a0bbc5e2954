"""Invitations from nominations and recommendations: sign in or sign up and come back,
use once, expire; "Recommend someone" without an account, rate-limited."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cohorts import services
from cohorts.models import Application, Nomination
from tests.factories.accounts import PASSWORD, SponsorFactory, UserFactory
from tests.factories.cohorts import CohortFactory, make_nomination

State = Application.State
pytestmark = pytest.mark.django_db


@pytest.fixture
def invitation(cohort, sponsor, django_capture_on_commit_callbacks):
    """A nomination and the path of its invitation link, from the e-mail."""
    with django_capture_on_commit_callbacks(execute=True):
        nomination = make_nomination(cohort=cohort, sponsor=sponsor, email="nia@example.org")
    path = re.search(r"http://[^/]+(/cohorts/invitations/\w+/)", mail.outbox[-1].body).group(1)
    return nomination, path


def test_an_unknown_token_is_not_found(client):
    assert client.get("/cohorts/invitations/not-a-real-token/").status_code == 404


def test_a_visitor_is_offered_sign_in_or_sign_up_coming_back_here(client, invitation):
    nomination, path = invitation
    html = client.get(path).content.decode()
    assert nomination.nominated_by.full_name in html
    assert nomination.reason in html
    assert f'href="/accounts/login/?next={path}"' in html
    assert f'href="/accounts/sign-up/?next={path}"' in html
    response = client.post(path)
    assert response.url == f"{reverse('accounts:login')}?next={path}"


def test_accepting_starts_an_application_linked_to_the_organisation_once(
    client, invitation, sponsor
):
    nomination, path = invitation
    person = UserFactory(organisation=None)
    client.force_login(person)
    response = client.post(path)
    application = Application.objects.get(applicant=person)
    assert response.url == reverse("cohorts:application-edit", kwargs={"pk": application.pk})
    assert application.source == Application.Source.NOMINATED
    assert application.organisation == sponsor.organisation
    nomination.refresh_from_db()
    assert (nomination.status, nomination.used_by, nomination.application) == (
        Nomination.Status.USED,
        person,
        application,
    )
    # The organisation cannot be changed on the form, whatever is posted.
    other = SponsorFactory().organisation
    client.post(response.url, {"action": "submit", "organisation": other.pk, "job_title": "Lead"})
    application.refresh_from_db()
    assert application.organisation == sponsor.organisation
    assert application.state == State.SUBMITTED  # a nomination needs no second approval

    # Single use: nobody else can use the link.
    client.force_login(UserFactory())
    response = client.post(path, follow=True)
    assert "already been used" in response.content.decode()
    assert Application.objects.count() == 1


def test_an_expired_invitation_cannot_be_used(client, invitation):
    nomination, path = invitation
    Nomination.objects.filter(pk=nomination.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    assert "expired or was cancelled" in client.get(path).content.decode()
    client.force_login(UserFactory())
    response = client.post(path, follow=True)
    assert "This invitation has expired" in response.content.decode()
    assert not Application.objects.exists()


def test_a_nominee_with_a_draft_has_the_nomination_linked_to_it(invitation, cohort, sponsor):
    nomination, _path = invitation
    person = UserFactory()
    draft = services.application_start(cohort=cohort, applicant=person)
    application = services.nomination_accept(nomination=nomination, user=person)
    assert application.pk == draft.pk
    assert application.organisation == sponsor.organisation
    assert application.source == Application.Source.NOMINATED


def test_a_new_account_comes_back_to_the_invitation_after_confirming(
    client, invitation, django_capture_on_commit_callbacks
):
    _nomination, path = invitation
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"{reverse('accounts:signup')}?next={path}",
            {
                "full_name": "Nia Nominee",
                "email": "nia@example.org",
                "password": PASSWORD,
                "password_again": PASSWORD,
                "next": path,
            },
        )
    confirm = re.search(r"http://[^/]+(/accounts/confirm/\S+)", mail.outbox[-1].body).group(1)
    response = client.post(confirm)
    assert response.url == f"{reverse('accounts:login')}?next={path.replace('/', '%2F')}"
    response = client.post(
        response.url, {"username": "nia@example.org", "password": PASSWORD, "next": path}
    )
    assert response.url == path


def test_a_next_to_another_site_is_ignored_at_sign_up(client):
    html = client.get(f"{reverse('accounts:signup')}?next=https://evil.example.com/").content
    assert b'name="next" value="https://evil.example.com/"' not in html


@pytest.fixture
def open_to_recommendations():
    return CohortFactory(programme__allows_recommendations=True)


RECOMMENDATION = {
    "recommender_name": "Jo Parry",
    "recommender_email": "jo@example.org",
    "nominee_name": "Leila Hassan",
    "nominee_email": "leila@example.org",
    "organisation": "",
    "reason": "Mentors junior developers.",
}


def test_anyone_can_recommend_someone_who_gets_an_invitation(
    client, open_to_recommendations, mailoutbox, django_capture_on_commit_callbacks
):
    url = reverse("cohorts:recommendation-create", kwargs={"pk": open_to_recommendations.pk})
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, RECOMMENDATION, follow=True)
    assert "We have sent Leila Hassan an invitation" in response.content.decode()
    nomination = Nomination.objects.get()
    assert nomination.source == Nomination.Source.RECOMMENDATION
    assert nomination.nominated_by is None
    (message,) = mailoutbox
    assert message.to == ["leila@example.org"]
    assert "Jo Parry has recommended you" in message.body


def test_a_recommended_application_naming_an_organisation_needs_its_sponsor(
    open_to_recommendations,
):
    open_to_recommendations.sponsor_approval_required = True
    open_to_recommendations.save()
    sponsor = SponsorFactory()
    nomination = services.nomination_create(
        cohort=open_to_recommendations,
        nominee_name="Leila",
        nominee_email="leila@example.org",
        reason="Good.",
        nominated_by=None,
        organisation=sponsor.organisation,
        source=Nomination.Source.RECOMMENDATION,
        recommender_name="Jo",
    )
    person = UserFactory()
    application = services.nomination_accept(nomination=nomination, user=person)
    assert application.source == Application.Source.RECOMMENDED
    services.application_update_draft(
        application=application,
        organisation=sponsor.organisation,
        job_title="Lead",
        answers={},
    )
    application = services.application_submit(application=application)
    assert application.state == State.AWAITING_SPONSOR


def test_recommendations_are_rate_limited(client, open_to_recommendations):
    url = reverse("cohorts:recommendation-create", kwargs={"pk": open_to_recommendations.pk})
    codes = [
        client.post(url, {**RECOMMENDATION, "nominee_email": f"p{i}@example.org"}).status_code
        for i in range(6)
    ]
    assert codes == [302] * 5 + [429]
    assert Nomination.objects.count() == 5


def test_a_programme_without_recommendations_has_no_form(client, cohort):
    url = reverse("cohorts:recommendation-create", kwargs={"pk": cohort.pk})
    assert client.get(url).status_code == 404
    assert client.post(url, RECOMMENDATION).status_code == 404
