"""Groups' yearly plans and summaries in the browser: /documents/, with downloads."""

from __future__ import annotations

import datetime
import os
from urllib.parse import quote

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from activities.models import GroupDocument
from portal import roles

from .test_upload_content import ooxml


def upload(name: str = "2025年工作计划.pdf", content: bytes = b"%PDF-1.4 plan") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def make_document(group, *, year=2025, kind=GroupDocument.Kind.PLAN, title="年度计划", with_file=True) -> GroupDocument:
    document = GroupDocument(group=group, year=year, kind=kind, title=title, dated=datetime.date(year, 1, 20))
    if with_file:
        document.original_name = "计划.pdf"
        document.file.save("plan.pdf", ContentFile(b"%PDF-1.4 stored"), save=False)
    document.save()
    return document


def form_data(group, file=None, **changes) -> dict:
    data = {
        "group": group.pk,
        "year": 2025,
        "kind": GroupDocument.Kind.PLAN,
        "title": "2025年度工作计划",
        "dated": "2025-01-20",
    }
    if file is not None:
        data["file"] = file
    data.update(changes)
    return data


def assert_field_error(response, field: str, message: str | None = None) -> None:
    assert response.status_code == 200
    assert field in response.context["form"].errors, response.context["form"].errors
    if message:
        with translation.override("zh-hans"):
            assert escape(gettext(message)) in response.content.decode()


def test_it_lets_staff_upload_edit_and_delete(staff_client, users, group_a, django_capture_on_commit_callbacks):
    response = staff_client.post(reverse("document_create"), form_data(group_a, upload()))

    document = GroupDocument.objects.get()
    assert response.status_code == 302
    assert (document.group, document.year, document.kind) == (group_a, 2025, "plan")
    assert document.original_name == "2025年工作计划.pdf"
    assert document.uploaded_by == users[roles.STAFF]
    assert document.file.name.startswith("documents/2025/") and document.file.name.endswith(".pdf")
    assert "工作计划" not in document.file.name  # the user's file name never becomes a path
    first_path = document.file.path

    # Editing without a new file keeps the old one; a new file replaces it.
    staff_client.post(reverse("document_edit", args=[document.pk]), form_data(group_a, title="改后的计划"))
    document.refresh_from_db()
    assert (document.title, document.file.path) == ("改后的计划", first_path)
    docx = ooxml("word/")  # content is checked: a real Word document
    data = form_data(group_a, upload("修订版.docx", docx), title="改后的计划")
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(reverse("document_edit", args=[document.pk]), data)
    document.refresh_from_db()
    assert document.original_name == "修订版.docx"
    assert document.file.read() == docx
    assert not os.path.exists(first_path)

    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(reverse("document_delete", args=[document.pk]))
    assert not GroupDocument.objects.exists()
    assert not os.path.exists(document.file.path)


def test_it_downloads_the_file_under_its_original_name(staff_client, chairman_client, group_a):
    document = make_document(group_a)

    for client in (staff_client, chairman_client):
        response = client.get(reverse("document_file", args=[document.pk]))
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == b"%PDF-1.4 stored"
        assert quote("计划.pdf") in response["Content-Disposition"]
        assert response["Content-Disposition"].startswith("attachment")

    page = staff_client.get(reverse("document_detail", args=[document.pk])).content.decode()
    assert reverse("document_file", args=[document.pk]) in page
    assert "/media/" not in page


def test_it_answers_404_for_a_document_without_a_file(staff_client, group_a):
    document = make_document(group_a, with_file=False)

    assert staff_client.get(reverse("document_file", args=[document.pk])).status_code == 404


def test_it_lets_a_leader_record_for_their_own_group(leader_client, group_a):
    response = leader_client.post(reverse("document_create"), form_data(group_a, upload()))
    document = GroupDocument.objects.get()
    assert response.status_code == 302
    assert document.group == group_a
    assert leader_client.get(reverse("document_file", args=[document.pk])).status_code == 200

    leader_client.post(reverse("document_edit", args=[document.pk]), form_data(group_a, title="新"))
    document.refresh_from_db()
    assert document.title == "新"

    leader_client.post(reverse("document_delete", args=[document.pk]))
    assert not GroupDocument.objects.exists()


