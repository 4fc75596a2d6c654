"""The change history on detail pages: names instead of ids, a constant
number of queries however long the history, and no personal data."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activities.carriers import ActivityKind
from activities.models import DutyReport, OpinionReport
from sectors.models import Workstation

from .factories import make_activity, make_member

DAY = datetime.date(2025, 3, 10)
MEETING_DAY = datetime.date(2024, 12, 20)


@pytest.fixture
def li(group_a):
    return make_member(group_a, "李委员")


@pytest.fixture
def zhou(group_a):
    return make_member(group_a, "周委员")


def report_post(group, submitters, **changes) -> dict:
    data = {
        "group": group.pk,
        "workstation": "",
        "title": "关于校园周边交通安全的建议",
        "content": "",
        "submitted_on": DAY.isoformat(),
        "submitters": [m.pk for m in submitters],
        "status": OpinionReport.Status.SUBMITTED,
        "leader_comment": "",
    }
    data.update(changes)
    return data


def detail_queries(client, url: str) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response


def test_it_names_the_members_of_a_changed_foreign_key(staff_client, group_a, li, zhou):
    meeting = make_activity([group_a], kind=ActivityKind.DUTY_REPORT, date=MEETING_DAY, title="民盟述职会")
    report = DutyReport.objects.create(
        group=group_a, member=li, meeting=meeting, title="我的履职", reported_on=MEETING_DAY
    )
    data = {"member": zhou.pk, "meeting": "", "title": "我的履职", "reported_on": "2024-12-21"}
    assert staff_client.post(reverse("dutyreport_edit", args=[report.pk]), data).status_code == 302

    response = staff_client.get(reverse("dutyreport_detail", args=[report.pk]))

    changes = response.context["history"][0].changes
    assert ("委员", "李委员", "周委员") in changes
    assert ("界别述职会", str(meeting), "—") in changes
    html = response.content.decode()
    assert "<strong>委员</strong>" in html and "李委员</span> → 周委员" in html
    assert f"{li.pk} → {zhou.pk}" not in html


def test_it_names_the_members_of_a_changed_many_to_many_field(staff_client, group_a, li, zhou):
    staff_client.post(reverse("opinionreport_create"), report_post(group_a, [li]))
    report = OpinionReport.objects.get()
    staff_client.post(reverse("opinionreport_edit", args=[report.pk]), report_post(group_a, [li, zhou]))

    response = staff_client.get(reverse("opinionreport_detail", args=[report.pk]))

    assert response.context["history"][0].changes == [("提交人", "李委员", "李委员、周委员")]
    assert "李委员、周委员" in response.content.decode()


def test_it_names_the_groups_of_a_joint_activity(staff_client, group_a, group_b):
    activity = make_activity([group_a], title="联合调研")
    activity.groups.set([group_a, group_b])

    response = staff_client.get(reverse("activity_detail", args=[activity.pk]))

    assert ("界别活动组", "中国民主同盟界别", "中国民主同盟界别、医药卫生界别") in response.context["history"][
        0
    ].changes
    assert "中国民主同盟界别、医药卫生界别" in response.content.decode()


def test_it_marks_a_related_row_deleted_since(staff_client, group_a, li):
    old_station = Workstation.objects.create(group=group_a, name="旧驿站", host_kind="studio", established_on=DAY)
    new_station = Workstation.objects.create(group=group_a, name="同舟驿站", host_kind="studio", established_on=DAY)
    staff_client.post(reverse("opinionreport_create"), report_post(group_a, [li], workstation=old_station.pk))
    report = OpinionReport.objects.get()
    staff_client.post(
        reverse("opinionreport_edit", args=[report.pk]), report_post(group_a, [li], workstation=new_station.pk)
    )
    old_station.delete()

    response = staff_client.get(reverse("opinionreport_detail", args=[report.pk]))

    assert response.context["history"][0].changes == [("界别工作站", "（已删除）", "同舟驿站")]


def test_it_reads_a_long_history_in_as_many_queries_as_a_short_one(staff_client, group_a, li, zhou):
    staff_client.post(reverse("opinionreport_create"), report_post(group_a, [li]))
    report = OpinionReport.objects.get()
    url = reverse("opinionreport_detail", args=[report.pk])
    edit = reverse("opinionreport_edit", args=[report.pk])
    staff_client.post(edit, report_post(group_a, [li, zhou], title="第1稿"))
    few, _response = detail_queries(staff_client, url)

    for n in range(2, 11):
        staff_client.post(edit, report_post(group_a, [zhou] if n % 2 else [li, zhou], title=f"第{n}稿"))
    many, response = detail_queries(staff_client, url)

    assert len(response.context["history"]) > 10
    assert many == few


def test_it_reads_an_activitys_long_history_in_as_many_queries_as_a_short_one(staff_client, group_a, group_b):
    activity = make_activity([group_a], title="第0次")
    url = reverse("activity_detail", args=[activity.pk])
    activity.groups.set([group_a, group_b])
    few, _response = detail_queries(staff_client, url)

    for n in range(1, 11):
        activity.title = f"第{n}次"
        activity.save()
        activity.groups.set([group_a] if n % 2 else [group_a, group_b])
    many, response = detail_queries(staff_client, url)

    assert len(response.context["history"]) > 10
    assert many == few


def test_it_keeps_personal_data_out_of_a_members_history(leader_client, group_a):
    member = make_member(group_a, "陈委员", mobile="13812345678", id_card="")
    member.mobile = "13987654321"
    member.employer = "温州大学"
    member.save()

    response = leader_client.get(reverse("member_detail", args=[member.pk]))

    html = response.content.decode()
    assert ("工作单位", "—", "温州大学") in response.context["history"][0].changes
    assert "13812345678" not in html and "13987654321" not in html
