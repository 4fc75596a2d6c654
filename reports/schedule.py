"""The portal's scheduled work, as rows of django-celery-beat's tables.

Celery beat reads its schedule from the database (settings.CELERY_BEAT_SCHEDULER),
so administrators change times or switch a job off in 系统管理 → 周期任务 without
a deployment. `schedule_install` writes the default entries (a migration and
`setup_committee` call it; it never changes an entry that exists). Where there is
no Redis, cron runs `manage.py run_scheduled`, which runs the entries that are due
(`scheduled_run_due`) in its own process.
"""

from __future__ import annotations

import datetime
import json
import logging
from dataclasses import dataclass

from django.db.models import Model
from django.utils import timezone

from .measures import reminder_rules

log = logging.getLogger(__name__)

TIME_ZONE = "Asia/Shanghai"


@dataclass(frozen=True)
class Entry:
    name: str  # shown to administrators; unique
    task: str
    kwargs: dict
    minute: str
    hour: str
    description: str


# Reminders run every morning: each rule decides whether its day has come, and a
# reminder goes once per group, rule and period however often the job runs.
# Each reminder names its entry in its measure's spec (reports.measures).
REMINDER_RULE_NAMES = {code: rule.schedule_name for code, rule in reminder_rules().items()}

_REMINDER_NOTE = "只提醒尚未达到要求的界别的组长账号"

DEFAULT_SCHEDULE: list[Entry] = [
    Entry(
        "每晚：保存各界别当年得分快照",
        "reports.tasks.take_score_snapshots",
        {},
        minute="30",
        hour="1",
        description="每晚为各界别保存当年得分，用于趋势",
    ),
    Entry(
        "每天：提醒已报名参加次日会议的委员",
        "activities.tasks.send_meeting_reminders",
        {},
        minute="0",
        hour="18",
        description="前一天18时提醒回复“参加”的委员；每人每会只提醒一次",
    ),
    *[
        Entry(name, "reports.tasks.send_reminders", {"rule": code}, minute="30", hour="8", description=_REMINDER_NOTE)
        for code, name in REMINDER_RULE_NAMES.items()
    ],
    Entry(
        "提醒：提案答复期限（到期前7天及逾期）",
        "reports.outcome_reminders.send_outcome_reminders",
        {},
        minute="40",
        hour="8",
        description="提醒工作人员和界别组长：提案答复将到期或已逾期（每条提案每个期限一次）",
    ),
]


def schedule_install(periodic_task_model: type[Model], crontab_model: type[Model]) -> int:
    """Create the default entries that are missing; returns how many were created.

    Takes the model classes so that a data migration can pass its historical ones.
    """
    created = 0
    for entry in DEFAULT_SCHEDULE:
        if periodic_task_model.objects.filter(name=entry.name).exists():
            continue
        crontab, _ = crontab_model.objects.get_or_create(
            minute=entry.minute,
            hour=entry.hour,
            day_of_week="*",
            day_of_month="*",
            month_of_year="*",
            timezone=TIME_ZONE,
        )
        periodic_task_model.objects.create(
            name=entry.name,
            task=entry.task,
            kwargs=json.dumps(entry.kwargs),
            crontab=crontab,
            description=entry.description,
            enabled=True,
        )
        created += 1
    return created


def scheduled_due(*, now: datetime.datetime | None = None) -> list:
    """The enabled entries whose time has come since they last ran."""
    from django_celery_beat.models import PeriodicTask

    now = now or timezone.now()
    due = []
    tasks = PeriodicTask.objects.filter(enabled=True).select_related("crontab", "interval", "solar", "clocked")
    for task in tasks.order_by("name"):
        if (task.one_off and task.total_run_count) or (task.start_time and now < task.start_time):
            continue
        if task.expires and now >= task.expires:
            continue
        # Never run yet: due once its first time after it was set up has passed.
        next_run = _next_run(task.schedule, task.last_run_at or task.date_changed)
        if next_run is not None and next_run <= now:
            due.append(task)
    return due


def _next_run(schedule, last: datetime.datetime) -> datetime.datetime | None:
    """When an entry runs next after `last` (crontab, interval or clocked entries)."""
    from celery import schedules

    if isinstance(schedule, schedules.crontab):
        start, ends_in, _now = schedule.remaining_delta(last.astimezone(getattr(schedule, "tz", None) or last.tzinfo))
        return start + ends_in
    if hasattr(schedule, "clocked_time"):
        return schedule.clocked_time
    if isinstance(schedule, schedules.schedule):
        return last + schedule.run_every
    return None  # solar entries: not run by cron


def scheduled_run(task, *, now: datetime.datetime | None = None) -> object | None:
    """Run one entry here and now (not through a broker) and record the run.

    A conditional update of `last_run_at` is the lock: of two overlapping cron
    runs, only one runs the entry.
    """
    from celery import current_app
    from django_celery_beat.models import PeriodicTask

    now = now or timezone.now()
    claimed = PeriodicTask.objects.filter(pk=task.pk, last_run_at=task.last_run_at).update(
        last_run_at=now, total_run_count=task.total_run_count + 1
    )
    if not claimed:
        return None
    current_app.loader.import_default_modules()
    job = current_app.tasks[task.task]
    result = job.apply(args=json.loads(task.args or "[]"), kwargs=json.loads(task.kwargs or "{}"))
    return result.get(propagate=True)
