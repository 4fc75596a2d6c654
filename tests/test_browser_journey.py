"""End to end in headless Chromium: staff record a joint consultation meeting
of two groups with 25 attendees and an attachment, find it everywhere it
should appear, edit it and read its history; a group leader does the same for
their own group and is refused for another group's.

Screenshots of every page visited are written to test-artifacts/screenshots/.
Skipped when Chromium is not installed (CHROMIUM, default /usr/bin/chromium).
"""

from __future__ import annotations

import datetime
import os
import re
import time
from pathlib import Path

import pytest

from activities.carriers import ActivityKind
from activities.models import Activity, Attendance

from .factories import make_activity, make_member

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "screenshots"
PASSWORD = "pw-for-tests-1"
DAY = datetime.date(2025, 5, 9)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"Chromium not found at {CHROMIUM}"),
]


@pytest.fixture(scope="module")
def browser():
    # Playwright's sync API runs an event loop in this thread; the ORM calls the
    # tests make around it are ordinary synchronous ones.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    # This run's screenshots only: earlier runs' go, other modules' of this run stay.
    from .conftest import _SESSION_STARTED

    for old in SHOTS.glob("*.png") if SHOTS.exists() else ():
        if old.stat().st_mtime < _SESSION_STARTED:
            old.unlink()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.base = live_server.url
    yield page
    context.close()


@pytest.fixture
def roster(group_a, group_b, leader_member):
    """26 members: 13 in each group (group A's leader, 王组长, is one of its 13)."""
    return {
        group_a.pk: [leader_member] + [make_member(group_a, f"甲{n:02d}") for n in range(12)],
        group_b.pk: [make_member(group_b, f"乙{n:02d}") for n in range(13)],
    }


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    print(f"screenshot: {path}")


def log_in(page, username: str) -> None:
    page.goto(f"{page.base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(re.compile(r"/(accounts/two-factor/.*)?$"))
    if "/accounts/two-factor/" in page.url:
        _two_factor_code_enter(page, username)
    page.wait_for_url(f"{page.base}/")


def open_phone_menu(page) -> None:
    """Open the collapsed menu and wait until it has slid open (Bootstrap adds `show` at the
    end): a click on a link still sliding could land beside it on a loaded machine."""
    page.click(".navbar-toggler")
    page.wait_for_selector("#mainnav.show")


def _two_factor_code_enter(page, username: str) -> None:
    """An administrator signs in with a code from their authenticator (set up on first sign-in)."""
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user__username=username).order_by("-confirmed", "-id").first()
    page.fill("#id_token", f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}")
    page.click("#two-factor-form button[type=submit]")


def fill_activity(page, *, groups, title: str, absent: str | None, attachment: Path | None) -> None:
    page.goto(f"{page.base}/activities/new/")
    if page.locator("select#id_groups").count():
        # Staff: the searchable multi-select (Tom Select): type a name, pick it.
        for group in groups:
            page.click("#id_groups-ts-control")
            page.fill("#id_groups-ts-control", group.short_name)
            page.locator(".ts-dropdown .option", has_text=group.name).first.click()
        page.keyboard.press("Escape")
    else:
        for group in groups:
            box = page.get_by_label(group.name, exact=True)
            if not box.is_checked():
                box.check()
    page.select_option("#id_kind", ActivityKind.CONSULTATION)
    page.fill("#id_date", DAY.isoformat())
    page.dispatch_event("#id_date", "change")
    page.fill("#id_title", title)
    page.fill("#id_location", "市政协三楼会议室")
    page.fill("#id_partners", "市卫健委")
    page.fill("#id_other_participants", "6")
    if attachment is not None:
        page.set_input_files("#id_files", str(attachment))
    # The date's change reloads the list (htmx): choose only in the list of that day, or a
    # slow answer would replace the choices made meanwhile.
    page.wait_for_function("() => !document.querySelector('#attendance-options.htmx-request')")
    page.wait_for_selector("#attendance-options .attendance-row")
    page.click("[data-attendance-all=present]")
    if absent:
        row = page.locator(".attendance-row", has_text=absent)
        row.locator("label", has_text="请假").click()  # one choice: leave, of the kind 请假 unless changed


