"""What an uploaded file is, whether it is safe to open, and its rows.

The file's name is never trusted: the first bytes say whether it is a zip
(.xlsx, .ods), an OLE2 compound file (.xls, or any encrypted Office file), a
web page saved as .xls, or text (.csv). Before python-calamine opens a
workbook, the limits are checked on what the file declares: a zip's entries'
uncompressed sizes and ratios (a zip bomb is refused before it is inflated),
and each sheet's furthest cell (a sheet that claims a million rows or a cell
at XFD1048576 would make the reader allocate the whole rectangle).

Every refusal is an `UnreadableFile` with a Chinese message for the person
who uploaded it; nothing about the file's content goes to a log.
"""

from __future__ import annotations

import csv
import io
import re
import struct
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"

# Limits: far above any real roster or ten years of activity sheets, far below
# what would hurt the server. Settings may lower them (tests do).
MAX_ROWS = 60_000
MAX_COLUMNS = 200
MAX_CELLS = 3_000_000
MAX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_RATIO = 150


class UnreadableFile(Exception):
    """The file cannot be imported; the message says why, in the user's language."""


@dataclass
class RawSheet:
    """The first sheet's rows as Python values (str, int, float, date, datetime, bool, None)."""

    rows: list[list[object]]
    file_type: str
    date1904: bool = False


def limit(name: str, default: int) -> int:
    return int(getattr(settings, f"IMPORT_{name}", default))


def read_sheet(data: bytes, filename: str = "") -> RawSheet:
    """The rows of the file's first sheet, after checking what the file is."""
    if not data or not data.strip():
        raise UnreadableFile(_("The file is empty."))
    if data.startswith(ZIP_MAGIC):
        return _read_zip(data)
    if data.startswith(OLE2_MAGIC):
        return _read_ole2(data)
    if _looks_like_html(data):
        raise UnreadableFile(
            _(
                "This file is a web page saved with a spreadsheet's name, not a workbook. "
                "Open it in Excel or WPS and save it as an Excel workbook (.xlsx), then upload that."
            )
        )
    return _read_csv(data)


# --- zip containers: .xlsx and .ods --------------------------------------------------------


def _read_zip(data: bytes) -> RawSheet:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, struct.error):
        raise UnreadableFile(_("The file is damaged: it cannot be opened as a workbook.")) from None
    _check_zip_sizes(entries, len(data))
    names = {entry.filename for entry in entries}
    if "xl/workbook.xml" in names:
        date1904 = _xlsx_checks(archive, names)
        return RawSheet(_calamine_rows(data), "xlsx", date1904)
    if "content.xml" in names and _zip_mimetype(archive, names) == ODS_MIMETYPE:
        _ods_checks(archive)
        return RawSheet(_calamine_rows(data), "ods")
    raise UnreadableFile(
        _("This file is a zip archive but not a workbook. Upload an Excel (.xlsx, .xls), WPS, .ods or .csv file.")
    )


def _check_zip_sizes(entries: list[zipfile.ZipInfo], packed_size: int) -> None:
    """Refuse a zip bomb from its declared sizes, before inflating anything."""
    total = sum(entry.file_size for entry in entries)
    too_big = total > limit("MAX_UNCOMPRESSED", MAX_UNCOMPRESSED)
    ratio = max((entry.file_size / max(entry.compress_size, 1) for entry in entries), default=0)
    if too_big or ratio > limit("MAX_RATIO", MAX_RATIO) or len(entries) > 10_000:
        raise UnreadableFile(
            _("The file unpacks to far more data than a spreadsheet holds (a “zip bomb”); it was not opened.")
        )


def _zip_mimetype(archive: zipfile.ZipFile, names: set[str]) -> bytes:
    return archive.read("mimetype").strip() if "mimetype" in names else b""


# Cells carry r="B12", rows r="12": one pass for the columns' letters, one for the row numbers.
_XLSX_COLUMN_REF = re.compile(rb'\sr="([A-Z]{1,3})[0-9]')
_XLSX_ROW_NUMBER = re.compile(rb'\sr="[A-Z]{0,3}([0-9]{1,7})"')


def _xlsx_checks(archive: zipfile.ZipFile, names: set[str]) -> bool:
    """Check the furthest cell of every sheet; return whether dates count from 1904."""
    workbook = archive.read("xl/workbook.xml")
    if b"EncryptedPackage" in workbook:
        raise UnreadableFile(_encrypted_message())
    for name in sorted(names):
        if name.startswith("xl/worksheets/") and name.endswith(".xml"):
            with archive.open(name) as stream:
                _check_sheet_stream(stream)
    return bool(re.search(rb'date1904="(1|true)"', workbook))


