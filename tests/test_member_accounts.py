"""Member accounts: issued in bulk (admin action, manage.py member_accounts) with
one-time activation codes; activated by the member; signed in to by mobile."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone
from python_calamine import CalamineWorkbook

from members.accounts import THROTTLE_LIMIT, member_accounts_issue, members_for_accounts
from members.models import ActivationCode
from portal import roles
from sectors.models import AuditEvent, User

from .factories import make_member

PASSWORD = "Wenzhou-member-2026"
REFUSED = "不能打开账号"


@pytest.fixture
def roster(group_a, group_b):
    return {
        "a": [make_member(group_a, f"甲{n}", mobile=f"1390000000{n}") for n in range(3)],
        "b": [make_member(group_b, "乙0", mobile="13800000009")],
        "inactive": make_member(group_a, "停用", mobile="13700000000", is_active=False),
    }


def _issue(members):
    return {i.member.pk: i for i in member_accounts_issue(members=members)}


def _activate(client, identifier, code, password=PASSWORD, again=None):
    return client.post(
        "/me/activate/",
        {"identifier": identifier, "code": code, "password1": password, "password2": again or password},
    )


def test_it_creates_member_accounts_without_a_usable_password(committee, roster):
    issued = _issue(members_for_accounts(committee=committee))
    assert len(issued) == 4  # the inactive member gets none
    user = User.objects.get(member=roster["a"][0])
    assert roles.role_of(user) == roles.MEMBER
    assert not user.has_usable_password()
    code = ActivationCode.objects.get(user=user)
    assert issued[roster["a"][0].pk].code not in code.code_hash  # kept hashed only
    assert code.expires_at > timezone.now() + datetime.timedelta(days=29)
    assert issued[roster["a"][0].pk].group_name == "民盟"


def test_it_issues_a_new_code_for_an_account_not_activated_and_skips_activated_ones(committee, roster):
    first = _issue(roster["a"])
    again = _issue(roster["a"])
    assert User.objects.filter(member__in=roster["a"]).count() == 3
    assert not any(i.created for i in again.values())
    member = roster["a"][0]
    assert _activate(Client(), member.mobile, first[member.pk].code).status_code == 200  # the old code is replaced
    assert _activate(Client(), member.mobile, again[member.pk].code).status_code == 302
    assert member.pk not in _issue(roster["a"])  # activated: left alone


def test_the_command_limits_to_a_group_and_writes_the_sms_workbook(committee, group_b, roster, tmp_path):
    out = io.StringIO()
    path = tmp_path / "codes.xlsx"
    call_command("member_accounts", "--group", str(group_b.pk), "--xlsx", str(path), stdout=out)
    assert "1 codes issued (1 new accounts)" in out.getvalue()
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    assert rows[0][:5] == ["委员编号", "姓名", "界别活动组", "手机号码", "激活码"]
    assert rows[1][1] == "乙0" and rows[1][3] == "13800000009"
    assert len(rows[1][4]) == 8 and "/me/activate/" in rows[1][6] and rows[1][4] in rows[1][7]
    assert AuditEvent.objects.filter(action=AuditEvent.Action.PERSONAL_DATA, where="manage.py member_accounts").exists()
    with pytest.raises(CommandError):
        call_command("member_accounts", "--group", "999999", stdout=out)


def test_the_admin_action_confirms_then_prints_the_codes_or_the_workbook(admin_client_role, roster):
    url = "/admin/sectors/member/"
    ids = [str(m.pk) for m in roster["a"]]
    confirm = admin_client_role.post(url, {"action": "issue_member_accounts", "_selected_action": ids})
    assert confirm.status_code == 200 and "Excel" in confirm.content.decode()
    assert not User.objects.filter(member__in=roster["a"]).exists()  # nothing before the choice
    printed = admin_client_role.post(
        url, {"action": "issue_member_accounts", "_selected_action": ids, "output": "print"}
    )
    page = printed.content.decode()
    assert "甲0" in page and "/me/activate/" in page and "139****0000" in page
    assert User.objects.filter(member__in=roster["a"]).count() == 3
    sheet = admin_client_role.post(url, {"action": "issue_member_accounts", "_selected_action": ids, "output": "xlsx"})
    assert sheet["Content-Type"].startswith("application/vnd.openxmlformats")
    assert AuditEvent.objects.filter(action=AuditEvent.Action.PERSONAL_DATA, count=3).count() == 2


def test_a_member_activates_with_mobile_or_member_number_and_is_signed_in(committee, roster):
    issued = _issue(roster["a"])
    member, other = roster["a"][0], roster["a"][1]
    client = Client()
    response = _activate(client, member.mobile, issued[member.pk].code)
    assert response.status_code == 302 and response["Location"] == "/me/"
    assert client.get("/me/").status_code == 200
    assert User.objects.get(member=member).check_password(PASSWORD)
    assert ActivationCode.objects.get(user__member=member).used_at is not None
    assert _activate(Client(), other.member_number, issued[other.pk].code).status_code == 302


@pytest.mark.parametrize("case", ["wrong_code", "other_members_code", "unknown_mobile", "used", "expired"])
def test_a_bad_activation_gets_one_message_that_does_not_say_which_part(committee, roster, case):
    issued = _issue(roster["a"])
    member, other = roster["a"][0], roster["a"][1]
    identifier, code = member.mobile, issued[member.pk].code
    if case == "wrong_code":
        code = "00000000" if code != "00000000" else "11111111"
    elif case == "other_members_code":
        code = issued[other.pk].code
    elif case == "unknown_mobile":
        identifier = "13511112222"
    elif case == "used":
        assert _activate(Client(), identifier, code).status_code == 302
    elif case == "expired":
        ActivationCode.objects.filter(user__member=member).update(expires_at=timezone.now() - datetime.timedelta(1))
    response = _activate(Client(), identifier, code, password="Another-pass-2026")
    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    user = User.objects.get(member=member)
    assert not user.check_password("Another-pass-2026")
    assert AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN_FAILED, where="/me/activate/").exists()


def test_a_weak_or_mismatched_password_is_refused_and_the_code_kept(committee, roster):
    issued = _issue(roster["a"])
    member = roster["a"][0]
    weak = _activate(Client(), member.mobile, issued[member.pk].code, password="12345678")
    assert "这个密码太常见了" in weak.content.decode()
    differ = _activate(Client(), member.mobile, issued[member.pk].code, again="Something-else-1")
    assert "两次输入的密码不一致" in differ.content.decode()
    assert ActivationCode.objects.get(user__member=member).used_at is None
    assert _activate(Client(), member.mobile, issued[member.pk].code).status_code == 302


def test_it_throttles_guessing_per_mobile_and_address(committee, roster):
    issued = _issue(roster["a"])
    member = roster["a"][0]
    client = Client()
    for _ in range(THROTTLE_LIMIT):
        _activate(client, member.mobile, "99999999" if issued[member.pk].code != "99999999" else "88888888")
    response = _activate(client, member.mobile, issued[member.pk].code)  # even the right code now
    assert "尝试次数过多" in response.content.decode()
    assert User.objects.get(member=member).has_usable_password() is False
    assert AuditEvent.objects.filter(action=AuditEvent.Action.LOCKED_OUT).exists()


def test_the_activation_page_is_public_and_sends_a_signed_in_user_home(client, member_client):
    assert "激活" in client.get("/me/activate/").content.decode()
    assert member_client.get("/me/activate/")["Location"] == "/"


def test_a_member_signs_in_later_by_mobile_and_password(committee, roster):
    issued = _issue(roster["a"])
    member = roster["a"][0]
    _activate(Client(), member.mobile, issued[member.pk].code)
    client = Client()
    response = client.post("/accounts/login/", {"username": member.mobile, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/", follow=True).redirect_chain[-1][0] == "/me/"
    wrong = Client().post("/accounts/login/", {"username": member.mobile, "password": "wrong-password-1"})
    assert wrong.status_code == 200
    assert AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN_FAILED, username=member.mobile).exists()


def test_the_mobile_sign_in_locks_out_like_any_other(committee, roster, settings):
    issued = _issue(roster["a"])
    member = roster["a"][0]
    _activate(Client(), member.mobile, issued[member.pk].code)
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": member.mobile, "password": "wrong-password-1"})
    locked = client.post("/accounts/login/", {"username": member.mobile, "password": PASSWORD})
    assert not locked.wsgi_request.user.is_authenticated


def test_staff_accounts_do_not_sign_in_by_a_members_mobile(users, group_a):
    staff = users[roles.STAFF]
    member = make_member(group_a, "同号", mobile="13612345678")
    staff.member = member
    staff.save()
    response = Client().post("/accounts/login/", {"username": "13612345678", "password": "pw-for-tests-1"})
    assert response.status_code == 200  # the form again: mobile sign-in is for member accounts only
    assert Client().post("/accounts/login/", {"username": "staff", "password": "pw-for-tests-1"}).status_code == 302


def test_two_members_sharing_a_mobile_cannot_sign_in_by_it(committee, group_a):
    first = make_member(group_a, "共用一", mobile="13912340000")
    second = make_member(group_a, "共用二", mobile="13912340000")
    issued = _issue([first, second])
    for member in (first, second):
        user = issued[member.pk].user
        user.set_password(PASSWORD)
        user.save()
    response = Client().post("/accounts/login/", {"username": "13912340000", "password": PASSWORD})
    assert response.status_code == 200
