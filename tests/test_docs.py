"""The README and docs/: short README, no contradicting table rows, and every
command they tell IT staff to run exists."""

from __future__ import annotations

import re
from pathlib import Path

from django.core.management import get_commands

from portal import roles

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def _tables(text: str) -> list[list[str]]:
    """Each Markdown table's first cells (header and separator left out)."""
    tables, current = [], []
    for line in [*text.splitlines(), ""]:
        if line.startswith("|"):
            current.append(line.split("|")[1].strip())
        elif current:
            tables.append(current[2:])
            current = []
    return tables


def test_the_readme_is_short_and_leads_to_the_docs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.encode()) < 6_000
    assert "bin/run" in readme and "bin/test" in readme
    links = re.findall(r"\]\((docs/[^)]+)\)", readme)
    assert {"docs/staff.md", "docs/it.md", "docs/developers.md"} <= set(links)
    assert all((ROOT / link).exists() for link in links)


def test_no_table_has_two_rows_for_the_same_thing():
    for page in PAGES:
        for cells in _tables(page.read_text(encoding="utf-8")):
            duplicates = {cell for cell in cells if cells.count(cell) > 1}
            assert not duplicates, f"{page.name}: {duplicates}"


def test_every_command_the_docs_name_exists():
    commands = set(get_commands())
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        for name in re.findall(r"manage\.py ([a-z_]+)", text):
            assert name in commands, f"{page.name}: manage.py {name}"
        for script in re.findall(r"(?<![\w./])bin/([a-z_]+)\b", text):
            assert (ROOT / "bin" / script).exists(), f"{page.name}: bin/{script}"


def test_the_roles_table_and_the_rule_agree_that_leaders_do_not_keep_the_roster():
    text = (ROOT / "docs" / "it.md").read_text(encoding="utf-8")
    leader_row = next(line for line in text.splitlines() if line.startswith("| 界别组长"))
    assert "does not keep the roster" in leader_row
    assert roles.LEADER not in roles.ROSTER_EDITORS
    assert "sectors.change_member" not in roles.ROLE_PERMISSIONS[roles.LEADER]
