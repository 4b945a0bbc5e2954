import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories.accounts import OrganisationFactory, SponsorFactory, UserFactory


@pytest.mark.django_db
def test_profile_needs_sign_in(client):
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.django_db
def test_a_person_updates_their_own_details_and_language(client):
    user = UserFactory()
    organisation = OrganisationFactory()
    client.force_login(user)
    response = client.post(
        reverse("accounts:profile"),
        {
            "full_name": "  Dr Ceri Williams ",
            "job_title": "Head of Digital",
            "organisation": organisation.pk,
            "preferred_language": "cy",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.full_name == "Dr Ceri Williams"
    assert user.organisation == organisation
    assert user.preferred_language == "cy"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "cy"


@pytest.mark.django_db
def test_a_sponsor_cannot_move_themselves_to_another_organisation(client):
    sponsor = SponsorFactory()
    other = OrganisationFactory()
    client.force_login(sponsor)
    response = client.post(
        reverse("accounts:profile"),
        {
            "full_name": sponsor.full_name,
            "job_title": "",
            "organisation": other.pk,
            "preferred_language": "en-gb",
        },
    )
    assert response.status_code == 200
    assert "changed by a programme admin" in response.content.decode()
    sponsor.refresh_from_db()
    assert sponsor.organisation != other
