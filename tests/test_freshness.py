"""Cached summaries (portal.cache): served from the cache until the records
change, then computed afresh at once, whatever wrote the change; no personal
data in the cache."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from activities.models import Activity
from portal import cache as freshness
from sectors.audit import events as audit
from sectors.models import Member, Notification

from . import sheets
from .factories import make_activity, make_member, valid_id_card
from .test_activity_form import attendance_fields, form_data
from .test_import_members import import_file, roster


@pytest.fixture
def this_year(group_a):
    member = make_member(group_a, "甲委员", mobile="13812345678", id_card=valid_id_card(serial="123"))
    day = datetime.date(timezone.localdate().year, 1, 2)
    make_activity([group_a], date=day, title="民盟学习会", attendees=[member], other_participants=4)
    return member


def _home_figures(client) -> tuple[int, int]:
    context = client.get("/").context
    return context["activity_count"], context["participant_times"]


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", ["/", "/groups/{group}/", "/members/{member}/"])
def test_a_summary_page_is_computed_once_until_the_records_change(staff_client, group_a, this_year, url):
    url = url.format(group=group_a.pk, member=this_year.pk)
    first, second = _queries(staff_client, url), _queries(staff_client, url)
    assert second < first  # the figures came from the cache
    make_activity([group_a], date=datetime.date(timezone.localdate().year, 1, 3))
    assert _queries(staff_client, url) > second  # computed afresh


def test_the_home_page_counts_an_activity_saved_through_the_form_at_once(staff_client, group_a, this_year):
    assert _home_figures(staff_client) == (1, 5)
    day = datetime.date(timezone.localdate().year, 1, 5)
    data = form_data([group_a], title="新的学习会", date=day.isoformat(), other_participants="2")
    response = staff_client.post(reverse("activity_create"), data | attendance_fields(present=[this_year]))
    assert response.status_code == 302
    assert _home_figures(staff_client) == (2, 8)


def test_a_write_that_bypasses_the_signals_is_reported_by_the_bulk_write_audit(staff_client, group_a, this_year):
    assert _home_figures(staff_client) == (1, 5)
    changed = Activity.objects.filter(title="民盟学习会").update(other_participants=10)
    audit.record_bulk_write(model=Activity, count=changed, detail="test")
    assert _home_figures(staff_client) == (1, 11)


def test_an_import_is_a_change_of_the_records(admin_client_role, staff_client, group_a, group_b, this_year):
    group_page = f"/groups/{group_a.pk}/"
    assert "陈明" not in staff_client.get(group_page).content.decode()
    run = import_file(admin_client_role, sheets.xlsx(roster()))
    assert run.created_count == 3
    assert "陈明" in staff_client.get(group_page).content.decode()


def test_the_version_changes_again_when_the_transaction_commits(db, django_capture_on_commit_callbacks):
    before = freshness.records_version()
    with django_capture_on_commit_callbacks(execute=True):
        freshness.records_changed()
        during = freshness.records_version()
    after = freshness.records_version()
    assert len({before, during, after}) == 3


def test_bookkeeping_writes_leave_the_summaries_cached(staff_client, users, this_year):
    version = freshness.records_version()
    Notification.objects.create(user=users["staff"], key="t", title="提醒", body="", link="/")
    audit.record(action=audit.Action.LOGIN, user=users["staff"])
    assert freshness.records_version() == version


def _stored_values() -> list[bytes]:
    """Every value in the cache as stored (pickled): memory or Redis (the PostgreSQL run)."""
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        client = backend._cache.get_client()
        return [client.get(key) or b"" for key in client.keys("*")]
    return [value for value in backend._cache.values() if isinstance(value, bytes)]


def test_the_cache_holds_no_id_card_or_mobile_number(staff_client, group_a, this_year):
    member_page = staff_client.get(f"/members/{this_year.pk}/").content.decode()
    assert this_year.id_card in member_page  # staff see it on the page…
    staff_client.get(f"/groups/{group_a.pk}/")
    staff_client.get("/")
    stored = b"".join(_stored_values())
    assert stored  # …the summaries were cached…
    for secret in (this_year.id_card, this_year.mobile, this_year.birth_date and str(this_year.birth_date)):
        if secret:
            assert secret.encode() not in stored  # …without it
    assert Member.PERSONAL_FIELDS == ("id_card", "mobile", "birth_date")


def test_a_new_activity_leaves_other_years_summaries_cached(staff_client, group_a, this_year):
    this = timezone.localdate().year
    old_page, new_page = f"/groups/{group_a.pk}/?year={this - 5}", f"/groups/{group_a.pk}/?year={this}"
    computed = _queries(staff_client, old_page)
    cached = _queries(staff_client, old_page)
    assert cached < computed
    _queries(staff_client, new_page)
    make_activity([group_a], date=datetime.date(this, 1, 4), title="今年的活动")
    assert _queries(staff_client, old_page) == cached  # five years back: still cached
    assert "今年的活动" in staff_client.get(new_page).content.decode()  # this year: computed afresh


def test_an_activity_moved_to_another_year_shows_in_both(staff_client, group_a, this_year):
    this = timezone.localdate().year
    moved = make_activity([group_a], date=datetime.date(this - 5, 3, 1), title="挪动的活动")
    old_page, new_page = f"/groups/{group_a.pk}/?year={this - 5}", f"/groups/{group_a.pk}/?year={this}"
    assert "挪动的活动" in staff_client.get(old_page).content.decode()
    assert "挪动的活动" not in staff_client.get(new_page).content.decode()
    moved.date = datetime.date(this, 1, 6)
    moved.save()
    assert "挪动的活动" not in staff_client.get(old_page).content.decode()
    assert "挪动的活动" in staff_client.get(new_page).content.decode()


def test_a_deleted_activity_leaves_its_years_pages(staff_client, group_a, this_year):
    activity = Activity.objects.get(title="民盟学习会")
    assert _home_figures(staff_client) == (1, 5)
    activity.delete()
    assert _home_figures(staff_client) == (0, 0)


def test_a_summary_of_all_years_sees_a_change_to_one_year(db):
    this = timezone.localdate().year
    calls = []

    def every_year() -> int:
        calls.append(1)
        return len(calls)

    assert freshness.cached("all-years", (), every_year) == 1
    assert freshness.cached("all-years", (), every_year) == 1  # cached
    freshness.records_changed(year=this)
    assert freshness.cached("all-years", (), every_year) == 2  # an activity of this year counts in a trend
    assert freshness.cached("one-year", (), every_year, year=this - 5) == 3
    freshness.records_changed(year=this)
    assert freshness.cached("one-year", (), every_year, year=this - 5) == 3  # five years back: untouched
    freshness.records_changed()
    assert freshness.cached("one-year", (), every_year, year=this - 5) == 4  # a change of no one year
