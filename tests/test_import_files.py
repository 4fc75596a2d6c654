"""Files the import refuses, the limits it keeps, who may import what, the
templates, the command line, the Celery path with its lock, and the logs."""

from __future__ import annotations

import datetime
import io
import logging
import os
import pathlib

import openpyxl
import pytest
import xlwt
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from portal import roles
from sectors.importers import runs
from sectors.models import ImportRun, Member

from . import sheets
from .test_import_members import import_file, last_run, roster, upload

MEMBER_ROWS = roster()


def _far_cell_xlsx(row: int, column: int) -> bytes:
    book = openpyxl.Workbook()
    book.active.append(["编号", "姓名", "界别"])
    book.active.cell(row=row, column=column, value="x")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _far_cell_xls() -> bytes:
    book = xlwt.Workbook()
    sheet = book.add_sheet("s")
    sheet.write(0, 0, "姓名")
    sheet.write(65535, 255, "x")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


REFUSED = {
    "html-named-xls": ("名册.xls", "<html><body><table><tr><td>姓名</td></tr></table></body></html>".encode(), "网页"),
    "random-bytes": ("名册.xlsx", os.urandom(4096), "不是表格"),
    "zip-not-workbook": ("名册.xlsx", None, "压缩包"),
    "encrypted": ("名册.xlsx", None, "密码"),
    "empty-file": ("名册.csv", b"   \n", "空"),
    "empty-sheet": ("名册.xlsx", sheets.xlsx([[None]]), "表头"),
    "no-required-column": ("名册.xlsx", sheets.xlsx([["姓名", "性别"], ["甲", "男"]]), "界别"),
    "zip-bomb": ("名册.xlsx", None, "压缩炸弹"),
    "million-rows": ("名册.xlsx", _far_cell_xlsx(1_000_000, 2), "1000000"),
    "xfd1048576": ("名册.xlsx", _far_cell_xlsx(1_048_576, 16_384), "16384"),
    "xls-far-cell": ("名册.xls", _far_cell_xls(), "65536"),
    "ods-repeated-rows": (
        "名册.ods",
        sheets.ods(
            [["编号", "姓名", "界别"]],
            extra='<table:table-row table:number-rows-repeated="1000000"><table:table-cell '
            'office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>',
        ),
        "1000001",
    ),
}


def _content(case: str, data: bytes | None) -> bytes:
    if case == "zip-not-workbook":
        buffer = io.BytesIO()
        import zipfile

        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("readme.txt", "hello")
        return buffer.getvalue()
    if case == "encrypted":
        return sheets.encrypted_xlsx(MEMBER_ROWS)
    if case == "zip-bomb":
        return sheets.zip_bomb()
    return data


@pytest.mark.parametrize("case", list(REFUSED))
def test_it_refuses_a_file_it_cannot_import_with_a_clear_message(case, admin_client_role, group_a, caplog):
    name, data, words = REFUSED[case]
    with caplog.at_level(logging.INFO):
        upload(admin_client_role, _content(case, data), name)
    run = last_run()
    assert run.status == ImportRun.Status.FAILED and words in run.message, run.message
    assert not run.stored_file and not list((pathlib.Path(run_media()) / "imports").glob("*"))
    page = admin_client_role.get(reverse("import_run", kwargs={"run_id": run.pk})).content.decode()
    assert run.message.split("。")[0] in page and "Traceback" not in page
    assert Member.objects.count() == 1  # the fixtures' leader only


def run_media() -> str:
    from django.conf import settings

    return settings.MEDIA_ROOT


@pytest.mark.parametrize(("name", "words"), [("名册.pdf", "不能导入“.pdf”"), ("名册.xlsx", "最多")])
def test_it_refuses_other_file_types_and_files_over_the_limit(name, words, admin_client_role, group_a, settings):
    settings.IMPORT_MAX_BYTES = 1000
    response = upload(admin_client_role, sheets.xlsx(MEMBER_ROWS), name)
    assert response.status_code == 200 and words in response.content.decode()
    assert not ImportRun.objects.exists()


@pytest.mark.parametrize(
    ("role", "kind", "allowed"),
    [
        (roles.ADMIN, "members", True),
        (roles.ADMIN, "activities", True),
        (roles.STAFF, "members", False),
        (roles.STAFF, "workstations", True),
        (roles.STAFF, "activities", True),
        (roles.LEADER, "activities", False),
        (roles.CHAIRMAN, "activities", False),
        (roles.LEADER, "members", False),
        ("anonymous", "members", False),
    ],
)
def test_each_role_reaches_only_its_imports(role, kind, allowed, clients, group_a):
    client = clients[role]
    for url in (reverse("import_upload", kwargs={"kind": kind}), reverse("import_template", kwargs={"kind": kind})):
        response = client.get(url)
        if allowed:
            assert response.status_code == 200
        elif role == "anonymous":
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        else:
            assert response.status_code == 403
    name, data = sheets.make("xlsx", MEMBER_ROWS)
    upload(client, data, name, kind)
    assert ImportRun.objects.exists() == allowed


