"""Benchmark: page throughput under gunicorn on loopback, against a bare 20-row page.

Starts `gunicorn config.wsgi` with several sync workers, signs the demo people in, and
for each page in PAGES sends GETs from CONCURRENCY clients for a fixed time. The
baseline, a bare Django view rendering 20 rows in a plain template (/bench/rows/, only
there with BENCH_VIEWS=1 in demo mode), is measured in the same run, before and after
the pages, and each page's rate is printed as a ratio of it (target: at least 0.5).

    python bench/pages.py                    # SQLite with the demo data, in a temporary folder
    BENCH_DATABASE_URL=postgres://…/scratch python bench/pages.py
        # PostgreSQL: migrated, and filled with the demo data if it has none
    BENCH_DATABASE_URL=postgres://…/scratch BENCH_REDIS_URL=redis://127.0.0.1:6379/0 \
        python bench/pages.py    # PostgreSQL, with the cache on Redis
    BENCH_DATABASE_URL=postgres://…/large python bench/pages.py --people generated
        # the generated people (manage.py generate_data): the 200-participant cohort

    python bench/pages.py --writes-per-second 10
        # while another thread commits 10 writes a second: kept pages go stale
    PAGE_CACHE_SECONDS=0 python bench/pages.py
        # every page built for every request, as the first read after a write is

About a minute and a half with the defaults; every page is bounded by --seconds.
"""

import argparse
import asyncio
import contextlib
import json
import os
import tempfile
import threading
from pathlib import Path

from benchkit import (
    Gunicorn,
    configure,
    fetch,
    load,
    machine,
    prepare_demo_database,
    session_cookie,
)

PEOPLE = {
    "demo": {
        "participant": "participant@example.org",
        "facilitator": "facilitator@example.org",
        "sponsor": "sponsor@example.org",
    },
    "generated": {
        "participant": "bench-participant@example.net",
        "facilitator": "bench-facilitator@example.net",
        "sponsor": "bench-sponsor@example.net",
    },
}


def facilitated_cohort(email):
    """The facilitator's running cohort with the most people."""
    from django.db.models import Count

    from cohorts.models import Cohort

    return (
        Cohort.objects.filter(facilitators__email=email, status=Cohort.Status.RUNNING)
        .annotate(people=Count("enrolments"))
        .order_by("-people", "pk")
        .first()
    )


def open_cohort(email):
    """An open cohort the facilitator runs (any open one if none)."""
    from cohorts.models import Cohort

    cohorts = Cohort.objects.filter(status=Cohort.Status.OPEN).order_by("pk")
    return (cohorts.filter(facilitators__email=email).first() or cohorts.first()).pk


def certificate_code(email):
    from certificates.models import Certificate

    return Certificate.objects.filter(enrolment__user__email=email).first().display_code


# The pages measured: (name, who is signed in, the path given the people). Add a page
# by adding a row; `who` is a key of PEOPLE[...] or None for a visitor.
PAGES = [
    ("home", None, lambda people: "/"),
    ("public cohort page", None,
     lambda people: f"/cohorts/{open_cohort(people['facilitator'])}/"),
    ("participant dashboard", "participant", lambda people: "/dashboard/"),
    ("facilitator cohort home", "facilitator",
     lambda people: f"/manage/cohorts/{facilitated_cohort(people['facilitator']).pk}/"),
    ("facilitator application list", "facilitator",
     lambda people: f"/cohorts/{facilitated_cohort(people['facilitator']).pk}/applications/"),
    ("facilitator progress grid", "facilitator",
     lambda people: f"/progress/cohorts/{facilitated_cohort(people['facilitator']).pk}/"),
    ("sponsor organisation progress", "sponsor", lambda people: "/progress/organisation/"),
    ("verify page", None,
     lambda people: f"/verify/{certificate_code(people['participant'])}/"),
    ("API cohort list (anonymous)", None, lambda people: "/api/v1/cohorts/"),
    ("API application list (facilitator)", "facilitator",
     lambda people: "/api/v1/applications/"),
]  # fmt: skip
BASELINE = ("bare 20-row view", None, lambda people: "/bench/rows/")


