"""Joint activities (several groups) and what a group leader may do with them.

A leader records and changes only activities of their own group alone; a joint
activity is read-only for them and shows only their own members' attendance.
Staff change everything. Attendance is checked on every save, and a planned
activity has none.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from activities.carriers import ActivityKind
from activities.models import Activity, Attachment, Attendance
from activities.services import activity as activity_services
from portal import roles
from sectors.models import GroupMembership

from .factories import make_activity, make_group, make_member

DAY = datetime.date(2025, 3, 1)


def form_data(groups, **overrides) -> dict:
    data = {
        "groups": [g.pk for g in groups],
        "kind": ActivityKind.CONSULTATION,
        "title": "公共卫生联合协商",
        "date": DAY.isoformat(),
        "status": Activity.Status.HELD,
        "format": Activity.Format.OFFLINE,
        "location": "市政协三楼会议室",
        "partners": "",
        "summary": "",
        "other_participants": "4",
        "workstation": "",
    }
    data.update(overrides)
    return data


def attendance_fields(present=(), absent=(), not_recorded=()) -> dict:
    data = {f"att_{member.pk}": "present" for member in present}
    for member in absent:
        data[f"att_{member.pk}"] = "absent"
        data[f"reason_{member.pk}"] = "leave"
    data.update({f"att_{member.pk}": "" for member in not_recorded})
    return data


def statuses(activity) -> dict[str, str]:
    return {row.member.name: row.status for row in activity.attendance.select_related("member")}


def page_of(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def zhang(group_a):
    return make_member(group_a, "张一")


@pytest.fixture
def li(group_a):
    return make_member(group_a, "李二")


@pytest.fixture
def zhao(group_b):
    return make_member(group_b, "赵医生")


@pytest.fixture
def qian(group_b):
    return make_member(group_b, "钱护士")


@pytest.fixture
def joint(group_a, group_b, zhang, zhao, qian):
    """A joint activity of A and B: 张一 (A) and 赵医生 (B) present, 钱护士 (B) absent, one attachment."""
    activity = make_activity(
        [group_a, group_b],
        kind=ActivityKind.CONSULTATION,
        title="联合协商",
        date=DAY,
        attendees=[zhang, zhao, qian],
        other_participants=4,
    )
    Attendance.objects.filter(activity=activity, member=qian).update(status="absent", absence_reason="leave")
    Attachment.objects.create(
        activity=activity, file=SimpleUploadedFile("m.txt", b"minutes"), original_name="联合纪要.txt", size=7
    )
    return activity


@pytest.fixture
def own(group_a, zhang):
    return make_activity([group_a], title="民盟学习", date=DAY, attendees=[zhang])


def group_ids(activity) -> set[int]:
    return set(activity.groups.values_list("pk", flat=True))


# --- A leader cannot bring other groups in ------------------------------------------------


def test_it_refuses_a_leader_adding_another_group_to_a_new_activity(leader_client, group_a, group_b, zhang):
    data = form_data([group_a, group_b]) | attendance_fields(present=[zhang])
    page = page_of(leader_client.post(reverse("activity_create"), data))
    assert "您只能登记本组的活动" in page and "合作单位" in page
    assert 'value="公共卫生联合协商"' in page  # what the leader typed is kept
    assert Activity.objects.count() == 0 and Attendance.objects.count() == 0


def test_it_refuses_a_leader_adding_another_group_on_edit(leader_client, group_a, group_b, own, zhang):
    data = form_data([group_a, group_b], title="改成联合") | attendance_fields(present=[zhang])
    page = page_of(leader_client.post(reverse("activity_edit", args=[own.pk]), data))
    assert "您只能登记本组的活动" in page
    own.refresh_from_db()
    assert own.title == "民盟学习" and group_ids(own) == {group_a.pk}


def test_it_lets_a_leader_name_partner_bodies_in_the_text(leader_client, group_a, zhang):
    data = form_data([group_a], partners="医药卫生界别、市卫健委") | attendance_fields(present=[zhang])
    assert leader_client.post(reverse("activity_create"), data).status_code == 302
    activity = Activity.objects.get()
    assert group_ids(activity) == {group_a.pk} and activity.partners == "医药卫生界别、市卫健委"


def test_it_refuses_other_groups_in_the_service_too(users, group_a, group_b):
    with pytest.raises(ValidationError) as refused:
        activity_services.activity_create(
            user=users[roles.LEADER], groups=[group_a, group_b], kind=ActivityKind.STUDY, title="联合", date=DAY
        )
    assert "groups" in refused.value.message_dict
    assert Activity.objects.count() == 0


# --- A joint activity is read-only for a leader ----------------------------------------------


def test_it_answers_403_to_a_leader_editing_a_joint_activity_and_changes_nothing(
    leader_client, group_a, group_b, joint, zhang
):
    assert leader_client.get(reverse("activity_edit", args=[joint.pk])).status_code == 403
    # Removing the partner group and clearing the attendance is refused as a whole.
    data = form_data([group_a], title="改了") | attendance_fields(not_recorded=[zhang])
    response = leader_client.post(reverse("activity_edit", args=[joint.pk]), data)
    assert response.status_code == 403 and "无权访问" in response.content.decode()
    joint.refresh_from_db()
    assert joint.title == "联合协商" and group_ids(joint) == {group_a.pk, group_b.pk}
    assert statuses(joint) == {"张一": "present", "赵医生": "present", "钱护士": "absent"}


def test_it_answers_403_to_a_leader_deleting_a_joint_activity_and_keeps_it(leader_client, joint):
    assert leader_client.get(reverse("activity_delete", args=[joint.pk])).status_code == 403
    assert leader_client.post(reverse("activity_delete", args=[joint.pk])).status_code == 403
    assert Activity.objects.filter(pk=joint.pk).exists()
    assert statuses(joint) == {"张一": "present", "赵医生": "present", "钱护士": "absent"}
    assert joint.attachments.count() == 1


def test_it_answers_403_to_a_leader_deleting_a_joint_activitys_attachment(leader_client, settings, joint):
    attachment = joint.attachments.get()
    stored = settings.MEDIA_ROOT / attachment.file.name
    url = reverse("attachment_delete", args=[attachment.pk])
    assert leader_client.get(url).status_code == 403
    assert leader_client.post(url).status_code == 403
    assert Attachment.objects.filter(pk=attachment.pk).exists() and stored.exists()
    # Reading it stays allowed: the leader's group took part.
    response = leader_client.get(reverse("attachment_download", args=[attachment.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"minutes"


def test_it_refuses_a_leader_in_the_services_too(users, joint):
    leader = users[roles.LEADER]
    with pytest.raises(PermissionDenied):
        activity_services.activity_delete(user=leader, activity=joint)
    with pytest.raises(PermissionDenied):
        activity_services.attachment_delete(user=leader, attachment=joint.attachments.get())
    assert Activity.objects.filter(pk=joint.pk).exists() and joint.attachments.count() == 1


def test_it_still_lets_a_leader_change_their_own_groups_activity(leader_client, group_a, own, zhang, li):
    data = form_data([group_a], title="民盟学习（二）") | attendance_fields(present=[li], absent=[zhang])
    assert leader_client.post(reverse("activity_edit", args=[own.pk]), data).status_code == 302
    own.refresh_from_db()
    assert own.title == "民盟学习（二）" and statuses(own) == {"张一": "absent", "李二": "present"}
    page = page_of(leader_client.get(reverse("activity_detail", args=[own.pk])))
    assert reverse("activity_edit", args=[own.pk]) in page and reverse("activity_delete", args=[own.pk]) in page


# --- What a leader sees of a joint activity --------------------------------------------------


def test_it_shows_a_leader_only_their_own_members_attendance_and_no_buttons(leader_client, joint):
    page = page_of(leader_client.get(reverse("activity_detail", args=[joint.pk])))
    assert "联合协商" in page and "张一" in page
    assert "赵医生" not in page and "钱护士" not in page
    assert "出席 1 人" in page and "缺席 0 人" in page
    assert "<strong>5</strong>" in page  # 人次: 张一 plus 4 other participants
    assert "仅显示本组委员" in page
    assert reverse("activity_edit", args=[joint.pk]) not in page
    assert reverse("activity_delete", args=[joint.pk]) not in page


def test_it_shows_a_leader_only_their_own_members_in_the_history(
    staff_client, leader_client, group_a, group_b, joint, zhang, zhao, qian, li
):
    data = form_data([group_a, group_b], title="联合协商（修订）") | attendance_fields(
        present=[li, qian], absent=[zhang, zhao]
    )
    assert staff_client.post(reverse("activity_edit", args=[joint.pk]), data).status_code == 302

    history = page_of(leader_client.get(reverse("activity_detail", args=[joint.pk]))).split("修改记录", 1)[1]
    assert "联合协商（修订）" in history  # the activity's own change
    # One save, one entry: the title change and the attendance changes under one "修改".
    assert "张一" in history and "李二" in history
    assert "赵医生" not in history and "钱护士" not in history

    staff_history = page_of(staff_client.get(reverse("activity_detail", args=[joint.pk]))).split("修改记录", 1)[1]
    for name in ("张一", "李二", "赵医生", "钱护士"):
        assert name in staff_history


def test_it_hides_members_who_were_not_in_the_leaders_group_on_that_date(leader_client, group_a, joint):
    # 孙委员 joined group A after the activity: their row (recorded by staff) is not the leader's to see.
    later = make_member(group_a, "孙委员", since=datetime.date(2025, 6, 1))
    Attendance.objects.create(activity=joint, member=later)
    page = page_of(leader_client.get(reverse("activity_detail", args=[joint.pk])))
    assert "张一" in page and "孙委员" not in page and "出席 1 人" in page


@pytest.mark.parametrize("role", [roles.STAFF, roles.CHAIRMAN, roles.ADMIN])
def test_it_shows_everyone_else_all_attendance(clients, joint, role):
    page = page_of(clients[role].get(reverse("activity_detail", args=[joint.pk])))
    for name in ("张一", "赵医生", "钱护士"):
        assert name in page
    assert "出席 2 人" in page and "缺席 1 人" in page and "<strong>6</strong>" in page
    assert "仅显示本组委员" not in page
    has_buttons = reverse("activity_edit", args=[joint.pk]) in page
    assert has_buttons == (role != roles.CHAIRMAN)


def test_it_lists_each_attendee_under_their_group_on_the_day(staff_client, group_a, group_b, joint, committee):
    """A member who moved from A to B after the day stands under A; one of neither group
    under "members of other groups"; each group's present members in one line."""
    moved = make_member(group_a, "孙迁出", until=DAY + datetime.timedelta(days=30))
    GroupMembership.objects.create(member=moved, group=group_b, start_date=DAY + datetime.timedelta(days=31))
    guest = make_member(make_group(committee, "经济界别", "经济", order=30), "周来宾")
    Attendance.objects.bulk_create([Attendance(activity=joint, member=m) for m in (moved, guest)])
    response = staff_client.get(reverse("activity_detail", args=[joint.pk]))
    lines = {g.name: (g.present, [name for name, _ in g.absent]) for g in response.context["attendance_groups"]}
    assert lines == {
        "民盟": ("张一、孙迁出", []),
        "医卫": ("赵医生", ["钱护士"]),
        gettext("Members of other groups"): ("周来宾", []),
    }


