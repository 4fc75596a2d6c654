"""Export what you see: every list downloads as Excel with its filters, the user's
scope, masked personal data for users without the permission, formula-safe cells
and a caption naming the period and the filters."""

from __future__ import annotations

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from activities.carriers import ActivityKind
from activities.models import ConstituentContact, DutyReport, GroupDocument, OpinionReport, Proposal
from portal import roles
from sectors.models import Constituent, Workstation

from .factories import make_activity, make_member, valid_id_card

ID_CARD = valid_id_card(birth="19750512", serial="123")
MOBILE = "13812345678"
CAPTION_LINES = 4  # committee · list, period, filters, who and when; then a blank row


def sheet_of(response) -> tuple[list[str], list[str], list[list]]:
    """(caption lines, header row, data rows) of the workbook's first sheet."""
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Cache-Control"].startswith("no-store")
    assert "attachment" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    rows = [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    caption = [row[0] for row in rows[:CAPTION_LINES]]
    return caption, rows[CAPTION_LINES + 1], rows[CAPTION_LINES + 2 :]


def column(headers: list[str], rows: list[list], name: str) -> list:
    index = headers.index(name)
    return [row[index] for row in rows]


@pytest.fixture
def li(group_a):
    return make_member(group_a, "李委员", mobile=MOBILE, id_card=ID_CARD, birth_date=datetime.date(1975, 5, 12))


@pytest.fixture
def qian(group_b):
    return make_member(group_b, "钱委员", mobile="13900001111")


@pytest.fixture
def activities(group_a, group_b, li, qian):
    return {
        "a": make_activity([group_a], date=datetime.date(2025, 3, 1), title="民盟学习会", attendees=[li]),
        "b": make_activity(
            [group_b], kind=ActivityKind.CONSULTATION, date=datetime.date(2025, 5, 9), title="=HYPERLINK(1)"
        ),
        "old": make_activity([group_a], date=datetime.date(2024, 12, 1), title="去年学习会"),
    }


# --- activities -------------------------------------------------------------------


@pytest.mark.parametrize("role", [roles.STAFF, roles.CHAIRMAN, roles.ADMIN])
def test_it_exports_every_groups_activities_to_committee_wide_roles(clients, activities, role):
    caption, headers, rows = sheet_of(clients[role].get(reverse("activity_export")))
    assert sorted(column(headers, rows, "标题")) == sorted(["民盟学习会", "=HYPERLINK(1)", "去年学习会"])
    assert caption[0] == "温州市政协 · 活动"
    assert caption[1] == "期间：全部年份"
    assert caption[2] == "筛选条件：无"


def test_it_exports_only_the_leaders_own_group(leader_client, activities):
    _, headers, rows = sheet_of(leader_client.get(reverse("activity_export")))
    assert sorted(column(headers, rows, "标题")) == ["去年学习会", "民盟学习会"]


def test_it_exports_the_filters_applied_and_names_them(staff_client, activities, group_a):
    response = staff_client.get(reverse("activity_export"), {"year": "2025", "group": group_a.pk, "kind": "study"})
    caption, headers, rows = sheet_of(response)
    assert column(headers, rows, "标题") == ["民盟学习会"]
    assert caption[1] == "期间：2025年"
    assert caption[2] == "筛选条件：界别活动组：中国民主同盟界别；类型：界别学习日（学习会）"
    assert column(headers, rows, "日期") == [datetime.datetime(2025, 3, 1)]  # a real date cell
    assert column(headers, rows, "出席委员") == [1]


def test_it_keeps_a_formula_like_title_as_text(staff_client, activities):
    response = staff_client.get(reverse("activity_export"))
    book = load_workbook(io.BytesIO(response.content))
    cells = [cell for row in book.worksheets[0].iter_rows() for cell in row if cell.value == "=HYPERLINK(1)"]
    assert cells and all(cell.data_type == "s" for cell in cells)


def test_it_links_the_export_with_the_lists_filters(staff_client, activities):
    page = staff_client.get(reverse("activity_list"), {"year": "2025"}).content.decode()
    assert f"{reverse('activity_export')}?year=2025" in page


def test_it_refuses_the_export_to_anonymous_users(client, activities):
    response = client.get(reverse("activity_export"))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


# --- members: scope and masking ------------------------------------------------------


@pytest.mark.parametrize("role", [roles.STAFF, roles.ADMIN])
def test_it_exports_full_personal_data_to_roles_with_the_permission(clients, li, qian, role):
    _, headers, rows = sheet_of(clients[role].get(reverse("member_export")))
    assert sorted(column(headers, rows, "姓名")) == sorted(["王组长", "李委员", "钱委员"])
    assert MOBILE in column(headers, rows, "手机号码")
    assert ID_CARD in column(headers, rows, "身份证号")
    assert datetime.datetime(1975, 5, 12) in column(headers, rows, "出生日期")


def test_it_masks_personal_data_for_the_chairman(chairman_client, li, qian):
    _, headers, rows = sheet_of(chairman_client.get(reverse("member_export")))
    assert "李委员" in column(headers, rows, "姓名")
    assert "138****5678" in column(headers, rows, "手机号码")
    assert MOBILE not in column(headers, rows, "手机号码")
    assert ID_CARD not in column(headers, rows, "身份证号")
    assert "出生日期" not in headers and 1975 in column(headers, rows, "出生年份")


def test_it_exports_only_the_leaders_members_masked(leader_client, li, qian):
    _, headers, rows = sheet_of(leader_client.get(reverse("member_export")))
    assert sorted(column(headers, rows, "姓名")) == ["李委员", "王组长"]
    assert "138****5678" in column(headers, rows, "手机号码")
    assert not any(MOBILE in str(value) or ID_CARD in str(value) for row in rows for value in row)


def test_it_exports_the_member_search(staff_client, li, qian, group_b):
    caption, headers, rows = sheet_of(staff_client.get(reverse("member_export"), {"group": group_b.pk}))
    assert column(headers, rows, "姓名") == ["钱委员"]
    assert "医药卫生界别" in caption[2]


# --- groups ------------------------------------------------------------------------------


def test_it_exports_the_groups_of_a_year(staff_client, activities, group_a, group_b):
    caption, headers, rows = sheet_of(staff_client.get(reverse("group_export"), {"year": "2025"}))
    assert column(headers, rows, "界别活动组") == ["民盟", "医卫"]
    assert column(headers, rows, "2025年活动") == [1, 1]
    assert column(headers, rows, "组长") == ["王组长", None]
    assert caption[1] == "期间：2025年"


def test_it_exports_only_the_leaders_group(leader_client, activities):
    _, headers, rows = sheet_of(leader_client.get(reverse("group_export")))
    assert column(headers, rows, "界别活动组") == ["民盟"]


# --- the six record lists, one mechanism ------------------------------------------------------


@pytest.fixture
def records(committee, group_a, group_b, li, qian):
    """One record of every type in each group; the contacts' constituent has a mobile."""
    made = {}
    for group, member, suffix in ((group_a, li, "甲"), (group_b, qian, "乙")):
        meeting = make_activity([group], kind=ActivityKind.DUTY_REPORT, date=datetime.date(2025, 12, 5))
        OpinionReport.objects.create(
            committee=committee, group=group, title=f"社情{suffix}", submitted_on=datetime.date(2025, 2, 1)
        )
        Proposal.objects.create(
            committee=committee, group=group, title=f"提案{suffix}", submitted_on=datetime.date(2025, 2, 1)
        )
        person = Constituent.objects.create(committee=committee, name=f"群众{suffix}", mobile="13700001234")
        ConstituentContact.objects.create(
            group=group, member=member, constituent=person, way="phone", contacted_on=datetime.date(2025, 3, 1)
        )
        DutyReport.objects.create(
            group=group, member=member, meeting=meeting, title=f"述职{suffix}", reported_on=meeting.date
        )
        Workstation.objects.create(
            group=group, name=f"驿站{suffix}", host_kind="studio", established_on=datetime.date(2024, 1, 1)
        )
        GroupDocument.objects.create(
            group=group, year=2025, kind="plan", title=f"计划{suffix}", dated=datetime.date(2025, 2, 1)
        )
    return made


RECORD_LISTS = [
    ("opinionreport_export", "标题", "社情"),
    ("proposal_export", "标题", "提案"),
    ("contact_export", "界别群众", "群众"),
    ("dutyreport_export", "标题", "述职"),
    ("workstation_export", "名称", "驿站"),
    ("document_export", "标题", "计划"),
]


@pytest.mark.parametrize(("url_name", "header", "stem"), RECORD_LISTS)
def test_it_exports_every_record_list_in_the_users_scope(clients, records, url_name, header, stem):
    _, headers, rows = sheet_of(clients[roles.STAFF].get(reverse(url_name)))
    assert sorted(str(value)[: len(stem) + 1] for value in column(headers, rows, header)) == [f"{stem}乙", f"{stem}甲"]
    _, headers, rows = sheet_of(clients[roles.LEADER].get(reverse(url_name)))
    assert [str(value)[: len(stem) + 1] for value in column(headers, rows, header)] == [f"{stem}甲"]


def test_it_exports_a_record_list_with_its_filters(staff_client, records, group_b):
    caption, headers, rows = sheet_of(
        staff_client.get(reverse("proposal_export"), {"group": group_b.pk, "year": "2025"})
    )
    assert column(headers, rows, "标题") == ["提案乙"]
    assert caption[1] == "期间：2025年" and "医药卫生界别" in caption[2]
    _, _, rows = sheet_of(staff_client.get(reverse("proposal_export"), {"year": "2024"}))
    assert rows == []


def test_it_masks_the_constituents_mobile_for_those_without_the_permission(clients, records):
    _, headers, rows = sheet_of(clients[roles.STAFF].get(reverse("contact_export")))
    assert column(headers, rows, "界别群众手机号码") == ["13700001234", "13700001234"]
    for role in (roles.CHAIRMAN, roles.LEADER):
        _, headers, rows = sheet_of(clients[role].get(reverse("contact_export")))
        assert set(column(headers, rows, "界别群众手机号码")) == {"137****1234"}


def test_it_offers_the_export_on_every_record_list(staff_client, records):
    for url_name, _, _ in RECORD_LISTS:
        list_url = reverse(url_name.replace("_export", "_list"))
        assert f'href="{reverse(url_name)}"' in staff_client.get(list_url).content.decode()
