"""Rendered pages kept for a minute per person, forgotten at the next write to the data.

The busiest pages (home, the dashboard, the facilitator's cohort pages, the sponsor's
view) are read far more often than anything they show changes. `cached_page` keeps a
page's rendered HTML in the cache under the person, their session, the language and the
address, and serves it again while two things hold:

- no write has been committed to the portal's data since it was rendered: every
  INSERT, UPDATE, DELETE (and any other statement that is not a read) that goes through
  Django's database connections, in the web server or in the task worker, replaces the
  cache's *generation* once its transaction commits, and a page is served only if it was
  stored under the current generation;
- it is younger than PAGE_CACHE_SECONDS, which bounds what changes with the clock
  alone (a module that opens at midnight, "next session").

Writes that nothing on the pages shows do not count: the tables of sessions, of the
cache itself, of the task queue and of the sign-in log, and writes made inside
`writes_unseen()` (a task worker's bookkeeping). A page is never stored when its
request carries a message to show, when it is an htmx request or not a GET, or when its
answer is not a plain 200. The CSRF token in a stored page is replaced by the requester's
own when it is served. Writes made outside Django (psql, COPY) are not seen: call
`generation_renew()` after them, or wait PAGE_CACHE_SECONDS.
"""

import contextlib
import functools
import hashlib
import json
import logging
import re
import secrets
import threading

from django.conf import settings
from django.core.cache import cache
from django.db import connection, connections
from django.http import HttpResponse
from django.middleware.csrf import _unmask_cipher_token, get_token
from rest_framework.generics import ListAPIView
from rest_framework.response import Response

from .middleware import SessionRefreshMiddleware

logger = logging.getLogger(__name__)

