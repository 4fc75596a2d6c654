"""Time the chairman's year-end dashboard on ten years of data (bench/dataset.py).

    .venv/bin/python bench/bench_dashboard.py                       # SQLite, throwaway file
    .venv/bin/python bench/bench_dashboard.py --postgres postgres://postgres@127.0.0.1:5432/wz_bench8
    .venv/bin/python bench/bench_dashboard.py --scale 0.1 --requests 5   # quick run

Builds the shared ten-year dataset (about 500 members, 30,000 activities,
300,000 attendance rows) in a throwaway SQLite file or a PostgreSQL database
that it creates and drops, then requests the dashboard N times per line and
prints p50/p95 in milliseconds and the queries of one request:

- "computed": the cache is cleared before every request, so each one computes
  every figure, score and chart series (what the first visitor after a change
  waits for, at most once a minute per period and scope);
- "cached": the figures come from the cache (every other request within the minute).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--requests", type=int, default=20, help="requests per line (default 20)")
    parser.add_argument("--postgres", help="DATABASE_URL of a PostgreSQL database to create, fill and drop")
    return parser.parse_args()


def _pg_admin(url: str, sql: str) -> None:
    import psycopg2

    connection = psycopg2.connect(url.rsplit("/", 1)[0] + "/postgres")
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql)
    finally:
        connection.close()


def measure(client, url: str, requests: int, *, computed: bool) -> tuple[float, float, int, int]:
    """`computed`: the cache emptied before every request (every figure computed afresh)."""
    from django.core.cache import cache

    from bench.bench_activity_pages import measure as timed

    cache.clear()
    return timed(client, url, requests, before_each=cache.clear if computed else None)


def main() -> None:
    args = parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-dashboard-"))
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    os.environ.pop("REDIS_URL", None)  # the in-process cache: the timings are the portal's own
    if args.postgres:
        name = args.postgres.rsplit("/", 1)[1]
        _pg_admin(args.postgres, f'DROP DATABASE IF EXISTS "{name}"')
        _pg_admin(args.postgres, f'CREATE DATABASE "{name}"')
    from bench.dataset import build, django_setup

    django_setup(sqlite_path=None if args.postgres else str(workdir / "bench.sqlite3"), database_url=args.postgres)
    try:
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client

        from activities.models import Activity, Attendance

        began = time.perf_counter()
        call_command("migrate", verbosity=0)
        data = build(args.years, scale=args.scale)
        print(
            f"{connection.vendor}: {data.first_year}–{data.today}, built in {data.seconds:.0f}s: "
            f"{Activity.objects.count():,} activities, {Attendance.objects.count():,} attendance rows"
        )
        clients = {}
        for role, user in data.users.items():
            clients[role] = Client()
            clients[role].force_login(user)
        last = data.today.year - 1
        lines = [
            ("page, chairman, last year", "chairman", f"/dashboard/?year={last}"),
            ("page, chairman, May–April", "chairman", f"/dashboard/?from={last - 1}-05-01&to={last}-04-30"),
            ("page, group leader", "group_leader", f"/dashboard/?year={last}"),
            ("page, this year so far", "staff", "/dashboard/"),
            ("JSON, chairman", "chairman", f"/dashboard/data.json?year={last}"),
            ("print view, chairman", "chairman", f"/dashboard/print/?year={last}"),
            ("Excel, chairman", "chairman", f"/dashboard/export.xlsx?year={last}"),
            ("home page (same figures)", "staff", "/"),
        ]
        print(f"\n{args.requests} requests per line\n")
        print(f"{'request':<28}{'computed p50':>13}{'p95':>8}{'cached p50':>12}{'p95':>8}{'queries':>9}{'KiB':>7}")
        for label, role, url in lines:
            p50, p95, queries, size = measure(clients[role], url, args.requests, computed=True)
            c50, c95, _q, _s = measure(clients[role], url, args.requests, computed=False)
            print(f"{label:<28}{p50:>13.1f}{p95:>8.1f}{c50:>12.1f}{c95:>8.1f}{queries:>9}{size / 1024:>7.0f}")
        print(f"\ntotal {time.perf_counter() - began:.0f}s")
    finally:
        if args.postgres:
            from django.db import connections

            connections.close_all()
            _pg_admin(args.postgres, f'DROP DATABASE IF EXISTS "{args.postgres.rsplit("/", 1)[1]}"')
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
