"""Uploads are judged by their content, not their name, and downloads are served
with the type the portal detected, never the type the browser claimed."""

from __future__ import annotations

import datetime
import io
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from activities.models import Attachment, GroupDocument
from activities.uploads import KINDS

from .factories import make_activity

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64 + b"This program cannot be run"
PDF = b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"


def real_xls(with_macros: bool = False) -> bytes:
    """A real OLE compound file (Excel 97-2003, written by xlwt); with a
    "Macros" storage entry (as Word's VBA macros) when asked."""
    import xlwt

    book = xlwt.Workbook()
    book.add_sheet("名单").write(0, 0, "姓名")
    buffer = io.BytesIO()
    book.save(buffer)
    data = bytearray(buffer.getvalue())
    if with_macros:  # rename the "Workbook" directory entry: 64 bytes of UTF-16 name, then its length
        start = bytes(data).find("Workbook".encode("utf-16-le"))
        data[start : start + 64] = ("Macros".encode("utf-16-le") + b"\x00\x00").ljust(64, b"\x00")
        data[start + 64 : start + 66] = (14).to_bytes(2, "little")
    return bytes(data)


OLE_DOC = real_xls()


def ooxml(folder: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(f"{folder}document.xml", "<document/>")
    return buffer.getvalue()


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.bin", "x")
    return buffer.getvalue()


@pytest.fixture
def activity(group_a):
    return make_activity([group_a], title="民盟学习", date=datetime.date(2025, 3, 1))


def _edit_with_file(client, activity, upload):
    data = {
        "groups": [activity.groups.get().pk],
        "kind": activity.kind,
        "title": activity.title,
        "date": activity.date.isoformat(),
        "status": activity.status,
        "format": activity.format,
        "other_participants": "0",
        "files": [upload],
    }
    return client.post(reverse("activity_edit", args=[activity.pk]), data)


GOOD = [
    ("纪要.pdf", PDF),
    ("照片.png", PNG),
    ("照片.jpg", JPEG),
    ("旧文档.doc", OLE_DOC),
    ("旧表格.xls", OLE_DOC),
    ("方案.docx", ooxml("word/")),
    ("名单.xlsx", ooxml("xl/")),
    ("汇报.pptx", ooxml("ppt/")),
    ("说明.txt", "会议纪要：讨论了停车难。".encode()),
    ("说明GBK.txt", "会议纪要".encode("gb18030")),
]
BAD = [
    ("报告.pdf", EXE),  # an .exe renamed .pdf
    ("照片.png", JPEG),
    ("照片.jpg", PDF),
    ("方案.docx", plain_zip()),  # a zip, but no Word document
    ("名单.xlsx", ooxml("word/")),  # a Word document named as a workbook
    ("旧文档.doc", PDF),
    ("说明.txt", EXE),
]


@pytest.mark.parametrize(("name", "content"), GOOD)
def test_it_keeps_a_file_whose_content_matches_its_name(staff_client, activity, name, content):
    upload = SimpleUploadedFile(name, content, content_type="text/html")  # whatever the browser claims
    response = _edit_with_file(staff_client, activity, upload)
    assert response.status_code == 302, response.context["form"].errors
    stored = activity.attachments.get()
    assert stored.content_type == KINDS[name.rsplit(".", 1)[1]].content_type
    download = staff_client.get(reverse("attachment_download", args=[stored.pk]))
    assert download["Content-Type"] == stored.content_type
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == content


@pytest.mark.parametrize(("name", "content"), BAD)
def test_it_refuses_a_file_whose_content_is_not_what_its_name_says(staff_client, activity, name, content):
    response = _edit_with_file(staff_client, activity, SimpleUploadedFile(name, content))
    assert response.status_code == 200
    page = response.content.decode()
    assert "文件内容与文件名不符" in page and name in page
    assert not Attachment.objects.exists()
    activity.refresh_from_db()
    assert activity.title == "民盟学习"


def test_it_refuses_an_exe_renamed_pdf_as_a_group_plan(leader_client, group_a):
    data = {
        "group": group_a.pk,
        "year": 2025,
        "kind": GroupDocument.Kind.PLAN,
        "title": "2025年度工作计划",
        "dated": "2025-01-20",
        "file": SimpleUploadedFile("计划.pdf", EXE, content_type="application/pdf"),
    }
    response = leader_client.post(reverse("document_create"), data)
    assert response.status_code == 200
    assert "文件内容与文件名不符" in response.content.decode()
    assert not GroupDocument.objects.exists()


def test_it_serves_stored_files_with_the_detected_type_not_the_claimed_one(staff_client, activity, group_a):
    # A row from before content checks, carrying the browser's claim: the claim is ignored.
    claimed = Attachment.objects.create(
        activity=activity,
        file=ContentFile(b"<script>alert(1)</script>", name="x.txt"),
        original_name="纪要.txt",
        size=25,
        content_type="text/html",
    )
    response = staff_client.get(reverse("attachment_download", args=[claimed.pk]))
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment")

    disguised = Attachment.objects.create(
        activity=activity, file=ContentFile(EXE, name="y.pdf"), original_name="报告.pdf", size=len(EXE)
    )
    assert staff_client.get(reverse("attachment_download", args=[disguised.pk]))["Content-Type"] == (
        "application/octet-stream"
    )

    document = GroupDocument(group=group_a, year=2025, kind="plan", title="计划", dated=datetime.date(2025, 1, 20))
    document.original_name = "计划.pdf"
    document.file.save("plan.pdf", ContentFile(PDF), save=False)
    document.save()
    response = staff_client.get(reverse("document_file", args=[document.pk]))
    assert response["Content-Type"] == "application/pdf"


# --- looking inside the file ------------------------------------------------------------------------------


def ooxml_with(folder: str, extra: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(f"{folder}document.xml", "<document/>")
        for name, content in extra.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def pdf_with(body: bytes) -> bytes:
    return b"%PDF-1.7\n" + body + b"\n%%EOF"


def flate_object_stream(content: bytes) -> bytes:
    import zlib

    packed = zlib.compress(content)
    return b"5 0 obj << /Type /ObjStm /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream endobj" % (
        len(packed),
        packed,
    )


DANGEROUS = [
    ("宏.docx", ooxml_with("word/", {"word/vbaProject.bin": b"\xd0\xcf\x11\xe0macro"}), "宏"),
    ("宏.xlsx", ooxml_with("xl/", {"xl/vbaProject.bin": b"macro"}), "宏"),
    ("宏.xls", real_xls(with_macros=True), "宏"),
    ("炸弹.docx", ooxml_with("word/", {"word/media/big.bin": b"\x00" * (3 * 1024 * 1024)}), "解压"),
    ("脚本.pdf", pdf_with(b"1 0 obj << /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >> endobj"), "脚本"),
    ("转义.pdf", pdf_with(b"1 0 obj << /OpenAction << /S /J#61vaScript /J#53 (x) >> >> endobj"), "脚本"),
    ("附件.pdf", pdf_with(b"1 0 obj << /EmbeddedFiles << /Names [(a.html) 2 0 R] >> >> endobj"), "脚本"),
    ("藏起.pdf", pdf_with(flate_object_stream(b"<< /S /JavaScript /JS (app.alert(1)) >>")), "脚本"),
    ("网页.txt", b"<!DOCTYPE html><html><body><img src=x onerror=alert(1)></body></html>", "网页"),
    ("网页2.txt", "会议纪要\n" * 2000 + "<script>alert(1)</script>", "网页"),
]


@pytest.mark.parametrize(("name", "content", "words"), DANGEROUS)
def test_it_refuses_macros_bombs_scripts_and_html_inside_files(staff_client, activity, settings, name, content, words):
    settings.UPLOAD_MAX_INFLATED_BYTES = 2 * 1024 * 1024
    content = content.encode() if isinstance(content, str) else content
    response = _edit_with_file(staff_client, activity, SimpleUploadedFile(name, content))
    assert response.status_code == 200
    page = response.content.decode()
    assert "不能保存" in page and name in page and words in page
    assert not Attachment.objects.exists()


CLEAN_INSIDE = [
    ("名单.xls", real_xls()),
    ("方案.docx", ooxml_with("word/", {"word/media/photo.png": PNG * 100})),
    ("纪要.pdf", pdf_with(flate_object_stream(b"<< /Type /Page /Contents 4 0 R >>"))),
    ("说明.txt", "会议纪要：人数<10，满意度>90%。".encode()),
]


@pytest.mark.parametrize(("name", "content"), CLEAN_INSIDE)
def test_it_keeps_clean_files_that_it_looked_inside(staff_client, activity, name, content):
    response = _edit_with_file(staff_client, activity, SimpleUploadedFile(name, content))
    assert response.status_code == 302, response.context["form"].errors
    assert activity.attachments.get().original_name == name


def test_it_stops_writing_a_file_past_the_limit_and_answers_in_chinese(staff_client, activity, settings):
    settings.UPLOAD_MAX_BYTES = 200 * 1024
    big = SimpleUploadedFile("大文件.pdf", PDF + b"0" * (1024 * 1024))

    response = _edit_with_file(staff_client, activity, big)

    assert response.status_code == 413
    page = response.content.decode()
    assert "文件过大" in page and "大文件.pdf" in page and "200.0\xa0KB" in page
    assert not Attachment.objects.exists()
    activity.refresh_from_db()
    assert activity.title == "民盟学习"


def test_it_stops_reading_into_memory_or_disk_at_the_limit(rf, settings):
    from django.core.files.uploadhandler import StopUpload

    from sectors.accounts.security import SizeLimitUploadHandler

    settings.UPLOAD_MAX_BYTES = 1000
    request = rf.post("/")
    handler = SizeLimitUploadHandler(request)
    handler.new_file("files", "a.pdf", "application/pdf", 5000)
    assert handler.receive_data_chunk(b"x" * 600, 0) == b"x" * 600
    with pytest.raises(StopUpload) as stopped:
        handler.receive_data_chunk(b"x" * 600, 600)
    assert stopped.value.connection_reset is False
    assert request.portal_upload_too_large == "a.pdf"
