"""Cached summaries (portal.cache): served from the cache until the records
change, then computed afresh at once, whatever wrote the change; no personal
data in the cache."""

from __future__ import annotations

import datetime
import threading
import time

import pytest
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from activities.models import Activity, Attendance
from activities.services.activity import activity_update
from members.models import Notice, NoticeRecipient
from portal import cache as freshness
from portal import roles
from reports.models import AssessmentYear, Requirement
from reports.setup import assessment_year_ensure
from sectors.audit import events as audit
from sectors.models import ExportRun, Member, Notification

from . import sheets
from .factories import log_in, make_activity, make_member, make_user, valid_id_card
from .test_activity_form import attendance_fields, form_data
from .test_import_activities import activity_rows
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


def _counter():
    """A computation that returns how many times it has run."""
    calls = []

    def count() -> int:
        calls.append(1)
        return len(calls)

    return count


def test_a_change_to_one_year_renews_that_year_and_the_next_only(db):
    """A year's summaries compare it with the year before (the same span of last year),
    so a change to this year renews next year's; no summary reads a later year."""
    this = timezone.localdate().year
    count = _counter()
    assert [freshness.cached("one-year", (), count, year=year) for year in (this - 1, this, this + 1)] == [1, 2, 3]
    freshness.records_changed(year=this)
    assert freshness.cached("one-year", (), count, year=this - 1) == 1  # last year: kept
    assert freshness.cached("one-year", (), count, year=this) == 4  # renewed
    assert freshness.cached("one-year", (), count, year=this + 1) == 5  # compares with this year: renewed


def test_a_summary_of_several_years_sees_a_change_to_any_of_them(db):
    this = timezone.localdate().year
    trend = list(range(this - 4, this + 1))
    count = _counter()
    assert freshness.cached("trend", (), count, years=trend) == 1
    assert freshness.cached("trend", (), count, years=trend) == 1  # cached
    freshness.records_changed(year=this + 1)
    assert freshness.cached("trend", (), count, years=trend) == 1  # a later year: kept
    freshness.records_changed(year=this - 3)
    assert freshness.cached("trend", (), count, years=trend) == 2  # a year of the trend
    freshness.records_changed(year=this - 6)
    assert freshness.cached("trend", (), count, years=trend) == 2  # two years before the first: kept
    freshness.records_changed()
    assert freshness.cached("trend", (), count, years=trend) == 3  # a change of no one year
    with pytest.raises(TypeError):
        freshness.cached("trend", (), count, year=this, years=trend)


def test_last_years_dashboard_stays_cached_while_this_year_is_logged(staff_client, chairman_client, group_a, this_year):
    this = timezone.localdate().year
    url = f"/dashboard/data.json?year={this - 1}"
    computed = _queries(chairman_client, url)
    cached = _queries(chairman_client, url)
    assert cached < computed
    data = form_data([group_a], title="今年的协商会", date=datetime.date(this, 1, 5).isoformat())
    assert staff_client.post(reverse("activity_create"), data).status_code == 302
    assert _queries(chairman_client, url) == cached  # last year's figures and trend cannot change
    assert _dashboard(chairman_client, this)["figures"]["activities_held"] == 2  # this year's: at once


def test_an_activity_of_an_earlier_year_shows_in_this_years_trend_at_once(staff_client, chairman_client, group_a):
    this = timezone.localdate().year
    years = _dashboard(chairman_client, this)["years"]
    column = years["years"].index(this - 3)
    assert years["series"]["study_sessions"][column] == 0
    data = form_data([group_a], kind="study", title="三年前的学习会", date=datetime.date(this - 3, 5, 6).isoformat())
    assert staff_client.post(reverse("activity_create"), data).status_code == 302
    assert _dashboard(chairman_client, this)["years"]["series"]["study_sessions"][column] == 1


# --- every write path replaces the version, by construction (the SQL is watched) -----------


def test_bulk_create_is_seen(staff_client, group_a, this_year):
    other = make_member(group_a, "乙委员")
    assert _home_figures(staff_client) == (1, 5)
    Attendance.objects.bulk_create([Attendance(activity=Activity.objects.get(), member=other)])
    assert _home_figures(staff_client) == (1, 6)


