"""Where the web workers' CPU went: a py-spy recording of gunicorn, summed up.

    .venv/bin/python bench/bench_load.py --db postgres --cache redis --duration 30 --reuse --profile
    .venv/bin/python bench/stacks.py /tmp/wz-bench-load/postgres-mixed.stacks      # again, from the file

`bench_load.py --profile` attaches py-spy (a sampling profiler, requirements-dev.txt) to
gunicorn's master and its workers while the mixed workload runs, and writes what it
sampled in py-spy's raw format: one line per distinct stack, `frame;frame;… count`, the
outermost frame first. Unlike cProfile in one process (bench_mix.py), it measures the
server as production runs it, at a cost the same for every function.

A sample whose innermost frame waits for the database, Redis or the client is I/O, not
CPU: it is counted apart. Every other sample is put in one *kind* of work by its innermost
frame that names one (a list copied inside a query's clone is query building), and also
counted, whatever else it was doing, under the view that answered and under the summary
it was computing (portal.cache).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

# The innermost frame of a sample that was waiting, not computing.
WAITING = (
    "CursorWrapper._execute (django/db/backends/utils.py",
    "SocketBuffer._read_from_socket (redis/",
    "AbstractConnection.send_packed_command (redis/",
    "write (gunicorn/util.py",
    "close_graceful (gunicorn/util.py",
    "DatabaseWrapper.is_usable (django/db/backends/postgresql/",
)

# A frame's file → the kind of work; the first rule that matches wins, innermost frame first.
KINDS: list[tuple[str, tuple[str, ...]]] = [
    ("database driver", ("psycopg2/", "django/db/backends/")),
    (
        "ORM: building and compiling SQL",
        (
            "django/db/models/sql/",
            "django/db/models/expressions.py",
            "django/db/models/lookups.py",
            "django/db/models/query_utils.py",
            "django/db/models/aggregates.py",
            "django/db/models/functions/",
            "django/db/models/fields/related_lookups.py",
            "portal/lookups.py",
        ),
    ),
    ("ORM: rows into objects", ("django/db/models/base.py", "django/db/models/fields/")),
    (
        "templates",
        (
            "django/template/",
            "django/templatetags/",
            "/templatetags/",
            "django/utils/formats.py",
            "django/utils/html.py",
            "django/utils/safestring.py",
            "django/forms/",
            "crispy_forms/",
        ),
    ),
    ("translation", ("django/utils/translation/", "gettext.py")),
    ("cache client (Redis, pickling)", ("redis/", "django/core/cache/", "portal/faults.py", "pickle")),
    ("sessions and signing", ("django/contrib/sessions/", "django/core/signing.py")),
    ("URL resolving and reversing", ("django/urls/",)),
    ("gunicorn", ("gunicorn/",)),
    ("the portal's own Python", ("reports/", "activities/", "sectors/", "portal/", "members/", "demo/")),
]

# Named steps, counted inclusively (every sample inside them).
STEPS = {
    "session and role (session_roles.restore)": "restore (sectors/accounts/session_roles.py",
    "the signed-in user (auth.get_user)": "get_user (django/contrib/auth/__init__.py",
    "the bell's unread count": "unread_count (sectors/notifications/services.py",
    "rendering a template (render_to_string)": "render_to_string (django/template/loader.py",
}

_FRAME = re.compile(r"^(?P<function>.+?) \((?P<file>[^()]*?)(?::\d+)?\)$")
_VIEW_FILE = re.compile(r"^(reports|activities|sectors|portal|members)/(views/|views\.py|.*/views\.py)")
_COMPUTING = "_computed_once (portal/cache.py"
# Called by portal.cache around a computation, not the computation itself.
_CACHE_CALLS = (
    "portal/faults.py",
    "django/core/cache/",
    "portal/cache.py",
    "contextlib.py",
    "django/utils/connection.py",
)


@dataclass
class Profile:
    cpu: int = 0
    waiting: int = 0
    kinds: Counter = field(default_factory=Counter)
    views: Counter = field(default_factory=Counter)
    summaries: Counter = field(default_factory=Counter)
    steps: Counter = field(default_factory=Counter)


def frames_of(line: str) -> tuple[list[str], int]:
    """One line of py-spy's raw output: the frames (the processes named first dropped), and its count."""
    stack, _, count = line.rstrip("\n").rpartition(" ")
    frames = [frame for frame in stack.split(";") if frame and not frame.startswith(("process ", "thread "))]
    return frames, int(count)


# django/db/models/query.py holds both: a QuerySet's chaining (building) and its iterables (rows).
_ROWS = ("ModelIterable", "ValuesIterable", "ValuesListIterable", "FlatValuesListIterable", "RelatedPopulator")
_ROWS_FUNCTIONS = ("prefetch_related_objects", "prefetch_one_level", "get_prefetcher", "QuerySet._fetch_all")


def kind_of(frames: list[str]) -> str:
    for frame in reversed(frames):
        if "(django/db/models/query.py" in frame:
            rows = frame.startswith(_ROWS) or frame.startswith(_ROWS_FUNCTIONS)
            return "ORM: rows into objects" if rows else "ORM: building and compiling SQL"
        for kind, marks in KINDS:
            if any(mark in frame for mark in marks):
                return kind
    return "other (Python, Django's other parts)"


def view_of(frames: list[str]) -> str:
    for frame in frames:
        match = _FRAME.match(frame)
        if match and _VIEW_FILE.match(match["file"]):
            return match["function"].split(".<locals>")[0]
    return "outside a view (middleware, gunicorn)"


def summary_of(frames: list[str]) -> str | None:
    """The summary being computed (the function whose lambda portal.cache called), if any."""
    for n, frame in enumerate(frames[:-1]):
        if frame.startswith(_COMPUTING):
            called = frames[n + 1]
            if any(mark in called for mark in _CACHE_CALLS):
                return "reading or storing a cached value"
            return called.split(".<locals>")[0].split(" (")[0]
    return None


def read(lines) -> Profile:
    profile = Profile()
    for line in lines:
        if not line.strip():
            continue
        frames, count = frames_of(line)
        if not frames or frames[-1].startswith(WAITING):
            profile.waiting += count
            continue
        profile.cpu += count
        profile.kinds[kind_of(frames)] += count
        profile.views[view_of(frames)] += count
        if (summary := summary_of(frames)) is not None:
            profile.summaries[summary] += count
        joined = ";".join(frames)
        for step, mark in STEPS.items():
            if mark in joined:
                profile.steps[step] += count
    return profile


def _table(title: str, counts: Counter, total: int, limit: int = 15) -> None:
    print(f"\n| {title} | share of the CPU |")
    print("|---|---:|")
    for name, count in counts.most_common(limit):
        print(f"| {name} | {count / total:.1%} |")


def report(path: Path) -> None:
    with open(path, encoding="utf-8", errors="replace") as handle:
        profile = read(handle)
    if not profile.cpu:
        print(f"\nno CPU samples in {path}")
        return
    print(
        f"\nwhere the workers' CPU went ({path.name}): {profile.cpu} samples computing, "
        f"{profile.waiting} waiting for the database, Redis or the client (not counted below)"
    )
    _table("kind of work (by the innermost frame)", profile.kinds, profile.cpu)
    _table("view (inclusive)", profile.views, profile.cpu)
    _table("summary computed afresh (portal.cache, inclusive)", profile.summaries, profile.cpu)
    _table("step of every signed-in page (inclusive)", profile.steps, profile.cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("stacks", type=Path, help="py-spy record --format raw output")
    report(parser.parse_args().stacks)


if __name__ == "__main__":
    sys.exit(main())
