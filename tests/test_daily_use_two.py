"""Daily use, round two (issue 23): what staff, leaders and the chairman tripped
over, each checked through the pages and files they use."""

from __future__ import annotations

import datetime

from django.urls import reverse

from activities.models import OpinionReport, Proposal

from . import test_records_opinion_reports as opinion
from . import test_records_proposals as proposals
from .factories import make_member

# --- Entering data -----------------------------------------------------------------


def test_new_opinion_reports_and_contacts_are_dated_today(staff_client, settings, group_a):
    settings.PORTAL_TODAY = "2025-06-18"
    for name, field in (("opinionreport_create", "submitted_on"), ("contact_create", "contacted_on")):
        page = staff_client.get(reverse(name)).content.decode()
        assert f'name="{field}" value="2025-06-18"' in page, name


def test_an_edited_record_keeps_its_own_date(staff_client, settings, group_a):
    settings.PORTAL_TODAY = "2025-06-18"
    report = opinion.make_report(group_a, [make_member(group_a, "李委员")], day=datetime.date(2025, 3, 10))
    page = staff_client.get(reverse("opinionreport_edit", args=[report.pk])).content.decode()
    assert 'name="submitted_on" value="2025-03-10"' in page


def test_one_save_of_an_opinion_report_writes_one_history_row(staff_client, group_a):
    li, wang = make_member(group_a, "李委员"), make_member(group_a, "王委员")
    staff_client.post(reverse("opinionreport_create"), opinion.form_data(group_a, [li]))
    report = OpinionReport.objects.get()
    assert report.history.count() == 1
    assert list(report.history.get().submitters.values_list("member_id", flat=True)) == [li.pk]

    staff_client.post(reverse("opinionreport_edit", args=[report.pk]), opinion.form_data(group_a, [li, wang]))
    assert report.history.count() == 2
    newest = report.history.order_by("-history_date").first()
    assert set(newest.submitters.values_list("member_id", flat=True)) == {li.pk, wang.pk}


def test_one_save_of_a_proposal_writes_one_history_row(staff_client, group_a):
    li = make_member(group_a, "李委员")
    staff_client.post(reverse("proposal_create"), proposals.form_data(group_a, [li]))
    proposal = Proposal.objects.get()
    assert proposal.history.count() == 1
    assert list(proposal.history.get().proposers.values_list("member_id", flat=True)) == [li.pk]


def test_a_leader_is_refused_the_roster_and_is_offered_no_edit_button(leader_client, group_a, leader_member):
    """The rule (docs/it.md, "Roles", checked in tests/test_docs.py): the roster is kept by staff."""
    page = leader_client.get(reverse("member_detail", args=[leader_member.pk])).content.decode()
    assert reverse("member_edit", args=[leader_member.pk]) not in page
    response = leader_client.post(reverse("member_edit", args=[leader_member.pk]), {"name": "改名"})
    leader_member.refresh_from_db()
    assert response.status_code == 403 and leader_member.name != "改名"


def test_the_account_page_does_not_send_users_to_the_readme(admin_client_role):
    page = admin_client_role.get(reverse("account_security")).content.decode()
    assert "README" not in page


# --- Reading: English ----------------------------------------------------------------


def test_english_says_one_more_meeting_and_names_the_months():
    from django.utils import translation

    from reports.models import Measure
    from reports.scoring import month_label, rule_result

    from .test_scoring import ctx, facts, rule, share_rule, study_rule

    with translation.override("en"):
        one_short = rule_result(rule(Measure.CONSULTATIONS, 1), facts(), ctx())
        two_short = rule_result(rule(Measure.CONSULTATIONS, 2), facts(), ctx())
        assert one_short.missing == "1 more consultation meeting needed, by 12/31"
        assert two_short.missing == "2 more consultation meetings needed, by 12/31"
        january = ctx(datetime.date(2025, 1, 15))
        assert rule_result(study_rule(1), facts(), january).missing.startswith("1 more month with")
        assert rule_result(study_rule(2), facts(), january).missing.startswith("2 more months with")
        one_member = rule_result(share_rule(20), facts(members=()), ctx())
        assert "more members" not in one_member.missing
        assert [month_label(m) for m in (1, 8, 12)] == ["Jan", "Aug", "Dec"]
    with translation.override("zh-hans"):
        assert [month_label(m) for m in (1, 8, 12)] == ["1月", "8月", "12月"]


