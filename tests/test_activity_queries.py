"""Pages cost the same number of queries whatever their size (no N+1)."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activities.models import Attendance

from .factories import make_activity, make_member

DAY = datetime.date(2025, 3, 3)


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def _activities(groups, count: int, members) -> None:
    for n in range(count):
        activity = make_activity(groups, title=f"活动{n}", date=DAY - datetime.timedelta(days=n), attendees=members)
        activity.other_participants = n
        activity.save(update_fields=["other_participants"])


def test_it_lists_5_or_25_activities_in_the_same_number_of_queries(staff_client, leader_client, group_a, group_b):
    members = [make_member(group_a) for _ in range(3)]
    _activities([group_a, group_b], 5, members)
    few = {name: _queries(client, "/activities/") for name, client in (("staff", staff_client), ("l", leader_client))}
    _activities([group_a, group_b], 20, members)
    many = {name: _queries(client, "/activities/") for name, client in (("staff", staff_client), ("l", leader_client))}
    assert few == many
    assert many["staff"] <= 9  # 8 for the list, +1: the unread-notification count in the header


def test_it_draws_a_calendar_month_in_the_same_number_of_queries(staff_client, group_a):
    url = f"{reverse('activity_calendar')}?year=2025&month=3"
    _activities([group_a], 2, [])
    few = _queries(staff_client, url)
    _activities([group_a], 25, [])
    assert _queries(staff_client, url) == few


def test_it_shows_an_activity_in_the_same_number_of_queries_whatever_its_attendance(staff_client, group_a):
    small = make_activity([group_a], date=DAY, attendees=[make_member(group_a) for _ in range(3)])
    big = make_activity([group_a], date=DAY, attendees=[make_member(group_a) for _ in range(40)])
    Attendance.objects.filter(activity=big).update(status="absent", absence_reason="leave")
    assert _queries(staff_client, f"/activities/{small.pk}/") == _queries(staff_client, f"/activities/{big.pk}/")


def test_it_lists_5_or_50_members_for_attendance_in_the_same_number_of_queries(staff_client, group_a, group_b):
    url = f"{reverse('activity_attendance_options')}?groups={group_a.pk}&groups={group_b.pk}&date={DAY}"
    for n in range(5):
        make_member(group_a if n % 2 else group_b)
    few = _queries(staff_client, url)
    for n in range(45):
        make_member(group_a if n % 2 else group_b)
    assert staff_client.get(url).content.decode().count('value="present"') == 50 + 1  # plus the leader
    assert _queries(staff_client, url) == few


def test_it_shows_the_edit_form_in_the_same_number_of_queries_whatever_the_attendance(staff_client, group_a):
    small = make_activity([group_a], date=DAY, attendees=[make_member(group_a) for _ in range(3)])
    big = make_activity([group_a], date=DAY, attendees=[make_member(group_a) for _ in range(30)])
    assert _queries(staff_client, f"/activities/{small.pk}/edit/") == _queries(
        staff_client, f"/activities/{big.pk}/edit/"
    )


def test_it_shows_a_leader_a_joint_activity_in_the_same_number_of_queries(leader_client, group_a, group_b):
    def joint(size: int):
        members = [make_member(group) for group in (group_a, group_b) for _ in range(size)]
        activity = make_activity([group_a, group_b], date=DAY, attendees=members)
        Attendance.objects.filter(activity=activity, member__in=members[::2]).update(
            status="absent", absence_reason="leave"
        )
        return activity

    small, big = joint(2), joint(25)
    assert _queries(leader_client, f"/activities/{small.pk}/") == _queries(leader_client, f"/activities/{big.pk}/")
