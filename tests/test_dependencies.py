"""The dependency locks: the runtime lock installs no test or benchmark tools,
every pinned package carries a hash, unused libraries are gone, and CI's
dependency audit fails on a known vulnerability and says plainly when it could not ask."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==")


def pinned(lock: str) -> dict[str, str]:
    """Package name -> the requirement's text (with its continuation lines)."""
    text = (ROOT / lock).read_text().replace("\\\n", " ")
    return {m.group(1).lower(): line for line in text.splitlines() if (m := PIN.match(line))}


def audit_module():
    spec = importlib.util.spec_from_file_location("audit_dependencies", ROOT / ".ci" / "audit_dependencies.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass looks itself up there
    spec.loader.exec_module(module)
    return module


def test_it_keeps_test_and_benchmark_tools_out_of_the_runtime_lock():
    runtime = pinned("requirements.txt")
    for tool in (
        "pytest",
        "pytest-django",
        "pytest-xdist",
        "playwright",
        "locust",
        "gevent",
        "flask",
        "ruff",
        "py-spy",
    ):
        assert tool not in runtime
    assert {"django", "gunicorn", "celery", "django-axes"} <= set(runtime)


def test_it_locks_every_package_with_a_hash_and_the_dev_lock_holds_the_runtime_one():
    runtime, dev = pinned("requirements.txt"), pinned("requirements-dev.txt")
    for lock in (runtime, dev):
        assert all("--hash=sha256:" in line for line in lock.values())
    assert {"pytest", "playwright", "locust", "pip-audit", "py-spy"} <= set(dev)
    for name, line in runtime.items():
        assert dev[name].split()[0] == line.split()[0]  # the same version in both


def test_it_neither_installs_nor_loads_the_unused_libraries():
    assert "django-filter" not in pinned("requirements-dev.txt")
    assert "django-htmx" not in pinned("requirements-dev.txt")
    assert "django_filters" not in settings.INSTALLED_APPS and "django_htmx" not in settings.INSTALLED_APPS


REPORT_CLEAN = {"dependencies": [{"name": "django", "version": "5.2.19", "vulns": []}]}
REPORT_VULNERABLE = {
    "dependencies": [
        {"name": "django", "version": "5.2.19", "vulns": []},
        {"name": "flask", "version": "3.1.3", "vulns": [{"id": "GHSA-xxxx", "fix_versions": ["3.1.4"]}]},
    ]
}


@pytest.mark.parametrize(
    ("observed", "exit_code", "words"),
    [
        ({"reachable": False, "returncode": None, "report": None}, 0, "SKIPPED"),
        ({"reachable": True, "returncode": 0, "report": REPORT_CLEAN}, 0, "passed"),
        ({"reachable": True, "returncode": 1, "report": REPORT_VULNERABLE}, 1, "flask 3.1.3: GHSA-xxxx"),
        ({"reachable": True, "returncode": 1, "report": None, "errors": "boom"}, 1, "FAILED to run"),
    ],
)
def test_it_decides_the_audit_from_what_pip_audit_saw(observed, exit_code, words):
    verdict = audit_module().decide(**observed)
    assert verdict.exit_code == exit_code
    assert words in verdict.message


def test_it_calls_an_unreachable_service_unreachable():
    assert audit_module().service_reachable("http://127.0.0.1:9/", timeout=2) is False
