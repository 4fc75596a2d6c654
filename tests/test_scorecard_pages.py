"""The scorecard page, its Excel download and print view, the groups' list and
filling a year's rules: for every role, with refusals."""

from __future__ import annotations

import datetime
import io
import re

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activities.carriers import ActivityKind
from activities.models import Attendance, ConstituentContact, DutyReport, OpinionReport
from portal import roles
from reports.models import AssessmentYear, Measure, Requirement
from reports.setup import assessment_year_ensure
from sectors.models import Constituent, GroupMembership, Member

from .factories import make_activity, make_member

Y = 2025
D = datetime.date
K = ActivityKind
READERS = [roles.STAFF, roles.CHAIRMAN, roles.ADMIN]


@pytest.fixture(autouse=True)
def _late_2025(settings):
    settings.PORTAL_TODAY = "2025-11-20"


@pytest.fixture
def rules(committee):
    return assessment_year_ensure(committee=committee, year=Y)


@pytest.fixture
def season(group_a, group_b, leader_member, rules):
    """Group A: a consultation (joint with B), a study session in January,
    one member with an absence on leave, a reception day without attendance
    rows; a public-opinion report whose title looks like a formula."""
    member = make_member(group_a, "李委员")
    make_member(group_b, "赵委员")  # B can act (a group without members is not ranked)
    study = make_activity([group_a], kind=K.STUDY, date=D(Y, 1, 1), attendees=[leader_member])
    Attendance.objects.create(
        activity=study, member=member, status=Attendance.Status.ABSENT, absence_reason=Attendance.AbsenceReason.LEAVE
    )
    make_activity([group_a, group_b], kind=K.CONSULTATION, date=D(Y, 5, 9), attendees=[leader_member, member])
    make_activity([group_a], kind=K.OTHER, date=D(Y, 6, 1), title="驿站接待日")  # no attendance taken
    OpinionReport.objects.create(committee=group_a.committee, group=group_a, title="=1+1 报告", submitted_on=D(Y, 3, 1))
    return {"member": member}


def _url(group, **query) -> str:
    query.setdefault("year", Y)
    return reverse("scorecard", args=[group.pk]) + "?" + "&".join(f"{k}={v}" for k, v in query.items())


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


# --- the scorecard -------------------------------------------------------------------


@pytest.mark.parametrize("role", [*READERS, roles.LEADER])
def test_it_shows_what_the_group_still_has_to_do_and_by_when(clients, group_a, season, role):
    page = _text(clients[role].get(_url(group_a)))
    assert "中国民主同盟界别 2025年度“八个有”考核" in page
    assert "本年度还需完成的事项及截止日期" in page
    assert "还需 1 次调研视察活动，截止 12月31日" in page
    assert "计划已逾期（截止 3月31日）" in page
    assert "在 2 个界别活动组中排第 1 名" in page
    assert 'data-area="consultation_supervision"' in page


def test_it_lists_the_evidence_with_links_to_the_records(staff_client, group_a, season):
    report = OpinionReport.objects.get(title="=1+1 报告")
    page = staff_client.get(_url(group_a)).content.decode()
    assert f'href="/opinion-reports/{report.pk}/"' in page


def test_a_leader_gets_404_for_another_groups_scorecard(leader_client, group_b, season):
    assert leader_client.get(_url(group_b)).status_code == 404
    assert leader_client.get(reverse("scorecard_print", args=[group_b.pk])).status_code == 404
    assert leader_client.get(reverse("scorecard_xlsx", args=[group_b.pk])).status_code == 404


def test_a_group_deactivated_while_its_scorecard_is_read_answers_404(staff_client, group_a, season, monkeypatch):
    """The scorecard looks the group up, then scores the committee's active groups: a group
    deactivated in between is not among the scores (it was a server error)."""
    from reports import scorecards

    scored = scorecards.official_year_scores

    def deactivated_first(**kwargs):
        type(group_a).objects.filter(pk=group_a.pk).update(is_active=False)
        return scored(**kwargs)

    monkeypatch.setattr(scorecards, "official_year_scores", deactivated_first)
    assert staff_client.get(_url(group_a)).status_code == 404