# Rows and cells by their tags too: `r=` is optional, and a sheet written without it
# (100,000 rows in a 3 MB file) would pass a check of the furthest reference alone.
_XLSX_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c)[\s/>]")
_STREAM_CHUNK = 1024 * 1024


def count_rows(data: bytes) -> int:
    """About how many rows a file holds, without reading its cells: an .xlsx's row tags
    (the largest sheet) or a text file's lines; 0 for other workbooks (.xls stores
    cells uncompressed, so its size says enough). A small but dense file is then
    not checked inside a web request."""
    if data.startswith(ZIP_MAGIC):
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
            _check_zip_sizes(archive.infolist(), len(data))  # a zip bomb is not inflated to be counted
            sheets = [
                name for name in archive.namelist() if name.startswith("xl/worksheets/") and name.endswith(".xml")
            ]
            counts = []
            for name in sheets:
                with archive.open(name) as stream:
                    counts.append(_check_sheet_stream(stream))
            return max(counts, default=0)
        except (zipfile.BadZipFile, ValueError, struct.error, UnreadableFile):
            return 0  # the check that follows says what is wrong with it
    if data.startswith(OLE2_MAGIC):
        return 0
    return data.count(b"\n")


def _check_sheet_stream(stream) -> int:
    """Count a worksheet's rows and each row's cells while reading it a megabyte at a
    time, and stop at the limit: neither the whole sheet nor its cells are held.
    Returns the rows."""
    rows = cells = widest = furthest_row = furthest_column = 0
    carry = b""
    while chunk := stream.read(_STREAM_CHUNK):
        buffer = carry + chunk
        cut = buffer.rfind(b"<")  # a tag cut in two is read with the next chunk
        if cut <= 0:
            cut = len(buffer)
        part, carry = buffer[:cut], buffer[cut:]
        for tag in _XLSX_TAG.finditer(part):
            if tag.group(1) == b"row":
                rows, cells = rows + 1, 0
            else:
                cells += 1
                widest = max(widest, cells)
        furthest_row = max(furthest_row, max(map(int, _XLSX_ROW_NUMBER.findall(part)), default=0))
        furthest_column = max(furthest_column, max(map(_column_number, set(_XLSX_COLUMN_REF.findall(part))), default=0))
        _check_dimensions(max(rows, furthest_row), max(widest, furthest_column))
    if carry:
        _check_dimensions(max(rows, furthest_row), max(widest, furthest_column))
    return max(rows, furthest_row)


def _column_number(letters: bytes) -> int:
    number = 0
    for char in letters:
        number = number * 26 + (char - 64)
    return number


_ODS_REPEAT = re.compile(rb"number-(rows|columns)-repeated=\"([0-9]+)\"")


def _ods_checks(archive: zipfile.ZipFile) -> None:
    """ODS repeats a row or cell with an attribute; LibreOffice writes huge
    repeats for the empty rest of a sheet. A repeat is expanded by the reader
    only when the repeated row or cell holds something, so those are counted."""
    import xml.etree.ElementTree as ElementTree

    table_ns = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
    office_ns = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
    rows_attr, cols_attr = f"{{{table_ns}}}number-rows-repeated", f"{{{table_ns}}}number-columns-repeated"
    value_attr = f"{{{office_ns}}}value-type"
    with archive.open("content.xml") as stream:
        row_count, widest = 0, 0
        for _event, element in ElementTree.iterparse(stream):
            if element.tag == f"{{{table_ns}}}table-row":
                width, last_filled = 0, 0
                for cell in element:
                    repeat = int(cell.get(cols_attr, "1"))
                    width += repeat
                    if cell.get(value_attr) or len(cell):
                        last_filled = width
                repeat = int(element.get(rows_attr, "1"))
                row_count += repeat if last_filled else 1
                widest = max(widest, last_filled)
                if last_filled:
                    _check_dimensions(row_count, widest)
                element.clear()
            elif element.tag == f"{{{table_ns}}}table":
                row_count = 0
                element.clear()


def _check_dimensions(rows: int, columns: int) -> None:
    max_rows, max_columns = limit("MAX_ROWS", MAX_ROWS), limit("MAX_COLUMNS", MAX_COLUMNS)
    if rows > max_rows or columns > max_columns or rows * columns > limit("MAX_CELLS", MAX_CELLS):
        raise UnreadableFile(
            _(
                "The sheet reaches row %(rows)s and column %(columns)s; at most %(max_rows)s rows and "
                "%(max_columns)s columns can be imported at once. Delete the empty rows and columns at the "
                "end of the sheet (or split the file) and upload it again."
            )
            % {"rows": rows, "columns": columns, "max_rows": max_rows, "max_columns": max_columns}
        )


