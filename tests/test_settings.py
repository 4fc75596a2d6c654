"""Settings come from the environment, with safe development defaults."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent

_PROBE = """
import json, django
from django.conf import settings
django.setup()
from django.db import connection
from wenzhou_sectors.celery import app
db = settings.DATABASES["default"]
out = {"engine": db["ENGINE"], "name": str(db["NAME"]), "eager": app.conf.task_always_eager,
       "broker": app.conf.broker_url, "cache": settings.CACHES["default"]["BACKEND"], "debug": settings.DEBUG,
       "language": settings.LANGUAGE_CODE, "tz": settings.TIME_ZONE, "options": db.get("OPTIONS", {}),
       "conn_max_age": db.get("CONN_MAX_AGE"), "health_checks": db.get("CONN_HEALTH_CHECKS"),
       "session": settings.SESSION_ENGINE, "session_roles": settings.PORTAL_SESSION_ROLES,
       "server_cursors": not db.get("DISABLE_SERVER_SIDE_CURSORS")}
if db["ENGINE"].endswith("sqlite3"):
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        out["journal_mode"] = cursor.fetchone()[0]
        cursor.execute("PRAGMA busy_timeout")
        out["busy_timeout"] = cursor.fetchone()[0]
print(json.dumps(out))
"""


def _settings_with(env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL", "PYTEST_XDIST"))
    }
    clean |= {"DJANGO_SETTINGS_MODULE": "wenzhou_sectors.settings"} | env
    return subprocess.run(
        [sys.executable, "-c", _PROBE], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=60
    )


def test_it_defaults_to_sqlite_in_wal_mode_with_eager_tasks(tmp_path):
    result = _settings_with({"SQLITE_PATH": str(tmp_path / "portal.sqlite3")})
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert found["engine"] == "django.db.backends.sqlite3"
    assert found["journal_mode"] == "wal"
    assert found["busy_timeout"] == 20000
    assert found["eager"] is True
    assert found["cache"].endswith("LocMemCache")
    assert found["session"].endswith("backends.db") and found["session_roles"] is False
    assert (found["language"], found["tz"]) == ("zh-hans", "Asia/Shanghai")
    assert found["debug"] is True


def test_it_uses_postgresql_and_redis_when_configured():
    # Only settings are read: nothing connects to these hosts.
    result = _settings_with(
        {"DATABASE_URL": "postgres://portal@db.example:5432/sectors", "REDIS_URL": "redis://cache.example:6379/1"}
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert found["engine"] == "django.db.backends.postgresql"
    assert found["name"] == "sectors"
    assert found["eager"] is False
    assert found["broker"] == "redis://cache.example:6379/1"
    assert found["cache"].endswith("RedisCache")
    # Sessions, role and permissions from Redis (issue 20), written through to the database.
    assert found["session"].endswith("backends.cached_db") and found["session_roles"] is True
    # Connection reuse, no JIT for short queries, a statement timeout (docs/it.md, "PostgreSQL settings").
    assert found["conn_max_age"] == 600 and found["health_checks"] is True
    assert found["options"] == {"options": "-c jit=off -c statement_timeout=30000 -c random_page_cost=1.1"}
    assert found["server_cursors"] is False  # a select box of groups is one query, not DECLARE/FETCH/CLOSE


@pytest.mark.django_db
def test_a_page_with_a_select_box_of_groups_reads_them_in_one_query(staff_client, group_a, group_b):
    if connection.vendor != "postgresql":
        pytest.skip("server-side cursors are PostgreSQL's (SQLite has none)")
    with CaptureQueriesContext(connection) as queries:
        response = staff_client.get(reverse("activity_list"))
    assert group_a.name in response.content.decode() and group_b.name in response.content.decode()
    assert not [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("DECLARE", "FETCH", "CLOSE"))]


def test_parallel_test_processes_use_redis_databases_of_their_own():
    found = [
        json.loads(_settings_with({"REDIS_URL": "redis://cache.example:6379/15", "PYTEST_XDIST_WORKER": w}).stdout)
        for w in ("gw0", "gw1")
    ]
    assert [f["broker"] for f in found] == ["redis://cache.example:6379/14", "redis://cache.example:6379/13"]


def test_it_takes_the_postgresql_connection_settings_from_the_environment():
    result = _settings_with(
        {
            "DATABASE_URL": "postgres://portal@db.example:5432/sectors",
            "DATABASE_CONN_MAX_AGE": "0",
            "DATABASE_STATEMENT_TIMEOUT_MS": "5000",
        }
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert found["conn_max_age"] == 0
    assert found["options"] == {"options": "-c jit=off -c statement_timeout=5000 -c random_page_cost=1.1"}


def test_it_refuses_production_without_a_secret_key():
    result = _settings_with({"DJANGO_PRODUCTION": "1", "DJANGO_ALLOWED_HOSTS": "portal.example"})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


@pytest.mark.parametrize("debug", ["0", "false", "off"])
def test_it_reads_debug_from_the_environment(debug, tmp_path):
    result = _settings_with({"DJANGO_DEBUG": debug, "SQLITE_PATH": str(tmp_path / "x.sqlite3")})
    assert json.loads(result.stdout)["debug"] is False
