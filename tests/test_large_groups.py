"""Pages that grow with a group: a group of thousands lists its members a page at a time,
and a leader's member list counts them without a query per member."""

from __future__ import annotations

import datetime
import io

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sectors.models import RECORDS_BEGIN, GroupMembership, Member

from .factories import make_activity


def crowd(group, count: int, first: int = 0) -> list[Member]:
    members = Member.objects.bulk_create(
        Member(committee=group.committee, name=f"众{n:04d}", member_number=f"Q{n:05d}", gender="M")
        for n in range(first, first + count)
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


# --- Issue 18: the attendance checklist, the scorecard and the home of a large group -------------

DAY = datetime.date(2025, 3, 1)


def _edit_data(group, **extra) -> dict:
    data = {
        "groups": [group.pk], "kind": "study", "title": "全体学习", "date": DAY.isoformat(), "status": "held",
        "format": "offline", "location": "", "partners": "", "summary": "", "other_participants": "0",
        "workstation": "",
    }  # fmt: skip
    return data | extra


def _options(client, group, **params):
    query = {"groups": group.pk, "date": DAY.isoformat(), **params}
    return client.get(reverse("activity_attendance_options"), query)


def test_the_attendance_checklist_of_a_large_group_lists_a_bounded_number_of_rows(
    clients, group_a, leader_member, settings
):
    settings.ATTENDANCE_LIST_LIMIT = 20
    crowd(group_a, 5)
    with CaptureQueriesContext(connection) as few:
        small = _options(clients["group_leader"], group_a).content.decode()
    assert small.count('value="present"') == 6 and "data-attendance-find" not in small
    crowd_more = crowd(group_a, 200, first=5)
    with CaptureQueriesContext(connection) as many:
        large = _options(clients["group_leader"], group_a).content.decode()
    assert len(many) == len(few)
    assert 'value="present"' not in large and "data-attendance-find" in large and "206" in large
    chosen = {f"att_{m.pk}": "present" for m in crowd_more[:30]}
    page = _options(clients["group_leader"], group_a, **chosen).content.decode()
    assert page.count('value="present" autocomplete="off" checked') == 20
    kept = page.split('name="att_kept" value="')[1].split('"')[0]
    assert kept.count("=present") == 10


def test_editing_a_large_activity_keeps_the_attendance_the_page_does_not_list(
    clients, group_a, leader_member, settings
):
    from activities.models import Attendance

    settings.ATTENDANCE_LIST_LIMIT = 20
    members = crowd(group_a, 120)
    activity = make_activity([group_a], date=DAY, attendees=members)
    url = reverse("activity_edit", args=[activity.pk])
    page = clients["group_leader"].get(url).content.decode()
    assert page.count("attendance-row") <= 20
    kept = page.split('name="att_kept" value="')[1].split('"')[0]
    shown = [m for m in members if f'name="att_{m.pk}"' in page]
    assert len(shown) == 20 and kept.count("=present") == 100
    # One shown member is marked absent on leave; everybody else keeps their recorded presence.
    changed = {f"att_{m.pk}": "present" for m in shown[1:]} | {f"att_{shown[0].pk}": "leave"}
    response = clients["group_leader"].post(url, _edit_data(group_a, att_kept=kept, **changed))
    assert response.status_code == 302
    rows = dict(Attendance.objects.filter(activity=activity).values_list("member_id", "status"))
    assert len(rows) == 120 and rows[shown[0].pk] == "absent"
    assert sum(1 for status in rows.values() if status == "present") == 119


def test_a_kept_choice_outside_the_group_is_refused_like_any_other(clients, group_a, group_b, leader_member):
    stranger = crowd(group_b, 1)[0]
    from activities.models import Attendance

    response = clients["staff"].post(
        reverse("activity_create"), _edit_data(group_a, att_kept=f"{stranger.pk}=present,x=y,1=bogus")
    )
    assert response.status_code == 200 and "众0000" in response.content.decode()
    assert not Attendance.objects.filter(member=stranger).exists()


def test_the_search_of_a_large_group_answers_a_few_members_of_that_group_only(
    clients, group_a, group_b, leader_member, settings
):
    settings.ATTENDANCE_SEARCH_LIMIT = 5
    members = crowd(group_a, 40)
    url = reverse("activity_attendance_search")
    query = {"groups": group_a.pk, "group": group_a.pk, "date": DAY.isoformat(), "q": "众00"}
    with CaptureQueriesContext(connection) as queries:
        page = clients["group_leader"].get(url, query).content.decode()
    assert page.count("attendance-row") == 5 and len(queries) < 10
    listed = clients["group_leader"].get(url, query | {f"att_{members[0].pk}": ""}).content.decode()
    assert f'name="att_{members[0].pk}"' not in listed and f'name="att_{members[5].pk}"' in listed
    kept = clients["group_leader"].get(url, query | {"att_kept": f"{members[1].pk}=present"}).content.decode()
    assert f'name="att_{members[1].pk}"' not in kept
    # Another group's members are not searched, whatever the request names.
    others = {"groups": group_b.pk, "group": group_b.pk, "date": DAY.isoformat(), "q": "众"}
    crowd_b = Member.objects.bulk_create([Member(committee=group_b.committee, name="乙众一", gender="M")])
    GroupMembership.objects.create(member=crowd_b[0], group=group_b, start_date=RECORDS_BEGIN)
    assert "attendance-row" not in clients["group_leader"].get(url, others).content.decode()
    assert "乙众一" in clients["staff"].get(url, others).content.decode()
    nothing = clients["group_leader"].get(url, query | {"q": "无此人"}).content.decode()
    assert "attendance-row" not in nothing and "没有" in nothing


def test_the_attendance_search_is_for_editors_only(clients, group_a):
    url = reverse("activity_attendance_search")
    assert clients["chairman"].get(url).status_code == 403
    assert clients["staff"].get(url).status_code == 200


def test_the_scorecard_lists_a_large_groups_members_a_page_at_a_time(clients, group_a, leader_member, settings):
    from openpyxl import load_workbook

    settings.PORTAL_TODAY = "2025-06-01"
    from django.core.cache import cache

    crowd(group_a, 5)
    url = reverse("scorecard", args=[group_a.pk])
    cache.clear()
    with CaptureQueriesContext(connection) as few:
        clients["group_leader"].get(url, {"year": 2025})
    crowd(group_a, 240, first=5)
    cache.clear()  # computed afresh, as after a write
    with CaptureQueriesContext(connection) as many:
        first = clients["group_leader"].get(url, {"year": 2025})
    assert len(many) == len(few)
    assert first.content.decode().count("data-member=") == 100 and "data-members-page" in first.content.decode()
    last = clients["group_leader"].get(url, {"year": 2025, "page": 3}).content.decode()
    assert last.count("data-member=") == 46
    printed = clients["group_leader"].get(reverse("scorecard_print", args=[group_a.pk]), {"year": 2025, "page": 3})
    assert "第201–246" in printed.content.decode() or "201–246" in printed.content.decode()
    workbook = clients["group_leader"].get(reverse("scorecard_xlsx", args=[group_a.pk]), {"year": 2025})
    sheet = load_workbook(io.BytesIO(b"".join(workbook.streaming_content) if workbook.streaming else workbook.content))
    assert any(ws.max_row >= 246 for ws in sheet.worksheets)


def test_a_leaders_home_figures_a_large_group_in_the_same_queries_as_a_small_one(
    clients, group_a, leader_member, settings
):
    from django.core.cache import cache

    settings.PORTAL_TODAY = "2025-06-01"
    members = crowd(group_a, 5)
    make_activity([group_a], date=datetime.date(2025, 3, 1), attendees=members)
    cache.clear()
    with CaptureQueriesContext(connection) as few:
        clients["group_leader"].get(reverse("home"))
    members = crowd(group_a, 300, first=5)
    make_activity([group_a], date=datetime.date(2025, 4, 1), attendees=members)
    cache.clear()
    with CaptureQueriesContext(connection) as many:
        page = clients["group_leader"].get(reverse("home"))
    assert page.status_code == 200 and len(many) == len(few)


def test_a_members_days_in_a_group_are_looked_up_by_member_then_group():
    """The leader's attendance figures ask, for each attendance row, whether its member was in
    the group that day: an index by member and group answers it without reading the group."""
    indexes = {index.name: index.fields for index in GroupMembership._meta.indexes}
    assert indexes["membership_member_group"] == ["member", "group", "start_date"]