GENERATION_KEY = "page-cache:generation"
CSRF_PLACEHOLDER = "\x00csrf-token\x00"
_READS = re.compile(
    r"\s*(SELECT|SAVEPOINT|RELEASE|ROLLBACK|BEGIN|COMMIT|PRAGMA|SET|SHOW|EXPLAIN)\b", re.I
)
_TABLE = re.compile(r'\s*(?:INSERT(?:\s+OR\s+\w+)?\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.I)
_MASKED_TOKEN = re.compile(rb"\b[a-zA-Z0-9]{64}\b")
_renew_failed = threading.Event()
_unseen = threading.local()


def database_cache_table() -> str | None:
    """The cache's table when the cache is in the database (no REDIS_URL), else None."""
    config = settings.CACHES["default"]
    return config["LOCATION"] if config["BACKEND"].endswith("DatabaseCache") else None


def _ignored_tables() -> frozenset[str]:
    """Tables written without changing what any page shows."""
    tables = {"django_session", "django_q_ormq", "django_q_task", "django_q_schedule"}
    tables |= {"axes_accessattempt", "axes_accesslog", "axes_accessfailurelog"}
    if table := database_cache_table():
        tables.add(table)
    return frozenset(tables)


@contextlib.contextmanager
def writes_unseen():
    """Writes made inside this block leave the stored pages as they are.

    For bookkeeping that no page shows and that is followed by a write that does, such
    as a worker claiming a certificate before the commit that records its PDF."""
    outer = getattr(_unseen, "active", False)
    _unseen.active = True
    try:
        yield
    finally:
        _unseen.active = outer


def generation_renew() -> None:
    """Make every stored page stale. A new random value, not an increment: a late write
    of an older value can then never bring back a generation that pages were stored under."""
    try:
        cache.set(GENERATION_KEY, secrets.token_hex(8), None)
    except Exception as error:  # noqa: BLE001 - the cache is down, or not made yet
        if _cache_table_missing():
            return  # the first migrate, before createcachetable: no page was ever kept
        # Stored pages expire within PAGE_CACHE_SECONDS anyway; say so once per process.
        if not _renew_failed.is_set():
            _renew_failed.set()
            logger.warning("Could not renew the page cache's generation: %s", error)


def _cache_table_missing() -> bool:
    table = database_cache_table()
    return table is not None and table not in connection.introspection.table_names()


class WriteWatcher:
    """A database execute wrapper (installed on every connection) that renews the
    generation after each committed write to a table the pages show.

    A write inside a transaction renews when the transaction commits. A write outside
    one has committed once it has run, but its caller may still be reading what it
    returned (INSERT … RETURNING), so the renewal waits for the connection's next
    statement or the end of the request, whichever comes first.
    """

    def __init__(self):
        self.ignored = _ignored_tables()
        self.pending = False

    def __call__(self, execute, sql, params, many, context):
        if not settings.PAGE_CACHE_SECONDS:
            return execute(sql, params, many, context)
        connection = context["connection"]
        if self.pending:
            self.renew_pending(connection)
        result = execute(sql, params, many, context)
        if self._changes_pages(sql):
            if connection.in_atomic_block:
                self.renew_on_commit(connection)
            else:
                self.pending = True
        return result

    def renew_pending(self, connection) -> None:
        if connection.in_atomic_block:  # renewed when this transaction commits (or later)
            self.renew_on_commit(connection)
        else:
            self.pending = False
            generation_renew()

    @staticmethod
    def renew_on_commit(connection) -> None:
        if not any(func is generation_renew for _, func, _ in connection.run_on_commit):
            connection.on_commit(generation_renew)

    def _changes_pages(self, sql: str) -> bool:
        if getattr(_unseen, "active", False) or _READS.match(sql):
            return False
        table = _TABLE.match(sql)
        return table is None or table.group(1) not in self.ignored


def watch_writes(sender, connection, **kwargs) -> None:
    """connection_created receiver: one WriteWatcher per connection."""
    if not any(isinstance(wrapper, WriteWatcher) for wrapper in connection.execute_wrappers):
        connection.execute_wrappers.insert(0, WriteWatcher())


def renew_after_work(sender, **kwargs) -> None:
    """Renew for the last writes outside a transaction of a request (request_finished) or
    of a background task (django-q2's post_execute_in_worker): nothing else would until
    the connection's next statement."""
    for each in connections.all(initialized_only=True):
        for wrapper in each.execute_wrappers:
            if isinstance(wrapper, WriteWatcher) and wrapper.pending:
                wrapper.renew_pending(each)


def _key(kind: str, request, *parts: str) -> str:
    user = getattr(request, "user", None)
    parts = (
        request.get_host(),
        request.scheme,
        request.get_full_path(),
        getattr(request, "LANGUAGE_CODE", ""),
        str(user.pk if user is not None and user.is_authenticated else ""),
        *parts,
    )
    return f"page-cache:{kind}:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def lookup(key: str) -> tuple[str | None, object]:
    """The current generation, and what is stored under `key` if stored under it."""
    found = cache.get_many([GENERATION_KEY, key])
    generation = found.get(GENERATION_KEY)
    if generation is None:  # never set, or evicted: start a new one
        generation_renew()
        generation = cache.get(GENERATION_KEY)
    stored = found.get(key)
    if generation is not None and stored is not None and stored["generation"] == generation:
        return generation, stored["value"]
    return generation, None


def store(key: str, generation: str | None, value) -> None:
    """Keep `value`, built after `generation` was read (never before: see lookup)."""
    if generation is not None:
        cache.set(key, {"generation": generation, "value": value}, settings.PAGE_CACHE_SECONDS)


def _has_messages(request) -> bool:
    """Messages waiting to be shown, or shown by this very page: never cached."""
    storage = getattr(request, "_messages", None)
    return storage is not None and len(storage) > 0  # those in the session and new ones


def _without_csrf_tokens(request, content: bytes) -> bytes:
    """The page with every CSRF token of this request replaced by a placeholder."""
    secret = request.META.get("CSRF_COOKIE")
    if not secret:
        return content
    placeholder = CSRF_PLACEHOLDER.encode()
    return _MASKED_TOKEN.sub(
        lambda m: placeholder if _unmask_cipher_token(m.group().decode()) == secret else m.group(),
        content,
    )


def cached_page(view):
    """Serve `view`'s page from the cache while nothing it shows can have changed.

    The key holds the session's data (but the time of its last refresh), so a page is
    only ever served to the session it was built for, and anything kept in the session
    (a second factor confirmed, a sign-up under way) gives another page."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if (
            not settings.PAGE_CACHE_SECONDS
            or request.method != "GET"
            or getattr(request, "htmx", False)
            or _has_messages(request)
        ):
            return view(request, *args, **kwargs)
        session = {k: v for k, v in request.session.items() if k != SessionRefreshMiddleware.KEY}
        session = json.dumps(session, sort_keys=True, default=str)
        key = _key("html", request, request.headers.get("Accept", ""), session)
        generation, stored = lookup(key)
        if stored is not None:
            token = get_token(request).encode()
            content = stored["content"].replace(CSRF_PLACEHOLDER.encode(), token)
            return HttpResponse(content, headers=stored["headers"])

        response = view(request, *args, **kwargs)
        if hasattr(response, "render"):
            response.render()
        if (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not _has_messages(request)
        ):
            content = _without_csrf_tokens(request, response.content)
            store(key, generation, {"content": content, "headers": dict(response.headers)})
        return response

    return wrapped


# A list endpoint whose pages of results are kept like the pages above, per person,
# address (filters, page) and format. Authentication, permissions and throttling run as
# for any request; only building the results is saved. (A comment, not a docstring: the
# API's documentation would show it for every endpoint without a docstring of its own.)
class CachedListAPIView(ListAPIView):
    def list(self, request, *args, **kwargs):
        if not settings.PAGE_CACHE_SECONDS:
            return super().list(request, *args, **kwargs)
        key = _key("api", request, request.accepted_renderer.format)
        generation, data = lookup(key)
        if data is not None:
            return Response(data)
        response = super().list(request, *args, **kwargs)
        if response.status_code == 200:
            store(key, generation, response.data)
        return response
