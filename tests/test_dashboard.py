"""The year-end dashboard states known figures everywhere: page, Excel, JSON,
`year_report` and the bulletin; each role sees what it may; the query count is fixed."""

from __future__ import annotations

import datetime
import io
import json
import re

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from activities.carriers import ActivityKind
from activities.models import Activity, Attendance, DutyReport, OpinionReport
from portal import roles
from reports.figures import FIGURE_LABELS
from reports.selectors import dashboard
from sectors.models import GroupMembership, Member, SectorGroup, Workstation

from .factories import make_activity, make_group, make_member, make_user

START, END = datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)
BEFORE, AFTER = START - datetime.timedelta(days=1), END + datetime.timedelta(days=1)
ARTICLE = (
    "29个界别活动组开展学习260次，参与4126人次；建立“界别工作站”36个，通过工作站报送社情民意信息21条；"
    "召开“界别协商会”53次，参与618人次；开展界别活动月服务活动64次，其中12月31次；"
    "23个界别组织“界别述职会”，参与述职委员400人。"
)
KNOWN = {
    "groups": 29,
    "study_sessions": 260,
    "study_participant_times": 4126,
    "workstations": 36,
    "workstation_opinion_reports": 21,
    "consultation_meetings": 53,
    "consultation_participant_times": 618,
    "service_activities": 64,
    "december_service_activities": 31,
    "duty_report_groups": 23,
    "duty_reporters": 400,
}


@pytest.fixture(autouse=True)
def _fresh_cache(settings):
    settings.PORTAL_TODAY = "2026-01-15"
    cache.clear()
    yield
    cache.clear()


def _bulk_activities(specs: list[tuple[SectorGroup | list[SectorGroup], str, datetime.date, int]]) -> list[Activity]:
    """Activities (groups, kind, date, other participants) in three statements."""
    committee = (specs[0][0] if isinstance(specs[0][0], SectorGroup) else specs[0][0][0]).committee
    made = Activity.objects.bulk_create(
        [
            Activity(committee=committee, kind=kind, date=day, title=f"{kind}{i}", other_participants=others)
            for i, (_g, kind, day, others) in enumerate(specs)
        ]
    )
    links = []
    for activity, (groups, *_rest) in zip(made, specs, strict=True):
        for group in groups if isinstance(groups, list) else [groups]:
            links.append(Activity.groups.through(activity_id=activity.pk, sectorgroup_id=group.pk))
    Activity.groups.through.objects.bulk_create(links)
    return made


def _present(activities: list[Activity], members_of, count: int) -> None:
    rows = []
    for activity, members in zip(activities, members_of, strict=True):
        rows += [Attendance(activity=activity, member=m) for m in members[:count]]
        rows += [
            Attendance(activity=activity, member=m, status="absent", absence_reason="leave") for m in members[count:]
        ]
    Attendance.objects.bulk_create(rows)


