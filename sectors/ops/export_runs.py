"""A large export's progress page and its download, for the user who asked (sectors.ops.exports)."""

from __future__ import annotations

from urllib.parse import quote

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from portal import roles
from portal.access import portal_view
from portal.spreadsheets import XLSX_CONTENT_TYPE
from sectors.ops import exports

from ..models import ExportRun


def _own_run(request: HttpRequest, export_id: int) -> ExportRun:
    run = exports.export_for(user=request.user, export_id=export_id)
    if run is None:
        raise Http404
    return run


@portal_view(roles.ALL_ROLES)
def export_progress(request: HttpRequest, export_id: int) -> HttpResponse:
    """The run's state; htmx asks again every two seconds until the file is ready."""
    run = _own_run(request, export_id)
    template = "sectors/partials/export_status.html" if request.headers.get("HX-Request") else "sectors/export_run.html"
    return render(request, template, {"run": run, "busy": run.status in (run.Status.QUEUED, run.Status.RUNNING)})


@portal_view(roles.ALL_ROLES)
def export_download(request: HttpRequest, export_id: int) -> HttpResponse:
    run = _own_run(request, export_id)
    if run.status != ExportRun.Status.DONE or not exports.file_path(run).is_file():
        raise Http404
    response = FileResponse(exports.file_path(run).open("rb"), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(run.file_name)}"
    response["Cache-Control"] = "no-store"
    return response


urlpatterns = [
    path("exports/<int:export_id>/", export_progress, name="export_progress"),
    path("exports/<int:export_id>/download/", export_download, name="export_download"),
]
