"""The rules of a record hold for every writer (the portal's form, the import
and the admin alike; activities.rules, the models' clean()): a duty report's
reporter belongs to the group on the meeting's date; an opinion report names a
workstation open on its date; no date is in the future (one rule, through
every writer); numbers, contacts and reports are recorded once; the members a
record names belong to its group."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from activities.carriers import ActivityKind
from activities.models import Activity, ConstituentContact, DutyReport, GroupDocument, OpinionReport, Proposal
from portal import clock
from sectors.models import Constituent, GroupMembership, Workstation

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


# --- one rule through every writer: no date in the future ------------------------------------


def _tomorrow() -> datetime.date:
    return clock.today() + datetime.timedelta(days=1)


def _said(message: str) -> str:
    with translation.override("zh-hans"):
        return gettext(message)


def _admin_post(client, model, data: dict):
    """The admin's add form posted, with its inlines left empty."""
    page = client.get(_admin_url(model))
    for inline in page.context["inline_admin_formsets"]:
        prefix = inline.formset.prefix
        data = data | {f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0}
    return client.post(_admin_url(model), data)


def _admin_errors(response) -> dict:
    return {name: " ".join(messages) for name, messages in response.context["adminform"].form.errors.items()}


def _activity_admin_data(group, **changes) -> dict:
    data = {
        "committee": group.committee_id,
        "groups": [group.pk],
        "kind": ActivityKind.STUDY,
        "title": "学习会",
        "date": "2025-03-01",
        "status": Activity.Status.HELD,
        "format": Activity.Format.OFFLINE,
        "other_participants": 0,
        "created_at_0": "2025-03-01",
        "created_at_1": "09:00:00",
    }
    return data | changes


def test_the_form_refuses_a_held_activity_in_the_future(staff_client, group_a):
    from .test_activity_form import form_data as activity_form

    page = staff_client.post(reverse("activity_create"), activity_form([group_a], date=_tomorrow().isoformat()))

    assert _said("A held activity cannot be in the future; record it as planned instead.") in page.content.decode()
    assert not Activity.objects.exists()


def test_the_import_refuses_a_held_activity_in_the_future(staff_client, group_a):
    from . import sheets
    from .test_import_activities import HEADERS
    from .test_import_members import last_run, upload

    rows = [HEADERS, ["民盟", "学习", "明天的学习会", _tomorrow().isoformat(), "", "", "", "", "", ""]]

    upload(staff_client, sheets.xlsx(rows), "台账.xlsx", "activities")

    run = last_run()
    assert run.rejected_count == 1 and not Activity.objects.exists()
    assert _said("A held activity cannot be in the future; record it as planned instead.") in str(run.report)


def test_the_admin_refuses_a_held_activity_in_the_future_and_accepts_a_planned_one(admin_client_role, group_a):
    tomorrow = _tomorrow().isoformat()

    refused = _admin_post(admin_client_role, Activity, _activity_admin_data(group_a, date=tomorrow))

    assert (
        _said("A held activity cannot be in the future; record it as planned instead.")
        in _admin_errors(refused)["date"]
    )
    assert not Activity.objects.exists()
    _admin_post(admin_client_role, Activity, _activity_admin_data(group_a, date=tomorrow, status="planned"))
    assert Activity.objects.get().status == Activity.Status.PLANNED


def test_the_admin_refuses_a_workstation_of_another_group_for_an_activity(admin_client_role, group_a, group_b):
    station = _station(group_b, since=D(2024, 1, 1))

    response = _admin_post(admin_client_role, Activity, _activity_admin_data(group_a, workstation=station.pk))

    assert _said("The workstation must belong to one of the chosen groups.") in _admin_errors(response)["workstation"]
    assert not Activity.objects.exists()


def test_the_form_the_import_and_the_admin_refuse_a_workstation_set_up_in_the_future(
    staff_client, admin_client_role, group_a
):
    from . import sheets
    from .test_import_members import last_run, upload

    tomorrow = _tomorrow().isoformat()
    station = {"group": group_a.pk, "name": "明日驿站", "host_kind": Workstation.HostKind.STUDIO}
    station |= {"address": "", "established_on": tomorrow, "closed_on": "", "description": "", "host_member": ""}

    form = staff_client.post(reverse("workstation_create"), station)
    admin = admin_client_role.post(reverse("admin:sectors_workstation_add"), station | {"is_active": "on"})
    rows = [
        ["名称", "界别活动组", "依托", "依托委员", "地址", "成立日期"],
        ["明日驿站", "民盟", "委员工作室", "", "", tomorrow],
    ]
    upload(staff_client, sheets.xlsx(rows), "工作站.xlsx", "workstations")

    in_the_future = _said("This date is in the future.")
    assert in_the_future in " ".join(form.context["form"].errors["established_on"])
    assert in_the_future in _admin_errors(admin)["established_on"]
    assert last_run().rejected_count == 1 and in_the_future in str(last_run().report)
    assert not Workstation.objects.exists()


def test_the_admin_refuses_a_station_closed_before_it_was_set_up(admin_client_role, group_a):
    station = {"group": group_a.pk, "name": "驿站", "host_kind": Workstation.HostKind.STUDIO, "address": ""}
    station |= {"established_on": "2025-03-01", "closed_on": "2025-02-01", "description": "", "host_member": ""}

    response = admin_client_role.post(reverse("admin:sectors_workstation_add"), station)

    assert _said("A station cannot close before it was set up.") in _admin_errors(response)["closed_on"]


# --- the admin: each record's own rules, as the portal's forms state them ---------------------


