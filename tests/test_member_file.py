"""My file (一人一档): the member's own duty record of any year, what the year's
rules still ask of them, print view and PDF; nobody else's record."""

from __future__ import annotations

import base64
import contextlib
import datetime
import re
import zlib

import pytest

from activities.carriers import ActivityKind
from activities.models import Attendance, ConstituentContact, DutyReport, OpinionReport, Proposal
from portal import roles
from reports.setup import assessment_year_ensure
from sectors.models import Constituent

from .factories import make_activity, make_member


@pytest.fixture
def year_of_work(settings, committee, group_a, group_b, member_user):
    """李委员's 2025: a study day present, one on leave, a report adopted, a proposal,
    one constituent contacted; another member's work beside it."""
    settings.PORTAL_TODAY = "2025-06-15"
    assessment_year_ensure(committee=committee, year=2025)
    me = member_user.member
    other = make_member(group_a, "张别人")
    present = make_activity([group_a], title="三月学习日", attendees=[me, other], date=datetime.date(2025, 3, 1))
    leave = make_activity([group_a], title="四月学习日", attendees=[me], date=datetime.date(2025, 4, 1))
    Attendance.objects.filter(activity=leave, member=me).update(status="absent", absence_reason="leave")
    report = OpinionReport.objects.create(
        committee=committee,
        group=group_a,
        title="关于老旧小区加装电梯",
        submitted_on=datetime.date(2025, 2, 1),
        status=OpinionReport.Status.ADOPTED_CITY,
    )
    report.submitters.set([me])
    proposal = Proposal.objects.create(
        committee=committee, group=group_a, title="关于托育服务的提案", submitted_on=datetime.date(2025, 1, 20)
    )
    proposal.proposers.set([me])
    hidden = OpinionReport.objects.create(
        committee=committee, group=group_b, title="别人的社情民意", submitted_on=datetime.date(2025, 2, 1)
    )
    hidden.submitters.set([other])
    person = Constituent.objects.create(committee=committee, name="群众甲")
    ConstituentContact.objects.create(
        group=group_a, member=me, constituent=person, way="phone", contacted_on=datetime.date(2025, 3, 5)
    )
    return {"me": me, "other": other, "present": present, "leave": leave}


def test_a_member_sees_their_own_year(member_client, year_of_work):
    page = member_client.get("/me/?year=2025").content.decode()
    assert "李委员" in page and "我的档案 2025" in page
    assert "三月学习日" in page and "四月学习日" in page
    assert re.search(rf'data-activity="{year_of_work["leave"].pk}".*?请假', page, re.S)
    assert "关于老旧小区加装电梯" in page and "市级采用" in page
    assert "关于托育服务的提案" in page and "群众甲" in page
    assert "别人的社情民意" not in page and "张别人" not in page


def test_it_says_what_the_rules_still_ask_and_by_when(member_client, year_of_work):
    page = member_client.get("/me/?year=2025").content.decode()
    assert "还需联系 2 位界别群众，截止 12月31日" in page
    assert "还需在12月本组的界别述职会上述职，截止 12月31日" in page
    assert 'data-duty="constituents" data-done="no"' in page


def test_a_past_year_says_what_was_not_done(member_client, year_of_work, settings, committee):
    settings.PORTAL_TODAY = "2026-02-01"
    page = member_client.get("/me/?year=2025").content.decode()
    assert "截至12月31日，联系了 1 位界别群众（要求 3 位）" in page
    assert "还需" not in page


def test_a_duty_report_at_the_december_meeting_is_done(member_client, year_of_work, group_a, settings):
    settings.PORTAL_TODAY = "2025-12-20"
    me = year_of_work["me"]
    meeting = make_activity([group_a], kind=ActivityKind.DUTY_REPORT, attendees=[me], date=datetime.date(2025, 12, 10))
    DutyReport.objects.create(group=group_a, member=me, meeting=meeting, title="我的履职", reported_on=meeting.date)
    page = member_client.get("/me/?year=2025").content.decode()
    assert 'data-duty="duty_report" data-done="yes"' in page and "我的履职" in page


def test_home_sends_a_member_to_their_file(member_client):
    response = member_client.get("/")
    assert response.status_code == 302 and response["Location"] == "/me/"


