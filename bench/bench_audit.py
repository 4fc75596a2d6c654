"""Time the administrators' audit trail (/audit/) on a long history.

    .venv/bin/python bench/bench_audit.py [--rows 100000] [--requests 10]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_audit .venv/bin/python bench/bench_audit.py

Without DATABASE_URL a throwaway SQLite file is used; with it, the database
named there is (re)created by the test runner's machinery and dropped at the
end. Generates `--rows` audit events (sign-ins, exports, personal-data views)
and as many historical rows of public-opinion reports, then requests the
trail's first page, a deep page, the filters and a filtered export as an
administrator, and prints p50/p95 in milliseconds and the queries of one
request. See bench/README.md.
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

BASE_DIR = Path(__file__).resolve().parent.parent
BATCH = 2000


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--rows", type=int, default=100_000, help="audit events and history rows, each (default 100000)"
    )
    parser.add_argument("--requests", type=int, default=10, help="requests per page (default 10)")
    return parser.parse_args()


def setup_django(workdir: Path) -> None:
    if not os.environ.get("DATABASE_URL"):
        os.environ["SQLITE_PATH"] = str(workdir / "bench.sqlite3")
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ["DJANGO_LOG_LEVEL"] = "ERROR"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wenzhou_sectors.settings")
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()


def generate(n: int):
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from activities.models import OpinionReport
    from portal import roles
    from sectors.models import AuditEvent, Committee, SectorGroup, User

    committee = Committee.objects.create(code="wenzhou", name="温州市政协", short_name="温州")
    group = SectorGroup.objects.create(committee=committee, name="中国民主同盟界别", short_name="民盟")
    admin = User.objects.create_user(username="admin", password="x", is_staff=True)
    admin.groups.add(Group.objects.get(name=roles.GROUP_NAMES[roles.ADMIN]))
    staff = [User.objects.create_user(username=f"staff{i}", password="x") for i in range(20)]
    report = OpinionReport.objects.create(
        committee=committee, group=group, title="基准", submitted_on=datetime.date(2025, 1, 1)
    )
    start = timezone.now() - datetime.timedelta(days=3650)
    step = datetime.timedelta(days=3650) / n
    actions = ["login", "logout", "export", "personal_data", "login_failed"]
    events = [
        AuditEvent(
            when=start + step * i,
            user=staff[i % 20],
            username=staff[i % 20].username,
            action=actions[i % len(actions)],
            model="sectors.member" if i % 5 == 3 else "",
            where="/members/",
            address="10.0.0.1",
        )
        for i in range(n)
    ]
    AuditEvent.objects.bulk_create(events, batch_size=BATCH)
    history = OpinionReport.history.model
    rows = [
        history(
            id=report.pk,
            committee_id=committee.pk,
            group_id=group.pk,
            title=f"标题{i}",
            content="",
            submitted_on=datetime.date(2025, 1, 1),
            status="submitted",
            leader_comment="",
            history_date=start + step * i,
            history_type="~",
            history_user=staff[i % 20],
        )
        for i in range(n)
    ]
    history.objects.bulk_create(rows, batch_size=BATCH)
    return admin, staff[3]


def measure(client, url: str, requests: int) -> tuple[float, float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    times.sort()
    return statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)], len(queries)


def main() -> None:
    args = parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-audit-"))
    try:
        setup_django(workdir)
        from django.db import connection
        from django.test import Client
        from django.test.utils import setup_test_environment

        from tests.factories import log_in

        setup_test_environment()
        old_name = None
        if connection.vendor == "postgresql":
            old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
        else:
            from django.core.management import call_command

            call_command("migrate", verbosity=0)
        started = time.perf_counter()
        admin, someone = generate(args.rows)
        elapsed = time.perf_counter() - started
        print(f"{connection.vendor}: {args.rows} audit events + {args.rows} history rows, generated in {elapsed:.1f} s")
        client = Client()
        log_in(client, admin)
        pages = {
            "first page": "/audit/",
            "page 1000": "/audit/?page=1000",
            "one user": f"/audit/?user={someone.pk}",
            "one action": "/audit/?action=login",
            "one model + dates": "/audit/?model=activities.opinionreport&date_from=2020-01-01&date_to=2020-12-31",
            "export one month": "/audit/?date_from=2020-03-01&date_to=2020-03-31&format=xlsx",
        }
        print(f"{'page':<20} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}")
        for name, url in pages.items():
            p50, p95, queries = measure(client, url, args.requests)
            print(f"{name:<20} {p50:>8.0f} {p95:>8.0f} {queries:>8}")
        if old_name is not None:
            connection.creation.destroy_test_db(old_name, verbosity=0)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
