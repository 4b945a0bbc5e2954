from django.db.models import QuerySet

from .models import ApiToken
from .tokens import token_matches, token_prefix


def api_token_list_for_user(user) -> QuerySet[ApiToken]:
    """A person's tokens, active ones first, newest first."""
    return ApiToken.objects.filter(user=user).order_by("revoked_at", "-created_at", "-pk")


def api_token_for(raw: str) -> ApiToken | None:
    """The active token `raw` is, with its owner, or None. Compares hashes in constant time."""
    prefix = token_prefix(raw)
    if prefix is None:
        return None
    token = (
        ApiToken.objects.filter(prefix=prefix, revoked_at__isnull=True)
        .select_related("user")
        .first()
    )
    if token is None or not token_matches(raw, token.token_hash):
        return None
    return token
