"""One save of an activity is one history entry: not "created", "groups changed"
and "attendance changed" for what the user did in one go."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from activities.carriers import ActivityKind
from activities.models import Activity
from activities.selectors.activity import activity_history

from .factories import make_member

DAY = datetime.date(2025, 5, 9)


@pytest.fixture
def members(group_a, group_b):
    return [make_member(group_a, "张一"), make_member(group_a, "李二"), make_member(group_b, "赵医生")]


def form(groups, members, **changes) -> dict:
    data = {
        "groups": [g.pk for g in groups],
        "kind": ActivityKind.CONSULTATION,
        "title": "联合协商会",
        "date": DAY.isoformat(),
        "status": Activity.Status.HELD,
        "format": Activity.Format.OFFLINE,
        "location": "市政协",
        "partners": "",
        "summary": "",
        "other_participants": "0",
        "workstation": "",
    }
    data.update({f"att_{m.pk}": "present" for m in members})
    data.update(changes)
    return data


def test_it_writes_one_history_entry_when_an_activity_is_created(staff_client, users, group_a, group_b, members):
    response = staff_client.post(reverse("activity_create"), form([group_a, group_b], members))
    activity = Activity.objects.get()
    assert response.status_code == 302
    rows = activity_history(user=users["staff"], activity=activity)
    assert [row.action for row in rows] == ["新增"]
    assert {name for name, _, _ in rows[0].changes} == {"张一", "李二", "赵医生"}
    assert activity.history.count() == 1
    # The one "created" row knows its groups (the m2m snapshot), so a later change is diffed correctly.
    record = activity.history.get()
    assert set(record.groups.values_list("sectorgroup_id", flat=True)) == {group_a.pk, group_b.pk}


def test_it_writes_one_history_entry_when_fields_groups_and_attendance_change(
    staff_client, users, group_a, group_b, members
):
    staff_client.post(reverse("activity_create"), form([group_a], members[:1]))
    activity = Activity.objects.get()
    staff_client.post(
        reverse("activity_edit", args=[activity.pk]), form([group_a, group_b], members, title="联合协商会（修订）")
    )
    rows = activity_history(user=users["staff"], activity=activity)
    assert [row.action for row in rows] == ["修改", "新增"]
    changed = {label: (old, new) for label, old, new in rows[0].changes}
    assert changed["标题"] == ("联合协商会", "联合协商会（修订）")
    assert changed["界别活动组"] == ("中国民主同盟界别", "中国民主同盟界别、医药卫生界别")
    assert changed["李二"] == ("—", "出席") and changed["赵医生"] == ("—", "出席")


def test_it_writes_one_entry_when_only_the_groups_change(staff_client, users, group_a, group_b, members):
    staff_client.post(reverse("activity_create"), form([group_a], []))
    activity = Activity.objects.get()
    staff_client.post(reverse("activity_edit", args=[activity.pk]), form([group_a, group_b], []))
    assert [row.action for row in activity_history(user=users["staff"], activity=activity)] == ["修改", "新增"]
    assert activity.history.count() == 2


def test_it_writes_one_attendance_entry_when_only_the_attendance_changes(staff_client, users, group_a, members):
    staff_client.post(reverse("activity_create"), form([group_a], members[:1]))
    activity = Activity.objects.get()
    staff_client.post(reverse("activity_edit", args=[activity.pk]), form([group_a], members[:2]))
    rows = activity_history(user=users["staff"], activity=activity)
    assert [row.action for row in rows] == ["修改考勤", "新增"]
    assert activity.history.count() == 1


def test_it_writes_nothing_when_nothing_changes(staff_client, users, group_a, members):
    staff_client.post(reverse("activity_create"), form([group_a], members[:1]))
    activity = Activity.objects.get()
    staff_client.post(reverse("activity_edit", args=[activity.pk]), form([group_a], members[:1]))
    assert len(activity_history(user=users["staff"], activity=activity)) == 1
