"""Import pages, outside Django admin: choose a sheet, upload it, read the
preview, confirm, read the result and download the rejected rows.

Administrators import members; staff and administrators import workstations
and activities. Group leaders and the chairman are refused.
"""

from __future__ import annotations

import datetime
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from portal import clock, roles
from portal.access import portal_view
from portal.importing import cells
from portal.importing.registry import importer_for, importers
from portal.spreadsheets import XLSX_CONTENT_TYPE, Sheet, workbook_response
from sectors.audit import events as audit
from sectors.importers import runs
from sectors.importers.members import score_effects
from sectors.importers.templates import template_bytes
from sectors.models import RECORDS_BEGIN, ImportRun, committee_for_portal

IMPORTERS_ROLES = frozenset({roles.STAFF, roles.ADMIN})
REJECTIONS_SHOWN = 500


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Spreadsheet"),
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".xlsx,.xls,.et,.ods,.csv"}),
    )


def _joining_date_field(**kwargs) -> forms.DateField:
    return forms.DateField(
        label=gettext_lazy("New members without a joining date join their group on"),
        required=False,
        validators=[_not_before_records, _not_in_future],
        **kwargs,
    )


def _not_before_records(value) -> None:
    if value < RECORDS_BEGIN:
        raise forms.ValidationError(_("The portal's records begin on %(day)s.") % {"day": RECORDS_BEGIN})


def _not_in_future(value) -> None:
    if value > clock.today():
        raise forms.ValidationError(_("This date is in the future."))


class ConfirmForm(forms.Form):
    all_or_nothing = forms.BooleanField(
        label=gettext_lazy("Import nothing if any row is rejected"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    default_joined_on = _joining_date_field(widget=forms.HiddenInput)


class JoiningDateForm(forms.Form):
    """The member import's preview: the joining date of new members the file gives none."""

    joined_on = _joining_date_field(
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d")
    )

    def chosen(self) -> datetime.date:
        if self.is_bound and self.is_valid() and self.cleaned_data["joined_on"]:
            return self.cleaned_data["joined_on"]
        return clock.today()


def _importer_or_404(request: HttpRequest, kind: str):
    importer = importer_for(kind)
    if importer is None:
        raise Http404
    if roles.role_of(request.user) not in importer.roles:
        raise PermissionDenied
    return importer


def _run_or_404(request: HttpRequest, run_id: int) -> ImportRun:
    run = get_object_or_404(ImportRun, pk=run_id)
    _importer_or_404(request, run.kind)
    return run


@portal_view(IMPORTERS_ROLES)
def import_index(request: HttpRequest) -> HttpResponse:
    role = roles.role_of(request.user)
    allowed = [importer for importer in importers() if role in importer.roles]
    recent = ImportRun.objects.filter(kind__in=[i.kind for i in allowed]).select_related("user")[:20]
    return render(request, "sectors/import_index.html", {"importers": allowed, "recent": recent})


@portal_view(IMPORTERS_ROLES, write=True)
def import_upload(request: HttpRequest, kind: str) -> HttpResponse:
    importer = _importer_or_404(request, kind)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            runs.check_upload(name=upload.name, size=upload.size)
        except runs.ImportRefused as refusal:
            form.add_error("file", str(refusal))
        else:
            run = runs.run_start(kind=kind, user=request.user, name=upload.name, chunks=upload.chunks())
            runs.dispatch(run, "preview")
            return redirect("import_run", run_id=run.pk)
    recent = ImportRun.objects.filter(kind=kind).select_related("user")[:10]
    columns = [(column, column.key in importer.template_keys) for column in importer.columns]
    context = {"importer": importer, "form": form, "recent": recent, "columns": columns, "kind": kind}
    return render(request, "sectors/import_upload.html", context)


@portal_view(IMPORTERS_ROLES)
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    importer = _importer_or_404(request, kind)
    response = HttpResponse(template_bytes(importer, committee_for_portal()), content_type=XLSX_CONTENT_TYPE)
    filename = _("%(kind)s import template") % {"kind": importer.label}
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}.xlsx"
    response["Cache-Control"] = "no-store"
    return response


@portal_view(IMPORTERS_ROLES)
def import_run(request: HttpRequest, run_id: int) -> HttpResponse:
    run = _run_or_404(request, run_id)
    done, total = runs.progress_of(run)
    rejections = run.report.get("rejections", [])
    context = {
        "run": run,
        "importer": importer_for(run.kind),
        "confirm_form": ConfirmForm(),
        "rejections": rejections[:REJECTIONS_SHOWN],
        "more_rejections": max(0, len(rejections) - REJECTIONS_SHOWN),
        "unknown": run.report.get("unknown", []),
        "progress": {"done": done, "total": total, "percent": int(100 * done / total) if total else 0},
        "waiting_minutes": runs.waiting_minutes(run),
    }
    if run.kind == ImportRun.Kind.MEMBERS and run.status == ImportRun.Status.PREVIEWED:
        context.update(_joining_context(request, run))
    response = render(request, "sectors/import_run.html", context)
    response["Cache-Control"] = "no-store"
    return response


def _joining_context(request: HttpRequest, run: ImportRun) -> dict:
    """The joining date chosen on the preview, and each group's score now and after."""
    form = JoiningDateForm(request.GET or None, initial={"joined_on": clock.today()})
    chosen = form.chosen()
    moves = run.report.get("moves", [])
    return {
        "joining_form": form,
        "confirm_form": ConfirmForm(initial={"default_joined_on": chosen}),
        "joined_on": chosen,
        "new_without_date": sum(1 for member_id, *_rest, on in moves if member_id is None and not on),
        "score_effects": score_effects(committee_id=committee_for_portal().pk, moves=moves, default_joined_on=chosen),
    }


@portal_view(IMPORTERS_ROLES, write=True)
@require_POST
def import_confirm(request: HttpRequest, run_id: int) -> HttpResponse:
    run = _run_or_404(request, run_id)
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(error for errors in form.errors.values() for error in errors))
        return redirect("import_run", run_id=run.pk)
    data = form.cleaned_data
    if runs.run_confirm(run=run, all_or_nothing=data["all_or_nothing"], default_joined_on=data["default_joined_on"]):
        run.refresh_from_db()
        runs.dispatch(run, "write")
    else:
        messages.info(request, _("This import has already been confirmed or has ended."))
    return redirect("import_run", run_id=run.pk)


