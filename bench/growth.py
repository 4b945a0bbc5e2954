"""Benchmark: the same pages on the small demo data and on the large generated dataset.

Runs bench/pages.py under gunicorn on PostgreSQL on a database holding only
the demo data and on one holding the demo data plus `manage.py generate_data` (100,000
people, 2,000 cohorts, 5 million progress records) — signed in as the same demo people,
so each page shows the same thing and only the size of the tables differs. Prints each
page's p95 on both and the ratio (target: at most 1.5), with the bare 20-row view's as
the same-run baseline.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/small \\
      BENCH_LARGE_DATABASE_URL=postgres://postgres@127.0.0.1:5432/large python bench/growth.py

Both databases are migrated; the small one gets the demo data if it has none, the large
one the demo data and the generated dataset if it has no generated data (under a minute
on two quiet cores, about 6 on busy ones; once). Each database is measured twice,
alternating (small, large, small, large), and each page's best round is kept, so a
moment of load on the machine does not pass for growth. A run takes about 8 minutes.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent


def prepare_large(url: str) -> None:
    """Demo data and the generated dataset, unless they are there already."""
    env = {**os.environ, "DEMO_MODE": "1", "DATABASE_URL": url}
    env.pop("REDIS_URL", None)
    code = (
        "from django.contrib.auth import get_user_model as g;"
        "print(g().objects.filter(email='bench-admin@example.net').exists())"
    )
    manage = [sys.executable, str(HERE.parent / "manage.py")]
    with tempfile.TemporaryDirectory(prefix="growth-bench-") as folder:
        env["DATA_DIR"] = folder
        subprocess.run([*manage, "migrate", "-v0"], env=env, check=True)
        found = subprocess.run(
            [*manage, "shell", "-c", code], env=env, check=True, capture_output=True, text=True
        )
        if found.stdout.split()[-1:] != ["True"]:  # the shell may print a banner first
            subprocess.run([*manage, "seed_demo"], env=env, check=True)
            subprocess.run([*manage, "generate_data", "--scale", "1"], env=env, check=True)


def measure(url: str, seconds: float, folder: Path, label: str) -> dict:
    out = folder / f"{label}.json"
    env = {**os.environ, "BENCH_DATABASE_URL": url}
    subprocess.run(
        [sys.executable, str(HERE / "pages.py"), "--seconds", str(seconds), "--json", str(out)],
        env=env, check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    return json.loads(out.read_text())


def best(runs: list[dict]) -> dict:
    """Each page's lowest p95 and highest rate over the rounds: the machine's noise only
    ever slows a run down, so the best round is the closest to what the page costs."""
    pages = {
        name: {
            "p95": min(run["pages"][name]["p95"] for run in runs),
            "rate": max(run["pages"][name]["rate"] for run in runs),
        }
        for name in runs[0]["pages"]
    }
    return {"machine": runs[-1]["machine"], "pages": pages}


def rows(url: str) -> str:
    import psycopg

    with psycopg.connect(url) as connection:
        return ", ".join(
            f"{table} {connection.execute(f'SELECT count(*) FROM {table}').fetchone()[0]:,}"  # noqa: S608
            for table in ("accounts_user", "cohorts_cohort", "academy_materialprogress",
                          "scheduling_attendance", "certificates_certificate")
        )  # fmt: skip


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=8, help="per page (default 8)")
    parser.add_argument(
        "--rounds", type=int, default=2, help="runs on each database, alternating (default 2)"
    )
    args = parser.parse_args()
    small = os.environ.get("BENCH_DATABASE_URL", "")
    large = os.environ.get("BENCH_LARGE_DATABASE_URL", "")
    if not (small.startswith("postgres") and large.startswith("postgres")) or small == large:
        raise SystemExit("Set BENCH_DATABASE_URL and BENCH_LARGE_DATABASE_URL to two databases.")
    prepare_large(large)
    runs = {"small": [], "large": []}
    with tempfile.TemporaryDirectory(prefix="growth-bench-") as folder:
        for round_ in range(args.rounds):  # small, large, small, large: drift hits both
            for label, url in (("small", small), ("large", large)):
                runs[label].append(measure(url, args.seconds, Path(folder), f"{label}{round_}"))
    before, after = best(runs["small"]), best(runs["large"])
    print(f"Machine: {after['machine']}")
    print(f"Small: {rows(small)}")
    print(f"Large: {rows(large)}")
    print(
        "gunicorn, 3 sync workers, 8 clients on loopback, the demo people on both; "
        f"{args.rounds} rounds, each page's best round on each database"
    )
    print(f"{'page':32} {'small p95':>10} {'large p95':>10} {'ratio':>6} {'small /s':>9} "
          f"{'large /s':>9}")  # fmt: skip
    worst = 0.0
    for index, (name, figures) in enumerate(before["pages"].items()):
        large_figures = after["pages"][name]
        ratio = large_figures["p95"] / figures["p95"]
        if index:  # the first row is the bare view: how much the machine itself moved
            worst = max(worst, ratio)
        print(
            f"{name:32} {figures['p95']:8.0f}ms {large_figures['p95']:8.0f}ms {ratio:6.2f} "
            f"{figures['rate']:9.1f} {large_figures['rate']:9.1f}"
        )
    print(f"Highest p95 ratio of a page, large / small: {worst:.2f} (target at most 1.5)")


if __name__ == "__main__":
    main()
