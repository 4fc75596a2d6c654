"""Importing years of activity records, and workstations, from staff-made sheets."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from activities.carriers import ActivityKind
from activities.imports import KIND_SYNONYMS, kind_of
from activities.models import Activity, Attendance, DutyReport
from sectors.models import RECORDS_BEGIN, ImportRun, Member, Workstation

from . import sheets
from .factories import make_member
from .test_import_members import HEADERS as MEMBER_HEADERS
from .test_import_members import import_file, last_run, upload

HEADERS = [
    "界别活动组",
    "活动类型",
    "活动名称",
    "活动日期",
    "形式",
    "地点",
    "参加委员",
    "请假委员",
    "述职委员",
    "其他参与人数",
]


@pytest.fixture
def people(group_a, group_b):
    since = datetime.date(2020, 1, 1)
    return {
        "张三": make_member(group_a, "张三", since=since),
        "李四": make_member(group_a, "李四", since=since),
        "王五": make_member(group_b, "王五", since=since),
    }


def activity_rows() -> list[list]:
    return [
        HEADERS,
        [
            "民盟、医卫",
            "学习会",
            "学习全国两会精神",
            datetime.date(2024, 3, 1),
            "线上线下结合",
            "会议室",
            "张三、李四 王五",
            "",
            "",
            3,
        ],
        ["民盟", "界别协商会", "协商会", "2024/5/9", "线下", "", "张三", "李四", "", ""],
        ["医卫", "界别述职会", "2024年度述职会", "2024年12月20日", "", "", "", "", "王五", ""],
    ]


@pytest.mark.parametrize(
    ("word", "kind"),
    [(word, kind) for kind, words in KIND_SYNONYMS.items() for word in words]
    + [("ＯＴＨＥＲ", None), ("培 训", "training")],
)
def test_it_knows_the_usual_words_for_each_type(word, kind):
    assert kind_of(word) == kind


def test_it_imports_activities_with_attendance_and_duty_reports(staff_client, people, group_a, group_b):
    run = import_file(staff_client, sheets.xlsx(activity_rows()), "台账.xlsx", "activities")
    assert (run.created_count, run.rejected_count) == (3, 0), run.report
    study = Activity.objects.get(title="学习全国两会精神")
    assert (study.kind, study.format, study.other_participants) == (ActivityKind.STUDY, "both", 3)
    assert set(study.groups.all()) == {group_a, group_b}
    assert set(study.attendance.values_list("member__name", flat=True)) == {"张三", "李四", "王五"}
    consultation = Activity.objects.get(title="协商会")
    absent = consultation.attendance.get(member__name="李四")
    assert (absent.status, absent.absence_reason) == (Attendance.Status.ABSENT, Attendance.AbsenceReason.LEAVE)
    duty = DutyReport.objects.get()
    assert (duty.member.name, duty.group, duty.meeting.kind) == ("王五", group_b, ActivityKind.DUTY_REPORT)
    assert Activity.history.count() == 3 and Attendance.history.count() == 6 and DutyReport.history.count() == 1
    assert study.history.get().history_user.username == "staff"


@pytest.mark.parametrize("fmt", sheets.FORMATS)
def test_it_does_not_duplicate_an_activity_imported_again_in_any_format(fmt, staff_client, people):
    import_file(staff_client, sheets.xlsx(activity_rows()), "台账.xlsx", "activities")
    before = (
        Activity.objects.count(),
        Attendance.objects.count(),
        Activity.history.count(),
        Attendance.history.count(),
    )
    name, data = sheets.make(fmt, activity_rows())
    run = import_file(staff_client, data, name, "activities")
    assert (run.created_count, run.updated_count, run.unchanged_count, run.rejected_count) == (0, 0, 3, 0)
    after = (Activity.objects.count(), Attendance.objects.count(), Activity.history.count(), Attendance.history.count())
    assert after == before


def test_it_adds_attendees_to_an_activity_already_recorded(staff_client, people):
    import_file(staff_client, sheets.xlsx(activity_rows()[:3]), "台账.xlsx", "activities")
    rows = activity_rows()[:3]
    rows[2][7] = ""  # 李四 now attended instead of asking for leave: not overwritten, added only if missing
    rows[1][6] = "张三"
    rows[2][5] = "三楼会议室"
    run = import_file(staff_client, sheets.xlsx(rows), "台账.xlsx", "activities")
    assert (run.created_count, run.updated_count, run.unchanged_count) == (0, 1, 1)
    assert Activity.objects.get(title="协商会").location == "三楼会议室"


@pytest.mark.parametrize(
    ("cells", "column", "reason"),
    [
        ({6: "张三、赵六"}, "参加委员", "赵六"),
        ({0: "民盟、不存在"}, "界别活动组", "不存在"),
        ({1: "茶话会"}, "活动类型", "未知的活动类型"),
        ({3: "2024-02-30"}, "活动日期", "不是真实存在的日期"),
        ({3: "2099-01-01"}, "活动日期", "晚于今天"),
        ({4: "电话"}, "形式", "形式必须是"),
        ({8: "张三"}, "述职委员", "述职会"),
        ({6: "张三", 7: "张三"}, "请假委员", "同时"),
        ({9: "三个"}, "其他参与人数", "不是整数"),
    ],
)
def test_it_rejects_a_bad_row_with_its_column_and_reason(cells, column, reason, staff_client, people):
    rows = activity_rows()[:2]
    for position, value in cells.items():
        rows[1][position] = value
    upload(staff_client, sheets.xlsx(rows), "台账.xlsx", "activities")
    run = last_run()
    assert run.rejected_count == 1 and run.created_count == 0
    ((row, rejected_column, message),) = run.report["rejections"]
    assert (row, rejected_column) == (2, column) and reason in message, message


def test_it_refuses_a_name_two_members_of_the_groups_share(staff_client, people, group_a):
    make_member(group_a, "张三", since=datetime.date(2020, 1, 1))
    upload(staff_client, sheets.xlsx(activity_rows()[:2]), "台账.xlsx", "activities")
    ((_row, column, message),) = last_run().report["rejections"]
    assert column == "参加委员" and "2名委员叫张三" in message


def test_it_rejects_an_attendee_who_joined_after_the_date(staff_client, people, group_a):
    make_member(group_a, "新人", since=datetime.date(2024, 6, 1))
    rows = activity_rows()[:2]
    rows[1][6] = "张三、新人"
    upload(staff_client, sheets.xlsx(rows), "台账.xlsx", "activities")
    assert "新人不是" in last_run().report["rejections"][0][2]


def test_a_first_roster_joined_since_the_records_began_can_attend_earlier_activities(
    admin_client_role, staff_client, group_a, settings
):
    """Without a joining date a member joins on the import's date (issue 17); the first
    roster of a portal that will receive earlier years' activities chooses the records'
    beginning on the preview page."""
    settings.PORTAL_TODAY = "2025-06-30"
    rows = [MEMBER_HEADERS, [1, "N1", "郑新", "男", None, "民盟", "", "", "", "", "", ""]]
    upload(admin_client_role, sheets.xlsx(rows))
    admin_client_role.post(
        reverse("import_confirm", kwargs={"run_id": last_run().pk}), {"default_joined_on": RECORDS_BEGIN.isoformat()}
    )
    activity = [HEADERS, ["民盟", "学习", "2012年学习会", "2012-01-01", "", "", "郑新", "", "", ""]]
    run = import_file(staff_client, sheets.xlsx(activity), "台账.xlsx", "activities")
    assert run.created_count == 1
    assert Activity.objects.get(title="2012年学习会").attendees.get() == Member.objects.get(member_number="N1")


def test_a_member_imported_without_a_join_date_cannot_attend_earlier_activities(
    admin_client_role, staff_client, group_a, settings
):
    settings.PORTAL_TODAY = "2025-06-30"
    rows = [MEMBER_HEADERS, [1, "N1", "郑新", "男", None, "民盟", "", "", "", "", "", ""]]
    import_file(admin_client_role, sheets.xlsx(rows))
    activity = [HEADERS, ["民盟", "学习", "2012年学习会", "2012-01-01", "", "", "郑新", "", "", ""]]
    upload(staff_client, sheets.xlsx(activity), "台账.xlsx", "activities")
    assert last_run().rejected_count == 1 and not Activity.objects.filter(title="2012年学习会").exists()


def test_it_imports_workstations_and_updates_them_by_group_and_name(staff_client, people, group_a):
    rows = [
        ["名称", "界别活动组", "依托", "依托委员", "地址", "成立日期"],
        ["民盟驿站", "民盟", "委员工作室", "张三", "鹿城区", "2019-06-01"],
        ["医卫之家", "医卫", "委员会客厅", "", "", "2020.1.1"],
        ["坏站", "民盟", "咖啡馆", "", "", "2020.1.1"],
    ]
    run = import_file(staff_client, sheets.xlsx(rows), "工作站.xlsx", "workstations")
    assert (run.created_count, run.rejected_count) == (2, 1)
    station = Workstation.objects.get(name="民盟驿站")
    assert (station.host_kind, station.host_member.name, station.established_on) == (
        "studio",
        "张三",
        datetime.date(2019, 6, 1),
    )
    assert station.history.count() == 1
    rows[1][4] = "瓯海区"
    run = import_file(staff_client, sheets.xlsx(rows[:3]), "工作站.xlsx", "workstations")
    assert (run.created_count, run.updated_count, run.unchanged_count) == (0, 1, 1)
    station.refresh_from_db()
    assert station.address == "瓯海区" and station.history.count() == 2


def test_it_shows_the_preview_with_reasons_in_chinese(staff_client, people):
    rows = activity_rows()
    rows[1][6] = "张三、赵六"
    upload(staff_client, sheets.xlsx(rows), "台账.xlsx", "activities")
    page = staff_client.get(reverse("import_run", kwargs={"run_id": last_run().pk})).content.decode()
    assert "被拒绝的行" in page and "赵六不是" in page and "下载被拒绝的行" in page
    assert ImportRun.objects.get().status == ImportRun.Status.PREVIEWED and Activity.objects.count() == 0


def test_it_rejects_a_workstation_whose_host_is_no_member(staff_client, people, group_a):
    rows = [
        ["名称", "界别活动组", "依托", "依托委员", "成立日期"],
        ["第二驿站", "民盟", "委员工作室", "查无此人", "2024-05-01"],
    ]
    upload(staff_client, sheets.xlsx(rows), "工作站.xlsx", "workstations")
    run = last_run()
    ((row, column, reason),) = run.report["rejections"]
    assert (row, column) == (2, "依托委员") and "没有名为查无此人的委员" in reason
    assert run.created_count == 0 and not Workstation.objects.filter(name="第二驿站").exists()
