"""Pages that grow with a group's size: a group of thousands of members (issue 18), in-process.

    .venv/bin/python bench/bench_large_group.py --sqlite /tmp/large-group.sqlite3
    .venv/bin/python bench/bench_large_group.py --database-url postgres://postgres@127.0.0.1:5432/wz_large

Builds a one-year dataset at a tenth of the usual volume (bench/dataset.py, the database is
emptied first), then gives 致公党 (`bench-leader-07`'s group) `--members` more members and one
study day they all attend. Times, as that group's leader, the pages that used to list every
member: the scorecard, the activity form (new, and editing the study day), the attendance
options, the home page; each line gives the median wall and CPU time, the queries, the page's
size and the wall time ("cold": after emptying the cache, as the first request after a
write) as a multiple of the login page's in the same run, with the load
average.
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sqlite", help="a SQLite file to create (removed first)")
    parser.add_argument("--database-url", help="an empty PostgreSQL database")
    parser.add_argument("--members", type=int, default=5000)
    parser.add_argument("--today", default="2025-12-31")
    parser.add_argument("--requests", type=int, default=3)
    return parser.parse_args()


def build(members: int) -> tuple:
    from django.core.management import call_command

    from activities.models import Activity, Attendance
    from bench.dataset import build as build_dataset
    from sectors.models import GroupMembership, Member, User

    call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    build_dataset(1, scale=0.1, analyze=False)
    leader = User.objects.get(username="bench-leader-07")
    group = leader.sector_group
    start = datetime.date(int(os.environ["PORTAL_TODAY"][:4]), 1, 1)
    crowd = Member.objects.bulk_create(
        (
            Member(committee=group.committee, name=f"众{n:05d}", member_number=f"Z{n:06d}", gender="M")
            for n in range(members)
        ),
        batch_size=1000,
    )
    GroupMembership.objects.bulk_create(
        (GroupMembership(member=member, group=group, start_date=start) for member in crowd), batch_size=1000
    )
    day = Activity.objects.create(
        committee=group.committee,
        title="全体委员学习会",
        kind="study",
        date=start + datetime.timedelta(days=40),
        created_by=leader,
    )
    day.groups.add(group)
    Attendance.objects.bulk_create(
        (Attendance(activity=day, member=member, status=Attendance.Status.PRESENT) for member in crowd),
        batch_size=1000,
    )
    return leader, group, day


def timed(client, url: str, requests: int, before_each=None) -> dict:
    from django.db import connection

    (before_each or (lambda: client.get(url)))()  # warm the caches, or empty them
    captured = []

    def count(execute, sql, params, many, context):
        captured.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    size = len(response.content)
    cpu, wall = [], []
    for _ in range(requests):
        if before_each:
            before_each()
        c0, w0 = time.process_time(), time.perf_counter()
        client.get(url)
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
    os.environ.setdefault("MEDIA_ROOT", "/tmp/bench-large-group-media")
    if args.sqlite:
        Path(args.sqlite).unlink(missing_ok=True)
    from bench.dataset import django_setup

    django_setup(sqlite_path=args.sqlite, database_url=args.database_url)
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    t0 = time.perf_counter()
    leader_user, group, day = build(args.members)
    print(f"built in {time.perf_counter() - t0:.0f} s")
    leader, anonymous = Client(), Client()
    leader.force_login(leader_user)
    year = args.today[:4]
    options = f"{reverse('activity_attendance_options')}?groups={group.pk}&date={day.date.isoformat()}"
    card = f"{reverse('scorecard', args=[group.pk])}?year={year}"
    lines = [
        ("login page", anonymous, reverse("login")),
        ("scorecard", leader, card),
        ("scorecard, cold", leader, card, cache.clear),
        ("activity form, new", leader, f"{reverse('activity_create')}?date={day.date.isoformat()}"),
        ("activity edit form", leader, reverse("activity_edit", args=[day.pk])),
        ("activity page (all attend)", leader, reverse("activity_detail", args=[day.pk])),
        ("attendance options", leader, options),
        ("home", leader, reverse("home")),
        ("home, cold", leader, reverse("home"), cache.clear),
        ("member list", leader, reverse("member_list")),
        ("group page", leader, reverse("group_detail", args=[group.pk])),
    ]
    size = group.memberships.count()
    print(f"{connection.vendor}: a group of {size:,} members; load {os.getloadavg()}")
    print(f"{'page':28} {'wall ms':>9} {'CPU ms':>9} {'queries':>8} {'KiB':>7} {'wall/login':>10}")
    login = None
    for label, client, url, *before in lines:
        found = timed(client, url, args.requests, *before)
        login = login or found["wall"]
        wall, cpu, queries, kib = found["wall"], found["cpu"], found["queries"], found["kib"]
        print(f"{label:28} {wall:9.1f} {cpu:9.1f} {queries:8d} {kib:7.0f} {wall / login:9.1f}×")
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
