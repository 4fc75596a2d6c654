"""Issue 17 (part A): the chairman's views judge what they show, and the page,
its print view, its Excel, its JSON and `year_report` agree on every figure and
verdict, for a year, a from–to period and an unfinished year."""

from __future__ import annotations

import datetime
import io
import json
import re

import pytest
from django.core.cache import cache
from django.core.management import call_command
from openpyxl import load_workbook

from activities.carriers import ActivityKind
from reports.figures import FIGURE_KEYS, FIGURE_LABELS
from reports.setup import assessment_year_ensure

from .factories import make_activity, make_member

D = datetime.date
K = ActivityKind
TODAY = "2026-12-04"


@pytest.fixture(autouse=True)
def _fourth_of_december(settings):
    settings.PORTAL_TODAY = TODAY
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def two_years(committee, group_a, group_b, leader_member):
    """2025 and 2026 with the default rules. 民盟 and 医卫 do exactly the same in
    both years (so they tie); 九三学社 has no member at all."""
    from .factories import make_group

    jiusan = make_group(committee, "九三学社界别", "九三学社", order=5)
    yiwei = make_member(group_b, "医卫委员")
    for year in (2025, 2026):
        assessment_year_ensure(committee=committee, year=year)
        for group, member in ((group_a, leader_member), (group_b, yiwei)):
            make_activity([group], kind=K.CONSULTATION, date=D(year, 4, 1), attendees=[member])
            make_activity([group], kind=K.STUDY, date=D(year, 3, 1), attendees=[member])
    # Held in 2025 after 4 December: outside "2025 up to 4 December".
    make_activity([group_a], kind=K.SERVICE, date=D(2025, 12, 20), attendees=[leader_member])
    make_activity([group_b], kind=K.SERVICE, date=D(2025, 12, 20), attendees=[yiwei])
    return {"jiusan": jiusan}


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def _json(client, query: str) -> dict:
    response = client.get("/dashboard/data.json" + query)
    assert response.status_code == 200
    return response.json()


def _workbook(client, query: str):
    response = client.get("/dashboard/export.xlsx" + query)
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


def _year_report(*args: str) -> dict:
    out = io.StringIO()
    call_command("year_report", *args, stdout=out)
    return json.loads(out.getvalue())


# --- an unfinished year --------------------------------------------------------------------


def test_an_unfinished_year_is_compared_with_the_same_span_of_last_year(chairman_client, two_years):
    data = _json(chairman_client, "?year=2026")
    assert data["period"]["end"] == "2026-12-04"
    assert (data["previous_period"]["start"], data["previous_period"]["end"]) == ("2025-01-01", "2025-12-04")
    # Last year's December service activities fall after 4 December: not in the comparison.
    assert data["previous_figures"]["service_activities"] == 0
    assert data["as_of"] == "2026-12-04"
    assert "截至 12月4日" in data["period"]["label"]
    assert data["figures"]["bulletin_zh"].startswith("截至12月4日，")
    assert data["figures"]["bulletin_en"].startswith("As of December 4, ")


def test_an_unfinished_year_says_as_of_on_the_page_print_and_excel(chairman_client, two_years):
    for url in ("/dashboard/?year=2026", "/dashboard/print/?year=2026"):
        page = _text(chairman_client.get(url))
        assert "2026（截至 12月4日）" in page
        assert "截至12月4日，" in page  # the bulletin
    book = _workbook(chairman_client, "?year=2026")
    caption = [row[0] for row in book.worksheets[0].iter_rows(values_only=True)][:3]
    assert any("截至 12月4日" in str(line) for line in caption)
    years = [row[0] for row in book["历年主要数字"].iter_rows(values_only=True)] if "历年主要数字" in book else []
    assert not years or "2026（截至 12月4日）" in years


# --- a from–to period -----------------------------------------------------------------------


def test_a_from_to_period_shows_no_other_spans_ranking(chairman_client, two_years):
    data = _json(chairman_client, "?from=2025-05-01&to=2026-04-30")
    assert data["score_year"] is None and data["has_rules"] is False
    assert data["attention"] == []
    assert "自然年度" in data["ranking_note"]
    page = _text(chairman_client.get("/dashboard/?from=2025-05-01&to=2026-04-30"))
    assert data["ranking_note"] in page
    assert "界别活动组得分排名" not in page
    sheets = _workbook(chairman_client, "?from=2025-05-01&to=2026-04-30").sheetnames
    assert not any("排名" in name or "八个有" in name for name in sheets)
    report = _year_report("--from", "2025-05-01", "--to", "2026-04-30")
    assert report["rankings"] == data["rankings"] and report["score_year"] is None


# --- the ranking ----------------------------------------------------------------------------


