import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from core.generate import BENCH_EMAILS, PASSWORD, Generator


class Command(BaseCommand):
    help = (
        "Fill the database with a large generated dataset for benchmarks: at --scale 1.0, "
        "100,000 people, 500 organisations, 2,000 cohorts, 40,000 sessions, 5 million "
        "progress records and 10,000 certificates. Run it on an empty (migrated) database "
        "or one holding only the demo data; the same --seed gives the same rows."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
        parser.add_argument(
            "--scale", type=float, default=1.0, help="fraction of the full size (default 1.0)"
        )

    def handle(self, *args, seed, scale, **options):
        if not 0 < scale <= 10:
            raise CommandError("--scale must be more than 0 and at most 10.")
        started = time.perf_counter()
        self.stdout.write(f"Generating at scale {scale} with seed {seed} on {connection.vendor}:")
        generator = Generator(seed=seed, scale=scale, log=self.stdout.write)
        try:
            counts = generator.run()
        except ValueError as error:
            raise CommandError(str(error)) from None
        elapsed = time.perf_counter() - started
        for label, count in counts.items():
            self.stdout.write(f"  {label}: {count:,} rows")
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {sum(counts.values()):,} rows in {elapsed:.1f} s. Accounts "
                f"{', '.join(BENCH_EMAILS.values())} (password {PASSWORD!r})."
            )
        )
