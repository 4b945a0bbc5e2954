"""Benchmark: 50 applicants race for 10 places on PostgreSQL.

Fifty threads, each with its own database connection, start and submit an application
to the same open cohort of 10 places at the same moment; each application is then
accepted by the facilitator (again all at once, as several reviewers clicking together)
and the applicant confirms the place offered. Through the real services of
cohorts.services, as the web pages call them. It prints the timings and checks the
outcome: exactly 10 places taken, the other 40 on the waitlist in positions 1 to 40.

The baseline, in the same run, is the same work done by one thread in sequence: the
ratio says how much of the parallel speed the row locks leave.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/scratch python bench/contention.py

The database is migrated; each run adds its own cohort and people. Under a minute.
"""

import argparse
import os
import statistics
import tempfile
import threading
import time
from pathlib import Path

from benchkit import configure, machine

APPLICANTS = 50
PLACES = 10


def make_cohort(tag: str):
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from academy.models import Programme
    from cohorts.models import Cohort

    User = get_user_model()
    programme, _ = Programme.objects.get_or_create(
        slug="contention-bench",
        defaults={"name": "Contention benchmark", "summary": "Bench.", "description": "Bench."},
    )
    facilitator = User.objects.create(
        email=f"facilitator-{tag}@example.net", full_name="Facilitator", role="facilitator"
    )
    cohort = Cohort.objects.create(
        programme=programme,
        title=f"Contention {tag}",
        intake_year=timezone.localdate().year,
        status=Cohort.Status.OPEN,
        capacity=PLACES,
        starts_on=timezone.localdate() + dt.timedelta(days=60),
        applications_open_at=timezone.now() - dt.timedelta(days=1),
        applications_close_at=timezone.now() + dt.timedelta(days=30),
    )
    cohort.facilitators.add(facilitator)
    unusable = make_password(None)
    people = User.objects.bulk_create(
        User(email=f"applicant-{tag}-{n}@example.net", full_name=f"Applicant {n}",
             job_title="Head of digital", password=unusable)
        for n in range(APPLICANTS)
    )  # fmt: skip
    return cohort, facilitator, people


def apply(cohort, person, facilitator, timings: dict, go: threading.Barrier | None):
    """One applicant from the first click to a place or the waitlist."""
    from django.db import connection

    from cohorts import services
    from cohorts.models import Application

    try:
        if go:
            go.wait()
        start = time.perf_counter()
        application = services.application_start(cohort=cohort, applicant=person)
        services.application_submit(application=application)
        submitted = time.perf_counter()
        if go:
            go.wait()  # all reviewers click "accept" together
        decided_start = time.perf_counter()
        application = services.application_accept(application=application, actor=facilitator)
        if application.state == Application.State.ACCEPTED:
            services.application_confirm_place(application=application, actor=person)
        done = time.perf_counter()
        timings["submit"].append(submitted - start)
        timings["decide"].append(done - decided_start)
    finally:
        connection.close()


def run(parallel: bool) -> tuple[float, dict, object]:
    tag = f"{os.getpid()}-{time.monotonic_ns()}"
    cohort, facilitator, people = make_cohort(tag)
    timings = {"submit": [], "decide": []}
    start = time.perf_counter()
    if parallel:
        go = threading.Barrier(APPLICANTS)
        threads = [
            threading.Thread(target=apply, args=(cohort, person, facilitator, timings, go))
            for person in people
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    else:
        for person in people:
            apply(cohort, person, facilitator, timings, None)
    return time.perf_counter() - start, timings, cohort


def check(cohort) -> str:
    from cohorts.models import Application, Cohort, Enrolment

    cohort = Cohort.objects.get(pk=cohort.pk)
    states = Application.objects.filter(cohort=cohort)
    enrolled = Enrolment.objects.filter(cohort=cohort).count()
    holding = states.filter(state__in=["accepted", "enrolled"]).count()
    positions = sorted(
        states.filter(state="waitlisted").values_list("waitlist_position", flat=True)
    )
    problems = []
    if cohort.places_taken != PLACES or holding != PLACES or enrolled != PLACES:
        problems.append(
            f"places taken {cohort.places_taken}, holding {holding}, enrolled {enrolled}"
        )
    if positions != list(range(1, APPLICANTS - PLACES + 1)):
        problems.append(f"waitlist positions {positions}")
    if problems:
        return "WRONG: " + "; ".join(problems)
    return (
        f"correct: {enrolled} enrolled, {len(positions)} waitlisted in positions 1 to "
        f"{len(positions)}, no place oversold"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", "")
    if not url.startswith("postgres"):
        raise SystemExit("Set BENCH_DATABASE_URL to a scratch PostgreSQL database.")
    with tempfile.TemporaryDirectory(prefix="contention-bench-") as folder:
        configure(Path(folder), url)
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        sequential, _, sequential_cohort = run(parallel=False)
        parallel, timings, cohort = run(parallel=True)
        print(f"Machine: {machine()}")
        print(f"{APPLICANTS} applicants, {PLACES} places, real threads through cohorts.services")
        print(f"One after another (baseline): {sequential:6.2f} s  ({check(sequential_cohort)})")
        print(f"All at once, {APPLICANTS} threads:  {parallel:6.2f} s  ({check(cohort)})")
        for step, values in timings.items():
            values.sort()
            print(
                f"  {step:6} per applicant: median {statistics.median(values) * 1000:5.0f} ms, "
                f"p95 {values[int(0.95 * len(values)) - 1] * 1000:5.0f} ms, "
                f"max {values[-1] * 1000:5.0f} ms"
            )
        print(f"Ratio, one after another / all at once: {sequential / parallel:.2f}")


if __name__ == "__main__":
    main()
