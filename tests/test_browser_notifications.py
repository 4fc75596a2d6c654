"""In headless Chromium: a group leader sees the unread count in the header, reads
the notification list, and follows a reminder to the page where it is done.

Screenshot: test-artifacts/screenshots/notifications-01-list.png (and -02 after one is opened).
"""

from __future__ import annotations

import pytest

from sectors import roles
from sectors.notifications import notification_send

from .test_browser_journey import CHROMIUM, browser, log_in, page, shot  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser]


@pytest.fixture
def reminders(users):
    leader = users[roles.LEADER]
    sent = [
        notification_send(
            user=leader,
            title="今年尚未召开界别协商会 · 民盟",
            body="民盟：还需 1 次界别协商会\n截止日期：2025-12-31",
            link="/activities/new/",
            key="reminder:consultation:1:2025-09",
        ),
        notification_send(
            user=leader,
            title="每月1日界别学习日 · 民盟",
            body="民盟：请组织本界别的学习活动，并在平台登记活动及出勤情况。\n截止日期：2025-10-01",
            link="/activities/new/",
            key="reminder:study_day_upcoming:1:2025-10",
        ),
        notification_send(user=leader, title="年度工作计划已逾期 · 民盟", body="民盟：计划已逾期（截止 3月31日）"),
    ]
    sent[2].read_at = sent[2].created_at
    sent[2].save(update_fields=["read_at"])
    return sent


def test_it_shows_a_leader_their_reminders_with_the_unread_count(page, reminders):  # noqa: F811
    log_in(page, "leader")
    assert page.locator(".portal-unread-count").inner_text().startswith("2")
    page.click(".portal-bell")
    page.wait_for_url(f"{page.base}/notifications/")
    assert page.locator(".notification-unread").count() == 2
    assert "还需 1 次界别协商会" in page.content()
    shot(page, "notifications-01-list")
    page.locator(".list-group-item", has_text="今年尚未召开界别协商会").get_by_role("button", name="前往办理").click()
    page.wait_for_url(f"{page.base}/activities/new/")
    assert page.locator(".portal-unread-count").inner_text().startswith("1")
    page.goto(f"{page.base}/notifications/")
    shot(page, "notifications-02-after-opening-one")
    assert page.locator(".notification-unread").count() == 1
