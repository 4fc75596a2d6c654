"""bin/run's server (bin/serve, which bin/run ends with), started as bin/run starts it:
the portal's own Chinese 404 page, not Django's English debug page; static files
and the favicon served with DEBUG off; one console line per request; PORT as a
bare port or host:port."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SERVE = ROOT / "bin" / "serve"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _env(tmp_path: Path, port: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))}
    # A database of its own (a 404 for a visitor reads none of it); the rest as bin/run sets it.
    env.update(PORT=port, SQLITE_PATH=str(tmp_path / "serve.sqlite3"), PYTHONUNBUFFERED="1")
    return env


def _get(url: str) -> tuple[int, str, str]:
    request = urllib.request.Request(url, headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read().decode()


@pytest.fixture
def served(tmp_path):
    """bin/serve on a free port given bare (PORT=8011 style); yields (base URL, log file)."""
    port = _free_port()
    log = tmp_path / "console.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [str(SERVE)],
            cwd=ROOT,
            env=_env(tmp_path, str(port)),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if _get(f"{base}/static/favicon.svg")[0] == 200:
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"bin/serve did not start:\n{log.read_text()}")
            time.sleep(0.5)
        yield base, log
    finally:
        os.killpg(process.pid, signal.SIGTERM)  # the server and its autoreloader child
        process.wait(timeout=30)


def test_it_serves_the_portals_chinese_404_with_one_log_line(served):
    base, log = served
    status, content_type, page = _get(f"{base}/no-such-page/")
    assert status == 404 and content_type.startswith("text/html")
    assert "页面不存在" in page and "界别工作平台" in page
    assert "URLconf" not in page and "Page not found" not in page  # not Django's debug page
    assert _get(f"{base}/static/vendor/tom-select/js/tom-select.complete.min.js")[0] == 200
    status, _, _ = _get(f"{base}/favicon.ico")  # redirected to the SVG
    assert status == 200
    time.sleep(1)
    console = log.read_text()
    assert f"http://127.0.0.1:{base.rsplit(':', 1)[1]}" in console  # a bare PORT becomes 127.0.0.1:PORT
    assert len([line for line in console.splitlines() if "/no-such-page/" in line]) == 1
    assert "Not Found" not in console and "Traceback" not in console
    assert console.count("Watching for file changes") == 1


@pytest.mark.parametrize(
    ("port", "shown"), [("8011", "http://127.0.0.1:8011"), ("0.0.0.0:8012", "http://0.0.0.0:8012")]
)
def test_it_reads_port_as_a_port_or_host_and_port(tmp_path, port, shown):
    # Only the banner: the dry run stops bin/serve before it starts the server.
    result = subprocess.run(
        [str(SERVE)], cwd=ROOT, env=_env(tmp_path, port) | {"SERVE_DRY_RUN": "1"}, capture_output=True, text=True
    )
    assert result.returncode == 0 and shown in result.stdout


def test_it_refuses_a_port_it_cannot_read(tmp_path):
    result = subprocess.run([str(SERVE)], cwd=ROOT, env=_env(tmp_path, "http://x"), capture_output=True, text=True)
    assert result.returncode == 2 and "PORT" in result.stderr


def test_it_runs_the_scheduled_jobs_that_are_due_without_redis(tmp_path):
    """bin/run's server sends reminders too: without Redis, run_scheduled every SCHEDULE_EVERY seconds."""
    import sqlite3

    env = _env(tmp_path, str(_free_port())) | {"SCHEDULE_EVERY": "1"}
    manage = [str(ROOT / ".venv" / "bin" / "python"), "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)  # installs the schedule
    database = sqlite3.connect(env["SQLITE_PATH"])
    with database:  # every job last ran 40 days ago: all are due
        database.execute("UPDATE django_celery_beat_periodictask SET last_run_at = datetime('now', '-40 days')")
    log = tmp_path / "console.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [str(SERVE)], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        deadline = time.monotonic() + 120
        while "每晚：保存各界别当年得分快照:" not in log.read_text():
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"no scheduled job ran:\n{log.read_text()}")
            time.sleep(0.5)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    runs = database.execute("SELECT SUM(total_run_count) FROM django_celery_beat_periodictask").fetchone()[0]
    assert runs >= 8 and "run_scheduled every 1 s" in log.read_text()
