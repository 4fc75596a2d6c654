"""A meeting's check-in against the summaries everyone reads meanwhile (issue 20), in-process.

    .venv/bin/python bench/bench_check_in.py --sqlite /tmp/ten.sqlite3 [--check-ins 100]
    .venv/bin/python bench/bench_check_in.py --database-url postgres://postgres@127.0.0.1:5432/wz_bench \\
        --redis-url redis://127.0.0.1:6379/9

On a dataset built by bench/dataset.py (PORTAL_TODAY = --today, its last day): plans a
meeting of every group for today, then --check-ins times ticks one expected member present
(the roster's POST, what a member's QR scan also writes: one check-in row) and reads the
pages people keep open meanwhile: the home page (staff), a leader's scorecard and the
dashboard (chairman). Prints the CPU ms of those pages per round (median and mean) and of
a tick, then deletes the meeting. With --redis-url (emptied first) the cache is Redis, as
in production; otherwise this process's memory cache.
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

    parser = page_bench_arguments(__doc__, requests=0)
    parser.add_argument("--check-ins", type=int, default=100)
    parser.add_argument("--redis-url", default="")
    parser.add_argument("--at-once", type=int, default=0, help="then this many ticks sent at the same moment")
    return parser.parse_args()


TITLE = "bench: check-in"


def cpu_ms(call) -> float:
    start = time.process_time()
    response = call()
    if response.status_code not in (200, 302):
        raise SystemExit(f"answered {response.status_code}")
    return (time.process_time() - start) * 1000


def ticks_at_once(user, url: str, member_ids: list[int]) -> list[float]:
    """Each member ticked from a thread of its own (its own database connection), all
    released together, as scans arriving at one moment: the wall time of each."""
    import threading

    from django.db import connection
    from django.test import Client

    barrier, waits, clients = threading.Barrier(len(member_ids), timeout=60), [], []
    for _member in member_ids:  # signed in here, one after another: the sign-in writes the user
        clients.append(Client())
        clients[-1].force_login(user)

    def one(client: Client, member_id: int) -> None:
        barrier.wait()
        start = time.perf_counter()
        client.post(url, {"member": member_id, "present": "1"})
        waits.append((time.perf_counter() - start) * 1000)
        connection.close()

    threads = [threading.Thread(target=one, args=pair) for pair in zip(clients, member_ids, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return waits


def main() -> None:
    args = parse_args()
    os.environ["PORTAL_TODAY"] = args.today
    if args.redis_url:
        from bench.bench_load import empty_redis

        os.environ["REDIS_URL"] = args.redis_url
        empty_redis(args.redis_url)
    from bench.dataset import django_setup

    django_setup(sqlite_path=args.sqlite, database_url=args.database_url)
    from django.conf import settings
    from django.test import Client
    from django.urls import reverse

    from activities.carriers import ActivityKind
    from activities.models import Activity
    from activities.services import meetings
    from portal import clock
    from sectors.models import SectorGroup, User

    staff_user = User.objects.get(username="bench-staff")
    leader_user = User.objects.get(username="bench-leader-07")
    staff, leader, chairman = Client(), Client(), Client()
    staff.force_login(staff_user)
    leader.force_login(leader_user)
    chairman.force_login(User.objects.get(username="bench-chairman"))
    year = clock.today().year
    pages = [
        (staff, reverse("home")),
        (leader, f"{reverse('scorecard', args=[leader_user.sector_group_id])}?year={year}"),
        (chairman, f"{reverse('dashboard')}?year={year}"),
    ]
    Activity.objects.filter(title=TITLE).delete()  # left by a run that was stopped
    meeting = meetings.meeting_plan(
        user=staff_user,
        groups=list(SectorGroup.objects.filter(committee__code=settings.PORTAL_COMMITTEE_CODE)),
        kind=ActivityKind.CONSULTATION,
        title=TITLE,
        date=clock.today(),
    )
    try:
        expected = list(meetings.expected_members(meeting).values_list("pk", flat=True)[: args.check_ins])
        tick = reverse("meeting_tick", args=[meeting.pk])
        for client, url in pages:  # warm
            client.get(url)
        rounds, ticks = [], []
        for member_id in expected:
            ticks.append(cpu_ms(lambda m=member_id: staff.post(tick, {"member": m, "present": "1"})))
            rounds.append(sum(cpu_ms(lambda c=client, u=url: c.get(u)) for client, url in pages))
        print(
            f"{len(expected)} check-ins of a {meetings.expected_members(meeting).count()}-member meeting "
            f"({'Redis' if args.redis_url else 'memory cache'}; load {os.getloadavg()})"
        )
        print(f"home + scorecard + dashboard, CPU ms per round: median {statistics.median(rounds):.1f}, "
              f"mean {statistics.fmean(rounds):.1f}")  # fmt: skip
        print(f"a tick, CPU ms: median {statistics.median(ticks):.1f}")
        if args.at_once:
            rest = list(meetings.expected_members(meeting).exclude(pk__in=expected).values_list("pk", flat=True))
            waits = ticks_at_once(staff_user, tick, rest[: args.at_once])
            print(f"{len(waits)} ticks sent at once, wall ms: median {statistics.median(waits):.0f}, "
                  f"slowest {max(waits):.0f}; check-ins written {meeting.check_ins.count()}")  # fmt: skip
    finally:
        meeting.delete()


if __name__ == "__main__":
    main()
