import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories.accounts import UserFactory


@pytest.mark.django_db
def test_switching_language_sets_a_cookie_and_returns_to_the_page(client):
    response = client.post(reverse("core:language"), {"language": "cy", "next": "/privacy/"})
    assert response.status_code == 302
    assert response.url == "/privacy/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "cy"
    page = client.get("/privacy/")
    assert 'lang="cy"' in page.content.decode()


@pytest.mark.django_db
def test_switching_language_is_remembered_in_the_profile(client):
    user = UserFactory()
    client.force_login(user)
    client.post(reverse("core:language"), {"language": "cy", "next": "/"})
    user.refresh_from_db()
    assert user.preferred_language == "cy"


@pytest.mark.django_db
def test_signing_in_restores_the_persons_language(client):
    user = UserFactory(preferred_language="cy")
    response = client.post(
        reverse("accounts:login"), {"username": user.email, "password": "a-long-test-password-42"}
    )
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "cy"


@pytest.mark.django_db
def test_an_unknown_language_or_an_outside_address_is_refused(client):
    assert client.post(reverse("core:language"), {"language": "fr"}).status_code == 400
    response = client.post(
        reverse("core:language"), {"language": "cy", "next": "https://evil.example.com/"}
    )
    assert response.url == "/"


@pytest.mark.django_db
def test_language_switch_needs_a_post(client):
    assert client.get(reverse("core:language")).status_code == 405
