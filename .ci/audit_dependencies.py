"""CI's dependency audit: pip-audit against both hash-checked locks.

Fails (exit 1) on a known vulnerability. When the vulnerability service
(PyPI's JSON API, pip-audit's default) cannot be reached from the CI machine,
it says so in one plain line and passes: an intranet without internet access
must still be able to run CI, and a skipped audit must not look like a clean one.
Run by .ci/audit-dependencies with the development venv's Python.
"""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

SERVICE = "https://pypi.org/pypi/pip/json"  # what pip-audit's default "pypi" service asks
LOCKS = ("requirements.txt", "requirements-dev.txt")


@dataclass(frozen=True)
class Verdict:
    exit_code: int
    message: str


def service_reachable(url: str = SERVICE, timeout: float = 10) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (a fixed https URL)
            return response.status == 200
    except (urllib.error.URLError, TimeoutError, OSError):
        return False


def vulnerable(report: dict) -> list[str]:
    """One line per known vulnerability in pip-audit's JSON report."""
    lines = []
    for dependency in report.get("dependencies", []):
        for vuln in dependency.get("vulns", []):
            fixed = ", ".join(vuln.get("fix_versions", [])) or "no fixed release"
            lines.append(f"{dependency['name']} {dependency['version']}: {vuln['id']} (fixed in {fixed})")
    return lines


def decide(*, reachable: bool, returncode: int | None, report: dict | None, errors: str = "") -> Verdict:
    """The audit's outcome from what was observed; pure, so it is tested without a network."""
    if not reachable:
        return Verdict(0, f"Dependency audit SKIPPED: the vulnerability service ({SERVICE}) is unreachable.")
    if report is None:
        return Verdict(1, f"Dependency audit FAILED to run (pip-audit exit {returncode}): {errors.strip()[-500:]}")
    found = vulnerable(report)
    if found:
        return Verdict(1, "Known vulnerabilities in the locked dependencies:\n  " + "\n  ".join(found))
    if returncode:
        return Verdict(1, f"Dependency audit FAILED (pip-audit exit {returncode}): {errors.strip()[-500:]}")
    count = len(report.get("dependencies", []))
    return Verdict(0, f"Dependency audit passed: no known vulnerability in {count} locked packages.")


def run_pip_audit(root: Path) -> tuple[int, dict | None, str]:
    command = [sys.executable, "-m", "pip_audit", "--format", "json", "--disable-pip", "--progress-spinner", "off"]
    for lock in LOCKS:
        command += ["-r", str(root / lock)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        report = None
    return done.returncode, report, done.stderr


def main() -> int:
    root = Path(__file__).resolve().parent.parent
    reachable = service_reachable()
    returncode, report, errors = run_pip_audit(root) if reachable else (None, None, "")
    verdict = decide(reachable=reachable, returncode=returncode, report=report, errors=errors)
    print(verdict.message)
    return verdict.exit_code


if __name__ == "__main__":
    sys.exit(main())
