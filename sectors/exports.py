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
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import clock, roles
from portal.spreadsheets import Sheet, workbook_response
from sectors.audit import events as audit
from sectors.models import Committee

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


def export_caption(*, request: HttpRequest, title: str, period: str, filters: str) -> list[str]:
    committee = (
        Committee.objects.filter(code=settings.PORTAL_COMMITTEE_CODE).values_list("name", flat=True).first() or ""
    )
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
    from sectors.export_jobs import in_background_if_large

    if count is None and isinstance(rows, QuerySet):
        count = rows.count()
    if count is not None and (queued := in_background_if_large(request, count)) is not None:
        return queued
    sheet = Sheet(
        title=title,
        headers=[column.header for column in columns],
        rows=([column.value(obj) for column in columns] for obj in _chunked(rows)),
        caption=export_caption(request=request, title=title, period=period, filters=filters),
    )
    stamp = clock.today().strftime("%Y%m%d")
    return workbook_response(f"{filename}-{stamp}.xlsx", [sheet])


def _chunked(rows: Iterable[object]) -> Iterable[object]:
    """A queryset read in chunks (prefetches per chunk): ten years of activities
    neither sit in memory at once nor make one IN (...) of 30,000 ids."""
    return rows.iterator(chunk_size=EXPORT_CHUNK) if isinstance(rows, QuerySet) else rows


def choice_labels(model_field) -> dict[object, str]:
    """A field's choices as {value: label}, translated once for a whole export."""
    return {value: str(label) for value, label in model_field.flatchoices}


def sees_personal_data(user) -> bool:
    return user.has_perm(roles.PERSONAL_DATA_PERM)


PERSONAL_FIELDS = ("id_card", "mobile")


def audit_personal_data(*, request: HttpRequest, people: QuerySet) -> None:
    """Called once at the entry point of an export that holds full ID-card or mobile
    numbers: recorded as a showing of personal data (whose, how many), as the admin
    export is. Nothing for users who get masked numbers, or when nobody has any."""
    if not sees_personal_data(request.user) or getattr(request, "portal_export_replay", False):
        return  # the worker's replay of a large export: audited when it was asked for
    names = {field.name for field in people.model._meta.fields}
    shown = Q()
    for name in PERSONAL_FIELDS:
        if name in names:
            shown |= ~Q(**{name: ""})
    everyone = people.model.objects.filter(pk__in=people.values("pk"))
    audit.record_personal_data(request=request, people=everyone.filter(shown).only("pk"))


def year_period(year: int | None) -> str:
    return _("the year %(year)s") % {"year": year} if year else ""
