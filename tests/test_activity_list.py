"""The activity list: filters, counts, pagination and who sees what."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from activities.carriers import ActivityKind
from activities.models import Activity, Attendance
from portal import roles

from .factories import make_activity, make_member

URL = "/activities/"


@pytest.fixture
def activities(group_a, group_b):
    a1, a2 = make_member(group_a, "张一"), make_member(group_a, "李二")
    b1 = make_member(group_b, "赵医生")
    study = make_activity(
        [group_a], title="三月学习会", date=datetime.date(2025, 3, 1), attendees=[a1, a2], other_participants=4
    )
    Attendance.objects.create(activity=study, member=make_member(group_a), status="absent", absence_reason="leave")
    joint = make_activity(
        [group_a, group_b],
        kind=ActivityKind.CONSULTATION,
        title="医疗联合协商会",
        date=datetime.date(2025, 5, 9),
        attendees=[a1, b1],
        format=Activity.Format.BOTH,
        is_highlight=True,
    )
    other = make_activity([group_b], kind=ActivityKind.SERVICE, title="义诊活动", date=datetime.date(2025, 12, 5))
    return {"study": study, "joint": joint, "other": other}


def _rows(response) -> list[Activity]:
    return list(response.context["page_obj"].object_list)


def test_it_lists_activities_with_counts_and_groups(staff_client, activities):
    response = staff_client.get(URL)
    page = response.content.decode()
    assert [a.title for a in _rows(response)] == ["义诊活动", "医疗联合协商会", "三月学习会"]
    study = next(a for a in _rows(response) if a.title == "三月学习会")
    assert study.present_count == 2 and study.participant_times == 6  # the absentee does not count
    joint = next(a for a in _rows(response) if a.title == "医疗联合协商会")
    assert joint.present_count == 2 and joint.participant_times == 2
    assert "民盟、医卫" in page and "bi-star-fill" in page
    assert reverse("activity_create") in page


def test_each_row_reads_date_type_title_groups_and_counts_escaped(staff_client, activities, group_a):
    planned = make_activity(
        [group_a], title="<script>计划</script>", date=datetime.date(2025, 12, 20), status=Activity.Status.PLANNED
    )
    rows = staff_client.get(URL).content.decode().split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    first, *_rest = rows.split("</tr>")
    assert '<td class="text-nowrap">2025-12-20 <span class="badge text-bg-light border">计划中</span></td>' in first
    assert f'<a href="{reverse("activity_detail", args=[planned.pk])}">&lt;script&gt;计划&lt;/script&gt;</a>' in first
    assert "<script>计划" not in rows
    joint = next(row for row in rows.split("</tr>") if "医疗联合协商会" in row)
    assert '<span class="badge badge-kind text-bg-danger">协商会</span>' in joint
    assert '<span class="group-names">民盟、医卫</span>' in joint and "data-highlight-mark" in joint
    study = next(row for row in rows.split("</tr>") if "三月学习会" in row)
    assert '<td class="text-end">2</td>\n<td class="text-end">6</td>' in study and "data-highlight-mark" not in study


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ("kind=consultation", ["医疗联合协商会"]),
        ("month=2025-03", ["三月学习会"]),
        ("format=both", ["医疗联合协商会"]),
        ("highlight=yes", ["医疗联合协商会"]),
        ("highlight=no", ["义诊活动", "三月学习会"]),
        ("q=学习", ["三月学习会"]),
    ],
)
def test_it_filters_the_list(staff_client, activities, query, titles):
    assert [a.title for a in _rows(staff_client.get(f"{URL}?{query}"))] == titles


def test_it_filters_by_group_including_joint_activities(staff_client, group_b, activities):
    response = staff_client.get(f"{URL}?group={group_b.pk}")
    assert [a.title for a in _rows(response)] == ["义诊活动", "医疗联合协商会"]


def test_it_explains_a_wrong_month_and_lists_everything(staff_client, activities):
    response = staff_client.get(f"{URL}?month=2025-13")
    assert len(_rows(response)) == 3
    assert "is-invalid" in response.content.decode()


def test_it_pages_by_25_and_keeps_the_filters_in_the_links(staff_client, group_a):
    for day in range(1, 28):
        make_activity([group_a], title=f"学习{day}", date=datetime.date(2025, 1, day))
    response = staff_client.get(f"{URL}?kind=study")
    assert len(_rows(response)) == 25
    assert "?kind=study&amp;page=2" in response.content.decode()
    second = staff_client.get(f"{URL}?kind=study&page=2")
    assert [a.title for a in _rows(second)] == ["学习2", "学习1"]


def test_it_shows_a_leader_only_their_groups_activities(leader_client, activities):
    response = leader_client.get(URL)
    assert [a.title for a in _rows(response)] == ["医疗联合协商会", "三月学习会"]
    assert "义诊活动" not in response.content.decode()
    assert len(response.context["filter_form"].fields["group"].queryset) == 1


def test_it_shows_the_chairman_everything_without_edit_buttons(chairman_client, activities):
    response = chairman_client.get(URL)
    assert len(_rows(response)) == 3
    assert reverse("activity_create") not in response.content.decode()


def test_it_shows_the_admin_everything(admin_client_role, activities):
    assert len(_rows(admin_client_role.get(URL))) == 3


def test_it_sends_anonymous_users_to_the_login(clients):
    response = clients["anonymous"].get(URL)
    assert response.status_code == 302 and reverse("login") in response["Location"]


# --- Detail ----------------------------------------------------------------------------------


def test_it_shows_an_activity_with_attendance_participant_times_and_history(staff_client, activities):
    study = activities["study"]
    page = staff_client.get(reverse("activity_detail", args=[study.pk])).content.decode()
    for text in ("三月学习会", "张一", "李二", "中国民主同盟界别", reverse("activity_edit", args=[study.pk])):
        assert text in page
    assert "<strong>6</strong>" in page  # participant-times: 2 present + 4 others
    assert "history-table" in page


def test_it_shows_the_detail_to_the_chairman_without_edit_buttons(chairman_client, activities):
    study = activities["study"]
    page = chairman_client.get(reverse("activity_detail", args=[study.pk])).content.decode()
    assert "三月学习会" in page
    assert reverse("activity_edit", args=[study.pk]) not in page
    assert reverse("activity_delete", args=[study.pk]) not in page


def test_it_answers_404_to_a_leader_for_another_groups_activity(leader_client, activities):
    assert leader_client.get(reverse("activity_detail", args=[activities["other"].pk])).status_code == 404
    assert leader_client.get(reverse("activity_detail", args=[activities["joint"].pk])).status_code == 200


def test_it_refuses_the_detail_to_anonymous_users(clients, activities):
    response = clients["anonymous"].get(reverse("activity_detail", args=[activities["study"].pk]))
    assert response.status_code == 302


def test_it_answers_404_for_a_missing_activity(clients, activities):
    for role in (roles.STAFF, roles.CHAIRMAN, roles.ADMIN):
        assert clients[role].get(reverse("activity_detail", args=[999999])).status_code == 404