@pytest.fixture
def article_year(committee, group_a, group_b):
    """The article's year, built in 2025, with decoys one day outside it on both sides."""
    groups = [group_a, group_b] + [make_group(committee, f"第{i}界别", f"第{i}组", order=100 + i) for i in range(27)]
    members: dict[int, list[Member]] = {}
    for index, group in enumerate(groups):
        size = 18 if index < 22 else (4 if index == 22 else 11)  # 22×18 + 4 = 400 reporters in 23 groups
        made = Member.objects.bulk_create(
            [
                Member(committee=committee, member_number=f"K{index:02d}{n:03d}", name=f"委员{index}-{n}", gender="F")
                for n in range(size)
            ]
        )
        GroupMembership.objects.bulk_create(
            [GroupMembership(member=m, group=group, start_date=datetime.date(2020, 1, 1)) for m in made]
        )
        members[group.pk] = made

    # 260 study sessions: 10 members present each (+ absences) and 1,526 other participants = 4,126 人次.
    def host(i: int) -> SectorGroup:  # group 22 has only 4 members: it does not host sessions
        return groups[i % 29] if i % 29 != 22 else groups[0]

    study_specs = []
    for i in range(260):
        joint = [host(i), groups[(i % 29 + 1) % 29]] if i % 20 == 0 else host(i)
        study_specs.append((joint, ActivityKind.STUDY, datetime.date(2025, i % 12 + 1, 1), 6 if i < 226 else 5))
    study = _bulk_activities(study_specs)
    _present(study, [members[host(i).pk][:11] for i in range(260)], 10)
    # 53 consultation meetings: 10 present each + 88 other participants = 618 人次.
    consult = _bulk_activities(
        [
            (
                groups[i % 29] if i % 29 != 22 else groups[0],
                ActivityKind.CONSULTATION,
                datetime.date(2025, 5, 9),
                2 if i < 44 else 0,
            )
            for i in range(53)
        ]
    )
    _present(consult, [members[(groups[i % 29] if i % 29 != 22 else groups[0]).pk] for i in range(53)], 10)
    # 64 service activities, 31 in December; trainings are not study sessions.
    _bulk_activities(
        [(groups[i % 29], ActivityKind.SERVICE, datetime.date(2025, 12 if i < 31 else 6, 15), 0) for i in range(64)]
        + [(groups[0], ActivityKind.TRAINING, datetime.date(2025, 3, 3), 40)]
    )
    # 23 groups hold a duty-report meeting in December; all 400 of their members report.
    meetings = _bulk_activities(
        [(groups[i], ActivityKind.DUTY_REPORT, datetime.date(2025, 12, 20), 0) for i in range(23)]
    )
    DutyReport.objects.bulk_create(
        [
            DutyReport(group=groups[i], member=m, meeting=meeting, title="我的履职", reported_on=meeting.date)
            for i, meeting in enumerate(meetings)
            for m in members[groups[i].pk]
        ]
    )
    # 36 workstations set up in 2025 (建立, as in the article's first year); 21 reports through them.
    stations = Workstation.objects.bulk_create(
        [
            Workstation(
                group=groups[i % 29],
                name=f"驿站{i}",
                host_kind="studio",
                established_on=datetime.date(2025, 1, 1 + i % 28),
            )
            for i in range(36)
        ]
    )
    OpinionReport.objects.bulk_create(
        [
            OpinionReport(
                committee=committee,
                group=s.group,
                workstation=s,
                title=f"社情{i}",
                submitted_on=datetime.date(2025, 7, 1),
            )
            for i, s in enumerate(stations[:21])
        ]
    )
    # Decoys one day outside the year, on both sides, and a planned session inside it.
    for day in (BEFORE, AFTER):
        for kind in (ActivityKind.STUDY, ActivityKind.CONSULTATION, ActivityKind.SERVICE):
            make_activity([groups[25]], kind=kind, date=day, attendees=members[groups[25].pk], other_participants=9)
        meeting = make_activity([groups[26]], kind=ActivityKind.DUTY_REPORT, date=day)
        for m in members[groups[26].pk]:
            DutyReport.objects.create(group=groups[26], member=m, meeting=meeting, title="述职", reported_on=day)
        OpinionReport.objects.create(
            committee=committee, group=groups[0], workstation=stations[0], title="站外", submitted_on=day
        )
    make_activity([groups[0]], date=datetime.date(2025, 6, 1), status=Activity.Status.PLANNED, other_participants=50)
    Workstation.objects.create(
        group=groups[1], name="已关闭", host_kind="studio", established_on=datetime.date(2020, 1, 1), closed_on=BEFORE
    )
    Workstation.objects.create(group=groups[1], name="新建", host_kind="studio", established_on=AFTER)
    return groups


YEAR_QUERY = "?year=2025"
_real_compute = dashboard._compute


def _json(client, query=YEAR_QUERY) -> dict:
    response = client.get("/dashboard/data.json" + query)
    assert response.status_code == 200
    return response.json()


def test_the_json_states_the_known_figures(chairman_client, article_year):
    data = _json(chairman_client)
    assert {key: data["figures"][key] for key in KNOWN} == KNOWN
    assert data["figures"]["bulletin_zh"] == ARTICLE
    assert data["figures"]["training_sessions"] == 1
    assert data["period"] == {"start": "2025-01-01", "end": "2025-12-31", "label": "2025"}


