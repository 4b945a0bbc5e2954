import datetime as dt
import hashlib
import secrets

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from audit.services import audit_record
from core.errors import ApplicationError
from core.tasks import enqueue_on_commit

from .models import Organisation, RoleInvitation

User = get_user_model()
ROLE_INVITATION_DAYS = 14


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


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> tuple[str, str]:
    """A random link token and the hash that is stored in its place."""
    token = secrets.token_urlsafe(32)
    return token, _token_hash(token)


@transaction.atomic
def organisation_save(
    *, organisation: Organisation | None, name: str, sector: str, nation: str, actor
) -> Organisation:
    """Create an organisation (when `organisation` is None) or change one."""
    name = " ".join(name.split())
    clash = Organisation.objects.filter(name__iexact=name)
    if organisation is not None:
        clash = clash.exclude(pk=organisation.pk)
    if clash.exists():
        raise ValidationError({"name": _("There is already an organisation with this name.")})
    before = {}
    if organisation is None:
        organisation = Organisation(name=name, sector=sector, nation=nation)
        organisation.save()
        action = "organisation.created"
    else:
        before = {"name": organisation.name, "sector": organisation.sector,
                  "nation": organisation.nation}  # fmt: skip
        organisation.name, organisation.sector, organisation.nation = name, sector, nation
        organisation.save(update_fields=["name", "sector", "nation"])
        action = "organisation.changed"
    audit_record(
        actor=actor,
        action=action,
        target=organisation,
        before=before,
        after={"name": name, "sector": sector, "nation": nation},
    )
    return organisation


@transaction.atomic
def user_change_role(
    *, user: User, role: str, organisation: Organisation | None, actor, reason: str
) -> User:
    """Give `user` a role (and, for sponsors, the organisation they speak for).

    Recorded in the audit trail with the reason. Raises ApplicationError for a sponsor
    without an organisation, or an admin removing their own admin role.
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    if role == User.Role.SPONSOR and organisation is None:
        raise ApplicationError(_("A sponsor must be the contact of an organisation."))
    if user.pk == actor.pk and user.role == User.Role.ADMIN and role != User.Role.ADMIN:
        raise ApplicationError(_("You cannot remove your own admin role. Ask another admin."))
    before = {"role": user.role, "organisation": user.organisation_id}
    user.role = role
    if organisation is not None or role == User.Role.SPONSOR:
        user.organisation = organisation
    user.is_staff = role == User.Role.ADMIN
    user.is_superuser = role == User.Role.ADMIN
    user.save(update_fields=["role", "organisation", "is_staff", "is_superuser"])
    audit_record(
        actor=actor,
        action="user.role_changed",
        target=user,
        before=before,
        after={"role": user.role, "organisation": user.organisation_id},
        reason=reason,
    )
    return user


@transaction.atomic
def role_invitation_create(
    *, email: str, full_name: str, role: str, organisation: Organisation | None, actor
) -> RoleInvitation:
    """Invite someone to take a role; e-mails them a link that works for 14 days."""
    if role == User.Role.SPONSOR and organisation is None:
        raise ApplicationError(_("A sponsor must be the contact of an organisation."))
    email = normalise_email(email)
    if RoleInvitation.objects.filter(
        email=email, accepted_at=None, withdrawn_at=None, expires_at__gt=timezone.now()
    ).exists():
        raise ApplicationError(_("%(email)s already has an open invitation.") % {"email": email})
    # The link's token is made by the task that sends it, so it never sits in the queue.
    invitation = RoleInvitation.objects.create(
        email=email,
        full_name=full_name.strip(),
        role=role,
        organisation=organisation,
        token_hash=new_token()[1],
        invited_by=actor,
        expires_at=timezone.now() + dt.timedelta(days=ROLE_INVITATION_DAYS),
    )
    audit_record(actor=actor, action="invitation.sent", target=invitation, after={"role": role})
    # Someone without an account yet gets the invitation in the inviting admin's language.
    enqueue_on_commit(
        "accounts.tasks.send_role_invitation", invitation.pk, language=translation.get_language()
    )
    return invitation


def role_invitation_by_token(token: str) -> RoleInvitation | None:
    return (
        RoleInvitation.objects.select_related("organisation", "invited_by")
        .filter(token_hash=_token_hash(token))
        .first()
    )


@transaction.atomic
def role_invitation_accept(*, invitation: RoleInvitation, user: User) -> User:
    """Give the signed-in `user` the invited role. The invitation then stops working."""
    invitation = RoleInvitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_usable:
        raise ApplicationError(_("This invitation has expired or has already been used."))
    if normalise_email(user.email) != invitation.email:
        raise ApplicationError(
            _("This invitation was sent to %(email)s. Sign in with that address to accept it.")
            % {"email": invitation.email}
        )
    user = user_change_role(
        user=user,
        role=invitation.role,
        organisation=invitation.organisation or user.organisation,
        actor=user,
        reason=_("Accepted an invitation"),
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return user


@transaction.atomic
def role_invitation_accept_with_new_account(
    *, invitation: RoleInvitation, full_name: str, password: str, language: str
) -> User:
    """Create the invited person's account and accept. The link proves the address."""
    if User.objects.filter(email=invitation.email).exists():
        raise ApplicationError(_("An account with this address exists: sign in to accept."))
    user = User.objects.create_user(
        email=invitation.email,
        password=password,
        full_name=full_name.strip(),
        preferred_language=language,
        email_confirmed_at=timezone.now(),
    )
    return role_invitation_accept(invitation=invitation, user=user)


@transaction.atomic
def role_invitation_withdraw(*, invitation: RoleInvitation, actor) -> None:
    invitation = RoleInvitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise ApplicationError(_("This invitation has already been accepted."))
    invitation.withdrawn_at = timezone.now()
    invitation.save(update_fields=["withdrawn_at"])
    audit_record(actor=actor, action="invitation.withdrawn", target=invitation)
