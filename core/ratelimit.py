"""Fixed-window rate limits kept in the shared cache, for public forms and pages."""

import functools
import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def client_address(request) -> str:
    """The client's address; behind a trusted proxy Django has already rewritten it."""
    return request.META.get("REMOTE_ADDR", "unknown")


def hit(scope: str, key: str, *, limit: int, period: int) -> bool:
    """Count one attempt; False once `limit` attempts were made in this `period` seconds."""
    limit *= settings.RATE_LIMIT_FACTOR  # 1 but in benchmarks (BENCH_VIEWS)
    window = int(time.time() // period)
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    cache_key = f"ratelimit:{scope}:{digest}:{window}"
    # add() sets the counter only if it is new; incr() is atomic on Redis and the DB cache.
    if cache.add(cache_key, 1, timeout=period + 1):
        return True
    try:
        return cache.incr(cache_key) <= limit
    except ValueError:  # expired between add() and incr()
        cache.add(cache_key, 1, timeout=period + 1)
        return True


def rate_limited(scope: str, *, limit: int, period: int, methods=("POST",)):
    """View decorator: past the limit per client address, answer 429 instead of the view."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method in methods and not hit(
                scope, client_address(request), limit=limit, period=period
            ):
                return too_many_requests(request, period)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def too_many_requests(request, retry_after: int):
    message = _("Too many attempts. Wait a few minutes and try again.")
    headers = {"Retry-After": str(retry_after)}
    if request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", ""):
        return JsonResponse({"message": message, "status": 429}, status=429, headers=headers)
    response = render(
        request,
        "error.html",
        {"title": _("Too many attempts"), "message": message, "status": 429},
        status=429,
    )
    response.headers["Retry-After"] = headers["Retry-After"]
    return response
