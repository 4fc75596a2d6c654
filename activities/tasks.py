"""Celery tasks of the activities app: thin shells over services, idempotent
(a reminder goes once per member and meeting, whatever how often the job runs)."""

from __future__ import annotations

import datetime

from celery import shared_task

from portal import clock

from .services.meetings import meeting_reminders_send


@shared_task
def send_meeting_reminders(day: str | None = None) -> int:
    """Remind those who said they attend a meeting planned for the day after `day` (default: today)."""
    return meeting_reminders_send(today=datetime.date.fromisoformat(day) if day else clock.today())