# --- Staff change joint activities -------------------------------------------------------------


def test_it_lets_staff_change_and_delete_a_joint_activity(staff_client, group_a, group_b, joint, zhang, zhao, qian):
    data = form_data([group_a, group_b], title="联合协商（修订）") | attendance_fields(
        present=[zhang, qian], not_recorded=[zhao]
    )
    assert staff_client.post(reverse("activity_edit", args=[joint.pk]), data).status_code == 302
    joint.refresh_from_db()
    assert joint.title == "联合协商（修订）" and statuses(joint) == {"张一": "present", "钱护士": "present"}

    attachment = joint.attachments.get()
    assert staff_client.post(reverse("attachment_delete", args=[attachment.pk])).status_code == 302
    assert not Attachment.objects.filter(pk=attachment.pk).exists()

    assert staff_client.post(reverse("activity_delete", args=[joint.pk])).status_code == 302
    assert not Activity.objects.filter(pk=joint.pk).exists() and Attendance.objects.count() == 0


def test_it_lets_staff_add_a_group_to_an_activity(staff_client, group_a, group_b, own, zhang, zhao):
    data = form_data([group_a, group_b], title="民盟学习") | attendance_fields(present=[zhang, zhao])
    assert staff_client.post(reverse("activity_edit", args=[own.pk]), data).status_code == 302
    assert group_ids(own) == {group_a.pk, group_b.pk} and set(statuses(own)) == {"张一", "赵医生"}


