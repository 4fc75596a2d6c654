"""The sector-group list and a group's page, for every role."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from activities.carriers import ActivityKind
from activities.models import (
    Activity,
    Attendance,
    ConstituentContact,
    DutyReport,
    GroupDocument,
    OpinionReport,
    Proposal,
)
from portal import roles
from sectors.models import Constituent, GroupMembership, Workstation

from .factories import make_activity, make_group, make_member

READERS = [roles.STAFF, roles.CHAIRMAN, roles.ADMIN]
ALL = [*READERS, roles.LEADER]


def this_year() -> int:
    return timezone.localdate().year


def _row(html: str, text: str) -> str:
    """The table row of the page that contains `text`."""
    rows = [row for row in re.findall(r"<tr>.*?</tr>", html, flags=re.S) if text in row]
    assert rows, f"no row with {text!r}"
    return rows[0]


def _cells(row: str) -> list[str]:
    return [re.sub(r"<[^>]+>|\s+", " ", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)]


def _workstation(group, name: str, *, active: bool = True) -> Workstation:
    return Workstation.objects.create(
        group=group,
        name=name,
        host_kind=Workstation.HostKind.STUDIO,
        established_on=datetime.date(2022, 3, 1),
        is_active=active,
    )


@pytest.fixture
def year_data(group_a, group_b, leader_member):
    """Group A: leader + 2 members + 1 former member, 1 active and 1 closed
    station, 2 activities held this year (one joint with B), one last year and
    one planned. Group B: 1 member, no leader."""
    year = this_year()
    make_member(group_a, "李委员", party="民盟", employer="温州大学", mobile="13812345678")
    make_member(group_a, "张委员")
    make_member(group_a, "赵前委员", since=datetime.date(2022, 1, 1), until=datetime.date(2023, 6, 30))
    make_member(group_b, "钱委员")
    _workstation(group_a, "同舟驿站")
    _workstation(group_a, "旧驿站", active=False)
    own = make_activity([group_a], title="民盟学习会", date=datetime.date(year, 1, 1))
    joint = make_activity(
        [group_a, group_b], kind=ActivityKind.CONSULTATION, title="联合协商会", date=datetime.date(year, 1, 1)
    )
    old = make_activity([group_a], title="去年学习会", date=datetime.date(year - 1, 5, 1))
    planned = make_activity(
        [group_a], title="计划中的服务", kind=ActivityKind.SERVICE, date=datetime.date(year, 12, 31)
    )
    planned.status = Activity.Status.PLANNED
    planned.save(update_fields=["status"])
    return {"own": own, "joint": joint, "old": old, "planned": planned}


# --- Group list ------------------------------------------------------------------


@pytest.mark.parametrize("role", READERS)
def test_it_lists_every_group_with_leader_and_counts(clients, year_data, role):
    response = clients[role].get(reverse("group_list"))

    html = response.content.decode()
    assert response.status_code == 200
    # short name, kind, leader, current members, active workstations, activities held this year
    assert _cells(_row(html, "民盟"))[2:] == ["王组长", "3", "1", "2"]
    assert _cells(_row(html, "医卫"))[2:] == ["—", "1", "0", "1"]


def test_it_lists_only_the_leaders_own_group(leader_client, year_data):
    response = leader_client.get(reverse("group_list"))

    html = response.content.decode()
    assert "中国民主同盟界别" in html
    assert "医药卫生界别" not in html
    assert [g.short_name for g in response.context["groups"]] == ["民盟"]


def test_it_counts_the_activities_of_the_chosen_year_on_the_list(staff_client, year_data):
    response = staff_client.get(reverse("group_list"), {"year": this_year() - 1})

    assert _cells(_row(response.content.decode(), "民盟"))[-1] == "1"


def test_the_list_is_kept_but_shows_every_change_at_once(staff_client, leader_client, year_data, group_a):
    """The list is cached until the records change: a new activity, a member who
    leaves and a new leader show on the next request, and a leader's list is
    never the one cached for the staff."""
    assert _cells(_row(staff_client.get(reverse("group_list")).content.decode(), "民盟"))[2:] == [
        "王组长",
        "3",
        "1",
        "2",
    ]
    make_activity([group_a], title="新的学习会", date=datetime.date(this_year(), 2, 1))
    GroupMembership.objects.filter(member__name="张委员").update(end_date=datetime.date(this_year() - 1, 12, 31))
    today = timezone.localdate()
    GroupMembership.objects.filter(member__name="王组长").update(end_date=today - datetime.timedelta(days=1))
    make_member(group_a, "周组长", role=GroupMembership.Role.LEADER, since=today)
    html = staff_client.get(reverse("group_list")).content.decode()
    assert _cells(_row(html, "民盟"))[2:] == ["周组长", "2", "1", "3"]
    assert [g.short_name for g in leader_client.get(reverse("group_list")).context["groups"]] == ["民盟"]


def test_it_sends_anonymous_visitors_to_login_from_the_group_pages(clients, group_a):
    for url in (reverse("group_list"), reverse("group_detail", kwargs={"group_id": group_a.pk})):
        response = clients["anonymous"].get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def _busy_groups(committee, count: int, start: int) -> None:
    for i in range(start, start + count):
        group = make_group(committee, f"界别{i}", f"组{i}", order=100 + i)
        make_member(group, f"组长{i}", role=GroupMembership.Role.LEADER)
        make_member(group, f"委员{i}")
        _workstation(group, f"驿站{i}")
        make_activity([group], date=datetime.date(this_year(), 1, 1))


def _group_list_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("group_list"))
    assert response.status_code == 200
    return len(queries)


def test_it_lists_groups_in_a_constant_number_of_queries(staff_client, committee, group_a, group_b, users):
    _busy_groups(committee, 1, 0)  # 3 groups with group A and B
    few = _group_list_queries(staff_client)
    _busy_groups(committee, 17, 1)  # 20 groups
    many = _group_list_queries(staff_client)

    assert many == few


# --- Group page --------------------------------------------------------------------


@pytest.mark.parametrize("role", ALL)
def test_it_shows_a_groups_people_stations_and_year(clients, year_data, group_a, role):
    GroupMembership.objects.filter(member__name="张委员").update(role=GroupMembership.Role.DEPUTY)
    GroupDocument.objects.create(
        group=group_a,
        year=this_year(),
        kind=GroupDocument.Kind.PLAN,
        title="年度计划",
        dated=datetime.date(this_year(), 1, 1),
    )

    response = clients[role].get(reverse("group_detail", kwargs={"group_id": group_a.pk}))

    html = response.content.decode()
    page = response.context["page"]
    assert response.status_code == 200
    assert "中国民主同盟界别" in html
    assert [m.member.name for m in page.officers] == ["王组长", "张委员"]
    for name in ("王组长", "李委员", "张委员"):
        assert name in html
    assert "赵前委员" not in html  # left in 2023
    assert "温州大学" in html and "民盟" in _row(html, "李委员")
    assert reverse("member_detail", kwargs={"member_id": page.memberships[0].member_id}) in html
    station = Workstation.objects.get(name="同舟驿站")
    assert reverse("workstation_detail", kwargs={"workstation_id": station.pk}) in html
    assert "旧驿站" in html
    # This year's activities, by type, with links; last year's are not shown.
    assert [(s.kind, s.count) for s in page.sections] == [(ActivityKind.STUDY, 1), (ActivityKind.CONSULTATION, 1)]
    assert reverse("activity_detail", kwargs={"activity_id": year_data["own"].pk}) in html
    assert "民盟学习会" in html and "联合协商会" in html
    assert "去年学习会" not in html
    assert "计划中的服务" in html and page.planned == [year_data["planned"]]
    assert 'data-doc="plan-present"' in html
    assert 'data-doc="summary-missing"' in html


def test_it_counts_the_groups_records_of_the_year(staff_client, committee, group_a, group_b, leader_member):
    year = this_year()
    member = make_member(group_a, "孙委员")
    report = OpinionReport.objects.create(
        committee=committee, group=group_a, title="社情一", submitted_on=datetime.date(year, 2, 1)
    )
    report.submitters.add(member)
    OpinionReport.objects.create(
        committee=committee, group=group_a, title="社情二", submitted_on=datetime.date(year, 3, 1)
    )
    OpinionReport.objects.create(
        committee=committee, group=group_a, title="旧", submitted_on=datetime.date(year - 1, 3, 1)
    )
    OpinionReport.objects.create(
        committee=committee, group=group_b, title="医卫", submitted_on=datetime.date(year, 3, 1)
    )
    Proposal.objects.create(committee=committee, group=group_a, title="提案", submitted_on=datetime.date(year, 1, 5))
    constituent = Constituent.objects.create(committee=committee, name="群众甲")
    for day in (1, 2, 3):
        ConstituentContact.objects.create(
            group=group_a,
            member=member,
            constituent=constituent,
            way=ConstituentContact.Way.PHONE,
            contacted_on=datetime.date(year, 1, day),
        )
    DutyReport.objects.create(group=group_a, member=member, title="我的履职", reported_on=datetime.date(year, 1, 10))

    response = staff_client.get(reverse("group_detail", kwargs={"group_id": group_a.pk}))

    page = response.context["page"]
    assert (page.opinion_reports, page.proposals, page.contacts, page.duty_reports) == (2, 1, 3, 1)
    html = response.content.decode()
    assert re.search(r'figure-value">2</div><div class="figure-label">', html)
    assert re.search(r'figure-value">3</div><div class="figure-label">', html)


def test_it_shows_a_joint_activity_on_every_participating_groups_page(staff_client, year_data, group_a, group_b):
    joint_url = reverse("activity_detail", kwargs={"activity_id": year_data["joint"].pk})
    own_url = reverse("activity_detail", kwargs={"activity_id": year_data["own"].pk})

    page_a = staff_client.get(reverse("group_detail", kwargs={"group_id": group_a.pk})).content.decode()
    page_b = staff_client.get(reverse("group_detail", kwargs={"group_id": group_b.pk})).content.decode()

    assert "联合协商会" in page_a and joint_url in page_a
    assert "联合协商会" in page_b and joint_url in page_b
    assert own_url not in page_b


def test_each_activity_line_shows_date_title_partners_and_highlight_escaped(staff_client, group_a, group_b):
    year = timezone.localdate().year
    joint = make_activity(
        [group_a, group_b], title="<i>联合</i>调研", date=datetime.date(year, 2, 3), is_highlight=True
    )
    page = staff_client.get(reverse("group_detail", kwargs={"group_id": group_a.pk})).content.decode()
    line = re.search(r'<a class="list-group-item[^"]*" href="([^"]+)">(.*?)</a>', page, flags=re.S)
    assert line.group(1) == reverse("activity_detail", kwargs={"activity_id": joint.pk})
    text = line.group(2)
    assert f'<span class="text-muted me-2">{year}-02-03</span>' in text
    assert '<span class="activity-title">&lt;i&gt;联合&lt;/i&gt;调研</span>' in text
    assert f'联合举办: <span class="group-names">{group_a.short_name}、{group_b.short_name}</span>' in text
    assert '<span class="badge text-bg-warning ms-1">亮点</span>' in text


def test_it_shows_the_chosen_years_activities(staff_client, year_data, group_a):
    response = staff_client.get(reverse("group_detail", kwargs={"group_id": group_a.pk}), {"year": this_year() - 1})

    html = response.content.decode()
    assert "去年学习会" in html
    assert "民盟学习会" not in html
    assert f'<option value="{this_year() - 1}" selected>' in html


def test_it_falls_back_to_this_year_for_a_bad_year(staff_client, year_data, group_a):
    response = staff_client.get(reverse("group_detail", kwargs={"group_id": group_a.pk}), {"year": "abc"})

    assert response.status_code == 200
    assert response.context["year"] == this_year()
    assert "民盟学习会" in response.content.decode()


def test_it_answers_404_to_a_leader_on_another_groups_page(leader_client, year_data, group_b):
    response = leader_client.get(reverse("group_detail", kwargs={"group_id": group_b.pk}))

    assert response.status_code == 404


@pytest.mark.parametrize("role", READERS)
def test_it_answers_404_for_a_group_that_does_not_exist(clients, group_a, role):
    response = clients[role].get(reverse("group_detail", kwargs={"group_id": group_a.pk + 999}))

    assert response.status_code == 404


def test_the_members_table_shows_each_members_attendance_rate_and_contacts(staff_client, group_a, leader_member):
    year = this_year()
    present = make_activity([group_a], title="学习", date=datetime.date(year, 1, 1), attendees=[leader_member])
    absent = make_activity([group_a], title="协商", date=datetime.date(year, 1, 2))
    Attendance.objects.create(
        activity=absent, member=leader_member, status=Attendance.Status.ABSENT, absence_reason="leave"
    )
    make_activity([group_a], title="接待日", date=datetime.date(year, 1, 3))  # no attendance taken: not counted
    people = [Constituent.objects.create(committee=group_a.committee, name=f"群众{i}") for i in range(2)]
    for day, person in enumerate([*people, people[0]], start=5):  # two people, three contacts
        ConstituentContact.objects.create(
            group=group_a,
            member=leader_member,
            constituent=person,
            way="phone",
            contacted_on=datetime.date(year, 1, day),
        )
    assert present.pk

    html = staff_client.get(reverse("group_detail", args=[group_a.pk])).content.decode()

    cells = [" ".join(cell.split()) for cell in _cells(_row(html, "王组长"))]
    # Rate over the two activities where attendance was taken; on leave once; 2 people in 3 contacts.
    assert cells[4:] == ["50.0% (1/2)", "1", "2", "3"]


def test_the_group_page_takes_the_same_number_of_queries_for_1_or_30_members(staff_client, group_a, leader_member):
    url = reverse("group_detail", args=[group_a.pk])
    make_activity([group_a], date=datetime.date(this_year(), 1, 1), attendees=[leader_member])
    with CaptureQueriesContext(connection) as few:
        staff_client.get(url)
    others = [make_member(group_a) for _ in range(29)]
    make_activity([group_a], date=datetime.date(this_year(), 1, 2), attendees=others)
    with CaptureQueriesContext(connection) as many:
        staff_client.get(url)
    assert len(many) == len(few)


def test_an_activity_recorded_while_the_members_figures_are_read_is_left_out(group_a):
    """PostgreSQL reads each query at its own moment: an activity saved between reading the
    group's activities and their attendance is counted in neither (it was a server error)."""
    from reports.selectors.members import group_member_years

    year = this_year()
    member = make_member(group_a, "甲委员", since=datetime.date(year, 1, 1))
    make_activity([group_a], date=datetime.date(year, 2, 1), attendees=[member])
    saved = []

    def save_between(execute, sql, params, many, context):
        if not saved and sql.startswith('SELECT "activities_attendance"."member_id"'):  # the marks, read second
            saved.append(make_activity([group_a], date=datetime.date(year, 3, 1), attendees=[member]))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(save_between):
        rows = group_member_years(group_id=group_a.pk, year=year, reference_day=datetime.date(year, 6, 1))
    assert saved
    assert [(row.member.name, row.listed, row.present) for row in rows] == [("甲委员", 1, 1)]
