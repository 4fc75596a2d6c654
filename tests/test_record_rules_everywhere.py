"""The rules of a record hold for every writer (the portal's form and the
admin alike): a duty report's reporter belongs to the group on the meeting's
date; an opinion report names a workstation open on its date."""

from __future__ import annotations

import datetime

from django.urls import reverse

from activities.carriers import ActivityKind
from activities.models import DutyReport, OpinionReport
from sectors.models import GroupMembership, Workstation

from .factories import make_activity, make_member
from .test_records_opinion_reports import form_data

D = datetime.date


def _admin_url(model, view="add"):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}")


def test_the_admin_refuses_a_reporter_who_was_not_in_the_group_on_the_meetings_date(
    admin_client_role, group_a, group_b
):
    moved = make_member(group_b, "赵委员", until=D(2025, 11, 30))
    GroupMembership.objects.create(member=moved, group=group_a, start_date=D(2025, 12, 1))
    meeting = make_activity([group_b], kind=ActivityKind.DUTY_REPORT, date=D(2025, 12, 20))
    data = {
        "group": group_b.pk,
        "member": moved.pk,
        "meeting": meeting.pk,
        "title": "述职",
        "reported_on": "2025-12-20",
    }

    response = admin_client_role.post(_admin_url(DutyReport), data)

    assert "2025-12-20" in str(response.context["adminform"].form.errors["member"])
    assert not DutyReport.objects.exists()


def test_the_admin_refuses_a_meeting_of_another_group(admin_client_role, group_a, group_b, leader_member):
    meeting = make_activity([group_b], kind=ActivityKind.DUTY_REPORT, date=D(2025, 12, 20))
    data = {"group": group_a.pk, "member": leader_member.pk, "meeting": meeting.pk, "title": "述职"}
    data["reported_on"] = "2025-12-20"

    response = admin_client_role.post(_admin_url(DutyReport), data)

    assert response.context["adminform"].form.errors["meeting"]
    assert not DutyReport.objects.exists()


def test_the_admin_accepts_a_member_of_the_group_on_the_meetings_date(admin_client_role, group_a, leader_member):
    meeting = make_activity([group_a], kind=ActivityKind.DUTY_REPORT, date=D(2025, 12, 20))
    data = {"group": group_a.pk, "member": leader_member.pk, "meeting": meeting.pk, "title": "述职"}
    data["reported_on"] = "2025-12-20"

    admin_client_role.post(_admin_url(DutyReport), data)

    assert DutyReport.objects.get().member == leader_member


def _station(group, since, until=None):
    return Workstation.objects.create(
        group=group, name="驿站", host_kind=Workstation.HostKind.STUDIO, established_on=since, closed_on=until
    )


def test_the_form_refuses_a_workstation_not_open_on_the_reports_date(staff_client, group_a, leader_member):
    station = _station(group_a, since=D(2025, 5, 1))
    data = form_data(group_a, [leader_member], workstation=station.pk, submitted_on="2025-03-10")

    response = staff_client.post(reverse("opinionreport_create"), data)

    assert "2025-03-10" in str(response.context["form"].errors["workstation"])
    assert not OpinionReport.objects.exists()
    staff_client.post(reverse("opinionreport_create"), data | {"submitted_on": "2025-05-02"})
    assert OpinionReport.objects.get().workstation == station


def test_the_admin_refuses_a_workstation_closed_before_the_reports_date(admin_client_role, group_a, leader_member):
    station = _station(group_a, since=D(2024, 1, 1), until=D(2025, 2, 1))
    data = {
        "group": group_a.pk,
        "workstation": station.pk,
        "title": "关于加装电梯的建议",
        "content": "",
        "submitted_on": "2025-03-10",
        "submitters": [leader_member.pk],
        "status": OpinionReport.Status.SUBMITTED,
        "leader_comment": "",
    }

    response = admin_client_role.post(_admin_url(OpinionReport), data)

    assert response.context["adminform"].form.errors["workstation"]
    assert not OpinionReport.objects.exists()


def test_the_import_refuses_a_reporter_who_was_not_in_the_group_on_the_meetings_date(staff_client, group_a, group_b):
    from . import sheets
    from .test_import_activities import HEADERS
    from .test_import_members import import_file

    moved = make_member(group_b, "赵委员", since=D(2020, 1, 1), until=D(2024, 11, 30))
    GroupMembership.objects.create(member=moved, group=group_a, start_date=D(2024, 12, 1))
    rows = [HEADERS, ["医卫", "界别述职会", "2024年度述职会", "2024年12月20日", "", "", "", "", "赵委员", ""]]

    run = import_file(staff_client, sheets.xlsx(rows), "台账.xlsx", "activities")

    assert run.rejected_count == 1 and not DutyReport.objects.exists()
