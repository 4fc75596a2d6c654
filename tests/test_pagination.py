"""Long lists have numbered pages and a "jump to page" box that keeps the filters."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activities.carriers import ActivityKind
from activities.models import Activity, Constituent, ConstituentContact
from portal import cache as freshness
from portal import roles
from portal.paging import paginate, paginate_by_keys
from sectors.notifications.services import notification_send

from .factories import make_activity, make_member


@pytest.fixture
def many(group_a):
    """250 activities of group A, 25 a page: 10 pages (written in bulk: fixtures stay fast)."""
    activities = Activity.objects.bulk_create(
        Activity(
            committee=group_a.committee,
            kind=ActivityKind.STUDY,
            date=datetime.date(2025, 1, 1) + datetime.timedelta(days=n),
            title=f"学习{n:03d}",
        )
        for n in range(250)
    )
    through = Activity.groups.through
    through.objects.bulk_create(through(activity_id=a.pk, sectorgroup_id=group_a.pk) for a in activities)


def test_it_numbers_the_pages_around_the_current_one():
    request = RequestFactory().get("/activities/", {"q": "学习", "page": 8})
    page_obj, querystring = paginate(request, list(range(400)), 25)
    ellipsis = page_obj.ellipsis
    assert page_obj.page_links == [1, ellipsis, 6, 7, 8, 9, 10, ellipsis, 16]
    assert page_obj.other_params == [("q", "学习")]
    assert querystring == "q=%E5%AD%A6%E4%B9%A0&"


def test_it_links_the_numbered_pages_with_the_filters(staff_client, many, group_a):
    page = staff_client.get(reverse("activity_list"), {"group": group_a.pk, "page": 5}).content.decode()
    numbers = {int(n) for n in re.findall(rf'href="\?group={group_a.pk}&amp;page=(\d+)"', page)}
    assert {1, 2, 3, 4, 6, 7, 10} <= numbers
    assert '<li class="page-item active" aria-current="page"><span class="page-link">5</span>' in page


def test_it_jumps_to_a_page_keeping_the_filters(staff_client, many, group_a):
    page = staff_client.get(reverse("activity_list"), {"group": group_a.pk, "page": 2}).content.decode()
    jump = page.split("data-page-jump", 1)[1].split("</form>", 1)[0]
    assert f'<input type="hidden" name="group" value="{group_a.pk}">' in jump
    assert 'name="page"' in jump and 'max="10"' in jump
    assert '<input type="hidden" name="page"' not in jump
    response = staff_client.get(reverse("activity_list"), {"group": group_a.pk, "page": 7})
    assert response.context["page_obj"].number == 7


def test_it_answers_a_page_out_of_range_with_the_last_or_first(staff_client, many):
    assert staff_client.get(reverse("activity_list"), {"page": 999}).context["page_obj"].number == 10
    assert staff_client.get(reverse("activity_list"), {"page": "x"}).context["page_obj"].number == 1


def test_it_shows_no_pagination_for_a_short_list(staff_client, group_a):
    make_activity([group_a], title="唯一的活动")
    page = staff_client.get(reverse("activity_list")).content.decode()
    assert "data-page-jump" not in page


def test_a_page_by_keys_holds_the_rows_of_its_ids_in_order_with_their_prefetches(many):
    """paginate_by_keys cuts the page from the ids, then loads those rows only, joins and
    prefetches included, in the list's order; an out-of-range page is the last."""
    listed = Activity.objects.prefetch_related("groups").order_by("-date", "-id")
    request = RequestFactory().get("/activities/", {"page": 3, "q": "学习"})
    with CaptureQueriesContext(connection) as queries:
        page_obj, querystring = paginate_by_keys(request, listed, 25)
        titles = [(a.title, [g.short_name for g in a.groups.all()]) for a in page_obj.object_list]
    assert titles == [(f"学习{n:03d}", ["民盟"]) for n in range(199, 174, -1)]
    assert len(queries) == 4 and querystring == "q=%E5%AD%A6%E4%B9%A0&"  # count, ids, rows, groups
    assert "LIMIT 25 OFFSET 50" in queries[1]["sql"] and '"title"' not in queries[1]["sql"]
    last, _ = paginate_by_keys(RequestFactory().get("/", {"page": 99}), listed, 25)
    assert last.number == 10 and [a.title for a in last.object_list][-1] == "学习000"


def test_a_page_past_the_middle_is_read_from_the_end_with_the_same_rows(many):
    """The last pages of a long list are read in the reverse order (a small OFFSET from the
    end) and turned round: every page holds exactly the rows of the list read forwards."""
    listed = Activity.objects.order_by("-date", "-id")
    forwards = list(listed.values_list("title", flat=True))
    pages = []
    for number in range(1, 11):
        with CaptureQueriesContext(connection) as queries:
            page_obj, _ = paginate(RequestFactory().get("/", {"page": number}), listed, 25)
            pages.append([a.title for a in page_obj.object_list])
        if number == 10:
            assert "OFFSET" not in queries[-1]["sql"] and '"date" ASC' in queries[-1]["sql"]
        if number == 4:
            assert "OFFSET 75" in queries[-1]["sql"]
    assert [title for page in pages for title in page] == forwards
    odd, _ = paginate(RequestFactory().get("/", {"page": 3}), listed, 120)
    assert [a.title for a in odd.object_list] == forwards[240:]  # a last page shorter than the others


