"""Large imports: the row limit holds for any workbook, large files are never checked or
written inside a web request, and the write goes in short transactions of its own."""

from __future__ import annotations

import io
import re
import threading
import zipfile

import pytest

from portal.importing.reading import UnreadableFile, read_sheet
from sectors.importers import runs
from sectors.models import ImportRun, Member

from . import sheets
from .test_import_members import confirm, last_run, roster, upload


def without_references(data: bytes) -> bytes:
    """The workbook as some writers save it: rows and cells without `r=` attributes."""
    source, target = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for entry in source.infolist():
            content = source.read(entry)
            if entry.filename.startswith("xl/worksheets/"):
                content = re.sub(rb'\s(r|spans)="[^"]*"', b"", content)
                content = re.sub(rb"<dimension[^>]*/>", b"", content)
            out.writestr(entry.filename, content)
    return target.getvalue()


def test_it_counts_the_rows_of_a_workbook_without_cell_references(settings):
    settings.IMPORT_MAX_ROWS = 50
    data = without_references(sheets.xlsx([["姓名", "界别"]] + [[f"委员{n}", "民盟"] for n in range(80)]))
    assert b' r="' not in zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    with pytest.raises(UnreadableFile, match="一次最多导入50行"):
        read_sheet(data, "x.xlsx")
    settings.IMPORT_MAX_ROWS = 100
    assert len(read_sheet(data, "x.xlsx").rows) == 81


def test_it_counts_the_cells_of_rows_without_references(settings):
    settings.IMPORT_MAX_COLUMNS = 10
    data = without_references(sheets.xlsx([[f"列{n}" for n in range(30)], ["x"] * 30]))
    with pytest.raises(UnreadableFile, match="第 30 列|30"):
        read_sheet(data, "x.xlsx")


def test_the_upload_page_refuses_such_a_file_over_the_limit(admin_client_role, group_a, settings):
    settings.IMPORT_MAX_ROWS = 50
    data = without_references(sheets.xlsx([["姓名", "界别"]] + [[f"委员{n}", "民盟"] for n in range(80)]))
    upload(admin_client_role, data)
    run = last_run()
    assert run.status == ImportRun.Status.FAILED and "50" in run.message
    assert not Member.objects.filter(name__startswith="委员").exists()


def test_the_write_goes_in_parts_each_in_its_own_transaction(admin_client_role, group_a, settings, monkeypatch):
    settings.IMPORT_WRITE_CHUNK_ROWS = 2
    rows = roster()[:2] + [[n, f"W1{n:02d}", f"分批{n}", "男", None, "民盟"] for n in range(5)]
    parts = []
    real = runs.write_plan

    def counted(importer, plan):
        parts.append(len(plan.work["rows"]))
        real(importer, plan)

    monkeypatch.setattr(runs, "write_plan", counted)
    upload(admin_client_role, sheets.xlsx(rows))
    run = last_run()
    confirm(admin_client_role, run)
    run.refresh_from_db()
    assert run.status == ImportRun.Status.DONE and run.created_count == 6
    assert parts == [2, 2, 2]
    assert Member.objects.filter(name__startswith="分批").count() == 5


def test_a_write_that_stops_half_way_keeps_whole_parts_and_the_same_file_finishes_it(
    admin_client_role, group_a, settings, monkeypatch
):
    settings.IMPORT_WRITE_CHUNK_ROWS = 2
    data = sheets.xlsx(roster()[:1] + [[n, f"W2{n:02d}", f"断点{n}", "男", None, "民盟"] for n in range(5)])
    real, calls = runs.write_plan, []

    def failing_second_part(importer, plan):
        calls.append(1)
        real(importer, plan)
        if len(calls) == 2:
            raise RuntimeError("the server went down")

    monkeypatch.setattr(runs, "write_plan", failing_second_part)
    upload(admin_client_role, data)
    first = last_run()
    confirm(admin_client_role, first)
    first.refresh_from_db()
    assert first.status == ImportRun.Status.FAILED
    assert "已写入 2 行后中断" in first.message and "再次导入同一文件" in first.message
    assert Member.objects.filter(name__startswith="断点").count() == 2  # the first part; the second rolled back

    monkeypatch.setattr(runs, "write_plan", real)
    upload(admin_client_role, data)
    second = last_run()
    assert (second.created_count, second.unchanged_count) == (3, 2)
    confirm(admin_client_role, second)
    assert Member.objects.filter(name__startswith="断点").count() == 5


@pytest.mark.django_db(transaction=True)
def test_without_a_worker_a_large_file_is_checked_and_written_outside_the_request(
    admin_client_role, group_a, group_b, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.IMPORT_INLINE_BYTES = 0
    settings.CELERY_TASK_ALWAYS_EAGER = True  # no Redis: Celery would run the task in the request
    steps_in = []
    real_plan = runs._plan

    def recorded(run):
        steps_in.append(threading.current_thread().name)
        return real_plan(run)

    monkeypatch.setattr(runs, "_plan", recorded)
    upload(admin_client_role, sheets.xlsx(roster()))
    run = last_run()
    _wait_for_import_threads()
    run.refresh_from_db()
    assert run.status == ImportRun.Status.PREVIEWED and run.created_count == 3
    confirm(admin_client_role, run)
    _wait_for_import_threads()
    run.refresh_from_db()
    assert run.status == ImportRun.Status.DONE
    assert Member.objects.filter(member_number__startswith="W").count() == 3
    assert steps_in == [f"import-{run.pk}-preview", f"import-{run.pk}-write"]


def _wait_for_import_threads() -> None:
    for thread in threading.enumerate():
        if thread.name.startswith("import-"):
            thread.join(timeout=30)


def test_a_small_but_dense_file_is_not_checked_in_the_request_either(
    admin_client_role, group_a, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_INLINE_ROWS = 50
    settings.CELERY_TASK_ALWAYS_EAGER = False  # a worker takes it (Redis); here: no callback run
    data = without_references(sheets.xlsx([["姓名", "性别", "界别"]] + [[f"密{n}", "男", "民盟"] for n in range(80)]))
    assert len(data) < runs.inline_bytes()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        upload(admin_client_role, data)
    assert last_run().status == ImportRun.Status.PREVIEWING and len(callbacks) == 1  # handed over, not done here
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        upload(admin_client_role, sheets.xlsx(roster()))
    assert last_run().status == ImportRun.Status.PREVIEWED and not callbacks  # a small file: done at once
