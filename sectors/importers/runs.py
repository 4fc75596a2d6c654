"""An import's life, recorded as an ImportRun: upload → preview → confirm →
write → result, and the uploaded file deleted when the import ends.

Small files are checked and written in the request; larger ones never in a
web request: by a Celery task (sectors.tasks.import_step), or, without a
worker, by a thread of the web process (`in_background`), with progress kept
in the cache for the page. The write goes in parts of IMPORT_WRITE_CHUNK_ROWS
rows, each in a short transaction of its own (`plan_parts`). The run page
reads everything from the database, so it survives a reload. Logs name the
run and its counts, never a cell's content.
"""

from __future__ import annotations

import dataclasses
import datetime
import logging
import pathlib
import threading
import uuid
from collections.abc import Iterator

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, connections, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.importing.base import Importer, Plan, masked_report
from portal.importing.reading import UnreadableFile, count_rows, read_sheet
from portal.importing.registry import importer_for
from sectors.models import ImportRun, committee_for_portal

logger = logging.getLogger(__name__)

IMPORT_DIR = "imports"
ALLOWED_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".et", ".ods", ".csv", ".txt")
STALE_AFTER = datetime.timedelta(hours=1)
ENDED = (ImportRun.Status.DONE, ImportRun.Status.REFUSED, ImportRun.Status.FAILED, ImportRun.Status.CANCELLED)


class ImportRefused(Exception):
    """The import cannot go on; the message is for the user."""


def max_bytes() -> int:
    return int(getattr(settings, "IMPORT_MAX_BYTES", settings.UPLOAD_MAX_BYTES))


def inline_bytes() -> int:
    return int(getattr(settings, "IMPORT_INLINE_BYTES", 400 * 1024))


def inline_rows() -> int:
    return int(getattr(settings, "IMPORT_INLINE_ROWS", 3000))


def _rows(run: ImportRun, step: str) -> int:
    """The rows of a small file: counted by the preview, or by their tags before it."""
    if step == "write" or not run.stored_file:
        return run.total_rows
    return count_rows(_path(run).read_bytes())


def _path(run: ImportRun) -> pathlib.Path:
    return pathlib.Path(settings.MEDIA_ROOT) / run.stored_file


def _delete_file(run: ImportRun) -> None:
    """The run has ended: its upload is deleted, and its rejected rows keep the full ID-card
    and mobile numbers no longer than the file did (`masked_report`)."""
    if run.stored_file:
        _path(run).unlink(missing_ok=True)
        run.stored_file = ""
        ImportRun.objects.filter(pk=run.pk).update(stored_file="")
    _mask_report(run)


def _mask_report(run: ImportRun) -> None:
    importer_class = importer_for(run.kind)
    report = masked_report(run.report, importer_class.columns if importer_class else ())
    if report is not run.report:
        run.report = report
        ImportRun.objects.filter(pk=run.pk).update(report=report)


def check_upload(*, name: str, size: int) -> None:
    suffix = pathlib.Path(name).suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        raise ImportRefused(
            _("Files of type “%(ext)s” cannot be imported. Upload an Excel (.xlsx, .xls), WPS, .ods or .csv file.")
            % {"ext": suffix or "?"}
        )
    if size > max_bytes():
        raise ImportRefused(
            _("The file is %(size)s; at most %(limit)s can be imported at once.")
            % {"size": filesizeformat(size), "limit": filesizeformat(max_bytes())}
        )
    if size == 0:
        raise ImportRefused(_("The file is empty."))


def run_start(*, kind: str, user, name: str, chunks) -> ImportRun:
    """Store the upload where nobody can download it and record the run."""
    directory = pathlib.Path(settings.MEDIA_ROOT) / IMPORT_DIR
    directory.mkdir(parents=True, exist_ok=True)
    _clean_abandoned()
    stored = f"{IMPORT_DIR}/{uuid.uuid4().hex}{pathlib.Path(name).suffix.lower()}"
    size = 0
    with open(pathlib.Path(settings.MEDIA_ROOT) / stored, "wb") as target:
        for chunk in chunks:
            size += len(chunk)
            target.write(chunk)
    return ImportRun.objects.create(kind=kind, user=user, file_name=name[-200:], stored_file=stored, file_size=size)


def _clean_abandoned() -> None:
    """Files of previews nobody confirmed for a day are deleted."""
    cutoff = timezone.now() - datetime.timedelta(days=1)
    for run in ImportRun.objects.filter(created_at__lt=cutoff).exclude(stored_file=""):
        _delete_file(run)
        if run.status == ImportRun.Status.PREVIEWED:
            ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.CANCELLED)
    # Runs that ended before their reports were masked on ending.
    for run in ImportRun.objects.filter(status__in=ENDED, stored_file="").exclude(report__masked=True):
        _mask_report(run)


