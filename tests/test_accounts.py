"""Sign-in protection and the user's own account: lockout after failed
attempts (django-axes) with a Chinese message and an admin unlock, the
sign-in log with the proxy's client address, the idle timeout, changing
one's password, two-factor sign-in (django-otp) required for
administrators, and no privilege escalation in Django admin."""

from __future__ import annotations

import time

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import Group, Permission
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal import roles
from sectors.models import AuditEvent, User

from .factories import log_in, make_user

PASSWORD = "pw-for-tests-1"
LOGIN = "/accounts/login/"


def sign_in(client: Client, username: str, password: str = PASSWORD, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"


def actions(**lookup) -> list[str]:
    return list(AuditEvent.objects.filter(**lookup).order_by("id").values_list("action", flat=True))


# --- lockout ----------------------------------------------------------------------------------------


def test_it_locks_out_after_repeated_failures_with_a_chinese_message(users, settings):
    settings.AXES_FAILURE_LIMIT = 3
    client = Client()
    for _ in range(3):
        sign_in(client, "staff", "wrong-password")

    refused = sign_in(client, "staff")  # even the right password

    assert refused.status_code == 429
    assert "登录已锁定" in refused.content.decode() and "30" in refused.content.decode()
    assert not refused.wsgi_request.user.is_authenticated
    recorded = actions(username="staff")
    assert recorded[:2] == ["login_failed"] * 2 and "locked_out" in recorded and "login" not in recorded


def test_it_lets_an_administrator_unlock_a_locked_account(users, clients, settings):
    settings.AXES_FAILURE_LIMIT = 2
    client = Client()
    for _ in range(2):
        sign_in(client, "staff", "wrong-password")
    attempt = AccessAttempt.objects.get(username="staff")

    listing = clients[roles.ADMIN].get(reverse("admin:axes_accessattempt_changelist"))
    unlocked = clients[roles.ADMIN].post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"},
    )

    assert listing.status_code == 200 and "staff" in listing.content.decode()
    assert unlocked.status_code == 302 and not AccessAttempt.objects.exists()
    assert sign_in(client, "staff").status_code == 302
    for role in (roles.STAFF, roles.LEADER, roles.CHAIRMAN):
        assert clients[role].get(reverse("admin:axes_accessattempt_changelist")).status_code == 302


def test_it_locks_the_client_address_the_proxy_saw(users, settings):
    settings.AXES_FAILURE_LIMIT = 2
    settings.TRUSTED_PROXIES = 1
    attacker = {"HTTP_X_FORWARDED_FOR": "1.2.3.4, 203.0.113.9", "REMOTE_ADDR": "10.0.0.2"}
    colleague = {"HTTP_X_FORWARDED_FOR": "203.0.113.10", "REMOTE_ADDR": "10.0.0.2"}
    for _ in range(2):
        sign_in(Client(), "staff", "wrong", **attacker)

    assert sign_in(Client(), "staff", **attacker).status_code == 429
    assert sign_in(Client(), "staff", **colleague).status_code == 302
    addresses = set(AuditEvent.objects.filter(username="staff").values_list("address", flat=True))
    assert addresses == {"203.0.113.9", "203.0.113.10"}


# --- the sign-in log ---------------------------------------------------------------------------------


def test_it_records_sign_ins_failures_and_sign_outs_with_the_address(users):
    client = Client()
    sign_in(client, "chairman", "wrong")
    sign_in(client, "chairman")
    client.post(reverse("logout"))

    events = AuditEvent.objects.filter(username="chairman").order_by("id")
    assert [(e.action, e.user, e.address) for e in events] == [
        ("login_failed", None, "127.0.0.1"),
        ("login", users[roles.CHAIRMAN], "127.0.0.1"),
        ("logout", users[roles.CHAIRMAN], "127.0.0.1"),
    ]


# --- idle timeout ---------------------------------------------------------------------------------------