def test_a_queryset_update_is_seen_without_being_reported(staff_client, group_a, this_year):
    assert _home_figures(staff_client) == (1, 5)
    Activity.objects.filter(title="民盟学习会").update(other_participants=10)
    assert _home_figures(staff_client) == (1, 11)


def test_links_added_removed_and_bulk_written_are_seen(staff_client, group_a, group_b, this_year):
    activity = Activity.objects.get()
    page = f"/groups/{group_b.pk}/"
    assert "民盟学习会" not in staff_client.get(page).content.decode()
    activity.groups.add(group_b)
    assert "民盟学习会" in staff_client.get(page).content.decode()
    activity.groups.remove(group_b)
    assert "民盟学习会" not in staff_client.get(page).content.decode()
    Activity.groups.through.objects.bulk_create([Activity.groups.through(activity=activity, sectorgroup=group_b)])
    assert "民盟学习会" in staff_client.get(page).content.decode()


def test_raw_sql_through_the_cursor_is_seen(staff_client, group_a, this_year):
    assert _home_figures(staff_client) == (1, 5)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {Activity._meta.db_table} SET other_participants = 20")
    assert _home_figures(staff_client) == (1, 21)


def test_an_edit_of_attendance_only_shows_on_the_home_page_and_the_member_record(staff_client, group_a, this_year):
    """Reproduced stale before: the activity row is not saved, the attendance is written in bulk."""
    activity = Activity.objects.get()
    other = make_member(group_a, "乙委员", since=datetime.date(2000, 1, 1))
    record = f"/members/{other.pk}/?year={activity.date.year}"
    assert _home_figures(staff_client) == (1, 5)
    assert _present(staff_client, record) == 0
    data = form_data(  # the activity as it is: only the attendance changes
        [group_a],
        **{name: getattr(activity, name) for name in ("title", "kind", "status", "format", "location", "partners")},
        summary=activity.summary,
        date=activity.date.isoformat(),
        other_participants=str(activity.other_participants),
    )
    response = staff_client.post(
        reverse("activity_edit", args=[activity.pk]), data | attendance_fields(present=[this_year, other])
    )
    assert response.status_code == 302
    assert Attendance.objects.filter(activity=activity).count() == 2
    assert Activity.objects.get().updated_at == activity.updated_at  # the activity row was not saved
    assert _home_figures(staff_client) == (1, 6)
    assert _present(staff_client, record) == 1


def test_the_group_pages_member_figures_are_kept_until_an_attendance_changes(
    staff_client, group_a, this_year, monkeypatch
):
    """Computed once per page of members and records version, not per request (issue 20)."""
    from reports.selectors import pages

    computed = []
    figure = pages.group_member_years
    monkeypatch.setattr(pages, "group_member_years", lambda **kw: computed.append(kw) or figure(**kw))
    url = f"/groups/{group_a.pk}/"

    def present() -> int:
        rows = staff_client.get(url).context["member_rows"]
        return next(year.present for membership, year in rows if membership.member_id == this_year.pk)

    assert present() == present() == 1
    assert len(computed) == 1
    day = Activity.objects.get().date + datetime.timedelta(days=1)
    make_activity([group_a], date=day, title="民盟调研", attendees=[this_year])
    assert present() == 2
    assert len(computed) == 2


def _present(client, url: str) -> int:
    return client.get(url).context["record"].present


def _dashboard(client, year: int) -> dict:
    return client.get(f"/dashboard/data.json?year={year}").json()


def test_filling_rules_into_an_existing_year_is_seen(admin_client_role, chairman_client, committee):
    """Reproduced stale before: the rules are written in bulk into a year that exists."""
    assessment_year_ensure(committee=committee, year=2024)
    AssessmentYear.objects.create(
        committee=committee,
        year=2025,
        plan_deadline=datetime.date(2025, 3, 31),
        summary_deadline=datetime.date(2025, 12, 31),
    )
    assert _dashboard(chairman_client, 2025)["has_rules"] is False
    response = admin_client_role.post(reverse("scorecard_rules_fill"), {"year": "2025"})
    assert response.status_code == 302
    assert Requirement.objects.filter(assessment_year__year=2025).exists()
    assert _dashboard(chairman_client, 2025)["has_rules"] is True


