"""The schedule (django-celery-beat rows) and `manage.py run_scheduled`, cron's way to run it without Redis."""

from __future__ import annotations

import datetime
import io
import zoneinfo

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from portal import roles
from reports.models import ScoreSnapshot
from reports.schedule import DEFAULT_SCHEDULE, schedule_install, scheduled_due
from reports.setup import assessment_year_ensure
from sectors.models import Notification

from .factories import make_member, make_user

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture
def schedule(db):
    # The migration installs it; a flushed test database may have lost it.
    schedule_install(PeriodicTask, CrontabSchedule)
    return PeriodicTask.objects.filter(name__in=[entry.name for entry in DEFAULT_SCHEDULE])


def test_it_installs_the_default_schedule_once_in_shanghai_time(schedule):
    assert schedule_install(PeriodicTask, CrontabSchedule) == 0
    assert schedule.count() == len(DEFAULT_SCHEDULE) == 10
    reminders = schedule.filter(task="reports.tasks.send_reminders")
    assert {str(t.crontab.timezone) for t in schedule} == {"Asia/Shanghai"}
    assert {(t.crontab.hour, t.crontab.minute) for t in reminders} == {("8", "30")}
    assert schedule.get(task="reports.tasks.take_score_snapshots").crontab.hour == "1"


def test_it_leaves_an_entry_an_administrator_changed(schedule):
    entry = schedule.get(task="reports.tasks.take_score_snapshots")
    entry.enabled = False
    entry.save()
    schedule_install(PeriodicTask, CrontabSchedule)
    entry.refresh_from_db()
    assert entry.enabled is False


def test_an_entry_is_due_once_its_time_has_passed_since_it_last_ran(schedule):
    schedule.update(last_run_at=at(2025, 8, 31, 9, 0))
    assert scheduled_due(now=at(2025, 8, 31, 17, 59)) == []
    assert [t.task for t in scheduled_due(now=at(2025, 8, 31, 18, 1))] == ["activities.tasks.send_meeting_reminders"]
    schedule.filter(task="activities.tasks.send_meeting_reminders").update(last_run_at=at(2025, 8, 31, 18, 1))
    assert scheduled_due(now=at(2025, 9, 1, 1, 29)) == []
    assert [t.task for t in scheduled_due(now=at(2025, 9, 1, 1, 31))] == ["reports.tasks.take_score_snapshots"]
    assert len(scheduled_due(now=at(2025, 9, 1, 8, 31))) == 8
    schedule.filter(task="reports.tasks.send_reminders").update(enabled=False)
    assert len(scheduled_due(now=at(2025, 9, 1, 8, 31))) == 1


def test_run_scheduled_runs_what_is_due_once(schedule, committee, group_a, group_b, users, settings):
    settings.PORTAL_TODAY = "2025-09-01"
    assessment_year_ensure(committee=committee, year=2025)
    make_user(roles.LEADER, group=group_b, username="leader_b")
    make_member(group_b)  # a group without members cannot act and is not reminded
    schedule.update(last_run_at=timezone.now() - datetime.timedelta(days=2))
    out = io.StringIO()
    call_command("run_scheduled", stdout=out)
    assert "提醒：尚无界别协商会（9月1日起）: 2" in out.getvalue()
    assert set(Notification.objects.values_list("user__username", flat=True)) == {"leader", "leader_b"}
    assert ScoreSnapshot.objects.filter(taken_on=datetime.date(2025, 9, 1)).count() == 2
    notes = Notification.objects.count()
    # Run again straight away (cron's next tick): nothing is due, nothing is sent twice.
    out = io.StringIO()
    call_command("run_scheduled", stdout=out)
    assert out.getvalue() == ""
    call_command("run_scheduled", "--all", stdout=io.StringIO())  # forced: every job runs, still no second copy
    assert Notification.objects.count() == notes
    assert ScoreSnapshot.objects.count() == 2
    assert all(t.total_run_count >= 2 for t in schedule.all())


def test_run_scheduled_lists_without_running(schedule, committee, settings):
    schedule.update(last_run_at=timezone.now() - datetime.timedelta(days=2))
    out = io.StringIO()
    call_command("run_scheduled", "--list", stdout=out)
    assert out.getvalue().count("reports.tasks.") == 8
    assert not Notification.objects.exists()
    assert all(t.total_run_count == 0 for t in schedule.all())
