"""Time the scoring engine and the scorecard pages on ten years of data.

    .venv/bin/python bench/bench_scoring.py                          # SQLite, a throwaway file
    .venv/bin/python bench/bench_scoring.py --postgres postgres://postgres@127.0.0.1:5432/wz_issue7_bench
    .venv/bin/python bench/bench_scoring.py --scale 0.2 --runs 5     # quick run

Builds the shared realistic dataset (bench/dataset.py: one committee, 29 groups, ~500
members, ten years, ~30,000 activities, ~300,000 attendance rows) in an empty database
(a temporary SQLite file, or the PostgreSQL database named, dropped and created again),
with DEBUG off as in production, then prints:

- scoring all 29 groups for one year (reports.scorecards.year_scores, the last full
  year and the current one): p50/p95 in ms and the number of queries;
- the scorecard page (as the group's leader and as staff), its Excel download and print
  view, and the 29-group list: p50/p95 and queries of one request (django.test.Client).

Targets (issue 7): scoring under 100 ms (never over 200 ms); pages p95 under 150 ms.
"""

from __future__ import annotations

import argparse
import datetime
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

BASE_DIR = Path(__file__).resolve().parent.parent
if str(BASE_DIR) not in sys.path:
    sys.path.insert(0, str(BASE_DIR))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres", help="PostgreSQL URL of a database to (re)create; default: SQLite")
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--scale", type=float, default=1.0, help="dataset scale (1.0: ~30,000 activities)")
    parser.add_argument("--runs", type=int, default=20, help="timed runs per figure (default 20)")
    parser.add_argument("--today", type=datetime.date.fromisoformat, default=datetime.date(2025, 11, 20))
    parser.add_argument("--keep", action="store_true", help="keep the SQLite file and print its path")
    return parser.parse_args()


def recreate_postgres(url: str) -> None:
    """Drop and create the database named in `url` (never the one the portal uses)."""
    import psycopg2

    name = urlparse(url).path.lstrip("/")
    if not name.endswith("bench"):
        raise SystemExit(f"refusing to drop {name!r}: the benchmark's database name must end with 'bench'")
    admin = psycopg2.connect(url.rsplit("/", 1)[0] + "/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def timed(func, runs: int) -> tuple[float, float, int, float]:
    """p50 and p95 in ms of `runs` calls, the queries of one call, and the p50 of
    the process's CPU time per call (ms): on a busy shared machine the wall-clock
    figures include waiting for a core, the CPU time does not (but leaves out
    the database server's own time on PostgreSQL)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        func()
    queries = len(captured.captured_queries)
    timings, cpu = [], []
    for _ in range(runs):
        began, began_cpu = time.perf_counter(), time.process_time()
        func()
        timings.append((time.perf_counter() - began) * 1000)
        cpu.append((time.process_time() - began_cpu) * 1000)
    timings.sort()
    p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
    return statistics.median(timings), p95, queries, statistics.median(cpu)


def page(client, url: str):
    def get():
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        return response

    return get


def cpu_check() -> float:
    """ms for a plain 3-million-step Python loop: about 150 on an idle modern core.
    On a shared machine, divide the figures by (this / 150) to compare."""
    began = time.perf_counter()
    total = 0
    for i in range(3_000_000):
        total += i
    return (time.perf_counter() - began) * 1000


def main() -> None:
    args = parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-scoring-"))
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    os.environ["PORTAL_TODAY"] = args.today.isoformat()
    try:
        from bench.dataset import build, django_setup

        if args.postgres:
            recreate_postgres(args.postgres)
            django_setup(database_url=args.postgres)
        else:
            django_setup(sqlite_path=str(workdir / "bench.sqlite3"))
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client
        from django.utils import translation

        from activities.models import Activity, Attendance
        from reports.scorecards import year_scores

        translation.activate("zh-hans")
        began = time.perf_counter()
        call_command("migrate", verbosity=0)
        data = build(args.years, scale=args.scale, today=args.today)
        print(
            f"{connection.vendor}: {data.first_year}–{data.today}, built in {time.perf_counter() - began:.0f}s: "
            f"{Activity.objects.count():,} activities, {Attendance.objects.count():,} attendance rows, "
            f"{len(data.groups)} groups"
        )
        committee = data.committee.pk
        last_year, this_year = args.today.year - 1, args.today.year
        print(f"CPU check: a 3M-step Python loop took {cpu_check():.0f} ms (about 150 on an idle core)")
        print(f"\n{args.runs} runs each\n")
        print(f"{'what':<44}{'p50 ms':>9}{'p95 ms':>9}{'queries':>9}{'CPU ms':>9}")
        for year in (last_year, this_year):
            p50, p95, queries, cpu = timed(lambda year=year: year_scores(committee_id=committee, year=year), args.runs)
            print(f"{f'scoring all 29 groups, {year}':<44}{p50:>9.1f}{p95:>9.1f}{queries:>9}{cpu:>9.1f}")

        group = data.groups[6]  # 致公党, led by bench-leader-07
        staff, leader = Client(), Client()
        staff.force_login(data.users["staff"])
        leader.force_login(data.leaders[group.pk])
        base = f"/reports/scorecards/{group.pk}/"
        pages = [
            (f"scorecard page, {last_year}, leader", leader, f"{base}?year={last_year}"),
            (f"scorecard page, {this_year}, leader", leader, f"{base}?year={this_year}"),
            (f"scorecard page, {last_year}, staff", staff, f"{base}?year={last_year}"),
            (f"scorecard print view, {last_year}", staff, f"{base}print/?year={last_year}"),
            (f"scorecard Excel, {last_year}", staff, f"{base}xlsx/?year={last_year}"),
            (f"29-group list, {last_year}", staff, f"/reports/scorecards/?year={last_year}"),
            (f"29-group list, {this_year}", staff, f"/reports/scorecards/?year={this_year}"),
            (f"group page, {last_year} (members' table)", staff, f"/groups/{group.pk}/?year={last_year}"),
        ]
        for label, client, url in pages:
            p50, p95, queries, cpu = timed(page(client, url), args.runs)
            print(f"{label:<44}{p50:>9.1f}{p95:>9.1f}{queries:>9}{cpu:>9.1f}")
        print(f"CPU check again: {cpu_check():.0f} ms")
        print(f"\ntotal {time.perf_counter() - began:.0f}s")
        if args.keep and not args.postgres:
            print(f"database kept at {workdir / 'bench.sqlite3'}")
    finally:
        if not (args.keep and not args.postgres):
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
