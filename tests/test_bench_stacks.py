"""bench/stacks.py: a py-spy recording of the workers, summed up by kind of work, view and summary."""

from __future__ import annotations

from bench.stacks import kind_of, read, report

GUNICORN = 'process 10:"gunicorn master";process 11:"gunicorn worker";<module> (gunicorn:6)'
HANDLER = f"{GUNICORN};handle (gunicorn/workers/sync.py:135);get_response (django/core/handlers/base.py:136)"
VIEW = f"{HANDLER};_get_response (django/core/handlers/base.py:197);wrapped (portal/access.py:40)"


def line(frames: str, count: int) -> str:
    return f"{frames} {count}\n"


RECORDING = [
    # The activity list building a query: a copy inside Query.clone is query building.
    line(
        f"{VIEW};activity_list (activities/views/activities.py:51);filter (django/db/models/query.py:1489);"
        "clone (django/db/models/sql/query.py:378);copy (copy.py:66)",
        30,
    ),
    # …and waiting for the database: not CPU.
    line(
        f"{VIEW};activity_list (activities/views/activities.py:51);__iter__ (django/db/models/query.py:371);"
        "CursorWrapper._execute (django/db/backends/utils.py:105)",
        50,
    ),
    # The home page computing this year's figures (portal.cache), turning rows into objects.
    line(
        f"{VIEW};home (reports/views/home.py:28);scoped_year_figures (reports/selectors/summary.py:31);"
        "cached (portal/cache.py:396);_computed_once (portal/cache.py:355);"
        "scoped_year_figures.<locals>.<lambda> (reports/selectors/summary.py:35);"
        "ModelIterable.__iter__ (django/db/models/query.py:110);Model.from_db (django/db/models/base.py:590)",
        20,
    ),
    # The home page reading a cached value: not a computation.
    line(
        f"{VIEW};home (reports/views/home.py:28);_computed_once (portal/cache.py:337);"
        "TolerantRedisCache.get (portal/faults.py:127);loads (redis/_parsers/socket.py:10)",
        10,
    ),
    # Rendering, with the bell's count inside it.
    line(
        f"{VIEW};home (reports/views/home.py:40);render_to_string (django/template/loader.py:62);"
        "render (django/template/base.py:171);unread_count (sectors/notifications/services.py:70);"
        "get_aggregation (django/db/models/sql/query.py:448)",
        25,
    ),
    # Middleware: the session's role, before any view.
    line(f"{HANDLER};restore (sectors/accounts/session_roles.py:43);get (portal/faults.py:127)", 15),
    "\n",
]


def test_it_counts_cpu_apart_from_waiting_and_sorts_each_sample_by_its_innermost_named_frame():
    profile = read(RECORDING)
    assert (profile.cpu, profile.waiting) == (100, 50)
    assert profile.kinds == {
        "ORM: building and compiling SQL": 30 + 25,
        "ORM: rows into objects": 20,
        "cache client (Redis, pickling)": 10 + 15,
    }


def test_it_names_the_view_the_summary_computed_and_the_steps_of_every_page():
    profile = read(RECORDING)
    assert profile.views == {"activity_list": 30, "home": 55, "outside a view (middleware, gunicorn)": 15}
    assert profile.summaries == {"scoped_year_figures": 20, "reading or storing a cached value": 10}
    assert profile.steps["the bell's unread count"] == 25
    assert profile.steps["rendering a template (render_to_string)"] == 25
    assert profile.steps["session and role (session_roles.restore)"] == 15
    assert "the signed-in user (auth.get_user)" not in profile.steps


def test_a_frame_of_no_known_kind_falls_to_the_next_one_out():
    assert kind_of(["render (django/template/base.py:171)", "sub (re/__init__.py:185)"]) == "templates"
    assert kind_of(["activity_page (activities/selectors/activity.py:152)"]) == "the portal's own Python"
    assert kind_of(["<module> (gunicorn:6)", "sub (re/__init__.py:185)"]) == "other (Python, Django's other parts)"


def test_the_report_prints_shares_of_the_cpu(tmp_path, capsys):
    recording = tmp_path / "mixed.stacks"
    recording.write_text("".join(RECORDING), encoding="utf-8")
    report(recording)
    printed = capsys.readouterr().out
    assert "100 samples computing, 50 waiting" in printed
    assert "| ORM: building and compiling SQL | 55.0% |" in printed
    assert "| scoped_year_figures | 20.0% |" in printed

    empty = tmp_path / "empty.stacks"
    empty.write_text("", encoding="utf-8")
    report(empty)
    assert "no CPU samples" in capsys.readouterr().out
