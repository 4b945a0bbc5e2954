"""One error shape for every refusal, and limits on how fast clients may ask."""

import pytest
from django.test import override_settings

from tests.core.test_settings import PRODUCTION
from tests.core.test_settings import _run as run_manage

V1 = "/api/v1"


def assert_error_shape(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"message", "errors"}
    assert isinstance(body["message"], str)
    assert body["message"]
    return body


def test_field_errors(world, api_as):
    response = api_as(world.sponsor_a).post(
        f"{V1}/nominations/create/", {"cohort": "x", "nominee_email": "no"}, format="json"
    )
    body = assert_error_shape(response, 400)
    assert set(body["errors"]) == {"cohort", "nominee_name", "nominee_email", "reason"}
    assert all(isinstance(m, list) for m in body["errors"].values())


def test_nested_field_errors_are_named_by_path(world, api_as):
    response = api_as(world.facilitator).post(
        f"{V1}/sessions/{world.session_a.pk}/attendance/record/",
        {"marks": [{"participant": 1, "status": "asleep"}]},
        format="json",
    )
    body = assert_error_shape(response, 400)
    assert list(body["errors"]) == ["marks.0.status"]


def test_malformed_json(world, api_as):
    response = api_as(world.participant_a).post(
        f"{V1}/applications/create/", "{not json", content_type="application/json"
    )
    assert_error_shape(response, 400)


def test_application_errors(world, api_as):
    body = {"cohort": world.running_a.pk, "job_title": "Lead"}
    response = api_as(world.participant_b).post(f"{V1}/applications/create/", body, format="json")
    assert_error_shape(response, 400)


def test_not_found_and_method_not_allowed(world, api_as):
    client = api_as(world.participant_a)
    assert_error_shape(client.get(f"{V1}/certificates/999999/"), 404)
    assert_error_shape(client.get(f"{V1}/certificates/not-a-number/"), 404)
    assert_error_shape(client.get("/api/v2/anything/"), 404)
    assert_error_shape(client.get(f"{V1}/certificates/", {"page": 99}), 404)
    response = client.delete(f"{V1}/certificates/")
    assert_error_shape(response, 405)
    assert "GET" in response["Allow"]


def test_forbidden(world, api_as):
    assert_error_shape(api_as(world.participant_a).get(f"{V1}/nominations/"), 403)


def test_unsupported_media_type(world, api_as):
    response = api_as(world.participant_a).post(
        f"{V1}/applications/create/", "cohort=1", content_type="application/x-www-form-urlencoded"
    )
    assert_error_shape(response, 415)


@pytest.mark.parametrize(
    ("scope", "path", "signed_in"),
    [
        ("anonymous", "/programmes/", False),
        ("token", "/progress/", True),
        ("verification", "/verify/AAAA-BBBB-CCCC-DDDD/", False),
    ],
)
def test_throttling(world, api_as, settings, scope, path, signed_in):
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], scope: "2/minute"}
    with override_settings(
        REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    ):
        client = api_as(world.participant_a if signed_in else None)
        statuses = [client.get(f"{V1}{path}").status_code for _ in range(3)]
        response = client.get(f"{V1}{path}")
    assert statuses[2] == 429
    assert_error_shape(response, 429)
    assert int(response["Retry-After"]) > 0


@pytest.mark.parametrize(
    ("moment", "status"),
    [
        ("2026-11-25T10:00:00Z", 200),
        ("0153-02-16T22:46:15-19:42", 200),  # an offset PostgreSQL refuses: sent in UTC
        ("0001-01-01T00:00:00+05:00", 400),  # before year 1 once in UTC
        ("9999-12-31T23:00:00-05:00", 400),  # after year 9999 once in UTC
        ("yesterday", 400),
    ],
)
def test_moments_in_filters(world, api_as, moment, status):
    response = api_as(world.participant_a).get(f"{V1}/sessions/", {"starts_after": moment})
    assert response.status_code == status, response.content
    if status == 400:
        assert list(response.json()["errors"]) == ["starts_after"]


def test_pages_are_limited_to_a_hundred_rows(world, api_as):
    response = api_as(None).get(f"{V1}/cohorts/", {"page_size": 1000})
    assert response.status_code == 200
    assert set(response.json()) == {"count", "next", "previous", "results"}


@pytest.mark.parametrize(
    "name", ["API_THROTTLE_ANONYMOUS", "API_THROTTLE_TOKEN", "API_THROTTLE_VERIFICATION"]
)
def test_a_bad_throttle_rate_stops_the_portal_with_a_clear_message(name):
    result = run_manage(["check"], {**PRODUCTION, name: "5/fortnight"})
    assert result.returncode != 0
    assert name in result.stderr
