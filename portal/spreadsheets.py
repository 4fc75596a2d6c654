"""Excel workbooks the portal writes: one place for formula safety and the HTTP response.

Every spreadsheet the portal produces (list exports, scorecards, the dashboard,
import error reports) goes through `workbook_response` or `workbook_bytes`, so
that a value typed by a user can never run as a formula when staff open the
file: a text starting with = + - @ tab or carriage return is stored as text
(a string cell, data type "s"), never as a formula. Numbers, dates and
booleans are written as what they are. rust_xlsxwriter writes them, streaming
(`workbook_bytes`).
"""

from __future__ import annotations

import datetime
import io
import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import quote

import rustpy_xlsxwriter
import tablib
from django.http import HttpResponse
from django.utils import timezone
from import_export.formats import base_formats
from openpyxl.utils import get_column_letter

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_MAX_WIDTH = 60
_MIN_WIDTH = 10
_MAX_TEXT = 32_767  # Excel's limit for one cell; XlsxWriter cut longer texts the same way
_DATE_FORMAT = "yyyy-mm-dd"
_WIDTH_SAMPLE = 500  # the column widths are measured on a sheet's first rows
_NUMBERS = frozenset({bool, float})  # written as they are (exact classes)
_EXACT = 2**53  # a larger integer loses digits as a number (an ID-card number): written as text
_FIRST_YEAR = 1900  # Excel holds no earlier date


def is_formula_like(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)


@dataclass
class Sheet:
    """One worksheet: a title, optional lines above the table (period, filters),
    a header row and data rows, a value per header. A header given twice gets " (2)"; a
    row longer than the headers within the first 500 rows adds columns named by their
    letter (a longer row after them is cut); the column widths are measured on those rows."""

    title: str
    headers: Sequence[object]
    rows: Iterable[Sequence[object]]
    caption: Sequence[str] = field(default_factory=list)
    # Columns (0-based) formatted as text, the data cells and the column itself (rows added by
    # hand), so that Excel keeps an ID-card or mobile number typed into them as it is.
    text_columns: Sequence[int] = ()


def workbook_bytes(sheets: Sequence[Sheet]) -> bytes:
    """The workbook as .xlsx bytes, every cell formula-safe.

    Written by rustpy-xlsxwriter (Python bindings of rust_xlsxwriter, the Rust port of
    XlsxWriter): a sheet's rows may be a generator over a queryset's iterator. A text is
    always written as a text cell, never as a formula, a number or a link. A year's
    activity export costs a third of XlsxWriter's CPU (bench/README.md)."""
    buffer = io.BytesIO()
    book = _Book()
    for sheet in sheets:
        book.add(sheet)
    rustpy_xlsxwriter.write_worksheets(
        book.entries, buffer, autofit=False, bold_headers=True, datetime_format=_DATE_FORMAT, **book.options
    )
    return buffer.getvalue()


class _Book:
    """The sheets and their options, keyed by sheet name as write_worksheets takes them."""

    def __init__(self) -> None:
        self.entries: list[tuple[str, Iterable[dict]]] = []
        self.options: dict[str, dict] = {
            key: {} for key in ("header_row", "merge_ranges", "freeze_panes", "column_widths", "column_formats")
        }

    def add(self, sheet: Sheet) -> None:
        name = _sheet_title(sheet.title, taken=[entry[0] for entry in self.entries])
        rows = iter(sheet.rows)
        head = [tuple(row) for row in itertools.islice(rows, _WIDTH_SAMPLE)]
        keys = _header_keys(sheet.headers, max([len(sheet.headers), *map(len, head)]))
        records = _records(keys, itertools.chain(head, rows), sheet.text_columns)
        sample = list(itertools.islice(records, _WIDTH_SAMPLE))
        header_row = len(sheet.caption) + 1 if sheet.caption else 0
        span = max(len(keys), 2) - 1  # a caption line spans the table (a merge needs two cells)
        text = rustpy_xlsxwriter.Format().set_num_format("@")
        captions = [(row, 0, row, span, _text(line)[:_MAX_TEXT]) for row, line in enumerate(sheet.caption)]
        # The library takes the header from the first record: an empty sheet gets one empty row.
        self.entries.append((name, itertools.chain(sample, records) if sample else [dict.fromkeys(keys)]))
        self.options["header_row"][name] = header_row
        self.options["merge_ranges"][name] = captions
        self.options["freeze_panes"][name] = {"row": header_row + 1, "col": 0}
        self.options["column_widths"][name] = _widths(keys, sample)
        self.options["column_formats"][name] = [text if col in sheet.text_columns else None for col in range(len(keys))]