def _no_inline_rows(*prefixes: str) -> dict:
    """The management forms of the admin page's inlines (adoptions, handlings, instructions), empty."""
    return {
        f"{prefix}-{field}": value
        for prefix in prefixes
        for field, value in (
            ("TOTAL_FORMS", "0"),
            ("INITIAL_FORMS", "0"),
            ("MIN_NUM_FORMS", "0"),
            ("MAX_NUM_FORMS", "1000"),
        )
    }


def _report_admin_data(group, submitters, **changes) -> dict:
    return (
        form_data(group, submitters)
        | {"committee": group.committee_id, "adopted_on": "", "adopted_by": ""}
        | _no_inline_rows("adoptions", "instructions")
        | changes
    )


def test_the_admin_refuses_an_opinion_report_dated_in_the_future(admin_client_role, group_a, leader_member):
    data = _report_admin_data(group_a, [leader_member], submitted_on=_tomorrow().isoformat())

    response = admin_client_role.post(_admin_url(OpinionReport), data)

    assert _said("This date is in the future.") in _admin_errors(response)["submitted_on"]
    assert not OpinionReport.objects.exists()


def test_the_admin_refuses_submitters_of_another_group(admin_client_role, group_a, group_b, leader_member):
    stranger = make_member(group_b, "赵委员")

    response = admin_client_role.post(_admin_url(OpinionReport), _report_admin_data(group_a, [leader_member, stranger]))

    assert "赵委员" in _admin_errors(response)["submitters"]
    assert not OpinionReport.objects.exists()


def test_the_admin_refuses_the_same_opinion_report_twice_in_the_portals_words(
    admin_client_role, group_a, leader_member
):
    admin_client_role.post(_admin_url(OpinionReport), _report_admin_data(group_a, [leader_member]))

    again = admin_client_role.post(_admin_url(OpinionReport), _report_admin_data(group_a, [leader_member]))

    assert _said("This report is already recorded for this group on this date.") in _admin_errors(again)["title"]
    assert OpinionReport.objects.count() == 1


def _proposal_admin_data(group, proposers, **changes) -> dict:
    data = {
        "committee": group.committee_id,
        "group": group.pk,
        "number": "A-12",
        "title": "关于加快老旧小区改造的提案",
        "submitted_on": "2025-01-10",
        "proposers": [m.pk for m in proposers],
        "status": Proposal.Status.SUBMITTED,
        "key_on": "",
        "key_by": "",
    }
    return data | _no_inline_rows("handlings", "instructions") | changes


def test_the_admin_refuses_a_proposal_number_the_group_already_has(admin_client_role, group_a, leader_member):
    admin_client_role.post(_admin_url(Proposal), _proposal_admin_data(group_a, [leader_member]))

    again = admin_client_role.post(_admin_url(Proposal), _proposal_admin_data(group_a, [leader_member], title="另一件"))

    assert _said("Another proposal of this group already has this number.") in _admin_errors(again)["number"]
    assert Proposal.objects.count() == 1


def test_the_admin_refuses_proposers_of_another_group(admin_client_role, group_a, group_b):
    stranger = make_member(group_b, "赵委员")

    response = admin_client_role.post(_admin_url(Proposal), _proposal_admin_data(group_a, [stranger]))

    assert "赵委员" in _admin_errors(response)["proposers"]
    assert not Proposal.objects.exists()


def _contact_admin_data(group, member, constituent, **changes) -> dict:
    data = {
        "group": group.pk,
        "member": member.pk,
        "constituent": constituent.pk,
        "way": ConstituentContact.Way.PHONE,
        "contacted_on": "2025-04-01",
        "note": "",
    }
    return data | changes


def test_the_admin_refuses_a_contact_in_the_future_or_of_a_member_outside_its_group(
    admin_client_role, committee, group_a, group_b, leader_member
):
    person = Constituent.objects.create(committee=committee, name="林老师")

    future = admin_client_role.post(
        _admin_url(ConstituentContact),
        _contact_admin_data(group_a, leader_member, person, contacted_on=_tomorrow().isoformat()),
    )
    elsewhere = admin_client_role.post(
        _admin_url(ConstituentContact), _contact_admin_data(group_b, leader_member, person)
    )

    assert _said("This date is in the future.") in _admin_errors(future)["contacted_on"]
    assert "2025-04-01" in _admin_errors(elsewhere)["member"]
    assert not ConstituentContact.objects.exists()


def test_the_admin_refuses_a_second_report_at_the_same_meeting_in_the_portals_words(
    admin_client_role, group_a, leader_member
):
    meeting = make_activity([group_a], kind=ActivityKind.DUTY_REPORT, date=D(2025, 12, 20))
    data = {"group": group_a.pk, "member": leader_member.pk, "meeting": meeting.pk, "title": "述职"}
    data["reported_on"] = "2025-12-20"
    admin_client_role.post(_admin_url(DutyReport), data)

    again = admin_client_role.post(_admin_url(DutyReport), data | {"title": "再次述职"})

    assert _said("This member has already reported at this meeting.") in _admin_errors(again)["meeting"]
    assert DutyReport.objects.count() == 1


def test_the_admin_refuses_a_plan_dated_outside_its_years(admin_client_role, group_a):
    data = {"group": group_a.pk, "year": 2025, "kind": GroupDocument.Kind.PLAN, "title": "2025年工作计划"}
    data["dated"] = "2022-12-01"

    response = admin_client_role.post(_admin_url(GroupDocument), data)

    assert "2024" in _admin_errors(response)["dated"] and "2026" in _admin_errors(response)["dated"]
    assert not GroupDocument.objects.exists()
