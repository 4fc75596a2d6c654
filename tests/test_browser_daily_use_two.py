# ruff: noqa: F811  (the fixtures `browser` and `page` come from the journey's module)
"""Daily use, round two, in headless Chromium: the searchable selects, the
attendance choice, the menus at 1366 px and every leader's and chairman's page
at a phone's 390 px.

Screenshots go to test-artifacts/screenshots/ (daily2-*.png). Skipped when
Chromium is not installed (CHROMIUM, default /usr/bin/chromium).
"""

from __future__ import annotations

import datetime
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from portal import roles

from .factories import make_activity, make_group
from .test_access_walk import _rows_for, _url, _walked
from .test_browser_csp import _html_pages, _page_for
from .test_browser_journey import (  # noqa: F401  (fixtures and marks)
    browser,
    fill_activity,
    log_in,
    open_phone_menu,
    page,
    pytestmark,
    roster,
    shot,
)


@pytest.fixture
def zhigong(committee):
    return make_group(committee, "中国致公党界别", "致公党", order=7)


def chosen_groups(page) -> list[str]:
    return page.eval_on_selector("#id_groups", "s => [...s.selectedOptions].map(o => o.textContent.trim())")


def test_it_clears_the_search_after_each_pick(page, users, group_a, group_b, zhigong):
    log_in(page, "staff")
    page.goto(f"{page.base}/activities/new/")
    page.click("#id_groups-ts-control")
    page.fill("#id_groups-ts-control", "致公党")
    page.locator(".ts-dropdown .option", has_text="致公党").first.click()
    expect(page.locator("#id_groups-ts-control")).to_have_value("")
    page.keyboard.type("民盟")  # searches 民盟, not 致公党民盟
    expect(page.locator(".ts-dropdown .option")).to_have_text(["中国民主同盟界别（民盟）"])
    shot(page, "daily2-01-group-select-second-search")
    page.locator(".ts-dropdown .option", has_text="民盟").first.click()
    assert set(chosen_groups(page)) == {"中国民主同盟界别（民盟）", "中国致公党界别（致公党）"}


def test_enter_right_after_typing_picks_the_match_not_the_first_option(page, users, group_a, group_b, zhigong):
    log_in(page, "staff")
    page.goto(f"{page.base}/activities/new/")
    page.click("#id_groups-ts-control")
    page.keyboard.type("医卫")
    page.keyboard.press("Enter")  # at once: within the old 300 ms delay
    assert chosen_groups(page) == ["医药卫生界别（医卫）"]
    page.keyboard.press("Enter")  # the search is empty now: nothing more is picked
    page.keyboard.type("无此界别")
    page.keyboard.press("Enter")
    assert chosen_groups(page) == ["医药卫生界别（医卫）"]
    assert page.url.endswith("/activities/new/")  # and the form was not sent


PHONE = {"width": 390, "height": 844}
WIDEST_ELEMENT = """() => [...document.querySelectorAll("body *")]
  .filter((e) => e.getBoundingClientRect().right > innerWidth + 1 && !e.closest(".table-responsive, svg"))
  .slice(0, 3).map((e) => `${e.tagName.toLowerCase()}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`)"""


@pytest.mark.parametrize("role", [roles.LEADER, roles.CHAIRMAN])
def test_every_page_a_leader_or_the_chairman_uses_fits_a_phone(role, browser, live_server, users, group_a, group_b):
    """At 390 × 844 no page scrolls sideways; a wide table scrolls inside its own .table-responsive box."""
    rows = _rows_for(group_a, "A")
    paths = ["/", *(_url(p, ns, rows) for p, ns in _walked() if role in p.callback.access_roles)]
    paths = _html_pages(users[role], paths)
    context, page = _page_for(browser, live_server, users[role])
    page.set_viewport_size(PHONE)
    too_wide = {}
    try:
        for path in paths:
            page.goto(live_server.url + path)
            page.wait_for_load_state("networkidle")
            width = page.evaluate("document.scrollingElement.scrollWidth")
            if width > PHONE["width"]:
                too_wide[path] = (width, page.evaluate(WIDEST_ELEMENT))
                shot(page, f"daily2-phone-too-wide-{role}-{len(too_wide)}")
        page.goto(f"{live_server.url}/reports/scorecards/{group_a.pk}/")
        shot(page, f"daily2-phone-scorecard-{role}")
    finally:
        context.close()
    assert len(paths) >= 10
    assert too_wide == {}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("role", [roles.ADMIN, roles.STAFF])
def test_the_menu_keeps_to_one_row_at_1366_and_the_language_is_not_cut(page, users, role, language):
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(page, users[role].username)
    page.context.add_cookies([{"name": "django_language", "value": language, "url": page.base}])
    page.goto(f"{page.base}/")
    tops = page.eval_on_selector_all(
        ".portal-navbar :is(.navbar-brand, .navbar-nav > .nav-item, form, .navbar-text)",
        "els => els.map(e => Math.round(e.getBoundingClientRect().top + e.getBoundingClientRect().height / 2))",
    )
    language_box = page.eval_on_selector(".portal-language select", "s => [s.scrollWidth, s.clientWidth]")
    shot(page, f"daily2-menu-1366-{role}-{language}")
    assert max(tops) - min(tops) <= 4, tops  # one row: every item on the same middle line
    assert language_box[0] <= language_box[1]
    select_width = page.eval_on_selector(".portal-language select", "s => s.getBoundingClientRect().width")
    text_width = page.eval_on_selector(
        ".portal-language select",
        "s => { const c = document.createElement('canvas').getContext('2d'); c.font = getComputedStyle(s).font;"
        " return c.measureText(s.selectedOptions[0].text).width; }",
    )
    assert select_width >= text_width + 24  # the name and the arrow both show