def test_the_same_figures_for_the_same_period_given_as_dates(chairman_client, article_year):
    data = _json(chairman_client, "?from=2025-01-01&to=2025-12-31")
    assert {key: data["figures"][key] for key in KNOWN} == KNOWN


def test_the_bulletin_reads_like_the_article_in_both_languages(staff_client, article_year):
    data = _json(staff_client)
    assert data["figures"]["bulletin_zh"] == ARTICLE
    assert data["figures"]["bulletin_en"] == (
        "The 29 sector activity groups held 260 study sessions with 4,126 participant-times; "
        "kept 36 sector workstations, through which 21 public-opinion reports were submitted; "
        "held 53 sector consultation meetings with 618 participant-times; "
        "held 64 service activities of the activity month, 31 of them in December; "
        "23 groups held a duty-report meeting, at which 400 members reported."
    )


def test_the_page_states_the_known_figures(chairman_client, article_year):
    page = chairman_client.get("/dashboard/" + YEAR_QUERY).content.decode()
    for key, value in KNOWN.items():
        if key == "groups":
            continue
        assert re.search(rf'data-figure="{key}">{value}<', page), key  # Chinese numbers: no separator
    assert ARTICLE in page
    assert 'id="dashboard-charts"' in page
    assert "<script>" not in page.replace('<script id="dashboard-charts" type="application/json">', "")
    assert " style=" not in page.split("<main")[1]  # no inline styles in the dashboard (CSP without unsafe-inline)


def test_the_print_view_states_the_known_figures(chairman_client, article_year):
    page = chairman_client.get("/dashboard/print/" + YEAR_QUERY).content.decode()
    assert ARTICLE in page and "dashboard-print.css" in page
    assert re.search(r'data-figure="study_participant_times">4126<', page)


def test_the_excel_workbook_states_the_known_figures(chairman_client, article_year):
    response = chairman_client.get("/dashboard/export.xlsx" + YEAR_QUERY)
    assert response["Cache-Control"].startswith("no-store")
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    by_label = {row[0]: row[1] for row in rows if row and len(row) > 2}
    assert {key: by_label[str(FIGURE_LABELS[key])] for key in KNOWN} == KNOWN
    bulletin = {row[0]: row[1] for row in book.worksheets[1].iter_rows(values_only=True) if row and row[0]}
    assert bulletin["中文"] == ARTICLE
    assert len(book.worksheets) >= 5  # figures, bulletin, rankings, eight haves, per group per month


def test_year_report_states_the_known_figures_as_json_and_excel(article_year, tmp_path):
    out = io.StringIO()
    call_command("year_report", "--year", "2025", "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    assert {key: data["figures"][key] for key in KNOWN} == KNOWN
    assert data["figures"]["bulletin_zh"] == ARTICLE
    out = io.StringIO()
    call_command("year_report", "--from", "2025-01-01", "--to", "2025-12-31", stdout=out)
    assert json.loads(out.getvalue())["figures"]["study_participant_times"] == 4126

    target = tmp_path / "year.xlsx"
    call_command("year_report", "--year", "2025", "--format", "xlsx", "--output", str(target), stderr=io.StringIO())
    rows = load_workbook(target).worksheets[0].iter_rows(values_only=True)
    label = str(FIGURE_LABELS["consultation_participant_times"])
    assert {row[0]: row[1] for row in rows if row and len(row) > 2}[label] == 618


def test_year_report_carries_every_key_of_the_issue_table(committee):
    out = io.StringIO()
    call_command("year_report", "--year", "2025", stdout=out)
    figures = json.loads(out.getvalue())["figures"]
    expected = {
        "groups", "study_sessions", "study_participant_times", "training_sessions", "workstations",
        "workstation_opinion_reports", "consultation_meetings", "consultation_participant_times",
        "service_activities", "december_service_activities", "duty_report_groups", "duty_reporters",
        "opinion_reports", "opinion_reports_adopted", "proposals", "key_proposals", "constituent_contacts",
        "constituents", "members_meeting_contact_rule", "members", "participating_members",
        "bulletin_zh", "bulletin_en",
    }  # fmt: skip
    assert expected <= set(figures)
    assert figures["bulletin_zh"] == "本期间没有可统计的界别工作。"


@pytest.mark.parametrize(
    "args, message",
    [
        (["--year", "2025", "--from", "2025-01-01", "--to", "2025-02-01"], "either --year"),
        (["--from", "2025-01-01"], "both --from and --to"),
        (["--from", "2025-13-01", "--to", "2025-12-01"], "Not a date"),
        (["--from", "2025-05-01", "--to", "2025-01-01"], "结束日期早于开始日期"),
        (["--from", "1900-01-01", "--to", "9999-12-31"], "统计期间最长为20年"),
        (["--from", "9999-12-31", "--to", "9999-12-31"], "日期须在 2000-01-01 至 2100-12-31 之间"),
        (["--year", "2025", "--format", "xlsx"], "--output"),
        (["--year", "1900"], "between 2000 and 2100"),
    ],
)
def test_year_report_refuses_bad_arguments_clearly(committee, args, message):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match=message):
        call_command("year_report", *args, stdout=io.StringIO())


