"""Every workbook the portal writes is formula-safe."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy
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


def test_it_writes_each_value_as_what_it_is():
    """Each cell goes through its type's own writer: numbers, booleans and dates stay
    themselves, also as subclasses; lazy translations and other objects become text;
    None and "" leave the cell empty; a text column keeps a number as text."""

    class Day(datetime.date):
        pass

    aware = datetime.datetime(2025, 3, 1, 9, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
    values = [
        True, 7, 2.5, Decimal("1.25"), datetime.date(2025, 1, 2), Day(2025, 1, 3), aware,
        gettext_lazy("Yes"), mark_safe("<b>"), None, "", 13812345678, "=1+1",
    ]  # fmt: skip
    data = workbook_bytes([Sheet(title="t", headers=list("abcdefghijklm"), rows=[values], text_columns=[11])])
    book = load_workbook(io.BytesIO(data))
    row = next(book.worksheets[0].iter_rows(min_row=2))
    assert [cell.value for cell in row[:4]] == [True, 7, 2.5, 1.25]
    assert [cell.value.date() for cell in row[4:6]] == [datetime.date(2025, 1, 2), datetime.date(2025, 1, 3)]
    assert row[6].value == datetime.datetime(2025, 3, 1, 9, 30)  # the wall time, as shown on the page
    assert [cell.value for cell in row[7:]] == [str(gettext_lazy("Yes")), "<b>", None, None, "13812345678", "=1+1"]
    assert [cell.data_type for cell in row[11:]] == ["s", "s"]
    assert row[11].number_format == "@"


def test_an_empty_list_still_has_its_caption_and_header_frozen_below_it():
    caption = ["温州市政协 · 委员", "期间：2025年"]
    data = workbook_bytes([Sheet(title="委员", headers=["姓名", "界别"], rows=iter(()), caption=caption)])
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    assert sheet["A1"].value == "温州市政协 · 委员"
    assert sheet["A2"].value == "期间：2025年"
    assert [sheet["A4"].value, sheet["B4"].value] == ["姓名", "界别"]
    assert sheet["A4"].font.b
    assert sheet.freeze_panes == "A5"
    assert sheet.max_row == 4  # no data row


def test_captions_span_the_table_and_a_one_column_table_too():
    data = workbook_bytes(
        [
            Sheet(title="宽", headers=["a", "b", "c"], rows=[[1, 2, 3]], caption=["一", "二"]),
            Sheet(title="窄", headers=["姓名"], rows=[["张三"]], caption=["只有一列"]),
        ]
    )
    wide, narrow = load_workbook(io.BytesIO(data)).worksheets
    assert [str(r) for r in wide.merged_cells.ranges] == ["A1:C1", "A2:C2"]
    assert [wide.cell(4, col).value for col in (1, 2, 3)] == ["a", "b", "c"]
    assert [wide.cell(5, col).value for col in (1, 2, 3)] == [1, 2, 3]
    assert [str(r) for r in narrow.merged_cells.ranges] == ["A1:B1"]  # a merge needs two cells
    assert [narrow["A3"].value, narrow["A4"].value] == ["姓名", "张三"]
    assert narrow.freeze_panes == "A4"


def test_a_text_past_excels_limit_is_cut_not_lost():
    long_text = "议" * 40_000
    data = workbook_bytes([Sheet(title="t", headers=["摘要", "次数"], rows=[[long_text, 2]])])
    row = next(load_workbook(io.BytesIO(data)).worksheets[0].iter_rows(min_row=2, values_only=True))
    assert row == ("议" * 32_767, 2)


def test_a_header_written_twice_keeps_both_columns():
    data = workbook_bytes([Sheet(title="t", headers=["姓名", "姓名", "界别"], rows=[["张三", "李四", "民盟"]])])
    rows = _cells(data)
    assert rows == [["姓名", "姓名 (2)", "界别"], ["张三", "李四", "民盟"]]


def test_columns_are_as_wide_as_their_text_within_bounds():
    rows = [["短", "一" * 20, "长" * 100, 12]]
    data = workbook_bytes([Sheet(title="t", headers=["a", "b", "c", "d"], rows=rows)])
    widths = load_workbook(io.BytesIO(data)).worksheets[0].column_dimensions
    # two units a character (Chinese is double width), at least 10, at most 60
    assert [round(widths[col].width) for col in "ABCD"] == [11, 43, 61, 11]


def test_a_date_excel_cannot_hold_is_written_as_its_text_not_a_failed_export():
    rows = [[datetime.date(202, 5, 1), 1], [datetime.datetime(1890, 1, 1, 8, 0), 2], [datetime.date(2025, 5, 1), 3]]
    data = workbook_bytes([Sheet(title="t", headers=["日期", "n"], rows=rows)])
    values = list(load_workbook(io.BytesIO(data)).worksheets[0].iter_rows(min_row=2, values_only=True))
    assert values[0] == ("0202-05-01", 1)
    assert values[1] == ("1890-01-01T08:00:00", 2)
    assert values[2][0].date() == datetime.date(2025, 5, 1)


def test_a_column_keeps_the_kind_of_its_first_value():
    """The writer formats a whole column as dates once a date is in it: a number in a date
    column, or a date in a number column, is written as text, never shown as the other."""
    rows = [
        [5, datetime.date(2025, 1, 2), datetime.date(2025, 1, 2)],
        [datetime.date(2025, 1, 3), 7, datetime.datetime(2025, 1, 3, 13, 30)],
        [1.5, datetime.date(2025, 1, 4), None],
    ]
    data = workbook_bytes([Sheet(title="t", headers=["n", "d", "d2"], rows=rows)])
    cells = list(load_workbook(io.BytesIO(data)).worksheets[0].iter_rows(min_row=2))
    assert [cells[0][0].value, cells[1][0].value, cells[2][0].value] == [5, "2025-01-03", 1.5]
    assert [cells[0][0].number_format, cells[2][0].number_format] == ["General", "General"]
    assert [cells[0][1].value.date(), cells[1][1].value, cells[2][1].value.date()] == [
        datetime.date(2025, 1, 2),
        "7",
        datetime.date(2025, 1, 4),
    ]
    assert cells[1][2].value == "2025-01-03 13:30:00"  # the time is not lost in a date column


def test_rows_shorter_or_longer_than_the_headers_lose_nothing():
    rows = [["x"], ["1", "2", "3", "4"]]
    data = workbook_bytes([Sheet(title="t", headers=["a", "b", "c"], rows=rows)])
    assert _cells(data) == [["a", "b", "c", "D"], ["x", None, None, None], ["1", "2", "3", "4"]]
    headless = workbook_bytes([Sheet(title="t", headers=[], rows=[["甲", 1]])])
    assert _cells(headless) == [["A", "B"], ["甲", 1]]


def test_over_long_headers_and_captions_are_cut_and_a_text_columns_decimal_keeps_its_digits():
    data = workbook_bytes(
        [
            Sheet(
                title="t",
                headers=["头" * 40_000, "手机"],
                rows=[["x", Decimal("13812345678")]],
                caption=["注" * 40_000],
            )
        ]
    )
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    assert sheet["A1"].value == "注" * 32_767
    assert sheet["A3"].value == "头" * 32_767
    assert sheet["B4"].value == 13812345678  # a number column keeps the number
    text = workbook_bytes([Sheet(title="t", headers=["手机"], rows=[[Decimal("13812345678")]], text_columns=[0])])
    assert _cells(text)[1] == ["13812345678"]


def test_what_excel_cannot_hold_as_a_number_or_a_time_is_written_so_that_nothing_is_lost():
    utc_evening = datetime.datetime(2025, 1, 2, 17, 0, tzinfo=datetime.UTC)  # as the database hands it back
    values = [utc_evening, 330302199001011234, 10**400, Decimal("sNaN"), 2**53]
    data = workbook_bytes([Sheet(title="t", headers=list("abcde"), rows=[values])])
    assert _cells(data)[1] == [
        datetime.datetime(2025, 1, 3, 1, 0),  # the portal's time (Asia/Shanghai), as on the page
        "330302199001011234",  # all its digits, not 3.3030219900101126e17
        str(10**400),
        "sNaN",
        2**53,
    ]


def test_sheet_titles_that_clash_or_excel_refuses_are_made_unique():
    sheets = [
        Sheet(title=title, headers=["x"], rows=[[n]]) for n, title in enumerate(["'界别'", "界别", "A", "a", "长" * 40])
    ]
    sheets.append(Sheet(title="长" * 35, headers=["x"], rows=[[5]]))
    book = load_workbook(io.BytesIO(workbook_bytes(sheets)))
    assert book.sheetnames == ["界别", "界别 (2)", "A", "a (2)", "长" * 31, "长" * 27 + " (2)"]
    assert [sheet["A2"].value for sheet in book.worksheets] == [0, 1, 2, 3, 4, 5]
