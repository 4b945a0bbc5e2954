"""Property-based checks of every operation in the committed schema, with a real token.

Schemathesis generates requests from docs/openapi.yaml (kept equal to the generated
schema by test_schema.py) and sends them to the portal in-process; every response must
be no server error and must match the schema: status code, content type, headers, body.
Examples are bounded and derandomised, so the run is short and the same every time.
"""

from pathlib import Path

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import override_settings
from hypothesis import HealthCheck, settings
from rest_framework.test import APIClient
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.factories.api import make_token

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"
# The examples and fuzzing phases, valid and invalid input; the coverage phase's
# exhaustive boundary cases would take minutes per run.
CONFIG = schemathesis.Config.from_dict(
    {"phases": {"coverage": {"enabled": False}}, "generation": {"max-examples": 10}}
)
schema = schemathesis.openapi.from_path(SCHEMA_FILE, config=CONFIG)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# Throttling would only answer 429 (documented, but it hides the operations' own answers).
NO_LIMITS = {
    "anonymous": "100000/minute",
    "token": "100000/minute",
    "verification": "100000/minute",
}


@pytest.fixture
def token_headers(world):
    """A real token of a programme admin, who may reach every object in the world."""
    raw, _ = make_token(world.admin)
    headers = {"Authorization": f"Bearer {raw}"}
    # Every case below is sent with it: make sure it really signs in.
    assert APIClient(headers=headers).get("/api/v1/progress/").status_code == 200
    return headers


class InProcessApp:
    """The portal as a WSGI app that, like Django's test client, leaves the test's database
    connection open at the end of each request (the test's transaction holds the world)."""

    def __init__(self):
        self.handler = WSGIHandler()

    def __call__(self, environ, start_response):
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            response = self.handler(environ, start_response)
            body = b"".join(response)
            response.close()
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)
        return [body]


@pytest.fixture
def app():
    return InProcessApp()


@schema.parametrize()
@settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_conforms_to_the_schema(case, app, token_headers):
    from django.conf import settings as django_settings

    rates = {**django_settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": NO_LIMITS}
    with override_settings(REST_FRAMEWORK=rates):
        case.call_and_validate(app=app, headers=token_headers, checks=CHECKS)