# --- OLE2 compound files: .xls, and encrypted .xlsx ---------------------------------------


def _read_ole2(data: bytes) -> RawSheet:
    import olefile

    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
        streams = {"/".join(entry) for entry in ole.listdir()}
    except (OSError, ValueError, struct.error, IndexError):
        raise UnreadableFile(_("The file is damaged: it cannot be opened as a workbook.")) from None
    if "EncryptedPackage" in streams or "EncryptionInfo" in streams:
        raise UnreadableFile(_encrypted_message())
    name = next((n for n in ("Workbook", "Book") if n in streams), None)
    if name is None:
        raise UnreadableFile(
            _("This file is an Office document but not a workbook. Upload an Excel (.xlsx, .xls), .ods or .csv file.")
        )
    if ole.get_size(name) > limit("MAX_UNCOMPRESSED", MAX_UNCOMPRESSED):
        raise UnreadableFile(_("The file is too large to import."))
    _xls_checks(ole.openstream(name).read())
    return RawSheet(_calamine_rows(data), "xls")


_BIFF_CELL_RECORDS = {0x0006, 0x00FD, 0x0203, 0x027E, 0x0201, 0x0204, 0x0205, 0x00D6}
_BIFF_MULTI = {0x00BD, 0x00BE}  # MULRK, MULBLANK: row, first column, …, last column
_BIFF_FILEPASS = 0x002F
_BIFF_EOF = 0x000A


def _xls_checks(stream: bytes) -> None:
    """Find the furthest cell of every sheet in the BIFF records, and FILEPASS
    (the workbook is encrypted)."""
    position, end = 0, len(stream) - 4
    rows = columns = 0
    while position <= end:
        record, length = struct.unpack_from("<HH", stream, position)
        body = position + 4
        if record == _BIFF_FILEPASS:
            raise UnreadableFile(_encrypted_message())
        if record in _BIFF_CELL_RECORDS and length >= 4:
            row, column = struct.unpack_from("<HH", stream, body)
            rows, columns = max(rows, row + 1), max(columns, column + 1)
        elif record in _BIFF_MULTI and length >= 6:
            row = struct.unpack_from("<H", stream, body)[0]
            last = struct.unpack_from("<H", stream, body + length - 2)[0]
            rows, columns = max(rows, row + 1), max(columns, last + 1)
        position = body + length
    _check_dimensions(rows, columns)


def _encrypted_message() -> str:
    return _(
        "The workbook is protected with a password. Open it in Excel or WPS, remove the password "
        "(File → Info → Protect workbook), save it and upload it again."
    )


# --- python-calamine ----------------------------------------------------------------------


def _calamine_rows(data: bytes) -> list[list[object]]:
    from python_calamine import CalamineError, CalamineWorkbook, PasswordError

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = workbook.sheet_names
        if not names:
            raise UnreadableFile(_("The workbook has no sheet."))
        return workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except PasswordError:
        raise UnreadableFile(_encrypted_message()) from None
    except (CalamineError, ValueError, OSError, IndexError):
        raise UnreadableFile(_("The file is damaged: it cannot be opened as a workbook.")) from None


# --- text: .csv ---------------------------------------------------------------------------


def _looks_like_html(data: bytes) -> bool:
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<!doctype html", b"<html", b"<?xml", b"<table", b"<meta", b"<head"))


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without a BOM) or GB18030 (what Chinese Excel writes as "CSV")."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise UnreadableFile(_not_a_spreadsheet()) from None


def _not_a_spreadsheet() -> str:
    return _("This file is not a spreadsheet. Upload an Excel (.xlsx, .xls), WPS, .ods or .csv file.")


def _read_csv(data: bytes) -> RawSheet:
    if b"\x00" in data[:4096]:
        raise UnreadableFile(_not_a_spreadsheet())
    try:
        text = decode_text(data)
    except UnicodeDecodeError:
        raise UnreadableFile(_not_a_spreadsheet()) from None
    controls = sum(1 for char in text[:4096] if ord(char) < 32 and char not in "\r\n\t")
    if controls:
        raise UnreadableFile(_not_a_spreadsheet())
    sample = text[:8192]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    rows = []
    max_rows, max_columns = limit("MAX_ROWS", MAX_ROWS), limit("MAX_COLUMNS", MAX_COLUMNS)
    for row in csv.reader(io.StringIO(text, newline=""), dialect):
        rows.append(row)
        if len(rows) > max_rows or len(row) > max_columns:
            _check_dimensions(len(rows), len(row))
    return RawSheet(rows, "csv")
