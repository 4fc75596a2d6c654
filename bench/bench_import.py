"""Time the spreadsheet import: 10,000 member rows and 20,000 activity rows
(200,000 attendances) from .xlsx, and the same member file through a plain
django-import-export ModelResource.

    .venv/bin/python bench/bench_import.py                      # SQLite (a throwaway file)
    .venv/bin/python bench/bench_import.py --postgres postgres://postgres@127.0.0.1:5432/wz_issue9_bench
    .venv/bin/python bench/bench_import.py --members 2000 --activities 4000   # quick run

Each measurement runs in its own process on a fresh database (the activity
run imports the members first, untimed), so that its peak memory (the
process's maximum resident set, Django included) is its own. "End to end" is
what the import page does after the upload: read the file (python-calamine),
find the header row, normalise and check every row, plan, and write in one
transaction with the history rows.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
GROUPS = 29
KIND_WORDS = [
    "界别学习日",
    "学习会",
    "培训",
    "调研",
    "视察",
    "界别协商会",
    "民主监督",
    "界别活动月",
    "联谊交流",
    "联系界别群众",
]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--activities", type=int, default=20_000)
    parser.add_argument("--attendees", type=int, default=10, help="attendees per activity (default 10)")
    parser.add_argument("--postgres", default="", help="a PostgreSQL URL whose database the benchmark may drop")
    parser.add_argument("--stage", default="", help=argparse.SUPPRESS)
    parser.add_argument("--workdir", default="", help=argparse.SUPPRESS)
    parser.add_argument("--skip-plain", action="store_true", help="do not time the plain ModelResource")
    return parser.parse_args()


# --- the files -------------------------------------------------------------------------------


def member_name(n: int) -> str:
    return f"委员{n:05d}"


def member_file(count: int, banner: bool = True) -> bytes:
    from openpyxl import Workbook

    from portal.validators import id_card_check_char

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    if banner:
        sheet.append(["温州市政协委员名册"])
    sheet.append(
        ["序号", "编号", "姓名", "性别", "出生日期", "界别", "界内职务", "党派", "工作单位", "职务", "手机", "身份证号"]
    )
    for n in range(count):
        first17 = f"330302{1950 + n % 40}{1 + n % 12:02d}{1 + n % 28:02d}{n % 1000:03d}"
        sheet.append(
            [
                n + 1,
                f"M{n:05d}",
                member_name(n),
                "男" if n % 2 else "女",
                None,
                f"组{n % GROUPS:02d}",
                "成员",
                "无党派",
                "温州市某单位",
                "职员",
                f"1{3 + n % 7}{n:09d}",
                first17 + id_card_check_char(first17) if n % 1000 < 997 else "",
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def activity_file(count: int, members: int, attendees: int) -> bytes:
    from openpyxl import Workbook

    rng = random.Random(168)
    by_group = [list(range(g, members, GROUPS)) for g in range(GROUPS)]
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(
        ["界别活动组", "活动类型", "活动名称", "活动日期", "形式", "地点", "参加委员", "请假委员", "其他参与人数"]
    )
    for n in range(count):
        group = n % GROUPS
        names = rng.sample(by_group[group], min(attendees, len(by_group[group])))
        day = f"{2016 + n % 10}-{1 + n % 12:02d}-{1 + n % 28:02d}"
        sheet.append(
            [
                f"组{group:02d}",
                KIND_WORDS[n % len(KIND_WORDS)],
                f"活动{n:06d}",
                day,
                "线下",
                "会议室",
                "、".join(member_name(m) for m in names),
                "",
                n % 5,
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- one stage, in its own process ---------------------------------------------------------------


def setup_django(workdir: Path, postgres: str) -> None:
    if postgres:
        os.environ["DATABASE_URL"] = postgres
    else:
        os.environ.pop("DATABASE_URL", None)
        os.environ["SQLITE_PATH"] = str(workdir / "bench.sqlite3")
    os.environ.pop("REDIS_URL", None)
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ["DJANGO_LOG_LEVEL"] = "ERROR"
    os.environ["PORTAL_TODAY"] = "2025-12-31"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wenzhou_sectors.settings")
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()


def fresh_database(postgres: str, workdir: Path) -> None:
    if postgres:
        import psycopg2

        name = postgres.rsplit("/", 1)[1]
        connection = psycopg2.connect(postgres.rsplit("/", 1)[0] + "/postgres")
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            cursor.execute(f'CREATE DATABASE "{name}"')
        connection.close()
    else:
        (workdir / "bench.sqlite3").unlink(missing_ok=True)


def prepare() -> tuple:
    from django.core.management import call_command

    from sectors.models import Committee, SectorGroup, User

    call_command("migrate", verbosity=0)
    committee = Committee.objects.create(code="wenzhou", name="温州市政协", short_name="温州")
    SectorGroup.objects.bulk_create(
        SectorGroup(committee=committee, name=f"界别活动组{n:02d}", short_name=f"组{n:02d}", sort_order=n)
        for n in range(GROUPS)
    )
    user = User.objects.create(username="bench-admin", is_superuser=True)
    return committee, user


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def pipeline(kind: str, data: bytes, committee, user) -> dict:
    from django.db import transaction

    from portal.importing.reading import read_sheet
    from portal.importing.registry import importer_for

    cpu = cpu_seconds()
    started = time.perf_counter()
    sheet = read_sheet(data, f"bench.{kind}.xlsx")
    read = time.perf_counter()
    importer = importer_for(kind)(committee=committee, user=user)
    plan = importer.plan(sheet)
    planned = time.perf_counter()
    with transaction.atomic():
        importer.write(plan)
    written = time.perf_counter()
    return {
        "rows": plan.total,
        "created": plan.created,
        "rejected": plan.rejected,
        "read_s": read - started,
        "plan_s": planned - read,
        "write_s": written - planned,
        "total_s": written - started,
        "cpu_s": cpu_seconds() - cpu,
    }


def plain_resource(data: bytes, committee) -> dict:
    """django-import-export's own row-by-row import with default settings; only
    the column names and the member-number key are told, so that it reads the
    same file (it does not place members in groups: it does less work than the pipeline)."""
    import tablib
    from import_export import fields, resources

    from sectors.models import Member

    columns = {
        "member_number": "编号",
        "name": "姓名",
        "party": "党派",
        "employer": "工作单位",
        "job_title": "职务",
        "mobile": "手机",
        "id_card": "身份证号",
    }

    class PlainMemberResource(resources.ModelResource):
        locals().update({attr: fields.Field(attribute=attr, column_name=col) for attr, col in columns.items()})

        class Meta:
            model = Member
            fields = tuple(columns)
            import_id_fields = ("member_number",)

        def init_instance(self, row=None):
            return Member(committee=committee, gender="M")

    cpu = cpu_seconds()
    started = time.perf_counter()
    # tablib takes the first row as the headers: the plain resource reads the file without its banner row.
    dataset = tablib.Dataset().load(io.BytesIO(data), format="xlsx")
    result = PlainMemberResource().import_data(dataset, dry_run=False, use_transactions=True)
    elapsed = time.perf_counter() - started
    return {"rows": len(dataset), "errors": result.has_errors(), "total_s": elapsed, "cpu_s": cpu_seconds() - cpu}


def run_stage(args: argparse.Namespace) -> None:
    workdir = Path(args.workdir)
    fresh_database(args.postgres, workdir)
    setup_django(workdir, args.postgres)
    committee, user = prepare()
    members = (workdir / "members.xlsx").read_bytes()
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if args.stage == "members":
        result = pipeline("members", members, committee, user)
    elif args.stage == "activities":
        pipeline("members", members, committee, user)
        from activities.models import Attendance

        baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        result = pipeline("activities", (workdir / "activities.xlsx").read_bytes(), committee, user)
        result["attendances"] = Attendance.objects.count()
    elif args.stage == "reimport":
        pipeline("members", members, committee, user)
        result = pipeline("members", members, committee, user)
    else:
        result = plain_resource((workdir / "members-plain.xlsx").read_bytes(), committee)
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result["baseline_mb"] = baseline
    print(json.dumps(result))


# --- the driver ------------------------------------------------------------------------------------


def main() -> None:
    args = parse_args()
    if args.stage:
        run_stage(args)
        return
    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        workdir = Path(tmp)
        sys.path.insert(0, str(BASE_DIR))
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wenzhou_sectors.settings")
        import django

        django.setup()
        (workdir / "members.xlsx").write_bytes(member_file(args.members))
        (workdir / "members-plain.xlsx").write_bytes(member_file(args.members, banner=False))
        (workdir / "activities.xlsx").write_bytes(activity_file(args.activities, args.members, args.attendees))
        backend = "PostgreSQL" if args.postgres else "SQLite"
        print(f"{backend}: {args.members} member rows, {args.activities} activity rows × {args.attendees} attendees")
        print(f"load average before the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        stages = ["members", "reimport", "activities"] + ([] if args.skip_plain else ["plain"])
        results = {}
        for stage in stages:
            command = [sys.executable, __file__, "--stage", stage, "--workdir", tmp, "--postgres", args.postgres]
            output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
            results[stage] = json.loads(output.strip().splitlines()[-1])
            report(stage, results[stage])
        if "plain" in results:
            ratio = results["plain"]["total_s"] / results["members"]["total_s"]
            cpu_ratio = results["plain"]["cpu_s"] / results["members"]["cpu_s"]
            print(f"pipeline vs plain ModelResource (members): {ratio:.1f}× faster ({cpu_ratio:.1f}× less CPU time)")


def report(stage: str, result: dict) -> None:
    rows = result["rows"]
    rate = rows / result["total_s"] if result["total_s"] else 0
    parts = [f"{stage:>10}: {rows} rows in {result['total_s']:.2f} s = {rate:,.0f} rows/s, CPU {result['cpu_s']:.2f} s"]
    if "read_s" in result:
        parts.append(
            f"(read {result['read_s']:.2f} s, check {result['plan_s']:.2f} s, write {result['write_s']:.2f} s)"
        )
    if "attendances" in result:
        parts.append(f"{result['attendances']} attendances")
    parts.append(f"peak {result['peak_mb']:.0f} MB (before the stage {result['baseline_mb']:.0f} MB)")
    print(" ".join(parts))


if __name__ == "__main__":
    main()
