"""Request limits for the API, with rates read from settings when a request comes.

Signed-in use (a token or the browser session) is counted per person; anonymous use
and certificate verification per client address.
"""

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle


class _RatesFromSettings:
    def get_rate(self):
        return settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"][self.scope]


class AnonymousThrottle(_RatesFromSettings, AnonRateThrottle):
    scope = "anonymous"


class TokenThrottle(_RatesFromSettings, UserRateThrottle):
    scope = "token"

    def get_cache_key(self, request, view):
        # Anonymous requests are AnonymousThrottle's to count.
        if not request.user or not request.user.is_authenticated:
            return None
        return super().get_cache_key(request, view)


class VerificationThrottle(_RatesFromSettings, SimpleRateThrottle):
    """Public look-ups of certificate codes: limited per address, signed in or not."""

    scope = "verification"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
