"""Benchmark: certificates for a cohort of 200, through the real task worker.

Issues the certificates of a cohort whose 200 participants have all completed, as a
facilitator's "issue to the whole cohort" does, with `manage.py qcluster` running in a
subprocess (TASK_WORKERS processes). Then, in the same run, renders the same HTML in a
bare loop calling WeasyPrint, and prints both rates and their ratio: what the queue,
database, storage and e-mail cost on top of WeasyPrint itself. It does this for three
cohorts in turn (--rounds), worker and bare loop alternating, and reports the median
round, so that a moment when the machine is slower weighs on both sides.

    python bench/certificates_bulk.py                # SQLite in a temporary folder
    python bench/certificates_bulk.py --workers 1    # one worker process
    BENCH_DATABASE_URL=postgres://…/scratch BENCH_REDIS_URL=redis://…/0 \
        python bench/certificates_bulk.py
        # PostgreSQL and Redis: a scratch database that the benchmark may fill (it is
        # migrated); the task queue gets a name of its own on the Redis

It finishes in two minutes on two cores and gives up after 8 minutes of rendering.
"""

import argparse
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
COHORT_SIZE = 200
TIMEOUT = 8 * 60


def configure(data_dir: Path, workers: int) -> dict:
    """Environment for this process and the worker: demo settings in a scratch folder."""
    env = {
        "DEMO_MODE": "1",
        "DATA_DIR": str(data_dir),
        "EMAIL_FILE_PATH": str(data_dir / "mail"),
        "TASK_WORKERS": str(workers),
        "TASK_QUEUE_NAME": f"bench-{os.getpid()}",
        "LOG_LEVEL": "WARNING",
    }
    if url := os.environ.get("BENCH_DATABASE_URL"):
        env["DATABASE_URL"] = url
    else:
        os.environ.pop("DATABASE_URL", None)
    if url := os.environ.get("BENCH_REDIS_URL"):
        env["REDIS_URL"] = url
    else:
        os.environ.pop("REDIS_URL", None)
    os.environ.update(env)
    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    return {**os.environ}


def make_cohort(round_number: int):
    """A programme, a cohort and 200 people who have all completed it."""
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from academy.models import Programme
    from cohorts.models import Cohort, Enrolment

    User = get_user_model()
    stamp = f"{time.strftime('%Y%m%d%H%M%S')}-{round_number}"
    unusable = make_password(None)  # nobody signs in, and no time goes on hashing
    programme, _ = Programme.objects.get_or_create(
        slug="leadership-academy",
        defaults={
            "name": "Leadership Academy",
            "summary": "Benchmark programme.",
            "description": "Benchmark programme.",
            "certificate_design": "leadership-academy",
        },
    )
    cohort = Cohort.objects.create(
        programme=programme,
        title=f"Benchmark cohort {stamp}",
        intake_year=timezone.localdate().year,
        status=Cohort.Status.COMPLETED,
        capacity=COHORT_SIZE,
        places_taken=COHORT_SIZE,
    )
    people = User.objects.bulk_create(
        User(email=f"bench-{stamp}-{n}@example.org", full_name=f"Participant Number {n}",
             password=unusable)
        for n in range(COHORT_SIZE)
    )  # fmt: skip
    completed_on = timezone.localdate() - dt.timedelta(days=1)
    Enrolment.objects.bulk_create(
        Enrolment(
            cohort=cohort,
            user=person,
            status=Enrolment.Status.COMPLETED,
            completed_on=completed_on,
        )
        for person in people
    )
    return cohort


def emails_sent(mail_dir: Path) -> int:
    """Messages in the file backend's folder (several may share a file)."""
    if not mail_dir.exists():
        return 0
    return sum(
        path.read_text(errors="replace").count("\nSubject: ") for path in mail_dir.glob("*.log")
    )


