"""Ten concurrent large exports against the other pages' p95, under gunicorn (issue 20).

    .venv/bin/python bench/bench_export_load.py --sqlite /tmp/ten.sqlite3                   # no Redis
    .venv/bin/python bench/bench_export_load.py --sqlite /tmp/ten.sqlite3 --redis-url redis://127.0.0.1:6379/9

On a dataset built by bench/dataset.py: starts gunicorn (--workers, 127.0.0.1:--port) and, with
--redis-url, one Celery worker (concurrency 1, at --nice 10 as docs/it.md deploys it). Times
--samples sequential rounds of the activity list, the home page and a leader's scorecard while
idle, then again from the moment --exports users each ask for one year's activities export at
once until every file is written (the first --samples rounds also on their own: the burst of
requests). A year is above EXPORT_INLINE_ROWS (--inline-rows), so with Redis the exports go to
the worker; without Redis Celery runs them eagerly inside the web workers, as before. Prints
p50/p95 of each phase, the ratio, the time until every export's file was ready, and the load
average (the machine is shared). Stops everything it started.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
BIN = Path(sys.executable).parent


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sqlite", required=True)
    parser.add_argument("--redis-url", default="")
    parser.add_argument("--port", type=int, default=8108)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--exports", type=int, default=10)
    parser.add_argument(
        "--nice", type=int, default=10,
        help="the Celery worker's niceness, as docs/it.md deploys it (10; 0 to run it as the web workers)",
    )  # fmt: skip
    parser.add_argument("--samples", type=int, default=30)
    parser.add_argument("--inline-rows", default="2000")
    parser.add_argument("--today", default="2025-12-31")
    return parser.parse_args()


def environment(args: argparse.Namespace) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env |= {
        "SQLITE_PATH": args.sqlite,
        "PORTAL_TODAY": args.today,
        "DJANGO_DEBUG": "0",
        "DJANGO_LOG_LEVEL": "WARNING",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "MEDIA_ROOT": "/tmp/bench-export-load-media",
        "EXPORT_INLINE_ROWS": args.inline_rows,
        "PYTHONPATH": str(BASE_DIR),
    }
    if args.redis_url:
        env["REDIS_URL"] = args.redis_url
    return env


def sessions(env: dict[str, str]) -> dict[str, str]:
    """Session cookies of bench-staff and bench-leader-07, made in-process with the server's settings."""
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wenzhou_sectors.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    from sectors.models import User

    cookies = {}
    for username in ("bench-staff", "bench-leader-07"):
        client = Client()
        client.force_login(User.objects.get(username=username))
        cookies[username] = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    return cookies


def get(url: str, cookie: str) -> float:
    request = urllib.request.Request(url, headers={"Cookie": cookie})
    start = time.perf_counter()

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=300) as response:
            response.read()
    except urllib.error.HTTPError as answered:
        if answered.code != 302:
            raise
    return (time.perf_counter() - start) * 1000


def phase(base: str, pages: list[tuple[str, str]], cookies: dict[str, str], samples: int) -> list[float]:
    times = []
    for _ in range(samples):
        for path, user in pages:
            times.append(get(base + path, cookies[user]))
    return times


def summary(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    return statistics.median(ordered), ordered[max(0, int(len(ordered) * 0.95) - 1)]


def main() -> None:
    args = parse_args()
    env = environment(args)
    cookies = sessions(env)
    from django.urls import reverse

    from sectors.models import ExportRun, User

    leader = User.objects.get(username="bench-leader-07")
    year = args.today[:4]
    pages = [
        (reverse("activity_list"), "bench-staff"),
        (reverse("home"), "bench-staff"),
        (f"{reverse('scorecard', args=[leader.sector_group_id])}?year={year}", "bench-leader-07"),
    ]
    export = f"{reverse('activity_export')}?year={year}"
    base = f"http://127.0.0.1:{args.port}"
    started = []
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "wenzhou_sectors.wsgi", "--bind", f"127.0.0.1:{args.port}",
         "--workers", str(args.workers), "--timeout", "300"],
        env=env, cwd=BASE_DIR, start_new_session=True,
    )  # fmt: skip
    started.append(server)
    if args.redis_url:
        worker = subprocess.Popen(
            ["nice", "-n", str(args.nice), str(BIN / "celery"), "-A", "wenzhou_sectors", "worker", "-c", "1",
             "--loglevel", "WARNING"],
            env=env, cwd=BASE_DIR, start_new_session=True,
        )  # fmt: skip
        started.append(worker)
    try:
        for _ in range(120):
            try:
                get(base + reverse("login"), "")
                break
            except OSError:
                time.sleep(0.5)
        phase(base, pages, cookies, 2)  # warm every worker's caches
        before = ExportRun.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        worker = f"; Celery worker at nice {args.nice}" if args.redis_url else ""
        print(f"Redis: {'yes' if args.redis_url else 'no'}{worker}; {args.workers} workers; load {os.getloadavg()}")
        idle = phase(base, pages, cookies, args.samples)
        t0 = time.perf_counter()
        threads = [
            threading.Thread(target=get, args=(base + export, cookies["bench-staff"])) for _ in range(args.exports)
        ]
        for thread in threads:
            thread.start()
        ours = ExportRun.objects.filter(pk__gt=before)

        def running() -> bool:
            waiting = any(thread.is_alive() for thread in threads)
            return waiting or ours.filter(status__in=["queued", "running"]).exists()

        burst = phase(base, pages, cookies, args.samples)  # the first rounds: the ten requests arrive
        busy = list(burst)
        while running() and time.perf_counter() - t0 < 600:  # then on until every file is written
            busy += phase(base, pages, cookies, 1)
        ready = time.perf_counter() - t0
        load = os.getloadavg()
        for thread in threads:
            thread.join()
        done = ours.filter(status="done").count()
        (idle_p50, idle_p95), (busy_p50, busy_p95) = summary(idle), summary(busy)
        burst_p95 = summary(burst)[1]
        print(f"idle:                 p50 {idle_p50:7.1f} ms  p95 {idle_p95:7.1f} ms  ({len(idle)} requests)")
        print(
            f"{args.exports} exports at once:  p50 {busy_p50:7.1f} ms  p95 {busy_p95:7.1f} ms  "
            f"({len(busy)} requests until every file was written; load {load})"
        )
        print(f"  their first {len(burst)} requests, as the exports are asked for: p95 {burst_p95:7.1f} ms")
        print(f"p95 busy / idle: {busy_p95 / idle_p95:.2f}×; {done} exports done, all ready after {ready:.1f} s")
    finally:
        for process in started:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)


if __name__ == "__main__":
    main()
