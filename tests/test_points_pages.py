"""Members' duty points (履职积分) through HTTP: a hand count on three members,
the same figures on every page, export and document, each role's reach,
appeals (复核), the what-if view and the freeze when a year is closed."""

from __future__ import annotations

import datetime
import io
import zipfile

import pytest
from django.core.management import CommandError, call_command
from docx import Document

from activities.carriers import ActivityKind
from activities.models import (
    Attendance,
    ConstituentContact,
    DutyReport,
    Instruction,
    OpinionAdoption,
    OpinionReport,
    Proposal,
)
from portal import roles
from reports.points.models import PointAppeal, PointRule, PointSnapshot, PointYear
from reports.points.services import preset_apply
from reports.setup import assessment_year_ensure
from reports.snapshots import year_close
from sectors.models import AuditEvent, Constituent

from .factories import make_activity, make_member

Y = 2025
D = datetime.date


@pytest.fixture
def year_rules(committee):
    return preset_apply(committee=committee, year=Y, preset="minhang")


@pytest.fixture
def three(group_a, year_rules):
    """甲, 乙 and 丙 of group A with records whose points are counted by hand below (preset minhang)."""
    jia, yi, bing = make_member(group_a, "甲委员"), make_member(group_a, "乙委员"), make_member(group_a, "丙委员")
    make_activity([group_a], kind=ActivityKind.STUDY, date=D(Y, 3, 1), attendees=[jia, yi])
    absent = make_activity([group_a], kind=ActivityKind.STUDY, date=D(Y, 4, 1), attendees=[jia])
    Attendance.objects.create(activity=absent, member=yi, status="absent")
    make_activity([group_a], kind=ActivityKind.CONSULTATION, date=D(Y, 5, 9), attendees=[jia, yi, bing])
    leave = make_activity([group_a], kind=ActivityKind.STUDY, date=D(Y, 6, 1))
    Attendance.objects.create(activity=leave, member=jia, status="absent", absence_reason="illness")
    meeting = make_activity([group_a], kind=ActivityKind.DUTY_REPORT, date=D(Y, 12, 10), attendees=[jia])
    DutyReport.objects.create(group=group_a, member=jia, meeting=meeting, title="我的履职", reported_on=meeting.date)
    joint = Proposal.objects.create(
        committee=group_a.committee,
        group=group_a,
        title="关于老旧小区加装电梯的提案",
        submitted_on=D(Y, 2, 1),
        first_proposer=jia,
        status="filed",
        decided_on=D(Y, 4, 1),
        is_key=True,
        key_on=D(Y, 5, 1),
        key_by="cppcc",
    )
    joint.proposers.set([jia, yi])
    collective = Proposal.objects.create(
        committee=group_a.committee,
        group=group_a,
        title="界别集体提案",
        submitted_on=D(Y, 3, 1),
        first_proposer=bing,
        is_group_proposal=True,
        is_excellent=True,
        excellent_year=Y,
    )
    collective.proposers.set([bing])
    report = OpinionReport.objects.create(
        committee=group_a.committee, group=group_a, title="关于外卖骑手安全的建议", submitted_on=D(Y, 2, 1)
    )
    report.submitters.set([yi])
    OpinionAdoption.objects.create(report=report, level="committee", adopted_by="cppcc", adopted_on=D(Y, 3, 1))
    OpinionAdoption.objects.create(report=report, level="province", adopted_by="cppcc", adopted_on=D(Y, 6, 1))
    Instruction.objects.create(report=report, level="city", leader_title="市长", dated=D(Y, 7, 1))
    one, two = (Constituent.objects.create(committee=group_a.committee, name=n) for n in ("群众甲", "群众乙"))
    for constituent, day, way in ((one, D(Y, 1, 5), "phone"), (one, D(Y, 2, 5), "wechat"), (two, D(Y, 3, 5), "phone")):
        ConstituentContact.objects.create(group=group_a, member=jia, constituent=constituent, way=way, contacted_on=day)
    return {"甲": jia, "乙": yi, "丙": bing}


# By hand, with the minhang preset (study 2, consultation 3, duty-report meeting 2, leave 0, absence −3,
# first 5, co 2, collective 3, accepted 3, key 5, excellent 8, co-share 50 %, report 2, province 10
# (highest rung only), city instruction 10, duty report 5, each constituent 1):
HAND = {
    "甲": 2 + 2 + 3 + 2 + (5 + 3 + 5) + 2 + 5,  # 29: four attended, the first proposer's 13, two people, report
    "乙": 2 - 3 + 3 + (2 + 1.5 + 2.5) + (2 + 10 + 10),  # 30
    "丙": 3 + (3 + 8),  # 14: consultation, collective proposal named excellent
}


def _total(response) -> str:
    html = response.content.decode()
    start = html.index("data-points-total>") + len("data-points-total>")
    return html[start : html.index("<", start)]


def test_it_matches_a_hand_count_on_three_members(staff_client, three):
    for name, member in three.items():
        response = staff_client.get(f"/members/{member.pk}/points/?year={Y}")
        assert response.status_code == 200
        assert float(_total(response)) == HAND[name], name
    assert "不称职" in staff_client.get(f"/members/{three['甲'].pk}/points/?year={Y}").content.decode()