def test_ties_share_a_rank_and_a_group_without_members_is_not_ranked(chairman_client, two_years):
    data = _json(chairman_client, "?year=2025")
    rows = {row["group"]: row for row in data["rankings"]}
    assert rows["民盟"]["total"] == rows["医卫"]["total"]
    assert (rows["民盟"]["rank"], rows["医卫"]["rank"]) == (1, 1)
    assert rows["民盟"]["tied"] and rows["医卫"]["tied"]
    assert rows["九三学社"]["rank"] is None and rows["九三学社"]["hard_state"] == "cannot_act"
    assert "九三学社" not in {item["group"] for item in data["attention"]}
    page = _text(chairman_client.get("/dashboard/?year=2025"))
    assert page.count("1（并列）") >= 2
    assert "无法开展：组内没有委员" in page
    scorecards = _text(chairman_client.get("/reports/scorecards/?year=2025"))
    assert scorecards.count("1（并列）") == 2


def test_the_summary_counts_failed_due_and_met_hard_rules(chairman_client, two_years):
    # 2026 on 4 December: the December duty-report meetings are still due, not failed.
    data = _json(chairman_client, "?year=2026")
    assert data["hard_counts"] == {"failed": 0, "due": 2, "met": 0, "cannot_act": 1}
    summary = "硬性要求：0 个组未完成（已过截止日期），2 个组待完成（截止日期未到），0 个组已全部完成；1 个组没有委员"
    assert summary in _text(chairman_client.get("/dashboard/?year=2026"))
    assert summary in _text(chairman_client.get("/reports/scorecards/?year=2026"))
    assert "没有组未完成硬性要求" not in _text(chairman_client.get("/reports/scorecards/?year=2026"))
    # 2025 is over: the missed duty-report meetings failed.
    assert _json(chairman_client, "?year=2025")["hard_counts"]["failed"] == 2


def test_a_year_without_rules_shows_no_ranks(chairman_client, committee, group_a, leader_member):
    make_activity([group_a], date=D(2024, 3, 1), attendees=[leader_member])
    data = _json(chairman_client, "?year=2024")
    assert data["has_rules"] is False
    assert all(row["rank"] is None for row in data["rankings"])


def test_row_totals_read_heji_and_no_english_key_column(chairman_client, two_years):
    page = chairman_client.get("/dashboard/?year=2025").content.decode()
    assert '<th scope="col">合计</th>' in page and '<th scope="col">总分</th>' not in page
    assert "键名" not in page and ">study_sessions<" not in page
    book = _workbook(chairman_client, "?year=2025")
    cells = {str(cell) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for cell in row}
    assert "合计" in cells and "总分" not in cells
    assert not set(FIGURE_KEYS) & cells and "bulletin_zh" not in cells


# --- everything agrees ----------------------------------------------------------------------


def _excel_figures(book) -> dict:
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    return {row[0]: row[1] for row in rows if row and len(row) > 2}


def _excel_ranking(book) -> list[tuple]:
    if "界别活动组得分排名" not in book.sheetnames:
        return []
    rows = list(book["界别活动组得分排名"].iter_rows(values_only=True))
    start = next(i for i, row in enumerate(rows) if row and row[0] == "名次") + 1
    return [(row[0], row[1], row[2], row[4]) for row in rows[start:] if row and row[1]]


@pytest.mark.parametrize(
    "query, args",
    [
        ("?year=2025", ["--year", "2025"]),
        ("?from=2025-05-01&to=2026-04-30", ["--from", "2025-05-01", "--to", "2026-04-30"]),
        ("?year=2026", ["--year", "2026"]),
    ],
    ids=["a closed-out year", "a from-to period", "an unfinished year"],
)
def test_page_print_excel_json_and_year_report_agree(chairman_client, two_years, query, args):
    from reports.dashboard_tables import ranking_table

    data = _json(chairman_client, query)
    report = _year_report(*args)
    for key in ("figures", "previous_figures", "period", "previous_period", "rankings", "attention", "hard_counts"):
        assert report[key] == data[key], key
    book = _workbook(chairman_client, query)
    excel = _excel_figures(book)
    assert {key: excel[str(FIGURE_LABELS[key])] for key in FIGURE_KEYS} == {k: data["figures"][k] for k in FIGURE_KEYS}
    table = ranking_table(data)
    assert _excel_ranking(book) == ([(r[0], r[1], r[2], r[4]) for r in table.rows] if data["has_rules"] else [])
    for url in ("/dashboard/", "/dashboard/print/"):
        page = _text(chairman_client.get(url + query))
        assert data["figures"]["bulletin_zh"] in page
        assert data["period"]["label"] in page
        for row in table.rows if data["has_rules"] else []:
            assert f"{row[0]} {row[1]} {row[2] if row[2] is not None else '–'} {row[3]} {row[4]}" in page
        if data["hard_summary"]:
            assert data["hard_summary"] in page


# --- a closed year ------------------------------------------------------------------------


