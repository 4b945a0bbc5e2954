import time

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponseRedirect, JsonResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.http import HttpResponseClientRefresh

from .errors import ApplicationError

# No inline scripts or styles anywhere: htmx is configured through a meta tag and the
# page's own behaviour lives in static/js. The upload views add a stricter policy.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class SecurityHeadersMiddleware:
    """Headers Django's SecurityMiddleware does not set: CSP and Permissions-Policy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"
        )
        if request.path.startswith(f"/{settings.STATIC_URL.strip('/')}/"):
            return response
        # Pages carry personal data: keep them out of shared caches.
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response.headers.setdefault("Cache-Control", "private, no-store")
        return response


class SessionRefreshMiddleware:
    """Moves a session's expiry forward at most once every SESSION_REFRESH_SECONDS.

    Sessions end after SESSION_COOKIE_AGE of inactivity. Saving the session on every
    request (SESSION_SAVE_EVERY_REQUEST) did that with a database write per page view,
    which on SQLite also takes the write lock; saving when the last save is a minute old
    keeps the idle time-out to within a minute and reads most pages without writing.
    """

    KEY = "_refreshed_at"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and not session.is_empty():
            now = int(time.time())
            if now - session.get(self.KEY, 0) >= settings.SESSION_REFRESH_SECONDS:
                session[self.KEY] = now  # modified: SessionMiddleware saves it
        return response


class ApplicationErrorMiddleware:
    """The one place an ApplicationError a view did not handle becomes a response.

    API clients get the JSON error shape, htmx requests a page refresh that shows the
    message, and everyone else the previous page with the message on it. Views that
    show a form catch the error themselves so the form keeps what was typed.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, ApplicationError):
            return None
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"message": exception.message, "errors": exception.extra}, status=400
            )
        messages.error(request, exception.message)
        if getattr(request, "htmx", False):
            return HttpResponseClientRefresh()
        back = request.headers.get("Referer", "")
        if not url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            back = "/"
        return HttpResponseRedirect(back)