def test_a_refused_role_cannot_confirm_or_read_another_roles_run(clients, group_a):
    upload(clients[roles.ADMIN], sheets.xlsx(MEMBER_ROWS))
    run = last_run()
    for role in (roles.STAFF, roles.LEADER, roles.CHAIRMAN):
        assert clients[role].post(reverse("import_confirm", kwargs={"run_id": run.pk})).status_code == 403
        assert clients[role].get(reverse("import_errors", kwargs={"run_id": run.pk})).status_code == 403
    run.refresh_from_db()
    assert run.status == ImportRun.Status.PREVIEWED


def test_the_menu_links_the_import_page_for_staff_and_admins_only(clients, group_a):
    url = reverse("import_index")
    for role, shown in ((roles.STAFF, True), (roles.ADMIN, True), (roles.LEADER, False), (roles.CHAIRMAN, False)):
        page = clients[role].get(reverse("home")).content.decode()
        assert (f'href="{url}"' in page) == shown, role
    assert "委员" in clients[roles.ADMIN].get(url).content.decode()
    staff_page = clients[roles.STAFF].get(url).content.decode()
    assert reverse("import_upload", kwargs={"kind": "members"}) not in staff_page


def test_the_template_has_chinese_headers_an_example_drop_downs_and_text_columns(admin_client_role, group_a, group_b):
    response = admin_client_role.get(reverse("import_template", kwargs={"kind": "members"}))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    assert headers[:4] == ["序号", "编号", "姓名", "性别"] and "身份证号" in headers and "界别活动组" in headers
    assert sheet.cell(row=2, column=1).value == "示例"
    id_column = headers.index("身份证号") + 1
    assert sheet.cell(row=3, column=id_column).number_format == "@"
    assert sheet.cell(row=3, column=headers.index("手机") + 1).number_format == "@"
    formulas = {v.formula1 for v in sheet.data_validations.dataValidation}
    assert len(formulas) == 3  # gender, group, role
    options = book["选项"]
    assert options.sheet_state == "hidden"
    values = {cell.value for column in options.iter_cols() for cell in column}
    assert {"民盟", "医卫", "组长", "副组长", "男", "女"} <= values
    # Filled in and uploaded as it is, the example row is skipped.
    run = import_file(admin_client_role, response.content)
    assert run.total_rows == 0 and run.created_count == 0


@pytest.mark.parametrize("kind", ["workstations", "activities"])
def test_the_other_templates_read_back_as_their_kind(kind, staff_client, group_a):
    response = staff_client.get(reverse("import_template", kwargs={"kind": kind}))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert sheet.cell(row=1, column=2).value in ("名称", "界别活动组")
    assert len(sheet.data_validations.dataValidation) >= 2


def test_the_command_prints_counts_and_reasons_and_fails_on_a_rejected_row(committee, group_a, tmp_path, capsys):
    path = tmp_path / "名册.xlsx"
    path.write_bytes(sheets.xlsx(MEMBER_ROWS))  # 医卫 is unknown: one rejected row
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_sheet", "members", str(path), "--dry-run")
    assert exit_info.value.code == 1
    output = capsys.readouterr().out
    assert "3 rows: 2 created, 0 updated, 0 unchanged, 1 rejected (nothing written)" in output
    assert "row 3 [界别]" in output
    assert not Member.objects.filter(member_number="W001").exists()
    with pytest.raises(SystemExit):
        call_command("import_sheet", "members", str(path))
    assert Member.objects.filter(member_number__in=["W001", "W003"]).count() == 2
    assert ImportRun.objects.get().created_count == 2
    path.write_bytes(sheets.xlsx(MEMBER_ROWS[:2]))
    call_command("import_sheet", "members", str(path))
    assert "1 rows: 0 created, 0 updated, 1 unchanged, 0 rejected (written)" in capsys.readouterr().out


@pytest.fixture
def celery_eager():
    from wenzhou_sectors.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