# --- who sees what ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", [roles.STAFF, roles.CHAIRMAN, roles.ADMIN])
def test_committee_wide_roles_see_every_group_named(role, clients, article_year):
    data = _json(clients[role])
    assert data["scope"] == {"group": None, "others_named": True}
    assert all(row["group"] for row in data["rankings"]) and len(data["rankings"]) == 29
    page = clients[role].get("/dashboard/" + YEAR_QUERY).content.decode()
    assert "第5组" in page and "leader-scope-note" not in page


def test_a_leader_sees_their_group_beside_the_committee_and_others_unnamed(leader_client, group_a, article_year):
    data = _json(leader_client)
    assert data["scope"]["group"] == {"id": group_a.pk, "name": "民盟"}
    assert data["committee_figures"]["study_sessions"] == 260
    # 民盟 (group 0): sessions 0, 29, …, joint ones of group 28 too; only its own members' attendance.
    own = Activity.objects.filter(groups=group_a, kind=ActivityKind.STUDY, date__year=2025, status="held")
    present = Attendance.objects.filter(activity__in=own, status="present", member__memberships__group=group_a).count()
    others = sum(own.values_list("other_participants", flat=True))
    assert data["figures"]["study_sessions"] == own.count()
    assert data["figures"]["study_participant_times"] == present + others
    named = [row for row in data["rankings"] if row["group"]]
    assert [row["group"] for row in named] == ["民盟"] and named[0]["own"]
    assert all(row["group_id"] is None for row in data["rankings"] if not row["own"])
    assert all(row["group"] in (None, "民盟") for row in data["study_months"]["rows"] + data["group_months"]["rows"])
    page = leader_client.get("/dashboard/" + YEAR_QUERY).content.decode()
    assert "leader-scope-note" in page and "第5组" not in page and "未具名" in page
    assert data["figures"]["bulletin_zh"].startswith("民盟界别活动组开展学习")


def test_a_leaders_excel_names_no_other_group(leader_client, article_year):
    book = load_workbook(io.BytesIO(leader_client.get("/dashboard/export.xlsx" + YEAR_QUERY).content))
    text = " ".join(str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row if c)
    assert "民盟" in text and "第5组" not in text and "医卫" not in text


def test_anonymous_users_are_sent_to_login_and_role_less_users_refused(client, committee, article_year):
    for url in ("/dashboard/", "/dashboard/print/", "/dashboard/data.json", "/dashboard/export.xlsx"):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    nobody = make_user(roles.STAFF, username="nobody")
    nobody.groups.clear()
    client.force_login(nobody)
    for url in ("/dashboard/", "/dashboard/print/", "/dashboard/data.json", "/dashboard/export.xlsx"):
        assert client.get(url).status_code == 403


def test_the_nav_links_to_the_dashboard(chairman_client, committee):
    assert 'href="/dashboard/"' in chairman_client.get("/").content.decode()


