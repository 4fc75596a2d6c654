"""Personal data in exports and import reports: every export that holds full ID-card or
mobile numbers is audited (whose, how many), and an ended import keeps no full numbers."""

from __future__ import annotations

import datetime
import io

import openpyxl
from django.urls import reverse

from activities.models import ConstituentContact
from portal import roles
from sectors.models import AuditEvent, Constituent, ImportRun

from . import sheets
from .factories import make_member, valid_id_card
from .test_import_members import confirm, last_run, upload

ID_CARD = valid_id_card(birth="19800509", serial="011")


def personal_events():
    return AuditEvent.objects.filter(action=AuditEvent.Action.PERSONAL_DATA).order_by("id")


def test_it_audits_the_member_export_with_whose_and_how_many(clients, users, group_a, leader_member):
    shown = make_member(group_a, "有号码", id_card=ID_CARD, mobile="13912345678")
    make_member(group_a, "无号码")
    clients[roles.STAFF].get(reverse("member_export"))
    event = personal_events().get()
    assert (event.user, event.model, event.count) == (users[roles.STAFF], "sectors.member", 1)
    assert event.detail == str(shown.pk) and event.where.startswith(reverse("member_export"))


def test_it_does_not_audit_an_export_with_masked_numbers(clients, users, group_a, leader_member):
    make_member(group_a, "有号码", id_card=ID_CARD, mobile="13912345678")
    clients[roles.LEADER].get(reverse("member_export"))
    assert not personal_events().exists()


def test_it_audits_the_contacts_export_by_constituent(clients, users, group_a, leader_member):
    people = [
        Constituent.objects.create(committee=group_a.committee, name=name, mobile=mobile)
        for name, mobile in (("甲群众", "13900001111"), ("乙群众", ""))
    ]
    for person in people:
        ConstituentContact.objects.create(
            group=group_a, member=leader_member, constituent=person, way="phone", contacted_on=datetime.date(2025, 3, 1)
        )
    clients[roles.STAFF].get(reverse("contact_export"))
    event = personal_events().get()
    assert (event.model, event.count, event.detail) == ("sectors.constituent", 1, str(people[0].pk))


def _rejected_roster() -> bytes:
    rows = [
        ["姓名", "出生日期", "界别", "手机", "身份证号"],
        ["错组", datetime.date(1980, 5, 9), "不存在界", "13912345678", ID_CARD],
        ["错生日", "1975-11-20", "民盟", "13912340000", ID_CARD],
    ]
    return sheets.xlsx(rows)


def test_it_audits_the_rejected_rows_file_while_it_holds_full_numbers(admin_client_role, users, group_a):
    upload(admin_client_role, _rejected_roster())
    run = last_run()
    response = admin_client_role.get(reverse("import_errors", kwargs={"run_id": run.pk}))
    assert ID_CARD in [
        cell for row in openpyxl.load_workbook(io.BytesIO(response.content)).active.values for cell in row
    ]
    event = personal_events().get()
    assert (event.user, event.model, event.object_id, event.count) == (
        users[roles.ADMIN],
        "sectors.importrun",
        str(run.pk),
        2,
    )


def test_it_masks_the_rejected_rows_once_the_import_has_ended(admin_client_role, group_a):
    upload(admin_client_role, _rejected_roster())
    run = last_run()
    assert ID_CARD in str(run.report)  # the preview's rejected rows, for fixing the file
    confirm(admin_client_role, run)
    run.refresh_from_db()
    assert run.status == ImportRun.Status.DONE and not run.stored_file
    kept = str(run.report)
    assert ID_CARD not in kept and "13912345678" not in kept
    assert "19800509" not in kept and "1980-05-09" not in kept and "1975-11-20" not in kept
    rows = run.report["rejected_rows"]
    assert rows["2"][3:] == ["139****5678", ID_CARD[:6] + "********" + ID_CARD[-4:]]
    assert rows["2"][1] == "1980"
    response = admin_client_role.get(reverse("import_errors", kwargs={"run_id": run.pk}))
    assert ID_CARD not in _cells(response) and "13912345678" not in _cells(response)
    assert not personal_events().exists()


def test_it_masks_cancelled_and_earlier_ended_runs(admin_client_role, group_a):
    upload(admin_client_role, _rejected_roster())
    cancelled = last_run()
    admin_client_role.post(reverse("import_cancel", kwargs={"run_id": cancelled.pk}))
    cancelled.refresh_from_db()
    assert ID_CARD not in str(cancelled.report)
    # A run that ended before reports were masked is masked by the next upload.
    ImportRun.objects.filter(pk=cancelled.pk).update(report=_unmasked(cancelled))
    upload(admin_client_role, _rejected_roster())
    cancelled.refresh_from_db()
    assert ID_CARD not in str(cancelled.report) and cancelled.report["masked"]


def _unmasked(run: ImportRun) -> dict:
    return {
        **run.report,
        "masked": False,
        "rejected_rows": {"2": ["错组", "1980-05-09", "不存在界", "13912345678", ID_CARD]},
    }


def _cells(response) -> list:
    return [cell for row in openpyxl.load_workbook(io.BytesIO(response.content)).active.values for cell in row]