def test_it_lets_staff_record_a_joint_meeting_and_find_it_everywhere(page, users, group_a, group_b, roster, tmp_path):
    minutes = tmp_path / "会议纪要.pdf"
    minutes.write_bytes(b"%PDF-1.4 minutes of the meeting")
    started = time.monotonic()
    log_in(page, "staff")
    fill_activity(
        page, groups=[group_a, group_b], title="公共卫生安全体系建设专题协商会", absent="乙12", attachment=minutes
    )
    shot(page, "staff-01-activity-form")
    page.click("#activity-form button[type=submit]:not([form])")
    page.wait_for_url(re.compile(r"/activities/\d+/$"))
    elapsed = time.monotonic() - started
    shot(page, "staff-02-activity-detail")

    activity = Activity.objects.get(title="公共卫生安全体系建设专题协商会")
    assert set(activity.groups.all()) == {group_a, group_b}
    assert activity.attendance.filter(status=Attendance.Status.PRESENT).count() == 25
    assert activity.attendance.get(status=Attendance.Status.ABSENT).absence_reason == "leave"
    assert activity.attachments.get().original_name == "会议纪要.pdf"
    print(f"staff recorded the joint meeting (log-in to saved page) in {elapsed:.1f} s")
    assert elapsed < 60, f"recording took {elapsed:.1f} s"
    detail = page.content()
    assert "会议纪要.pdf" in detail and "31" in detail  # 25 present + 6 others = 31 participant-times

    page.goto(f"{page.base}/activities/?month=2025-05")
    assert "公共卫生安全体系建设专题协商会" in page.content()
    shot(page, "staff-03-activity-list")
    page.goto(f"{page.base}/activities/calendar/?year=2025&month=5")
    assert "公共卫生安全体系建设专题协商会" in page.content()
    shot(page, "staff-04-calendar")
    for group in (group_a, group_b):
        page.goto(f"{page.base}/groups/{group.pk}/?year=2025")
        assert "公共卫生安全体系建设专题协商会" in page.content(), group.name
    shot(page, "staff-05-group-page")
    present = [m for members in roster.values() for m in members if m.name != "乙12"]
    for member in present:
        page.goto(f"{page.base}/members/{member.pk}/?year=2025")
        assert "公共卫生安全体系建设专题协商会" in page.content(), member.name
    shot(page, "staff-06-member-page")

    page.goto(f"{page.base}/activities/{activity.pk}/edit/")
    page.wait_for_selector("#attendance-options .attendance-row")
    page.fill("#id_title", "健全公共卫生安全体系专题协商会")
    page.click("#activity-form button[type=submit]:not([form])")
    page.wait_for_url(f"{page.base}/activities/{activity.pk}/")
    history = page.locator(".history-table").inner_text()
    assert "公共卫生安全体系建设专题协商会" in history and "健全公共卫生安全体系专题协商会" in history
    shot(page, "staff-07-history-after-edit")


def test_it_lets_a_leader_record_for_their_group_only(page, users, group_a, group_b, roster):
    others = make_activity([group_b], title="医卫界别调研", date=DAY, attendees=roster[group_b.pk][:3])
    log_in(page, "leader")
    fill_activity(page, groups=[group_a], title="民盟界别协商会", absent=None, attachment=None)
    listed = page.locator("#attendance-options").inner_text()
    assert "甲00" in listed and "乙00" not in listed  # only the leader's own group's members
    shot(page, "leader-01-activity-form")
    page.click("#activity-form button[type=submit]:not([form])")
    page.wait_for_url(re.compile(r"/activities/\d+/$"))
    shot(page, "leader-02-activity-detail")
    mine = Activity.objects.get(title="民盟界别协商会")
    assert list(mine.groups.all()) == [group_a]
    assert mine.attendance.filter(status="present").count() == 13

    page.goto(f"{page.base}/activities/")
    listing = page.content()
    assert "民盟界别协商会" in listing and "医卫界别调研" not in listing
    shot(page, "leader-03-activity-list")
    for url in (f"/activities/{others.pk}/", f"/activities/{others.pk}/edit/", f"/groups/{group_b.pk}/"):
        response = page.goto(f"{page.base}{url}")
        assert response.status == 404, url
    shot(page, "leader-04-other-group-refused")


def test_it_shows_the_chairman_no_way_to_change_anything(page, users, group_a, roster):
    activity = make_activity([group_a], title="民盟学习会", date=DAY, attendees=roster[group_a.pk][:2])
    log_in(page, "chairman")
    page.goto(f"{page.base}/activities/{activity.pk}/")
    assert page.locator(f"a[href='/activities/{activity.pk}/edit/']").count() == 0
    assert page.locator("a[href='/activities/new/']").count() == 0
    shot(page, "chairman-01-activity-detail")
    response = page.goto(f"{page.base}/activities/new/")
    assert response.status == 403


def test_it_walks_an_administrator_through_two_factor_set_up(page, users):
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    page.goto(f"{page.base}/accounts/login/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(re.compile(r"/accounts/two-factor/"))
    assert page.locator("#two-factor-qr svg").count() == 1
    shot(page, "admin-01-two-factor-setup")

    device = TOTPDevice.objects.get(user=users["admin"], confirmed=False)
    page.fill("#id_token", f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}")
    page.click("#two-factor-form button[type=submit]")
    page.wait_for_url(f"{page.base}/")
    page.goto(f"{page.base}/audit/")
    assert page.locator("#audit-trail").is_visible()
    assert "设置两步验证" in page.content()
    shot(page, "admin-02-audit-trail")
    page.goto(f"{page.base}/accounts/")
    shot(page, "admin-03-my-account")
