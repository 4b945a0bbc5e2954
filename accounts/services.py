from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.tasks import enqueue_on_commit

from .models import Organisation

User = get_user_model()


def normalise_email(email: str) -> str:
    return email.strip().lower()


@transaction.atomic
def user_sign_up(*, email: str, full_name: str, password: str, language: str) -> User:
    """Create an unconfirmed participant account and e-mail a confirmation link.

    Raises ValidationError on `email` when the address is taken.
    """
    email = normalise_email(email)
    if User.objects.filter(email=email).exists():
        raise ValidationError({"email": _("An account with this email address already exists.")})
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                email=email,
                password=password,
                full_name=full_name.strip(),
                preferred_language=language,
            )
    except IntegrityError:
        # Two sign-ups with the same address at once: the database's unique index wins.
        raise ValidationError(
            {"email": _("An account with this email address already exists.")}
        ) from None
    user_send_confirmation(user=user)
    return user


def user_send_confirmation(*, user: User) -> None:
    """Queue a confirmation e-mail; harmless for an address already confirmed."""
    if not user.email_confirmed:
        enqueue_on_commit("accounts.tasks.send_email_confirmation", user.pk)


@transaction.atomic
def user_confirm_email(*, user: User) -> bool:
    """Mark the address confirmed. Returns False if it already was."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.email_confirmed:
        return False
    user.email_confirmed_at = timezone.now()
    user.save(update_fields=["email_confirmed_at"])
    return True


@transaction.atomic
def user_update_profile(
    *,
    user: User,
    full_name: str,
    job_title: str,
    organisation: Organisation | None,
    preferred_language: str,
) -> User:
    """Save the fields a person may change about themselves."""
    if user.is_sponsor and organisation != user.organisation:
        raise ValidationError(
            {"organisation": _("A sponsor's organisation is changed by a programme admin.")}
        )
    user.full_name = full_name.strip()
    user.job_title = job_title.strip()
    user.organisation = organisation
    user.preferred_language = preferred_language
    user.save(update_fields=["full_name", "job_title", "organisation", "preferred_language"])
    return user


def user_set_language(*, user: User, language: str) -> None:
    if user.preferred_language != language:
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])
