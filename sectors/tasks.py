"""Celery tasks of the roster: shells over services."""

from __future__ import annotations

from celery import shared_task


@shared_task(ignore_result=True)
def import_step(run_id: int, step: str) -> None:
    """Preview or write a large import (sectors.imports.runs)."""
    from sectors.imports import runs

    {"preview": runs.run_preview, "write": runs.run_write}[step](run_id=run_id)