@contextlib.contextmanager
def writing(per_second: float):
    """While inside: `per_second` committed writes to the portal's data, from another
    thread, as people marking materials or taking a register would make. Each one makes
    every page kept by the page cache stale (core/pagecache.py), so pages are built again."""
    if not per_second:
        yield
        return
    from django.db import connection
    from django.db.models import F

    from accounts.models import Organisation

    stop = threading.Event()

    def write():
        while not stop.wait(1 / per_second):
            Organisation.objects.filter(pk=Organisation.objects.order_by("pk")[:1]).update(
                name=F("name")
            )
            connection.cursor().execute("SELECT 1")  # renews at the next statement
        connection.close()

    thread = threading.Thread(target=write, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def measure(server, pages, people, *, seconds, concurrency) -> list[tuple]:
    """Each page's result, and the baseline's (measured before and after, pooled)."""
    cookies = {who: session_cookie(email) for who, email in people.items()}
    targets = [(name, path(people), cookies[who] if who else "") for name, who, path in pages]
    baseline_path = BASELINE[2](people)
    for _, path, cookie in targets:  # each page once, to warm up and to check it answers
        status, _ = asyncio.run(fetch(server.port, path, cookie))
        if status != 200:  # rate limits are raised under BENCH_VIEWS (RATE_LIMIT_FACTOR)
            raise SystemExit(f"{path} answers {status}:\n{server.output()[-2000:]}")
    before = load(server.port, baseline_path, "", seconds=seconds / 2, concurrency=concurrency)
    results = [
        (name, path, load(server.port, path, cookie, seconds=seconds, concurrency=concurrency))
        for name, path, cookie in targets
    ]
    after = load(server.port, baseline_path, "", seconds=seconds / 2, concurrency=concurrency)
    before.requests += after.requests
    before.errors += after.errors
    before.seconds += after.seconds
    before.latencies += after.latencies
    return [(BASELINE[0], baseline_path, before), *results]


def report(results, *, ratio_to=None) -> None:
    baseline = results[0][2]
    print(f"{'page':32} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
          f"{'× bare':>7} {'errors':>6}")  # fmt: skip
    for name, _path, result in results:
        print(
            f"{name:32} {result.rate:7.1f} {result.percentile(0.5):7.0f} "
            f"{result.percentile(0.95):7.0f} {result.percentile(0.99):7.0f} "
            f"{result.rate / baseline.rate:7.2f} {result.errors:6d}"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (default 3)")
    parser.add_argument("--concurrency", type=int, default=8, help="clients (default 8)")
    parser.add_argument("--seconds", type=float, default=10, help="per page (default 10)")
    parser.add_argument("--people", choices=PEOPLE, default="demo")
    parser.add_argument(
        "--writes-per-second", type=float, default=0,
        help="committed writes to the data while the pages are measured (default 0)",
    )  # fmt: skip
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="pages-bench-") as folder:
        env = configure(Path(folder), os.environ.get("BENCH_DATABASE_URL"))
        prepare_demo_database()
        server = Gunicorn(env, args.workers)
        try:
            server.wait_until_up()
            with writing(args.writes_per_second):
                results = measure(
                    server, PAGES, PEOPLE[args.people],
                    seconds=args.seconds, concurrency=args.concurrency,
                )  # fmt: skip
        finally:
            server.stop()
        from django.conf import settings

        print(f"Machine: {machine()}")
        print(
            f"gunicorn, {args.workers} sync workers; {args.concurrency} clients on loopback; "
            f"{args.seconds:.0f} s per page; {args.people} people; page cache "
            f"{settings.PAGE_CACHE_SECONDS} s; {args.writes_per_second:g} writes/s"
        )
        report(results)
        if args.json:
            figures = {
                name: {"path": path, "rate": result.rate, "p50": result.percentile(0.5),
                       "p95": result.percentile(0.95), "p99": result.percentile(0.99)}
                for name, path, result in results
            }  # fmt: skip
            args.json.write_text(json.dumps({"machine": machine(), "pages": figures}))
        worst = min(result.rate for _, _, result in results[1:]) / results[0][2].rate
        print(f"Lowest ratio to the bare view: {worst:.2f} (target at least 0.50)")


if __name__ == "__main__":
    main()
