"""The mixed workload of bench_load.py replayed in one process: where its CPU time goes,
and which summaries it computes afresh (portal.cache misses) because of its own saves.

    .venv/bin/python bench/bench_load.py --db postgres --cache redis --duration 10   # dataset and plan
    .venv/bin/python bench/bench_mix.py --tasks 3000 [--seed 7] [--no-writes]

The same users (staff 5 : leaders 3 : chairman 2), tasks, weights and plan as the
locust users: bench/locustfile.py's classes are driven here through a client of this
file's that answers with Django's test client, one request after another. Nothing
else shares the measurement, so two commits can be compared run against run (same
--seed: the same pages in the same order). CPU time is the process's own: the
database server's work (PostgreSQL) is not in it; SQLite's is.

Prints per page the requests, the share of the CPU and the CPU ms of one request,
then the summaries computed afresh by name, and the mean request as a multiple of the
login page. The first --warmup tasks (every summary cold) are not counted.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections import Counter, defaultdict
from contextlib import contextmanager
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--plan", default="/tmp/wz-bench-load/plan-postgres.json", help="written by bench_load.py")
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/wz_bench")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/12", help="emptied first; 'none': no Redis")
    parser.add_argument("--today", default="2025-12-31")
    parser.add_argument("--tasks", type=int, default=3000, help="user tasks (a save is three requests)")
    parser.add_argument("--warmup", type=int, default=500, help="tasks first, not counted")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--no-writes", action="store_true", help="open the activity form but save nothing")
    return parser.parse_args()


class Recorder:
    """CPU time per page, and the summaries computed afresh while a page was asked for."""

    def __init__(self) -> None:
        self.on = False
        self.cpu: dict[str, list[float]] = defaultdict(list)
        self.computed: Counter[str] = Counter()
        self.computed_cpu: Counter[str] = Counter()
        self.failures: Counter[str] = Counter()

    def page(self, name: str, seconds: float) -> None:
        if self.on:
            self.cpu[name].append(seconds)

    def summary(self, name: str, seconds: float) -> None:
        if self.on:
            self.computed[name] += 1
            self.computed_cpu[name] += seconds


class Answer:
    """What the locust users read of a response."""

    def __init__(self, response, url: str, recorder: Recorder, name: str) -> None:
        self.status_code = response.status_code
        self.content = response.content
        self.text = response.content.decode(errors="replace")
        self.url = response.get("Location", "") if 300 <= response.status_code < 400 else url
        self._recorder, self._name = recorder, name

    def failure(self, message: str) -> None:
        self._recorder.failures[f"{self._name}: {message}"] += 1


class ReplayClient:
    """The part of locust's FastHttpSession the users call, answered in-process."""

    def __init__(self, client, recorder: Recorder) -> None:
        self.client, self.recorder = client, recorder

    @contextmanager
    def get(self, url: str, name: str, catch_response: bool = True):
        yield self._timed(name, url, lambda: self.client.get(url))

    @contextmanager
    def post(self, url: str, data: dict, name: str, catch_response: bool = True):
        yield self._timed(name, url, lambda: self.client.post(url, data))

    def _timed(self, name: str, url: str, ask) -> Answer:
        began = time.process_time()
        response = ask()
        self.recorder.page(name, time.process_time() - began)
        return Answer(response, url, self.recorder, name)


def watch_summaries(recorder: Recorder) -> None:
    """Count each summary computed afresh (portal.cache's single computation)."""
    from portal import cache as freshness

    computed_once = freshness._computed_once

    def counted(key, compute):
        def timed():
            began = time.process_time()
            try:
                return compute()
            finally:
                recorder.summary(key.split(":", 1)[0], time.process_time() - began)

        return computed_once(key, timed)

    freshness._computed_once = counted


def users(mix, count: int, recorder: Recorder, rng: random.Random) -> list:
    """Locust users of the plan's roles by their weights, each with its own signed-in client."""
    from django.test import Client

    classes = [mix.Staff, mix.Leader, mix.Chairman]
    made = []
    for n in range(count):
        cls = rng.choices(classes, weights=[c.weight for c in classes])[0]
        client = Client(HTTP_HOST="127.0.0.1")
        sessions = mix.PLAN["sessions"][cls.role]
        account = sessions[n % len(sessions)]
        client.cookies["sessionid"] = account["sessionid"]
        user = cls.__new__(cls)
        user.client, user.account = ReplayClient(client, recorder), account
        made.append(user)
    return made


def login_cpu(runs: int = 50) -> float:
    from django.test import Client

    client, spent = Client(HTTP_HOST="127.0.0.1"), []
    for _ in range(runs):
        began = time.process_time()
        client.get("/accounts/login/")
        spent.append(time.process_time() - began)
    spent.sort()
    return spent[len(spent) // 2]


def report(recorder: Recorder, login: float) -> None:
    total = sum(sum(v) for v in recorder.cpu.values())
    count = sum(len(v) for v in recorder.cpu.values())
    print("\n| page | requests | share of CPU | CPU ms each |")
    print("|---|---:|---:|---:|")
    for name, spent in sorted(recorder.cpu.items(), key=lambda item: -sum(item[1])):
        print(f"| {name} | {len(spent)} | {sum(spent) / total:.1%} | {sum(spent) / len(spent) * 1000:.1f} |")
    print("\n| summary computed afresh | times | CPU ms in all | share of the mix's CPU |")
    print("|---|---:|---:|---:|")
    for name, times in recorder.computed.most_common():
        spent = recorder.computed_cpu[name]
        print(f"| {name} | {times} | {spent * 1000:.0f} | {spent / total:.1%} |")
    saves = len(recorder.cpu.get("create activity", []))
    mean = total / count
    print(
        f"\n{count} requests ({saves} saves), {total:.1f} s CPU: a mean request {mean * 1000:.1f} ms "
        f"= {mean / login:.1f}× the login page ({login * 1000:.2f} ms); failures {sum(recorder.failures.values())}"
    )
    for failure, times in recorder.failures.most_common(5):
        print(f"  {times} × {failure}")


def main() -> None:
    args = parse_args()
    os.environ["BENCH_PLAN"] = args.plan
    os.environ["PORTAL_TODAY"] = args.today
    # The plan's sessions may have waited longer than the portal's idle sign-out (30 minutes).
    os.environ.setdefault("DJANGO_SESSION_IDLE_MINUTES", "600")
    os.environ["DJANGO_ALLOWED_HOSTS"] = "127.0.0.1"
    os.environ["BENCH_WRITES"] = "0" if args.no_writes else "1"
    # Locust patches the standard library (gevent) when imported: before anything opens a connection.
    import bench.locustfile as mix
    from bench.bench_load import cleanup, empty_redis
    from bench.dataset import django_setup

    if args.redis_url != "none":
        os.environ["REDIS_URL"] = args.redis_url
        empty_redis(args.redis_url)

    django_setup(database_url=args.database_url)
    recorder = Recorder()
    watch_summaries(recorder)
    rng = random.Random(args.seed)
    random.seed(args.seed)  # the locust users' own choices
    crowd = users(mix, args.users, recorder, rng)
    try:
        for n in range(args.warmup + args.tasks):
            recorder.on = n >= args.warmup
            user = crowd[n % len(crowd)]
            rng.choice(type(user).tasks)(user)
        recorder.on = False
        report(recorder, login_cpu())
    finally:
        cleanup()


if __name__ == "__main__":
    main()