def test_an_admin_action_is_seen(admin_client_role, chairman_client, committee):
    year = AssessmentYear.objects.create(
        committee=committee,
        year=2025,
        plan_deadline=datetime.date(2025, 3, 31),
        summary_deadline=datetime.date(2025, 12, 31),
    )
    assert _dashboard(chairman_client, 2025)["has_rules"] is False
    response = admin_client_role.post(
        reverse("admin:reports_assessmentyear_changelist"),
        {"action": "add_default_requirements", "_selected_action": [year.pk]},
    )
    assert response.status_code == 302
    assert _dashboard(chairman_client, 2025)["has_rules"] is True


def test_a_new_activity_is_on_the_dashboard_at_once(staff_client, chairman_client, group_a, this_year):
    """Reproduced stale before: the dashboard kept its own copy for 55 seconds."""
    this = timezone.localdate().year
    assert _dashboard(chairman_client, this)["figures"]["activities_held"] == 1
    data = form_data([group_a], title="新的协商会", date=datetime.date(this, 1, 5).isoformat())
    assert staff_client.post(reverse("activity_create"), data).status_code == 302
    assert _dashboard(chairman_client, this)["figures"]["activities_held"] == 2


def test_an_activity_import_is_seen(staff_client, group_a, group_b):
    since = datetime.date(2020, 1, 1)
    for name, group in (("张三", group_a), ("李四", group_a), ("王五", group_b)):
        make_member(group, name, since=since)
    page = f"/groups/{group_a.pk}/?year=2024"
    assert "学习全国两会精神" not in staff_client.get(page).content.decode()
    run = import_file(staff_client, sheets.xlsx(activity_rows()), "台账.xlsx", "activities")
    assert run.created_count == 3
    assert "学习全国两会精神" in staff_client.get(page).content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_restore_is_seen(staff_client, group_a, this_year, tmp_path):
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive))
    make_activity([group_a], date=datetime.date(timezone.localdate().year, 1, 3), title="备份之后")
    assert _home_figures(staff_client)[0] == 2
    call_command("restore", str(archive), "--noinput")
    assert _home_figures(staff_client)[0] == 1


def test_writes_to_bookkeeping_tables_leave_the_version(db):
    assert freshness.written_tables('UPDATE "sectors_notification" SET "read_at" = 1') == {"sectors_notification"}
    assert "sectors_notification" not in freshness.watched()
    assert "django_session" not in freshness.watched()
    assert "activities_historicalactivity" not in freshness.watched()
    assert {"activities_activity", "activities_attendance", "activities_activity_groups"} <= freshness.watched()


def test_an_export_on_the_worker_leaves_the_summaries_cached(staff_client, group_a, this_year, settings, eager_worker):
    """An export's run row (queued, running, done) is bookkeeping: ten people exporting
    at once must not make every summary be computed afresh (bench_export_load.py)."""
    settings.EXPORT_INLINE_ROWS = 0
    figures = _home_figures(staff_client)
    before = freshness.records_version()
    response = staff_client.get(reverse("activity_export"))
    run = ExportRun.objects.get()
    assert response.status_code == 302 and run.status == "done"
    assert freshness.records_version() == before
    assert _queries(staff_client, "/") == _queries(staff_client, "/")  # still answered from the cache
    assert _home_figures(staff_client) == figures
    make_activity([group_a], date=datetime.date(timezone.localdate().year, 1, 5))
    assert freshness.records_version() != before  # a record still renews it