def test_a_large_file_runs_as_a_task_and_its_page_survives_a_reload(
    admin_client_role, group_a, group_b, settings, celery_eager, django_capture_on_commit_callbacks
):
    settings.IMPORT_INLINE_BYTES = 0
    settings.CELERY_TASK_ALWAYS_EAGER = False  # a worker is configured (Redis); the fixture runs its task here
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        upload(admin_client_role, sheets.xlsx(MEMBER_ROWS))
    assert len(callbacks) == 1
    run = last_run()
    assert run.status == ImportRun.Status.PREVIEWED and run.created_count == 3
    with django_capture_on_commit_callbacks(execute=True):
        admin_client_role.post(reverse("import_confirm", kwargs={"run_id": run.pk}))
    # A second confirmation (a reload, a double click) does nothing.
    admin_client_role.post(reverse("import_confirm", kwargs={"run_id": run.pk}))
    run.refresh_from_db()
    assert run.status == ImportRun.Status.DONE and Member.objects.filter(member_number__startswith="W").count() == 3
    assert "导入已完成" in admin_client_role.get(reverse("import_run", kwargs={"run_id": run.pk})).content.decode()


def test_a_running_import_shows_its_progress_and_refreshes(admin_client_role, group_a):
    run = ImportRun.objects.create(kind="members", file_name="x.xlsx", status=ImportRun.Status.RUNNING, total_rows=10)
    from django.core.cache import cache

    cache.set(runs.progress_key(run.pk), (4, 10))
    page = admin_client_role.get(reverse("import_run", kwargs={"run_id": run.pk})).content.decode()
    assert 'http-equiv="refresh"' in page and 'value="4" max="10"' in page


@pytest.mark.parametrize(
    ("status", "waited", "shown"),
    [
        (ImportRun.Status.QUEUED, datetime.timedelta(minutes=5), "已排队等待 5 分钟"),
        (ImportRun.Status.QUEUED, datetime.timedelta(seconds=20), None),  # a worker that is up starts it in seconds
        (ImportRun.Status.PREVIEWING, datetime.timedelta(minutes=3), "已排队等待 3 分钟"),
        (ImportRun.Status.RUNNING, datetime.timedelta(minutes=5), None),  # started: it shows its progress instead
    ],
)
def test_a_file_the_worker_has_not_started_says_it_is_delayed(admin_client_role, status, waited, shown):
    """The Celery worker is down (Redis up): the file waits in the queue, and its page says so."""
    since = timezone.now() - waited
    run = ImportRun.objects.create(
        kind="members", file_name="x.xlsx", status=status, queued_at=since, created_at=since, total_rows=10
    )
    page = admin_client_role.get(reverse("import_run", kwargs={"run_id": run.pk})).content.decode()
    assert 'http-equiv="refresh"' in page  # the page keeps looking
    if shown:
        assert shown in page and "无需重新上传" in page
    else:
        assert 'id="run-waiting"' not in page


def test_two_imports_of_the_same_sheet_cannot_run_at_once(admin_client_role, group_a, group_b):
    ImportRun.objects.create(kind="members", file_name="other.xlsx", status=ImportRun.Status.RUNNING)
    upload(admin_client_role, sheets.xlsx(MEMBER_ROWS))
    run = last_run()
    admin_client_role.post(reverse("import_confirm", kwargs={"run_id": run.pk}))
    run.refresh_from_db()
    assert run.status == ImportRun.Status.PREVIEWED and "另一次导入正在进行" in run.message
    assert not Member.objects.filter(member_number="W001").exists()
    # Another kind is not held up.
    ImportRun.objects.filter(file_name="other.xlsx").update(status=ImportRun.Status.DONE)
    admin_client_role.post(reverse("import_confirm", kwargs={"run_id": run.pk}))
    assert Member.objects.filter(member_number="W001").exists()


def test_no_cell_content_reaches_the_log_and_the_file_is_deleted(admin_client_role, group_a, group_b, caplog):
    with caplog.at_level(logging.DEBUG):
        run = import_file(admin_client_role, sheets.xlsx(roster([9, "W009", "秘密姓名", "男", "1980-99-01", "民盟"])))
    assert run.rejected_count == 1
    text = caplog.text
    assert "秘密姓名" not in text and "13812345678" not in text and "陈" not in text
    assert not list((pathlib.Path(run_media()) / "imports").glob("*"))


def test_cancelling_a_preview_deletes_the_file_and_writes_nothing(admin_client_role, group_a, group_b):
    upload(admin_client_role, sheets.xlsx(MEMBER_ROWS))
    run = last_run()
    admin_client_role.post(reverse("import_cancel", kwargs={"run_id": run.pk}))
    run.refresh_from_db()
    assert run.status == ImportRun.Status.CANCELLED and not run.stored_file
    assert not Member.objects.filter(member_number="W001").exists()
