"""The portal keeps working when a service fails.

- Redis (cache and Celery broker) pointed at a closed port: staff still log an
  activity, nothing is lost, pages still render, and work meant for the worker
  is done in the web process, with a message saying so.
- PostgreSQL connection killed mid-session (pg_terminate_backend from a second
  connection, as a restart does): that request gets a Chinese 503 page, the next
  one succeeds. Runs only in the PostgreSQL run.
"""

from __future__ import annotations

import datetime
import time

import pytest
from celery import shared_task
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import OperationalError, connection
from django.test import RequestFactory
from django.urls import reverse

from activities.models import Activity
from portal.faults import TolerantRedisCache, run_later

from .factories import make_member

CLOSED_PORT = "redis://127.0.0.1:1/0"
DONE: list[str] = []


@shared_task(name="tests.record_done")
def record_done(label: str) -> None:
    DONE.append(label)


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "portal.faults.TolerantRedisCache",
            "LOCATION": CLOSED_PORT,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    from wenzhou_sectors.celery import app

    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}
    app.conf.update(broker_url=CLOSED_PORT, task_always_eager=False)
    _new_connection_pool(app)
    yield app
    app.conf.update(saved)
    _new_connection_pool(app)


def _new_connection_pool(app) -> None:
    # Celery keeps its broker connections in pools made from the settings it first saw.
    from kombu import pools

    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


def test_it_logs_an_activity_while_redis_is_down(redis_down, staff_client, group_a):
    member = make_member(group_a, "李委员")
    started = time.monotonic()
    assert cache.get("anything") is None  # a miss, not an error
    cache.set("anything", 1)
    data = {
        "groups": [group_a.pk],
        "kind": "study",
        "title": "Redis停机时的学习会",
        "date": "2025-03-01",
        "status": "held",
        "format": "offline",
        "location": "市政协",
        "summary": "",
        "other_participants": "0",
        "workstation": "",
        f"att_{member.pk}": "present",
    }
    response = staff_client.post(reverse("activity_create"), data)
    assert response.status_code == 302
    activity = Activity.objects.get(title="Redis停机时的学习会")
    assert activity.date == datetime.date(2025, 3, 1)
    assert list(activity.attendance.values_list("member__name", "status")) == [("李委员", "present")]
    for url in ("/", reverse("activity_list"), reverse("activity_detail", args=[activity.pk])):
        assert staff_client.get(url).status_code == 200
    assert time.monotonic() - started < 30  # gave up on Redis quickly instead of hanging


@pytest.mark.django_db(transaction=True)
def test_it_does_the_workers_job_itself_when_the_broker_is_down(redis_down):
    DONE.clear()
    request = RequestFactory().get("/")
    request.session = {}
    from django.contrib.messages.storage.fallback import FallbackStorage

    request._messages = FallbackStorage(request)
    run_later(record_done, "reminder for 民盟", request=request, what="提醒邮件")
    assert DONE == ["reminder for 民盟"]  # nothing lost: done now, in the web process
    shown = [str(message) for message in get_messages(request)]
    assert any("提醒邮件" in text for text in shown), shown


def _postgresql() -> bool:
    return connection.vendor == "postgresql"


@pytest.mark.django_db(transaction=True)
def test_it_fails_one_request_cleanly_when_postgresql_drops_the_connection(staff_client, group_a):
    if not _postgresql():
        pytest.skip("PostgreSQL only (the CI's PostgreSQL run)")
    import psycopg2

    # As in production: the exception becomes the portal's error page, not a test failure.
    staff_client.raise_request_exception = False
    assert staff_client.get("/").status_code == 200
    connection.ensure_connection()
    victim = connection.connection.get_backend_pid()
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg2.connect(**params) as other, other.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [victim])
        assert cursor.fetchone() == (True,)
    other.close()

    failed = staff_client.get("/")
    assert failed.status_code == 503
    assert "数据库暂时无法连接" in failed.content.decode()
    assert failed["Retry-After"]

    recovered = staff_client.get("/")
    assert recovered.status_code == 200
    assert connection.connection.get_backend_pid() != victim


@pytest.mark.parametrize("error", [ValueError("a bug, not an outage"), OperationalError("a bad query")])
def test_an_error_on_a_working_connection_is_an_ordinary_500(rf, db, error):
    from portal.faults import server_error

    try:
        raise error
    except Exception:
        response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Retry-After" not in response
    assert "数据库暂时无法连接" not in response.content.decode()
    assert connection.is_usable()  # nothing was closed


def test_the_redis_cache_builds_one_client_per_pool_and_stays_tolerant():
    cache = TolerantRedisCache(CLOSED_PORT, {"OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}})
    first = cache._cache.get_client(write=True)
    assert cache._cache.get_client("key") is first and cache._cache.get_client(write=True) is first
    assert cache.get("summary", "missing") == "missing" and cache.add("lock", 1) is False  # Redis is down
