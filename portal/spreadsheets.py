"""Excel workbooks the portal writes: one place for formula safety and the HTTP response.

Every spreadsheet the portal produces (list exports, scorecards, the dashboard,
import error reports) goes through `workbook_response` or `workbook_bytes`, so
that a value typed by a user can never run as a formula when staff open the
file: a text starting with = + - @ tab or carriage return is stored as text
(a shared string, data type "s"), never as a formula. Numbers, dates and
booleans are written as what they are. XlsxWriter writes them, streaming
(`workbook_bytes`).
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import quote

import tablib
import xlsxwriter
from django.http import HttpResponse
from import_export.formats import base_formats

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_MAX_WIDTH = 60
_BOOK_OPTIONS = {
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
    "default_date_format": "yyyy-mm-dd",
    "remove_timezone": True,
}


def is_formula_like(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)


def safe_value(value: object) -> object:
    """A cell value that Excel will not evaluate: numbers, dates and booleans as
    they are, None as empty, anything else as text (str of lazy translations too)."""
    if value is None or isinstance(value, bool | int | float | Decimal | datetime.date | datetime.datetime):
        return value
    return str(value)


@dataclass
class Sheet:
    """One worksheet: a title, optional lines above the table (period, filters),
    a header row and data rows."""

    title: str
    headers: Sequence[object]
    rows: Iterable[Sequence[object]]
    caption: Sequence[str] = field(default_factory=list)
    # Columns (0-based) formatted as text, the data cells and the column itself (rows added by
    # hand), so that Excel keeps an ID-card or mobile number typed into them as it is.
    text_columns: Sequence[int] = ()


def workbook_bytes(sheets: Sequence[Sheet]) -> bytes:
    """The workbook as .xlsx bytes, every cell formula-safe.

    Written by XlsxWriter in `constant_memory` mode: rows stream to a temporary file
    as they come, so a sheet's rows may be a generator over a queryset's iterator and
    never sit in memory at once (bench/README.md: a year's activity export took 45 %
    less CPU than openpyxl's workbook, and openpyxl's `write_only` saved almost nothing).
    Text is never read as a formula, a number or a link (`strings_to_*` off): a value
    typed by a user stays the text it was."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, _BOOK_OPTIONS)
    bold = book.add_format({"bold": True})
    text = book.add_format({"num_format": "@"})
    for sheet in sheets:
        _sheet_write(book.add_worksheet(_sheet_title(sheet.title)), sheet, bold, text)
    book.close()
    return buffer.getvalue()


def _sheet_write(ws, sheet: Sheet, bold, text) -> None:
    row_no = 0
    for line in sheet.caption:
        ws.write_string(row_no, 0, str(line))
        row_no += 1
    if sheet.caption:
        row_no += 1
    widths = [len(str(h)) * 2 + 2 for h in sheet.headers]
    ws.write_row(row_no, 0, [str(header) for header in sheet.headers], bold)
    ws.freeze_panes(row_no + 1, 0)
    columns = len(widths)
    for values in sheet.rows:
        row_no += 1
        values = [safe_value(value) for value in values]
        ws.write_row(row_no, 0, values)
        for col in sheet.text_columns:  # ID-card and mobile numbers stay text (also rows typed in later)
            if col < len(values) and values[col] not in (None, ""):
                ws.write_string(row_no, col, str(values[col]), text)
        for col, value in enumerate(values[:columns]):
            if isinstance(value, str) and len(value) * 2 + 2 > widths[col]:
                widths[col] = min(_MAX_WIDTH, len(value) * 2 + 2)
    for col, width in enumerate(widths):
        ws.set_column(col, col, max(min(_MAX_WIDTH, width), 10), text if col in sheet.text_columns else None)


def workbook_response(filename: str, sheets: Sequence[Sheet]) -> HttpResponse:
    """An .xlsx download (`filename` may be Chinese), never cached by proxies or browsers."""
    response = HttpResponse(workbook_bytes(sheets), content_type=XLSX_CONTENT_TYPE)
    if not filename.endswith(".xlsx"):
        filename += ".xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    response["Cache-Control"] = "no-store"
    return response


def _sheet_title(title: str) -> str:
    # Excel forbids []:*?/\ in sheet names and allows 31 characters.
    cleaned = "".join("_" if ch in "[]:*?/\\" else ch for ch in str(title))
    return cleaned[:31] or "Sheet"


# --- Admin exports (django-import-export) ----------------------------------------
# import-export's own IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT (on in settings, as a
# backstop) only strips a leading "=" and turns every value into text. The admin's
# formats below keep the values and make them safe the portal's way.


def csv_safe(value: object) -> object:
    """A CSV cell Excel will not evaluate: formula-like text gets a leading apostrophe
    (Excel shows the text; the apostrophe is the usual CSV-injection guard)."""
    return f"'{value}" if is_formula_like(value) else value


class SafeXLSX(base_formats.XLSX):
    """Admin .xlsx exports written by workbook_bytes: formula-like text stays text."""

    def export_data(self, dataset, **kwargs) -> bytes:
        return workbook_bytes([Sheet(title=dataset.title or "export", headers=dataset.headers or [], rows=dataset)])


class SafeCSV(base_formats.CSV):
    """Admin .csv exports with every formula-like cell neutralised."""

    def export_data(self, dataset, **kwargs):
        safe = tablib.Dataset(*[[csv_safe(value) for value in row] for row in dataset], headers=dataset.headers)
        return super().export_data(safe, **kwargs)


SAFE_EXPORT_FORMATS = [SafeXLSX, SafeCSV]
