# ruff: noqa: F811  (the fixtures `browser` and `page` come from the journey's module)
"""Daily use, round two, in headless Chromium: the searchable selects, the
attendance choice, the menus at 1366 px and every leader's and chairman's page
at a phone's 390 px.

Screenshots go to test-artifacts/screenshots/ (daily2-*.png). Skipped when
Chromium is not installed (CHROMIUM, default /usr/bin/chromium).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from sectors import roles

from .factories import make_group
from .test_access_walk import _rows_for, _url, _walked
from .test_browser_csp import _html_pages, _page_for
from .test_browser_journey import browser, log_in, page, pytestmark, shot  # noqa: F401  (fixtures and marks)


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
