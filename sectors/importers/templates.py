"""Blank sheets to fill in, one per kind: the Chinese headers the import reads,
an example row (序号 “示例”, which the import skips), drop-down lists for the
columns with fixed choices, and the ID-card, mobile and number columns
formatted as text, so that Excel keeps every digit.

The workbook is written by portal.spreadsheets (formula-safe), then given its
lists and text formats here.
"""

from __future__ import annotations

import io

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from portal.importing.base import Importer
from portal.spreadsheets import Sheet, workbook_bytes
from sectors.models import Committee, SectorGroup

CHOICES_SHEET = "选项"
TEXT_FORMAT_ROWS = 2000


def _choices(importer: type[Importer], committee: Committee) -> dict[str, list[str]]:
    groups = list(
        SectorGroup.objects.filter(committee=committee, is_active=True)
        .order_by("sort_order", "id")
        .values_list("short_name", flat=True)
    )
    lists = {key: list(values) for key, values in importer.template_choices.items()}
    for key in importer.template_group_keys:
        lists[key] = groups
    return lists


def template_bytes(importer: type[Importer], committee: Committee) -> bytes:
    keys = importer.template_keys
    headers = ["序号"] + [importer.column(key).label for key in keys]
    example = ["示例"] + [importer.template_example.get(key, "") for key in keys]
    data = workbook_bytes([Sheet(title=str(importer.label), headers=headers, rows=[example])])
    book = load_workbook(io.BytesIO(data))
    sheet = book.worksheets[0]
    lists = _choices(importer, committee)
    options = book.create_sheet(CHOICES_SHEET)
    options.sheet_state = "hidden"
    for list_no, (key, values) in enumerate(lists.items(), start=1):
        letter = get_column_letter(list_no)
        options.cell(row=1, column=list_no, value=importer.column(key).label)
        for row_no, value in enumerate(values, start=2):
            options.cell(row=row_no, column=list_no, value=value)
        column = get_column_letter(keys.index(key) + 2)
        validation = DataValidation(
            type="list",
            formula1=f"={CHOICES_SHEET}!${letter}$2:${letter}${max(len(values), 1) + 1}",
            allow_blank=True,
            showErrorMessage=key not in importer.template_group_keys,
        )
        validation.add(f"{column}2:{column}{TEXT_FORMAT_ROWS}")
        sheet.add_data_validation(validation)
    for key in importer.template_text_keys:
        column = keys.index(key) + 2
        for row_no in range(2, TEXT_FORMAT_ROWS + 1):
            sheet.cell(row=row_no, column=column).number_format = "@"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
