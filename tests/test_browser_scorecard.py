# ruff: noqa: F811  (the fixture `browser` comes from the journey's module)
"""In headless Chromium: the demo group leader opens the portal and, on the
first screen of their scorecard, reads what the group still has to do this
year and by when; opens a have to see its rules and the records that count;
is refused another group's scorecard; prints it on A4. The chairman sees the
29 groups' list with the groups that missed a hard rule.

Screenshots go to test-artifacts/screenshots/ (scorecard-*.png).
Skipped when Chromium is not installed (CHROMIUM, default /usr/bin/chromium).
"""

from __future__ import annotations

import datetime
import re
import time
from pathlib import Path

import pytest

from demo.seed import DEMO_PASSWORD, demo_seed
from sectors.models import SectorGroup, User

from .test_browser_journey import CHROMIUM, SHOTS, browser  # noqa: F401  (the fixture)

TODAY = datetime.date(2025, 11, 20)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"Chromium not found at {CHROMIUM}"),
]


@pytest.fixture
def demo(settings, live_server):
    settings.PORTAL_TODAY = TODAY.isoformat()
    demo_seed(today=TODAY)
    return live_server.url


def _page(browser, base: str):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.base = base
    return page


def shot(page, name: str, *, full: bool = True) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full)
    print(f"screenshot: {path}")


def log_in(page, username: str) -> None:
    page.goto(f"{page.base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(f"{page.base}/")


def test_the_demo_leader_sees_at_a_glance_what_is_left_to_do_and_by_when(browser, demo):
    page = _page(browser, demo)
    log_in(page, "leader")
    started = time.monotonic()
    page.get_by_role("link", name="考核情况").click()
    page.wait_for_selector("[data-todo]")
    print(f"scorecard opened in {time.monotonic() - started:.2f} s")
    shot(page, "scorecard-01-leader-first-screen", full=False)

    # The first screen (no scrolling) holds the total, the rank and the list of what is left, with deadlines.
    todo = page.locator("[data-todo] .todo-item")
    assert todo.count() >= 1
    first = todo.first.bounding_box()
    assert first is not None and first["y"] + first["height"] < 900
    assert re.search(r"截止 \d+月\d+日|每月|已逾期", todo.first.inner_text())
    assert "在 29 个界别活动组中排第" in page.locator("[data-rank]").inner_text()
    assert page.locator("[data-haves] .area-card").count() == 8
    assert page.locator("[data-carriers] .area-card").count() == 6

    # A have opens to its rules, what is missing and the records that count, linked.
    area = page.locator("[data-haves] .area-card.verdict-met").first
    area.locator("summary").click()
    evidence = area.locator(".evidence a").first
    assert evidence.is_visible()
    shot(page, "scorecard-02-leader-have-opened")
    href = evidence.get_attribute("href")
    page.goto(f"{page.base}{href}")
    assert page.locator("h1").count() >= 1

    # Another group's scorecard does not exist for this leader.
    leader = User.objects.get(username="leader")
    other = SectorGroup.objects.exclude(pk=leader.sector_group_id).first()
    response = page.goto(f"{page.base}/reports/scorecards/{other.pk}/")
    assert response.status == 404

    # The print view fits A4: at most two pages, no menu.
    page.goto(f"{page.base}/reports/scorecards/{leader.sector_group_id}/print/")
    page.emulate_media(media="print")
    shot(page, "scorecard-03-print")
    pdf = page.pdf(format="A4", print_background=True)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    print(f"print view: {pages} A4 page(s)")
    assert 1 <= pages <= 2
    page.context.close()


def test_the_chairman_sees_the_29_groups_and_those_missing_a_hard_rule(browser, demo, settings):
    settings.PORTAL_TODAY = "2026-01-05"  # the year is over: missed hard rules fail their groups
    page = _page(browser, demo)
    log_in(page, "chairman")
    page.get_by_role("link", name="各组考核").click()
    page.wait_for_selector("[data-scorecards]")
    page.select_option("#year-select", "2025")
    page.wait_for_url(re.compile(r"year=2025"))
    rows = page.locator("[data-scorecards] tbody tr")
    assert rows.count() == 29
    failing = page.locator("[data-scorecards] tbody tr.table-danger")
    assert failing.count() >= 1
    assert "个组未完成（已过截止日期）" in page.locator("[data-summary]").inner_text()
    shot(page, "scorecard-04-chairman-list")
    page.get_by_role("link", name="总分").click()
    page.wait_for_url(re.compile(r"sort=total"))
    totals = [float(t) for t in page.locator("[data-scorecards] tbody tr td:nth-child(3)").all_inner_texts()]
    assert totals == sorted(totals, reverse=True)
    page.context.close()
