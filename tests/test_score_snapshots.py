"""Nightly score snapshots (once per day) and closing a year (official results that stay fixed)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from activities.carriers import ActivityKind
from portal import roles
from reports.models import ClosedYear, ScoreSnapshot
from reports.setup import assessment_year_ensure
from reports.snapshots import score_history
from reports.tasks import take_score_snapshots

from .factories import make_activity, make_member

D = datetime.date


@pytest.fixture
def year_2025(committee, group_a, group_b):
    for group in (group_a, group_b):
        make_member(group)  # groups that can act (a group without members is not judged)
    return assessment_year_ensure(committee=committee, year=2025)


def test_it_stores_every_groups_scores_once_a_day(year_2025, group_a, group_b):
    make_activity([group_a], kind=ActivityKind.CONSULTATION, date=D(2025, 5, 9))
    assert take_score_snapshots(day="2025-06-01") == 2
    assert take_score_snapshots(day="2025-06-01") == 0  # the same night twice: nothing new
    make_activity([group_b], kind=ActivityKind.CONSULTATION, date=D(2025, 6, 1))
    assert take_score_snapshots(day="2025-06-02") == 2
    trend = score_history(group_id=group_b.pk, year=2025).trend
    assert [s.taken_on for s in trend] == [D(2025, 6, 1), D(2025, 6, 2)]
    assert trend[1].total > trend[0].total  # the meeting shows in the trend
    first = ScoreSnapshot.objects.get(group=group_a, taken_on=D(2025, 6, 1))
    assert first.rank == 1 and {rule["measure"] for rule in first.rules} >= {"consultations", "plan_filed"}


def test_it_takes_no_snapshot_of_a_year_without_rules(group_a):
    assert take_score_snapshots(day="2025-06-01") == 0


def _close(client, year=2025, confirm=True):
    data = {"year": year, **({"confirm": "on"} if confirm else {})}
    return client.post(reverse("year_close"), data)


def test_staff_close_a_year_and_its_result_stays_fixed(year_2025, group_a, group_b, staff_client, users, settings):
    make_activity([group_a], kind=ActivityKind.CONSULTATION, date=D(2025, 5, 9))
    settings.PORTAL_TODAY = "2026-01-05"
    response = _close(staff_client)
    assert response.status_code == 302
    closed = ClosedYear.objects.get(year=2025)
    assert closed.closed_by == users[roles.STAFF] and closed.computed_for == D(2026, 1, 5)
    official = {s.group_id: s for s in ScoreSnapshot.objects.filter(official=True)}
    assert set(official) == {group_a.pk, group_b.pk}
    history = score_history(group_id=group_b.pk, year=2025)
    assert history.official.snapshot.total == official[group_b.pk].total
    assert history.official.records_changed is False
    before = official[group_b.pk].total
    # Later, someone records a 2025 meeting for group B: the official result does not move,
    # and the scorecard can say that the records changed since the year was closed.
    make_activity([group_b], kind=ActivityKind.CONSULTATION, date=D(2025, 11, 3))
    history = score_history(group_id=group_b.pk, year=2025)
    assert history.official.snapshot.total == before
    assert ScoreSnapshot.objects.get(group=group_b, official=True).total == before
    assert history.official.records_changed is True
    assert score_history(group_id=group_a.pk, year=2025).official.records_changed is False


def test_it_refuses_to_close_before_the_last_deadline(year_2025, staff_client, settings):
    settings.PORTAL_TODAY = "2025-12-31"  # the summary deadline itself
    response = _close(staff_client)
    assert response.status_code == 400
    assert "2025年度须在最后截止日期之后、自2026-01-01起方可结束。" in response.content.decode()
    assert not ClosedYear.objects.exists() and not ScoreSnapshot.objects.exists()


def test_it_refuses_to_close_twice(year_2025, staff_client, admin_client_role, settings):
    settings.PORTAL_TODAY = "2026-01-05"
    assert _close(staff_client).status_code == 302
    response = _close(admin_client_role)
    assert response.status_code == 400
    assert "2025年度已经结束。" in response.content.decode()
    assert ClosedYear.objects.count() == 1 and ScoreSnapshot.objects.filter(official=True).count() == 2


@pytest.mark.parametrize(
    "data, message",
    [
        ({"year": 2025}, "请勾选以确认。"),
        ({"year": "abc", "confirm": "on"}, "输入整数。"),
        ({"year": 99999999999999999999, "confirm": "on"}, "2100"),
        ({"year": 2024, "confirm": "on"}, "2024年度没有考核要求，无法结束。"),
        ({"confirm": "on"}, "这个字段是必填项。"),
    ],
)
def test_it_refuses_bad_input_and_writes_nothing(year_2025, staff_client, settings, data, message):
    settings.PORTAL_TODAY = "2026-01-05"
    response = staff_client.post(reverse("year_close"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ClosedYear.objects.exists() and not ScoreSnapshot.objects.exists()


def test_the_page_lists_closable_and_closed_years(year_2025, committee, admin_client_role, settings):
    settings.PORTAL_TODAY = "2026-01-05"
    page = admin_client_role.get(reverse("year_close")).content.decode()
    assert "结束考核年度" in page and "2026-01-01" in page and "尚无已结束的年度" in page
    _close(admin_client_role)
    page = admin_client_role.get(reverse("year_close")).content.decode()
    assert "所有考核年度均已结束" in page and "2026-01-05" in page


@pytest.mark.parametrize("role", [roles.LEADER, roles.CHAIRMAN])
def test_leaders_and_the_chairman_may_not_close_a_year(role, year_2025, clients, settings):
    settings.PORTAL_TODAY = "2026-01-05"
    assert clients[role].get(reverse("year_close")).status_code == 403
    assert _close(clients[role]).status_code == 403
    assert not ClosedYear.objects.exists()


def test_anonymous_users_are_sent_to_log_in(year_2025, clients, settings):
    settings.PORTAL_TODAY = "2026-01-05"
    response = _close(clients["anonymous"])
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert not ClosedYear.objects.exists()


def test_the_scorecard_part_shows_the_trend_and_the_official_result(
    year_2025, group_a, group_b, staff_client, settings
):
    from django.template.loader import render_to_string

    take_score_snapshots(day="2025-06-01")
    make_activity([group_b], kind=ActivityKind.CONSULTATION, date=D(2025, 6, 1))
    take_score_snapshots(day="2025-06-02")
    settings.PORTAL_TODAY = "2026-01-05"
    _close(staff_client)
    make_activity([group_b], kind=ActivityKind.SERVICE, date=D(2025, 12, 3))  # changed after closing
    html = render_to_string(
        "reports/partials/score_history.html", {"history": score_history(group_id=group_b.pk, year=2025)}
    )
    official = ScoreSnapshot.objects.get(group=group_b, official=True)
    assert "2025年度正式结果" in html and f"得分 {official.total}" in html
    assert "该年度的记录在结束后有改动" in html
    assert "<polyline" in html and "2025-06-02" in html
    assert "style=" not in html and "<script" not in html  # ready for a strict CSP


def test_the_scorecard_shows_the_official_result_and_the_trend(
    year_2025, group_a, group_b, staff_client, leader_client, chairman_client, settings
):
    take_score_snapshots(day="2025-06-01")
    take_score_snapshots(day="2025-06-02")
    settings.PORTAL_TODAY = "2026-01-05"
    _close(staff_client)
    stored = ScoreSnapshot.objects.get(group=group_a, official=True)
    url = reverse("scorecard", args=[group_a.pk]) + "?year=2025"
    for client in (leader_client, chairman_client, staff_client):
        page = client.get(url).content.decode()
        assert f"2025年度正式结果（2026-01-05结束）：得分 {stored.total}，名次 {stored.rank}。" in page
        assert "全年得分走势" in page and "该年度的记录在结束后有改动" not in page
    make_activity([group_a], kind=ActivityKind.RESEARCH, date=D(2025, 10, 9))  # edited after closing
    page = leader_client.get(url).content.decode()
    assert f"得分 {stored.total}" in page and "该年度的记录在结束后有改动" in page
    # A leader asking for another group's scorecard still gets "not found".
    assert leader_client.get(reverse("scorecard", args=[group_b.pk]) + "?year=2025").status_code == 404
