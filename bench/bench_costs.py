"""CPU cost of the issue-20 pages on a dataset already built (bench/dataset.py), in-process.

    .venv/bin/python bench/dataset.py --sqlite /tmp/ten.sqlite3 --today 2025-12-31      # once
    .venv/bin/python bench/bench_costs.py --sqlite /tmp/ten.sqlite3
    .venv/bin/python bench/bench_costs.py --database-url postgres://postgres@127.0.0.1:5432/wz_bench

On a shared machine wall time mostly measures the neighbours: every line gives the
process's CPU time (`time.process_time`, median of `--requests`), the wall time, the
queries of one request and the page's size, and the CPU time as a multiple of the
login page's in the same run. "cold" lines replace the records' version before each
request (`freshness.records_changed()`, what a write does), so the summaries are
computed afresh, as for the first request after a write. PORTAL_TODAY is the
dataset's last day (default 2025-12-31). The load average is printed with the figures.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))


def parse_args() -> argparse.Namespace:
    from bench.dataset import page_bench_arguments

    return page_bench_arguments(__doc__, requests=7).parse_args()


def timed(client, url: str, requests: int, before_each=None) -> dict:
    from django.db import connection

    if before_each:
        before_each()
    else:
        client.get(url)  # warm: count the queries of a request served from the caches
    captured = []

    def count(execute, sql, params, many, context):
        captured.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get(url)
    if response.status_code not in (200, 302):  # 302: a large export handed to the worker (with REDIS_URL)
        raise SystemExit(f"{url} answered {response.status_code}")
    size = len(response.content) if not response.streaming else sum(len(c) for c in response.streaming_content)
    cpu, wall = [], []
    for _ in range(requests):
        if before_each:
            before_each()
        c0, w0 = time.process_time(), time.perf_counter()
        response = client.get(url)
        if response.streaming:
            for _chunk in response.streaming_content:
                pass
        cpu.append((time.process_time() - c0) * 1000)
        wall.append((time.perf_counter() - w0) * 1000)
    return {
        "cpu": statistics.median(cpu),
        "wall": statistics.median(wall),
        "queries": len(captured),
        "kib": size / 1024,
    }


def main() -> None:
    args = parse_args()
    os.environ["PORTAL_TODAY"] = args.today
    os.environ.setdefault("MEDIA_ROOT", "/tmp/bench-costs-media")
    from bench.dataset import django_setup

    django_setup(sqlite_path=args.sqlite, database_url=args.database_url)
    from django.core.cache import cache
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.urls import reverse

    from activities.models import Activity, Attendance
    from portal import cache as freshness
    from sectors.models import User

    staff, leader, chairman, anonymous = Client(), Client(), Client(), Client()
    staff.force_login(User.objects.get(username="bench-staff"))
    leader_user = User.objects.get(username="bench-leader-07")
    leader.force_login(leader_user)
    chairman.force_login(User.objects.get(username="bench-chairman"))
    group_id = leader_user.sector_group_id
    biggest = (
        Activity.objects.filter(date__year=int(args.today[:4]))
        .annotate(n=Count("attendance"))
        .order_by("-n", "pk")
        .values_list("pk", "n")
        .first()
    )

    def cold() -> None:
        cache.clear()  # every cached summary, and the dashboard's own minute
        freshness.records_changed()

    def after_write() -> None:
        freshness.records_changed(year=int(year))  # what recording an activity of this year does
        local = getattr(cache, "_cache", {}) if isinstance(getattr(cache, "_cache", None), dict) else {}
        for key in [key for key in local if ":dashboard:" in key]:
            cache.delete(key.split(":", 2)[2])  # the dashboard's minute is over (locmem keys are ":1:<key>")

    year = args.today[:4]
    card = f"{reverse('scorecard', args=[group_id])}?year={year}"
    lines = [
        ("login page", anonymous, reverse("login"), None),
        ("activity list, page 1", staff, reverse("activity_list"), None),
        (f"activities export, {year}", staff, f"{reverse('activity_export')}?year={year}", None),
        ("scorecard, leader", leader, card, None),
        ("scorecard, leader, cold", leader, card, cold),
        ("scorecard, leader, after a write", leader, card, after_write),
        ("calendar, December", staff, f"{reverse('activity_calendar')}?year={year}&month=12", None),
        (f"activity detail ({biggest[1]} rows)", staff, reverse("activity_detail", args=[biggest[0]]), None),
        ("home", staff, reverse("home"), None),
        ("home, cold", staff, reverse("home"), cold),
        ("home, after a write", staff, reverse("home"), after_write),
        ("dashboard", chairman, reverse("dashboard"), None),
        ("dashboard, cold", chairman, reverse("dashboard"), cold),
        ("dashboard, after a write", chairman, reverse("dashboard"), after_write),
    ]
    only = [part for part in args.only.split(",") if part]
    activities, attendance = Activity.objects.count(), Attendance.objects.count()
    print(f"{connection.vendor}: {activities:,} activities, {attendance:,} attendance rows; load {os.getloadavg()}")
    print(f"{'page':40} {'CPU ms':>8} {'wall ms':>8} {'queries':>8} {'KiB':>7} {'CPU/login':>9}")
    login_cpu = None
    for label, client, url, before in lines:
        if only and label != "login page" and not any(part in label for part in only):
            continue
        found = timed(client, url, args.requests, before)
        login_cpu = login_cpu or found["cpu"]
        ratio = found["cpu"] / login_cpu
        cpu, wall, queries, kib = found["cpu"], found["wall"], found["queries"], found["kib"]
        print(f"{label:40} {cpu:8.1f} {wall:8.1f} {queries:8d} {kib:7.0f} {ratio:8.1f}×")
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