# --- The duplicate check ---------------------------------------------------------------------------


def test_it_checks_a_leaders_duplicates_only_in_their_own_group(leader_client, group_a, group_b, zhang):
    make_activity([group_b], kind=ActivityKind.CONSULTATION, title="公共卫生联合协商", date=DAY)
    response = leader_client.post(reverse("activity_create"), form_data([group_a]) | attendance_fields([zhang]))
    assert response.status_code == 302  # B's activity of the same title is neither seen nor revealed
    assert Activity.objects.filter(title="公共卫生联合协商").count() == 2

    page = page_of(leader_client.post(reverse("activity_create"), form_data([group_a])))
    assert 'id="duplicate-warning"' in page  # its own one is
    assert Activity.objects.filter(title="公共卫生联合协商").count() == 2


def test_it_warns_staff_of_a_duplicate_in_any_chosen_group(staff_client, group_a, group_b):
    make_activity([group_b], kind=ActivityKind.CONSULTATION, title="公共卫生联合协商", date=DAY)
    page = page_of(staff_client.post(reverse("activity_create"), form_data([group_a, group_b])))
    assert 'id="duplicate-warning"' in page and Activity.objects.count() == 1


# --- Attendance is checked on every save --------------------------------------------------------------


def test_it_refuses_attendees_who_no_longer_qualify_after_the_date_changes(staff_client, group_a):
    newcomer = make_member(group_a, "新委员", since=datetime.date(2025, 1, 1))
    activity = make_activity([group_a], title="学习会", date=DAY, attendees=[newcomer])
    earlier = datetime.date(2024, 12, 1)
    data = form_data([group_a], title="学习会", date=earlier.isoformat()) | attendance_fields(present=[newcomer])
    page = page_of(staff_client.post(reverse("activity_edit", args=[activity.pk]), data))
    assert "以下参加人员在当日不是所选界别活动组的委员：新委员" in page and 'id="attendance-error"' in page
    activity.refresh_from_db()
    assert activity.date == DAY and statuses(activity) == {"新委员": "present"}