def test_anonymous_users_are_sent_to_log_in(client, group_a, season):
    for url in (_url(group_a), reverse("scorecard_list"), reverse("scorecard_xlsx", args=[group_a.pk])):
        response = client.get(url)
        assert response.status_code == 302 and reverse("login") in response["Location"]


def test_the_members_table_counts_attendance_only_where_it_was_taken_with_leave_apart(staff_client, group_a, season):
    html = staff_client.get(_url(group_a)).content.decode()
    row = re.search(rf'<tr[^>]*data-member="{season["member"].pk}".*?</tr>', html, flags=re.S).group(0)
    cells = [_text_of(c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)]
    # Present at the consultation, on leave at the study session; the reception day is not counted.
    assert cells[2] == "50.0% (1/2)"
    assert cells[3:6] == ["1", "0", "1"]  # on leave, absent, not recorded


def test_members_below_a_rule_are_highlighted(staff_client, group_a, season, leader_member):
    people = [Constituent.objects.create(committee=group_a.committee, name=f"群众{i}") for i in range(3)]
    for person in people:
        ConstituentContact.objects.create(
            group=group_a, member=leader_member, constituent=person, way="phone", contacted_on=D(Y, 4, 1)
        )
    html = staff_client.get(_url(group_a)).content.decode()
    leader_row = re.search(rf'<tr[^>]*data-member="{leader_member.pk}".*?</tr>', html, flags=re.S).group(0)
    member_row = re.search(rf'<tr[^>]*data-member="{season["member"].pk}".*?</tr>', html, flags=re.S).group(0)
    assert leader_row.count("below-rule") == 1  # reported: no; constituents: 3 of 3
    assert member_row.count("below-rule") == 2


def test_a_missed_hard_rule_is_shown_on_the_scorecard(settings, staff_client, group_a, season):
    settings.PORTAL_TODAY = "2026-01-05"
    page = _text(staff_client.get(_url(group_a)))
    assert "data-fails-hard" in page
    assert "有硬性要求未完成" in page


def test_the_study_month_strip_marks_months_held_missed_and_ahead(staff_client, group_a, season):
    html = staff_client.get(_url(group_a)).content.decode()
    cells = re.findall(r'class="month-cell (\w+)"', html)
    assert cells == ["held"] + ["missed"] * 9 + ["ahead"] * 2


def test_the_year_selector_changes_the_year(staff_client, group_a, season):
    page = _text(staff_client.get(_url(group_a, year=2024)))
    assert "2024年度尚未设定考核要求" in page


# --- a year without rules -------------------------------------------------------------


def test_a_year_without_rules_gets_a_clear_message_and_a_button_for_admins(clients, group_a, season):
    admin_page = clients[roles.ADMIN].get(_url(group_a, year=2026)).content.decode()
    assert "2026年度尚未设定考核要求" in admin_page
    assert reverse("scorecard_rules_fill") in admin_page
    staff_page = clients[roles.STAFF].get(_url(group_a, year=2026)).content.decode()
    assert "2026年度尚未设定考核要求" in staff_page
    assert reverse("scorecard_rules_fill") not in staff_page


def test_an_admin_fills_a_year_from_last_year_in_one_click(admin_client_role, committee, group_a, rules):
    Requirement.objects.filter(assessment_year=rules, measure=Measure.SERVICE_ACTIVITIES).update(threshold=4)
    response = admin_client_role.post(
        reverse("scorecard_rules_fill"), {"year": 2026, "next": _url(group_a, year=2026)}, follow=True
    )
    assert response.redirect_chain[-1][0] == _url(group_a, year=2026)
    assert "2026年度现有 16 条考核要求，沿用上一个有考核要求的年度。" in response.content.decode()
    new_year = AssessmentYear.objects.get(committee=committee, year=2026)
    assert new_year.requirements.get(measure=Measure.SERVICE_ACTIVITIES).threshold == 4


