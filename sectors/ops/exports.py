"""Large Excel exports run on the worker, never in a web request (issue 20).

An export of more than EXPORT_INLINE_ROWS rows is not written by the request that asks
for it: the request records an ExportRun (the page and its filters, the user, the
language) and answers the run's progress page; the Celery worker replays the same
export view for that user (`run_export`) and keeps the file under MEDIA_ROOT/exports/.
The page (htmx, every two seconds) then offers the download, to that user only, for
EXPORT_KEEP_HOURS. Without Redis Celery runs the task eagerly, inside the request, so
the request goes straight on to the download. Smaller exports stay synchronous.

Replaying the view keeps one definition of each export (its scope, filters and
columns) for both ways. A personal-data export is audited once, by the request that
asked for it (sectors.audit.events.audit_personal_data skips the replay).
"""

from __future__ import annotations

import datetime
import logging
import pathlib
import secrets
from urllib.parse import unquote

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.test import RequestFactory
from django.urls import resolve, reverse
from django.utils import timezone, translation

from sectors.models import ExportRun

logger = logging.getLogger(__name__)

EXPORT_DIR = "exports"
REPLAY_FLAG = "portal_export_replay"  # set on the request the worker replays


def inline_rows() -> int:
    return int(getattr(settings, "EXPORT_INLINE_ROWS", 2000))


def keep_for() -> datetime.timedelta:
    return datetime.timedelta(hours=int(getattr(settings, "EXPORT_KEEP_HOURS", 24)))


def is_replay(request: HttpRequest) -> bool:
    """The worker's replay of an export (it writes the file; the asking request audited it)."""
    return bool(getattr(request, REPLAY_FLAG, False))


def in_background_if_large(request: HttpRequest, rows: int) -> HttpResponse | None:
    """For an export of more than EXPORT_INLINE_ROWS rows: queue it and answer its progress
    page (or, when the task already ran eagerly, its download). None: write it now."""
    if is_replay(request) or rows <= inline_rows():
        return None
    clean_expired()
    run = ExportRun.objects.create(
        user=request.user,
        path=request.path,
        query=request.META.get("QUERY_STRING", "")[:2000],
        language=translation.get_language() or "",
        rows=rows,
    )
    dispatch(run)
    run.refresh_from_db(fields=["status"])
    if run.status == ExportRun.Status.DONE:
        return redirect("export_download", export_id=run.pk)
    return redirect("export_progress", export_id=run.pk)


def dispatch(run: ExportRun) -> None:
    """Hand the run to the worker once it is committed; without Redis Celery runs the task
    eagerly, so it runs now, in this request (same connection: the run is visible to it)."""
    from sectors.tasks import export_step

    if getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False):
        export_step.delay(run.pk)
        return
    transaction.on_commit(lambda: export_step.delay(run.pk))


def _directory() -> pathlib.Path:
    directory = pathlib.Path(settings.MEDIA_ROOT) / EXPORT_DIR
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def file_path(run: ExportRun) -> pathlib.Path:
    return _directory() / run.stored_file


def _file_name(response: HttpResponse) -> str:
    disposition = response.get("Content-Disposition", "")
    _before, _marker, encoded = disposition.partition("filename*=UTF-8''")
    return unquote(encoded)[:200] or "export.xlsx"


def run_export(*, run_id: int) -> ExportRun:
    """Replay the export for its user and keep the file (the worker's task). Idempotent:
    a run already taken (the conditional update) is left alone."""
    taken = ExportRun.objects.filter(pk=run_id, status=ExportRun.Status.QUEUED).update(status=ExportRun.Status.RUNNING)
    run = ExportRun.objects.select_related("user").get(pk=run_id)
    if not taken:
        return run
    request = RequestFactory().get(f"{run.path}?{run.query}" if run.query else run.path)
    request.user = run.user
    setattr(request, REPLAY_FLAG, True)
    try:
        with translation.override(run.language or settings.LANGUAGE_CODE):
            match = resolve(run.path)
            response = match.func(request, *match.args, **match.kwargs)
        if response.status_code != 200:
            raise RuntimeError(f"the export answered {response.status_code}")
        run.stored_file = f"{run.pk}-{secrets.token_hex(16)}.xlsx"
        content = b"".join(response) if response.streaming else response.content
        file_path(run).write_bytes(content)
        run.file_name = _file_name(response)
        run.status = ExportRun.Status.DONE
    except Exception as failed:
        logger.exception("Export %s failed", run_id)
        run.status, run.error = ExportRun.Status.FAILED, str(failed)[:300]
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "stored_file", "file_name", "error", "finished_at"])
    return run


def export_for(*, user, export_id: int) -> ExportRun | None:
    """The user's own run, while it is kept; None for anyone else's or an expired one."""
    return ExportRun.objects.filter(pk=export_id, user=user, created_at__gte=timezone.now() - keep_for()).first()


def clean_expired() -> int:
    """Delete the runs (and files) older than EXPORT_KEEP_HOURS; how many were deleted."""
    expired = ExportRun.objects.filter(created_at__lt=timezone.now() - keep_for())
    for stored in expired.exclude(stored_file="").values_list("stored_file", flat=True):
        (_directory() / stored).unlink(missing_ok=True)
    deleted, _by_model = expired.delete()
    return deleted


def progress_url(run: ExportRun) -> str:
    return reverse("export_progress", kwargs={"export_id": run.pk})
