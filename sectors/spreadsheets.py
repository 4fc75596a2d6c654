"""Excel workbooks the portal writes: one place for formula safety and the HTTP response.

Every spreadsheet the portal produces (list exports, scorecards, the dashboard,
import error reports) goes through `workbook_response` or `workbook_bytes`, so
that a value typed by a user can never run as a formula when staff open the
file: a text starting with = + - @ tab or carriage return is stored as text
with a leading apostrophe-free prefix (openpyxl's data type "s"), never as a
formula. Numbers, dates and booleans are written as what they are.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import quote

import tablib
from django.http import HttpResponse
from import_export.formats import base_formats
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_MAX_WIDTH = 60


def is_formula_like(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)


def safe_value(value: object) -> object:
    """A cell value that Excel will not evaluate: numbers, dates and booleans as
    they are, None as empty, anything else as text (str of lazy translations too)."""
    if value is None or isinstance(value, bool | int | float | Decimal | datetime.date | datetime.datetime):
        return value
    return str(value)


def _cell_write(cell: Cell, value: object) -> None:
    value = safe_value(value)
    cell.value = value
    if is_formula_like(value):
        # openpyxl treats a string starting with "=" as a formula; force text.
        cell.data_type = "s"
        cell.quotePrefix = True


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
    """The workbook as .xlsx bytes, every cell formula-safe."""
    book = Workbook(write_only=False)
    book.remove(book.active)
    for sheet in sheets:
        ws = book.create_sheet(title=_sheet_title(sheet.title))
        row_no = 1
        for line in sheet.caption:
            _cell_write(ws.cell(row=row_no, column=1), line)
            row_no += 1
        if sheet.caption:
            row_no += 1
        widths = [len(str(h)) * 2 + 2 for h in sheet.headers]
        for col, header in enumerate(sheet.headers, start=1):
            cell = ws.cell(row=row_no, column=col)
            _cell_write(cell, header)
            cell.font = Font(bold=True)
        ws.freeze_panes = ws.cell(row=row_no + 1, column=1)
        first_data_row = row_no + 1
        for values in sheet.rows:
            row_no += 1
            for col, value in enumerate(values, start=1):
                _cell_write(ws.cell(row=row_no, column=col), value)
                if col <= len(widths):
                    widths[col - 1] = max(widths[col - 1], min(_MAX_WIDTH, len(str(value or "")) * 2 + 2))
        for col, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(col)].width = min(_MAX_WIDTH, width)
        _format_as_text(ws, sheet, first=first_data_row, last=row_no)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _format_as_text(ws, sheet: Sheet, *, first: int, last: int) -> None:
    for col in sheet.text_columns:
        ws.column_dimensions[get_column_letter(col + 1)].number_format = "@"
        for row_no in range(first, last + 1):
            ws.cell(row=row_no, column=col + 1).number_format = "@"


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
