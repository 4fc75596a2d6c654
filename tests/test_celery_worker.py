"""A real Celery worker against the real Redis: a task sent through the broker completes.

Runs only where REDIS_URL is set and the tests use PostgreSQL (CI's PostgreSQL run):
the worker is a separate process, so it must reach the same (committed) test database.
It listens on a queue of its own, so nothing else in Redis reaches it, and is
stopped after the test whatever happens.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

from portal import roles
from sectors.models import Notification
from sectors.tasks import email_notification

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 90  # seconds for the worker to start and run the task

pytestmark = pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (CI's PostgreSQL run)")


def _database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _start_worker(queue: str, log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
        "DJANGO_SETTINGS_MODULE": "wenzhou_sectors.settings",
    }
    command = [sys.executable, "-m", "celery", "-A", "wenzhou_sectors", "worker", "-Q", queue, "--pool=solo"]
    command += ["--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=info"]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)


@pytest.mark.django_db(transaction=True)
def test_it_runs_a_task_on_a_real_worker_through_redis(users, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the worker process cannot see an SQLite test database")
    leader = users[roles.LEADER]
    leader.email = "leader@example.com"
    leader.save(update_fields=["email"])
    # Created directly: the service would also queue the e-mail on the default queue.
    note = Notification.objects.create(user=leader, title="界别学习日提醒", body="民盟：请组织学习活动")
    queue = f"test-{uuid.uuid4().hex}"
    log = tmp_path / "worker.log"
    worker = _start_worker(queue, log)
    try:
        email_notification.apply_async(args=[note.pk], queue=queue)
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline and worker.poll() is None:
            note.refresh_from_db()
            if note.emailed_at is not None:
                break
            time.sleep(0.5)
        note.refresh_from_db()
        output = log.read_text(errors="replace")
        assert note.emailed_at is not None, f"the worker did not complete the task:\n{output[-3000:]}"
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=5)
    output = log.read_text(errors="replace")
    assert "sectors.tasks.email_notification" in output and "succeeded" in output
    assert "To: leader@example.com" in output  # the console e-mail backend printed the message