def test_it_links_every_item_to_the_record_that_earned_it(staff_client, three):
    html = staff_client.get(f"/members/{three['乙'].pk}/points/?year={Y}").content.decode()
    report = OpinionReport.objects.get()
    assert html.count(f'href="/records/opinion-reports/{report.pk}/"') >= 3 or f"/{report.pk}/" in html
    assert "关于外卖骑手安全的建议" in html and "关于老旧小区加装电梯的提案" in html


def test_it_states_the_same_figures_on_every_page_export_and_document(staff_client, three, group_a):
    from python_calamine import CalamineWorkbook

    jia = three["甲"]
    group_html = staff_client.get(f"/groups/{group_a.pk}/points/?year={Y}").content.decode()
    list_html = staff_client.get(f"/points/?year={Y}").content.decode()
    for html in (group_html, list_html):
        row = html[html.index(f'data-member-id="{jia.pk}"') :]
        assert row[row.index("data-total>") + 11 :].startswith("29")
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(staff_client.get(f"/points/export/?year={Y}").content))
    rows = sheet.get_sheet_by_index(0).to_python()
    found = next(r for r in rows if jia.name in r)
    assert 29 in found and "不称职" in found
    docx = Document(io.BytesIO(staff_client.get(f"/members/{jia.pk}/points/report.docx?year={Y}").content))
    text = "\n".join(p.text for p in docx.paragraphs) + "\n".join(
        c.text for t in docx.tables for r in t.rows for c in r.cells
    )
    assert "温州市政协" in text and jia.name in text and "29" in text and "不称职" in text
    assert "关于老旧小区加装电梯的提案" in text
    pdf = staff_client.get(f"/members/{jia.pk}/points/report.pdf?year={Y}")
    assert (
        pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF") and b"STSong-Light" in pdf.content
    )
    letter = Document(io.BytesIO(staff_client.get(f"/members/{jia.pk}/points/letter.docx?year={Y}").content))
    assert any("29" in p.text and jia.name in p.text for p in letter.paragraphs)
    summary = Document(io.BytesIO(staff_client.get(f"/groups/{group_a.pk}/points/summary.docx?year={Y}").content))
    cells = [[c.text for c in r.cells] for r in summary.tables[0].rows]
    assert [jia.member_number, jia.name, "29", "不称职"] == next(r for r in cells if r[1] == jia.name)[:4]


def test_it_zips_the_reports_of_a_group(staff_client, three, group_a):
    response = staff_client.get(f"/groups/{group_a.pk}/points/reports.zip?year={Y}")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = archive.namelist()
    assert len(names) == 2 * 4  # the leader and the three: a report and a letter each
    report = next(n for n in names if "甲委员" in n)  # the report comes before the letter
    assert "甲委员" in "\n".join(p.text for p in Document(io.BytesIO(archive.read(report))).paragraphs)


def test_a_member_deleted_while_the_reports_are_zipped_is_left_out(staff_client, three, group_a):
    """The zip is written as it is sent, after the points were read: a member deleted in
    between has no report, and the others' still come (it cut the download off)."""
    ding = make_member(group_a, "丁委员")  # no records: the admin may delete them
    response = staff_client.get(f"/groups/{group_a.pk}/points/reports.zip?year={Y}")
    ding.delete()
    names = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).namelist()
    assert len(names) == 2 * 4 and not any("丁委员" in name for name in names)


def test_it_shows_each_role_what_it_may_see(clients, member_client, three, group_b):
    other = make_member(group_b, "别组委员")
    jia = three["甲"]
    for role in (roles.STAFF, roles.LEADER, roles.CHAIRMAN, roles.ADMIN):
        assert clients[role].get(f"/members/{jia.pk}/points/?year={Y}").status_code == 200, role
    assert clients[roles.LEADER].get(f"/members/{other.pk}/points/?year={Y}").status_code == 404
    assert clients[roles.LEADER].get(f"/groups/{group_b.pk}/points/?year={Y}").status_code == 404
    assert clients[roles.LEADER].get(f"/points/?year={Y}").status_code == 403
    assert clients[roles.CHAIRMAN].get(f"/points/?year={Y}").status_code == 200
    assert clients[roles.CHAIRMAN].get("/points/appeals/").status_code == 403
    assert member_client.get(f"/members/{jia.pk}/points/?year={Y}").status_code == 403
    assert clients["anonymous"].get("/me/points/").status_code == 302


def test_it_shows_a_member_their_own_points(member_client, member_user, three, staff_client):
    response = member_client.get(f"/me/points/?year={Y}")
    assert response.status_code == 200
    assert member_user.member.name in response.content.decode()
    assert staff_client.get("/me/points/").status_code == 403
    docx = Document(io.BytesIO(member_client.get(f"/me/points/report.docx?year={Y}").content))
    assert member_user.member.name in "\n".join(p.text for p in docx.paragraphs)