def _importer(run: ImportRun) -> Importer:
    importer_class = importer_for(run.kind)

    def progress(done: int, total: int) -> None:
        cache.set(progress_key(run.pk), (done, total), 3600)

    importer = importer_class(committee=committee_for_portal(), user=run.user, progress=progress)
    if run.default_joined_on and hasattr(importer, "default_joined_on"):
        importer.default_joined_on = run.default_joined_on
    return importer


def progress_key(run_id: int) -> str:
    return f"import-progress-{run_id}"


WORKER_GRACE = datetime.timedelta(minutes=1)  # a worker that is up starts a queued file within seconds


def progress_of(run: ImportRun) -> tuple[int, int]:
    return cache.get(progress_key(run.pk)) or (0, run.total_rows)


def waiting_minutes(run: ImportRun) -> int | None:
    """Whole minutes a large file has waited for the background worker to start it, once
    that is over WORKER_GRACE (the worker is down or busy); None while it is not waiting."""
    if run.status == ImportRun.Status.QUEUED:
        since = run.queued_at
    elif run.status == ImportRun.Status.PREVIEWING and progress_of(run)[0] == 0:
        since = run.created_at
    else:
        return None
    waited = timezone.now() - since if since else datetime.timedelta(0)
    return int(waited.total_seconds() // 60) if waited > WORKER_GRACE else None


def _plan(run: ImportRun) -> tuple[Importer, Plan]:
    importer = _importer(run)
    data = _path(run).read_bytes() if run.stored_file else b""
    sheet = read_sheet(data, run.file_name)
    return importer, importer.plan(sheet)


def write_chunk_rows() -> int:
    return int(getattr(settings, "IMPORT_WRITE_CHUNK_ROWS", 1000))


def plan_parts(plan: Plan) -> Iterator[Plan]:
    """The plan's rows in parts of `write_chunk_rows()`, each written in a transaction of its own.

    SQLite has one writer: a 59,000-row import written in one transaction held the
    lock for 40 s and other users' saves failed. A part takes about a second, and
    other requests write in between. Each part is all or nothing; the importers find
    rows by their keys (member number, ID card; groups, date and title), so a run that
    stops half-way is finished by importing the same file again: the rows already
    written are then unchanged and only the rest is written."""
    rows = plan.work.get("rows")
    size = write_chunk_rows()
    if rows is None or len(rows) <= size:
        yield plan
        return
    for start in range(0, len(rows), size):
        yield dataclasses.replace(plan, work={**plan.work, "rows": rows[start : start + size]})


def _write_part(run: ImportRun, importer: Importer, part: Plan, written: int, total: int) -> int:
    """Write one part in its own short transaction; return the rows written so far."""
    size = len(part.work.get("rows", ())) or part.total
    importer.progress = lambda done, _total: cache.set(progress_key(run.pk), (written + done, total), 3600)
    with transaction.atomic():
        write_plan(importer, part)
    cache.set(progress_key(run.pk), (written + size, total), 3600)
    return written + size


def _stopped_message(written: int | None) -> str:
    """`written` rows were written before the failure (None: not known, the process stopped)."""
    if written == 0:
        return _("The import failed and nothing was written.")
    again = _(
        "Import the same file again to write the rest: the rows already written are recognised and left as they are."
    )
    if written is None:
        return _("The import stopped before it finished.") + " " + again
    return _("The import stopped after %(count)s rows were written.") % {"count": written} + " " + again


def write_plan(importer: Importer, plan: Plan) -> None:
    """Write a checked plan (inside the caller's transaction)."""
    importer.write(plan)


def _save_plan(run: ImportRun, plan: Plan, status: str) -> None:
    run.status = status
    run.total_rows = plan.total
    run.created_count, run.updated_count = plan.created, plan.updated
    run.unchanged_count, run.rejected_count = plan.unchanged, plan.rejected
    run.report = plan.summary()
    run.save(
        update_fields=[
            "status",
            "total_rows",
            "created_count",
            "updated_count",
            "unchanged_count",
            "rejected_count",
            "report",
            "finished_at",
            "started_at",
            "message",
        ]
    )


def _fail(run: ImportRun, message: str) -> None:
    run.status = ImportRun.Status.FAILED
    run.message = message
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "message", "finished_at"])
    _delete_file(run)


def run_preview(*, run_id: int) -> ImportRun:
    """Read and check the file; record what the import would do. Writes nothing else."""
    run = ImportRun.objects.select_related("user").get(pk=run_id)
    if run.status != ImportRun.Status.PREVIEWING:
        return run
    try:
        _importer_plan = _plan(run)
    except UnreadableFile as refusal:
        _fail(run, str(refusal))
        return run
    except Exception as error:
        logger.error("Import %s: preview failed (%s)", run.pk, type(error).__name__)
        _fail(run, _("The file could not be read."))
        return run
    _save_plan(run, _importer_plan[1], ImportRun.Status.PREVIEWED)
    logger.info("Import %s (%s): previewed %s rows", run.pk, run.kind, run.total_rows)
    return run


