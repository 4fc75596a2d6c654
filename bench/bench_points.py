"""Time the members' duty points (履职积分) on the ten-year dataset.

    .venv/bin/python bench/bench_points.py                      # SQLite, a throwaway file
    .venv/bin/python bench/bench_points.py --postgres postgres://postgres@127.0.0.1:5432/wz_p22b_bench
    .venv/bin/python bench/bench_points.py --scale 0.2 --runs 5  # quick run

Builds the shared dataset (bench/dataset.py: one committee, 29 groups, ~500 members a
year, ten years), applies the minhang preset to the last full year and the current one,
then prints, per year:

- gathering every member's facts of the year (reports.points.facts.year_facts): wall and
  CPU ms, and the number of queries;
- the engine alone over those gathered facts (reports.points.engine.year_points): CPU ms,
  p50 and p95 of `--runs` runs — the target is under 100 ms of CPU for all ~500 members;
- the points items made and the grades given.

And the committee's list page and its Excel download once (django.test.Client).
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
if str(BASE_DIR) not in sys.path:
    sys.path.insert(0, str(BASE_DIR))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres", help="PostgreSQL URL of a database to (re)create (name ending in 'bench')")
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--today", type=datetime.date.fromisoformat, default=datetime.date(2025, 11, 20))
    return parser.parse_args()


def cpu_ms(func) -> tuple[float, float, object]:
    began, began_cpu = time.perf_counter(), time.process_time()
    value = func()
    return (time.perf_counter() - began) * 1000, (time.process_time() - began_cpu) * 1000, value


def main() -> None:
    args = parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-points-"))
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    os.environ["PORTAL_TODAY"] = args.today.isoformat()
    try:
        from bench.bench_scoring import cpu_check, recreate_postgres
        from bench.dataset import build, django_setup

        if args.postgres:
            recreate_postgres(args.postgres)
            django_setup(database_url=args.postgres)
        else:
            django_setup(sqlite_path=str(workdir / "bench.sqlite3"))
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext
        from django.utils import translation

        from reports.points.engine import year_points
        from reports.points.facts import year_facts, year_rule_set
        from reports.points.services import preset_apply

        translation.activate("zh-hans")
        began = time.perf_counter()
        call_command("migrate", verbosity=0)
        data = build(args.years, scale=args.scale, today=args.today)
        print(f"{connection.vendor}: {data.first_year}–{data.today}, built in {time.perf_counter() - began:.0f}s")
        print(f"CPU check: a 3M-step Python loop took {cpu_check():.0f} ms (about 150 on an idle core)")
        committee = data.committee
        for year in (args.today.year - 1, args.today.year):
            preset_apply(committee=committee, year=year, preset="minhang", replace=True)
            rules = year_rule_set(committee_id=committee.pk, year=year)
            with CaptureQueriesContext(connection) as captured:
                wall, cpu, facts = cpu_ms(lambda year=year: year_facts(committee_id=committee.pk, year=year))
            print(
                f"\n{year}: gathering {len(facts)} members' facts: {wall:.0f} ms wall, {cpu:.0f} ms CPU, "
                f"{len(captured.captured_queries)} queries"
            )
            timings = []
            for _ in range(args.runs):
                _wall, cpu, points = cpu_ms(lambda facts=facts, rules=rules: year_points(facts, rules))
                timings.append(cpu)
            timings.sort()
            p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
            items = sum(len(p.items) for p in points)
            grades: dict[str, int] = {}
            for p in points:
                grades[p.grade] = grades.get(p.grade, 0) + 1
            print(
                f"{year}: engine over the gathered facts: CPU p50 {statistics.median(timings):.1f} ms, "
                f"p95 {p95:.1f} ms ({args.runs} runs; target < 100 ms); {items:,} items; grades {grades}"
            )
        staff = Client()
        staff.force_login(data.users["staff"])
        year = args.today.year - 1
        for label, url in (
            ("committee list page", f"/points/?year={year}"),
            ("committee list Excel", f"/points/export/?year={year}"),
        ):
            staff.get(url)  # warm the cache as a second visitor would find it
            wall, cpu, response = cpu_ms(lambda url=url: staff.get(url))
            print(f"{label}, {year} (cached): {wall:.0f} ms wall, {cpu:.0f} ms CPU, status {response.status_code}")
        print(f"\ntotal {time.perf_counter() - began:.0f}s")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