def test_filling_without_an_earlier_year_uses_the_defaults(admin_client_role, committee):
    response = admin_client_role.post(reverse("scorecard_rules_fill"), {"year": 2030}, follow=True)
    assert "2030年度现有 16 条考核要求，采用默认要求。" in response.content.decode()
    assert AssessmentYear.objects.get(year=2030).requirements.count() == 16


@pytest.mark.parametrize("year", ["abc", "1999", ""])
def test_filling_refuses_a_bad_year_and_writes_nothing(admin_client_role, committee, year):
    response = admin_client_role.post(reverse("scorecard_rules_fill"), {"year": year}, follow=True)
    assert AssessmentYear.objects.count() == 0
    assert "请选择 2000 至 2100 之间的年度。" in response.content.decode()


@pytest.mark.parametrize("role", [roles.STAFF, roles.LEADER, roles.CHAIRMAN])
def test_only_admins_may_fill_a_years_rules(clients, committee, role):
    assert clients[role].post(reverse("scorecard_rules_fill"), {"year": 2026}).status_code == 403
    assert not AssessmentYear.objects.filter(year=2026).exists()


def test_filling_is_a_post(admin_client_role, committee):
    assert admin_client_role.get(reverse("scorecard_rules_fill")).status_code == 405


# --- Excel and print ------------------------------------------------------------------


@pytest.mark.parametrize("role", [*READERS, roles.LEADER])
def test_the_excel_download_holds_the_whole_scorecard_with_formula_safe_cells(clients, group_a, season, role):
    response = clients[role].get(reverse("scorecard_xlsx", args=[group_a.pk]) + f"?year={Y}")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Cache-Control"].startswith("no-store")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["考核要求", "依据", "委员"]
    rules_sheet = [[c.value for c in row] for row in book["考核要求"].iter_rows()]
    assert rules_sheet[0][0].endswith("考核情况") and "民盟 2025年度考核" in [row[0] for row in rules_sheet[:6]]
    assert any(row[2] == "协商会次数" and row[9] == "已达标" for row in rules_sheet)
    evidence = [list(row) for row in book["依据"].iter_rows()]
    formula_cell = next(row[2] for row in evidence if row[2].value == "=1+1 报告")
    assert formula_cell.data_type == "s"
    members = [[c.value for c in row] for row in book["委员"].iter_rows()]
    assert members[[r[0] for r in members].index("李委员")][:7] == ["李委员", "委员", 50.0, 1, 1, 0, 1]


@pytest.mark.parametrize("role", [*READERS, roles.LEADER])
def test_the_print_view_fits_a4_without_the_menu(clients, group_a, season, role):
    page = _text(clients[role].get(reverse("scorecard_print", args=[group_a.pk]) + f"?year={Y}"))
    assert "print-a4" in page and "portal-navbar" not in page
    assert "计划已逾期（截止 3月31日）" in page


# --- the groups' list -----------------------------------------------------------------


@pytest.mark.parametrize("role", READERS)
def test_the_list_shows_every_groups_total_and_links_to_its_scorecard(clients, group_a, group_b, season, role):
    page = clients[role].get(reverse("scorecard_list") + f"?year={Y}").content.decode()
    assert _url(group_a) in page.replace("&amp;", "&") and _url(group_b) in page.replace("&amp;", "&")
    assert "共 2 个组，评定日期 2025-11-20。" in _text_of(page)


def _text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def test_the_list_is_refused_to_group_leaders(leader_client, season):
    assert leader_client.get(reverse("scorecard_list")).status_code == 403


def test_the_list_shows_which_groups_missed_a_hard_rule(settings, chairman_client, group_a, group_b, season):
    settings.PORTAL_TODAY = "2026-01-05"
    html = chairman_client.get(reverse("scorecard_list") + f"?year={Y}").content.decode()
    assert "硬性要求：2 个组未完成（已过截止日期），0 个组待完成" in _text_of(html)
    # Both missed the duty-report meeting; the joint consultation counts for both.
    assert html.count("data-hard-missed") == 2
    row_b = re.search(rf'<tr data-group="{group_b.pk}".*?</tr>', html, flags=re.S).group(0)
    assert "12月召开的界别述职会次数" in row_b


