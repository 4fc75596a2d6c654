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
OLE_DOC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64


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
