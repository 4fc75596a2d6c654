# ruff: noqa: F811  (the fixture `browser` comes from the journey's module)
"""At phone size in headless Chromium (issue 21): staff open a planned meeting's
check-in screen; the test photographs the QR code, decodes it with zxing-cpp,
and a member's phone (390×844) opens the decoded link, signs in and is checked
in. The member's pages never scroll sideways. Screenshots in
test-artifacts/screenshots/ (meeting_*.png)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from activities.carriers import ActivityKind
from activities.models import CheckIn, MeetingAnswer
from activities.services import meetings
from portal import roles

from .factories import log_in
from .test_browser_journey import CHROMIUM, PASSWORD, SHOTS, browser  # noqa: F401  (the fixture)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"Chromium not found at {CHROMIUM}"),
]

PHONE = {"width": 390, "height": 844}


def _context(browser, live_server, user=None, viewport=None):
    context = browser.new_context(viewport=viewport or PHONE, locale="zh-CN", device_scale_factor=1)
    context.set_default_timeout(20_000)
    if user is not None:
        client = Client()
        log_in(client, user)
        context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    return context


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide"


def _decode(png: bytes) -> str:
    import zxingcpp
    from PIL import Image

    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert results, "no QR code found in the screenshot"
    return results[0].text


def test_a_member_checks_in_at_phone_size_from_the_rendered_qr_code(browser, live_server, users, member_user, group_a):
    meeting = meetings.meeting_plan(
        user=users[roles.STAFF],
        groups=[group_a],
        kind=ActivityKind.STUDY,
        title="十二月界别学习日",
        date=timezone.localdate(),
        location="市政协三楼会议室",
    )
    meetings.meeting_answer(member=member_user.member, activity=meeting, answer=MeetingAnswer.Answer.ATTEND)

    staff = _context(browser, live_server, users[roles.STAFF], viewport={"width": 1280, "height": 900})
    screen = staff.new_page()
    screen.goto(f"{live_server.url}/activities/{meeting.pk}/check-in/")
    qr = screen.locator("#check-in-qr svg")
    qr.wait_for()
    _shot(screen, "meeting_check_in_screen")
    url = _decode(qr.screenshot(path=str(SHOTS / "meeting_qr_code.png")))
    assert re.fullmatch(rf"{re.escape(live_server.url)}/me/check-in/\?t=[\w:.-]+", url), url

    # The member's phone: not signed in yet; the camera opens the link, the login page returns to it.
    phone = _context(browser, live_server)
    page = phone.new_page()
    page.goto(url)
    page.wait_for_url(re.compile(r"/accounts/login/"))
    _no_sideways_scroll(page)
    page.fill("#id_username", member_user.username)
    page.fill("#id_password", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(re.compile(r"/me/check-in/"))
    message = page.locator("#check-in-message").inner_text()
    assert "签到成功" in message, message
    _shot(page, "meeting_member_checked_in")
    _no_sideways_scroll(page)
    assert CheckIn.objects.filter(activity=meeting, member=member_user.member, method="qr").count() == 1

    # The screen's count follows (htmx refreshes the code every 5 s).
    from playwright.sync_api import expect

    expect(screen.locator("#check-in-count")).to_contain_text("已签到 1", timeout=20_000)

    # The member's meeting page and self-report pages fit the phone.
    for path, name in (
        ("/me/meetings/", "meeting_member_meetings"),
        ("/me/reports/", "meeting_member_self_reports"),
        ("/me/reports/new/?kind=contact", "meeting_member_self_report_form"),
    ):
        page.goto(f"{live_server.url}{path}")
        _no_sideways_scroll(page)
        _shot(page, name)
    page.goto(f"{live_server.url}/me/meetings/")
    assert "已签到" in page.locator(f"#meeting-{meeting.pk}").inner_text()

    # The expected list at phone size too (a leader checks it on their phone).
    leader = _context(browser, live_server, users[roles.LEADER])
    roster = leader.new_page()
    roster.goto(f"{live_server.url}/activities/{meeting.pk}/meeting/")
    assert "李委员" in roster.locator("#roster").inner_text()
    _shot(roster, "meeting_expected_list_phone")
    for context in (staff, phone, leader):
        context.close()


def test_a_member_answers_and_asks_for_leave_at_phone_size(browser, live_server, users, member_user, group_a):
    meeting = meetings.meeting_plan(
        user=users[roles.STAFF], groups=[group_a], kind=ActivityKind.CONSULTATION, title="界别协商会",
        date=timezone.localdate() + timezone.timedelta(days=3), location="会议中心",
    )  # fmt: skip
    phone = _context(browser, live_server, member_user)
    page = phone.new_page()
    page.goto(f"{live_server.url}/me/meetings/")
    card = page.locator(f"#meeting-{meeting.pk}")
    card.locator("input[name=reason]").fill("出差在外")
    card.locator("button[value=leave]").click()
    page.wait_for_load_state()
    assert "待审批" in page.locator(f"#meeting-{meeting.pk} .my-answer").inner_text()
    _no_sideways_scroll(page)
    _shot(page, "meeting_member_asked_leave")
    answer = MeetingAnswer.objects.get(activity=meeting, member=member_user.member)
    assert (answer.answer, answer.reason, answer.leave_status) == ("leave", "出差在外", "pending")
    phone.close()
