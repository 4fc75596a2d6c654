"""The audit trail: history on every model (committees, terms, constituents
and users included, without password hashes or personal data), bulk writes,
imports and exports recorded, and the administrators' page that lists,
filters and exports all of it."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from activities.models import OpinionReport
from portal import roles
from sectors.audit import events as audit
from sectors.models import AuditEvent, Committee, Constituent, Term, User

from .factories import make_member
from .test_member_import import sheet
from .test_personal_data import admin_export

URL = reverse("audit_log")


# --- history on every model ---------------------------------------------------------------------------


def test_it_keeps_the_history_of_committees_terms_constituents_and_users(committee, users):
    committee.short_name = "温州政协"
    committee.save()
    term = Term.objects.create(committee=committee, number=13, start_date=datetime.date(2027, 1, 1))
    constituent = Constituent.objects.create(committee=committee, name="群众甲", mobile="13912345678")
    constituent.description = "个体户"
    constituent.save()
    user = users[roles.STAFF]
    user.groups.add(Group.objects.get(name=roles.GROUP_NAMES[roles.CHAIRMAN]))
    user.full_name = "新名字"
    user.save()

    assert committee.history.count() == 2 and term.history.count() == 1
    assert constituent.history.count() == 2
    assert user.history.first().full_name == "新名字"
    historical_user_fields = {f.name for f in User.history.model._meta.fields}
    assert not {"password", "email", "last_login"} & historical_user_fields
    assert "mobile" not in {f.name for f in Constituent.history.model._meta.fields}


def test_it_adds_no_user_history_row_at_sign_in(users):
    user = users[roles.CHAIRMAN]
    before = user.history.count()

    Client().post("/accounts/login/", {"username": "chairman", "password": "pw-for-tests-1"})

    user.refresh_from_db()
    assert user.last_login is not None and user.history.count() == before


# --- what bypasses the history --------------------------------------------------------------------------


def test_it_records_bulk_writes_through_the_helper(users):
    audit.record_bulk_write(model=OpinionReport, count=12, user=users[roles.STAFF], detail="status=submitted")

    event = AuditEvent.objects.get()
    assert (event.action, event.model, event.count, event.user) == (
        "bulk_write",
        "activities.opinionreport",
        12,
        users[roles.STAFF],
    )


def test_it_records_the_bulk_retirement_of_a_term(committee):
    Term.objects.filter(committee=committee).update(is_current=False)
    Term.objects.create(committee=committee, number=11, start_date=datetime.date(2017, 1, 1), is_current=True)

    call_command("setup_committee", verbosity=0)  # retires term 11 with update(), marks 12 current

    event = AuditEvent.objects.get(action="bulk_write", model="sectors.term")
    assert event.count == 1 and "setup_committee" in event.detail


def test_it_records_an_import_and_an_export_in_the_admin(admin_client_role, users, group_a, group_b):
    # Sector groups are the admin's one import left (members are imported on the portal's page).
    upload = io.BytesIO(
        sheet(["新界别", "新界别全称", "field", 40, "1"], headers=["简称", "名称", "类别", "排序", "启用"])
    )
    upload.name = "界别.xlsx"
    preview = admin_client_role.post(
        reverse("admin:sectors_sectorgroup_import"), {"format": "0", "resource": "0", "import_file": upload}
    )
    admin_client_role.post(
        reverse("admin:sectors_sectorgroup_process_import"),
        {**preview.context["confirm_form"].initial, "resource": "0"},
    )
    admin_export(admin_client_role)

    imported = AuditEvent.objects.get(action="import")
    exported = AuditEvent.objects.get(action="export")
    assert (imported.user, imported.model, imported.count) == (users[roles.ADMIN], "sectors.sectorgroup", 1)
    assert exported.user == users[roles.ADMIN] and exported.where == reverse("admin:sectors_member_export")
    assert ".xlsx" in exported.detail


def test_it_records_portal_exports(admin_client_role, users):
    admin_client_role.get(f"{URL}?format=xlsx")

    event = AuditEvent.objects.get(action="export")
    assert event.user == users[roles.ADMIN] and event.where == f"{URL}?format=xlsx"


# --- the administrators' page -------------------------------------------------------------------------------


@pytest.fixture
def trail(staff_client, leader_client, users, group_a):
    member = make_member(group_a, "审计委员")
    data = {
        "group": group_a.pk,
        "workstation": "",
        "title": "审计用的信息",
        "content": "",
        "submitted_on": "2025-03-10",
        "submitters": [member.pk],
        "leader_comment": "",
    }
    staff_client.post(reverse("opinionreport_create"), {**data, "status": "submitted"})
    leader_client.post(
        reverse("opinionreport_edit", args=[OpinionReport.objects.get().pk]), {**data, "title": "改过的"}
    )
    Client().post("/accounts/login/", {"username": "staff", "password": "wrong"})
    return member


def test_it_lists_changes_and_events_together_for_an_administrator(admin_client_role, trail):
    page = admin_client_role.get(URL)

    html = page.content.decode()
    assert page.status_code == 200
    assert "审计用的信息" in html and "改过的" in html
    assert "登录失败" in html
    rows = page.context["rows"]
    assert rows == sorted(rows, key=lambda r: r.when, reverse=True)


def test_it_filters_by_user_model_action_and_date(admin_client_role, users, trail):
    def shown(**params):
        return admin_client_role.get(URL, params).context["rows"]

    by_leader = shown(user=users[roles.LEADER].pk)
    reports = shown(model="activities.opinionreport")
    created = shown(model="activities.opinionreport", action="created")
    changed = shown(model="activities.opinionreport", action="changed")
    failures = shown(action="login_failed")
    future = shown(date_from="2099-01-01")

    assert by_leader and all(r.username == "leader" for r in by_leader)
    assert {r.label for r in reports} == {"审计用的信息", "改过的"}
    assert [r.label for r in created] == ["审计用的信息"]
    assert "改过的" in {r.label for r in changed} and len({r.action for r in changed}) == 1
    assert [r.username for r in failures] == ["staff"]
    assert future == []


def test_it_exports_the_filtered_trail(admin_client_role, trail):
    response = admin_client_role.get(URL, {"model": "activities.opinionreport", "format": "xlsx"})

    book = openpyxl.load_workbook(io.BytesIO(response.content))
    values = list(book.active.iter_rows(values_only=True))
    assert values[0][:3] == ("时间", "用户", "操作")
    assert {r[5] for r in values[1:]} == {"审计用的信息", "改过的"}
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("role", [roles.STAFF, roles.LEADER, roles.CHAIRMAN])
def test_it_refuses_the_trail_to_everyone_but_administrators(role, clients):
    assert clients[role].get(URL).status_code == 403
    assert clients[role].get(URL, {"format": "xlsx"}).status_code == 403


def test_it_sends_anonymous_users_to_sign_in(db):
    response = Client().get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_it_ignores_bad_filters(admin_client_role, trail):
    response = admin_client_role.get(URL, {"user": "99999999999", "date_from": "2025-02-30", "model": "x.y"})

    assert response.status_code == 200 and response.context["rows"]


def test_it_shows_committee_history_in_the_trail(admin_client_role, committee):
    committee.name = "温州市政协（新）"
    committee.save()
    assert Committee.history.count() >= 1

    rows = admin_client_role.get(URL, {"model": "sectors.committee"}).context["rows"]

    assert "温州市政协（新）" in {r.label for r in rows}


def test_it_filters_by_local_dates_at_their_edges(admin_client_role, users):
    import zoneinfo

    shanghai = zoneinfo.ZoneInfo("Asia/Shanghai")
    for hour in (0, 23):
        event = audit.record(action="export", user=users[roles.STAFF], detail=f"h{hour}")
        AuditEvent.objects.filter(pk=event.pk).update(when=datetime.datetime(2025, 3, 1, hour, 30, tzinfo=shanghai))

    def details(**params):
        return {r.detail for r in admin_client_role.get(URL, {"action": "export", **params}).context["rows"]}

    assert details(date_from="2025-03-01", date_to="2025-03-01") == {"h0", "h23"}
    assert details(date_from="2025-03-02") == set() and details(date_to="2025-02-28") == set()
    assert details(date_to="9999-12-31") == {"h0", "h23"}
