import json

from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.http import HttpResponse
from django.test import RequestFactory

from core.errors import ApplicationError
from core.middleware import ApplicationErrorMiddleware


def _request(path, **headers):
    request = RequestFactory().post(path, headers=headers)
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    request.htmx = "HX-Request" in headers
    return request


def _handle(request):
    middleware = ApplicationErrorMiddleware(lambda r: HttpResponse())
    return middleware.process_exception(request, ApplicationError("Cohort is full", {"a": 1}))


def test_api_requests_get_the_json_error_shape():
    response = _handle(_request("/api/v1/things/"))
    assert response.status_code == 400
    assert json.loads(response.content) == {"message": "Cohort is full", "errors": {"a": 1}}


def test_pages_go_back_with_the_message():
    request = _request("/cohorts/1/apply/", Referer="http://testserver/cohorts/1/")
    response = _handle(request)
    assert response.status_code == 302
    assert response.url == "http://testserver/cohorts/1/"
    assert [str(m) for m in request._messages] == ["Cohort is full"]


def test_a_referer_from_another_site_is_not_followed():
    response = _handle(_request("/x/", Referer="https://evil.example.com/"))
    assert response.url == "/"


def test_htmx_requests_refresh_to_show_the_message():
    response = _handle(_request("/x/", **{"HX-Request": "true"}))
    assert response.headers["HX-Refresh"] == "true"


def test_other_exceptions_are_left_alone():
    middleware = ApplicationErrorMiddleware(lambda r: HttpResponse())
    assert middleware.process_exception(_request("/x/"), ValueError("boom")) is None
