import pytest


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Certificate PDFs of each test go to its own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """These tests make many accounts and sign in with force_login: hash cheaply."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def queued(monkeypatch):
    """The tasks queued, (name, *arguments) each, recorded instead of sent to the queue."""
    tasks = []
    monkeypatch.setattr("core.tasks.async_task", lambda *args, **kwargs: tasks.append(args))
    return tasks