def test_a_member_opening_a_notice_leaves_the_summaries_cached(staff_client, member_client, member_user):
    assert staff_client.post("/notices/new/", {"title": "学习材料", "body": "请阅读。"}).status_code == 302
    notice = Notice.objects.get()
    before = freshness.records_version()
    assert member_client.get(f"/me/notices/{notice.pk}/").status_code == 200
    assert NoticeRecipient.objects.get(member=member_user.member).read_at is not None  # the receipt was written
    assert freshness.records_version() == before
    assert {"members_noticerecipient", "sectors_exportrun"}.isdisjoint(freshness.watched())


def test_a_summary_that_reads_bookkeeping_fails_while_computed(db):
    """An export run's or a notice receipt's writes renew no summary, so no summary may
    read them: in development and the tests the computation fails, naming the table."""
    assert "sectors_exportrun" in freshness._bookkeeping
    with pytest.raises(freshness.ReadsBookkeeping, match="'runs-done' reads sectors_exportrun"):
        freshness.cached("runs-done", (), lambda: ExportRun.objects.filter(status="done").count())
    with pytest.raises(freshness.ReadsBookkeeping, match="members_noticerecipient"):
        freshness.cached_by_year("receipts", (), [2025], lambda years: [NoticeRecipient.objects.count()])
    assert freshness.cached("members", (), lambda: Member.objects.count()) == 0  # records are read freely
    assert ExportRun.objects.count() == 0  # and outside a summary, bookkeeping too


def test_the_read_check_sees_a_lazy_queryset_and_names_the_innermost_summary(db):
    with pytest.raises(freshness.ReadsBookkeeping, match="'lazy' reads sectors_exportrun"):
        freshness.cached("lazy", (), lambda: ExportRun.objects.filter(status="done"))  # runs when stored
    with pytest.raises(freshness.ReadsBookkeeping, match="'inner' reads members_noticerecipient"):
        freshness.cached(
            "outer", (), lambda: [Member.objects.count(), freshness.cached("inner", (), NoticeRecipient.objects.count)]
        )
    assert freshness.cached("after", (), Member.objects.count) == 0  # the check was taken off
    assert ExportRun.objects.count() == 0


def test_a_bookkeeping_name_that_names_no_model_is_refused(monkeypatch):
    from django.apps import apps
    from django.core.exceptions import ImproperlyConfigured

    from sectors.apps import record_tables

    monkeypatch.setattr(apps.get_app_config("members"), "not_records", ("noticereceipt",), raising=False)
    with pytest.raises(ImproperlyConfigured, match="members.noticereceipt"):
        record_tables()


def test_production_does_not_check_what_summaries_read(db, settings):
    settings.PORTAL_CHECK_SUMMARY_READS = False
    assert freshness.cached("runs-done", (), lambda: ExportRun.objects.count()) == 0


@pytest.mark.parametrize(
    ("sql", "tables"),
    [
        ('INSERT INTO "activities_activity" ("title") VALUES (%s)', {"activities_activity"}),
        ('INSERT OR IGNORE INTO "reports_scoresnapshot" ("x") VALUES (1)', {"reports_scoresnapshot"}),
        ('UPDATE "sectors_member" SET "name" = %s WHERE "id" = 1', {"sectors_member"}),
        ('DELETE FROM "activities_attendance" WHERE "id" IN (1, 2)', {"activities_attendance"}),
        (
            'TRUNCATE "sectors_member", "activities_activity" RESTART IDENTITY;',
            {"sectors_member", "activities_activity"},
        ),
        ("insert into activities_activity (title) values ('x')", {"activities_activity"}),
        ('SELECT * FROM "activities_activity" WHERE "title" = \'DELETE FROM x\'', set()),
        ("SAVEPOINT s1", set()),
        (b'INSERT INTO "activities_attendance" VALUES (1)', {"activities_attendance"}),
    ],
)
def test_it_reads_the_table_a_statement_writes(sql, tables):
    assert freshness.written_tables(sql) == tables