def _header_keys(headers: Sequence[object], width: int) -> list[str]:
    """The header texts, each once (a record is a dict keyed by its header); a column
    without a header (a row longer than the headers) is named by its letter."""
    keys: list[str] = []
    for col in range(width):
        base = _text(headers[col])[:_MAX_TEXT] if col < len(headers) else get_column_letter(col + 1)
        keys.append(_numbered(base, keys.__contains__, _MAX_TEXT))
    return keys


def _numbered(name: str, taken: Callable[[str], bool], limit: int) -> str:
    """`name`, else `name (2)`, `name (3)`… cut to `limit` characters: the first not taken."""
    candidate, number = name, 1
    while taken(candidate):
        number += 1
        suffix = f" ({number})"
        candidate = name[: limit - len(suffix)] + suffix
    return candidate


def _records(keys: list[str], rows: Iterable[Sequence[object]], text_columns: Sequence[int]) -> Iterator[dict]:
    """Each row as a record of every column (a short row's last cells empty). A column keeps
    the kind of its first value, date, date and time, or number: the library formats a whole
    column by the dates in it, so another kind's value in it is written as text."""
    width = len(keys)
    text = frozenset(col for col in text_columns if col < width)
    kinds: list[type | None] = [None] * width
    for values in rows:
        cells: list[object] = [None] * width
        for col, value in enumerate(values):
            if col >= width:
                break
            if col in text:  # ID-card and mobile numbers stay text (also rows typed in later)
                cells[col] = None if value is None or value == "" else _text(value)[:_MAX_TEXT]
                continue
            value = _cell(value)
            cls = value.__class__
            if value is not None and cls is not str:
                kind = cls if cls is datetime.date or cls is datetime.datetime else float
                if kinds[col] is None:
                    kinds[col] = kind
                elif kinds[col] is not kind:
                    value = str(value)
            cells[col] = value
        yield dict(zip(keys, cells, strict=True))


def _cell(value: object) -> object:
    """One value as written: numbers, dates and booleans as they are (an aware time in the
    portal's time zone, as on the page), None and "" as an empty cell, anything else as
    text (lazy translations, safe strings), cut at Excel's limit. What Excel cannot hold
    as a number or a date is written as its text: a date before 1900, an integer that
    would lose digits, a decimal out of range."""
    cls = value.__class__
    if cls is str:
        return value[:_MAX_TEXT] if value else None
    if cls is int:
        return value if -_EXACT <= value <= _EXACT else str(value)
    if cls in _NUMBERS or value is None:
        return value
    if isinstance(value, datetime.date):
        return _date_cell(value)
    if isinstance(value, Decimal | int | float):
        return _number_cell(value)
    return _cell(_text(value))


def _date_cell(value: datetime.date) -> object:
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = timezone.localtime(value)
        value = datetime.datetime.combine(value.date(), value.time())  # naive, exact class
    elif value.__class__ is not datetime.date:
        value = datetime.date(value.year, value.month, value.day)
    return value if value.year >= _FIRST_YEAR else value.isoformat()


def _number_cell(value: Decimal | int | float) -> object:
    if isinstance(value, int):  # an IntegerChoices member, say (bool has no subclass)
        return _cell(int(value))
    try:
        return float(value)
    except (OverflowError, ValueError):  # a signalling NaN
        return str(value)


def _text(value: object) -> str:
    text = str(value)
    return text if text.__class__ is str else str.__str__(text)  # a str subclass as plain str


def _widths(keys: list[str], sample: list[dict]) -> list[float]:
    widths = [len(key) * 2 + 2 for key in keys]
    for record in sample:
        for col, value in enumerate(record.values()):
            if value.__class__ is str and len(value) * 2 + 2 > widths[col]:
                widths[col] = len(value) * 2 + 2
    return [max(min(_MAX_WIDTH, width), _MIN_WIDTH) for width in widths]


def workbook_response(filename: str, sheets: Sequence[Sheet]) -> HttpResponse:
    """An .xlsx download (`filename` may be Chinese), never cached by proxies or browsers."""
    response = HttpResponse(workbook_bytes(sheets), content_type=XLSX_CONTENT_TYPE)
    if not filename.endswith(".xlsx"):
        filename += ".xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    response["Cache-Control"] = "no-store"
    return response


def _sheet_title(title: str, taken: Sequence[str] = ()) -> str:
    """A name Excel accepts, unlike the workbook's other sheets' (compared without case):
    no []:*?/\\, no quote at either end, at most 31 characters."""
    cleaned = "".join("_" if ch in "[]:*?/\\" else ch for ch in str(title)).strip("'")[:31].rstrip("'") or "Sheet"
    used = {other.casefold() for other in taken}
    return _numbered(cleaned, lambda name: name.casefold() in used, 31)


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