def test_it_refuses_attendees_of_a_group_taken_off_the_activity(
    staff_client, group_a, group_b, joint, zhang, zhao, qian
):
    data = form_data([group_a], title="联合协商") | attendance_fields(present=[zhang, zhao], absent=[qian])
    page = page_of(staff_client.post(reverse("activity_edit", args=[joint.pk]), data))
    assert "赵医生" in page and "钱护士" in page and 'id="attendance-error"' in page
    assert group_ids(joint) == {group_a.pk, group_b.pk}
    assert statuses(joint) == {"张一": "present", "赵医生": "present", "钱护士": "absent"}

    # Cleared, the partner group can go.
    data = form_data([group_a], title="联合协商") | attendance_fields(present=[zhang], not_recorded=[zhao, qian])
    assert staff_client.post(reverse("activity_edit", args=[joint.pk]), data).status_code == 302
    assert group_ids(joint) == {group_a.pk} and statuses(joint) == {"张一": "present"}


# --- A planned activity has no attendance --------------------------------------------------------------


def test_it_refuses_attendance_for_a_planned_activity(staff_client, group_a, zhang):
    future = timezone.localdate() + datetime.timedelta(days=20)
    data = form_data([group_a], date=future.isoformat(), status="planned") | attendance_fields(present=[zhang])
    page = page_of(staff_client.post(reverse("activity_create"), data))
    assert "活动举办后再登记考勤" in page and 'id="attendance-error"' in page
    assert Activity.objects.count() == 0 and Attendance.objects.count() == 0

    data = form_data([group_a], date=future.isoformat(), status="planned") | attendance_fields(not_recorded=[zhang])
    assert staff_client.post(reverse("activity_create"), data).status_code == 302
    assert Activity.objects.get().status == "planned" and Attendance.objects.count() == 0


def test_it_refuses_keeping_attendance_when_an_activity_becomes_planned(leader_client, group_a, own, zhang):
    data = form_data([group_a], title="民盟学习", status="planned") | attendance_fields(absent=[zhang])
    page = page_of(leader_client.post(reverse("activity_edit", args=[own.pk]), data))
    assert "活动举办后再登记考勤" in page
    own.refresh_from_db()
    assert own.status == "held" and statuses(own) == {"张一": "present"}

    data = form_data([group_a], title="民盟学习", status="planned") | attendance_fields(not_recorded=[zhang])
    assert leader_client.post(reverse("activity_edit", args=[own.pk]), data).status_code == 302
    own.refresh_from_db()
    assert own.status == "planned" and statuses(own) == {}


