"""Time the Excel exports of the lists on ten years of data.

    .venv/bin/python bench/bench_exports.py [--activities 30000] [--requests 3]

The same throwaway SQLite database as bench_activity_pages.py (its generator),
then each export is downloaded N times as staff (and once as a group leader)
with django.test.Client: p50/p95 in milliseconds, SQL queries of one download,
rows and size of the workbook, every export written in the request (none handed to the
worker). See bench/README.md.
"""

from __future__ import annotations

import argparse
import io
import random
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_activity_pages import generate, measure, setup_django  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--activities", type=int, default=30000)
    parser.add_argument("--requests", type=int, default=3)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-exports-"))
    try:
        setup_django(workdir)
        from django.conf import settings
        from django.core.management import call_command
        from django.test import Client
        from openpyxl import load_workbook

        call_command("migrate", verbosity=0)
        # Every workbook written in the request, whatever its size: this measures the writing
        # (a large export otherwise goes to the worker; bench_export_load.py measures that).
        settings.EXPORT_BACKGROUND = ""
        data = generate(args.activities, 10, random.Random(168))
        staff, leader = Client(), Client()
        staff.force_login(data["staff"])
        leader.force_login(data["leader"])
        group = data["groups"][3]
        exports = [
            ("activities, all ten years", staff, "/activities/export/"),
            ("activities, one year", staff, "/activities/export/?year=2024"),
            ("activities, one group", staff, f"/activities/export/?group={group.pk}"),
            ("activities, as group leader", leader, "/activities/export/"),
            ("members", staff, "/members/export/"),
            ("groups, one year", staff, "/groups/export/?year=2024"),
        ]
        print(f"{'export':32} {'p50 ms':>9} {'p95 ms':>9} {'queries':>8} {'rows':>7} {'KB':>7}")
        for label, client, url in exports:
            p50, p95, queries, size = measure(client, url, args.requests)
            rows = load_workbook(io.BytesIO(client.get(url).content), read_only=True).worksheets[0].max_row - 6
            print(f"{label:32} {p50:9.0f} {p95:9.0f} {queries:8d} {rows:7d} {size / 1024:7.0f}")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
