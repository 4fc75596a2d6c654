"""Time the activity pages on ten years of data.

    .venv/bin/python bench/bench_activity_pages.py [--activities 30000] [--requests 20] [--keep]

Creates a throwaway SQLite database (SQLITE_PATH points to a temporary file
before Django starts), migrates it, bulk-generates one committee with 29
groups, about 600 members and the given number of activities with about ten
attendance rows each, then requests each page N times as a staff user with
django.test.Client and prints p50/p95 in milliseconds and the number of
queries of one request. See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
GROUPS = 29
MEMBERS_PER_GROUP = 20
BATCH = 1000


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--activities", type=int, default=30000, help="activities to generate (default 30000)")
    parser.add_argument("--attendance", type=int, default=10, help="attendance rows per activity (default 10)")
    parser.add_argument("--requests", type=int, default=20, help="requests per page (default 20)")
    parser.add_argument("--seed", type=int, default=168)
    parser.add_argument("--keep", action="store_true", help="keep the temporary database and print its path")
    return parser.parse_args()


def setup_django(workdir: Path) -> None:
    os.environ.pop("DATABASE_URL", None)
    os.environ["SQLITE_PATH"] = str(workdir / "bench.sqlite3")
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    os.environ["DJANGO_DEBUG"] = "0"  # as in production: no query log, cached templates
    os.environ["DJANGO_LOG_LEVEL"] = "ERROR"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wenzhou_sectors.settings")
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()


def generate(n_activities: int, per_activity: int, rng: random.Random) -> dict:
    from django.contrib.auth.models import Group

    from activities.carriers import ActivityKind
    from activities.models import Activity, Attendance
    from portal import roles
    from sectors.models import Committee, GroupMembership, Member, SectorGroup, User

    committee = Committee.objects.create(code="wenzhou", name="温州市政协", short_name="温州")
    groups = SectorGroup.objects.bulk_create(
        SectorGroup(committee=committee, name=f"界别活动组{n:02d}", short_name=f"组{n:02d}", sort_order=n)
        for n in range(GROUPS)
    )
    members = Member.objects.bulk_create(
        Member(committee=committee, member_number=f"M{n:05d}", name=f"委员{n}", gender="F" if n % 2 else "M")
        for n in range(GROUPS * MEMBERS_PER_GROUP)
    )
    # Three quarters sit in their group for the whole decade, a quarter left after the first term.
    memberships = []
    by_group: dict[int, list[int]] = {g.pk: [] for g in groups}
    for n, member in enumerate(members):
        group = groups[n % GROUPS]
        ended = n % 4 == 3
        memberships.append(
            GroupMembership(
                member=member,
                group=group,
                start_date=datetime.date(2015, 1, 1),
                end_date=datetime.date(2020, 12, 31) if ended else None,
            )
        )
        by_group[group.pk].append((member.pk, ended))
    GroupMembership.objects.bulk_create(memberships, batch_size=BATCH)

    start = datetime.date(2016, 1, 1)
    span = (datetime.date(2025, 12, 31) - start).days
    kinds = ActivityKind.values
    through = Activity.groups.through
    created = 0
    while created < n_activities:
        size = min(BATCH, n_activities - created)
        batch_groups = []
        activities = []
        for n in range(size):
            day = start + datetime.timedelta(days=rng.randrange(span))
            chosen = rng.sample(groups, 2 if rng.random() < 0.1 else 1)
            batch_groups.append((chosen, day))
            activities.append(
                Activity(
                    committee=committee,
                    kind=rng.choice(kinds),
                    title=f"{rng.choice(['学习', '调研', '协商', '视察', '服务'])}活动{created + n}",
                    date=day,
                    other_participants=rng.randrange(0, 30),
                    is_highlight=rng.random() < 0.03,
                )
            )
        activities = Activity.objects.bulk_create(activities)
        links, rows = [], []
        for activity, (chosen, day) in zip(activities, batch_groups, strict=True):
            links.extend(through(activity_id=activity.pk, sectorgroup_id=g.pk) for g in chosen)
            pool = [pk for g in chosen for pk, ended in by_group[g.pk] if not ended or day.year <= 2020]
            for member_id in rng.sample(pool, min(per_activity, len(pool))):
                absent = rng.random() < 0.15
                rows.append(
                    Attendance(
                        activity_id=activity.pk,
                        member_id=member_id,
                        status="absent" if absent else "present",
                        absence_reason="leave" if absent else "",
                    )
                )
        through.objects.bulk_create(links, batch_size=BATCH * 2)
        Attendance.objects.bulk_create(rows, batch_size=BATCH * 2)
        created += size

    staff = User.objects.create_user(username="bench-staff", password="bench-only-1")
    staff.groups.add(Group.objects.get(name=roles.GROUP_NAMES[roles.STAFF]))
    leader = User.objects.create_user(username="bench-leader", password="bench-only-1", sector_group=groups[3])
    leader.groups.add(Group.objects.get(name=roles.GROUP_NAMES[roles.LEADER]))
    return {"groups": groups, "staff": staff, "leader": leader}


def measure(client, url: str, requests: int, *, before_each=None) -> tuple[float, float, int, int]:
    """p50 and p95 ms of `requests` requests, the queries of one and its size;
    `before_each` (e.g. emptying the cache) runs before each timed request."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    queries = len(captured.captured_queries)  # read now: the next request clears the log
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    timings = []
    for _ in range(requests):
        if before_each is not None:
            before_each()
        began = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - began) * 1000)
    timings.sort()
    p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
    return statistics.median(timings), p95, queries, len(response.content)


