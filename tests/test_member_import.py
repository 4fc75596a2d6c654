"""One member import: the portal's import page (sectors.importers, tested in
test_import_members.py). The Django admin exports members, masking ID-card and
mobile numbers for users without the personal-data permission, and workstations;
its lists link to the portal's import pages and have no import of their own.
Sector groups, which have no import page, are still imported in the admin."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import NoReverseMatch, reverse
from import_export.formats.base_formats import XLSX

from sectors.models import Member, SectorGroup, User, Workstation
from sectors.roster.resources import MEMBER_COLUMNS, MemberResource, SectorGroupResource, WorkstationResource

from .factories import log_in, make_member, valid_id_card

HEADERS = list(MEMBER_COLUMNS.values())  # 编号 姓名 性别 出生日期 党派 工作单位 职务 手机 身份证号 界别 界内职务
EXPORT_URL = reverse("admin:sectors_member_export")
MEMBER_LIST = reverse("admin:sectors_member_changelist")
WORKSTATION_LIST = reverse("admin:sectors_workstation_changelist")
PORTAL_MEMBER_IMPORT = reverse("import_upload", kwargs={"kind": "members"})
PORTAL_WORKSTATION_IMPORT = reverse("import_upload", kwargs={"kind": "workstations"})
ID_CARD = valid_id_card(birth="19700315")


def sheet(*rows, headers=HEADERS) -> bytes:
    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    worksheet.append(headers)
    for row in rows:
        worksheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def viewer_client(db) -> Client:
    """An admin user who may see members and workstations, with no portal role."""
    user = User.objects.create_user(username="viewer", password="pw-for-tests-1", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=["view_member", "view_workstation"]))
    client = Client()
    log_in(client, user)
    return client


# --- the admin links to the portal's import page ------------------------------------------------


def test_the_admin_member_list_links_to_the_portal_import_page(admin_client_role, group_a):
    page = admin_client_role.get(MEMBER_LIST).content.decode()

    assert f'<a href="{PORTAL_MEMBER_IMPORT}" class="import_link">从Excel导入委员</a>' in page
    assert reverse("admin:sectors_member_export") in page  # the export stays
    assert "/admin/sectors/member/import/" not in page
    upload_page = admin_client_role.get(PORTAL_MEMBER_IMPORT)
    assert upload_page.status_code == 200 and upload_page.context["importer"].kind == "members"


def test_the_admin_workstation_list_links_to_the_portal_import_page(admin_client_role, group_a):
    page = admin_client_role.get(WORKSTATION_LIST).content.decode()
    assert f'<a href="{PORTAL_WORKSTATION_IMPORT}" class="import_link">从Excel导入工作站</a>' in page
    assert reverse("admin:sectors_workstation_export") in page


@pytest.mark.parametrize("model", ["member", "workstation"])
def test_the_admin_has_no_import_of_members_or_workstations(admin_client_role, group_a, model):
    for view in ("import", "process_import"):
        with pytest.raises(NoReverseMatch):
            reverse(f"admin:sectors_{model}_{view}")
    # The old address is no import page: the admin reads "import" as the id of a
    # record that does not exist, and sends the user to its index.
    response = admin_client_role.get(f"/admin/sectors/{model}/import/", follow=True)
    assert 'name="import_file"' not in response.content.decode()
    assert response.status_code == 404 or response.redirect_chain[-1][0] == reverse("admin:index")


def test_the_link_is_left_out_for_users_the_import_page_would_refuse(viewer_client, group_a):
    for url in (MEMBER_LIST, WORKSTATION_LIST):
        page = viewer_client.get(url).content.decode()
        assert "import_link" not in page and "/imports/" not in page


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


def test_it_exports_workstations_with_the_groups_short_name_and_the_hosts_number(group_a, leader_member):
    Workstation.objects.create(
        group=group_a,
        name="同舟驿站",
        host_kind=Workstation.HostKind.STUDIO,
        host_member=leader_member,
        established_on=datetime.date(2024, 5, 1),
    )
    [exported] = WorkstationResource().export(Workstation.objects.all()).dict
    assert (exported["界别"], exported["名称"], exported["依托委员编号"], exported["成立日期"]) == (
        "民盟",
        "同舟驿站",
        leader_member.member_number,
        "2024-05-01",
    )