def run_confirm(*, run: ImportRun, all_or_nothing: bool, default_joined_on: datetime.date | None = None) -> bool:
    """Queue the write once: a second confirmation (a reload, a double click) does nothing."""
    claimed = ImportRun.objects.filter(pk=run.pk, status=ImportRun.Status.PREVIEWED).update(
        status=ImportRun.Status.QUEUED,
        all_or_nothing=all_or_nothing,
        default_joined_on=default_joined_on,
        queued_at=timezone.now(),
    )
    return bool(claimed)


def _lock(run: ImportRun) -> bool:
    """Take the kind's write lock: QUEUED → RUNNING, refused by the database
    while another import of the same kind runs. A run left RUNNING for an hour
    (a worker that died) no longer holds it."""
    ImportRun.objects.filter(
        kind=run.kind, status=ImportRun.Status.RUNNING, started_at__lt=timezone.now() - STALE_AFTER
    ).update(status=ImportRun.Status.FAILED, message=_stopped_message(None))
    try:
        with transaction.atomic():
            return bool(
                ImportRun.objects.filter(pk=run.pk, status=ImportRun.Status.QUEUED).update(
                    status=ImportRun.Status.RUNNING, started_at=timezone.now()
                )
            )
    except IntegrityError:
        return False


def run_write(*, run_id: int) -> ImportRun:
    """Check the file again against today's data and write it in one transaction."""
    run = ImportRun.objects.select_related("user").get(pk=run_id)
    if run.status != ImportRun.Status.QUEUED:
        return run
    if not _lock(run):
        ImportRun.objects.filter(pk=run.pk, status=ImportRun.Status.QUEUED).update(status=ImportRun.Status.PREVIEWED)
        run.refresh_from_db()
        run.message = _("Another import of this sheet is running; try again when it has finished.")
        run.save(update_fields=["message"])
        return run
    run.refresh_from_db()
    written = 0
    try:
        importer, plan = _plan(run)
        if run.all_or_nothing and plan.rejections:
            run.finished_at = timezone.now()
            _save_plan(run, plan, ImportRun.Status.REFUSED)
        else:
            for part in plan_parts(plan):
                written = _write_part(run, importer, part, written, plan.total)
            run.finished_at = timezone.now()
            run.message = ""
            _save_plan(run, plan, ImportRun.Status.DONE)
    except UnreadableFile as refusal:
        _fail(run, str(refusal))
        return run
    except Exception as error:
        logger.error("Import %s: write failed after %s rows (%s)", run.pk, written, type(error).__name__)
        _fail(run, _stopped_message(written))
        return run
    _delete_file(run)
    cache.delete(progress_key(run.pk))
    logger.info(
        "Import %s (%s): %s created, %s updated, %s unchanged, %s rejected",
        run.pk,
        run.kind,
        run.created_count,
        run.updated_count,
        run.unchanged_count,
        run.rejected_count,
    )
    return run


def run_cancel(*, run: ImportRun) -> None:
    if ImportRun.objects.filter(pk=run.pk, status=ImportRun.Status.PREVIEWED).update(
        status=ImportRun.Status.CANCELLED, finished_at=timezone.now()
    ):
        _delete_file(run)


STEPS = {"preview": run_preview, "write": run_write}


def dispatch(run: ImportRun, step: str) -> None:
    """Do a step now for a small file; a large one never runs inside the web request:
    it goes to the Celery worker once the run is committed, or, without a worker
    (no Redis: Celery would run it eagerly, in this request), to a thread of its own."""
    if run.file_size <= inline_bytes() and _rows(run, step) <= inline_rows():
        STEPS[step](run_id=run.pk)
        return
    if getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False):
        transaction.on_commit(lambda: in_background(run.pk, step))
        return
    from sectors.tasks import import_step

    transaction.on_commit(lambda: import_step.delay(run.pk, step))


def in_background(run_id: int, step: str) -> threading.Thread:
    """Run a step in a daemon thread of the web process (no worker to hand it to).

    The request returns at once and the run's page shows the progress. A thread was
    chosen over doing a part on each refresh of the page: the check must read the
    whole file at once (a row is compared with the rows before it), and the write's
    parts are already short transactions (`plan_parts`). If the process stops with
    the thread, the run is marked stopped after STALE_AFTER and the same file
    finishes it, as after a worker's crash."""

    def work() -> None:
        try:
            STEPS[step](run_id=run_id)
        except Exception:
            logger.exception("Import %s: %s failed in the background", run_id, step)
        finally:
            connections.close_all()

    thread = threading.Thread(target=work, name=f"import-{run_id}-{step}", daemon=True)
    thread.start()
    return thread
