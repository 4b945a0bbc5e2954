"""Who may do what with API tokens: one function per action."""

from .models import ApiToken


def _active(user) -> bool:
    return user.is_authenticated and user.is_active


def can_manage_api_tokens(user) -> bool:
    """Everyone with an account may make tokens; a token has its owner's rights, no more."""
    return _active(user)


def can_revoke_api_token(user, token: ApiToken) -> bool:
    return _active(user) and token.user_id == user.pk and token.is_active
