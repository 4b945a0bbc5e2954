"""Shared by the page benchmarks: settings, a gunicorn on loopback, signed-in sessions,
a small time-bounded load generator, and the machine's description.

The load generator is asyncio on raw sockets (one request per connection, as gunicorn's
sync workers close each connection): light enough to leave the cores to gunicorn.
"""

import asyncio
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def configure(data_dir: Path, database_url: str | None) -> dict:
    """Demo settings in a scratch folder, with the bench-only baseline page turned on."""
    env = {
        "DEMO_MODE": "1",
        "BENCH_VIEWS": "1",
        "DATA_DIR": str(data_dir),
        "EMAIL_FILE_PATH": str(data_dir / "mail"),
        "LOG_LEVEL": "WARNING",
    }
    # BENCH_REDIS_URL: the cache (page cache, rate limits, throttles) on Redis, as a
    # PostgreSQL deployment that scales out would have it; its own key prefix.
    if redis_url := os.environ.get("BENCH_REDIS_URL"):
        env["REDIS_URL"] = redis_url
        env["CACHE_KEY_PREFIX"] = env["TASK_QUEUE_NAME"] = f"bench-{os.getpid()}"
    else:
        os.environ.pop("REDIS_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ.update(env)
    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    return {**os.environ}


def prepare_demo_database():
    """Migrate, collect static files and load the demo data if the database has none."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # the pages' manifest
    if not get_user_model().objects.filter(email="participant@example.org").exists():
        call_command("seed_demo", verbosity=0)
    vacuum_churned_tables()


def vacuum_churned_tables():
    """On PostgreSQL, clear the dead rows that earlier runs left in the tables every
    request rewrites (the cache's rate-limit counters, sessions), as autovacuum would on
    a real server: where autovacuum is off, they pile up from run to run and each cache
    write (which counts the table's rows) gets slower."""
    from django.db import connection

    from core.pagecache import database_cache_table

    if connection.vendor != "postgresql":
        return
    tables = ["django_session"]
    if table := database_cache_table():
        tables.append(table)
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {', '.join(tables)}")


def session_cookie(email: str) -> str:
    """A signed-in session for `email`, as the login view would leave it."""
    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
        load_backend,
    )
    from django.contrib.sessions.backends.db import SessionStore

    user = get_user_model().objects.get(email=email)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = next(  # the one that loads users (axes comes first)
        path for path in settings.AUTHENTICATION_BACKENDS if hasattr(load_backend(path), "get_user")
    )
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Gunicorn:
    def __init__(self, env: dict, workers: int):
        self.port = free_port()
        self.workers = workers
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi", "--workers", str(workers),
             "--bind", f"127.0.0.1:{self.port}", "--log-level", "warning",
             "--backlog", "2048"],
            cwd=BASE_DIR, env=env, stdout=self.log, stderr=subprocess.STDOUT,
        )  # fmt: skip

    def wait_until_up(self, path: str = "/bench/rows/"):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                status, _ = asyncio.run(fetch(self.port, path, ""))
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise SystemExit(f"gunicorn did not start:\n{self.output()[-3000:]}")

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.log.close()


async def fetch(port: int, path: str, cookie: str) -> tuple[int, int]:
    """One GET; returns the status and the body's size."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    headers = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
    if cookie:
        headers += f"Cookie: {cookie}\r\n"
    writer.write((headers + "\r\n").encode())
    await writer.drain()
    data = await reader.read()
    writer.close()
    status = int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/") else 0
    return status, len(data)


@dataclass
class Result:
    requests: int
    errors: int
    seconds: float
    latencies: list[float]

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    def percentile(self, fraction: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] * 1000


def load(port: int, path: str, cookie: str, *, seconds: float, concurrency: int) -> Result:
    """GET `path` from `concurrency` clients for `seconds`; every response must be 200."""

    async def client(deadline: float, latencies: list[float], errors: list[int]):
        while time.perf_counter() < deadline:
            start = time.perf_counter()
            try:
                status, _ = await fetch(port, path, cookie)
            except OSError:
                status = 0
            latencies.append(time.perf_counter() - start)
            if status != 200:
                errors.append(status)

    async def run() -> Result:
        latencies: list[float] = []
        errors: list[int] = []
        start = time.perf_counter()
        deadline = start + seconds
        await asyncio.gather(*(client(deadline, latencies, errors) for _ in range(concurrency)))
        return Result(len(latencies), len(errors), time.perf_counter() - start, latencies)

    return asyncio.run(run())


def machine() -> str:
    import django
    from django.db import connection

    cpu = platform.processor() or platform.machine()
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            database = f"PostgreSQL {cursor.fetchone()[0]}"
        else:
            cursor.execute("SELECT sqlite_version()")
            database = f"SQLite {cursor.fetchone()[0]}"
    load_average = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    return (
        f"{cpu}, {os.cpu_count()} CPUs (load average {load_average}: shared with other "
        f"work); Python {platform.python_version()}, Django {django.get_version()}; {database}; "
        f"cache {'Redis' if os.environ.get('REDIS_URL') else 'in the database'}"
    )
