from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from core.emails import send_templated_email

from .tokens import email_confirmation_token

User = get_user_model()


def _link(user, generator, url_name: str) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse(url_name, kwargs={"uidb64": uid, "token": generator.make_token(user)})


def send_email_confirmation(user_id: int) -> None:
    user = User.objects.filter(pk=user_id, email_confirmed_at__isnull=True).first()
    if user is None:  # confirmed (or deleted) since the task was queued
        return
    send_templated_email(
        to=user.email,
        template="account_confirm",
        context={"user": user, "path": _link(user, email_confirmation_token, "accounts:confirm")},
        language=user.preferred_language,
    )


def send_password_reset(user_id: int) -> None:
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return
    send_templated_email(
        to=user.email,
        template="password_reset",
        context={
            "user": user,
            "path": _link(user, default_token_generator, "accounts:password-reset-confirm"),
        },
        language=user.preferred_language,
    )


@transaction.atomic
def send_role_invitation(invitation_id: int, language: str | None = None) -> None:
    """E-mail the invitation link once; a retry after a failed send makes a new link.

    In the invitee's own language if they have an account, otherwise in `language` (the
    inviting admin's).
    """
    from .models import RoleInvitation
    from .services import new_token

    invitation = (
        RoleInvitation.objects.select_for_update(of=("self",))
        .filter(pk=invitation_id, sent_at=None)
        .select_related("organisation")
        .first()
    )
    if invitation is None or not invitation.is_usable:
        return
    token, invitation.token_hash = new_token()
    existing = User.objects.filter(email=invitation.email).first()
    # Sent while the row is locked: if sending fails, nothing is saved and a retry
    # sends a fresh link; once saved, running again sends nothing.
    send_templated_email(
        to=invitation.email,
        template="role_invitation",
        context={
            "invitation": invitation,
            "path": reverse("accounts:invitation", kwargs={"token": token}),
        },
        language=existing.preferred_language if existing else language,
    )
    invitation.sent_at = timezone.now()
    invitation.save(update_fields=["token_hash", "sent_at"])
