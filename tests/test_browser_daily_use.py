# ruff: noqa: F811  (the fixtures `browser` and `page` come from the journey's module)
"""Daily use in headless Chromium: an export's content (the downloaded workbook
rendered as a table), the A4 print views under print media, the home page's year
selector, the searchable group select and numbered pages.

Screenshots go to test-artifacts/screenshots/ (daily-*.png). Skipped when
Chromium is not installed (CHROMIUM, default /usr/bin/chromium).
"""

from __future__ import annotations

import datetime
import io
from html import escape

import pytest
from openpyxl import load_workbook

from activities.carriers import ActivityKind

from .factories import make_activity, make_member, valid_id_card
from .test_browser_journey import browser, log_in, page, pytestmark, shot  # noqa: F401  (fixtures and marks)

MOBILE = "13812345678"


@pytest.fixture
def year_of_work(settings, group_a, group_b, leader_member):
    settings.PORTAL_TODAY = "2025-11-20"
    li = make_member(
        group_a, "李委员", mobile=MOBILE, id_card=valid_id_card(birth="19750512"), party="民盟", employer="温州医科大学"
    )
    zhao = make_member(group_b, "赵医生", mobile="13900001111", employer="温州市人民医院")
    for month in range(1, 12):
        make_activity(
            [group_a], date=datetime.date(2025, month, 1), title=f"民盟{month}月学习会", attendees=[li, leader_member]
        )
    make_activity(
        [group_a, group_b],
        kind=ActivityKind.CONSULTATION,
        date=datetime.date(2025, 5, 9),
        title="=公共卫生联合协商会",  # formula-like: must arrive as text
        attendees=[li, zhao],
    )
    make_activity(
        [group_a, group_b], kind=ActivityKind.DUTY_REPORT, date=datetime.date(2024, 12, 10), title="2024年述职会"
    )
    return {"li": li, "zhao": zhao}


def render_workbook(page, content: bytes, name: str) -> list[list]:
    """Show the downloaded workbook's first sheet as an HTML table and screenshot it."""
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    rows = [["" if value is None else value for value in row] for row in sheet.iter_rows(values_only=True)]
    body = "".join("<tr>" + "".join(f"<td>{escape(str(value))}</td>" for value in row) + "</tr>" for row in rows)
    page.set_content(
        "<html><head><meta charset='utf-8'><style>"
        "body{font-family:'Noto Sans CJK SC',sans-serif;font-size:13px;margin:16px}"
        "td{border:1px solid #999;padding:3px 6px;white-space:nowrap}"
        "</style></head><body>"
        f"<h3>{escape(name)} · {escape(sheet.title)}</h3><table>{body}</table></body></html>"
    )
    shot(page, name)
    return rows


def download(page, selector: str) -> bytes:
    with page.expect_download() as info:
        page.click(selector)
    return open(info.value.path(), "rb").read()


def test_it_exports_what_staff_see_and_masks_it_for_the_chairman(page, users, year_of_work, group_a):
    log_in(page, "staff")
    page.goto(f"{page.base}/activities/?year=2025&group={group_a.pk}")
    rows = render_workbook(page, download(page, "[data-export]"), "daily-01-export-activities-staff")
    assert rows[1][0] == "期间：2025年"
    assert "中国民主同盟界别" in rows[2][0]
    titles = [row[2] for row in rows[6:]]
    assert len(titles) == 12 and "=公共卫生联合协商会" in titles and "2024年述职会" not in titles

    page.goto(f"{page.base}/members/")
    rows = render_workbook(page, download(page, "[data-export]"), "daily-02-export-members-staff")
    assert any(MOBILE in row for row in rows)

    page.context.clear_cookies()
    log_in(page, "chairman")
    page.goto(f"{page.base}/members/")
    rows = render_workbook(page, download(page, "[data-export]"), "daily-03-export-members-chairman")
    assert not any(MOBILE in str(value) for row in rows for value in row)
    assert any("138****5678" in row for row in rows)


def test_it_prints_the_duty_record_and_the_group_page_on_a4(page, users, year_of_work, group_a):
    log_in(page, "staff")
    page.goto(f"{page.base}/members/{year_of_work['li'].pk}/?year=2025")
    page.click("[data-print-view]")
    page.wait_for_selector(".print-header")
    shot(page, "daily-04-member-print-screen")
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    assert page.locator(".print-toolbar").is_hidden()  # no buttons on paper
    assert "温州市政协" in page.inner_text(".print-header")
    assert "2025年" in page.inner_text(".print-period")
    shot(page, "daily-05-member-print")

    page.emulate_media(media="screen")
    page.goto(f"{page.base}/groups/{group_a.pk}/?year=2025")
    page.click("[data-print-view]")
    page.wait_for_selector(".print-header")
    page.emulate_media(media="print")
    assert page.locator(".print-toolbar").is_hidden()
    assert "中国民主同盟界别" in page.inner_text("h1")
    shot(page, "daily-06-group-print")
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page") >= 3  # page breaks between sections


def test_it_switches_the_home_page_to_last_year(page, users, year_of_work):
    log_in(page, "chairman")
    assert "2025年界别工作" in page.inner_text("h1")
    page.select_option("#year-select", "2024")  # applies itself (static/js/portal.js, no inline handler)
    page.wait_for_url("**/?year=2024")
    assert "2024年界别工作" in page.inner_text("h1")
    assert "2024年述职会" in page.inner_text("main")
    shot(page, "daily-07-home-last-year")


def test_it_offers_a_searchable_group_select_and_numbered_pages(page, users, year_of_work, group_a):
    for n in range(40):
        make_activity([group_a], date=datetime.date(2025, 2, 2), title=f"小组活动{n:02d}")
    log_in(page, "staff")
    page.goto(f"{page.base}/activities/new/")
    page.click("#id_groups-ts-control")
    page.fill("#id_groups-ts-control", "医")
    from playwright.sync_api import expect

    expect(page.locator(".ts-dropdown .option")).to_have_text(["医药卫生界别（医卫）"])  # filtered as one types
    shot(page, "daily-08-group-select")

    page.goto(f"{page.base}/activities/?year=2025")
    assert page.locator(".pagination .page-link", has_text="2").count() == 1
    page.fill("#page-jump", "2")
    page.click("[data-page-jump] button")
    page.wait_for_url("**page=2**")
    assert "year=2025" in page.url
    shot(page, "daily-09-activity-list-page-2")


@pytest.mark.parametrize("width", [1920, 1366, 1100])
def test_the_administrators_menu_keeps_every_label_on_one_line(page, users, width):
    """The longest menu (an administrator's) wraps onto a second row, never between the characters of a label."""
    page.set_viewport_size({"width": width, "height": 700})
    log_in(page, users["admin"].username)
    page.goto(f"{page.base}/audit/")
    heights = page.eval_on_selector_all(
        ".portal-navbar .nav-link, .portal-navbar .navbar-text", "els => els.map(e => e.getBoundingClientRect().height)"
    )
    line = page.eval_on_selector(".portal-navbar .nav-link", "e => parseFloat(getComputedStyle(e).lineHeight)")
    assert len(heights) >= 10 and max(heights) < 2 * line, heights
    shot(page, f"daily-admin-menu-{width}")