def test_it_rejects_another_group_posted_by_a_leader(leader_client, group_b):
    response = leader_client.post(reverse("document_create"), form_data(group_b, upload()))

    assert_field_error(response, "group")
    assert not GroupDocument.objects.exists()


def test_it_hides_other_groups_documents_from_a_leader(leader_client, group_b):
    document = make_document(group_b, title="医卫的计划")

    for name in ("document_detail", "document_edit", "document_delete", "document_file"):
        assert leader_client.get(reverse(name, args=[document.pk])).status_code == 404
    edit = leader_client.post(reverse("document_edit", args=[document.pk]), form_data(group_b, title="被改"))
    delete = leader_client.post(reverse("document_delete", args=[document.pk]))

    assert (edit.status_code, delete.status_code) == (404, 404)
    document.refresh_from_db()
    assert document.title == "医卫的计划"
    assert "医卫的计划" not in leader_client.get(reverse("document_list")).content.decode()


def test_it_lets_the_chairman_read_but_not_write(chairman_client, group_a):
    document = make_document(group_a)

    detail = chairman_client.get(reverse("document_detail", args=[document.pk])).content.decode()
    assert "年度计划" in detail and reverse("document_edit", args=[document.pk]) not in detail
    for url in (
        reverse("document_create"),
        reverse("document_edit", args=[document.pk]),
        reverse("document_delete", args=[document.pk]),
    ):
        assert chairman_client.get(url).status_code == 403
        data = form_data(group_a, upload(), kind=GroupDocument.Kind.SUMMARY, title="主席改的")
        assert chairman_client.post(url, data).status_code == 403

    assert list(GroupDocument.objects.values_list("title", flat=True)) == ["年度计划"]


def test_it_sends_anonymous_users_to_login(clients, group_a):
    document = make_document(group_a)

    for name in ("document_detail", "document_file"):
        assert clients["anonymous"].get(reverse(name, args=[document.pk]))["Location"].startswith(reverse("login"))
    data = form_data(group_a, upload(), kind=GroupDocument.Kind.SUMMARY)
    clients["anonymous"].post(reverse("document_create"), data)
    assert GroupDocument.objects.count() == 1


def test_it_explains_bad_input_and_keeps_what_was_typed(staff_client, group_a, settings):
    make_document(group_a, year=2025, kind=GroupDocument.Kind.PLAN)
    url = reverse("document_create")

    duplicate = staff_client.post(url, form_data(group_a, upload(), title="第二份计划"))
    assert_field_error(duplicate, "kind")
    assert "第二份计划" in duplicate.content.decode()

    forbidden = staff_client.post(url, form_data(group_a, upload("plan.exe"), kind="summary"))
    assert_field_error(forbidden, "file")

    limit, settings.UPLOAD_MAX_BYTES = settings.UPLOAD_MAX_BYTES, 10
    oversized = staff_client.post(url, form_data(group_a, upload(content=b"x" * 11), kind="summary"))
    assert oversized.status_code == 413 and "文件过大" in oversized.content.decode()  # stopped at the limit
    settings.UPLOAD_MAX_BYTES = limit

    no_file = staff_client.post(url, form_data(group_a, kind="summary"))
    assert_field_error(no_file, "file")

    bad_year = staff_client.post(url, form_data(group_a, upload(), kind="summary", year=1999))
    assert_field_error(bad_year, "year")

    missing = staff_client.post(url, form_data(group_a, upload(), kind="", title="", dated=""))
    for field in ("kind", "title", "dated"):
        assert_field_error(missing, field)

    assert GroupDocument.objects.count() == 1


def test_it_names_the_duplicate_clearly(staff_client, group_a):
    make_document(group_a, year=2025, kind=GroupDocument.Kind.SUMMARY)

    response = staff_client.post(reverse("document_create"), form_data(group_a, upload(), kind="summary"))

    message = response.context["form"].errors["kind"][0]
    assert str(group_a) in message and "2025" in message


