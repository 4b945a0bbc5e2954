"""Error pages in the portal's own layout, answering JSON to API clients."""

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def _wants_json(request) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get(
        "Accept", ""
    )


def _error(request, status: int, title: str, message: str, template: str = "error.html"):
    if _wants_json(request):
        return JsonResponse({"message": message, "status": status}, status=status)
    context = {"title": title, "message": message, "status": status}
    return render(request, template, context, status=status)


def bad_request(request, exception=None):
    return _error(request, 400, _("Bad request"), _("The request could not be understood."))


def permission_denied(request, exception=None):
    return _error(
        request, 403, _("Access denied"), _("You do not have permission to see this page.")
    )


def page_not_found(request, exception=None):
    return _error(
        request,
        404,
        _("Page not found"),
        _(
            "If you typed the web address, check it is correct. If you pasted it, check you "
            "copied the entire address."
        ),
    )


def server_error(request):
    # Rendered without the request context: whatever failed may fail again.
    if _wants_json(request):
        return JsonResponse({"message": "Internal server error", "status": 500}, status=500)
    return render(request, "500.html", status=500)
