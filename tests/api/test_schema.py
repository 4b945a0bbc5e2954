"""The OpenAPI schema: generated without warnings, committed as docs/openapi.yaml, served,
and the API documentation page made from it."""

import html
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import call_command
from django.utils import translation
from drf_spectacular.drainage import GENERATOR_STATS

from api.reference import api_reference, api_schema
from tests.factories.accounts import UserFactory

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"
REGENERATE = (
    "DEMO_MODE=1 python manage.py spectacular --validate --fail-on-warn --file docs/openapi.yaml"
)


def _generate(tmp_path) -> str:
    out = tmp_path / "openapi.yaml"
    GENERATOR_STATS.reset()
    # --fail-on-warn turns any warning or error into a failure of the command. A page an
    # earlier test asked for in Welsh leaves Welsh active in this thread: the schema is
    # committed in the default language, as `manage.py spectacular` makes it.
    with translation.override(settings.LANGUAGE_CODE):
        call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    return out.read_text()


def test_the_schema_is_generated_without_warnings(tmp_path):
    _generate(tmp_path)
    assert not GENERATOR_STATS


def test_the_committed_schema_is_the_generated_one(tmp_path):
    assert SCHEMA_FILE.read_text() == _generate(tmp_path), (
        f"docs/openapi.yaml is out of date with the API. Regenerate it with:\n  {REGENERATE}"
    )


def test_every_operation_documents_the_error_shape():
    schema = yaml.safe_load(SCHEMA_FILE.read_text())
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for status in ("400", "401", "403", "404", "405", "429"):
                assert status in operation["responses"], (path, method, status)


@pytest.mark.parametrize("accept", ["application/vnd.oai.openapi", "application/json"])
def test_the_schema_is_served(client, db, accept):
    response = client.get("/api/schema/", HTTP_ACCEPT=accept)
    assert response.status_code == 200
    assert b"/api/v1/certificates/" in response.content


def test_the_docs_list_every_operation_of_the_schema(client, db):
    schema = api_schema()
    # Paths may break after each slash on a narrow screen.
    page = client.get("/api/docs/").content.decode().replace("<wbr>", "")
    text = html.unescape(page)
    assert schema["paths"]
    for path, operations in schema["paths"].items():
        assert f'<code class="api-path">{path}</code>' in page, path
        for method, operation in operations.items():
            # Each operation has its own anchor, and the contents link to it.
            assert f'href="#{operation["operationId"]}"' in page, operation["operationId"]
            section = page[page.index(f'<h3 id="{operation["operationId"]}"') :]
            assert f">{method.upper()}</span>" in section[:200], (path, method)
            description = operation.get("description", "").split("\n")[0]
            assert description in text, description


def test_the_docs_show_an_operations_parameters_body_and_responses(client, db):
    page = client.get("/api/docs/").content.decode()
    operation = page[page.index('id="sessions_list"') : page.index('id="sessions_retrieve"')]
    # Query parameters in a table: name, where it goes, type, whether required.
    for name in ("cohort", "page_size", "starts_after", "status"):
        assert f'<th scope="row" lang="en"><code>{name}</code></th>' in operation, name
    assert "<td>query</td>" in operation
    assert '<td lang="en"><code>string (date-time)</code></td>' in operation
    assert "Number of results to return per page." in operation
    # The request body's fields come from the component the operation refers to.
    decide = page[page.index('id="applications_decide_create"') :]
    decide = decide[: decide.index('id="applications_endorse_create"')]
    assert '<th scope="row" lang="en"><code>decision</code></th>' in decide
    assert "<code>waitlist</code>" in decide
    # Every status it answers with: its own, and those of the shared error shape.
    assert '<th scope="row">200</th>' in decide
    assert '<th scope="row">400, 401, 403, 404, 405, 429</th>' in decide
    assert "The request was refused" in page
    # The page is the portal's own: its layout, a link to the raw schema and to tokens.
    assert 'href="/api/schema/"' in page
    assert 'href="/accounts/api-tokens/"' in page
    assert 'class="skip-link"' in page


def test_the_docs_are_a_portal_page_without_swagger_ui_or_inline_script(client, db):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "<script>" not in page
    assert "<style" not in page
    assert " style=" not in page
    assert "swagger" not in page.lower()
    assert "sidecar" not in page
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_the_docs_take_the_same_few_queries_signed_in_or_not(client, db, django_assert_num_queries):
    client.get("/api/docs/")  # the reference is built once per process, before counting
    with django_assert_num_queries(0):
        assert client.get("/api/docs/").status_code == 200
    client.force_login(UserFactory())
    # The session and its user, and the session saved again (its idle time starts anew).
    with django_assert_num_queries(5):
        assert client.get("/api/docs/").status_code == 200


def test_the_docs_are_in_welsh_with_the_schemas_english_marked(client, db):
    # Even when the first request of a process is in Welsh, the schema's text is read in
    # English (the committed schema's), not half translated by the catalogue.
    api_reference.cache_clear()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    page = client.get("/api/docs/").content.decode()
    assert "Waiting for sponsor approval" in page
    assert "Yn aros am gymeradwyaeth noddwr" not in page
    assert '<html lang="cy">' in page
    assert "<h1>Dogfennaeth yr API</h1>" in page
    assert '<div class="prose" lang="en">' in page
    assert 'lang="en">Applications</h2>' in page
    assert '<td lang="en"><p>Number of results to return per page.</p></td>' in page