def test_the_list_sorts_by_name_total_and_hard_rules(staff_client, committee, group_a, group_b, season):
    make_activity([group_b], kind=K.SERVICE, date=D(Y, 12, 1))
    make_activity([group_b], kind=K.SERVICE, date=D(Y, 6, 1))
    make_activity([group_b], kind=K.RESEARCH, date=D(Y, 6, 1))

    def order(sort: str) -> list[int]:
        html = staff_client.get(reverse("scorecard_list") + f"?year={Y}&sort={sort}").content.decode()
        return [int(pk) for pk in re.findall(r'<tr data-group="(\d+)"', html)]

    assert order("rank") == order("total") == [group_b.pk, group_a.pk]
    assert order("name") == [group_a.pk, group_b.pk]  # the groups' order: 民盟 before 医卫
    assert order("nonsense") == order("rank")


def test_the_list_downloads_as_excel(staff_client, season):
    response = staff_client.get(reverse("scorecard_list") + f"?year={Y}&format=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[3][:3] == ["名次", "界别活动组", "总分"]
    assert {rows[4][1], rows[5][1]} == {"民盟", "医卫"}


# --- nav ----------------------------------------------------------------------------


def test_the_menu_takes_a_leader_to_their_scorecard_and_others_to_the_list(clients, group_a, season):
    assert reverse("scorecard", args=[group_a.pk]) in clients[roles.LEADER].get(reverse("home")).content.decode()
    assert reverse("scorecard_list") in clients[roles.CHAIRMAN].get(reverse("home")).content.decode()


# --- a fixed number of queries --------------------------------------------------------


def _page_queries(client, group) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(_url(group)).status_code == 200
    return len(captured)


def test_the_scorecard_takes_the_same_number_of_queries_for_3_or_40_members(staff_client, group_a, season):
    few = _page_queries(staff_client, group_a)
    extra = Member.objects.bulk_create(
        Member(committee=group_a.committee, member_number=f"Q{i:03d}", name=f"批量{i}", gender="F") for i in range(38)
    )
    GroupMembership.objects.bulk_create(
        GroupMembership(member=m, group=group_a, start_date=D(2022, 1, 1)) for m in extra
    )
    meeting = make_activity([group_a], kind=K.DUTY_REPORT, date=D(Y, 11, 1), attendees=extra)
    DutyReport.objects.bulk_create(
        DutyReport(group=group_a, member=m, meeting=meeting, title="述职", reported_on=D(Y, 11, 1)) for m in extra
    )
    assert _page_queries(staff_client, group_a) == few


def test_the_list_takes_the_same_number_of_queries_for_2_or_12_groups(staff_client, committee, season):
    from .factories import make_group

    with CaptureQueriesContext(connection) as few:
        staff_client.get(reverse("scorecard_list") + f"?year={Y}")
    for i in range(10):
        group = make_group(committee, f"新界别{i}", f"新{i}", order=50 + i)
        make_member(group)
        make_activity([group], kind=K.SERVICE, date=D(Y, 3, 1))
    with CaptureQueriesContext(connection) as many:
        staff_client.get(reverse("scorecard_list") + f"?year={Y}")
    assert len(many) == len(few)


def test_the_members_table_is_kept_until_the_records_change(leader_client, staff_client, group_a, season):
    """Issue 20: the members' table is cached with the scores, not computed per request;
    a change to the year's records shows on the next request."""
    staff_client.get(_url(group_a))
    with CaptureQueriesContext(connection) as captured:
        html = leader_client.get(_url(group_a)).content.decode()
    assert f'data-member="{season["member"].pk}"' in html
    assert not [q for q in captured.captured_queries if "activities_attendance" in q["sql"]]
    make_activity([group_a], kind=K.STUDY, date=D(Y, 8, 1), attendees=[season["member"]])
    row = re.search(
        rf'<tr[^>]*data-member="{season["member"].pk}".*?</tr>',
        leader_client.get(_url(group_a)).content.decode(),
        flags=re.S,
    )
    assert "66.7% (2/3)" in _text_of(row.group(0))
