"""Every workbook the portal writes is formula-safe."""

from __future__ import annotations

import datetime
import io

from openpyxl import load_workbook

from portal.spreadsheets import Sheet, workbook_bytes, workbook_response


def _cells(data: bytes) -> list[list]:
    book = load_workbook(io.BytesIO(data))
    return [[cell.value for cell in row] for row in book.worksheets[0].iter_rows()]


def test_it_stores_formula_like_text_as_text():
    planted = ['=HYPERLINK("http://x","y")', "+1", "-2", "@SUM(A1)", "\tx", "\rx"]
    data = workbook_bytes([Sheet(title="t", headers=["v"], rows=[[v] for v in planted])])
    book = load_workbook(io.BytesIO(data))
    cells = [row[0] for row in book.worksheets[0].iter_rows(min_row=2)]
    # A carriage return is stored escaped (_x000D_, as the format says; Excel shows it,
    # openpyxl reads the escape as it is): the text is what matters.
    assert [c.value.replace("_x000D_", "\r") for c in cells] == planted
    assert all(c.data_type == "s" for c in cells)


def test_it_keeps_numbers_dates_and_a_caption():
    data = workbook_bytes(
        [
            Sheet(
                title="活动:2025",
                headers=["名称", "次数", "日期"],
                rows=[["学习", 3, datetime.date(2025, 1, 1)]],
                caption=["2025年"],
            )
        ]
    )
    rows = _cells(data)
    assert rows[0][0] == "2025年"
    assert rows[2] == ["名称", "次数", "日期"]
    assert rows[3][:2] == ["学习", 3]
    assert rows[3][2].date() == datetime.date(2025, 1, 1)


def test_it_answers_a_chinese_file_name_and_no_store():
    response = workbook_response("委员名单", [Sheet(title="委员", headers=["姓名"], rows=[])])
    assert response["Cache-Control"].startswith("no-store")
    assert "UTF-8''%E5%A7%94" in response["Content-Disposition"]
    assert response["Content-Disposition"].endswith(".xlsx")