def test_a_list_not_in_a_total_order_is_read_forwards(many):
    """Rows tied on the ordering have no reverse order: such a list is read as Django reads it."""
    listed = Activity.objects.order_by("kind")
    with CaptureQueriesContext(connection) as queries:
        page_obj, _ = paginate(RequestFactory().get("/", {"page": 10}), listed, 25)
        assert len(list(page_obj.object_list)) == 25
    assert "OFFSET 225" in queries[-1]["sql"]
    sliced = Activity.objects.order_by("-date", "-id")[:200]
    page_obj, _ = paginate(RequestFactory().get("/", {"page": 8}), sliced, 25)
    assert [a.title for a in page_obj.object_list][-1] == "学习050"  # a sliced list has no reverse: read forwards


def test_the_activity_lists_last_page_ends_with_the_first_activity(staff_client, many):
    page = staff_client.get(reverse("activity_list"), {"page": 10}).content.decode()
    assert "学习000" in page and "学习024" in page and "学习025" not in page
    assert page.index("学习001") < page.index("学习000")


# --- a list's count, kept until the records change (portal.cache.count_of) -----------------


@pytest.fixture
def shared_cache(monkeypatch):
    """The cache as with Redis: shared by every process, so a count may be kept."""
    monkeypatch.setattr(freshness, "_shared", lambda: True)


def _counts(client, url: str, table: str) -> tuple[int, int]:
    """The list's total, and how many COUNT queries on `table` the request made."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    counted = [q for q in queries if q["sql"].startswith("SELECT COUNT(*)") and f'"{table}"' in q["sql"]]
    return response.context["page_obj"].paginator.count, len(counted)


def test_a_lists_count_is_kept_until_an_activity_is_recorded(staff_client, many, group_a, shared_cache):
    url = reverse("activity_list")
    assert _counts(staff_client, url, "activities_activity") == (250, 1)
    assert _counts(staff_client, url, "activities_activity") == (250, 0)  # kept
    make_activity([group_a], date=datetime.date(2025, 12, 1), title="新的学习")
    assert _counts(staff_client, url, "activities_activity") == (251, 1)  # at once
    page = staff_client.get(url).content.decode()
    assert "251" in page and "新的学习" in page


def test_each_filter_and_scope_has_its_own_count(staff_client, leader_client, many, group_a, group_b, shared_cache):
    make_activity([group_b], date=datetime.date(2025, 3, 1), title="医卫调研")
    url = reverse("activity_list")
    assert _counts(staff_client, url, "activities_activity")[0] == 251
    assert _counts(leader_client, url, "activities_activity")[0] == 250  # group A's leader: not group B's
    assert _counts(staff_client, f"{url}?group={group_b.pk}", "activities_activity")[0] == 1
    assert _counts(staff_client, f"{url}?q=医卫", "activities_activity")[0] == 1
    assert _counts(staff_client, url, "activities_activity") == (251, 0)


def test_a_record_lists_count_follows_a_deleted_record(staff_client, group_a, shared_cache):
    member = make_member(group_a, "甲委员")
    constituent = Constituent.objects.create(committee=group_a.committee, name="群众甲")
    ConstituentContact.objects.create(
        group=group_a, member=member, constituent=constituent, way="phone", contacted_on=datetime.date(2025, 3, 1)
    )
    url = reverse("contact_list")
    assert _counts(staff_client, url, "activities_constituentcontact") == (1, 1)
    assert _counts(staff_client, url, "activities_constituentcontact") == (1, 0)
    ConstituentContact.objects.all().delete()
    assert _counts(staff_client, url, "activities_constituentcontact") == (0, 1)


def test_a_list_outside_the_records_is_counted_every_time(users, staff_client, shared_cache):
    """Notifications are bookkeeping: their writes replace no version, so their count is never kept."""
    notification_send(user=users[roles.STAFF], title="第一条")
    url = reverse("notification_list")
    assert _counts(staff_client, url, "sectors_notification")[0] == 1
    notification_send(user=users[roles.STAFF], title="第二条")
    assert _counts(staff_client, url, "sectors_notification")[0] == 2


def test_without_a_shared_cache_each_request_counts(staff_client, many, monkeypatch):
    """Each process's own memory cache has its own versions: a count kept there could miss another's write."""
    monkeypatch.setattr(freshness, "_shared", lambda: False)  # as without Redis (the PostgreSQL run has it)
    url = reverse("activity_list")
    assert _counts(staff_client, url, "activities_activity") == (250, 1)
    assert _counts(staff_client, url, "activities_activity") == (250, 1)
