import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.validators import PredictablePasswordValidator
from tests.factories.accounts import PASSWORD, AdminFactory, UserFactory


def _sign_in(client, email, password=PASSWORD):
    return client.post(reverse("accounts:login"), {"username": email, "password": password})


def _code(device) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@pytest.mark.django_db
def test_repeated_wrong_passwords_lock_the_account_from_that_client(client, settings):
    user = UserFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _sign_in(client, user.email, "wrong-password").status_code == 200
    response = _sign_in(client, user.email, "wrong-password")
    assert response.status_code == 429
    assert "Sign-in paused" in response.content.decode()
    # Even the right password is refused during the cool-off.
    assert _sign_in(client, user.email).status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_the_lockout_counts_the_address_whatever_its_case(client, settings):
    user = UserFactory(email="case@example.org")
    for index in range(settings.AXES_FAILURE_LIMIT):
        email = "CASE@example.org" if index % 2 else "case@example.org"
        _sign_in(client, email, "wrong-password")
    assert _sign_in(client, user.email).status_code == 429


@pytest.mark.django_db
def test_a_successful_sign_in_resets_the_failure_count(client, settings):
    user = UserFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _sign_in(client, user.email, "wrong-password")
    assert _sign_in(client, user.email).status_code == 302
    client.post(reverse("accounts:logout"))
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _sign_in(client, user.email, "wrong-password").status_code == 200


@pytest.mark.django_db
def test_signing_in_rotates_the_session_key(client):
    user = UserFactory()
    client.get(reverse("accounts:login"))
    client.session.save()
    before = client.session.session_key
    _sign_in(client, user.email)
    assert client.session.session_key != before


@pytest.mark.django_db
def test_setting_up_two_factor_needs_a_right_code(client, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    user = UserFactory()
    client.force_login(user)
    page = client.get(reverse("accounts:two-factor-setup"))
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=user)
    assert not device.confirmed
    response = client.post(reverse("accounts:two-factor-setup"), {"code": "000000"})
    assert response.status_code == 200
    device.refresh_from_db()
    assert not device.confirmed
    response = client.post(reverse("accounts:two-factor-setup"), {"code": _code(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed


@pytest.mark.django_db
def test_with_two_factor_the_password_alone_does_not_sign_in(client, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # no back-off after the deliberate wrong code
    user = UserFactory()
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    response = _sign_in(client, user.email)
    assert response.url == reverse("accounts:two-factor-verify")
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("core:dashboard")).status_code == 302

    response = client.post(reverse("accounts:two-factor-verify"), {"code": "123456"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session

    response = client.post(reverse("accounts:two-factor-verify"), {"code": _code(device)})
    assert response.status_code == 302
    assert client.get(reverse("core:dashboard")).status_code == 200


@pytest.mark.django_db
def test_the_code_step_cannot_be_reached_without_the_password(client):
    response = client.get(reverse("accounts:two-factor-verify"))
    assert response.status_code == 302
    assert response.url == reverse("accounts:login")


@pytest.mark.django_db
def test_admins_must_set_up_two_factor_when_required(client, settings):
    settings.TWO_FACTOR_REQUIRED_FOR_ADMINS = True
    admin = AdminFactory()
    _sign_in(client, admin.email)
    response = client.get(reverse("core:dashboard"))
    assert response.status_code == 302
    assert response.url == reverse("accounts:two-factor-setup")
    assert client.get("/back-office/").url == reverse("accounts:two-factor-setup")

    client.get(reverse("accounts:two-factor-setup"))
    device = TOTPDevice.objects.get(user=admin)
    client.post(reverse("accounts:two-factor-setup"), {"code": _code(device)})
    assert client.get(reverse("core:dashboard")).status_code == 200
    # And they cannot turn it off again.
    response = client.post(reverse("accounts:two-factor-remove"), {"code": _code(device)})
    assert TOTPDevice.objects.filter(user=admin).exists()
    assert response.status_code == 302


@pytest.mark.django_db
def test_participants_may_turn_two_factor_off_with_a_code(client, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    user = UserFactory()
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    client.force_login(user)
    client.post(reverse("accounts:two-factor-remove"), {"code": "000000"})
    assert TOTPDevice.objects.filter(user=user).exists()
    client.post(reverse("accounts:two-factor-remove"), {"code": _code(device)})
    assert not TOTPDevice.objects.filter(user=user).exists()


@pytest.mark.parametrize(
    "password",
    ["Academy2026!", "password!!", "Summer2026", "october-26", "aaaa-bbbb-cccc", "xx12345yy"],
)
def test_predictable_passwords_are_refused(password):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        PredictablePasswordValidator().validate(password)


@pytest.mark.parametrize("password", ["river-lantern-mosaic-7", "academy-demo", "Tŷ-Coch-bridge"])
def test_ordinary_passphrases_are_accepted(password):
    PredictablePasswordValidator().validate(password)