@pytest.fixture
def closed_2025(two_years, committee, group_a, group_b, users):
    from portal import roles
    from reports.snapshots import year_close

    year_close(committee=committee, year=2025, user=users[roles.STAFF], today=D(2026, 1, 5))
    # Recorded after the closing: a 2025 duty-report meeting for 医卫 (changes the live figure only).
    make_activity([group_b], kind=K.DUTY_REPORT, date=D(2025, 12, 10))
    cache.clear()


def test_a_closed_years_official_result_is_what_every_view_states(chairman_client, closed_2025, group_a, group_b):
    from reports.models import ScoreSnapshot

    official = {s.group_id: s for s in ScoreSnapshot.objects.filter(year=2025, official=True)}
    data = _json(chairman_client, "?year=2025")
    rows = {row["group_id"]: row for row in data["rankings"]}
    assert rows[group_b.pk]["total"] == float(official[group_b.pk].total)
    assert rows[group_b.pk]["live_total"] > rows[group_b.pk]["total"]  # the live figure, beside
    assert data["official_closed_on"] == "2026-01-05"
    assert "正式结果" in data["official_note"]
    card = _text(chairman_client.get(f"/reports/scorecards/{group_b.pk}/?year=2025"))
    assert f"{official[group_b.pk].total} /100" in card and "正式结果" in card and "实时" in card
    listing = _text(chairman_client.get("/reports/scorecards/?year=2025"))
    assert "正式结果" in listing and "实时" in listing
    book = load_workbook(io.BytesIO(chairman_client.get(f"/reports/scorecards/{group_b.pk}/xlsx/?year=2025").content))
    caption = " ".join(str(row[0]) for row in book.worksheets[0].iter_rows(values_only=True) if row and row[0])
    assert f"总分 {official[group_b.pk].total}" in caption and "正式结果" in caption


def test_a_closed_past_years_scorecard_is_not_titled_this_year(chairman_client, closed_2025, group_b):
    card = _text(chairman_client.get(f"/reports/scorecards/{group_b.pk}/?year=2025"))
    assert "本年度还需完成的事项" not in card and "2025年度未完成的事项" in card


# --- vocabulary -----------------------------------------------------------------------------


def test_scoring_messages_carry_measure_words_and_dates():
    from django.utils import translation

    from reports.models import Measure
    from reports.scoring import Context, GroupFacts, Rule, rule_result

    rule = Rule(Measure.OPINION_REPORTS, "社情民意", None, None, threshold=1, deadline=D(2026, 12, 31))
    with translation.override("zh-hans"):
        result = rule_result(rule, GroupFacts(group_id=1, group_name="甲"), Context(year=2026, today=D(2026, 6, 1)))
    assert result.missing == "还需 1 篇社情民意信息，截止 12月31日"


def test_the_study_type_is_named_after_the_study_day(staff_client, group_a):
    page = staff_client.get("/activities/new/").content.decode()
    assert "界别学习日（学习会）" in page


def test_training_and_supervision_are_said_to_count_toward_nothing(chairman_client, two_years, group_a):
    card = _text(chairman_client.get(f"/reports/scorecards/{group_a.pk}/?year=2026"))
    assert "培训、民主监督的记录会保留，但不计入 2026 年度的任何考核要求" in card


def test_the_home_card_counts_every_opinion_report_with_the_stations_share(chairman_client, group_a):
    from activities.models import OpinionReport

    for day in (D(2026, 3, 1), D(2026, 4, 1)):
        OpinionReport.objects.create(committee=group_a.committee, group=group_a, title="报告", submitted_on=day)
    page = _text(chairman_client.get("/?year=2026"))
    assert "报送社情民意信息 2 条，其中经工作站 0 条" in page


def test_record_forms_warn_in_a_closed_year_and_the_year_lists_the_change(
    staff_client, closed_2025, group_a, leader_member
):
    from django.urls import reverse

    from activities.models import OpinionReport

    from .test_activity_form import attendance_fields
    from .test_activity_form import form_data as activity_data
    from .test_records_opinion_reports import form_data as report_data

    warning = "2025 年度考核已结束：该年度的正式结果保持不变"
    response = staff_client.post(
        reverse("opinionreport_create"), report_data(group_a, [leader_member], title="迟报的信息"), follow=True
    )
    assert OpinionReport.objects.filter(title="迟报的信息").exists()
    assert warning in response.content.decode()
    data = activity_data([group_a], date="2025-11-02", title="补录的学习会") | attendance_fields(
        present=[leader_member]
    )
    response = staff_client.post(reverse("activity_create"), data, follow=True)
    assert warning in response.content.decode()
    # A record of an open year: no warning.
    response = staff_client.post(
        reverse("opinionreport_create"),
        report_data(group_a, [leader_member], title="今年的信息", submitted_on="2026-03-01"),
        follow=True,
    )
    assert warning not in response.content.decode()
    listing = _text(staff_client.get("/reports/scorecards/?year=2025"))
    assert "2025年度结束后有变动的记录" in listing
    assert "迟报的信息" in listing and "补录的学习会" in listing and "今年的信息" not in listing