# --- The four user stories, on a laptop and on a phone ---------------------------------

SIZES = {"laptop": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}


def fits(page, size: str, name: str) -> None:
    """The page shows without sideways scrolling; a screenshot for the report."""
    width = page.evaluate("document.scrollingElement.scrollWidth")
    shot(page, f"daily2-story-{size}-{name}")
    assert width <= SIZES[size]["width"], f"{name}: {width} px wide"


def open_menu(page, size: str, text: str) -> None:
    """Use the menu as a person would: on a phone, open it first."""
    if size == "phone":
        open_phone_menu(page)
    page.locator("#mainnav .nav-link", has_text=text).first.click()


@pytest.mark.parametrize("size", SIZES)
def test_staff_log_an_activity_with_attendance_and_a_report(page, users, group_a, group_b, roster, size, settings):
    from activities.models import Activity, OpinionReport

    settings.PORTAL_TODAY = "2025-06-30"
    page.set_viewport_size(SIZES[size])
    log_in(page, "staff")
    fill_activity(page, groups=[group_a], title="民盟界别学习会", absent="甲03", attachment=None)
    fits(page, size, "staff-1-activity-form")
    page.click("#activity-form button[type=submit]:not([form])")
    page.wait_for_url(re.compile(r"/activities/\d+/$"))
    fits(page, size, "staff-2-activity-detail")
    activity = Activity.objects.get(title="民盟界别学习会")
    assert activity.attendance.filter(status="present").count() == 12
    assert activity.attendance.get(status="absent").absence_reason == "leave"

    page.goto(f"{page.base}/opinion-reports/new/")
    assert page.input_value("#id_submitted_on") == "2025-06-30"  # today, not empty
    page.select_option("#id_group", str(group_a.pk))
    page.fill("#id_title", "关于老旧小区加装电梯的建议")
    page.fill("#id_content", "加装电梯的审批环节多。")
    page.click("#id_submitters-ts-control")
    page.keyboard.type("甲05")
    page.keyboard.press("Enter")
    fits(page, size, "staff-3-opinion-report-form")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/opinion-reports/\d+/$"))
    fits(page, size, "staff-4-opinion-report")
    report = OpinionReport.objects.get()
    assert [m.name for m in report.submitters.all()] == ["甲05"] and report.history.count() == 1


@pytest.mark.parametrize("size", SIZES)
def test_a_leader_reads_the_scorecard_and_logs_for_the_group(page, users, group_a, roster, size, settings):
    from activities.models import Activity
    from reports.setup import assessment_year_ensure

    settings.PORTAL_TODAY = "2025-06-30"
    assessment_year_ensure(committee=group_a.committee, year=2025)
    page.set_viewport_size(SIZES[size])
    log_in(page, "leader")
    open_menu(page, size, "考核情况")
    page.wait_for_url(f"{page.base}/reports/scorecards/{group_a.pk}/")
    expect(page.locator("[data-months] .month-name").first).to_have_text("1月")
    fits(page, size, "leader-1-scorecard")
    fill_activity(page, groups=[group_a], title="民盟界别协商会", absent=None, attachment=None)
    fits(page, size, "leader-2-activity-form")
    page.click("#activity-form button[type=submit]:not([form])")
    page.wait_for_url(re.compile(r"/activities/\d+/$"))
    assert Activity.objects.get(title="民盟界别协商会").attendance.filter(status="present").count() == 13
    fits(page, size, "leader-3-activity-detail")


@pytest.mark.parametrize("size", SIZES)
def test_the_chairman_reads_the_dashboard_and_exports(page, users, group_a, roster, size, settings):

    import openpyxl

    settings.PORTAL_TODAY = "2025-06-30"
    make_activity([group_a], date=datetime.date(2025, 5, 9), title="民盟学习会", attendees=roster[group_a.pk][:5])
    page.set_viewport_size(SIZES[size])
    log_in(page, "chairman")
    open_menu(page, size, "年度看板")
    page.wait_for_url(re.compile(r"/dashboard/"))
    page.wait_for_load_state("networkidle")
    fits(page, size, "chairman-1-dashboard")
    with page.expect_download() as download:
        page.click("a[href*='/dashboard/export.xlsx']")
    book = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert book.worksheets[0].cell(row=1, column=1).value == "温州市政协"
    page.goto(f"{page.base}/reports/scorecards/")
    fits(page, size, "chairman-2-scorecards")


@pytest.mark.parametrize("size", SIZES)
def test_an_admin_imports_members(page, users, group_a, group_b, size, settings, tmp_path):
    from sectors.models import Member

    from . import sheets
    from .test_browser_import import upload_and_preview

    settings.PORTAL_TODAY = "2025-06-30"
    path = tmp_path / "名册.xlsx"
    path.write_bytes(
        sheets.xlsx(
            [["编号", "姓名", "性别", "界别活动组", "手机"], ["T001", "郑浩然", "男", "民盟", "13800000001"]],
            banner="温州市政协委员名册",
        )
    )
    page.set_viewport_size(SIZES[size])
    log_in(page, "admin")
    if size == "phone":
        open_phone_menu(page)
    page.click("nav [data-nav-manage]")
    page.click("nav >> text=导入")
    page.wait_for_url(re.compile(r"/imports/$"))
    fits(page, size, "admin-1-imports")
    page.click("a[href='/imports/members/']")
    upload_and_preview(page, path)
    assert page.inner_text("[data-count=created]") == "1"
    fits(page, size, "admin-2-preview")
    page.click("#confirm-import")
    page.wait_for_selector("text=导入已完成")
    fits(page, size, "admin-3-result")
    assert Member.objects.get(name="郑浩然").mobile == "13800000001"
