"""Celery tasks of the roster app: thin shells over services."""

from __future__ import annotations

from celery import shared_task

from sectors.notifications.services import notification_email


@shared_task(ignore_result=True)
def import_step(run_id: int, step: str) -> None:
    """Preview or write a large import (sectors.importers.runs)."""
    from sectors.importers import runs

    {"preview": runs.run_preview, "write": runs.run_write}[step](run_id=run_id)


@shared_task(ignore_result=True)
def export_step(run_id: int) -> None:
    """Write a large Excel export (sectors.ops.exports)."""
    from sectors.ops import exports

    exports.run_export(run_id=run_id)


@shared_task(autoretry_for=(OSError,), retry_backoff=60, max_retries=5)
def email_notification(notification_id: int) -> bool:
    """Send one notification by e-mail (at most once; see notification_email)."""
    return notification_email(notification_id=notification_id)
