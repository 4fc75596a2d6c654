"""No spreadsheet the portal hands out can run a formula a user typed.

A group leader types formulas (=HYPERLINK, +, -, @) into the portal's own forms;
then every export is opened: the admin's export of every model that has one
(every format it offers) and every export the portal's pages link to (found by
walking the URLconf as tests/test_access_walk.py does, so exports added later
are covered too). No cell may be a formula, and the typed text must still be
there, as text.
"""

from __future__ import annotations

import csv
import io
import re

import openpyxl
import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from activities.models import Activity, OpinionReport, Proposal
from portal import roles
from portal.spreadsheets import FORMULA_TRIGGERS
from sectors.models import Workstation

from .factories import log_in, make_member, make_user
from .test_access_walk import _rows_for, _url, _walked
from .test_fuzz_forms import _forms

FORMULA = '=HYPERLINK("http://x.cn","点")'
PLUS, MINUS, AT = "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1,1)"
EXPORT_HINTS = re.compile(r"export|xlsx|csv|excel|format=", re.IGNORECASE)


def _plant(client: Client, group, member) -> None:
    """Formulas typed by a leader into the forms of the portal."""
    common = {"group": group.pk, "workstation": ""}
    posts = [
        (
            reverse("activity_create"),
            {
                "groups": [group.pk],
                "kind": "study",
                "title": FORMULA,
                "date": "2025-03-01",
                "status": "held",
                "format": "offline",
                "location": PLUS,
                "partners": AT,
                "summary": MINUS,
                "other_participants": "0",
                "workstation": "",
            },
        ),
        (
            reverse("workstation_create"),
            {
                "group": group.pk,
                "name": FORMULA,
                "host_kind": "studio",
                "host_member": "",
                "address": PLUS,
                "established_on": "2024-06-01",
                "is_active": "on",
                "description": AT,
            },
        ),
        (
            reverse("opinionreport_create"),
            {
                **common,
                "title": FORMULA,
                "content": MINUS,
                "submitted_on": "2025-03-10",
                "submitters": [member.pk],
                "status": "submitted",
                "leader_comment": AT,
            },
        ),
        (
            reverse("proposal_create"),
            {
                "group": group.pk,
                "number": "",
                "title": FORMULA,
                "submitted_on": "2025-01-15",
                "proposers": [member.pk],
                "status": "submitted",
            },
        ),
        (
            reverse("contact_create"),
            {
                "member": member.pk,
                "constituent": "",
                "new_name": FORMULA[:40],
                "new_description": AT,
                "new_mobile": "",
                "way": "phone",
                "contacted_on": "2025-04-02",
                "note": PLUS,
            },
        ),
    ]
    for url, data in posts:
        response = client.post(url, data)
        assert response.status_code == 302, (url, response.context and response.context["form"].errors)
    assert Activity.objects.filter(title=FORMULA).exists() and Workstation.objects.filter(name=FORMULA).exists()
    assert OpinionReport.objects.filter(title=FORMULA).exists() and Proposal.objects.filter(title=FORMULA).exists()


def _spreadsheet_kind(response) -> str | None:
    content_type = response.get("Content-Type", "")
    disposition = response.get("Content-Disposition", "")
    if "spreadsheetml" in content_type or ".xlsx" in disposition:
        return "xlsx"
    if "csv" in content_type or ".csv" in disposition:
        return "csv"
    return None


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _cells(kind: str, body: bytes) -> list[tuple[str, object]]:
    """(where, value) of every cell; a formula cell's value is reported as FORMULA!."""
    found = []
    if kind == "xlsx":
        book = openpyxl.load_workbook(io.BytesIO(body))
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    value = "FORMULA!" if cell.data_type == "f" else cell.value
                    found.append((f"{sheet.title}!{cell.coordinate}", value))
    else:
        text = body.decode("utf-8-sig")
        for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
            found += [(f"row {number}", value) for value in row]
    return found


def _unsafe(kind: str, cells: list[tuple[str, object]]) -> list[str]:
    bad = []
    for where, value in cells:
        if value == "FORMULA!":
            bad.append(f"{where} is a formula")
        elif kind == "csv" and isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
            bad.append(f"{where} starts like a formula: {value[:30]}")
    return bad


def _check(label: str, response, checked: list[str], failures: list[str]) -> None:
    kind = _spreadsheet_kind(response)
    if kind is None:
        return
    cells = _cells(kind, _body(response))
    checked.append(label)
    failures += [f"{label}: {problem}" for problem in _unsafe(kind, cells)]
    texts = " ".join(str(value) for _, value in cells)
    if "HYPERLINK" not in texts and "x.cn" not in texts:
        checked.append(f"{label} (no planted text in it)")


def _admin_exports(client: Client, checked: list[str], failures: list[str]) -> None:
    for model, model_admin in admin.site._registry.items():
        if not getattr(model_admin, "resource_classes", None):
            continue
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_export")
        page = client.get(url)
        assert page.status_code == 200, url
        form = next(f for f in _forms(page.content.decode()) if "format" in f["data"])
        data = {name: values for name, values in form["data"].items() if name != "csrfmiddlewaretoken"}
        formats = model_admin.get_export_formats()
        for index, export_format in enumerate(formats):
            response = client.post(url, {**data, "format": [str(index)]})
            assert _spreadsheet_kind(response), (url, export_format, response.content[:3000])
            _check(f"admin {model._meta.model_name} {export_format().get_title()}", response, checked, failures)


def _portal_exports(client: Client, rows: dict, role: str, checked: list[str], failures: list[str]) -> None:
    seen: set[str] = set()
    for pattern, namespace in _walked():
        if role not in pattern.callback.access_roles:
            continue
        url = _url(pattern, namespace, rows)
        response = client.get(url)
        _check(f"{role} {url}", response, checked, failures)
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        for link in re.findall(r'href="([^"#]+)"', response.content.decode()):
            link = link.replace("&amp;", "&")
            portal_link = link.startswith("/") and not link.startswith("/admin/")
            if portal_link and EXPORT_HINTS.search(link) and link not in seen:
                seen.add(link)
                _check(f"{role} {link}", client.get(link), checked, failures)


@pytest.mark.parametrize("role", [roles.STAFF, roles.LEADER, roles.CHAIRMAN])
def test_it_opens_every_export_without_a_formula(role, clients, users, group_a, group_b):
    member = make_member(group_a, "李委员")
    _plant(clients[roles.LEADER], group_a, member)
    rows = _rows_for(group_a, "A")
    checked: list[str] = []
    failures: list[str] = []
    _portal_exports(clients[role], rows, role, checked, failures)
    if role == roles.STAFF:
        superuser = make_user(roles.ADMIN, username="root")
        superuser.is_superuser = True
        superuser.save(update_fields=["is_superuser"])
        root = Client()
        log_in(root, superuser)  # past two-factor sign-in, which Django admin requires
        _admin_exports(root, checked, failures)
        assert any(label.startswith("admin activity") for label in checked)
    print("exports opened:", *checked, sep="\n  ")
    assert failures == [], "\n".join(failures)
    assert not [label for label in checked if label.endswith("(no planted text in it)") and "admin activity" in label]