class Worker:
    def __init__(self, env: dict):
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "qcluster"],
            cwd=BASE_DIR,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def wait_until_up(self):
        from django_q.conf import Conf
        from django_q.status import Stat

        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            if any(stat.status in (Conf.IDLE, Conf.WORKING) for stat in Stat.get_all()):
                return
            time.sleep(0.2)
        raise SystemExit(f"The task worker did not start:\n{self.output()[-3000:]}")

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.log.close()


def through_the_worker(cohort, env, mail_dir: Path) -> dict:
    """Seconds from "issue to the whole cohort" to the last certificate made and the last
    e-mail sent, and to the first certificate (the workers' start-up included)."""
    from django.db import transaction
    from django.db.models import Max, Min

    from certificates import services
    from certificates.models import Certificate, CertificateBatch

    emails_before = emails_sent(mail_dir)
    worker = Worker(env)
    try:
        worker.wait_until_up()
        started = time.perf_counter()
        with transaction.atomic():
            batch = services.certificate_batch_create(cohort=cohort, requested_by=None)
        while True:
            batch = CertificateBatch.objects.get(pk=batch.pk)
            if batch.is_finished:
                break
            if time.perf_counter() - started > TIMEOUT:
                raise SystemExit(
                    f"Gave up after {TIMEOUT} s: {batch.issued_count} of {batch.total} made.\n"
                    + worker.output()[-3000:]
                )
            time.sleep(0.5)
        made = time.perf_counter() - started
        while emails_sent(mail_dir) < emails_before + COHORT_SIZE:
            if time.perf_counter() - started > TIMEOUT:
                raise SystemExit(f"Gave up waiting for the e-mails.\n{worker.output()[-3000:]}")
            time.sleep(0.2)
        emailed = time.perf_counter() - started
    finally:
        worker.stop()
    if batch.issued_count != COHORT_SIZE:
        raise SystemExit(f"Only {batch.issued_count} of {COHORT_SIZE} certificates were made.")
    certificates = Certificate.objects.filter(batch=batch)
    span = certificates.aggregate(first=Min("rendered_at"), last=Max("rendered_at"))
    # A group of certificates is saved at one time: the steady rate counts those made
    # after the first group, over the time from it to the last.
    return {
        "made": made,
        "emailed": emailed,
        "first": (span["first"] - batch.created_at).total_seconds(),
        "steady": (span["last"] - span["first"]).total_seconds(),
        "after_first": certificates.filter(rendered_at__gt=span["first"]).count(),
    }


def bare_weasyprint(cohort) -> tuple[float, float]:
    """Seconds to render the same 200 certificates' HTML with WeasyPrint in a loop, and
    the seconds it took to load WeasyPrint, fonts and stylesheets first, as a worker does."""
    from certificates.documents import certificate_document
    from certificates.models import Certificate

    documents = [
        certificate_document(certificate)
        for certificate in Certificate.objects.filter(enrolment__cohort=cohort)
    ]
    from certificates.pdf import render_pdf
    from certificates.tasks import worker_ready

    start = time.perf_counter()
    worker_ready(sender=None)  # as a worker process starts: WeasyPrint loaded, gc.freeze()
    warm_up = time.perf_counter() - start
    start = time.perf_counter()
    for document in documents:
        render_pdf(document.html, design=document.design)
    return time.perf_counter() - start, warm_up


def services_in_process(cohort) -> float:
    """Seconds to re-render the 200 certificates by calling the render service in a loop:
    WeasyPrint plus the HTML, QR code, database and storage work, without the queue."""
    from django.db.models import F

    from certificates import services
    from certificates.models import Certificate
    from certificates.pdf import render_pdf

    certificates = Certificate.objects.filter(enrolment__cohort=cohort)
    certificates.update(revision=F("revision") + 1, render_attempts=0)
    ids = list(certificates.values_list("pk", flat=True))
    start = time.perf_counter()
    for certificate_id in ids:
        outcome = services.certificate_render(
            certificate_id=certificate_id, renderer=render_pdf, notify_holder=False
        )
        if outcome != "re-issued":
            raise SystemExit(f"Certificate {certificate_id} was not re-rendered: {outcome}")
    return time.perf_counter() - start


