from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

# Paths an admin may reach before setting up two-factor sign-in.
ALLOWED_PREFIXES = ("/accounts/two-factor/", "/accounts/logout/", "/static/", "/language/")


class AdminTwoFactorMiddleware:
    """Programme admins must sign in with a second factor before using any page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            settings.TWO_FACTOR_REQUIRED_FOR_ADMINS
            and user.is_authenticated
            and user.is_programme_admin
            and not user.is_verified()
            and not request.path.startswith(ALLOWED_PREFIXES)
            and request.path != "/healthz"
        ):
            messages.warning(
                request, _("Programme admins must set up two-factor sign-in to continue.")
            )
            return redirect(reverse("accounts:two-factor-setup"))
        return self.get_response(request)
