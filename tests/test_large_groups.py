"""Pages that grow with a group: a group of thousands lists its members a page at a time,
and a leader's member list counts them without a query per member."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sectors.models import RECORDS_BEGIN, GroupMembership, Member

from .factories import make_activity


def crowd(group, count: int) -> list[Member]:
    members = Member.objects.bulk_create(
        Member(committee=group.committee, name=f"众{n:04d}", member_number=f"Q{n:05d}", gender="M")
        for n in range(count)
    )
    GroupMembership.objects.bulk_create(
        GroupMembership(member=member, group=group, start_date=RECORDS_BEGIN) for member in members
    )
    return members


def test_the_group_page_lists_its_members_a_page_at_a_time(clients, group_a, leader_member, settings):
    settings.PORTAL_TODAY = "2025-06-01"
    members = crowd(group_a, 250)
    make_activity([group_a], date=datetime.date(2025, 3, 1), attendees=members[150:160])
    url = reverse("group_detail", args=[group_a.pk])
    first = clients["staff"].get(url).content.decode()
    assert "王组长" in first and "众0000" in first and "众0099" not in first and "众0150" not in first
    assert "(251)" in first  # the group's count, not the page's
    second = clients["staff"].get(url, {"page": 2, "year": 2025}).content.decode()
    assert "众0150" in second and "众0000" not in second and "100.0%" in second
    printed = clients["staff"].get(reverse("group_print", args=[group_a.pk]), {"page": 3}).content.decode()
    assert "众0249" in printed and "众0000" not in printed and "第201–251名" in printed


def test_the_group_page_figures_a_page_of_members_in_the_same_queries_as_a_few(clients, group_a, leader_member):
    url = reverse("group_detail", args=[group_a.pk])
    crowd(group_a, 5)
    with CaptureQueriesContext(connection) as few:
        clients["staff"].get(url)
    Member.objects.filter(name__startswith="众").delete()
    crowd(group_a, 300)
    with CaptureQueriesContext(connection) as many:
        response = clients["staff"].get(url)
    assert len(many) == len(few) and len(response.context["member_rows"]) == 100


def test_a_leaders_member_list_of_a_large_group_is_counted_by_one_in_list(clients, group_a, leader_member):
    crowd(group_a, 300)
    with CaptureQueriesContext(connection) as queries:
        response = clients["group_leader"].get(reverse("member_list"))
    assert response.context["page_obj"].paginator.count == 301
    count = next(q["sql"] for q in queries if "COUNT(*)" in q["sql"])
    assert "EXISTS" not in count and " IN (SELECT" in count


def test_an_activity_of_a_large_group_lists_its_attendance_folded_by_group(clients, group_a, leader_member):
    members = crowd(group_a, 450)
    activity = make_activity([group_a], date=datetime.date(2025, 3, 1), attendees=members)
    url = reverse("activity_detail", args=[activity.pk])
    page = clients["staff"].get(url)
    assert page.context["present_count"] == 450
    html = page.content.decode()
    assert "<details" in html and "众0000" in html and "众0449" in html
