"""Every list and page costs the same number of queries with 10 or 1,000 rows.

Each page is requested with ten rows of everything it shows (activities of a
month and a year, attendance, members, reports, proposals, contacts),
then again after 990 more of each: the number of queries must not move. Runs
on SQLite, and on PostgreSQL when DATABASE_URL points there (as in CI).
"""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from activities.models import Activity, Attendance, ConstituentContact, OpinionReport, Proposal
from portal import cache as freshness
from sectors.models import Constituent, GroupMembership, Member

from .factories import make_member

YEAR = 2025
DECEMBER = datetime.date(YEAR, 12, 1)
_numbers = itertools.count(1)
# No page may exceed this many queries, whatever its size (session, user and permissions included).
MOST_QUERIES = 24


@pytest.fixture(autouse=True)
def _today(settings):
    settings.PORTAL_TODAY = f"{YEAR}-12-31"


def _grow(n: int, *, committee, group_a, group_b, member: Member) -> None:
    """n more of every row the pages list; every tenth activity is joint with group_b."""
    base = next(_numbers) * 10_000
    members = Member.objects.bulk_create(
        Member(committee=committee, member_number=f"Q{base + i}", name=f"委员{base + i}", gender="F") for i in range(n)
    )
    GroupMembership.objects.bulk_create(
        GroupMembership(member=m, group=group_a, start_date=datetime.date(2022, 1, 1)) for m in members
    )
    activities = Activity.objects.bulk_create(
        Activity(
            committee=committee,
            kind="study" if i % 2 else "service",
            title=f"活动{base + i}",
            date=DECEMBER + datetime.timedelta(days=i % 28),
            other_participants=i % 5,
        )
        for i in range(n)
    )
    through = Activity.groups.through
    links = [through(activity_id=a.pk, sectorgroup_id=group_a.pk) for a in activities]
    links += [through(activity_id=a.pk, sectorgroup_id=group_b.pk) for a in activities[::10]]
    through.objects.bulk_create(links)
    rows = [Attendance(activity=a, member=member) for a in activities]
    rows += [
        Attendance(activity=a, member=m, status="absent", absence_reason="leave")
        for a, m in zip(activities, members, strict=True)
    ]
    Attendance.objects.bulk_create(rows)
    reports = OpinionReport.objects.bulk_create(
        OpinionReport(committee=committee, group=group_a, title=f"信息{next(_numbers)}", submitted_on=DECEMBER)
        for _i in range(n)
    )
    OpinionReport.submitters.through.objects.bulk_create(
        OpinionReport.submitters.through(opinionreport_id=r.pk, member_id=member.pk) for r in reports
    )
    proposals = Proposal.objects.bulk_create(
        Proposal(committee=committee, group=group_a, title=f"提案{i}", submitted_on=DECEMBER) for i in range(n)
    )
    Proposal.proposers.through.objects.bulk_create(
        Proposal.proposers.through(proposal_id=p.pk, member_id=member.pk) for p in proposals
    )
    constituents = Constituent.objects.bulk_create(Constituent(committee=committee, name=f"群众{i}") for i in range(n))
    ConstituentContact.objects.bulk_create(
        ConstituentContact(group=group_a, member=member, constituent=c, way="phone", contacted_on=DECEMBER)
        for c in constituents
    )
    freshness.records_changed()  # as the portal's own bulk writers do


def _pages(group_a, member) -> dict[str, str]:
    return {
        "home": "/",
        "activity list": "/activities/",
        "activity list, last page": "/activities/?page=9999",
        "activity list, filtered": f"/activities/?group={group_a.pk}&kind=study&month={YEAR}-12",
        "calendar, December": f"/activities/calendar/?year={YEAR}&month=12",
        "calendar, one group": f"/activities/calendar/?year={YEAR}&month=12&group={group_a.pk}",
        "group list": f"/groups/?year={YEAR}",
        "group page": f"/groups/{group_a.pk}/?year={YEAR}",
        "member duty record": f"/members/{member.pk}/?year={YEAR}",
        "member list": "/members/",
        "member list, last page": "/members/?page=9999",
        "opinion reports": "/opinion-reports/",
        "opinion reports, last page": "/opinion-reports/?page=9999",
        "proposals": "/proposals/",
        "contacts": "/contacts/",
        "contacts, last page": "/contacts/?page=9999",
    }


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured.captured_queries)


@pytest.fixture
def world(committee, group_a, group_b, leader_member):
    member = make_member(group_a, "出勤委员")
    return {"committee": committee, "group_a": group_a, "group_b": group_b, "member": member}


@pytest.mark.parametrize("role", ["staff", "leader"])
def test_every_page_costs_the_same_queries_with_10_or_1000_rows(request, world, role):
    client = request.getfixturevalue(f"{role}_client")
    pages = _pages(world["group_a"], world["member"])
    _grow(10, **world)
    few = {name: _queries(client, url) for name, url in pages.items()}
    _grow(990, **world)
    many = {name: _queries(client, url) for name, url in pages.items()}
    assert many == few
    assert max(many.values()) <= MOST_QUERIES, many


def test_the_pages_show_the_thousand_rows(staff_client, world):
    _grow(1000, **world)
    member, group_a = world["member"], world["group_a"]
    record = staff_client.get(f"/members/{member.pk}/?year={YEAR}")
    assert record.context["record"].present == 1000
    response = staff_client.get(f"/activities/calendar/?year={YEAR}&month=12")
    assert sum(day.count for week in response.context["weeks"] for day in week) == 1000
    calendar = response.content.decode()
    assert calendar.count('class="mt-1 text-truncate"') == 28 * 3  # the first three of each day, then "+N"
    assert "民盟、医卫" in calendar  # a joint activity names both groups
    groups = {g.pk: g for g in staff_client.get(f"/groups/?year={YEAR}").context["groups"]}
    assert groups[group_a.pk].activity_count == 1000
    assert groups[world["group_b"].pk].activity_count == 100
    assert groups[group_a.pk].member_count == 1000 + 2  # the leader and the member who attends
    last = staff_client.get("/activities/?page=9999")
    assert len(last.context["page_obj"].object_list) == 1000 % 25 or 25
    first = staff_client.get("/activities/").context["page_obj"].object_list[0]
    assert first.present_count == 1 and first.participant_times == 1 + first.other_participants