def test_the_scorecards_month_strip_names_the_months_in_english(staff_client, group_a):
    staff_client.cookies["django_language"] = "en"
    page = staff_client.get(reverse("scorecard", args=[group_a.pk])).content.decode()
    assert '<div class="month-name">Jan</div>' in page and "month 1<" not in page


# --- Django admin in Chinese ---------------------------------------------------------


def test_the_admin_index_says_修改_and_names_lockouts_and_authenticators_in_chinese(admin_client_role):
    page = admin_client_role.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "修改" in page and "增减" not in page
    assert "Access attempts" not in page and "TOTP devices" not in page
    assert "被锁定的登录" in page and "身份验证器（TOTP 设备）" in page
    assert "登录锁定" in page and "两步验证" in page  # the apps' headings


def test_the_dashboards_change_column_keeps_its_own_word():
    from django.utils import translation

    from reports.dashboard_tables import figures_table
    from reports.figures import FIGURE_KEYS

    zero = dict.fromkeys(FIGURE_KEYS, 0)
    with translation.override("zh-hans"):
        table = figures_table({"scope": {"group": None}, "figures": zero, "previous_figures": zero})
    assert table.headers[-1] == "增减"


# --- Exports and print ---------------------------------------------------------------


def test_the_scorecards_excel_holds_numbers_and_the_committee_heading(staff_client, committee, group_a):
    import io
    import re

    import openpyxl

    from reports.setup import assessment_year_ensure

    assessment_year_ensure(committee=committee, year=2025)
    response = staff_client.get(reverse("scorecard_xlsx", args=[group_a.pk]) + "?year=2025")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][0] == "温州市政协 · 考核情况"
    assert re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d[+-]\d\d:\d\d", rows[3][0])  # ISO time with its offset
    header = rows.index(next(row for row in rows if row[2] == "考核要求"))
    body = rows[header + 1 :]
    assert body and all(isinstance(row[3], int | float) and isinstance(row[4], int | float) for row in body)
    assert {row[5] for row in body} <= {"", "%", None}


def test_the_scorecards_print_view_names_the_committee(staff_client, group_a):
    page = staff_client.get(reverse("scorecard_print", args=[group_a.pk]) + "?year=2025").content.decode()
    assert '<span class="d-block small text-muted" data-committee>温州市政协</span>' in page


def test_the_rejected_rows_file_keeps_the_id_and_mobile_columns_as_text(admin_client_role, group_a):
    import io

    import openpyxl

    from . import sheets
    from .test_import_members import last_run, roster, upload

    upload(admin_client_role, sheets.xlsx(roster()))
    response = admin_client_role.get(reverse("import_errors", kwargs={"run_id": last_run().pk}))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    headers = [cell.value for cell in sheet[1]]
    for name in ("手机", "身份证号"):
        letter = openpyxl.utils.get_column_letter(headers.index(name) + 1)
        assert sheet[f"{letter}2"].number_format == "@", name
        assert sheet.column_dimensions[letter].number_format == "@", name  # rows typed in later too
    assert sheet["C2"].number_format != "@"  # 姓名 is not forced


def test_the_member_export_has_one_column_per_heading(staff_client, group_a, leader_member):
    import io

    import openpyxl

    response = staff_client.get(reverse("member_export"))
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    headers = next(row for row in rows if row and row[0] == "委员编号")
    assert len(headers) == len(set(headers))
    assert "职务" in headers and "界内职务" in headers
