import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from tests.factories.accounts import PASSWORD, UserFactory

User = get_user_model()
SIGNUP = {
    "full_name": "Ceri Williams",
    "email": "Ceri.Williams@Example.org",
    "password": "river-lantern-mosaic-7",
    "password_again": "river-lantern-mosaic-7",
}


def _link_from(message) -> str:
    return re.search(r"http://\S+", message.body).group(0).removeprefix("http://127.0.0.1:8000")


@pytest.fixture
def signed_up(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:signup"), SIGNUP)
    assert response.status_code == 302
    assert response.url == reverse("accounts:signup-done")
    return User.objects.get(email="ceri.williams@example.org")


@pytest.mark.django_db
def test_sign_up_creates_an_unconfirmed_account_and_emails_a_link(signed_up):
    assert signed_up.full_name == "Ceri Williams"
    assert not signed_up.email_confirmed
    assert signed_up.check_password(SIGNUP["password"])
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ceri.williams@example.org"]
    assert "/accounts/confirm/" in message.body
    # Both a plain-text and an HTML part.
    assert message.alternatives[0].mimetype == "text/html"


@pytest.mark.django_db
def test_confirming_takes_a_post_and_then_the_person_can_sign_in(client, signed_up):
    link = _link_from(mail.outbox[0])
    page = client.get(link)
    assert page.status_code == 200
    assert not User.objects.get(pk=signed_up.pk).email_confirmed  # GET changes nothing

    response = client.post(link)
    assert response.status_code == 302
    assert User.objects.get(pk=signed_up.pk).email_confirmed

    # The link is single-use.
    assert client.post(link).status_code == 400

    response = client.post(
        reverse("accounts:login"), {"username": SIGNUP["email"], "password": SIGNUP["password"]}
    )
    assert response.status_code == 302
    assert client.get(reverse("core:dashboard")).status_code == 200


@pytest.mark.django_db
def test_an_unconfirmed_account_cannot_sign_in_and_gets_a_new_link(
    client, signed_up, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:login"),
            {"username": SIGNUP["email"], "password": SIGNUP["password"]},
        )
    assert response.status_code == 200
    assert "Confirm your email address before signing in" in response.content.decode()
    assert len(mail.outbox) == 2
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_tampered_confirmation_link_is_refused(client, signed_up):
    link = _link_from(mail.outbox[0])
    bad = link[:-3] + ("aaa" if not link.endswith("aaa/") else "bbb") + "/"
    assert client.post(bad).status_code == 400
    assert not User.objects.get(pk=signed_up.pk).email_confirmed


@pytest.mark.django_db
def test_an_address_can_only_have_one_account_whatever_its_case(client):
    UserFactory(email="taken@example.org")
    response = client.post(reverse("accounts:signup"), {**SIGNUP, "email": "TAKEN@example.org"})
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert User.objects.filter(email="taken@example.org").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short", "too short"),
        ("password123", "too common"),
        ("12345678901234", "entirely numeric"),
    ],
)
def test_weak_passwords_are_refused_with_a_reason(client, password, message):
    data = {**SIGNUP, "password": password, "password_again": password}
    response = client.post(reverse("accounts:signup"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_mismatched_passwords_are_refused(client):
    response = client.post(reverse("accounts:signup"), {**SIGNUP, "password_again": "other"})
    assert "The two passwords do not match." in response.content.decode()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_wrong_password_gives_one_message_that_does_not_reveal_the_account(client):
    UserFactory(email="known@example.org")
    for email in ("known@example.org", "unknown@example.org"):
        response = client.post(
            reverse("accounts:login"), {"username": email, "password": "not-the-password"}
        )
        assert "The email address or password is not right." in response.content.decode()


@pytest.mark.django_db
def test_sign_in_form_has_email_and_password_labels(client):
    html = client.get(reverse("accounts:login")).content.decode()
    assert re.search(r'<label for="id_username">Email</label>', html)
    assert re.search(r'<label for="id_password">Password</label>', html)


@pytest.mark.django_db
def test_sign_out_needs_a_post(client):
    user = UserFactory()
    client.force_login(user)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_password_reset_sends_a_working_single_use_link(client, django_capture_on_commit_callbacks):
    user = UserFactory(email="forgetful@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:password-reset"), {"email": "Forgetful@example.org"}
        )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = _link_from(mail.outbox[0])
    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"]
    new = "harbour-kettle-violet-9"
    response = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new)
    assert not client.get(link, follow=True).context["validlink"]


@pytest.mark.django_db
def test_password_reset_answers_the_same_for_an_unknown_address(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:password-reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert response.url == reverse("accounts:password-reset-done")
    assert mail.outbox == []


@pytest.mark.django_db
def test_password_change_requires_the_old_password(client):
    user = UserFactory()
    client.force_login(user)
    new = "meadow-copper-signal-3"
    response = client.post(
        reverse("accounts:password-change"),
        {"old_password": "wrong", "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    response = client.post(
        reverse("accounts:password-change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new)


@pytest.mark.django_db
def test_public_account_forms_are_rate_limited_per_client(client):
    for _ in range(10):
        assert (
            client.post(reverse("accounts:password-reset"), {"email": "x@example.org"}).status_code
            == 302
        )
    assert (
        client.post(reverse("accounts:password-reset"), {"email": "x@example.org"}).status_code
        == 429
    )
    # The limit is shared by the forms that send e-mail.
    assert client.post(reverse("accounts:signup"), SIGNUP).status_code == 429
    assert not User.objects.exists()
