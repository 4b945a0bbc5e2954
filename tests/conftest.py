import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from django.test import override_settings
from django_q.conf import Conf
from django_q.status import Stat

BASE_DIR = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session", autouse=True)
def _test_settings():
    """Settings every test shares.

    Static files come from the finders (the manifest exists only after collectstatic),
    and on a shared Redis each test process keeps its own keys and task queue.
    """
    overrides = {
        # Factories hash a password for every person; Argon2 would make large cohorts slow.
        "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
        # Every signed-in request saves its session, so that the query counts compared
        # across two requests do not depend on the clock (tests/core/test_sessions.py
        # checks the once-a-minute refresh itself).
        "SESSION_REFRESH_SECONDS": 0,
        # Test transactions never commit, so pages would never go stale: the page cache
        # has tests of its own (tests/core/test_page_cache.py) and the browser journeys.
        "PAGE_CACHE_SECONDS": 0,
        # Uploads of every test land in a folder of their own, never in DATA_DIR.
        "MEDIA_ROOT": tempfile.mkdtemp(prefix="academy-test-media-"),
        "STORAGES": {
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    }
    name = f"academy-test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}-{os.getpid()}"
    from django.conf import settings

    if settings.REDIS_URL:
        caches = {"default": {**settings.CACHES["default"], "KEY_PREFIX": name}}
        overrides["CACHES"] = caches
        Conf.PREFIX = Conf.CLUSTER_NAME = name
        Conf.Q_STAT = f"django_q:{name}:cluster"
    os.environ["TASK_QUEUE_NAME"] = Conf.PREFIX
    os.environ["CACHE_KEY_PREFIX"] = name if settings.REDIS_URL else "academy"
    with override_settings(**overrides):
        yield


def _commits(request) -> bool:
    """Whether the test's writes really commit (no transaction rolled back after it)."""
    marker = request.node.get_closest_marker("django_db")
    return bool(marker and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & set(request.fixturenames)
    )


@pytest.fixture(autouse=True)
def _fresh_cache(request, django_db_blocker):
    """Every test starts with an empty cache: no rate-limit counter or kept page of another.

    Redis keys carry this test process's prefix and are deleted after each test. The
    database cache rolls back with the test's transaction, except when the test commits:
    then the table is emptied first (the flush after such a test leaves it alone).
    """
    from django.conf import settings

    from core.pagecache import database_cache_table

    if database_cache_table() and _commits(request):
        from django.core.cache import cache

        request.getfixturevalue("django_db_setup")
        with django_db_blocker.unblock():
            cache.clear()
    yield
    if settings.REDIS_URL:
        import redis

        client = redis.from_url(settings.REDIS_URL)
        prefix = settings.CACHES["default"]["KEY_PREFIX"]
        for key in client.scan_iter(f"{prefix}:*"):
            client.delete(key)


@pytest.fixture(autouse=True)
def _tasks_run_inline(monkeypatch):
    """Background tasks run inside the request unless a test starts a real worker."""
    monkeypatch.setattr(Conf, "SYNC", True)


def _database_url() -> str:
    """A URL for the test database, for processes started by a test."""
    from django.db import connection

    settings_dict = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(settings_dict['NAME']).resolve()}"
    user = settings_dict["USER"] or ""
    password = f":{settings_dict['PASSWORD']}" if settings_dict["PASSWORD"] else ""
    host = settings_dict["HOST"] or "127.0.0.1"
    port = settings_dict["PORT"] or 5432
    return f"postgres://{user}{password}@{host}:{port}/{settings_dict['NAME']}"


class TaskWorker:
    """A real django-q2 cluster (`manage.py qcluster`) running in a subprocess."""

    def __init__(self, mail_dir: Path):
        self.process = None
        self.mail_dir = mail_dir

    def start(self, timeout: float = 60, **extra_env: str):
        env = {
            **os.environ,
            **extra_env,
            "DATABASE_URL": _database_url(),
            "TASK_WORKERS": "1",
            "EMAIL_FILE_PATH": str(self.mail_dir),
        }
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - the fixture closes it
        self.process = subprocess.Popen(  # noqa: S603 - our own manage.py
            [sys.executable, "manage.py", "qcluster"],
            cwd=BASE_DIR,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            # Its own process group, so that stopping or killing it reaches its workers.
            start_new_session=True,
        )
        self.wait_for(
            lambda: self.is_up() or self.process.poll() is not None, timeout, "the worker"
        )
        if self.process.poll() is not None:
            raise AssertionError(f"The task worker did not start:\n{self.output()[-3000:]}")

    def is_up(self) -> bool:
        return any(stat.status in (Conf.IDLE, Conf.WORKING) for stat in Stat.get_all())

    def wait_for(self, condition, timeout: float, what: str):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return
            time.sleep(0.2)
        raise AssertionError(f"Timed out waiting for {what}. Worker:\n{self.output()[-3000:]}")

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def sent_mail(self) -> str:
        """Everything the worker has sent, as the raw messages."""
        return "".join(path.read_text() for path in sorted(self.mail_dir.glob("*.log")))

    def stop(self):
        if self.process and self.process.poll() is None:
            # As a service manager stops it: the cluster's own process stops its workers.
            # (SIGTERM to every process of the group at once left it waiting 30 s.)
            self.process.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=30)
        if self.process:
            self.kill()  # whatever of the group is left

    def kill(self):
        """What a power cut does: every process of the cluster dies at once."""
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            return
        self.process.wait()


@pytest.fixture
def task_worker(transactional_db, monkeypatch, tmp_path):
    """Tasks go through the real queue to a real worker process on the test database."""
    monkeypatch.setattr(Conf, "SYNC", False)
    worker = TaskWorker(tmp_path / "mail")
    worker.start()
    yield worker
    worker.stop()
    worker.log.close()
