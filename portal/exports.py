"""Export what you see: any portal list as an Excel download, through portal.spreadsheets.

A list's export view builds the same filtered, scoped queryset its page shows
and hands it here with the columns: `list_export` adds the caption (the
committee, the list, the period, the filters in force, who exported it and
when) and writes the workbook, every cell formula-safe. Personal data is
masked by the caller's columns (the models' `masked_*`) for users without
`roles.PERSONAL_DATA_PERM`, exactly as on the page.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from portal import clock, roles
from portal.spreadsheets import Sheet, workbook_response

EXPORT_CHUNK = 2000


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[object], object]


def filter_description(form: forms.Form | None, skip: Iterable[str] = ()) -> str:
    """The filters in force as people read them: "界别: 民盟；年份: 2025" (empty: none)."""
    if form is None or not form.is_bound:
        return ""
    form.is_valid()
    parts = []
    for name, value in getattr(form, "cleaned_data", {}).items():
        if name in skip or value in (None, "", [], False):
            continue
        field = form.fields[name]
        if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
            value = dict(field.choices).get(value, value)
        elif isinstance(value, datetime.date):
            value = value.strftime("%Y-%m")
        parts.append(_("%(label)s: %(value)s") % {"label": field.label, "value": value})
    return _("; ").join(parts)


def export_caption(*, request: HttpRequest, committee: str, title: str, period: str, filters: str) -> list[str]:
    """The caption rows above an export's header; `committee` is the committee's name."""
    exported = timezone.localtime().isoformat(timespec="minutes")  # 2026-12-04T22:13+08:00
    return [
        f"{committee} · {title}".strip(" ·"),
        _("Period: %(period)s") % {"period": period or _("all years")},
        _("Filters: %(filters)s") % {"filters": filters or _("none")},
        _("Exported by %(user)s on %(when)s (portal date %(today)s)")
        % {"user": request.user, "when": exported, "today": clock.today().isoformat()},
    ]


def list_export(
    *,
    request: HttpRequest,
    committee: str,
    title: str,
    filename: str,
    columns: Sequence[Column],
    rows: Iterable[object],
    period: str = "",
    filters: str = "",
    count: int | None = None,
) -> HttpResponse:
    """The workbook of one list: caption, header row, one row per object. A list of more
    than EXPORT_INLINE_ROWS rows (`count`, else the queryset's) goes to the worker."""
    if count is None and isinstance(rows, QuerySet):
        count = rows.count()
    if count is not None and (queued := in_background(request, count)) is not None:
        return queued
    sheet = Sheet(
        title=title,
        headers=[column.header for column in columns],
        rows=([column.value(obj) for column in columns] for obj in _chunked(rows)),
        caption=export_caption(request=request, committee=committee, title=title, period=period, filters=filters),
    )
    stamp = clock.today().strftime("%Y%m%d")
    return workbook_response(f"{filename}-{stamp}.xlsx", [sheet])


def in_background(request: HttpRequest, rows: int) -> HttpResponse | None:
    """The project's answer to a large export (settings.EXPORT_BACKGROUND, a dotted path:
    the worker's export runs), or None to write it in this request."""
    path = getattr(settings, "EXPORT_BACKGROUND", "")
    return import_string(path)(request, rows) if path else None


def _chunked(rows: Iterable[object]) -> Iterable[object]:
    """A queryset read in chunks (prefetches per chunk): ten years of activities
    neither sit in memory at once nor make one IN (...) of 30,000 ids."""
    return rows.iterator(chunk_size=EXPORT_CHUNK) if isinstance(rows, QuerySet) else rows


def choice_labels(model_field) -> dict[object, str]:
    """A field's choices as {value: label}, translated once for a whole export."""
    return {value: str(label) for value, label in model_field.flatchoices}


def sees_personal_data(user) -> bool:
    return user.has_perm(roles.PERSONAL_DATA_PERM)


def year_period(year: int | None) -> str:
    return _("the year %(year)s") % {"year": year} if year else ""