# --- the period picker ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "query, message",
    [
        ("?from=2025-05-01&to=2025-01-01", "结束日期早于开始日期。"),
        ("?from=2025-05-01", "请填写统计期间的起止两个日期。"),
        ("?from=2025-02-30&to=2025-03-01", "自"),
        ("?year=abc", "年度"),
        ("?year=1999", "年度"),
        ("?from=1990-01-01&to=2025-01-01", "统计期间最长为20年。"),
        ("?from=9999-12-31&to=9999-12-31", "日期须在 2000-01-01 至 2100-12-31 之间。"),
        ("?from=0001-01-01&to=0001-12-31", "日期须在 2000-01-01 至 2100-12-31 之间。"),
    ],
)
def test_a_bad_period_is_explained_in_chinese_and_this_year_shown(chairman_client, committee, query, message):
    response = chairman_client.get("/dashboard/" + query, HTTP_ACCEPT_LANGUAGE="zh-hans")
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="period-errors"' in page and message in page
    assert response.context["period"].start == datetime.date(2026, 1, 1)  # this year instead
    assert chairman_client.get("/dashboard/data.json" + query).status_code == 400
    # The print view and the workbook refuse with the same message, never another period's figures.
    for download in ("/dashboard/print/", "/dashboard/export.xlsx"):
        refused = chairman_client.get(download + query, HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert refused.status_code == 400 and message in refused.content.decode()


def test_a_may_to_april_year_compares_with_the_one_before(chairman_client, committee, group_a):
    make_activity([group_a], date=datetime.date(2019, 5, 1))
    make_activity([group_a], date=datetime.date(2018, 5, 1))
    make_activity([group_a], date=datetime.date(2018, 4, 30))
    data = _json(chairman_client, "?from=2019-05-01&to=2020-04-30")
    assert data["previous_period"]["start"] == "2018-05-01" and data["previous_period"]["end"] == "2019-04-30"
    assert (data["figures"]["study_sessions"], data["previous_figures"]["study_sessions"]) == (1, 1)
    assert data["activities_by_month"]["months"][0] == "2019-05" and len(data["activities_by_month"]["months"]) == 12


# --- speed -----------------------------------------------------------------------------------

# whatever the data: pinned so that a per-row query cannot creep in (35 + the header's unread count
# + whether the year is closed, for its official result + adoptions and key proposals by their own dates
# + the outcome figures, reports.outcome_figures.QUERIES)
DASHBOARD_QUERIES = 39 + 4


def _queries(client, url: str) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_dashboard_takes_a_fixed_number_of_queries(chairman_client, leader_client, committee, group_a, group_b):
    member = make_member(group_a)
    make_activity([group_a], attendees=[member], date=datetime.date(2025, 3, 1))
    small = _queries(chairman_client, "/dashboard/" + YEAR_QUERY)
    small_leader = _queries(leader_client, "/dashboard/" + YEAR_QUERY)
    for i in range(30):
        group = make_group(committee, f"新组{i}", f"新{i}", order=200 + i)
        people = [make_member(group) for _ in range(3)]
        make_activity(
            [group, group_a], attendees=people, kind=ActivityKind.CONSULTATION, date=datetime.date(2025, i % 12 + 1, 2)
        )
        Workstation.objects.create(group=group, name=f"站{i}", host_kind="studio", established_on=START)
    assert _queries(chairman_client, "/dashboard/" + YEAR_QUERY) == small == DASHBOARD_QUERIES
    assert _queries(leader_client, "/dashboard/" + YEAR_QUERY) == small_leader


def test_a_cached_dashboard_says_when_it_was_computed_and_shows_a_new_activity_at_once(
    chairman_client, committee, group_a, monkeypatch
):
    first = _json(chairman_client)
    assert first["figures"]["activities_held"] == 0
    page = chairman_client.get("/dashboard/" + YEAR_QUERY).content.decode()
    assert first["computed_at"][:19].replace("T", " ") in page
    computed = []
    monkeypatch.setattr(dashboard, "_compute", lambda **kw: computed.append(1) or _real_compute(**kw))
    assert _json(chairman_client) == first  # cached: not computed again
    assert computed == []
    make_activity([group_a], date=datetime.date(2025, 3, 1))
    assert _json(chairman_client)["figures"]["activities_held"] == 1  # at once, not within a minute
    assert computed == [1]


# --- verdicts and ranks from the scoring engine ------------------------------------------------


@pytest.fixture
def scored_year(committee, group_a, group_b, leader_member):
    """2025 with the default rules: 民盟 holds a consultation meeting, 医卫 (one member) nothing."""
    from reports.setup import assessment_year_ensure

    assessment_year_ensure(committee=committee, year=2025)
    make_member(group_b, "医卫委员")
    make_activity([group_a], kind=ActivityKind.CONSULTATION, date=datetime.date(2025, 4, 1), attendees=[leader_member])
    for month in range(1, 13):
        make_activity([group_a], date=datetime.date(2025, month, 1), attendees=[leader_member])


def test_rankings_heat_map_and_attention_come_from_the_scores(chairman_client, group_a, group_b, scored_year):
    from reports.scorecards import year_scores

    scores = year_scores(committee_id=group_a.committee_id, year=2025, today=datetime.date(2026, 1, 15))
    data = _json(chairman_client)
    assert data["has_rules"] is True
    assert [(row["rank"], row["group"]) for row in data["rankings"]] == [
        (g.rank or None, g.group_name) for g in scores.groups
    ]
    assert data["rankings"][0]["total"] == round(scores.groups[0].total, 1)
    mingmeng = next(row for row in data["rankings"] if row["group"] == "民盟")
    assert mingmeng["haves"]["study_training"] == scores.by_group_id[group_a.pk].haves["study_training"].verdict
    attention = {item["group"]: item for item in data["attention"]}
    assert "医卫" in attention
    assert attention["医卫"]["url"].endswith(f"/{group_b.pk}/?year=2025")
    assert any(item["hard"] for item in attention["医卫"]["items"])
    page = chairman_client.get("/dashboard/" + YEAR_QUERY).content.decode()
    assert attention["医卫"]["url"] in page


def test_a_leaders_attention_list_shows_only_their_group(leader_client, group_a, scored_year):
    data = _json(leader_client)
    assert {item["group"] for item in data["attention"]} <= {"民盟"}
    assert "医卫" not in leader_client.get("/dashboard/" + YEAR_QUERY).content.decode()


def test_the_query_count_holds_with_the_years_rules(chairman_client, committee, group_a, scored_year):
    first = _queries(chairman_client, "/dashboard/" + YEAR_QUERY)
    for i in range(10):
        group = make_group(committee, f"规则组{i}", f"规{i}", order=300 + i)
        make_activity(
            [group], kind=ActivityKind.SERVICE, attendees=[make_member(group)], date=datetime.date(2025, 12, 1)
        )
    assert _queries(chairman_client, "/dashboard/" + YEAR_QUERY) == first


def test_the_workbook_stores_formula_like_names_as_text(chairman_client, committee):
    make_group(committee, '=HYPERLINK("http://x")界别', "=HYPERLINK(1)", order=1)
    book = load_workbook(io.BytesIO(chairman_client.get("/dashboard/export.xlsx" + YEAR_QUERY).content))
    cells = [cell for ws in book.worksheets for row in ws.iter_rows() for cell in row if cell.value == "=HYPERLINK(1)"]
    assert cells and all(cell.data_type == "s" for cell in cells)


def test_after_a_write_the_years_trend_reads_only_the_years_the_write_can_change(committee, group_a, monkeypatch):
    """Issue 20: each year's headline is cached on its own; recording a 2025 activity
    recomputes 2025 alone (a year's figures read that year's rows only: a December meeting
    counts in its own year, activities.carriers), not every year."""
    from reports import figures
    from reports.figures import Period
    from reports.selectors import dashboard

    asked: list[list[int]] = []
    real = figures.headline_for_periods

    def spy(committee_id, periods):
        asked.append([p.start.year for p in periods])
        return real(committee_id, periods)

    monkeypatch.setattr(figures, "headline_for_periods", spy)
    period = Period.year(2025)
    before = dashboard._compute(committee=committee, period=period, group=None)["years"]
    assert asked == [before["years"]] and len(before["years"]) > 3
    make_activity([group_a], kind=ActivityKind.STUDY, date=datetime.date(2025, 3, 1))
    after = dashboard._compute(committee=committee, period=period, group=None)["years"]
    assert asked[-1] == [2025]
    assert after["series"]["study_sessions"][-1] == before["series"]["study_sessions"][-1] + 1
    assert after["series"]["study_sessions"][:-1] == before["series"]["study_sessions"][:-1]
