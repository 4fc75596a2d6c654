"""Duty reports in the browser: /duty-reports/."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from activities.carriers import ActivityKind
from activities.models import DutyReport

from .factories import make_activity, make_member

MEETING_DAY = datetime.date(2024, 12, 20)


@pytest.fixture
def member_a(group_a):
    return make_member(group_a, "李委员")


@pytest.fixture
def member_b(group_b):
    return make_member(group_b, "赵委员")


@pytest.fixture
def meeting_a(group_a):
    return make_activity([group_a], kind=ActivityKind.DUTY_REPORT, date=MEETING_DAY, title="民盟述职会")


@pytest.fixture
def meeting_b(group_b):
    return make_activity([group_b], kind=ActivityKind.DUTY_REPORT, date=MEETING_DAY, title="医卫述职会")


def make_report(member, meeting=None, *, title="我的履职", day=MEETING_DAY) -> DutyReport:
    group = member.memberships.get().group
    return DutyReport.objects.create(group=group, member=member, meeting=meeting, title=title, reported_on=day)


def form_data(member, meeting=None, **changes) -> dict:
    data = {"member": member.pk, "meeting": meeting.pk if meeting else "", "title": "我的履职", "reported_on": ""}
    data.update(changes)
    return data


def assert_field_error(response, field: str, message: str | None = None) -> None:
    assert response.status_code == 200
    assert field in response.context["form"].errors, response.context["form"].errors
    if message:
        with translation.override("zh-hans"):
            assert escape(gettext(message)) in response.content.decode()


def test_it_lets_staff_create_edit_and_delete(staff_client, group_a, member_a, meeting_a):
    response = staff_client.post(reverse("dutyreport_create"), form_data(member_a, meeting_a))

    report = DutyReport.objects.get()
    assert response.status_code == 302
    assert (report.group, report.member, report.meeting) == (group_a, member_a, meeting_a)
    assert report.reported_on == MEETING_DAY  # the meeting's date by default

    data = form_data(member_a, None, title="改后的述职", reported_on="2025-01-05")
    staff_client.post(reverse("dutyreport_edit", args=[report.pk]), data)
    report.refresh_from_db()
    assert (report.title, report.meeting, report.reported_on) == ("改后的述职", None, datetime.date(2025, 1, 5))

    staff_client.post(reverse("dutyreport_delete", args=[report.pk]))
    assert not DutyReport.objects.exists()


def test_it_lets_a_leader_record_for_their_own_group(leader_client, group_a, member_a, meeting_a):
    response = leader_client.post(reverse("dutyreport_create"), form_data(member_a, meeting_a))
    report = DutyReport.objects.get()
    assert response.status_code == 302
    assert report.group == group_a

    leader_client.post(reverse("dutyreport_edit", args=[report.pk]), form_data(member_a, meeting_a, title="新"))
    report.refresh_from_db()
    assert report.title == "新"

    leader_client.post(reverse("dutyreport_delete", args=[report.pk]))
    assert not DutyReport.objects.exists()


def test_it_rejects_another_groups_member_or_meeting_posted_by_a_leader(leader_client, member_a, member_b, meeting_b):
    other_member = leader_client.post(reverse("dutyreport_create"), form_data(member_b, reported_on="2024-12-20"))
    other_meeting = leader_client.post(reverse("dutyreport_create"), form_data(member_a, meeting_b))

    assert_field_error(other_member, "member")
    assert_field_error(other_meeting, "meeting")
    assert not DutyReport.objects.exists()


def test_it_hides_other_groups_reports_from_a_leader(leader_client, member_b, meeting_b):
    report = make_report(member_b, meeting_b, title="医卫的述职")

    for name in ("dutyreport_detail", "dutyreport_edit", "dutyreport_delete"):
        assert leader_client.get(reverse(name, args=[report.pk])).status_code == 404
    edit = leader_client.post(reverse("dutyreport_edit", args=[report.pk]), form_data(member_b, meeting_b))
    delete = leader_client.post(reverse("dutyreport_delete", args=[report.pk]))

    assert (edit.status_code, delete.status_code) == (404, 404)
    report.refresh_from_db()
    assert report.title == "医卫的述职"
    assert "医卫的述职" not in leader_client.get(reverse("dutyreport_list")).content.decode()


def test_it_lets_the_chairman_read_but_not_write(chairman_client, member_a, meeting_a):
    report = make_report(member_a, meeting_a)

    assert "我的履职" in chairman_client.get(reverse("dutyreport_detail", args=[report.pk])).content.decode()
    for url in (
        reverse("dutyreport_create"),
        reverse("dutyreport_edit", args=[report.pk]),
        reverse("dutyreport_delete", args=[report.pk]),
    ):
        assert chairman_client.get(url).status_code == 403
        assert chairman_client.post(url, form_data(member_a, title="主席改的")).status_code == 403

    assert list(DutyReport.objects.values_list("title", flat=True)) == ["我的履职"]


def test_it_sends_anonymous_users_to_login(clients, member_a, meeting_a):
    report = make_report(member_a, meeting_a)

    for url in (reverse("dutyreport_list"), reverse("dutyreport_detail", args=[report.pk])):
        assert clients["anonymous"].get(url)["Location"].startswith(reverse("login"))
    clients["anonymous"].post(reverse("dutyreport_create"), form_data(member_a, reported_on="2024-12-01"))
    assert DutyReport.objects.count() == 1


def test_it_explains_bad_input_and_keeps_what_was_typed(staff_client, group_a, member_a, member_b, meeting_a):
    make_report(member_a, meeting_a)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    url = reverse("dutyreport_create")

    future = staff_client.post(url, form_data(member_a, title="未来的述职", reported_on=tomorrow.isoformat()))
    assert_field_error(future, "reported_on", "This date is in the future.")
    assert "未来的述职" in future.content.decode()

    duplicate = staff_client.post(url, form_data(member_a, meeting_a))
    assert_field_error(duplicate, "meeting", "This member has already reported at this meeting.")

    wrong_group = staff_client.post(url, form_data(member_b, meeting_a))
    assert_field_error(wrong_group, "meeting", "This meeting is not one of the member's group.")

    no_date = staff_client.post(url, form_data(member_a))
    assert_field_error(no_date, "reported_on", "Enter the date, or pick the meeting.")

    missing = staff_client.post(url, {**form_data(member_a, title="", reported_on="2024-12-01"), "member": ""})
    assert_field_error(missing, "title")
    assert_field_error(missing, "member")

    assert DutyReport.objects.count() == 1


def test_it_filters_the_list(staff_client, group_a, group_b, member_a, member_b, leader_member, meeting_a):
    make_report(member_a, meeting_a, title="民盟二四年")
    make_report(leader_member, None, title="民盟二五年", day=datetime.date(2025, 12, 1))
    make_report(member_b, None, title="医卫述职")

    def titles(**params) -> set[str]:
        response = staff_client.get(reverse("dutyreport_list"), params)
        return {row.record.title for row in response.context["rows"]}

    assert titles() == {"民盟二四年", "民盟二五年", "医卫述职"}
    assert titles(group=group_a.pk) == {"民盟二四年", "民盟二五年"}
    assert titles(year=2025) == {"民盟二五年"}
    assert titles(q="赵委员") == {"医卫述职"}


def test_it_lists_with_the_same_number_of_queries_for_3_or_20_rows(staff_client, group_a):
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert staff_client.get(reverse("dutyreport_list")).status_code == 200
        return len(queries)

    members = [make_member(group_a) for _ in range(20)]
    meeting = make_activity([group_a], kind=ActivityKind.DUTY_REPORT, date=MEETING_DAY)
    for member in members[:3]:
        make_report(member, meeting)
    few = count_queries()
    for member in members[3:]:
        make_report(member, meeting)
    assert count_queries() == few


def test_it_shows_the_change_history_after_an_edit(staff_client, member_a, meeting_a):
    report = make_report(member_a, meeting_a, title="初稿")
    staff_client.post(reverse("dutyreport_edit", args=[report.pk]), form_data(member_a, meeting_a, title="定稿"))

    response = staff_client.get(reverse("dutyreport_detail", args=[report.pk]))
    newest = response.context["history"][0]
    assert str(newest.who) == "staff"
    assert any(old == "初稿" and new == "定稿" for _label, old, new in newest.changes)


def test_it_refuses_the_same_report_without_a_meeting_twice(staff_client, member_a):
    make_report(member_a, None, title="我的履职", day=datetime.date(2024, 12, 1))
    url = reverse("dutyreport_create")

    twice = staff_client.post(url, form_data(member_a, reported_on="2024-12-01"))

    assert_field_error(twice, "title")
    assert "该述职已登记过。" in twice.content.decode()
    assert 'value="2024-12-01"' in twice.content.decode()
    assert DutyReport.objects.count() == 1
    # Another title or another day is another report.
    assert staff_client.post(url, form_data(member_a, reported_on="2024-12-02")).status_code == 302
    assert staff_client.post(url, form_data(member_a, title="补充述职", reported_on="2024-12-01")).status_code == 302
    assert DutyReport.objects.count() == 3


def test_it_refuses_a_meeting_not_yet_held(staff_client, group_a, member_a):
    planned = make_activity(
        [group_a], kind=ActivityKind.DUTY_REPORT, date=MEETING_DAY, title="计划中的述职会", status="planned"
    )

    response = staff_client.post(reverse("dutyreport_create"), form_data(member_a, planned, title="提前的述职"))

    assert_field_error(response, "meeting")
    assert "该会议尚未召开。" in response.content.decode()
    assert "提前的述职" in response.content.decode()
    assert not DutyReport.objects.exists()


def test_it_requires_the_meetings_date_for_a_report_at_a_meeting(staff_client, member_a, meeting_a):
    response = staff_client.post(reverse("dutyreport_create"), form_data(member_a, meeting_a, reported_on="2024-12-19"))

    assert_field_error(response, "reported_on")
    assert "日期须为会议日期 2024-12-20。" in response.content.decode()
    assert 'value="2024-12-19"' in response.content.decode()
    assert not DutyReport.objects.exists()

    same_day = staff_client.post(reverse("dutyreport_create"), form_data(member_a, meeting_a, reported_on="2024-12-20"))
    assert same_day.status_code == 302
    assert DutyReport.objects.get().reported_on == MEETING_DAY


def test_moving_a_meeting_moves_its_duty_reports_in_the_same_save(staff_client, group_a, member_a, meeting_a):
    report = make_report(member_a, meeting_a)
    unrelated = make_report(member_a, None, title="会外述职", day=datetime.date(2024, 11, 1))
    data = {
        "groups": [group_a.pk],
        "kind": ActivityKind.DUTY_REPORT,
        "title": meeting_a.title,
        "date": "2025-01-08",
        "status": "held",
        "format": "offline",
        "location": "",
        "partners": "",
        "summary": "",
        "other_participants": "0",
        "workstation": "",
    }
    response = staff_client.post(reverse("activity_edit", args=[meeting_a.pk]), data)
    assert response.status_code == 302
    report.refresh_from_db()
    unrelated.refresh_from_db()
    assert report.reported_on == datetime.date(2025, 1, 8)
    assert unrelated.reported_on == datetime.date(2024, 11, 1)
    assert report.history.first().history_user.username == "staff"


def test_a_failed_meeting_edit_leaves_its_duty_reports_where_they_were(
    staff_client, group_a, member_a, meeting_a, monkeypatch
):
    from activities.services import activity as services

    report = make_report(member_a, meeting_a)

    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "_save_files", broken)
    data = {
        "groups": [group_a.pk],
        "kind": ActivityKind.DUTY_REPORT,
        "title": meeting_a.title,
        "date": "2025-01-08",
        "status": "held",
        "format": "offline",
        "other_participants": "0",
    }
    with pytest.raises(RuntimeError):
        staff_client.post(reverse("activity_edit", args=[meeting_a.pk]), data)
    report.refresh_from_db()
    meeting_a.refresh_from_db()
    assert (meeting_a.date, report.reported_on) == (MEETING_DAY, MEETING_DAY)