def test_a_joint_meetings_attendance_is_grouped_by_group_and_folded(users, staff_client, group_a, group_b, joint):
    """Issue 20: each group's members under its name, folded (<details>), absences with their reason."""
    from activities.selectors.activity import activity_attendance

    html = staff_client.get(reverse("activity_detail", args=[joint.pk])).content.decode()
    blocks = re.findall(r'<details class="attendance-group[^"]*"( open)?>(.*?)</details>', html, flags=re.S)
    assert len(blocks) == 2 and not any(opened for opened, _ in blocks)
    assert group_a.short_name in blocks[0][1] and "张一" in blocks[0][1] and "赵医生" not in blocks[0][1]
    assert group_b.short_name in blocks[1][1] and "赵医生" in blocks[1][1]
    summary = activity_attendance(user=users[roles.STAFF], activity=joint)
    assert [(g.name, g.present_count, g.absent_count) for g in summary.groups] == [
        (group_a.short_name, 1, 0),
        (group_b.short_name, 1, 1),
    ]
    assert all(isinstance(reason, str) for g in summary.groups for _name, reason in g.absent)


def test_the_attendance_blocks_escape_names_and_read_their_counts_in_the_users_language(staff_client, group_a, zhang):
    odd = make_member(group_a, "<b>怪名</b>")
    activity = make_activity([group_a], title="单组学习", date=DAY, attendees=[zhang, odd])
    Attendance.objects.filter(activity=activity, member=odd).update(status="absent", absence_reason="leave")
    url = reverse("activity_detail", args=[activity.pk])
    html = staff_client.get(url).content.decode()
    block = re.search(r'<details class="attendance-group[^"]*" open>(.*?)</details>', html, flags=re.S).group(1)
    assert "&lt;b&gt;怪名&lt;/b&gt;（请假）" in block and "<b>怪名" not in html
    assert ">出席 1 人</span>" in block and ">缺席 1 人</span>" in block and "张一" in block
    staff_client.post(reverse("set_language"), {"language": "en", "next": url})
    english = staff_client.get(url).content.decode()
    english = re.search(r'<details class="attendance-group[^"]*" open>(.*?)</details>', english, flags=re.S).group(1)
    assert ">1 present</span>" in english and ">1 absent</span>" in english and "（Asked for leave）" in english


def _blocks(client, activity) -> list[tuple[str, str]]:
    html = client.get(reverse("activity_detail", args=[activity.pk])).content.decode()
    found = re.findall(
        r'<details class="attendance-group[^"]*"(?: open)?><summary><strong>(.*?)</strong>(.*?)</details>', html
    )
    return [(name, re.sub(r"<[^>]+>", "", body)) for name, body in found]


def test_the_attendance_kept_for_the_page_follows_every_change_at_once(
    clients, staff_client, leader_client, group_a, group_b, joint, zhang, zhao, qian, monkeypatch
):
    """Kept until the records change (issue 20): an attendance edit, a member moving group."""
    from portal import cache as freshness

    monkeypatch.setattr(freshness, "_shared", lambda: True)  # as with Redis: kept until a change
    assert [name for name, _ in _blocks(staff_client, joint)] == [group_a.short_name, group_b.short_name]
    assert [name for name, _ in _blocks(leader_client, joint)] == [group_a.short_name]  # the leader's own
    Attendance.objects.filter(activity=joint, member=zhao).update(status="absent", absence_reason="leave")
    body_b = dict(_blocks(staff_client, joint))[group_b.short_name]
    assert "赵医生（请假）" in body_b and "出席：" not in body_b
    GroupMembership.objects.filter(member=zhang, group=group_a).update(group=group_b)
    assert [name for name, _ in _blocks(staff_client, joint)] == [group_b.short_name]
    assert _blocks(leader_client, joint) == []  # 张一 is no longer of the leader's group
    staff_client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "赵医生（Asked for leave）" in dict(_blocks(staff_client, joint))[group_b.short_name]
