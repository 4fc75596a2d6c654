"""Celery tasks of the reports app: thin shells over services.

Every task is idempotent (a reminder goes once per key, a snapshot once per day),
so a retry, a second beat or an overlapping cron run changes nothing.
"""

from __future__ import annotations

import datetime

from celery import shared_task

from portal import clock

from .outcome_reminders import send_outcome_reminders  # noqa: F401 (registered with Celery from here)
from .reminders import RULES, reminders_send
from .snapshots import snapshots_take


def _day(day: str | None) -> datetime.date:
    return datetime.date.fromisoformat(day) if day else clock.today()


@shared_task
def send_reminders(rule: str | None = None, day: str | None = None) -> int:
    """Send the reminders of one rule (or of all rules) due on `day` (default: today)."""
    return reminders_send(rule_codes=[rule] if rule else list(RULES), today=_day(day))


@shared_task
def take_score_snapshots(day: str | None = None) -> int:
    """Store every group's scores for the current year, once per day."""
    return snapshots_take(today=_day(day))
