"""Importing the member roster from staff-made sheets through the import pages.

Identity is member number, else ID card, else name + mobile; re-importing the
same file writes nothing in every format; changes update only what changed; a
group change is dated; rejected rows name their row, column and reason."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from portal import clock
from portal.validators import id_card_check_char
from sectors.models import RECORDS_BEGIN, GroupMembership, ImportRun, Member

from . import sheets
from .factories import make_member

HEADERS = [
    "序号",
    "编号",
    "姓名",
    "性别",
    "出生日期",
    "界别",
    "界内职务",
    "党派",
    "工作单位",
    "职务",
    "手机",
    "身份证号",
]


def id_card(birth: str = "19800509", serial: str = "001") -> str:
    first17 = f"330302{birth}{serial}"
    return first17 + id_card_check_char(first17)


ID_1, ID_2, ID_3 = id_card(serial="011"), id_card("19751120", "022"), id_card("19900101", "034")


def roster(*extra: list) -> list[list]:
    return [
        HEADERS,
        [
            1,
            "W001",
            "陈 明",
            "男",
            datetime.date(1980, 5, 9),
            "民盟",
            "副组长",
            "民盟",
            "温州大学",
            "教授",
            "13812345678",
            ID_1,
        ],
        [2, "W002", "林芳", "女", None, "医卫", "成员", "无党派", "市人民医院", "主任", "13912345678", ID_2],
        [3, "W003", "周强", "", None, "中国民主同盟界别", "", "", "", "", "", ID_3],
        *extra,
    ]


def upload(client, data: bytes, name: str = "名册.xlsx", kind: str = "members"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(reverse("import_upload", kwargs={"kind": kind}), {"file": SimpleUploadedFile(name, data)})


def last_run() -> ImportRun:
    return ImportRun.objects.order_by("-id").first()


def confirm(client, run: ImportRun, all_or_nothing: bool = False):
    data = {"all_or_nothing": "on"} if all_or_nothing else {}
    return client.post(reverse("import_confirm", kwargs={"run_id": run.pk}), data)


def import_file(client, data: bytes, name: str = "名册.xlsx", kind: str = "members") -> ImportRun:
    upload(client, data, name, kind)
    run = last_run()
    assert run.status == ImportRun.Status.PREVIEWED, run.message
    confirm(client, run)
    run.refresh_from_db()
    return run


def history_count() -> int:
    return Member.history.count() + GroupMembership.history.count()


def test_it_previews_before_writing_and_writes_after_confirmation(admin_client_role, group_a, group_b):
    response = upload(admin_client_role, sheets.xlsx(roster()))
    run = last_run()
    assert response.status_code == 302 and response["Location"] == reverse("import_run", kwargs={"run_id": run.pk})
    assert (run.status, run.created_count, run.updated_count, run.unchanged_count, run.rejected_count) == (
        ImportRun.Status.PREVIEWED,
        3,
        0,
        0,
        0,
    )
    assert not Member.objects.filter(member_number="W001").exists()
    page = admin_client_role.get(response["Location"]).content.decode()
    assert "确认导入" in page and 'data-count="created">3<' in page

    confirm(admin_client_role, run)
    run.refresh_from_db()
    assert run.status == ImportRun.Status.DONE and run.finished_at and run.user.username == "admin"
    chen = Member.objects.get(member_number="W001")
    assert (chen.name, chen.gender, chen.birth_date, chen.mobile, chen.id_card) == (
        "陈明",
        "M",
        datetime.date(1980, 5, 9),
        "13812345678",
        ID_1,
    )
    membership = chen.memberships.get()
    # No joining date in the file: the import's date (issue 17: past scores stay as they were).
    assert (membership.group, membership.role, membership.start_date) == (group_a, "deputy", clock.today())
    assert Member.objects.get(member_number="W002").memberships.get().group == group_b
    zhou = Member.objects.get(member_number="W003")
    # Gender and birth date from the ID card; 中国民主同盟界别 is 民盟; no role is 成员.
    assert (zhou.gender, zhou.birth_date) == ("F", datetime.date(1990, 1, 1))  # 17th digit 4: even
    assert zhou.memberships.get().role == GroupMembership.Role.MEMBER
    history = chen.history.get()
    assert history.history_type == "+" and history.history_user.username == "admin"
    assert membership.history.count() == 1
    assert not run.stored_file


@pytest.mark.parametrize("fmt", sheets.FORMATS)
def test_it_writes_nothing_when_the_same_file_is_imported_again(fmt, admin_client_role, group_a, group_b):
    name, data = sheets.make(fmt, roster())
    first = import_file(admin_client_role, data, name)
    assert (first.created_count, first.rejected_count) == (3, 0), first.report
    before = history_count()
    second = import_file(admin_client_role, data, name)
    assert (second.created_count, second.updated_count, second.unchanged_count, second.rejected_count) == (0, 0, 3, 0)
    assert history_count() == before
    assert Member.objects.count() == 3 + 1  # the leader of the fixtures' group is not in the sheet


def test_it_updates_only_what_changed(admin_client_role, group_a, group_b):
    import_file(admin_client_role, sheets.xlsx(roster()))
    rows = roster()
    rows[1][8] = "温州医科大学"  # 工作单位
    rows[2][10] = None  # an empty cell keeps the stored mobile
    run = import_file(admin_client_role, sheets.xlsx(rows))
    assert (run.created_count, run.updated_count, run.unchanged_count) == (0, 1, 2)
    chen = Member.objects.get(member_number="W001")
    assert chen.employer == "温州医科大学"
    assert Member.objects.get(member_number="W002").mobile == "13912345678"
    latest = chen.history.first()
    assert latest.history_type == "~" and latest.employer == "温州医科大学"
    assert chen.history.count() == 2


def test_it_identifies_by_id_card_then_by_name_and_mobile_never_by_row_counter(admin_client_role, group_a):
    make_member(group_a, "陈明", member_number="OLD1", id_card=ID_1, gender="M", birth_date=datetime.date(1980, 5, 9))
    make_member(group_a, "林芳", member_number="OLD2", mobile="13912345678")
    rows = [
        HEADERS,
        [9, "", "陈明", "男", None, "民盟", "", "", "", "", "", ID_1],
        [1, "", "林芳", "女", None, "民盟", "", "", "", "", "13912345678", ""],
    ]
    run = import_file(admin_client_role, sheets.xlsx(rows))
    assert (run.created_count, run.unchanged_count, run.rejected_count) == (0, 2, 0)
    # A number for a member found by ID card updates their number (a new term's numbering).
    rows[1][1] = "W100"
    run = import_file(admin_client_role, sheets.xlsx(rows))
    assert run.updated_count == 1
    assert Member.objects.get(id_card=ID_1).member_number == "W100"


def test_it_dates_a_group_change_instead_of_duplicating_the_member(admin_client_role, group_a, group_b, settings):
    settings.PORTAL_TODAY = "2025-06-30"
    upload(admin_client_role, sheets.xlsx(roster()))  # the first roster: members since the records began
    admin_client_role.post(
        reverse("import_confirm", kwargs={"run_id": last_run().pk}), {"default_joined_on": RECORDS_BEGIN.isoformat()}
    )
    rows = [[*HEADERS, "入组日期"], [*roster()[1][:5], "医卫", "成员", *roster()[1][7:], datetime.date(2025, 3, 1)]]
    run = import_file(admin_client_role, sheets.xlsx(rows))
    assert run.updated_count == 1
    chen = Member.objects.get(member_number="W001")
    old, new = chen.memberships.order_by("start_date")
    assert (old.group, old.end_date) == (group_a, datetime.date(2025, 2, 28))
    assert (new.group, new.start_date, new.end_date) == (group_b, datetime.date(2025, 3, 1), None)
    assert Member.objects.filter(name="陈明").count() == 1


def test_it_finds_the_header_row_under_a_banner_and_normalises_full_width_text(admin_client_role, group_a):
    rows = [
        ["", "", "", ""],
        ["编　号", "姓 名", "界别", "手机号码", "身份证号码", "出生年月", "籍贯"],
        ["ＷＭ０１", "  王　伟 ", "民盟", "１３８１２３４５６７８", ID_2.replace("3", "３"), "1975.11", "温州"],
        ["", "", "", "", "", "", ""],
    ]
    run = import_file(admin_client_role, sheets.xlsx(rows, banner="温州市政协委员名册（2021年）"))
    assert run.created_count == 1 and run.report["unknown"] == ["籍贯"]
    member = Member.objects.get(member_number="WM01")
    assert (member.name, member.mobile, member.id_card, member.birth_date) == (
        "王伟",
        "13812345678",
        ID_2,
        datetime.date(1975, 11, 20),
    )


@pytest.mark.parametrize(
    "written",
    [
        "1980-05-09",
        "1980/5/9",
        "1980.5.9",
        "1980年5月9日",
        "19800509",
        19800509,
        29350,  # an Excel serial number (1900 system)
        datetime.date(1980, 5, 9),
    ],
)
def test_it_reads_dates_in_every_form(written, admin_client_role, group_a):
    rows = [["编号", "姓名", "性别", "界别", "出生日期"], ["D1", "赵敏", "女", "民盟", written]]
    import_file(admin_client_role, sheets.xlsx(rows))
    assert Member.objects.get(member_number="D1").birth_date == datetime.date(1980, 5, 9)


def test_it_reads_dates_of_a_1904_workbook(admin_client_role, group_a):
    rows = [
        ["编号", "姓名", "性别", "界别", "出生日期", "入组日期"],
        ["D1", "赵敏", "女", "民盟", datetime.date(1980, 5, 9), 41000],
    ]
    import_file(admin_client_role, sheets.xlsx(rows, date1904=True))
    member = Member.objects.get(member_number="D1")
    assert member.birth_date == datetime.date(1980, 5, 9)
    # A bare serial in a 1904 workbook counts from 1904-01-01.
    assert member.memberships.get().start_date == datetime.date(1904, 1, 1) + datetime.timedelta(days=41000)


@pytest.mark.parametrize(
    ("cell", "hint"),
    [
        ("3.30302E+17", "格式"),  # what Excel shows, saved as text (a CSV)
        (330302198005090000, "格式"),  # an 18-digit number: the last digits became zeros
        (3.30302198005091e17, "格式"),
        ("330302198005090000", "格式"),  # typed back as text after the damage
        ("330302198005090012", "校验"),
    ],
)
def test_it_rejects_damaged_id_card_numbers_with_how_to_fix_them(cell, hint, admin_client_role, group_a):
    rows = [["编号", "姓名", "性别", "界别", "身份证号"], ["X1", "赵敏", "女", "民盟", cell]]
    upload(admin_client_role, sheets.xlsx(rows))
    run = last_run()
    assert run.rejected_count == 1 and run.created_count == 0
    ((row, column, reason),) = run.report["rejections"]
    assert (row, column) == (2, "身份证号") and hint in reason
    assert not Member.objects.filter(member_number="X1").exists()


def test_it_rejects_a_mobile_in_scientific_notation(admin_client_role, group_a):
    rows = [["编号", "姓名", "性别", "界别", "手机"], ["X1", "赵敏", "女", "民盟", "1.38123E+10"]]
    upload(admin_client_role, sheets.csv_bytes(rows), "名册.csv")
    ((row, column, reason),) = last_run().report["rejections"]
    assert column == "手机" and "文本" in reason


def test_it_lists_every_rejected_row_and_writes_the_valid_ones(admin_client_role, group_a, leader_member):
    rows = roster(
        [4, "W004", "吴刚", "男", "1980-13-01", "民盟", "", "", "", "", "", ""],
        [5, "W005", "郑洁", "女", None, "不存在界", "", "", "", "", "", ""],
        [6, "W006", "钱坤", "男", None, "民盟", "组长", "", "", "", "", ""],
        [7, "W001", "陈明", "男", None, "民盟", "", "", "", "", "", ""],
    )
    upload(admin_client_role, sheets.xlsx(rows))
    run = last_run()
    by_row = {row: (column, reason) for row, column, reason in run.report["rejections"]}
    assert set(by_row) == {3, 5, 6, 7, 8}  # W002's 医卫 is unknown here too
    assert by_row[5][0] == "出生日期" and by_row[6][0] == "界别" and by_row[7][0] == "界内职务"
    assert "王组长" in by_row[7][1] and "第2行" in by_row[8][1]
    page = admin_client_role.get(reverse("import_run", kwargs={"run_id": run.pk})).content.decode()
    assert "没有名为“不存在界”的界别活动组" in page or "不存在界" in page
    confirm(admin_client_role, run)
    assert set(Member.objects.filter(member_number__startswith="W").values_list("member_number", flat=True)) == {
        "W001",
        "W003",
    }


def test_it_writes_nothing_when_all_or_nothing_is_chosen_and_a_row_is_rejected(admin_client_role, group_a):
    upload(admin_client_role, sheets.xlsx(roster()))  # W002's group 医卫 does not exist without group_b
    run = last_run()
    confirm(admin_client_role, run, all_or_nothing=True)
    run.refresh_from_db()
    assert run.status == ImportRun.Status.REFUSED and not Member.objects.filter(member_number="W001").exists()


def test_it_offers_the_rejected_rows_with_a_reason_column(admin_client_role, group_a):
    import io

    import openpyxl

    upload(admin_client_role, sheets.xlsx(roster()))
    response = admin_client_role.get(reverse("import_errors", kwargs={"run_id": last_run().pk}))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][-1] == "错误原因" and rows[0][:3] == ("序号", "编号", "姓名")
    assert len(rows) == 2 and rows[1][1] == "W002" and "界别" in rows[1][-1]
    assert response["Cache-Control"].startswith("no-store")


def test_it_assigns_numbers_to_new_members_without_one(admin_client_role, group_a):
    rows = [["姓名", "性别", "界别", "手机"], ["甲", "男", "民盟", "13800000001"], ["乙", "女", "民盟", "13800000002"]]
    import_file(admin_client_role, sheets.xlsx(rows))
    assert sorted(Member.objects.filter(name__in=["甲", "乙"]).values_list("member_number", flat=True)) == [
        "Z00001",
        "Z00002",
    ]
    assert import_file(admin_client_role, sheets.xlsx(rows)).unchanged_count == 2


# --- the cases the admin's own member import used to cover (one import path since issue 19) ---------


def test_it_creates_a_group_leader_and_reads_a_mobile_excel_keeps_as_a_number(admin_client_role, group_b):
    rows = [HEADERS, [1, "L001", "郑组长", "男", None, "医卫", "组长", "", "", "", 13812345600, ""]]
    run = import_file(admin_client_role, sheets.xlsx(rows))
    assert (run.created_count, run.rejected_count) == (1, 0), run.report
    member = Member.objects.get(member_number="L001")
    assert member.mobile == "13812345600"
    assert member.memberships.get().role == GroupMembership.Role.LEADER


def test_it_changes_a_role_in_the_same_group_without_a_second_membership(admin_client_role, group_a, group_b):
    import_file(admin_client_role, sheets.xlsx(roster()))
    chen = Member.objects.get(member_number="W001")
    first = chen.memberships.get()
    rows = roster()
    rows[1][6] = "联络员"  # 界内职务, the same day: the membership is corrected
    run = import_file(admin_client_role, sheets.xlsx(rows))
    assert (run.updated_count, run.unchanged_count) == (1, 2)
    membership = chen.memberships.get()
    assert membership.pk == first.pk and membership.role == GroupMembership.Role.LIAISON


def test_it_moves_a_member_to_another_group_from_today_closing_the_old_membership(admin_client_role, group_a, group_b):
    member = make_member(group_a, "陈明", member_number="W001", since=datetime.date(2023, 1, 1))
    rows = [["编号", "姓名", "性别", "界别"], ["W001", "陈明", "男", "医卫"]]
    run = import_file(admin_client_role, sheets.xlsx(rows))
    assert run.updated_count == 1
    today = clock.today()
    old = member.memberships.get(group=group_a)
    assert old.end_date == today - datetime.timedelta(days=1)
    new = member.memberships.get(end_date__isnull=True)
    assert (new.group, new.start_date) == (group_b, today)
    assert Member.objects.filter(name="陈明").count() == 1


@pytest.mark.parametrize(
    ("cells", "column", "words"),
    [
        ({"身份证号": "33030219801301123X"}, "身份证号", "不是有效日期"),
        ({"手机": "1381234567"}, "手机", "11位数字"),
        ({"手机": "23812345678"}, "手机", "11位数字"),
        ({"界别": ""}, "界别", "必须指定界别活动组"),
        ({"性别": "未知"}, "性别", "未知"),
        ({"界内职务": "秘书长"}, "界内职务", "秘书长"),
    ],
)
def test_it_rejects_a_bad_row_naming_its_column(cells, column, words, admin_client_role, group_a):
    headers = ["编号", "姓名", "性别", "界别", "界内职务", "手机", "身份证号"]
    good = {"编号": "W001", "姓名": "陈明", "性别": "男", "界别": "民盟", "界内职务": "", "手机": "", "身份证号": ""}
    bad = {**good, "编号": "W002", "姓名": "错误行", **cells}
    upload(admin_client_role, sheets.xlsx([headers, [good[h] for h in headers], [bad[h] for h in headers]]))
    run = last_run()
    assert (run.created_count, run.rejected_count) == (1, 1)
    ((row, rejected_column, reason),) = run.report["rejections"]
    assert (row, rejected_column) == (3, column) and words in reason, reason


def test_it_refuses_an_id_card_another_member_has(admin_client_role, group_a):
    make_member(group_a, "已有委员", member_number="W008", id_card=ID_1)
    make_member(group_a, "陈明", member_number="W009")
    rows = [["编号", "姓名", "性别", "界别", "身份证号"], ["W009", "陈明", "男", "民盟", ID_1]]
    upload(admin_client_role, sheets.xlsx(rows))
    ((row, column, reason),) = last_run().report["rejections"]
    assert (row, column) == (2, "身份证号") and "已有委员" in reason and "W008" in reason
    assert Member.objects.get(member_number="W009").id_card == ""


def test_it_reads_back_the_admins_member_export(admin_client_role, group_a):
    from sectors.roster.resources import MEMBER_COLUMNS

    make_member(group_a, "陈明", member_number="W001", gender="M", birth_date=datetime.date(1980, 5, 9), id_card=ID_1)
    fields = {f"memberresource_{name}": "on" for name in MEMBER_COLUMNS}
    export = admin_client_role.post(reverse("admin:sectors_member_export"), {"format": "0", "resource": "0", **fields})
    assert export.status_code == 200
    run = import_file(admin_client_role, export.content, "委员.xlsx")
    assert (run.created_count, run.updated_count, run.rejected_count) == (0, 0, 0), run.report
    assert run.unchanged_count == Member.objects.count() == 2  # with the fixtures' group leader
