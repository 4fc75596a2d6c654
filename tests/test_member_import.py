"""Importing members from the committee's Excel sheet, and exporting them.

A sheet is imported whole or not at all; every bad row is reported with its
number; exports mask ID-card and mobile numbers for users without the
personal-data permission."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from import_export.formats.base_formats import XLSX

from sectors.models import GroupMembership, Member, SectorGroup, User
from sectors.roster.resources import MEMBER_COLUMNS, MemberResource, SectorGroupResource, WorkstationResource

from .factories import log_in, make_member, valid_id_card

HEADERS = list(MEMBER_COLUMNS.values())  # 编号 姓名 性别 出生日期 党派 工作单位 职务 手机 身份证号 界别 界内职务
IMPORT_URL = reverse("admin:sectors_member_import")
PROCESS_URL = reverse("admin:sectors_member_process_import")
EXPORT_URL = reverse("admin:sectors_member_export")
ID_CARD = valid_id_card(birth="19700315")
ID_CARD_2 = valid_id_card(birth="19851120")


def sheet(*rows, headers=HEADERS) -> bytes:
    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    worksheet.append(headers)
    for row in rows:
        worksheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def row(number="W001", name="陈委员", gender="男", group="民盟", role="委员", **cells) -> list:
    values = {
        "编号": number,
        "姓名": name,
        "性别": gender,
        "出生日期": cells.get("birth_date"),
        "党派": cells.get("party", "民盟"),
        "工作单位": cells.get("employer", "温州大学"),
        "职务": cells.get("job_title", "教授"),
        "手机": cells.get("mobile", 13812345678),  # Excel keeps phone numbers as numbers
        "身份证号": cells.get("id_card", ID_CARD),
        "界别": group,
        "界内职务": role,
    }
    return [values[header] for header in HEADERS]


def import_sheet(content: bytes, *, dry_run: bool = False):
    dataset = XLSX().create_dataset(content)
    return MemberResource(show_personal_data=True).import_data(dataset, dry_run=dry_run, raise_errors=False)


def open_membership(member: Member) -> GroupMembership:
    return member.memberships.get(end_date__isnull=True)


# --- through the resource ---------------------------------------------------------------------


def test_it_creates_members_with_their_group_and_role(committee, group_a, group_b):
    result = import_sheet(
        sheet(
            row("W001", "陈委员", group="民盟", role="组长"),
            row("W002", "林委员", "女", group="医药卫生界别", mobile="13900001111", id_card=ID_CARD_2),
        )
    )

    assert not result.has_errors() and not result.has_validation_errors()
    chen = Member.objects.get(member_number="W001")
    assert (chen.committee, chen.gender, chen.employer, chen.mobile) == (committee, "M", "温州大学", "13812345678")
    assert chen.birth_date == datetime.date(1970, 3, 15)  # taken from the ID card when the cell is empty
    membership = open_membership(chen)
    assert (membership.group, membership.role, membership.start_date) == (group_a, "leader", timezone.localdate())
    lin = Member.objects.get(member_number="W002")
    assert lin.gender == "F" and open_membership(lin).group == group_b  # found by full name too


def test_it_writes_nothing_in_a_dry_run(committee, group_a):
    result = import_sheet(sheet(row()), dry_run=True)
    assert not result.has_errors() and not result.has_validation_errors()
    assert not Member.objects.exists() and not GroupMembership.objects.exists()


def test_it_updates_members_on_a_second_import_instead_of_duplicating(committee, group_a):
    import_sheet(sheet(row(employer="温州大学")))
    first = open_membership(Member.objects.get())

    result = import_sheet(sheet(row(employer="温州医科大学", role="副组长")))

    assert not result.has_validation_errors()
    member = Member.objects.get()
    assert member.employer == "温州医科大学"
    membership = open_membership(member)
    assert membership.pk == first.pk and membership.role == "deputy"  # same group: same membership
    assert member.memberships.count() == 1


def test_it_moves_a_member_to_another_group_closing_the_old_membership(committee, group_a, group_b):
    member = make_member(group_a, "陈委员", member_number="W001", since=datetime.date(2023, 1, 1))

    result = import_sheet(sheet(row("W001", group="医卫")))

    assert not result.has_validation_errors()
    today = timezone.localdate()
    old = member.memberships.get(group=group_a)
    assert old.end_date == today - datetime.timedelta(days=1)
    new = open_membership(member)
    assert (new.group, new.start_date) == (group_b, today)
    assert Member.objects.count() == 1


@pytest.mark.parametrize(
    ("cells", "column", "message"),
    [
        ({"id_card": ID_CARD[:17] + ("1" if ID_CARD[17] != "1" else "2")}, "身份证号", "校验码"),
        ({"id_card": "33030219801301123X"}, "身份证号", "不是有效日期"),
        ({"mobile": "1381234567"}, "手机", "11位数字"),
        ({"mobile": "23812345678"}, "手机", "11位数字"),
        ({"group": "不存在界别"}, "界别", "不存在界别"),
        ({"group": ""}, "界别", "必须指定界别活动组"),
        ({"gender": "未知"}, "性别", "未知"),
        ({"role": "秘书长"}, "界内职务", "秘书长"),
        ({"birth_date": "1980年1月"}, "出生日期", "1980-01-31"),
    ],
)
def test_it_rejects_the_whole_sheet_for_one_bad_row(committee, group_a, cells, column, message):
    bad = {"number": "W002", "name": "错误行", "id_card": ID_CARD_2, **cells}
    result = import_sheet(sheet(row("W001"), row(**bad)))

    assert result.has_validation_errors()
    [invalid] = result.invalid_rows
    assert invalid.number == 2
    assert column in invalid.error_dict
    assert any(message in str(error) for error in invalid.error_dict[column])
    assert not Member.objects.exists() and not GroupMembership.objects.exists()  # row 1 was not kept either


def test_it_reports_every_bad_row(committee, group_a):
    result = import_sheet(sheet(row("W001", gender="X"), row("W002", mobile="1", id_card=ID_CARD_2), row("W003")))
    assert [invalid.number for invalid in result.invalid_rows] == [1, 2]
    assert not Member.objects.exists()


def test_it_refuses_a_second_leader_for_a_group(committee, group_a, leader_member):
    result = import_sheet(sheet(row("W001", role="组长")))
    assert "界内职务" in result.invalid_rows[0].error_dict
    assert "王组长" in str(result.invalid_rows[0].error_dict["界内职务"])
    assert not Member.objects.filter(member_number="W001").exists()


def test_it_refuses_an_id_card_another_member_has(committee, group_a):
    make_member(group_a, "已有委员", id_card=ID_CARD)
    result = import_sheet(sheet(row("W009")))
    assert "身份证号" in result.invalid_rows[0].error_dict
    assert not Member.objects.filter(member_number="W009").exists()


def test_it_refuses_a_sheet_without_the_required_columns(committee, group_a):
    result = import_sheet(sheet(["W001", "陈委员"], headers=["编号", "姓名"]))
    assert result.has_errors()
    assert "界别" in str(result.base_errors[0].error)
    assert not Member.objects.exists()


def test_it_skips_empty_rows_at_the_end_of_a_sheet(committee, group_a):
    result = import_sheet(sheet(row("W001"), [None] * len(HEADERS), [""] * len(HEADERS)))
    assert not result.has_validation_errors() and not result.has_errors()
    assert Member.objects.count() == 1


# --- through the admin -------------------------------------------------------------------------------


def admin_upload(client: Client, content: bytes, name: str = "委员名单.xlsx"):
    upload = io.BytesIO(content)
    upload.name = name
    return client.post(IMPORT_URL, {"format": "0", "resource": "0", "import_file": upload})


def test_it_imports_through_the_admin_after_confirmation(admin_client_role, group_a, group_b):
    preview = admin_upload(
        admin_client_role, sheet(row("W001"), row("W002", "林委员", "女", "医卫", id_card=ID_CARD_2))
    )

    assert preview.status_code == 200
    confirm_form = preview.context["confirm_form"]
    assert confirm_form is not None
    assert "陈委员" in preview.content.decode()
    assert not Member.objects.filter(member_number__startswith="W").exists()  # the preview is a dry run

    done = admin_client_role.post(PROCESS_URL, {**confirm_form.initial, "resource": "0"})

    assert done.status_code == 302
    imported = Member.objects.filter(member_number__startswith="W")
    assert set(imported.values_list("member_number", flat=True)) == {"W001", "W002"}
    assert open_membership(Member.objects.get(member_number="W002")).group == group_b
    assert Member.history.filter(history_user__username="admin").count() == 2


def test_it_shows_row_errors_in_the_admin_and_offers_no_confirmation(admin_client_role, group_a):
    bad_id = ID_CARD[:17] + ("1" if ID_CARD[17] != "1" else "2")
    response = admin_upload(admin_client_role, sheet(row("W001", id_card=ID_CARD_2), row("W002", id_card=bad_id)))

    assert response.status_code == 200
    assert "confirm_form" not in response.context
    [invalid] = response.context["result"].invalid_rows
    assert invalid.number == 2
    content = response.content.decode()
    assert "身份证号" in content and "校验码" in content
    assert not Member.objects.filter(member_number__startswith="W").exists()


def test_it_refuses_the_import_page_to_portal_roles(clients, group_a):
    for role in ("staff", "group_leader", "chairman"):
        response = admin_upload(clients[role], sheet(row()))
        assert response.status_code == 302
    assert not Member.objects.filter(member_number="W001").exists()


# --- export ---------------------------------------------------------------------------------------------


def _export_rows(client: Client) -> list[tuple]:
    fields = {f"memberresource_{name}": "on" for name in MEMBER_COLUMNS}
    response = client.post(EXPORT_URL, {"format": "0", "resource": "0", **fields})
    assert response.status_code == 200, response.content[:500]
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    return [tuple("" if cell is None else str(cell) for cell in r) for r in workbook.active.iter_rows(values_only=True)]


@pytest.fixture
def exported_member(group_a):
    return make_member(
        group_a, "陈委员", member_number="W001", gender=Member.Gender.MALE, id_card=ID_CARD, mobile="13812345678"
    )


def test_it_exports_members_masked_for_users_without_the_permission(exported_member, group_a):
    user = User.objects.create_user(username="viewer", password="pw-for-tests-1", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename="view_member"))
    client = Client()
    log_in(client, user)

    header, line = _export_rows(client)

    assert header == tuple(HEADERS)
    exported = dict(zip(header, line, strict=True))
    assert exported["身份证号"] == exported_member.masked_id_card
    assert exported["手机"] == "138****5678"
    assert (exported["性别"], exported["界别"], exported["界内职务"]) == ("男", "民盟", "委员")


def test_it_exports_full_numbers_for_users_with_the_permission(admin_client_role, exported_member):
    header, *lines = _export_rows(admin_client_role)
    exported = next(dict(zip(header, line, strict=True)) for line in lines if line[0] == "W001")
    assert (exported["身份证号"], exported["手机"]) == (ID_CARD, "13812345678")


def test_it_masks_by_default_in_the_resource_api(exported_member):
    masked = MemberResource().export(Member.objects.all()).dict[0]
    assert masked["身份证号"] == exported_member.masked_id_card and masked["手机"] == "138****5678"
    full = MemberResource(show_personal_data=True).export(Member.objects.all()).dict[0]
    assert full["身份证号"] == ID_CARD


def test_it_reimports_its_own_export(exported_member, group_a):
    dataset = MemberResource(show_personal_data=True).export(Member.objects.all())
    result = MemberResource(show_personal_data=True).import_data(dataset, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    assert Member.objects.count() == 1 and exported_member.memberships.count() == 1


def test_it_imports_sector_groups_by_short_name(committee, group_a):
    party = str(SectorGroup.Kind.PARTY.label)  # written as its label or its code
    content = sheet(
        ["民盟", "中国民主同盟界别", party, 3, "1"],
        ["新界别", "新界别全称", "field", 40, "1"],
        headers=["简称", "名称", "类别", "排序", "启用"],
    )
    result = SectorGroupResource().import_data(XLSX().create_dataset(content), dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors(), result.invalid_rows
    group_a.refresh_from_db()
    assert group_a.sort_order == 3
    assert committee.sector_groups.get(short_name="新界别").kind == "field"


def test_it_imports_workstations_and_rejects_an_unknown_host(committee, group_a, leader_member):
    headers = ["界别", "名称", "类型", "依托委员编号", "地址", "成立日期", "启用", "简介"]
    good = ["民盟", "同舟驿站", "studio", leader_member.member_number, "鹿城区", "2024-05-01", "1", ""]
    result = WorkstationResource().import_data(XLSX().create_dataset(sheet(good, headers=headers)), dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors(), result.invalid_rows
    station = group_a.workstations.get()
    assert (station.host_member, station.established_on) == (leader_member, datetime.date(2024, 5, 1))

    bad = ["民盟", "第二驿站", "studio", "NOBODY", "", "2024-05-01", "1", ""]
    result = WorkstationResource().import_data(XLSX().create_dataset(sheet(bad, headers=headers)), dry_run=False)
    assert "依托委员编号" in result.invalid_rows[0].error_dict
    assert group_a.workstations.count() == 1
