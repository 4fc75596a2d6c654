"""Keeping the roster in the browser: staff and administrators add members,
correct their details and move them to another group or role; group leaders
and the chairman only read. Bad input is shown next to its field, in Chinese,
and nothing is written."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from portal import roles
from sectors.models import GroupMembership, Member

from .factories import make_member, valid_id_card

CREATE_URL = reverse("member_create")
WRITERS = [roles.STAFF, roles.ADMIN]
READERS = [roles.LEADER, roles.CHAIRMAN]
ID_CARD = valid_id_card(birth="19750612")


def edit_url(member: Member) -> str:
    return reverse("member_edit", kwargs={"member_id": member.pk})


def group_url(member: Member) -> str:
    return reverse("membership_change", kwargs={"member_id": member.pk})


def member_post(group=None, **overrides) -> dict:
    data = {
        "member_number": "N001",
        "name": "赵新委员",
        "gender": "F",
        "birth_date": "",
        "party": "民盟",
        "employer": "温州大学",
        "job_title": "教授",
        "mobile": "13912345678",
        "id_card": ID_CARD,
        "is_active": "on",
        "role": GroupMembership.Role.MEMBER,
        "joined_on": timezone.localdate().isoformat(),
    }
    if group is not None:
        data["group"] = group.pk
    data.update(overrides)
    return data


def edit_post(member: Member, **overrides) -> dict:
    data = {
        "member_number": member.member_number,
        "name": member.name,
        "gender": member.gender,
        "birth_date": member.birth_date.isoformat() if member.birth_date else "",
        "party": member.party,
        "employer": member.employer,
        "job_title": member.job_title,
        "mobile": member.mobile,
        "id_card": member.id_card,
        "is_active": "on" if member.is_active else "",
    }
    data.update(overrides)
    return data


def field_error(response, field: str) -> str:
    """The error text crispy shows right under a field (id error_1_id_<field>)."""
    content = response.content.decode()
    match = re.search(rf'id="error_\d+_id_{field}"[^>]*>\s*<strong>(.*?)</strong>', content, re.S)
    assert match, f"no error shown next to {field}"
    return match.group(1)


@pytest.fixture
def member(group_a):
    return make_member(
        group_a,
        "陈委员",
        member_number="M100",
        since=datetime.date(2023, 3, 1),
        employer="温州医科大学",
        id_card=valid_id_card(birth="19800101"),
        birth_date=datetime.date(1980, 1, 1),
        mobile="13812345678",
    )


# --- creating -----------------------------------------------------------------------------


@pytest.mark.parametrize("role", WRITERS)
def test_it_lets_staff_and_admin_create_a_member_in_a_group(clients, group_a, group_b, role):
    form_page = clients[role].get(CREATE_URL)
    assert form_page.status_code == 200
    assert "新增委员" in form_page.content.decode()

    response = clients[role].post(CREATE_URL, member_post(group_b, id_card=ID_CARD[:17] + ID_CARD[17].lower()))

    member = Member.objects.get(member_number="N001")
    assert response.status_code == 302 and response["Location"] == reverse("member_detail", args=[member.pk])
    assert (member.name, member.employer, member.mobile, member.id_card) == (
        "赵新委员",
        "温州大学",
        "13912345678",
        ID_CARD,
    )
    assert member.birth_date == datetime.date(1975, 6, 12)  # taken from the ID card
    membership = member.memberships.get()
    assert (membership.group, membership.role, membership.start_date, membership.end_date) == (
        group_b,
        "member",
        timezone.localdate(),
        None,
    )
    assert member.history.get().history_user.username == role


def test_it_shows_the_new_member_button_only_to_those_who_may_add(clients):
    assert CREATE_URL in clients[roles.STAFF].get(reverse("member_list")).content.decode()
    for role in READERS:
        assert CREATE_URL not in clients[role].get(reverse("member_list")).content.decode()


# --- editing ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", WRITERS)
def test_it_lets_staff_and_admin_edit_a_member_and_shows_the_change_in_the_history(clients, member, role):
    page = clients[role].get(edit_url(member)).content.decode()
    assert member.id_card in page and "13812345678" in page  # full numbers for those allowed to see them

    response = clients[role].post(edit_url(member), edit_post(member, employer="温州大学", job_title="院长"))

    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.employer, member.job_title) == ("温州大学", "院长")
    latest = member.history.first()
    assert latest.history_type == "~" and latest.history_user.username == role
    detail = clients[role].get(reverse("member_detail", args=[member.pk])).content.decode()
    assert "修改记录" in detail
    assert "温州医科大学" in detail and "院长" in detail  # old and new values in the history card


def test_it_keeps_personal_numbers_out_of_urls(staff_client, member):
    response = staff_client.post(edit_url(member), edit_post(member, employer="新单位"))
    assert member.id_card not in response["Location"] and member.mobile not in response["Location"]


def test_it_saves_nothing_when_nothing_changed(staff_client, member):
    before = member.history.count()
    response = staff_client.post(edit_url(member), edit_post(member))
    assert response.status_code == 302
    assert member.history.count() == before


def test_it_shows_edit_buttons_only_to_those_who_may_write_members(clients, member):
    detail = reverse("member_detail", args=[member.pk])
    page = clients[roles.STAFF].get(detail).content.decode()
    assert edit_url(member) in page and group_url(member) in page
    for role in READERS:
        page = clients[role].get(detail).content.decode()
        assert edit_url(member) not in page and group_url(member) not in page


# --- moving group or changing role --------------------------------------------------------


@pytest.mark.parametrize("role", WRITERS)
def test_it_moves_a_member_to_another_group_from_a_date(clients, member, group_a, group_b, role):
    on = timezone.localdate() - datetime.timedelta(days=10)
    assert clients[role].get(group_url(member)).status_code == 200

    response = clients[role].post(group_url(member), {"group": group_b.pk, "role": "deputy", "on": on.isoformat()})

    assert response.status_code == 302
    old = member.memberships.get(group=group_a)
    assert old.end_date == on - datetime.timedelta(days=1)
    new = member.memberships.get(end_date__isnull=True)
    assert (new.group, new.role, new.start_date) == (group_b, "deputy", on)
    detail = clients[role].get(reverse("member_detail", args=[member.pk])).content.decode()
    assert "加入医卫" in detail  # the membership history is on the member page


def test_it_keeps_a_dated_history_of_roles_in_the_same_group(staff_client, member, group_a):
    on = timezone.localdate()
    staff_client.post(group_url(member), {"group": group_a.pk, "role": "liaison", "on": on.isoformat()})

    rows = list(member.memberships.order_by("start_date").values_list("group", "role", "start_date", "end_date"))
    assert rows == [
        (group_a.pk, "member", datetime.date(2023, 3, 1), on - datetime.timedelta(days=1)),
        (group_a.pk, "liaison", on, None),
    ]


def test_it_corrects_a_membership_opened_the_same_day_in_place(staff_client, member, group_b):
    on = timezone.localdate()
    staff_client.post(group_url(member), {"group": group_b.pk, "role": "member", "on": on.isoformat()})
    staff_client.post(group_url(member), {"group": group_b.pk, "role": "deputy", "on": on.isoformat()})

    assert member.memberships.count() == 2
    assert member.memberships.get(end_date__isnull=True).role == "deputy"


# --- refused roles ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", READERS)
def test_it_refuses_leaders_and_the_chairman_and_writes_nothing(clients, member, group_b, role):
    client = clients[role]
    before = (Member.objects.count(), GroupMembership.objects.count(), Member.history.count())

    for url in (CREATE_URL, edit_url(member), group_url(member)):
        assert client.get(url).status_code == 403
    assert client.post(CREATE_URL, member_post(group_b)).status_code == 403
    assert client.post(edit_url(member), edit_post(member, name="改名")).status_code == 403
    on = timezone.localdate().isoformat()
    assert client.post(group_url(member), {"group": group_b.pk, "role": "member", "on": on}).status_code == 403

    assert (Member.objects.count(), GroupMembership.objects.count(), Member.history.count()) == before
    member.refresh_from_db()
    assert member.name == "陈委员" and member.memberships.get().end_date is None


def test_it_sends_anonymous_users_to_the_login_page(client, member, group_b):
    login = reverse("login")
    for url in (CREATE_URL, edit_url(member), group_url(member)):
        assert login in client.get(url)["Location"]
    response = client.post(CREATE_URL, member_post(group_b))
    assert response.status_code == 302 and login in response["Location"]
    assert not Member.objects.filter(member_number="N001").exists()


# --- bad input -----------------------------------------------------------------------------


def _bad_check_digit(id_card: str) -> str:
    return id_card[:17] + ("1" if id_card[17] != "1" else "2")


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"id_card": _bad_check_digit(ID_CARD)}, "id_card", "校验码"),
        ({"birth_date": "1975-06-13"}, "birth_date", "出生日期与身份证号中的出生日期（1975-06-12）不一致"),
        ({"mobile": "2391234567"}, "mobile", "手机号码应为11位数字"),
        ({"member_number": "M100"}, "member_number", "已有其他委员使用该委员编号"),
        ({"joined_on": "2999-01-01"}, "joined_on", "该日期晚于今天"),
    ],
)
def test_it_refuses_bad_member_input_next_to_the_field(staff_client, member, group_b, overrides, field, message):
    before = (Member.objects.count(), GroupMembership.objects.count())
    data = member_post(group_b, **overrides)

    response = staff_client.post(CREATE_URL, data)

    assert response.status_code == 200
    assert message in field_error(response, field)
    assert f'value="{data[field]}"' in response.content.decode()  # what was typed is kept
    assert (Member.objects.count(), GroupMembership.objects.count()) == before


def test_it_refuses_an_id_card_another_member_has(staff_client, member, group_b):
    response = staff_client.post(CREATE_URL, member_post(group_b, id_card=member.id_card))
    assert "已有其他委员使用该身份证号" in field_error(response, "id_card")
    assert not Member.objects.filter(member_number="N001").exists()


def test_it_refuses_a_second_leader_for_a_group(staff_client, leader_member, group_a, member):
    response = staff_client.post(CREATE_URL, member_post(group_a, role="leader"))
    assert "民盟已有组长：王组长" in field_error(response, "role")
    assert not Member.objects.filter(member_number="N001").exists()

    moved = staff_client.post(
        group_url(member), {"group": group_a.pk, "role": "leader", "on": timezone.localdate().isoformat()}
    )
    assert "民盟已有组长：王组长" in field_error(moved, "role")
    assert member.memberships.get().role == "member"


def test_it_refuses_a_duplicate_member_number_when_editing(staff_client, member, leader_member):
    response = staff_client.post(edit_url(member), edit_post(member, member_number=leader_member.member_number))
    assert "已有其他委员使用该委员编号" in field_error(response, "member_number")
    member.refresh_from_db()
    assert member.member_number == "M100"


def test_it_refuses_a_birth_date_other_than_the_id_cards_when_editing(staff_client, member):
    response = staff_client.post(edit_url(member), edit_post(member, birth_date="1981-01-01"))
    assert "不一致" in field_error(response, "birth_date")
    member.refresh_from_db()
    assert member.birth_date == datetime.date(1980, 1, 1)


@pytest.mark.parametrize(
    ("on", "message"),
    [
        (lambda: timezone.localdate() + datetime.timedelta(days=1), "该日期晚于今天"),
        (lambda: datetime.date(2023, 2, 28), "变动日期不能早于当前所在界别活动组的加入日期（2023-03-01）"),
    ],
)
def test_it_refuses_a_bad_change_date(staff_client, member, group_b, on, message):
    response = staff_client.post(group_url(member), {"group": group_b.pk, "role": "member", "on": on().isoformat()})

    assert response.status_code == 200
    assert message in field_error(response, "on")
    assert member.memberships.get().group_id != group_b.pk
    assert GroupMembership.objects.filter(group=group_b).count() == 0


def test_it_refuses_a_change_that_changes_nothing(staff_client, member, group_a):
    response = staff_client.post(
        group_url(member), {"group": group_a.pk, "role": "member", "on": timezone.localdate().isoformat()}
    )
    assert response.status_code == 200
    assert "无需变动" in response.content.decode()
    assert member.memberships.count() == 1
