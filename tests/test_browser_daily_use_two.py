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

from .factories import make_group
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
