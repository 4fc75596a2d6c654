"""The portal ships in simplified Chinese: every message is translated, the
compiled catalogue matches its source, and pages come out in Chinese."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import polib
import pytest

LOCALE = Path(__file__).resolve().parent.parent / "locale" / "zh_Hans" / "LC_MESSAGES"


@pytest.fixture(scope="module")
def catalogue() -> polib.POFile:
    return polib.pofile(str(LOCALE / "django.po"))


def test_it_translates_every_message(catalogue):
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert untranslated == [], f"{len(untranslated)} untranslated, e.g. {untranslated[:5]}"
    assert fuzzy == [], f"{len(fuzzy)} fuzzy, e.g. {fuzzy[:5]}"


def test_it_ships_a_compiled_catalogue_that_matches_the_source(catalogue):
    compiled = {(e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in polib.mofile(str(LOCALE / "django.mo"))}
    stale = [
        entry.msgid
        for entry in catalogue.translated_entries()
        if compiled.get((entry.msgctxt, entry.msgid)) != (entry.msgstr, entry.msgstr_plural)
    ]
    assert stale == [], f"django.mo is out of date (run compilemessages): {stale[:5]}"


@pytest.mark.skipif(not shutil.which("msgfmt"), reason="gettext's msgfmt is not installed")
def test_it_keeps_placeholders_consistent():
    result = subprocess.run(
        ["msgfmt", "--check", "-o", "/dev/null", str(LOCALE / "django.po")], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_it_shows_the_login_page_in_chinese_by_default(client):
    page = client.get("/accounts/login/").content.decode()
    assert "登录" in page
    assert "Log in" not in page


def test_it_switches_to_english_on_request(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    page = client.get("/accounts/login/").content.decode()
    assert "Log in" in page


def test_it_ignores_an_english_browser_until_the_user_picks_english(client):
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "登录" in page
