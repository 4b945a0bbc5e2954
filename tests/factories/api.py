from api.services import api_token_create

from .accounts import UserFactory


def make_token(user=None, name="Integration") -> tuple[str, object]:
    """A real token for `user` (made through the service); returns the token and its row."""
    token, raw = api_token_create(user=user or UserFactory(), name=name)
    return raw, token
