"""Large exports run on the worker (sectors.ops.exports): the request answers a progress page,
or straight the download when Celery ran the task eagerly (no Redis); the file is the asking
user's alone, expires, and a personal-data export is audited once."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from portal import roles
from sectors.models import AuditEvent, ExportRun
from sectors.ops import exports as export_jobs

from .factories import make_activity, make_member, valid_id_card


def _workbook(response) -> openpyxl.Workbook:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return openpyxl.load_workbook(io.BytesIO(content))


# Without Redis (bin/run, the SQLite run) Celery runs the task in the request; the
# PostgreSQL run has REDIS_URL, so each test says which case it is.
pytestmark = pytest.mark.usefixtures("eager_worker")


@pytest.fixture
def activities(group_a):
    return [make_activity([group_a], date=datetime.date(2025, 3, 1) + datetime.timedelta(days=n)) for n in range(6)]


def test_a_small_export_is_written_in_the_request(clients, activities, settings):
    settings.EXPORT_INLINE_ROWS = 10
    response = clients[roles.STAFF].get(reverse("activity_export"), {"year": 2025})
    assert response.status_code == 200 and not ExportRun.objects.exists()
    assert _workbook(response).active.max_row >= 6


def test_a_large_export_goes_to_the_worker_and_then_straight_to_the_download(clients, users, activities, settings):
    settings.EXPORT_INLINE_ROWS = 3  # Celery runs eagerly here (no Redis): the file is ready at once
    response = clients[roles.STAFF].get(reverse("activity_export"), {"year": 2025})
    run = ExportRun.objects.get()
    assert (run.user, run.rows, run.status, run.query) == (users[roles.STAFF], 6, "done", "year=2025")
    assert response.status_code == 302 and response["Location"] == reverse("export_download", args=[run.pk])
    download = clients[roles.STAFF].get(response["Location"])
    titles = {row[2] for row in _workbook(download).active.iter_rows(values_only=True)}
    assert {activity.title for activity in activities} <= titles
    assert "attachment" in download["Content-Disposition"] and run.file_name.endswith(".xlsx")


def test_with_a_worker_the_request_answers_the_progress_page_and_queues_the_task(
    clients, users, activities, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_INLINE_ROWS = 3
    settings.CELERY_TASK_ALWAYS_EAGER = False  # Redis is configured: a worker takes the task
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = clients[roles.STAFF].get(reverse("activity_export"), {"year": 2025})
    run = ExportRun.objects.get()
    assert len(queued) == 1 and run.status == "queued"
    assert response.status_code == 302 and response["Location"] == reverse("export_progress", args=[run.pk])
    export_jobs.run_export(run_id=run.pk)  # what the worker does
    assert clients[roles.STAFF].get(reverse("export_download", args=[run.pk])).status_code == 200


def test_the_progress_page_polls_until_the_file_is_ready(clients, users, settings):
    run = ExportRun.objects.create(user=users[roles.STAFF], path=reverse("activity_export"), rows=9000)
    page = clients[roles.STAFF].get(reverse("export_progress", args=[run.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in page and "export_download" not in page
    assert clients[roles.STAFF].get(reverse("export_download", args=[run.pk])).status_code == 404
    export_jobs.run_export(run_id=run.pk)
    fragment = clients[roles.STAFF].get(reverse("export_progress", args=[run.pk]), headers={"HX-Request": "true"})
    html = fragment.content.decode()
    assert "every 2s" not in html and reverse("export_download", args=[run.pk]) in html and "<html" not in html
    assert clients[roles.STAFF].get(reverse("export_download", args=[run.pk])).status_code == 200
    assert export_jobs.run_export(run_id=run.pk).status == "done"  # a second delivery does nothing


def test_the_file_is_the_asking_users_alone(clients, users, activities, settings):
    settings.EXPORT_INLINE_ROWS = 3
    clients[roles.STAFF].get(reverse("activity_export"), {"year": 2025})
    run = ExportRun.objects.get()
    for role in (roles.ADMIN, roles.CHAIRMAN, roles.LEADER):
        assert clients[role].get(reverse("export_download", args=[run.pk])).status_code == 404
        assert clients[role].get(reverse("export_progress", args=[run.pk])).status_code == 404
    assert clients["anonymous"].get(reverse("export_download", args=[run.pk])).status_code == 302


def test_the_replay_keeps_the_askers_scope(clients, users, group_a, group_b, settings):
    settings.EXPORT_INLINE_ROWS = 1
    make_activity([group_a], title="本组活动一")
    make_activity([group_a], title="本组活动二")
    make_activity([group_b], title="他组活动")
    response = clients[roles.LEADER].get(reverse("activity_export"))
    titles = {
        row[2] for row in _workbook(clients[roles.LEADER].get(response["Location"])).active.iter_rows(values_only=True)
    }
    assert {"本组活动一", "本组活动二"} <= titles and "他组活动" not in titles


def test_a_failed_export_says_so(clients, users):
    run = ExportRun.objects.create(user=users[roles.STAFF], path="/no/such/export/", rows=9000)
    assert export_jobs.run_export(run_id=run.pk).status == "failed"
    page = clients[roles.STAFF].get(reverse("export_progress", args=[run.pk])).content.decode()
    assert "alert-danger" in page and "every 2s" not in page


def test_files_expire_and_are_deleted(clients, users, activities, settings):
    settings.EXPORT_INLINE_ROWS = 3
    clients[roles.STAFF].get(reverse("activity_export"), {"year": 2025})
    run = ExportRun.objects.get()
    stored = export_jobs.file_path(run)
    assert stored.is_file()
    ExportRun.objects.filter(pk=run.pk).update(created_at=timezone.now() - datetime.timedelta(hours=25))
    assert clients[roles.STAFF].get(reverse("export_download", args=[run.pk])).status_code == 404
    assert export_jobs.clean_expired() == 1 and not stored.exists() and not ExportRun.objects.exists()


def test_a_large_personal_data_export_is_audited_once_by_the_request(clients, users, group_a, settings):
    settings.EXPORT_INLINE_ROWS = 2
    for n in range(4):
        make_member(group_a, f"有号码{n}", id_card=valid_id_card(serial=f"{n:03d}"), mobile=f"1391234567{n}")
    response = clients[roles.STAFF].get(reverse("member_export"))
    assert response.status_code == 302 and ExportRun.objects.get().status == "done"
    events = AuditEvent.objects.filter(action=AuditEvent.Action.PERSONAL_DATA)
    assert events.count() == 1 and events.get().count == 4
    sheet = _workbook(clients[roles.STAFF].get(response["Location"])).active
    assert any("13912345670" in str(cell) for row in sheet.iter_rows(values_only=True) for cell in row)


def test_a_long_audit_trail_export_goes_to_the_worker(clients, users, activities, settings):
    settings.EXPORT_INLINE_ROWS = 2
    response = clients[roles.ADMIN].get(reverse("audit_log"), {"format": "xlsx"})
    assert response.status_code == 302 and ExportRun.objects.get().status == "done"
    assert clients[roles.ADMIN].get(response["Location"]).status_code == 200
