# ruff: noqa: F811  (the fixture `browser` comes from the journey's module)
"""In headless Chromium: a group leader sees the unread count in the header, reads
the notification list, and follows a reminder to the page where it is done.

Screenshot: test-artifacts/screenshots/notifications-01-list.png (and -02 after one is opened).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from portal import roles
from reports.setup import assessment_year_ensure
from reports.tasks import send_reminders
from sectors.models import Notification

from .test_browser_journey import CHROMIUM, browser, log_in, page, shot  # noqa: F401  (the fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"Chromium not found at {CHROMIUM}"),
]


@pytest.fixture
def reminders(users, committee):
    """What the reminder jobs give group A's leader in September 2025 (no plan, no consultation yet)."""
    assessment_year_ensure(committee=committee, year=2025)
    send_reminders(day="2025-09-01")  # consultation (from 1 September) and the overdue plan
    send_reminders(day="2025-09-28")  # three days before 1 October; and no study session in September
    notes = Notification.objects.filter(user=users[roles.LEADER])
    assert notes.count() == 4
    plan = notes.get(key__startswith="reminder:plan_missing:")
    plan.read_at = plan.created_at
    plan.save(update_fields=["read_at"])
    return notes


def test_it_shows_a_leader_their_reminders_with_the_unread_count(page, reminders):  # noqa: F811
    log_in(page, "leader")
    assert page.locator(".portal-unread-count").inner_text().startswith("3")
    page.click(".portal-bell")
    page.wait_for_url(f"{page.base}/notifications/")
    assert page.locator(".notification-unread").count() == 3
    assert "民盟：还需 1 次界别协商会，截止 12月31日" in page.content()
    shot(page, "notifications-01-list")
    page.locator(".list-group-item", has_text="今年尚未召开界别协商会").get_by_role("button", name="前往办理").click()
    page.wait_for_url(f"{page.base}/activities/new/")
    assert page.locator(".portal-unread-count").inner_text().startswith("2")
    page.goto(f"{page.base}/notifications/")
    shot(page, "notifications-02-after-opening-one")
    assert page.locator(".notification-unread").count() == 2


def test_staff_close_a_year_and_the_scorecard_shows_the_official_result(page, users, committee, group_a, settings):  # noqa: F811
    from reports.tasks import take_score_snapshots

    assessment_year_ensure(committee=committee, year=2025)
    for day in ("2025-03-01", "2025-06-01", "2025-09-01", "2025-12-01"):
        take_score_snapshots(day=day)
    settings.PORTAL_TODAY = "2026-01-05"
    log_in(page, "staff")
    page.click("nav [data-nav-manage]")
    page.click("text=年度结算")
    page.wait_for_url(f"{page.base}/years/close/")
    page.select_option("#id_year", "2025")
    page.check("#id_confirm")
    shot(page, "close-year-01-confirm")
    page.click("button:has-text('结束该年度')")
    page.wait_for_selector(".alert-success")
    assert "2025年度已结束" in page.content()
    page.goto(f"{page.base}/reports/scorecards/{group_a.pk}/?year=2025")
    assert "2025年度正式结果（2026-01-05结束）" in page.locator(".score-official").inner_text()
    assert page.locator(".score-sparkline polyline").count() == 1
    shot(page, "close-year-02-scorecard-official-result")
