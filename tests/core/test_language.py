import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories.accounts import SponsorFactory, UserFactory


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


SWITCHER = '<form method="post" action="{action}" class="inline-form language-switcher">'
PAGES = {
    None: [
        "academy:home",
        "core:accessibility",
        "core:privacy",
        "accounts:login",
        "accounts:signup",
        "accounts:password-reset",
        "certificates:verify",
    ],
    "participant": [
        "core:dashboard",
        "academy:course-list",
        "scheduling:my-schedule",
        "cohorts:application-list-mine",
        "accounts:profile",
    ],
    "sponsor": ["cohorts:nomination-list", "cohorts:application-list-organisation"],
    "facilitator": ["cohorts-manage:cohort-list", "certificates:cohort-list"],
    "admin": ["academy-manage:programme-list", "people:person-list", "audit:entry-list"],
}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "name"), [(role, name) for role, names in PAGES.items() for name in names]
)
@pytest.mark.parametrize("language", ["en-gb", "cy"])
def test_every_page_offers_the_other_language_and_comes_back_to_itself(
    client, role, name, language
):
    if role == "sponsor":
        client.force_login(SponsorFactory(preferred_language=language))
    elif role:
        client.force_login(UserFactory(role=role, preferred_language=language))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    path = reverse(name)
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}"' in html
    assert SWITCHER.format(action=reverse("core:language")) in html
    assert f'<input type="hidden" name="next" value="{path}">' in html
    other = "en-gb" if language == "cy" else "cy"
    assert f'name="language" value="{other}"' in html
    assert f'name="language" value="{language}"' not in html


@pytest.mark.django_db
def test_the_not_found_page_offers_the_other_language_too(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    html = client.get("/dim-tudalen/").content.decode()
    assert SWITCHER.format(action=reverse("core:language")) in html
    assert 'name="language" value="en-gb"' in html