def test_it_signs_out_after_the_idle_time(staff_client, users, settings):
    settings.SESSION_IDLE_SECONDS = 30 * 60
    assert staff_client.get("/").status_code == 200
    session = staff_client.session
    session["portal_last_seen"] = int(time.time()) - 31 * 60
    session.save()

    response = staff_client.get("/members/")

    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert "_auth_user_id" not in staff_client.session
    assert actions(user=users[roles.STAFF]) == ["login", "idle_logout"]  # no second "logout" line


def test_it_keeps_an_active_session(staff_client, settings):
    settings.SESSION_IDLE_SECONDS = 30 * 60
    settings.SESSION_IDLE_TOUCH_SECONDS = 60
    session = staff_client.session
    session["portal_last_seen"] = int(time.time()) - 29 * 60
    session.save()

    assert staff_client.get("/members/").status_code == 200
    assert staff_client.session["portal_last_seen"] >= int(time.time()) - 5


def session_row(client: Client) -> Session:
    return Session.objects.get(session_key=client.session.session_key)


def test_it_does_not_push_the_session_expiry_on_with_each_request(client, users, settings):
    settings.SESSION_IDLE_TOUCH_SECONDS = 60
    sign_in(client, "staff")
    expires = session_row(client).expire_date
    session = client.session
    session["portal_last_seen"] = int(time.time()) - 120  # the next request writes the session again
    session.save()

    assert client.get("/members/").status_code == 200

    assert client.session["portal_last_seen"] >= int(time.time()) - 5  # it was written
    assert session_row(client).expire_date == expires


def test_it_signs_out_an_active_user_after_the_absolute_limit(client, users, settings, monkeypatch):
    settings.SESSION_COOKIE_AGE = 10 * 60 * 60
    sign_in(client, "staff")
    later = time.time() + 10 * 60 * 60 + 60
    monkeypatch.setattr(time, "time", lambda: later)
    session = client.session
    session["portal_last_seen"] = int(later) - 60  # active a minute ago
    session.save()

    response = client.get("/members/")

    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert "_auth_user_id" not in client.session


# --- password change -------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [roles.STAFF, roles.LEADER, roles.CHAIRMAN, roles.ADMIN])
def test_it_lets_every_role_change_their_password(role, clients, users):
    url = reverse("password_change")
    data = {"old_password": PASSWORD, "new_password1": "Wenzhou-portal-2025!", "new_password2": "Wenzhou-portal-2025!"}

    response = clients[role].post(url, data)

    assert response.status_code == 302
    users[role].refresh_from_db()
    assert users[role].check_password("Wenzhou-portal-2025!")
    assert actions(user=users[role], action="password_changed") == ["password_changed"]


