"""Two-factor sign-in with an authenticator app (TOTP, RFC 6238) via django-otp."""

import base64

from django.db import transaction
from django.utils.translation import gettext as _
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from core import qrcodes
from core.errors import ApplicationError

DEVICE_NAME = "Authenticator app"


def has_two_factor(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


@transaction.atomic
def two_factor_device_start(*, user) -> TOTPDevice:
    """The unconfirmed device being set up, made once and reused until confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


@transaction.atomic
def two_factor_device_confirm(*, user, token: str) -> TOTPDevice:
    """Confirm the device being set up with a code from the app.

    Raises ApplicationError when the code is wrong (or throttled after failures).
    """
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
    if device is None or not device.verify_token(token.replace(" ", "")):
        raise ApplicationError(
            _("That code is not right. Check the time on your phone and try again.")
        )
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    return device


@transaction.atomic
def two_factor_remove(*, user, token: str) -> None:
    if match_token(user, token.replace(" ", "")) is None:
        raise ApplicationError(_("That code is not right."))
    TOTPDevice.objects.filter(user=user).delete()


def verify(user, token: str):
    """The confirmed device that accepts this code, or None."""
    return match_token(user, token.replace(" ", ""))


def secret_for_display(device: TOTPDevice) -> str:
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(device: TOTPDevice) -> str:
    return qrcodes.qr_svg(device.config_url, scale=5, title=_("QR code for your authenticator app"))
