"""Every ordinary page alone, in-process: CPU time and Python calls per request, as
multiples of the login page (issue 20: "every ordinary page ≤ 5× the login page").

    .venv/bin/python bench/dataset.py --sqlite /tmp/ten.sqlite3 --today 2025-12-31      # once
    .venv/bin/python bench/bench_pages.py --sqlite /tmp/ten.sqlite3 [--redis-url redis://127.0.0.1:6379/9]
    .venv/bin/python bench/bench_pages.py --database-url postgres://postgres@127.0.0.1:5432/NAME

On a shared machine even CPU time moves by a third between runs, so each page also
gets the number of Python function calls of one request (`cProfile`, the median of
`--profiled` requests): it does not depend on the neighbours, so two commits can be
compared on it in separate runs. Calls do not count the database's own work nor time
spent in C (escaping, the SQLite engine): the CPU column does. With `--redis-url`
the cache and sessions are Redis's, as in production (the database is emptied first).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))


def parse_args() -> argparse.Namespace:
    from bench.dataset import page_bench_arguments

    parser = page_bench_arguments(__doc__, requests=15)
    parser.add_argument("--redis-url", help="a Redis database of the benchmark's own (emptied first)")
    parser.add_argument("--profiled", type=int, default=3, help="profiled requests per page (median of calls)")
    return parser.parse_args()


def pages(ids: dict) -> list[tuple[str, str, str]]:
    """(label, role, URL) of the pages `bench_load.py` times alone, and the leader's scorecard."""
    from django.urls import reverse

    year, group = ids["year"], ids["group"]
    activities, calendar = reverse("activity_list"), reverse("activity_calendar")
    return [
        ("login page", "anonymous", reverse("login")),
        ("home", "staff", reverse("home")),
        ("activity list, page 1", "staff", activities),
        ("activity list, page 200", "staff", f"{activities}?page=200"),
        ("activity list, filtered", "staff", f"{activities}?group={group}&kind=study"),
        ("activity list, leader", "leader", activities),
        ("calendar, December", "staff", f"{calendar}?year={year}&month=12"),
        ("calendar, one group", "staff", f"{calendar}?year={year}&month=12&group={group}"),
        (f"activity detail ({ids['attendees']} rows)", "staff", reverse("activity_detail", args=[ids["biggest"]])),
        ("activity form", "staff", reverse("activity_create")),
        ("group list", "staff", f"{reverse('group_list')}?year={year}"),
        ("group page", "staff", f"{reverse('group_detail', args=[group])}?year={year}"),
        ("member duty record", "staff", f"{reverse('member_detail', args=[ids['member']])}?year={year}"),
        ("member list", "staff", reverse("member_list")),
        ("opinion-report list", "staff", reverse("opinionreport_list")),
        ("proposal list", "staff", reverse("proposal_list")),
        ("contact list", "staff", reverse("contact_list")),
        ("dashboard", "chairman", f"{reverse('dashboard')}?year={year}"),
        ("scorecards", "chairman", f"{reverse('scorecard_list')}?year={year}"),
        ("scorecard, leader", "leader", f"{reverse('scorecard', args=[group])}?year={year}"),
    ]


def measure(client, url: str, requests: int, profiled: int) -> dict:
    for _ in range(3):  # warm: templates compiled, summaries cached
        response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    cpu = []
    for _ in range(requests):
        began = time.process_time()
        client.get(url)
        cpu.append((time.process_time() - began) * 1000)
    calls = []
    for _ in range(profiled):
        profile = cProfile.Profile()
        profile.enable()
        client.get(url)
        profile.disable()
        calls.append(pstats.Stats(profile, stream=io.StringIO()).total_calls)
    return {"cpu": statistics.median(cpu), "calls": statistics.median(calls), "kib": len(response.content) / 1024}


def main() -> None:
    args = parse_args()
    os.environ["PORTAL_TODAY"] = args.today
    os.environ.setdefault("MEDIA_ROOT", "/tmp/bench-pages-media")
    if args.redis_url:
        import redis

        redis.Redis.from_url(args.redis_url).flushdb()
        os.environ["REDIS_URL"] = args.redis_url
    from bench.dataset import django_setup

    django_setup(sqlite_path=args.sqlite, database_url=args.database_url)
    from django.db import connection
    from django.db.models import Count
    from django.test import Client

    from activities.models import Activity
    from sectors.models import GroupMembership, User

    clients = {"anonymous": Client()}
    for role, username in (("staff", "bench-staff"), ("leader", "bench-leader-07"), ("chairman", "bench-chairman")):
        clients[role] = Client()
        clients[role].force_login(User.objects.get(username=username))
    group = User.objects.get(username="bench-leader-07").sector_group_id
    year = int(args.today[:4])
    biggest, attendees = (
        Activity.objects.filter(date__year=year)
        .annotate(n=Count("attendance"))
        .order_by("-n", "pk")
        .values_list("pk", "n")
        .first()
    )
    member = GroupMembership.objects.filter(group_id=group).order_by("member_id").values_list("member_id", flat=True)[0]
    ids = {"year": year, "group": group, "biggest": biggest, "attendees": attendees, "member": member}
    only = [part for part in args.only.split(",") if part]
    cache = "Redis" if args.redis_url else "memory"
    print(f"{connection.vendor}, {cache} cache; load {os.getloadavg()}")
    print(f"{'page':34} {'CPU ms':>7} {'× login':>7} {'calls':>8} {'× login':>7} {'KiB':>5}")
    login = None
    for label, role, url in pages(ids):
        if only and label != "login page" and not any(part in label for part in only):
            continue
        found = measure(clients[role], url, args.requests, args.profiled)
        login = login or found
        print(
            f"{label:34} {found['cpu']:7.1f} {found['cpu'] / login['cpu']:6.1f}× {found['calls']:8.0f} "
            f"{found['calls'] / login['calls']:6.1f}× {found['kib']:5.0f}"
        )
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
