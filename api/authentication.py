"""`Authorization: Bearer <token>` for the REST API, counted by django-axes.

Wrong tokens count as failed sign-ins for the client address (under the pseudo user
name "api-token", which no e-mail address can be), so guessing tokens locks the client
out just as guessing passwords does; a locked-out client gets 429 until the cool-off ends.
"""

from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth.signals import user_login_failed
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from . import selectors, services

AXES_CREDENTIALS = {"username": "api-token"}


class LockedOut(exceptions.APIException):
    status_code = 429
    default_detail = _("Too many failed attempts to sign in. Wait a few minutes and try again.")
    default_code = "locked_out"


class ApiTokenAuthentication(BaseAuthentication):
    keyword = b"bearer"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None
        http_request = request._request
        if AxesProxyHandler.is_locked(http_request, AXES_CREDENTIALS):
            raise LockedOut
        if len(parts) != 2:
            self._fail(http_request)
        try:
            raw = parts[1].decode("ascii")
        except UnicodeDecodeError:
            self._fail(http_request)
        token = selectors.api_token_for(raw)
        if token is None or not token.user.is_active:
            self._fail(http_request)
        services.api_token_mark_used(token=token)
        return token.user, token

    def _fail(self, http_request):
        user_login_failed.send(
            sender=ApiTokenAuthentication, credentials=AXES_CREDENTIALS, request=http_request
        )
        # The API answers a lockout itself, in its own error shape, instead of letting
        # django-axes' middleware replace the response with the sign-in lockout page.
        locked = getattr(http_request, "axes_locked_out", False)
        http_request.axes_locked_out = False
        if locked:
            raise LockedOut
        raise exceptions.AuthenticationFailed(_("The token is not valid, or has been revoked."))

    def authenticate_header(self, request):
        return 'Bearer realm="api"'