@pytest.mark.django_db(transaction=True)
def test_a_transaction_replaces_the_version_when_it_commits_and_a_rollback_leaves_it():
    def shared() -> str:
        return cache.get(freshness.VERSION_KEY)

    freshness.records_version()
    before = shared()
    with transaction.atomic():
        Member.objects.filter(pk=-1).update(name="x")
        assert shared() == before  # not yet for others…
        assert freshness.records_version() != before  # …but the writer reads its own change
    assert shared() != before  # committed
    committed = shared()
    with pytest.raises(RuntimeError), transaction.atomic():
        Member.objects.filter(pk=-1).update(name="x")
        freshness.cached("seen-inside", (), lambda: "uncommitted")
        raise RuntimeError
    assert shared() == committed  # rolled back: nothing changed
    assert freshness.records_version() == committed
    assert freshness.cached("seen-inside", (), lambda: "committed") == "committed"
    Member.objects.filter(pk=-1).update(name="x")  # autocommit: at once
    assert shared() != committed


# --- once per change -----------------------------------------------------------------------


def _in_threads(count: int, work) -> list:
    results: list = [None] * count
    start = threading.Barrier(count)

    def run(i: int) -> None:
        start.wait()
        try:
            results[i] = work()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_concurrent_requests_compute_a_missing_summary_once(db):
    calls = []

    def slow() -> str:
        calls.append(1)
        time.sleep(0.3)
        return "figures"

    results = _in_threads(4, lambda: freshness.cached("slow-summary", ("x",), slow))
    assert results == ["figures"] * 4
    assert len(calls) == 1


def test_a_waiting_request_computes_itself_when_the_first_one_fails(db):
    calls = []

    def fails_first() -> str:
        calls.append(1)
        time.sleep(0.2)
        if len(calls) == 1:
            raise ValueError("database gone")
        return "figures"

    def work():
        try:
            return freshness.cached("failing-summary", (), fails_first)
        except ValueError:
            return "failed"

    assert sorted(_in_threads(2, work)) == ["failed", "figures"]
    assert len(calls) == 2


# --- scoped summaries never share a key ----------------------------------------------------


def test_two_users_scoped_summaries_never_share_a_key(clients, users, group_a, group_b, this_year, monkeypatch):
    other_leader = make_user(roles.LEADER, group=group_b, username="leader-b")
    make_activity([group_b], date=datetime.date(timezone.localdate().year, 1, 7), title="医卫学习会")
    seen: dict[str, set[str]] = {}
    real = freshness._computed_once

    def spy(key, compute):
        seen.setdefault(current, set()).add(key)
        return real(key, compute)

    monkeypatch.setattr(freshness, "_computed_once", spy)
    figures = {}
    for current, client in (
        ("leader-a", clients[roles.LEADER]),
        ("leader-b", _logged_in(other_leader)),
        ("chairman", clients[roles.CHAIRMAN]),
    ):
        figures[current] = _home_figures(client)[0]
        client.get(f"/dashboard/data.json?year={timezone.localdate().year}")
        client.get(f"/members/{this_year.pk}/")
    assert figures == {"leader-a": 1, "leader-b": 1, "chairman": 2}

    def scoped(who: str) -> set[str]:
        return {key for key in seen[who] if key.split(":")[0] in {"year-figures", "dashboard", "member-record"}}

    assert scoped("leader-a") and scoped("leader-b") and scoped("chairman")
    assert not scoped("leader-a") & scoped("leader-b")
    assert not scoped("leader-a") & scoped("chairman")
    assert not scoped("leader-b") & scoped("chairman")


def _logged_in(user):
    client = Client()
    log_in(client, user)
    return client


def test_the_activity_service_changing_attendance_only_is_seen(staff_client, users, group_a, this_year):
    """The same edit through the service (an import, a script): no other write to mask it."""
    activity = Activity.objects.get()
    other = make_member(group_a, "乙委员", since=datetime.date(2000, 1, 1))
    assert _home_figures(staff_client) == (1, 5)
    fields = ("kind", "title", "date", "status", "format", "location", "partners", "summary", "other_participants")
    present = (Attendance.Status.PRESENT, "")
    activity_update(
        user=users[roles.STAFF],
        activity=activity,
        groups=[group_a],
        attendance={this_year.pk: present, other.pk: present},
        **{name: getattr(activity, name) for name in fields},
    )
    assert _home_figures(staff_client) == (1, 6)