@portal_view(IMPORTERS_ROLES, write=True)
@require_POST
def import_cancel(request: HttpRequest, run_id: int) -> HttpResponse:
    run = _run_or_404(request, run_id)
    runs.run_cancel(run=run)
    return redirect("import_upload", kind=run.kind)


@portal_view(IMPORTERS_ROLES)
def import_errors(request: HttpRequest, run_id: int) -> HttpResponse:
    """The rejected rows as uploaded, with a reason column: fix them and upload this file again."""
    run = _run_or_404(request, run_id)
    report = run.report
    reasons: dict[str, list[str]] = {}
    for row, column, reason in report.get("rejections", []):
        reasons.setdefault(str(row), []).append(f"{column}：{reason}" if column else reason)
    headers = report.get("headers", [])
    rows = [
        [*(values + [""] * len(headers))[: len(headers)], "；".join(reasons.get(number, []))]
        for number, values in report.get("rejected_rows", {}).items()
    ]
    text = _text_headers(run.kind)
    text_columns = [number for number, header in enumerate(headers) if cells.header(header) in text]
    headers = [*headers, "错误原因"]
    if rows and not report.get("masked"):
        # Until the run ends the rows keep the uploaded ID-card and mobile numbers.
        audit.record(
            action=audit.Action.PERSONAL_DATA,
            request=request,
            model=ImportRun,
            object_id=run.pk,
            count=len(rows),
            detail=",".join(report.get("rejected_rows", {})),
        )
    filename = _("Rejected rows of %(file)s") % {"file": run.file_name.rsplit(".", 1)[0]}
    sheet = Sheet(title=str(run.get_kind_display()), headers=headers, rows=rows, text_columns=text_columns)
    return workbook_response(filename, [sheet])


def _text_headers(kind: str) -> set[str]:
    """The headers of the columns the template formats as text (ID-card and mobile numbers), as read."""
    importer = importer_for(kind)
    if importer is None:
        return set()
    return {cells.header(name) for key in importer.template_text_keys for name in importer.column(key).headers}


urlpatterns = [
    path("imports/", import_index, name="import_index"),
    path("imports/runs/<int:run_id>/", import_run, name="import_run"),
    path("imports/runs/<int:run_id>/confirm/", import_confirm, name="import_confirm"),
    path("imports/runs/<int:run_id>/cancel/", import_cancel, name="import_cancel"),
    path("imports/runs/<int:run_id>/errors/", import_errors, name="import_errors"),
    path("imports/<slug:kind>/", import_upload, name="import_upload"),
    path("imports/<slug:kind>/template/", import_template, name="import_template"),
]
