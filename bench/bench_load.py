"""Load benchmark: the portal under gunicorn, driven by 50 locust users, on ten years of data.

    .venv/bin/python bench/bench_load.py                   # PostgreSQL and SQLite, 60 s per phase
    .venv/bin/python bench/bench_load.py --db postgres --duration 30 --reuse
    .venv/bin/python bench/bench_load.py --db postgres --years 30 --cache redis   # thirty years of history

Each database runs with Redis as in production (REDIS_URL: shared cache, sessions in
cached_db, roles kept in the session) and then without it (each worker's own memory cache),
unless --cache names one.

For each database (PostgreSQL at --database-url, SQLite in a file under --workdir):

1. builds the shared ten-year dataset (bench/dataset.py, `today` = --today) unless --reuse finds it;
2. starts gunicorn on 127.0.0.1:--port (4 workers, DEBUG off, PORTAL_TODAY = --today);
3. times each page alone: --single sequential requests, the median ("one request");
4. runs locust headless twice, each phase bounded by --duration seconds and --max-requests
   requests: the login page alone (the baseline: a template, no data), then the mixed
   workload of --users users (staff 5 : leaders 3 : chairman 2; bench/locustfile.py);
5. prints per page and in total: requests, req/s, p50/p95/p99 (ms), errors and the one-request
   time, then the ratios the targets are stated in, and stops gunicorn.

With --profile, py-spy records the workers during the mixed workload and bench/stacks.py prints
where their CPU went (by kind of work, view, summary computed and the steps of every page).

Everything binds to 127.0.0.1. The machine is shared (and locust runs on the same cores as
gunicorn): compare ratios within one run rather than absolute figures between runs.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BIN = Path(sys.executable).parent
PG_URL = "postgres://postgres@127.0.0.1:5432/wz_bench"
HOST = "127.0.0.1"
CREATED_PREFIX = "压力测试学习会"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["postgres", "sqlite", "both"], default="both")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", PG_URL))
    parser.add_argument("--workdir", default=str(Path(tempfile.gettempdir()) / "wz-bench-load"))
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=int, default=60, help="seconds per locust phase (default 60)")
    parser.add_argument("--max-requests", type=int, default=200_000, help="stop a phase after this many requests")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=8120)
    parser.add_argument("--single", type=int, default=10, help="sequential requests per page for 'one request'")
    parser.add_argument("--today", default="2025-12-31", help="the portal's date (PORTAL_TODAY) and the data's end")
    parser.add_argument("--years", type=int, default=10, help="years of data (10; 30 for the history target)")
    parser.add_argument(
        "--cache",
        choices=["redis", "local", "both"],
        default="both",
        help="redis: REDIS_URL set, as in production (shared cache, cached sessions); local: each worker's "
        "memory cache; both (default): Redis first, then local as a second line",
    )
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12"),
        help="a Redis database of the benchmark's own: it is emptied (FLUSHDB) before each run",
    )
    parser.add_argument("--reuse", action="store_true", help="keep a dataset already built by an earlier run")
    parser.add_argument(
        "--no-writes",
        action="store_true",
        help="the users open the activity form but save nothing: the reads alone, every summary staying cached "
        "(the mixed workload otherwise saves about 1.4 activities a second, each replacing the year's summaries)",
    )
    parser.add_argument(
        "--think",
        type=float,
        default=0,
        help="also run the mixed workload at a user's pace: each user pauses THINK/2 to 3·THINK/2 seconds "
        "between pages, and its latency is reported apart (0, the default: not run). Without pauses a "
        "request's mean latency is users / throughput (Little's law), whatever the pages cost",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="record gunicorn's workers with py-spy while the mixed workload runs and print where their CPU "
        "went (bench/stacks.py); the sampling slows them, so that run's throughput is not a figure to report",
    )
    parser.add_argument("--json", help="also write the results to this JSON file")
    parser.add_argument("--plan", help=argparse.SUPPRESS)  # internal: write the locust plan (run with Django)
    parser.add_argument("--cleanup", action="store_true", help=argparse.SUPPRESS)  # internal
    return parser.parse_args(argv)


# --- steps run inside Django (in a child process with the database's environment) --------------


def write_plan(path: str, today: datetime.date) -> None:
    """Sessions for each role and the ids the locust users pick from; exit 3 when there is no dataset."""
    sys.path.insert(0, str(BASE_DIR))
    from bench.dataset import django_setup

    django_setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import DatabaseError
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    from activities.carriers import ActivityKind
    from activities.selectors.activity import activity_list
    from activities.views.records import PAGE_SIZE, RECORD_TYPES
    from portal import roles
    from sectors.models import GroupMembership, Member, SectorGroup, User, membership_covers
    from sectors.roster.selectors import visible_members

    call_command("migrate", verbosity=0)  # a kept (--reuse) dataset gets the code's new indexes
    try:
        built = Member.objects.filter(committee__code=settings.PORTAL_COMMITTEE_CODE).exists()
    except DatabaseError:  # not migrated yet
        built = False
    if not built:
        sys.exit(3)
    years = sorted({today.year - n for n in range(3)})
    record_lists = [(rt.prefix, f"{rt.key.replace('_', ' ')} list") for rt in RECORD_TYPES[:3]]

    def account(user: User) -> dict:
        client = Client()
        client.force_login(user)
        visible = activity_list(user=user)
        own = user.sector_group_id if roles.role_of(user) == roles.LEADER else None
        members = visible_members(user).filter(memberships__start_date__lte=today).distinct()
        groups = [own] if own else list(user_groups)
        return {
            "username": user.username,
            "sessionid": client.cookies[settings.SESSION_COOKIE_NAME].value,
            "own_group": own,
            "group_choices": groups,
            "activity_pages": max(1, -(-visible.count() // 25)),
            "activities": list(visible.filter(date__year__in=years).values_list("pk", flat=True)[:300]),
            "members": list(members.order_by("member_number").values_list("pk", flat=True)[:300]),
            "member_pages": max(1, -(-visible_members(user).count() // 50)),
            "record_pages": {rt.prefix: max(1, -(-rt.records(user).count() // PAGE_SIZE)) for rt in RECORD_TYPES[:3]},
        }

    user_groups = list(
        SectorGroup.objects.filter(committee__code=settings.PORTAL_COMMITTEE_CODE, is_active=True)
        .order_by("sort_order", "id")
        .values_list("pk", flat=True)
    )
    by_role: dict[str, list[User]] = {"staff": [], "leader": [], "chairman": []}
    for user in User.objects.filter(username__startswith="bench-").order_by("username"):
        role = roles.role_of(user)
        key = {roles.STAFF: "staff", roles.LEADER: "leader", roles.CHAIRMAN: "chairman"}.get(role)
        if key:
            by_role[key].append(user)
    sessions = {key: [account(user) for user in users] for key, users in by_role.items()}
    group_members = {
        str(gid): list(
            GroupMembership.objects.filter(membership_covers(today), group_id=gid)
            .order_by("member_id")
            .values_list("member_id", flat=True)
        )
        for gid in user_groups
    }
    extra = []
    for names, label, url_suffix in (
        (("dashboard", "reports_dashboard"), "dashboard", "?year={year}"),
        (("scorecard_list", "scorecards", "scorecard_index"), "scorecards", "?year={year}"),
    ):
        for name in names:
            try:
                extra.append((reverse(name) + url_suffix, label))
                break
            except NoReverseMatch:
                continue
    staff = sessions["staff"][0]
    leader = next((a for a in sessions["leader"] if a["username"] == "bench-leader-07"), sessions["leader"][0])
    busiest = max(user_groups, key=lambda gid: len(group_members[str(gid)]))
    member = staff["members"][len(staff["members"]) // 2]
    last_page = staff["activity_pages"]
    single = [
        ("login page", "/accounts/login/", None),
        ("home", "/", "staff"),
        ("activity list, page 1", "/activities/", "staff"),
        ("activity list, page 200", "/activities/?page=200", "staff"),
        (f"activity list, last page ({last_page})", f"/activities/?page={last_page}", "staff"),
        ("activity list, filtered", f"/activities/?group={busiest}&kind=study", "staff"),
        ("activity list, leader", "/activities/", "leader"),
        ("activity list, leader last page", f"/activities/?page={leader['activity_pages']}", "leader"),
        ("calendar, December", f"/activities/calendar/?year={today.year}&month=12", "staff"),
        ("calendar, one group", f"/activities/calendar/?year={today.year}&month=12&group={busiest}", "staff"),
        ("activity detail", f"/activities/{staff['activities'][0]}/", "staff"),
        ("activity form", "/activities/new/", "staff"),
        ("group list", f"/groups/?year={today.year}", "staff"),
        ("group page", f"/groups/{busiest}/?year={today.year}", "staff"),
        ("member duty record", f"/members/{member}/?year={today.year}", "staff"),
        ("member list", "/members/", "staff"),
        ("member list, last page", f"/members/?page={staff['member_pages']}", "staff"),
        *[(label, f"/{prefix}", "staff") for prefix, label in record_lists],
        *[
            (f"{label}, last page", f"/{prefix}?page={staff['record_pages'][prefix]}", "staff")
            for prefix, label in record_lists
        ],
        *[(label, url.replace("{year}", str(today.year)), "chairman") for url, label in extra],
    ]
    plan = {
        "years": years,
        "kinds": list(ActivityKind.values),
        "record_lists": record_lists,
        "extra_pages": extra,
        "sessions": sessions,
        "group_members": group_members,
        "create_day": today.isoformat(),
        "single": single,
        "single_sessions": {
            "staff": staff["sessionid"],
            "leader": leader["sessionid"],
            "chairman": sessions["chairman"][0]["sessionid"],
        },
    }
    Path(path).write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")


def cleanup() -> None:
    """Remove what the locust users created, so a --reuse run starts from the same data."""
    sys.path.insert(0, str(BASE_DIR))
    from bench.dataset import django_setup

    django_setup()
    from activities.models import Activity, Attendance

    created = Activity.objects.filter(title__startswith=CREATED_PREFIX)
    ids = list(created.values_list("pk", flat=True))
    Attendance.history.filter(activity_id__in=ids).delete()
    Attendance.objects.filter(activity_id__in=ids).delete()
    Activity.history.filter(id__in=ids).delete()
    created.delete()
    print(f"  removed {len(ids)} activities created by the run")


# --- the orchestration -----------------------------------------------------------------------


def db_env(kind: str, args: argparse.Namespace, cache: str = "local") -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SQLITE_PATH", "REDIS_URL"}}
    env |= {
        "DJANGO_DEBUG": "0",
        "DJANGO_LOG_LEVEL": "WARNING",
        "DJANGO_ALLOWED_HOSTS": HOST,
        "PORTAL_TODAY": args.today,
        "MEDIA_ROOT": str(Path(args.workdir) / "media"),
        "PYTHONPATH": str(BASE_DIR),
    }
    if kind == "postgres":
        env["DATABASE_URL"] = args.database_url
    else:
        env["SQLITE_PATH"] = str(Path(args.workdir) / f"bench-{args.years}y.sqlite3")
    if cache == "redis":
        env["REDIS_URL"] = args.redis_url
    return env


def empty_redis(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


def recreate_postgres(url: str) -> None:
    import psycopg2

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl().replace("postgres://", "postgresql://", 1)
    connection = psycopg2.connect(admin)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def build_dataset(kind: str, args: argparse.Namespace, env: dict[str, str]) -> None:
    print(f"  building the dataset ({args.years} years up to {args.today}) …", flush=True)
    command = [PYTHON, str(BASE_DIR / "bench" / "dataset.py"), "--years", str(args.years), "--today", args.today]
    if kind == "postgres":
        recreate_postgres(args.database_url)
    else:
        command += ["--sqlite", env["SQLITE_PATH"]]
    subprocess.run(command, env=env, check=True, cwd=BASE_DIR)


def prepare(kind: str, args: argparse.Namespace, env: dict[str, str], plan_path: Path, *, reuse: bool) -> dict:
    def plan() -> int:
        command = [PYTHON, __file__, "--plan", str(plan_path), "--today", args.today]
        return subprocess.run(command, env=env, cwd=BASE_DIR).returncode

    if not reuse:
        build_dataset(kind, args, env)
    code = plan()
    if code == 3:
        build_dataset(kind, args, env)
        code = plan()
    if code != 0:
        raise SystemExit(f"preparing the {kind} run failed ({code})")
    return json.loads(plan_path.read_text(encoding="utf-8"))


def start_gunicorn(args: argparse.Namespace, env: dict[str, str], log: Path) -> subprocess.Popen:
    command = [
        str(BIN / "gunicorn"),
        "wenzhou_sectors.wsgi",
        "--bind",
        f"{HOST}:{args.port}",
        "--workers",
        str(args.workers),
        "--timeout",
        "60",
        "--backlog",
        "2048",
        "--error-logfile",
        str(log),
    ]
    server = subprocess.Popen(command, env=env, cwd=BASE_DIR, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://{HOST}:{args.port}/accounts/login/", timeout=5) as response:
                if response.status == 200:
                    return server
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
    stop(server)
    raise SystemExit(f"gunicorn did not answer on {HOST}:{args.port}; see {log}")


def stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)  # our own session: gunicorn's master and its workers
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def one_request_times(args: argparse.Namespace, plan: dict) -> dict[str, dict]:
    """Each page alone: a few warm-up requests (every worker), then --single timed ones in a row."""
    results = {}
    for label, url, role in plan["single"]:
        headers = {"Cookie": f"sessionid={plan['single_sessions'][role]}"} if role else {}
        timings, status = [], 0
        for n in range(args.workers * 2 + args.single):
            request = urllib.request.Request(f"http://{HOST}:{args.port}{url}", headers=headers)
            began = time.perf_counter()
            try:
                with urllib.request.urlopen(request, timeout=60) as response:
                    body, status = response.read(), response.status
            except urllib.error.HTTPError as error:
                body, status = b"", error.code
            if n >= args.workers * 2:
                timings.append((time.perf_counter() - began) * 1000)
        results[label] = {"url": url, "status": status, "ms": statistics.median(timings), "kib": len(body) / 1024}
    return results


def run_locust(
    args: argparse.Namespace, env: dict[str, str], plan_path: Path, classes: list[str], out: Path, think: float = 0
) -> dict:
    command = [
        str(BIN / "locust"),
        "-f",
        str(BASE_DIR / "bench" / "locustfile.py"),
        *classes,
        "--headless",
        "--users",
        str(args.users),
        "--spawn-rate",
        # At a user's pace the users arrive over one pause, not all in the same instant.
        str(args.users / think if think > 1 else args.users),
        "--run-time",
        f"{args.duration}s",
        "--host",
        f"http://{HOST}:{args.port}",
        "--csv",
        str(out),
        "--only-summary",
        "--stop-timeout",
        "10",
        "--loglevel",
        "WARNING",
    ]
    locust_env = env | {
        "BENCH_PLAN": str(plan_path),
        "BENCH_MAX_REQUESTS": str(args.max_requests),
        "BENCH_WRITES": "0" if args.no_writes else "1",
        "BENCH_THINK": str(think),
    }
    with open(f"{out}.log", "w", encoding="utf-8") as log:
        subprocess.run(command, env=locust_env, cwd=BASE_DIR, stdout=log, stderr=subprocess.STDOUT, check=False)
    rows = {}
    with open(f"{out}_stats.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            rows[row["Name"]] = {
                "requests": int(row["Request Count"]),
                "errors": int(row["Failure Count"]),
                "rps": float(row["Requests/s"]),
                "p50": float(row["50%"] or 0),
                "p95": float(row["95%"] or 0),
                "p99": float(row["99%"] or 0),
            }
    return rows


def print_tables(kind: str, args: argparse.Namespace, result: dict) -> None:
    baseline = result["baseline"].get("Aggregated", {})
    mixed = result["mixed"]
    single = result["single"]
    writes = "reads only (--no-writes)" if args.no_writes else "with writes"
    print(f"\n### {kind}: {args.users} users, {args.duration} s per phase, {args.workers} gunicorn workers, {writes}\n")
    print("| page | requests | req/s | p50 ms | p95 ms | p99 ms | errors |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    if baseline:
        b = baseline
        print(
            f"| login page (baseline phase) | {b['requests']} | {b['rps']:.1f} | {b['p50']:.0f} | {b['p95']:.0f} "
            f"| {b['p99']:.0f} | {b['errors']} |"
        )
    for name, r in sorted(mixed.items(), key=lambda item: (item[0] == "Aggregated", item[0])):
        label = "**mixed workload, total**" if name == "Aggregated" else name
        print(
            f"| {label} | {r['requests']} | {r['rps']:.1f} | {r['p50']:.0f} | {r['p95']:.0f} | {r['p99']:.0f} "
            f"| {r['errors']} |"
        )
    login = single.get("login page", {}).get("ms") or 0
    print("\n| page alone | one request ms | × login page | KiB | status |")
    print("|---|---:|---:|---:|---:|")
    for label, r in single.items():
        share = f"{r['ms'] / login:.1f}×" if login else "—"
        print(f"| {label} | {r['ms']:.1f} | {share} | {r['kib']:.0f} | {r['status']} |")
    if login:
        over = [label for label, r in single.items() if r["ms"] > 5 * login]
        print(f"\npages alone above 5× the login page (target: none): {', '.join(over) or 'none'}")
    total = mixed.get("Aggregated", {})
    if baseline and total:
        share = total["rps"] / baseline["rps"] if baseline["rps"] else 0
        worst = max((r["p95"] for name, r in mixed.items() if name != "Aggregated"), default=0)
        slowest = max(single.values(), key=lambda r: r["ms"])
        first = single.get("activity list, page 1", {}).get("ms", 0)
        last = next((r["ms"] for label, r in single.items() if label.startswith("activity list, last page")), 0)
        print(
            f"\nmixed throughput / login baseline: {share:.0%} (target ≥ 25%); worst page p95 {worst:.0f} ms "
            f"(target < 300); errors {total['errors']} (target 0); slowest single request {slowest['ms']:.0f} ms "
            f"(target ≤ 50); activity list last page / first: {last / first if first else 0:.2f}× (target ≤ 1.5)"
        )


def run_one(kind: str, args: argparse.Namespace, cache: str = "local", *, first: bool = True) -> dict:
    """One database with one cache; `first`: build the dataset if needed (the next cache reuses it)."""
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    env = db_env(kind, args, cache)
    print(f"\n== {kind}, {cache} cache ==", flush=True)
    if cache == "redis":
        empty_redis(args.redis_url)
    plan_path = workdir / f"plan-{kind}.json"
    plan = prepare(kind, args, env, plan_path, reuse=args.reuse or not first)
    server = start_gunicorn(args, env, workdir / f"gunicorn-{kind}-{cache}.log")
    try:
        print("  one request per page …", flush=True)
        single = one_request_times(args, plan)
        print("  locust: login page baseline …", flush=True)
        baseline = run_locust(args, env, plan_path, ["LoginPage"], workdir / f"{kind}-login")
        print("  locust: mixed workload …", flush=True)
        recorder = start_profiler(args, server, workdir / f"{kind}-mixed.stacks") if args.profile else None
        mixed = run_locust(args, env, plan_path, ["Staff", "Leader", "Chairman"], workdir / f"{kind}-mixed")
        if recorder is not None:
            stop_profiler(recorder)
        paced = {}
        if args.think:
            print(f"  locust: mixed workload, {args.think:g} s between pages …", flush=True)
            users = ["Staff", "Leader", "Chairman"]
            paced = run_locust(args, env, plan_path, users, workdir / f"{kind}-paced", think=args.think)
    finally:
        stop(server)
        subprocess.run([PYTHON, __file__, "--cleanup"], env=env, cwd=BASE_DIR, check=False)
    result = {"single": single, "baseline": baseline, "mixed": mixed, "paced": paced}
    print_tables(f"{kind}, {cache} cache", args, result)
    print_paced(args, paced)
    if args.profile:
        print_profile(workdir / f"{kind}-mixed.stacks")
    return result


def py_spy() -> str | None:
    return shutil.which("py-spy", path=str(BIN)) or shutil.which("py-spy")


def start_profiler(args: argparse.Namespace, server: subprocess.Popen, out: Path) -> subprocess.Popen:
    """py-spy on gunicorn's master and its workers for the mixed phase (it needs ptrace: root, or
    CAP_SYS_PTRACE in a container); what it says goes to `out` + ".log"."""
    out.unlink(missing_ok=True)
    command = [py_spy(), "record", "--pid", str(server.pid), "--subprocesses", "--rate", "100", "--nonblocking"]
    command += ["--format", "raw", "--output", str(out), "--duration", str(args.duration)]
    with open(f"{out}.log", "w", encoding="utf-8") as log:
        return subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)


def stop_profiler(recorder: subprocess.Popen) -> None:
    try:
        recorder.wait(timeout=60)
    except subprocess.TimeoutExpired:
        recorder.kill()
        recorder.wait()


def print_profile(out: Path) -> None:
    sys.path.insert(0, str(BASE_DIR))
    from bench.stacks import report

    if not out.exists():
        print(f"\npy-spy recorded nothing: see {out}.log")
        return
    print("\n(profiled: py-spy sampled the workers during the mixed workload, so its throughput is lower)")
    report(out)


def print_paced(args: argparse.Namespace, paced: dict) -> None:
    """The mixed workload at a user's pace: what a user waits for when the server is not saturated."""
    total = paced.get("Aggregated")
    if not total:
        return
    worst_name, worst = max(
        ((name, r) for name, r in paced.items() if name != "Aggregated"), key=lambda item: item[1]["p95"]
    )
    print(
        f"\nat a user's pace ({args.users} users, {args.think / 2:g}–{args.think * 3 / 2:g} s between pages): "
        f"{total['rps']:.1f} req/s, p50/p95/p99 {total['p50']:.0f}/{total['p95']:.0f}/{total['p99']:.0f} ms "
        f"(target p95 < 300), errors {total['errors']} in {total['requests']}; "
        f"worst page p95 {worst['p95']:.0f} ms ({worst_name})"
    )


def main() -> None:
    args = parse_args()
    if args.plan:
        write_plan(args.plan, datetime.date.fromisoformat(args.today))
        return
    if args.cleanup:
        cleanup()
        return
    if shutil.which("locust", path=str(BIN)) is None:
        raise SystemExit("locust is missing: .venv/bin/pip install -r requirements-dev.txt")
    if args.profile and py_spy() is None:
        raise SystemExit("py-spy is missing: .venv/bin/pip install -r requirements-dev.txt")
    kinds = ["postgres", "sqlite"] if args.db == "both" else [args.db]
    caches = ["redis", "local"] if args.cache == "both" else [args.cache]
    began = time.perf_counter()
    results = {
        f"{kind}, {cache} cache": run_one(kind, args, cache, first=n == 0)
        for kind in kinds
        for n, cache in enumerate(caches)
    }
    print(f"\ntotal {time.perf_counter() - began:.0f} s")
    if args.json:
        Path(args.json).write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
