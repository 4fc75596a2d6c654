# ruff: noqa: F811  (the fixture `browser` comes from the journey's module)
"""The year-end dashboard in headless Chromium: charts drawn by ECharts from the
portal's own static files, the bulletin copied with its button, the table views,
the period picker; as chairman and as group leader, in Chinese and English, on
screen and in print emulation (A4).

Screenshots go to test-artifacts/screenshots/dashboard-*.png (and the print view
as a PDF). Skipped when Chromium is not installed (CHROMIUM, default /usr/bin/chromium).
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.core.cache import cache

from activities.carriers import ActivityKind
from activities.models import DutyReport
from reports.setup import assessment_year_ensure
from sectors.models import Workstation

from .factories import make_activity, make_group, make_member
from .test_browser_journey import CHROMIUM, SHOTS, browser  # noqa: F401  (the fixture)

PASSWORD = "pw-for-tests-1"
CHARTS = 5

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"Chromium not found at {CHROMIUM}"),
]


@pytest.fixture(scope="module", autouse=True)
def _earlier_dashboard_files():
    # The print view is also saved as a PDF, which the journey's clean-up (screenshots only) leaves.
    for old in SHOTS.glob("dashboard-*") if SHOTS.exists() else []:
        old.unlink()


@pytest.fixture
def year_of_work(settings, committee, group_a, group_b, leader_member):
    """2025 of six groups, with the default rules, judged on 15 January 2026."""
    settings.PORTAL_TODAY = "2026-01-15"
    cache.clear()
    assessment_year_ensure(committee=committee, year=2025)
    groups = [group_a, group_b] + [make_group(committee, f"第{i}界别", f"第{i}组", order=30 + i) for i in range(4)]
    members = {g.pk: [make_member(g) for _ in range(6)] for g in groups}
    members[group_a.pk].append(leader_member)
    for index, group in enumerate(groups):
        for month in range(1, 13 - index):
            make_activity([group], date=datetime.date(2025, month, 1), attendees=members[group.pk][: 3 + index % 3])
        make_activity([group], kind=ActivityKind.SERVICE, date=datetime.date(2025, 12, 5 + index))
        if index % 2 == 0:
            make_activity([group, groups[index + 1]], kind=ActivityKind.CONSULTATION, date=datetime.date(2025, 5, 9))
        if index < 4:
            meeting = make_activity([group], kind=ActivityKind.DUTY_REPORT, date=datetime.date(2025, 12, 20))
            for member in members[group.pk][:4]:
                DutyReport.objects.create(
                    group=group, member=member, meeting=meeting, title="我的履职", reported_on=meeting.date
                )
        Workstation.objects.create(
            group=group, name=f"驿站{index}", host_kind="studio", established_on=datetime.date(2021, 3, 1)
        )
    for year in range(2019, 2025):
        make_activity([group_a], date=datetime.date(year, 6, 1), attendees=members[group_a.pk][:2])
    return groups


def _page(browser, live_server, username: str, language: str):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    context.set_default_timeout(20_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    return context, page, errors


def _charts_drawn(page) -> None:
    page.wait_for_selector(f'body[data-charts-ready="{CHARTS}"]')
    assert page.locator(".dash-chart svg").count() == CHARTS


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"dashboard-{name}.png"), full_page=True)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_chairman_reads_the_dashboard_on_screen_and_in_print(browser, live_server, users, year_of_work, language):
    context, page, errors = _page(browser, live_server, "chairman", language)
    page.click("nav >> text=" + ("年度看板" if language == "zh-hans" else "Dashboard"))
    page.select_option("#id_year", "2025")
    page.click("#period-year button[type=submit]")
    _charts_drawn(page)
    bulletin = page.locator("#bulletin-zh").inner_text()
    assert bulletin.startswith("6个界别活动组开展学习")
    page.click("[data-copy='#bulletin-zh']")
    assert page.evaluate("navigator.clipboard.readText()") == bulletin
    page.locator("details summary").first.click()
    assert page.locator("details[open] table").first.is_visible()
    _shot(page, f"chairman-{language}-screen")

    page.goto(f"{live_server.url}/dashboard/print/?year=2025")
    page.emulate_media(media="print")
    _charts_drawn(page)
    _shot(page, f"chairman-{language}-print")
    if language == "zh-hans":
        page.pdf(path=str(SHOTS / "dashboard-chairman-zh-hans-print.pdf"), format="A4", print_background=True)
    assert errors == []
    context.close()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_leader_sees_their_group_named_and_the_others_unnamed(browser, live_server, users, year_of_work, language):
    context, page, errors = _page(browser, live_server, "leader", language)
    page.goto(f"{live_server.url}/dashboard/?from=2025-01-01&to=2025-12-31")
    _charts_drawn(page)
    assert page.locator("#leader-scope-note").is_visible()
    text = page.locator("main").inner_text()
    assert "民盟" in text and "医卫" not in text and "第2组" not in text
    _shot(page, f"leader-{language}-screen")

    page.goto(f"{live_server.url}/dashboard/print/?from=2025-01-01&to=2025-12-31")
    page.emulate_media(media="print")
    _charts_drawn(page)
    _shot(page, f"leader-{language}-print")
    assert errors == []
    context.close()


def test_a_bad_period_is_explained_on_the_page(browser, live_server, users, year_of_work):
    context, page, _errors = _page(browser, live_server, "chairman", "zh-hans")
    page.goto(f"{live_server.url}/dashboard/")
    page.fill("#id_from", "2025-06-01")
    page.fill("#id_to", "2025-01-01")
    page.click("#period-range button[type=submit]")
    assert "结束日期早于开始日期。" in page.locator("#period-errors").inner_text()
    context.close()
