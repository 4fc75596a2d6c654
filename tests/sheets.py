"""Real spreadsheet files, made the way Excel, WPS and LibreOffice make them,
for the import tests: .xlsx (openpyxl), .xls as Excel 97–2003 writes it
(xlwt, BIFF8 in an OLE2 compound file), .ods (OpenDocument, written by hand:
a zip with mimetype, manifest and content.xml), CSV in GB18030 and UTF-8 with a BOM."""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from xml.sax.saxutils import escape

import openpyxl
from openpyxl.utils.datetime import CALENDAR_MAC_1904


def xlsx(rows: list[list], *, banner: str | None = None, date1904: bool = False) -> bytes:
    book = openpyxl.Workbook()
    if date1904:
        book.epoch = CALENDAR_MAC_1904
    sheet = book.active
    if banner:
        sheet.append([banner])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(len(rows[0]), 2))
        sheet.append([])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xls(rows: list[list], *, banner: str | None = None) -> bytes:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Sheet1")
    date_style = xlwt.easyxf(num_format_str="yyyy-mm-dd")
    offset = 0
    if banner:
        sheet.write_merge(0, 0, 0, 5, banner)
        offset = 2
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, datetime.date):
                sheet.write(r + offset, c, value, date_style)
            else:
                sheet.write(r + offset, c, value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


_ODS_MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
 <manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>"""
_ODS_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
    '<office:body><office:spreadsheet><table:table table:name="Sheet1">'
)
_ODS_TAIL = "</table:table></office:spreadsheet></office:body></office:document-content>"


def _ods_cell(value) -> str:
    if value is None or value == "":
        return "<table:table-cell/>"
    if isinstance(value, datetime.date):
        attrs = f'office:value-type="date" office:date-value="{value.isoformat()}"'
        return f"<table:table-cell {attrs}><text:p>{value}</text:p></table:table-cell>"
    if isinstance(value, int | float):
        attrs = f'office:value-type="float" office:value="{value}"'
        return f"<table:table-cell {attrs}><text:p>{value}</text:p></table:table-cell>"
    return f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}</text:p></table:table-cell>'


def ods(rows: list[list], *, extra: str = "") -> bytes:
    body = "".join("<table:table-row>" + "".join(_ods_cell(v) for v in row) + "</table:table-row>" for row in rows)
    # LibreOffice writes the empty rest of the sheet as one huge repeated row.
    tail = (
        '<table:table-row table:number-rows-repeated="1048000">'
        '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("META-INF/manifest.xml", _ODS_MANIFEST)
        archive.writestr("content.xml", _ODS_HEAD + body + extra + tail + _ODS_TAIL)
    return buffer.getvalue()


def csv_bytes(rows: list[list], encoding: str = "utf-8-sig") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return buffer.getvalue().encode(encoding)


def make(fmt: str, rows: list[list], **kwargs) -> tuple[str, bytes]:
    """(file name, content) of the rows in one of the formats the import reads."""
    if fmt == "xlsx":
        return "名册.xlsx", xlsx(rows, **kwargs)
    if fmt == "xls":
        return "名册.xls", xls(rows, **kwargs)
    if fmt == "ods":
        return "名册.ods", ods(rows)
    if fmt == "csv-gb18030":
        return "名册.csv", csv_bytes(rows, "gb18030")
    if fmt == "csv-bom":
        return "名册.csv", csv_bytes(rows, "utf-8-sig")
    raise ValueError(fmt)


FORMATS = ("xlsx", "xls", "ods", "csv-gb18030", "csv-bom")


def zip_bomb() -> bytes:
    """A zip that claims to be a workbook and inflates to far more than it weighs."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<" + b" " * (40 * 1024 * 1024) + b"/>")
    return buffer.getvalue()


def encrypted_xlsx(rows: list[list]) -> bytes:
    import msoffcrypto.format.ooxml

    plain = msoffcrypto.format.ooxml.OOXMLFile(io.BytesIO(xlsx(rows)))
    out = io.BytesIO()
    plain.encrypt("secret-123", out)
    return out.getvalue()
