"""The member list and a member's duty record (履职档案), for every role."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from activities.carriers import ActivityKind
from activities.models import Attendance, ConstituentContact, DutyReport, OpinionReport, Proposal
from portal import roles
from reports.models import AssessmentYear, Measure, Requirement
from sectors.models import Constituent, GroupMembership

from .factories import make_activity, make_member, valid_id_card

FULL = [roles.STAFF, roles.ADMIN]  # they have sectors.view_member_personal_data
MASKED = [roles.LEADER, roles.CHAIRMAN]
MOBILE = "13812345678"
ID_CARD = valid_id_card(birth="19750512", serial="123")


def member_url(member) -> str:
    return reverse("member_detail", kwargs={"member_id": member.pk})


@pytest.fixture
def li(group_a):
    return make_member(
        group_a, "李委员", mobile=MOBILE, id_card=ID_CARD, party="民盟", employer="温州医科大学", member_number="A0001"
    )


@pytest.fixture
def qian(group_b):
    return make_member(group_b, "钱委员", mobile="13900001111", member_number="B0001")


# --- Member list --------------------------------------------------------------------


@pytest.mark.parametrize("role", FULL)
def test_it_lists_members_with_full_mobile_for_staff_and_admin(clients, li, qian, role):
    response = clients[role].get(reverse("member_list"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "李委员" in html and "钱委员" in html and "王组长" in html
    assert MOBILE in html
    assert "138****5678" not in html
    assert "温州医科大学" in html
    assert reverse("member_detail", kwargs={"member_id": li.pk}) in html


def test_it_lists_members_with_masked_mobile_for_the_chairman(chairman_client, li, qian):
    html = chairman_client.get(reverse("member_list")).content.decode()

    assert "李委员" in html and "钱委员" in html
    assert "138****5678" in html
    assert MOBILE not in html


def test_it_lists_only_the_leaders_group_members_masked(leader_client, li, qian, group_a, group_b):
    moved = make_member(group_b, "孙委员", since=datetime.date(2024, 7, 1))
    GroupMembership.objects.create(
        member=moved, group=group_a, start_date=datetime.date(2022, 1, 1), end_date=datetime.date(2024, 6, 30)
    )

    response = leader_client.get(reverse("member_list"))

    html = response.content.decode()
    assert "李委员" in html and "王组长" in html
    assert "孙委员" in html  # a former member of the leader's group stays readable
    [moved_line] = [line for line in response.context["member_lines"] if line.name == "孙委员"]
    assert moved_line.group == "" and gettext("Left the group") in html  # never the group they moved to
    assert "医卫" not in html.split("孙委员", 1)[1].split("</tr>", 1)[0]
    assert "钱委员" not in html
    assert "138****5678" in html and MOBILE not in html
    assert [str(g) for g in response.context["form"].fields["group"].queryset] == ["中国民主同盟界别"]


def test_it_shows_each_members_current_group_and_role(staff_client, li, group_a, group_b):
    GroupMembership.objects.filter(member=li).update(end_date=datetime.date(2024, 6, 30))
    GroupMembership.objects.create(
        member=li, group=group_b, role=GroupMembership.Role.DEPUTY, start_date=datetime.date(2024, 7, 1)
    )

    response = staff_client.get(reverse("member_list"), {"q": "李委员"})

    [member] = response.context["members"]
    assert [m.group.short_name for m in member.current_memberships] == ["医卫"]
    [line] = response.context["member_lines"]
    assert (line.group, line.role) == ("医卫", str(GroupMembership.Role.DEPUTY.label))
    assert f"<td>医卫</td>\n<td>{line.role}</td>" in response.content.decode()


def test_it_searches_by_name_and_by_member_number(staff_client, li, qian):
    by_name = staff_client.get(reverse("member_list"), {"q": "钱"})
    by_number = staff_client.get(reverse("member_list"), {"q": "A0001"})

    assert [m.name for m in by_name.context["members"]] == ["钱委员"]
    assert [m.name for m in by_number.context["members"]] == ["李委员"]


def test_it_filters_by_group_and_by_active(staff_client, li, qian, group_b):
    qian.is_active = False
    qian.save(update_fields=["is_active"])

    by_group = staff_client.get(reverse("member_list"), {"group": group_b.pk})
    inactive = staff_client.get(reverse("member_list"), {"active": "no"})
    active = staff_client.get(reverse("member_list"), {"active": "yes"})

    assert [m.name for m in by_group.context["members"]] == ["钱委员"]
    assert [m.name for m in inactive.context["members"]] == ["钱委员"]
    assert "钱委员" not in [m.name for m in active.context["members"]]


def test_it_refuses_a_leaders_filter_on_another_group_and_keeps_to_their_own(leader_client, li, qian, group_b):
    response = leader_client.get(reverse("member_list"), {"group": group_b.pk})

    assert response.context["form"].errors["group"]
    assert "钱委员" not in response.content.decode()
    assert "李委员" in response.content.decode()


def test_it_paginates_fifty_members_a_page_keeping_the_filters(staff_client, group_a, leader_member):
    for i in range(55):
        make_member(group_a, f"批量{i:02d}", member_number=f"P{i:04d}")

    first = staff_client.get(reverse("member_list"), {"q": "批量"})
    second = staff_client.get(reverse("member_list"), {"q": "批量", "page": 2})

    assert len(first.context["members"]) == 50
    assert len(second.context["members"]) == 5
    assert "q=%E6%89%B9%E9%87%8F&amp;page=2" in first.content.decode()


def _member_list_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("member_list"))
    assert response.status_code == 200
    return len(queries)


def test_it_lists_members_in_a_constant_number_of_queries(staff_client, group_a, group_b, leader_member):
    make_member(group_a)
    make_member(group_b)  # 3 members
    few = _member_list_queries(staff_client)
    for i in range(17):
        make_member(group_a if i % 2 else group_b)  # 20 members
    many = _member_list_queries(staff_client)

    assert many == few


def test_it_sends_anonymous_visitors_to_login_from_the_member_pages(clients, li):
    for url in (reverse("member_list"), member_url(li)):
        response = clients["anonymous"].get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


# --- Member page ---------------------------------------------------------------------


@pytest.mark.parametrize("role", FULL)
def test_it_shows_full_personal_data_to_staff_and_admin(clients, li, role):
    response = clients[role].get(member_url(li))

    html = response.content.decode()
    assert response.status_code == 200
    assert "李委员" in html and "温州医科大学" in html and "A0001" in html
    assert MOBILE in html and ID_CARD in html


@pytest.mark.parametrize("role", MASKED)
def test_it_masks_personal_data_for_leader_and_chairman(clients, li, role):
    response = clients[role].get(member_url(li))

    html = response.content.decode()
    assert response.status_code == 200
    assert "李委员" in html
    assert "138****5678" in html and MOBILE not in html
    assert li.masked_id_card in html and ID_CARD not in html


def test_it_answers_404_to_a_leader_on_another_groups_member(leader_client, qian):
    assert leader_client.get(member_url(qian)).status_code == 404


@pytest.mark.parametrize("role", FULL + [roles.CHAIRMAN])
def test_it_shows_any_member_to_readers_of_all_groups(clients, qian, role):
    assert "钱委员" in clients[role].get(member_url(qian)).content.decode()


def test_it_answers_404_for_a_member_that_does_not_exist(staff_client, li):
    assert staff_client.get(reverse("member_detail", kwargs={"member_id": li.pk + 999})).status_code == 404


def test_it_shows_the_group_history_with_dates_and_roles(staff_client, li, group_a, group_b):
    GroupMembership.objects.filter(member=li).update(end_date=datetime.date(2024, 6, 30))
    GroupMembership.objects.create(
        member=li, group=group_b, role=GroupMembership.Role.LIAISON, start_date=datetime.date(2024, 7, 1)
    )

    response = staff_client.get(member_url(li))

    html = response.content.decode()
    memberships = response.context["record"].memberships
    assert [(m.group.short_name, m.role) for m in memberships] == [("民盟", "member"), ("医卫", "liaison")]
    assert "2024-06-30" in html and "2024-07-01" in html
    assert reverse("group_detail", kwargs={"group_id": group_b.pk}) in html


@pytest.fixture
def moved(group_a, group_b):
    """A member of group B who moved to group A on 2024-07-01, with
    activities of both groups before and after the move."""
    member = make_member(group_b, "周委员", since=datetime.date(2022, 1, 1), until=datetime.date(2024, 6, 30))
    GroupMembership.objects.create(member=member, group=group_a, start_date=datetime.date(2024, 7, 1))
    acts = {
        "b_before": make_activity([group_b], title="医卫三月", date=datetime.date(2024, 3, 1), attendees=[member]),
        "b_before_absent": make_activity([group_b], title="医卫五月", date=datetime.date(2024, 5, 1)),
        "b_after": make_activity([group_b], title="医卫九月", date=datetime.date(2024, 9, 1)),
        "a_before": make_activity([group_a], title="民盟二月", date=datetime.date(2024, 2, 1), attendees=[member]),
        "a_after": make_activity([group_a], title="民盟八月", date=datetime.date(2024, 8, 1), attendees=[member]),
        "a_after_unrecorded": make_activity([group_a], title="民盟十月", date=datetime.date(2024, 10, 1)),
        "last_year": make_activity([group_b], title="医卫去年", date=datetime.date(2023, 3, 1), attendees=[member]),
    }
    Attendance.objects.create(
        activity=acts["b_before_absent"],
        member=member,
        status=Attendance.Status.ABSENT,
        absence_reason=Attendance.AbsenceReason.ILLNESS,
    )
    return member, acts


def test_it_counts_attendance_only_for_the_time_a_member_belonged(staff_client, moved):
    member, acts = moved

    response = staff_client.get(member_url(member), {"year": 2024})

    record = response.context["record"]
    expected = [row.activity.title for row in record.attendance]
    assert expected == ["医卫三月", "医卫五月", "民盟八月", "民盟十月"]
    assert (record.present, record.absent, record.unrecorded) == (2, 1, 1)
    # The October activity has no attendance row for the member: listed, not counted.
    assert (record.counted, record.leave, record.unexcused) == (3, 1, 0)
    assert record.attendance_rate == 66.7
    html = response.content.decode()
    assert 'data-figure="attendance-rate">66.7%' in html
    # A's study before the move was attended but is not counted either way.
    assert [a.title for a in record.other_attended] == ["民盟二月"]
    assert "医卫九月" not in html
    assert "医卫去年" not in html


def test_it_counts_joint_activities_once_through_whichever_group_the_member_was_in(staff_client, group_a, group_b):
    member = make_member(group_b, "吴委员", until=datetime.date(2025, 1, 31))
    GroupMembership.objects.create(member=member, group=group_a, start_date=datetime.date(2025, 2, 1))
    make_activity([group_a, group_b], title="联合一月", date=datetime.date(2025, 1, 15), attendees=[member])
    make_activity([group_a, group_b], title="联合三月", date=datetime.date(2025, 3, 1))

    record = staff_client.get(member_url(member), {"year": 2025}).context["record"]

    assert [row.activity.title for row in record.attendance] == ["联合一月", "联合三月"]
    assert record.attendance_rate == 100.0  # March had no attendance taken for them


def test_it_shows_a_leader_only_their_groups_part_of_a_members_record(leader_client, moved):
    member, _acts = moved

    response = leader_client.get(member_url(member), {"year": 2024})

    record = response.context["record"]
    assert [row.activity.title for row in record.attendance] == ["民盟八月", "民盟十月"]
    assert record.attendance_rate == 100.0
    assert "医卫三月" not in response.content.decode()


def test_it_lists_the_members_reports_proposals_contacts_and_duty_reports(
    staff_client, committee, group_a, group_b, li
):
    year = timezone.localdate().year
    report = OpinionReport.objects.create(
        committee=committee, group=group_a, title="关于夜市管理的建议", submitted_on=datetime.date(year, 2, 1)
    )
    report.submitters.add(li)
    old_report = OpinionReport.objects.create(
        committee=committee, group=group_a, title="去年的社情", submitted_on=datetime.date(year - 1, 2, 1)
    )
    old_report.submitters.add(li)
    proposal = Proposal.objects.create(
        committee=committee, group=group_a, title="加强校园安全", number="T001", submitted_on=datetime.date(year, 1, 9)
    )
    proposal.proposers.add(li)
    one, two = (Constituent.objects.create(committee=committee, name=n) for n in ("群众甲", "群众乙"))
    contacts = [
        ConstituentContact.objects.create(
            group=group_a, member=li, constituent=who, way=ConstituentContact.Way.PHONE, contacted_on=day
        )
        for who, day in (
            (one, datetime.date(year, 1, 2)),
            (one, datetime.date(year, 1, 3)),
            (two, datetime.date(year, 1, 4)),
        )
    ]
    meeting = make_activity([group_a], kind=ActivityKind.DUTY_REPORT, title="述职会", date=datetime.date(year, 1, 1))
    duty = DutyReport.objects.create(
        group=group_a, member=li, meeting=meeting, title="我的履职", reported_on=datetime.date(year, 1, 1)
    )

    response = staff_client.get(member_url(li))

    html = response.content.decode()
    record = response.context["record"]
    assert "关于夜市管理的建议" in html and "去年的社情" not in html
    assert reverse("opinionreport_detail", kwargs={"opinionreport_id": report.pk}) in html
    assert "加强校园安全" in html and reverse("proposal_detail", kwargs={"proposal_id": proposal.pk}) in html
    assert reverse("contact_detail", kwargs={"contact_id": contacts[0].pk}) in html
    assert "我的履职" in html and reverse("dutyreport_detail", kwargs={"dutyreport_id": duty.pk}) in html
    assert (len(record.contacts), record.distinct_constituents, record.constituent_target) == (3, 2, 3)
    assert ">2 / 3<" in html


def test_it_reads_the_constituent_target_from_the_years_requirement(staff_client, committee, li):
    year = timezone.localdate().year
    assessment = AssessmentYear.objects.create(
        committee=committee,
        year=year,
        plan_deadline=datetime.date(year, 3, 31),
        summary_deadline=datetime.date(year, 12, 31),
    )
    Requirement.objects.create(
        assessment_year=assessment,
        have="fellowship_exchange",
        measure=Measure.CONSTITUENTS_PER_MEMBER,
        threshold=100,
        per_member=5,
    )

    response = staff_client.get(member_url(li))

    assert response.context["record"].constituent_target == 5
    assert ">0 / 5<" in response.content.decode()


def test_it_hides_other_groups_records_from_a_leader(leader_client, committee, group_b, li):
    year = timezone.localdate().year
    other = OpinionReport.objects.create(
        committee=committee, group=group_b, title="医卫的社情", submitted_on=datetime.date(year, 2, 1)
    )
    other.submitters.add(li)

    html = leader_client.get(member_url(li)).content.decode()

    assert "医卫的社情" not in html


# --- A member who left the leader's group ------------------------------------------------------


@pytest.fixture
def left_for_b(group_a, group_b):
    """A member of group A (the leader's) who became deputy leader of group B on 2024-07-01."""
    member = make_member(group_a, "郑委员", since=datetime.date(2022, 1, 1))
    membership = member.memberships.get()
    membership.end_date = datetime.date(2024, 6, 30)
    membership.save()
    GroupMembership.objects.create(
        member=member, group=group_b, role=GroupMembership.Role.DEPUTY, start_date=datetime.date(2024, 7, 1)
    )
    return member


def test_it_shows_a_leader_only_their_groups_memberships_of_a_member_who_left(leader_client, left_for_b):
    response = leader_client.get(member_url(left_for_b), {"year": 2024})

    html = response.content.decode()
    assert response.status_code == 200
    assert [m.group.short_name for m in response.context["record"].memberships] == ["民盟"]
    assert "2024-06-30" in html  # when they left the leader's group
    assert "已离开本组" in html
    assert "医卫" not in html and "副组长" not in html  # neither the other group nor the role there
    # The membership history: joining and leaving the leader's group, nothing of group B.
    assert "加入民盟" in html
    assert "加入医卫" not in html
    assert all("医卫" not in row.action for row in response.context["history"])


def test_it_does_not_say_left_for_a_member_still_in_the_leaders_group(leader_client, li):
    html = leader_client.get(member_url(li)).content.decode()

    assert "已离开本组" not in html
    assert "民盟" in html


@pytest.mark.parametrize("role", FULL + [roles.CHAIRMAN])
def test_it_shows_every_membership_and_its_history_to_readers_of_all_groups(clients, left_for_b, role):
    response = clients[role].get(member_url(left_for_b), {"year": 2024})

    html = response.content.decode()
    assert [m.group.short_name for m in response.context["record"].memberships] == ["民盟", "医卫"]
    assert "副组长" in html
    assert "加入民盟" in html and "加入医卫" in html
    assert "已离开本组" not in html


def test_it_lists_a_member_who_left_as_left_to_the_leader(leader_client, staff_client, left_for_b):
    leader_html = leader_client.get(reverse("member_list")).content.decode()
    staff_html = staff_client.get(reverse("member_list"), {"q": "郑委员"}).content.decode()

    assert "郑委员" in leader_html and "已离开本组" in leader_html
    assert "医卫" not in leader_html and "副组长" not in leader_html
    assert "医卫" in staff_html and "副组长" in staff_html
    assert "已离开本组" not in staff_html


def test_reception_days_without_attendance_rows_are_listed_but_not_counted(staff_client, group_a):
    """The issue's example: one real absence and seven reception days the member
    was never asked to staff used to show 3 of 11; attendance was taken 4 times."""
    member = make_member(group_a, "钱委员")
    for month in (1, 2, 3):
        make_activity([group_a], title=f"学习{month}", date=datetime.date(2024, month, 1), attendees=[member])
    missed = make_activity([group_a], title="缺席的学习", date=datetime.date(2024, 4, 1))
    Attendance.objects.create(activity=missed, member=member, status=Attendance.Status.ABSENT)
    on_leave = make_activity([group_a], title="请假的学习", date=datetime.date(2024, 4, 15))
    Attendance.objects.create(
        activity=on_leave, member=member, status=Attendance.Status.ABSENT, absence_reason=Attendance.AbsenceReason.LEAVE
    )
    for day in range(1, 8):
        make_activity([group_a], kind=ActivityKind.OTHER, title=f"接待日{day}", date=datetime.date(2024, 5, day))

    response = staff_client.get(member_url(member), {"year": 2024})

    record = response.context["record"]
    assert (record.expected, record.counted, record.unrecorded) == (12, 5, 7)
    assert (record.present, record.leave, record.unexcused) == (3, 1, 1)
    assert record.attendance_rate == 60.0
    html = response.content.decode()
    assert 'data-figure="attendance-rate">60.0%' in html
    summary = html.split("data-attendance-summary>")[1].split("</span>")[0]
    assert summary == "出席 3 次，请假 1 次，无故缺席 1 次；未登记 7 次（列出，不计入出勤率）。"


def _attendance_cells(html: str) -> dict[str, list[str]]:
    """The attendance table's rows: title → the text of each cell."""
    table = html.split('id="attendance"')[1].split("</table>")[0]
    rows = {}
    for row in re.findall(r"<tr data-activity=.*?</tr>", table, flags=re.S):
        cells = [re.sub(r"<[^>]+>", "", cell).split() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)]
        rows[" ".join(cells[2])] = [" ".join(cell) for cell in cells]
    return rows