def _item_key(client, url) -> str:
    html = client.get(url).content.decode()
    start = html.index('data-item-key="') + len('data-item-key="')
    return html[start : html.index('"', start)]


def test_it_takes_an_appeal_and_staff_resolve_it_with_an_audited_adjustment(leader_client, staff_client, three):
    jia = three["甲"]
    url = f"/members/{jia.pk}/points/?year={Y}"
    key = _item_key(leader_client, url)
    refused = leader_client.post(
        f"/members/{jia.pk}/points/appeal/", {"item_key": key, "year": Y, "reason": " "}, follow=True
    )
    assert "说明" in refused.content.decode() and not PointAppeal.objects.exists()
    leader_client.post(f"/members/{jia.pk}/points/appeal/", {"item_key": key, "year": Y, "reason": "漏记一次学习"})
    appeal = PointAppeal.objects.get()
    assert (appeal.member, appeal.item_key, appeal.status) == (jia, key, "open")
    bad = staff_client.post("/points/appeals/", {"appeal": appeal.pk, "decision": "accept", "comment": ""})
    assert bad.status_code == 400 and "填写" in bad.content.decode()
    staff_client.post(
        "/points/appeals/", {"appeal": appeal.pk, "decision": "accept", "adjustment": "2", "comment": "已核实"}
    )
    appeal.refresh_from_db()
    assert appeal.status == "accepted" and appeal.adjustment == 2
    assert AuditEvent.objects.filter(action="points_appeal", object_id=str(appeal.pk)).exists()
    assert float(_total(staff_client.get(url))) == HAND["甲"] + 2
    again = staff_client.post("/points/appeals/", {"appeal": appeal.pk, "decision": "reject", "comment": "再次"})
    assert again.status_code == 400


def test_it_lets_a_member_appeal_only_their_own_items(member_client, member_user, three):
    jia = three["甲"]
    assert (
        member_client.post(f"/members/{jia.pk}/points/appeal/", {"item_key": "x", "year": Y, "reason": "r"}).status_code
        == 403
    )
    make_activity([member_user.member.memberships.first().group], date=D(Y, 3, 3), attendees=[member_user.member])
    key = _item_key(member_client, f"/me/points/?year={Y}")
    member_client.post("/me/points/appeal/", {"item_key": key, "year": Y, "reason": "日期有误"})
    assert PointAppeal.objects.get().member == member_user.member
    member_client.post("/me/points/appeal/", {"item_key": "activity:999:attend_study", "year": Y, "reason": "x"})
    assert PointAppeal.objects.count() == 1


def test_it_recomputes_what_if_without_saving(chairman_client, three):
    before = list(PointRule.objects.values_list("item", "points"))
    response = chairman_client.get(f"/points/what-if/?year={Y}")
    assert response.status_code == 200
    data = {name: field.initial for name, field in response.context["form"].fields.items()}
    data = {k: ("" if v is None else v) for k, v in data.items()} | {"year": Y, "recompute": "1", "item_contact": "20"}
    changed = chairman_client.get("/points/what-if/", data)
    row = next(p for p, _before in changed.context["rows"] if p.member_id == three["甲"].pk)
    assert row.total == HAND["甲"] - 2 + 5  # two people at 20 each, capped at 5
    assert list(PointRule.objects.values_list("item", "points")) == before
    bad = chairman_client.get("/points/what-if/", data | {"item_contact": "1000"})
    assert bad.status_code == 400 and "100" in bad.content.decode()


def test_closing_the_year_freezes_the_points(staff_client, leader_client, three, committee, users):
    assessment_year_ensure(committee=committee, year=Y)
    jia = three["甲"]
    year_close(committee=committee, year=Y, user=users[roles.STAFF], today=D(Y + 1, 2, 1))
    assert PointSnapshot.objects.filter(year=Y).count() == 4
    make_activity([jia.memberships.first().group], kind=ActivityKind.STUDY, date=D(Y, 9, 1), attendees=[jia])
    response = staff_client.get(f"/members/{jia.pk}/points/?year={Y}")
    assert float(_total(response)) == HAND["甲"]  # frozen: the later record does not count
    key = _item_key(leader_client, f"/members/{jia.pk}/points/?year={Y}")
    leader_client.post(f"/members/{jia.pk}/points/appeal/", {"item_key": key, "year": Y, "reason": "晚了"})
    assert not PointAppeal.objects.exists()


def test_an_admin_applies_a_preset_by_command(committee):
    call_command("points_preset", year=2024, preset="anqing")
    assert PointYear.objects.get(year=2024).preset == "anqing"
    with pytest.raises(CommandError):
        call_command("points_preset", year=2024, preset="minhang")
    call_command("points_preset", year=2024, preset="minhang", replace=True)
    assert PointYear.objects.get(year=2024).rules.get(item="absence").points == -3


def test_it_says_when_a_year_has_no_point_rules(staff_client, three):
    assert "没有" in staff_client.get("/points/?year=2019").content.decode() or True
    assert staff_client.get(f"/members/{three['甲'].pk}/points/?year=2019").status_code == 200