def test_the_print_view_and_the_pdf_hold_the_members_year(member_client, year_of_work):
    printed = member_client.get("/me/print/?year=2025").content.decode()
    assert "李委员" in printed and "关于托育服务的提案" in printed and "还需联系 2 位界别群众" in printed
    assert 'href="/me/?year=2025"' in printed and "/members/" not in printed
    response = member_client.get("/me/pdf/?year=2025")
    assert response["Content-Type"] == "application/pdf"
    data = response.content
    assert data.startswith(b"%PDF")
    text = _pdf_text(data)
    assert "李委员".encode("utf-16-be") in text and "关于托育服务的提案".encode("utf-16-be") in text


def _pdf_text(data: bytes) -> bytes:
    """Every content stream decoded (reportlab writes them ASCII85 over Flate, and
    CID text as UTF-16BE strings), joined."""
    out = []
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", data, re.S):
        stream = stream.strip()
        if stream.endswith(b"~>"):
            stream = base64.a85decode(stream[:-2], adobe=False)
        with contextlib.suppress(zlib.error):
            stream = zlib.decompress(stream)
        out.append(stream)
        for hexed in re.findall(rb"<([0-9A-Fa-f]+)>", stream):
            if len(hexed) % 2 == 0:
                out.append(bytes.fromhex(hexed.decode()))
        for raw in re.findall(rb"\(((?:\\.|[^\\)])*)\)", stream, re.S):
            out.append(_pdf_literal(raw))
    return b"".join(out)


def _pdf_literal(raw: bytes) -> bytes:
    """A PDF literal string's bytes: \\ddd octal escapes and escaped characters undone."""
    return re.sub(
        rb"\\([0-7]{1,3}|.)",
        lambda m: bytes([int(m.group(1), 8)]) if m.group(1)[:1].isdigit() else m.group(1),
        raw,
        flags=re.S,
    )


@pytest.mark.parametrize(
    "url",
    [
        "/members/{other}/",
        "/members/",
        "/groups/",
        "/groups/{group}/",
        "/dashboard/",
        "/activities/",
        "/reports/scorecards/",
    ],
)
def test_a_member_reaches_no_staff_page_nor_anyone_elses_record(member_client, year_of_work, group_a, url):
    url = url.format(other=year_of_work["other"].pk, group=group_a.pk)
    assert member_client.get(url).status_code == 403


@pytest.mark.parametrize("role", [roles.STAFF, roles.LEADER, roles.CHAIRMAN, roles.ADMIN])
@pytest.mark.parametrize("url", ["/me/", "/me/print/", "/me/pdf/", "/me/notices/", "/me/feedback/"])
def test_committee_roles_have_no_member_pages(clients, role, url):
    assert clients[role].get(url).status_code == 403


@pytest.mark.parametrize("url", ["/me/", "/me/print/", "/me/pdf/", "/me/notices/", "/me/feedback/"])
def test_anonymous_visitors_are_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_member_sees_only_member_pages_in_the_navigation(member_client):
    page = member_client.get("/me/").content.decode()
    for staff_url in ('href="/groups/"', 'href="/dashboard/"', 'href="/members/"', 'href="/activities/"'):
        assert staff_url not in page
    assert 'href="/me/notices/"' in page and "data-member-feedback" in page
    for own_page in ('href="/me/meetings/"', 'href="/me/reports/"', 'href="/me/points/"'):
        assert own_page in page


def test_the_file_shows_the_years_duty_points_as_the_points_page_does(
    member_client, member_user, year_of_work, committee
):
    from reports.points.selectors import own_points
    from reports.points.services import preset_apply

    before = member_client.get("/me/?year=2025").content.decode()
    assert "data-points-total" not in before and "本年度尚未设定履职积分规则" in before

    preset_apply(committee=committee, year=2025, preset="minhang")
    _member, points, _year = own_points(user=member_user, year=2025)
    page = member_client.get("/me/?year=2025").content.decode()

    assert points is not None and points.total > 0
    total = re.search(r"data-points-total>\s*([\d.]+)", page).group(1)
    assert float(total) == points.total
    assert f"{points.total:g}" in member_client.get("/me/points/?year=2025").content.decode()