def machine() -> str:
    import django
    import weasyprint
    from django.db import connection

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        memory_kb = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
        memory = f"{memory_kb / 1024 / 1024:.0f} GiB"
    except OSError:
        memory = "unknown"
    return (
        f"{cpu}, {os.cpu_count()} cores, {memory} memory; {platform.system()} "
        f"{platform.release()}; Python {platform.python_version()}, Django "
        f"{django.get_version()}, WeasyPrint {weasyprint.__version__}; database "
        f"{connection.vendor}, task broker {'Redis' if os.environ.get('REDIS_URL') else 'ORM'}"
    )


def median_round(rounds: list[dict]) -> dict:
    return sorted(rounds, key=lambda each: each["per_worker"])[len(rounds) // 2]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--rounds", type=int, default=3, help="cohorts in turn (default 3)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="certificates-bench-") as folder:
        env = configure(Path(folder), args.workers)
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        call_command("createcachetable", verbosity=0)
        processes = f"{args.workers} worker process{'es' if args.workers > 1 else ''}"
        print(f"Machine: {machine()}")
        print(
            f"Cohorts of {COHORT_SIZE}, design leadership-academy, PDF/UA-1, {processes}, "
            f"{args.rounds} rounds"
        )
        rounds = []
        for number in range(1, args.rounds + 1):
            cohort = make_cohort(number)
            worker = through_the_worker(cohort, env, Path(folder) / "mail")
            bare, warm_up = bare_weasyprint(cohort)
            steady_rate = worker["after_first"] / worker["steady"]
            bare_rate = COHORT_SIZE / bare
            rounds.append(
                {
                    **worker,
                    "bare": bare,
                    "warm_up": warm_up,
                    "per_worker": steady_rate / args.workers / bare_rate,
                }
            )
            print(
                f"Round {number}: worker first to last PDF {worker['steady']:5.1f} s, bare loop "
                f"{bare:5.1f} s; per worker / bare {rounds[-1]['per_worker']:.2f}"
            )
        in_process = services_in_process(cohort)

        median = median_round(rounds)
        rate = COHORT_SIZE / median["emailed"]
        steady_rate = median["after_first"] / median["steady"]
        bare_rate = COHORT_SIZE / median["bare"]
        print("Median round:")
        print(
            f"Through the worker, click to last e-mail:  {median['emailed']:6.1f} s "
            f"{rate:6.1f} certificates/s (all PDFs made at {median['made']:.1f} s; "
            f"first at {median['first']:.1f} s, start-up included)"
        )
        print(
            f"Through the worker, first to last PDF:     {median['steady']:6.1f} s "
            f"{steady_rate:6.1f} certificates/s"
        )
        print(
            f"Bare WeasyPrint loop, 1 process, same HTML: {median['bare']:6.1f} s "
            f"{bare_rate:6.1f} certificates/s (loading {rounds[0]['warm_up']:.1f} s, "
            "not counted)"
        )
        print(
            f"Render service in a loop, 1 process:        {in_process:6.1f} s "
            f"{COHORT_SIZE / in_process:6.1f} certificates/s (no queue, no e-mail; last "
            "round's cohort)"
        )
        print(f"Ratio, worker (click to last e-mail) / bare loop: {rate / bare_rate:.2f}")
        print(f"Ratio, worker (first to last PDF) / bare loop:    {steady_rate / bare_rate:.2f}")
        service_ratio = rounds[-1]["bare"] / in_process  # the round it ran after
        print(f"Ratio, render service in a loop / last bare loop: {service_ratio:.2f}")
        each = ", ".join(f"{r['per_worker']:.2f}" for r in rounds)
        print(
            f"Per worker process, steady / {args.workers} / bare loop: "
            f"{median['per_worker']:.2f} (rounds: {each}; target at least 0.8; it needs a "
            "free core per worker)"
        )


if __name__ == "__main__":
    main()
