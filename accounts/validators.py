import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Words people build passwords around for this kind of service.
SERVICE_WORDS = {"academy", "portal", "password", "passw0rd", "welcome", "letmein", "qwerty",
                 "leadership", "council", "digital", "admin", "changeme"}  # fmt: skip
SEASONS_AND_MONTHS = (
    "spring|summer|autumn|winter|january|february|march|april|may|june|july|august|"
    "september|october|november|december"
)
SEQUENCES = "abcdefghijklmnopqrstuvwxyz 01234567890 qwertyuiop asdfghjkl zxcvbnm"


class PredictablePasswordValidator:
    """Refuses the patterns that breached-password lists are full of.

    Django's own validators catch the 20,000 most common passwords; this catches
    their variations: a service word with digits and symbols around it, a season and a
    year, and runs of repeated or consecutive characters.
    """

    def validate(self, password, user=None):
        lowered = password.lower()
        core = re.sub(r"[^a-z]", "", lowered)
        if core in SERVICE_WORDS:
            raise ValidationError(
                _("This password is a common word with numbers or symbols added."),
                code="password_predictable",
            )
        if re.fullmatch(rf"({SEASONS_AND_MONTHS})[^a-z]*\d{{2,4}}[^a-z]*", lowered):
            raise ValidationError(
                _("This password is a season or month with a year: easy to guess."),
                code="password_predictable",
            )
        if re.search(r"(.)\1{3,}", lowered) or self._has_run(lowered):
            raise ValidationError(
                _("This password has a run of repeated or consecutive characters."),
                code="password_predictable",
            )

    @staticmethod
    def _has_run(text: str, length: int = 5) -> bool:
        return any(
            text[i : i + length] in SEQUENCES or text[i : i + length][::-1] in SEQUENCES
            for i in range(len(text) - length + 1)
        )

    def get_help_text(self):
        return _("Your password cannot be a common word or date with numbers added.")
