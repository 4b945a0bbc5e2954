import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from core.errors import ApplicationError

from .models import ApiToken
from .tokens import token_hash, token_new

# Enough for every integration a person runs; a limit stops a script from piling them up.
MAX_ACTIVE_TOKENS = 20
# Last use is written at most this often, so that busy integrations do not write a row
# on every request.
LAST_USED_PRECISION = dt.timedelta(minutes=1)


@transaction.atomic
def api_token_create(*, user, name: str) -> tuple[ApiToken, str]:
    """Make a token for `user`; returns the row and the token, which is never stored.

    Raises ValidationError for a missing name and ApplicationError past the limit.
    """
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name, such as the system using it.")})
    active = ApiToken.objects.filter(user=user, revoked_at__isnull=True).count()
    if active >= MAX_ACTIVE_TOKENS:
        raise ApplicationError(
            _("You have %(count)d tokens. Revoke one you no longer use first.") % {"count": active}
        )
    raw, prefix = token_new()
    token = ApiToken.objects.create(user=user, name=name, prefix=prefix, token_hash=token_hash(raw))
    audit_record(actor=user, action="api_token.created", target=token, after={"prefix": prefix})
    return token, raw


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor) -> ApiToken:
    """Stop a token from working, at once. Revoking a revoked token changes nothing."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        return token
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(
        actor=actor,
        action="api_token.revoked",
        target=token,
        before={"revoked": False},
        after={"revoked": True},
    )
    return token


def api_token_mark_used(*, token: ApiToken, now: dt.datetime | None = None) -> None:
    """Record that the token was used now (to the minute)."""
    now = now or timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_PRECISION:
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
