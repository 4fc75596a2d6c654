# ruff: noqa: F811  (the fixture `browser` comes from the journey's module)
"""In headless Chromium at phone size (390×844): a member activates their account
with the code from the printed list, lands on their file, reads a notice, sends
feedback, and signs in again later by mobile. Every member page fits the width
(no sideways scrolling).

Screenshots: test-artifacts/screenshots/member-*.png.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from activities.models import ConstituentContact, OpinionReport
from members.accounts import member_accounts_issue
from members.models import Feedback, NoticeRecipient
from members.notices import notice_send
from reports.setup import assessment_year_ensure
from sectors.models import Constituent

from .factories import make_activity, make_member
from .test_browser_journey import CHROMIUM, browser, open_phone_menu, shot  # noqa: F401  (the fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"Chromium not found at {CHROMIUM}"),
]

PHONE = {"width": 390, "height": 844}
PASSWORD = "Wenzhou-member-2026"


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="zh-CN")
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.base = live_server.url
    yield page
    context.close()


@pytest.fixture
def member_world(settings, committee, group_a, users):
    settings.PORTAL_TODAY = "2025-06-15"
    assessment_year_ensure(committee=committee, year=2025)
    me = make_member(group_a, "陈海燕", mobile="13957712345")
    for month in (1, 2, 3, 4, 5, 6):
        make_activity(
            [group_a],
            title=f"{month}月界别学习日：学习全国政协关于加强界别工作的意见",
            attendees=[me],
            date=datetime.date(2025, month, 1),
        )
    report = OpinionReport.objects.create(
        committee=committee,
        group=group_a,
        title="关于优化鹿城区老旧小区加装电梯审批流程的建议",
        submitted_on=datetime.date(2025, 3, 2),
        status=OpinionReport.Status.ADOPTED_CITY,
    )
    report.submitters.set([me])
    person = Constituent.objects.create(committee=committee, name="瓯海区某社区居民代表")
    ConstituentContact.objects.create(
        group=group_a, member=me, constituent=person, way="in_person", contacted_on=datetime.date(2025, 4, 3)
    )
    staff = users["staff"]
    notice_send(
        by=staff,
        title="关于参加6月界别协商会的通知",
        body="6月20日下午2时，市政协三楼会议室。\n请提前10分钟签到。",
        group=group_a,
    )
    notice_send(by=staff, title="学习材料：政协委员履职手册（2025年版）", body="请各位委员学习。", group=group_a)
    issued = member_accounts_issue(members=[me])
    return {"me": me, "code": issued[0].code}


def _fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url}: {width} px wide"


def test_a_member_activates_reads_and_suggests_on_a_phone(phone, member_world):
    me = member_world["me"]
    phone.goto(f"{phone.base}/me/activate/")
    _fits(phone)
    phone.fill("#id_identifier", me.mobile)
    phone.fill("#id_code", "00000000" if member_world["code"] != "00000000" else "11111111")
    phone.fill("#id_password1", PASSWORD)
    phone.fill("#id_password2", PASSWORD)
    phone.click("button[type=submit]")
    assert "不能打开账号" in phone.content()
    _fits(phone)
    shot(phone, "member-01-activate-refused")
    phone.fill("#id_code", member_world["code"])
    phone.fill("#id_password1", PASSWORD)
    phone.fill("#id_password2", PASSWORD)
    phone.click("button[type=submit]")
    phone.wait_for_url(f"{phone.base}/me/")
    assert "账号已激活" in phone.content()
    assert "还需联系 2 位界别群众" in phone.content()
    _fits(phone)
    shot(phone, "member-02-my-file")

    phone.click(".member-tabs >> text=通知")
    phone.wait_for_url(f"{phone.base}/me/notices/")
    _fits(phone)
    shot(phone, "member-03-notices")
    phone.click("text=关于参加6月界别协商会的通知")
    phone.wait_for_selector("[data-notice-body]")
    _fits(phone)
    shot(phone, "member-04-notice")
    assert NoticeRecipient.objects.filter(member=me, read_at__isnull=False).count() == 1

    phone.click("[data-member-feedback]")
    phone.wait_for_selector("[data-feedback]")
    _fits(phone)
    shot(phone, "member-05-feedback")
    phone.fill("#id_text", "希望通知能有短信提醒。")
    phone.click("form[data-feedback] button[type=submit]")
    phone.wait_for_selector(".alert-success")
    assert Feedback.objects.get().member == me

    phone.goto(f"{phone.base}/me/print/?year=2025")
    _fits(phone)
    shot(phone, "member-06-print")
    phone.goto(f"{phone.base}/me/?year=2024")
    _fits(phone)


def test_a_member_signs_in_again_by_mobile(phone, member_world):
    me = member_world["me"]
    from sectors.models import User

    user = User.objects.get(member=me)
    user.set_password(PASSWORD)
    user.save()
    phone.goto(f"{phone.base}/accounts/login/")
    _fits(phone)
    phone.fill("#id_username", me.mobile)
    phone.fill("#id_password", PASSWORD)
    phone.click("form button[type=submit]")
    phone.wait_for_url(f"{phone.base}/me/")
    open_phone_menu(phone)
    shot(phone, "member-07-menu")
    nav = phone.locator("#mainnav").inner_text()
    assert "我的档案" in nav and "界别活动组" not in nav and "总览" not in nav
