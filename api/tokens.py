"""The shape of API tokens: `academy_<prefix>_<secret>`, hashed with SHA-256.

The secret carries 256 bits of randomness, so a fast hash is enough (no password
stretching is needed to resist guessing), and it lets every request be checked cheaply.
"""

import hashlib
import hmac
import secrets

TOKEN_START = "academy_"  # noqa: S105 (the marker every token starts with, not a secret)
PREFIX_BYTES = 6
SECRET_BYTES = 32


def token_new() -> tuple[str, str]:
    """A new token and its prefix."""
    prefix = secrets.token_hex(PREFIX_BYTES)
    return f"{TOKEN_START}{prefix}_{secrets.token_urlsafe(SECRET_BYTES)}", prefix


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_prefix(token: str) -> str | None:
    """The prefix of something that looks like a token, else None."""
    if not token.startswith(TOKEN_START):
        return None
    prefix, _, secret = token.removeprefix(TOKEN_START).partition("_")
    if len(prefix) != PREFIX_BYTES * 2 or not secret:
        return None
    return prefix


def token_matches(token: str, hashed: str) -> bool:
    return hmac.compare_digest(token_hash(token), hashed)