def main() -> None:
    args = parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-activities-"))
    try:
        setup_django(workdir)
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client

        from activities.models import Activity, Attendance

        began = time.perf_counter()
        call_command("migrate", verbosity=0)
        migrated = time.perf_counter()
        data = generate(args.activities, args.attendance, random.Random(args.seed))
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        generated = time.perf_counter()
        print(
            f"migrate {migrated - began:.1f}s, generate {generated - migrated:.1f}s: "
            f"{Activity.objects.count():,} activities, {Attendance.objects.count():,} attendance rows"
        )

        staff, leader = Client(), Client()
        staff.force_login(data["staff"])
        leader.force_login(data["leader"])
        group, partner = data["groups"][3], data["groups"][7]
        busy = (
            Activity.objects.filter(groups=group, date__year=2024).order_by("-date").first()
            or Activity.objects.filter(groups=group).first()
        )
        pages = [
            ("list, first page", staff, "/activities/"),
            ("list, last page", staff, "/activities/?page=9999"),
            ("list, group + type filter", staff, f"/activities/?group={group.pk}&kind=study"),
            ("list, month + text filter", staff, "/activities/?month=2024-12&q=%E5%AD%A6%E4%B9%A0"),
            ("list, as group leader", leader, "/activities/"),
            ("calendar, December", staff, "/activities/calendar/?year=2024&month=12"),
            ("calendar, one group", staff, f"/activities/calendar/?year=2024&month=3&group={group.pk}"),
            ("detail", staff, f"/activities/{busy.pk}/"),
            ("edit form", staff, f"/activities/{busy.pk}/edit/"),
            (
                "attendance options",
                staff,
                f"/activities/attendance-options/?groups={group.pk}&groups={partner.pk}"
                f"&date={busy.date.isoformat()}&activity={busy.pk}",
            ),
        ]
        print(f"\n{args.requests} requests per page, staff user unless stated\n")
        print(f"{'page':<28}{'p50 ms':>9}{'p95 ms':>9}{'queries':>9}{'KiB':>8}")
        for label, client, url in pages:
            p50, p95, queries, size = measure(client, url, args.requests)
            print(f"{label:<28}{p50:>9.1f}{p95:>9.1f}{queries:>9}{size / 1024:>8.0f}")
        print(f"\ntotal {time.perf_counter() - began:.1f}s")
        if args.keep:
            print(f"database kept at {workdir / 'bench.sqlite3'}")
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