def test_it_refuses_a_weak_password_or_a_wrong_old_one(staff_client, users):
    url = reverse("password_change")
    weak = staff_client.post(url, {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"})
    wrong = staff_client.post(
        url, {"old_password": "nope", "new_password1": "Wz-2025-ok!x", "new_password2": "Wz-2025-ok!x"}
    )

    assert "这个密码太常见了" in weak.content.decode() or "全都是数字" in weak.content.decode()
    assert "旧密码不正确" in wrong.content.decode()
    users[roles.STAFF].refresh_from_db()
    assert users[roles.STAFF].check_password(PASSWORD)


def test_it_locks_out_guessing_the_current_password(staff_client, users, settings):
    settings.AXES_FAILURE_LIMIT = 3
    url = reverse("password_change")
    new = {"new_password1": "Wz-2025-ok!x", "new_password2": "Wz-2025-ok!x"}

    answers = [staff_client.post(url, {"old_password": f"guess-{n}", **new}) for n in range(3)]
    right = staff_client.post(url, {"old_password": PASSWORD, **new})

    assert [a.status_code for a in answers] == [200, 200, 429]
    assert right.status_code == 429 and "锁定" in right.content.decode()
    users[roles.STAFF].refresh_from_db()
    assert users[roles.STAFF].check_password(PASSWORD)  # the right one, too late, changed nothing
    assert AccessAttempt.objects.get(username="staff").failures_since_start == 3
    assert sorted(actions(user=users[roles.STAFF], where=url)) == ["locked_out"] + ["login_failed"] * 3
    assert sign_in(Client(), "staff").status_code == 429  # the same lock as the sign-in page's


def test_it_sends_anonymous_users_to_sign_in_for_account_pages():
    client = Client()
    for name in ("account_security", "password_change", "two_factor_setup", "two_factor_verify"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and response["Location"].startswith(LOGIN), name


# --- two-factor sign-in -------------------------------------------------------------------------------------


def test_it_makes_an_administrator_set_up_two_factor_at_first_sign_in(users):
    client = Client()
    signed_in = sign_in(client, "admin")
    assert client.get("/", follow=False)["Location"].startswith(reverse("two_factor_setup"))
    assert client.get("/admin/")["Location"].startswith(reverse("two_factor_setup"))

    setup = client.get(reverse("two_factor_setup"))
    device = TOTPDevice.objects.get(user=users[roles.ADMIN], confirmed=False)
    wrong = client.post(reverse("two_factor_setup"), {"token": "000000" if code_for(device) != "000000" else "111111"})
    device.refresh_from_db()
    device.throttle_reset()  # a wrong code makes the next one wait a second
    confirmed = client.post(reverse("two_factor_setup"), {"token": code_for(device), "next": "/admin/"})

    assert signed_in.status_code == 302
    assert "<svg" in setup.content.decode() and "扫描" in setup.content.decode()
    assert "验证码不正确" in wrong.content.decode()
    assert confirmed["Location"] == "/admin/"
    assert TOTPDevice.objects.get(user=users[roles.ADMIN]).confirmed
    assert client.get("/admin/").status_code == 200
    assert "two_factor_enrolled" in actions(user=users[roles.ADMIN])


def test_it_asks_an_enrolled_administrator_for_a_code(users):
    device = TOTPDevice.objects.create(user=users[roles.ADMIN], name="phone", confirmed=True)
    client = Client()
    sign_in(client, "admin")

    assert client.get("/members/")["Location"].startswith(reverse("two_factor_verify"))
    refused = client.post(reverse("two_factor_verify"), {"token": "12345"})
    wrong = client.post(reverse("two_factor_verify"), {"token": "000000" if code_for(device) != "000000" else "111111"})
    # A new setup is not a way around the code: it sends back to the code.
    assert client.get(reverse("two_factor_setup"))["Location"].startswith(reverse("two_factor_verify"))
    assert TOTPDevice.objects.filter(user=users[roles.ADMIN]).count() == 1
    device.refresh_from_db()
    device.throttle_reset()
    accepted = client.post(reverse("two_factor_verify"), {"token": code_for(device), "next": "/members/"})

    assert "六位" in refused.content.decode()
    assert "验证码不正确" in wrong.content.decode()
    assert accepted["Location"] == "/members/"
    assert client.get("/members/").status_code == 200
    assert actions(user=users[roles.ADMIN]) == ["login", "two_factor_failed", "two_factor"]


def test_it_counts_repeated_wrong_codes_in_one_audit_row_and_throttles_them(users, settings):
    # django-otp waits factor × 2^(failures-1) seconds after a failure: with the default factor
    # of one second, thirty posts on a loaded machine outlast the wait and the last one is let
    # through. A minute's factor keeps every post after the first inside the wait.
    settings.OTP_TOTP_THROTTLE_FACTOR = 60
    device = TOTPDevice.objects.create(user=users[roles.ADMIN], name="authenticator", confirmed=True)
    client = Client()
    sign_in(client, "admin")
    wrong = "000000" if code_for(device) != "000000" else "111111"

    answers = [client.post(reverse("two_factor_verify"), {"token": wrong}) for _n in range(30)]
    right_away = client.post(reverse("two_factor_verify"), {"token": code_for(device)})

    assert "请稍等" in answers[-1].content.decode() or "稍后" in answers[-1].content.decode()
    assert right_away.status_code == 200  # the right code, while throttled, is refused too
    assert not client.session.get("otp_device_id")
    failed = AuditEvent.objects.filter(user=users[roles.ADMIN], action="two_factor_failed")
    assert [event.count for event in failed] == [31]


def test_it_requires_two_factor_for_any_django_admin_user(db):
    user = User.objects.create_user(username="clerk", password=PASSWORD, is_staff=True)
    client = Client()
    sign_in(client, "clerk")

    assert client.get("/admin/")["Location"].startswith(reverse("two_factor_setup"))
    assert user.is_staff


def test_it_keeps_two_factor_optional_for_other_roles(users, staff_client):
    client = Client()
    assert sign_in(client, "staff")["Location"] == "/"
    assert client.get("/").status_code == 200

    page = staff_client.get(reverse("account_security")).content.decode()
    staff_client.get(reverse("two_factor_setup"))
    device = TOTPDevice.objects.get(user=users[roles.STAFF])
    staff_client.post(reverse("two_factor_setup"), {"token": code_for(device)})

    assert "未开启" in page
    assert TOTPDevice.objects.get(user=users[roles.STAFF]).confirmed
    later = Client()
    sign_in(later, "staff")
    assert later.get("/")["Location"].startswith(reverse("two_factor_verify"))
    staff_client.post(reverse("two_factor_disable"))
    assert not TOTPDevice.objects.filter(user=users[roles.STAFF]).exists()


def test_it_does_not_let_an_administrator_switch_two_factor_off(admin_client_role, users):
    admin_client_role.post(reverse("two_factor_disable"))

    assert TOTPDevice.objects.filter(user=users[roles.ADMIN], confirmed=True).exists()


def test_it_resets_a_lost_authenticator_with_a_command(users, settings):
    settings.AXES_FAILURE_LIMIT = 2
    TOTPDevice.objects.create(user=users[roles.ADMIN], name="lost phone", confirmed=True)
    for _ in range(2):
        sign_in(Client(), "admin", "wrong")

    call_command("reset_two_factor", "admin")

    assert not TOTPDevice.objects.filter(user=users[roles.ADMIN]).exists()
    client = Client()
    assert sign_in(client, "admin").status_code == 302
    assert client.get("/")["Location"].startswith(reverse("two_factor_setup"))
    assert AuditEvent.objects.filter(action="two_factor_reset", object_id=str(users[roles.ADMIN].pk)).exists()


# --- no privilege escalation in Django admin -----------------------------------------------------------------


@pytest.fixture
def plain_admin(users):
    """An administrator by role, not a superuser (as in a real installation)."""
    user = users[roles.ADMIN]
    assert not user.is_superuser and user.is_staff
    return user


def _user_form(user: User, **changes) -> dict:
    data = {
        "username": user.username,
        "full_name": user.full_name,
        "groups": [g.pk for g in user.groups.all()],
        "sector_group": user.sector_group_id or "",
        "member": "",
        "first_name": "",
        "last_name": "",
        "email": "",
        "is_active": "on",
        "user_permissions": [],
        "date_joined_0": "2025-01-01",
        "date_joined_1": "08:00:00",
        "initial-date_joined_0": "2025-01-01",
        "initial-date_joined_1": "08:00:00",
    }
    data.update(changes)
    return data


def test_it_stops_an_administrator_making_itself_superuser(admin_client_role, plain_admin):
    url = reverse("admin:sectors_user_change", args=[plain_admin.pk])

    response = admin_client_role.post(url, _user_form(plain_admin, is_superuser="on", is_staff="on"))

    assert response.status_code == 302
    plain_admin.refresh_from_db()
    assert not plain_admin.is_superuser


def test_it_stops_an_administrator_granting_staff_status_or_foreign_permissions(admin_client_role, users):
    chairman = users[roles.CHAIRMAN]
    url = reverse("admin:sectors_user_change", args=[chairman.pk])
    foreign = Permission.objects.get(codename="add_group")  # not among the administrator role's permissions

    with_staff = admin_client_role.post(url, _user_form(chairman, is_staff="on"))
    with_perm = admin_client_role.post(url, _user_form(chairman, user_permissions=[foreign.pk]))

    assert with_staff.status_code == 302
    chairman.refresh_from_db()
    assert not chairman.is_staff and not chairman.user_permissions.exists()
    assert with_perm.status_code == 200  # the form refuses the choice
    form = admin_client_role.get(url).content.decode()
    assert f'value="{foreign.pk}"' not in form


def test_it_gives_admin_access_with_the_administrator_role(admin_client_role, users):
    chairman = users[roles.CHAIRMAN]
    admin_group = Group.objects.get(name=roles.GROUP_NAMES[roles.ADMIN])

    admin_client_role.post(
        reverse("admin:sectors_user_change", args=[chairman.pk]), _user_form(chairman, groups=[admin_group.pk])
    )

    chairman.refresh_from_db()
    assert chairman.is_staff and not chairman.is_superuser


def test_it_keeps_superusers_accounts_out_of_an_administrators_reach(admin_client_role, db):
    root = User.objects.create_superuser(username="root", password=PASSWORD)

    page = admin_client_role.get(reverse("admin:sectors_user_change", args=[root.pk])).content.decode()
    posted = admin_client_role.post(
        reverse("admin:sectors_user_change", args=[root.pk]), _user_form(root, is_active="")
    )
    password = admin_client_role.get(reverse("admin:auth_user_password_change", args=[root.pk]))

    assert 'name="is_active"' not in page  # shown read-only
    assert posted.status_code == 403 and password.status_code == 403
    root.refresh_from_db()
    assert root.is_active


def test_it_lets_a_superuser_still_grant_superuser(db):
    root = User.objects.create_superuser(username="root", password=PASSWORD)
    other = make_user(roles.STAFF, username="promoted")
    client = Client()
    log_in(client, root)

    client.post(reverse("admin:sectors_user_change", args=[other.pk]), _user_form(other, is_superuser="on"))

    other.refresh_from_db()
    assert other.is_superuser


# --- the account pages for every role ---------------------------------------------------------------------


@pytest.mark.parametrize("role", [roles.STAFF, roles.LEADER, roles.CHAIRMAN, roles.ADMIN])
def test_it_shows_every_role_their_account_page(role, clients):
    page = clients[role].get(reverse("account_security")).content.decode()

    assert "修改密码" in page
    if role == roles.ADMIN:
        assert "已开启" in page and reverse("two_factor_disable") not in page
    else:
        assert "未开启" in page and reverse("two_factor_setup") in page


@pytest.mark.parametrize("role", [roles.STAFF, roles.LEADER, roles.CHAIRMAN])
def test_it_lets_other_roles_set_up_two_factor(role, clients, users):
    client = clients[role]
    client.get(reverse("two_factor_setup"))
    device = TOTPDevice.objects.get(user=users[role], confirmed=False)

    done = client.post(reverse("two_factor_setup"), {"token": code_for(device), "next": "/"})

    assert done["Location"] == "/" and TOTPDevice.objects.get(user=users[role]).confirmed
    assert client.get("/").status_code == 200  # this session is verified


def test_it_refuses_to_switch_off_two_factor_before_the_code_is_given(users):
    TOTPDevice.objects.create(user=users[roles.STAFF], name="phone", confirmed=True)
    client = Client()
    sign_in(client, "staff")

    client.post(reverse("two_factor_disable"))

    assert TOTPDevice.objects.filter(user=users[roles.STAFF]).exists()


def test_it_never_redirects_off_site_after_the_code(users):
    device = TOTPDevice.objects.create(user=users[roles.ADMIN], name="phone", confirmed=True)
    client = Client()
    sign_in(client, "admin")

    done = client.post(reverse("two_factor_verify"), {"token": code_for(device), "next": "https://evil.example/"})

    assert done["Location"] == "/"
