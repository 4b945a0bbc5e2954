"""The OpenAPI schema: generated without warnings, committed as docs/openapi.yaml, served."""

from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from drf_spectacular.drainage import GENERATOR_STATS

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"
REGENERATE = (
    "DEMO_MODE=1 python manage.py spectacular --validate --fail-on-warn --file docs/openapi.yaml"
)


def _generate(tmp_path) -> str:
    out = tmp_path / "openapi.yaml"
    GENERATOR_STATS.reset()
    # --fail-on-warn turns any warning or error into a failure of the command.
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


def test_the_docs_come_from_local_files_and_need_no_inline_script(client, db):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>" not in html
    assert "<style" not in html
    assert "cdn" not in html.lower()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "script-src 'self'" in response["Content-Security-Policy"]
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "/api/schema/" in script.content.decode()