def test_it_filters_the_list(staff_client, group_a, group_b):
    make_document(group_a, year=2025, kind="plan", title="民盟二五计划")
    make_document(group_a, year=2024, kind="summary", title="民盟二四总结")
    make_document(group_b, year=2025, kind="summary", title="医卫二五总结")

    def titles(**params) -> set[str]:
        response = staff_client.get(reverse("document_list"), params)
        return {row.record.title for row in response.context["rows"]}

    assert titles() == {"民盟二五计划", "民盟二四总结", "医卫二五总结"}
    assert titles(group=group_b.pk) == {"医卫二五总结"}
    assert titles(year=2024) == {"民盟二四总结"}
    assert titles(choice="summary") == {"民盟二四总结", "医卫二五总结"}
    assert titles(q="二五计划") == {"民盟二五计划"}


def test_it_lists_with_the_same_number_of_queries_for_3_or_20_rows(staff_client, group_a):
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert staff_client.get(reverse("document_list")).status_code == 200
        return len(queries)

    for year in range(2000, 2003):
        make_document(group_a, year=year, with_file=False)
    few = count_queries()
    for year in range(2003, 2020):
        make_document(group_a, year=year, with_file=False)
    assert count_queries() == few


def test_it_shows_the_change_history_after_an_edit(staff_client, group_a):
    document = make_document(group_a, title="初稿")
    staff_client.post(reverse("document_edit", args=[document.pk]), form_data(group_a, title="定稿"))

    response = staff_client.get(reverse("document_detail", args=[document.pk]))
    newest = response.context["history"][0]
    assert str(newest.who) == "staff"
    assert any(old == "初稿" and new == "定稿" for _label, old, new in newest.changes)


def test_it_refuses_a_future_date_or_a_date_outside_the_documents_year(staff_client, group_a):
    today = timezone.localdate()
    url = reverse("document_create")

    tomorrow = today + datetime.timedelta(days=1)
    future = staff_client.post(
        url, form_data(group_a, upload(), year=today.year, title="明天的计划", dated=tomorrow.isoformat())
    )
    assert_field_error(future, "dated")
    assert "该日期晚于今天。" in future.content.decode()
    assert "明天的计划" in future.content.decode()

    old_summary = staff_client.post(url, form_data(group_a, upload(), year=2023, kind="summary", dated="2025-01-05"))
    assert_field_error(old_summary, "dated")
    assert "2023年的年终总结，日期须在2023年或2024年。" in old_summary.content.decode()

    old_plan = staff_client.post(url, form_data(group_a, upload(), year=2023, kind="plan", dated="2021-12-20"))
    assert_field_error(old_plan, "dated")
    assert "2023年的工作计划，日期须在2022年至2024年之间。" in old_plan.content.decode()

    assert not GroupDocument.objects.exists()


def test_it_refuses_a_year_more_than_one_year_ahead(staff_client, group_a):
    today = timezone.localdate()

    response = staff_client.post(
        reverse("document_create"), form_data(group_a, upload(), year=today.year + 2, dated=today.isoformat())
    )

    assert_field_error(response, "year")
    assert "计划和总结最多只能提前一年登记。" in response.content.decode()
    assert str(today.year + 2) in response.content.decode()  # what was typed is kept
    assert not GroupDocument.objects.exists()


def test_it_accepts_a_summary_dated_early_next_year_and_next_years_plan(staff_client, group_a):
    today = timezone.localdate()
    summary = form_data(group_a, upload(), year=2024, kind="summary", title="2024年总结", dated="2025-01-10")
    plan = form_data(group_a, upload(), year=today.year + 1, kind="plan", title="明年计划", dated=today.isoformat())

    assert staff_client.post(reverse("document_create"), summary).status_code == 302
    assert staff_client.post(reverse("document_create"), plan).status_code == 302

    assert sorted(GroupDocument.objects.values_list("year", "kind")) == [(2024, "summary"), (today.year + 1, "plan")]