def test_the_attendance_table_marks_each_row_and_links_its_activity(staff_client, group_a, group_b):
    member = make_member(group_a, "钱委员")
    studied = make_activity([group_a], title="学习会", date=datetime.date(2024, 3, 1), attendees=[member])
    Attendance.objects.filter(activity=studied).update(status=Attendance.Status.PRESENT)
    missed = make_activity([group_a], title="缺席的学习", date=datetime.date(2024, 4, 1))
    Attendance.objects.create(activity=missed, member=member, status=Attendance.Status.ABSENT)
    on_leave = make_activity([group_a, group_b], title="请假的联合调研", date=datetime.date(2024, 4, 15))
    Attendance.objects.create(
        activity=on_leave, member=member, status=Attendance.Status.ABSENT, absence_reason=Attendance.AbsenceReason.LEAVE
    )
    make_activity([group_a], kind=ActivityKind.OTHER, title="接待日", date=datetime.date(2024, 5, 1))

    html = staff_client.get(member_url(member), {"year": 2024}).content.decode()

    rows = _attendance_cells(html)
    assert rows["学习会"] == ["2024-03-01", str(ActivityKind.STUDY.label), "学习会", group_a.short_name, "出席"]
    assert rows["缺席的学习"][4] == "缺席"
    assert rows["请假的联合调研"][3] == f"{group_a.short_name}、{group_b.short_name}"
    assert rows["请假的联合调研"][4] == f"请假 {Attendance.AbsenceReason.LEAVE.label}"
    assert rows["接待日"][4] == "未登记"
    assert f'href="{reverse("activity_detail", args=[studied.pk])}"' in html
    assert f'<tr data-activity="{studied.pk}">' in html


def test_the_attendance_table_escapes_titles(staff_client, group_a):
    member = make_member(group_a, "孙委员")
    make_activity([group_a], title="<script>x</script>调研", date=datetime.date(2024, 6, 1), attendees=[member])
    html = staff_client.get(member_url(member), {"year": 2024}).content.decode()
    table = html.split('id="attendance"')[1].split("</table>")[0]
    assert "&lt;script&gt;x&lt;/script&gt;调研</a>" in table and "<script>" not in table
