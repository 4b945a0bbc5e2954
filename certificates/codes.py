"""Verification codes: 80 random bits written as 16 Crockford base32 characters.

Printed in groups of four (`7KQ2-M9XD-4HZB-R0TW`) and read forgivingly: case, spaces and
dashes do not matter, and the letters people confuse with digits (O for 0, I and L for
1) are read as the digits. The alphabet has no I, L, O or U, so a printed code never
contains an ambiguous character.
"""

import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 16  # 16 characters × 5 bits = 80 random bits
GROUP = 4
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—]+")


def code_generate() -> str:
    """A new code in its stored form (16 characters, no dashes)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def code_normalise(text: str) -> str | None:
    """The stored form of a code as someone typed it, or None if it cannot be one."""
    cleaned = _SEPARATORS.sub("", (text or "").strip().upper()).translate(_CONFUSABLE)
    if len(cleaned) != LENGTH or any(character not in ALPHABET for character in cleaned):
        return None
    return cleaned


def code_display(code: str) -> str:
    """The printed form: groups of four separated by dashes."""
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))
