import time

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.middleware import SessionRefreshMiddleware
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


def session_saves(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return sum('UPDATE "django_session"' in query["sql"] for query in context.captured_queries)


def test_a_signed_in_session_is_saved_at_most_once_a_minute(client, settings):
    settings.SESSION_REFRESH_SECONDS = 60
    client.force_login(UserFactory())
    url = reverse("core:dashboard")
    assert session_saves(client, url) == 1  # the first page records when
    assert session_saves(client, url) == 0  # within the minute: read, not written
    session = client.session
    session[SessionRefreshMiddleware.KEY] = int(time.time()) - 61
    session.save()
    before = Session.objects.get(session_key=session.session_key).expire_date
    assert session_saves(client, url) == 1  # a minute on: the idle time-out moves
    after = Session.objects.get(session_key=session.session_key).expire_date
    assert after > before


def test_a_visitor_without_a_session_is_not_given_one(client, settings):
    settings.SESSION_REFRESH_SECONDS = 60
    response = client.get(reverse("academy:home"))
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert not Session.objects.exists()
