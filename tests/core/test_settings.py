import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "SECRET_KEY": "p" * 20 + "roduction-secret-key-with-enough-variety-0123456789",
    "ALLOWED_HOSTS": "academy.example.org",
    "EMAIL_HOST": "smtp.example.org",
    "SITE_URL": "https://academy.example.org",
}


def _run(args, env):
    # Only what a production machine would have: none of the test run's own variables.
    dropped = {*PRODUCTION, "HTTPS", "DEMO_MODE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in dropped}
    return subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_is_clean_with_production_variables():
    result = _run(["check", "--deploy", "--fail-level", "WARNING"], PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "EMAIL_HOST"])
def test_production_refuses_to_start_without_a_required_variable(missing):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    result = _run(["check"], env)
    assert result.returncode != 0
    assert missing in result.stderr


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("TASK_WORKERS", "many"),
        ("DEMO_MODE", "perhaps"),
        ("REDIS_URL", "http://x"),
        ("SESSION_REMINDER_HOURS", "0"),
    ],
)
def test_bad_values_stop_the_portal_with_a_clear_message(name, value):
    result = _run(["check"], {**PRODUCTION, name: value})
    assert result.returncode != 0
    assert name in result.stderr


def test_demo_mode_needs_no_secret_and_sends_mail_to_the_console(tmp_path):
    result = _run(
        ["shell", "-c", "from django.conf import settings; print(settings.EMAIL_BACKEND)"],
        {"DEMO_MODE": "1", "DATA_DIR": str(tmp_path)},
    )
    assert result.returncode == 0, result.stderr
    assert "console" in result.stdout
    assert (tmp_path / "demo-secret-key").exists()
