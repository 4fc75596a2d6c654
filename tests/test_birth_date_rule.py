"""One rule for a member's birth date and ID-card number (portal.validators.birth_date_by_id_card):
the portal's member form, the member import and the model's full_clean (and so the roster
services and the admin) refuse a birth date other than the card's, in the same words, and
take an empty one from the card. Only a sheet's 出生年月 may give the month alone."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from sectors.models import Member

from . import sheets
from .factories import valid_id_card
from .test_import_members import import_file, last_run, upload
from .test_member_form import CREATE_URL, field_error, member_post

ID_CARD = valid_id_card(birth="19750612")
MESSAGE = "出生日期与身份证号中的出生日期（1975-06-12）不一致。"
SHEET_HEADERS = ["编号", "姓名", "性别", "界别", "出生日期", "身份证号"]


def new_member(committee, birth_date: datetime.date | None) -> Member:
    return Member(
        committee=committee, member_number="N001", name="赵新委员", gender="F", id_card=ID_CARD, birth_date=birth_date
    )


def test_the_portal_form_refuses_a_birth_date_other_than_the_id_cards(staff_client, group_b):
    response = staff_client.post(CREATE_URL, member_post(group_b, id_card=ID_CARD, birth_date="1975-06-13"))
    assert field_error(response, "birth_date") == MESSAGE
    assert not Member.objects.filter(member_number="N001").exists()


def test_the_import_refuses_a_birth_date_other_than_the_id_cards(admin_client_role, group_a):
    rows = [SHEET_HEADERS, ["N001", "赵新委员", "女", "民盟", "1975-06-13", ID_CARD]]
    upload(admin_client_role, sheets.xlsx(rows))
    assert last_run().report["rejections"] == [[2, "出生日期", MESSAGE]]
    assert not Member.objects.filter(member_number="N001").exists()


@pytest.mark.parametrize("birth_date", [datetime.date(1975, 6, 13), datetime.date(1975, 6, 1)])
def test_the_model_refuses_a_birth_date_other_than_the_id_cards(committee, birth_date):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        new_member(committee, birth_date).full_clean()
    with translation.override("zh-hans"):
        assert refused.value.message_dict == {"birth_date": [MESSAGE]}


def test_the_admin_refuses_a_birth_date_other_than_the_id_cards(admin_client_role, committee):
    data = {
        "committee": committee.pk,
        "member_number": "N001",
        "name": "赵新委员",
        "gender": "F",
        "birth_date": "1975-06-13",
        "is_active": "on",
        "id_card": ID_CARD,
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
    }
    response = admin_client_role.post(reverse("admin:sectors_member_add"), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["birth_date"] == [MESSAGE]
    assert not Member.objects.filter(member_number="N001").exists()


def test_every_writer_takes_an_empty_birth_date_from_the_id_card(admin_client_role, staff_client, committee, group_a):
    member = new_member(committee, None)
    member.full_clean()
    assert member.birth_date == datetime.date(1975, 6, 12)

    staff_client.post(CREATE_URL, member_post(group_a, id_card=ID_CARD, birth_date=""))
    assert Member.objects.get(member_number="N001").birth_date == datetime.date(1975, 6, 12)

    # A sheet's 出生年月 gives the month; the card gives the day.
    other = valid_id_card(birth="19800509")
    rows = [SHEET_HEADERS, ["N002", "钱新委员", "男", "民盟", "1980.05", other]]
    import_file(admin_client_role, sheets.xlsx(rows))
    assert Member.objects.get(member_number="N002").birth_date == datetime.date(1980, 5, 9)
