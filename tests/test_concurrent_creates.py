"""Six identical submissions at once save one record, on every entry form; the
others get a form error, never a 500 (sectors.submissions). Real threads, each
with its own database connection, against the views."""

from __future__ import annotations

import datetime
import re
import sqlite3
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse

from activities.carriers import ActivityKind
from activities.models import Activity, ConstituentContact, DutyReport, GroupDocument, OpinionReport, Proposal
from sectors.models import Constituent, Member, Workstation

from .factories import make_activity, make_member
from .test_member_form import CREATE_URL, member_post

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("file_database")]

AT_ONCE = 6


def _post_at_once(client: Client, url: str, data: dict, files=None) -> list[int]:
    """POST the same data from AT_ONCE threads released together; their status codes."""
    barrier, statuses, errors = threading.Barrier(AT_ONCE), [], []

    def send() -> None:
        own = Client()
        own.cookies = client.cookies
        payload = dict(data)
        if files:
            payload.update(files())
        try:
            barrier.wait()
            response = own.post(url, payload)
            statuses.append(response.status_code)
            if response.status_code == 200 and response.context and "form" in response.context:
                errors.append(response.context["form"].errors)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(AT_ONCE)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(errors) == AT_ONCE - 1, errors  # the others were told why (on the form)
    return statuses


def _issued_key(client: Client, url: str) -> str:
    page = client.get(url).content.decode()
    return re.search(r'name="submission_key" value="([^"]+)"', page).group(1)


@pytest.fixture
def file_database(transactional_db, tmp_path, member_a, users):
    """On SQLite, the test's data copied to a database file that every thread opens, as
    the portal's own SQLite file (WAL, IMMEDIATE transactions): the shared in-memory test
    database locks whole tables instead of waiting, which no installation does."""
    if connection.vendor != "sqlite":
        yield
        return
    memory = connection.settings_dict["NAME"]
    path = tmp_path / "concurrent.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.close()
    # Django never closes an in-memory database's connection (it would vanish): set it aside.
    in_memory, connection.connection = connection.connection, None
    connection.settings_dict["NAME"] = str(path)
    try:
        yield
    finally:
        connection.connection.close()
        connection.connection = in_memory
        connection.settings_dict["NAME"] = memory


@pytest.fixture
def member_a(group_a):
    return make_member(group_a, "李委员")


def _forms(group, member, meeting):
    """(URL name, form data, uploaded files, the model whose rows are counted) per entry form."""
    pdf = lambda: {"file": SimpleUploadedFile("计划.pdf", b"%PDF-1.4 plan", content_type="application/pdf")}  # noqa: E731
    return {
        "opinionreport": (
            "opinionreport_create",
            {
                "group": group.pk,
                "title": "加装电梯",
                "content": "建议",
                "submitted_on": "2025-03-05",
                "submitters": [member.pk],
            },
            None,
            OpinionReport,
        ),
        "proposal": (
            "proposal_create",
            {
                "group": group.pk,
                "number": "",
                "title": "基层医疗",
                "submitted_on": "2025-01-15",
                "proposers": [member.pk],
                "status": "submitted",
            },
            None,
            Proposal,
        ),
        "numbered_proposal": (
            "proposal_create",
            {
                "group": group.pk,
                "number": "12-001",
                "title": "基层医疗",
                "submitted_on": "2025-01-15",
                "proposers": [member.pk],
                "status": "submitted",
            },
            None,
            Proposal,
        ),
        "contact": (
            "contact_create",
            {
                "member": member.pk,
                "constituent": "",
                "new_name": "王五",
                "new_description": "",
                "new_mobile": "13812345678",
                "way": "in_person",
                "contacted_on": "2025-04-02",
                "note": "",
            },
            None,
            ConstituentContact,
        ),
        "workstation": (
            "workstation_create",
            {
                "group": group.pk,
                "name": "民盟驿站",
                "host_kind": "studio",
                "host_member": "",
                "address": "",
                "established_on": "2023-06-01",
                "closed_on": "",
                "description": "",
            },
            None,
            Workstation,
        ),
        "dutyreport": (
            "dutyreport_create",
            {"member": member.pk, "meeting": "", "title": "我的履职", "reported_on": "2025-03-05"},
            None,
            DutyReport,
        ),
        "meeting_dutyreport": (
            "dutyreport_create",
            {"member": member.pk, "meeting": meeting.pk, "title": "我的履职", "reported_on": ""},
            None,
            DutyReport,
        ),
        "document": (
            "document_create",
            {"group": group.pk, "year": 2025, "kind": "plan", "title": "工作计划", "dated": "2025-01-20"},
            pdf,
            GroupDocument,
        ),
        "activity": (
            "activity_create",
            {
                "groups": [group.pk],
                "kind": ActivityKind.STUDY,
                "title": "学习",
                "date": "2025-03-01",
                "status": "held",
                "format": "offline",
                "location": "",
                "partners": "",
                "summary": "",
                "other_participants": "0",
                "workstation": "",
                "confirm_duplicate": "on",
            },
            None,
            Activity,
        ),
    }


FORMS = [
    "opinionreport",
    "proposal",
    "numbered_proposal",
    "contact",
    "workstation",
    "dutyreport",
    "meeting_dutyreport",
    "document",
    "activity",
]


@pytest.mark.parametrize("with_key", [True, False], ids=["issued key", "no key"])
@pytest.mark.parametrize("form", FORMS)
def test_six_identical_submissions_at_once_save_one_record(leader_client, group_a, member_a, form, with_key):
    meeting = make_activity([group_a], kind=ActivityKind.DUTY_REPORT, date=datetime.date(2025, 3, 5), title="述职会")
    url_name, data, files, model = _forms(group_a, member_a, meeting)[form]
    before = model.objects.count()
    url = reverse(url_name)
    if with_key:
        data["submission_key"] = _issued_key(leader_client, url)
    statuses = _post_at_once(leader_client, url, data, files)
    assert model.objects.count() == before + 1
    assert sorted(statuses) == [200] * (AT_ONCE - 1) + [302]  # one saved, five told why not
    if form == "contact":
        assert Constituent.objects.filter(name="王五").count() == 1


def test_a_used_key_is_refused_with_a_form_error(leader_client, group_a, member_a):
    url = reverse("proposal_create")
    data = {
        "group": group_a.pk,
        "number": "",
        "title": "基层医疗",
        "submitted_on": "2025-01-15",
        "proposers": [member_a.pk],
        "status": "submitted",
        "submission_key": _issued_key(leader_client, url),
    }
    assert leader_client.post(url, data).status_code == 302
    again = leader_client.post(url, data)
    assert again.status_code == 200 and "已提交并保存" in again.content.decode()
    assert Proposal.objects.count() == 1


def test_six_identical_new_members_at_once_save_one(staff_client, group_a):
    statuses = _post_at_once(staff_client, CREATE_URL, member_post(group_a))
    assert Member.objects.filter(member_number="N001").count() == 1
    assert sorted(statuses) == [200] * (AT_ONCE - 1) + [302]
