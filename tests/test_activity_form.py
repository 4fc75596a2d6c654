"""Recording, changing and deleting activities with attendance and attachments, in the browser."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from activities.carriers import ActivityKind
from activities.models import Activity, Attachment, Attendance, DutyReport
from activities.services import activity as activity_services
from portal import roles
from sectors.models import Workstation

from .factories import make_activity, make_member

# --- Helpers ------------------------------------------------------------------------

DAY = datetime.date(2025, 3, 1)


def form_data(groups, **overrides) -> dict:
    data = {
        "groups": [g.pk for g in groups],
        "kind": ActivityKind.STUDY,
        "title": "学习全会精神",
        "date": DAY.isoformat(),
        "status": Activity.Status.HELD,
        "format": Activity.Format.OFFLINE,
        "location": "市政协三楼会议室",
        "partners": "",
        "summary": "集中学习。",
        "other_participants": "3",
        "workstation": "",
    }
    data.update(overrides)
    return data


def attendance_fields(present=(), absent=(), not_recorded=()) -> dict:
    data = {}
    for member in present:
        data[f"att_{member.pk}"] = "present"
    for member, reason in absent:
        data[f"att_{member.pk}"] = "absent"
        data[f"reason_{member.pk}"] = reason
    for member in not_recorded:
        data[f"att_{member.pk}"] = ""
    return data


def statuses(activity) -> dict[str, tuple[str, str]]:
    return {row.member.name: (row.status, row.absence_reason) for row in activity.attendance.select_related("member")}


@pytest.fixture
def members_a(group_a):
    return [make_member(group_a, name) for name in ("张一", "李二", "王三")]


@pytest.fixture
def member_b(group_b):
    return make_member(group_b, "赵医生")


# --- Create -------------------------------------------------------------------------


def test_it_records_an_activity_with_attendance_and_attachments(staff_client, users, group_a, members_a):
    zhang, li, wang = members_a
    data = form_data([group_a]) | attendance_fields(present=[zhang], absent=[(li, "leave")], not_recorded=[wang])
    data["files"] = [
        SimpleUploadedFile("会议纪要.pdf", b"%PDF-1.4 minutes", content_type="application/pdf"),
        SimpleUploadedFile("photo.jpg", b"\xff\xd8\xff\xe0jpegdata", content_type="image/jpeg"),
    ]
    response = staff_client.post(reverse("activity_create"), data)

    activity = Activity.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("activity_detail", args=[activity.pk])
    assert activity.title == "学习全会精神" and activity.other_participants == 3
    assert activity.created_by == users[roles.STAFF]
    assert list(activity.groups.all()) == [group_a]
    assert statuses(activity) == {"张一": ("present", ""), "李二": ("absent", "leave")}
    minutes = Attachment.objects.get(original_name="会议纪要.pdf")
    assert minutes.size == len(b"%PDF-1.4 minutes") and minutes.content_type == "application/pdf"
    assert minutes.uploaded_by == users[roles.STAFF]
    assert "会议纪要" not in minutes.file.name and minutes.file.name.endswith(".pdf")
    assert minutes.file.read() == b"%PDF-1.4 minutes"


def test_it_records_a_joint_activity_of_two_groups(staff_client, group_a, group_b, members_a, member_b):
    data = form_data([group_a, group_b], kind=ActivityKind.CONSULTATION) | attendance_fields(
        present=[members_a[0], member_b]
    )
    staff_client.post(reverse("activity_create"), data)
    activity = Activity.objects.get()
    assert set(activity.groups.all()) == {group_a, group_b}
    assert set(statuses(activity)) == {"张一", "赵医生"}


def test_it_shows_the_form_with_highlight_fields_to_staff_and_admin(clients, group_a):
    for role in (roles.STAFF, roles.ADMIN):
        page = clients[role].get(reverse("activity_create")).content.decode()
        assert 'name="is_highlight"' in page and 'name="highlight_note"' in page
        assert 'name="groups"' in page and group_a.name in page


def test_it_lets_staff_mark_a_highlight(admin_client_role, group_a):
    data = form_data([group_a], is_highlight="on", highlight_note="首创界别协商品牌")
    admin_client_role.post(reverse("activity_create"), data)
    activity = Activity.objects.get()
    assert activity.is_highlight and activity.highlight_note == "首创界别协商品牌"


def test_it_hides_highlights_from_a_leader_and_ignores_them_if_posted(leader_client, group_a, members_a):
    page = leader_client.get(reverse("activity_create")).content.decode()
    assert 'name="is_highlight"' not in page and 'name="highlight_note"' not in page
    # The leader's own members are listed at once: the group is fixed and the date is today.
    assert "张一" in page

    data = form_data([group_a], is_highlight="on", highlight_note="自评亮点") | attendance_fields(present=members_a)
    leader_client.post(reverse("activity_create"), data)
    activity = Activity.objects.get()
    assert not activity.is_highlight and activity.highlight_note == ""
    assert len(statuses(activity)) == 3


def test_it_offers_a_leader_only_their_own_group_fixed(leader_client, group_a, group_b):
    page = leader_client.get(reverse("activity_create")).content.decode()
    assert group_a.name in page and group_b.name not in page
    assert f'value="{group_a.pk}"' in page and 'data-locked="true"' in page
    assert "仅限本组的活动" in page  # the help text explains the rule


def test_it_refuses_another_group_to_a_leader_next_to_the_field(leader_client, group_a, group_b):
    response = leader_client.post(reverse("activity_create"), form_data([group_a, group_b], title="想联合"))
    page = _errors(response)
    assert "您只能登记本组的活动" in page and 'id="error_1_id_groups"' in page
    assert 'value="想联合"' in page
    assert Activity.objects.count() == 0


def test_it_records_a_leaders_activity_for_their_own_group_even_if_none_is_posted(leader_client, group_a):
    data = form_data([])
    assert leader_client.post(reverse("activity_create"), data).status_code == 302
    assert list(Activity.objects.get().groups.all()) == [group_a]


def test_it_refuses_other_groups_members_to_a_leader(leader_client, group_a, group_b, members_a, member_b):
    data = form_data([group_a]) | attendance_fields(present=[members_a[0], member_b])
    page = _errors(leader_client.post(reverse("activity_create"), data))
    # Another group's member is "not found", never named (nor confirmed to exist).
    assert "赵医生" not in page and "1 位所选参加人员未找到" in page and 'id="attendance-error"' in page
    assert Activity.objects.count() == 0 and Attendance.objects.count() == 0


def test_it_refuses_the_form_to_the_chairman_and_anonymous(clients, group_a):
    assert clients[roles.CHAIRMAN].get(reverse("activity_create")).status_code == 403
    assert clients[roles.CHAIRMAN].post(reverse("activity_create"), form_data([group_a])).status_code == 403
    response = clients["anonymous"].post(reverse("activity_create"), form_data([group_a]))
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert Activity.objects.count() == 0


# --- Bad input ------------------------------------------------------------------------


def _errors(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def test_it_refuses_a_held_activity_in_the_future_and_keeps_the_input(staff_client, group_a, members_a):
    future = timezone.localdate() + datetime.timedelta(days=3)
    data = form_data([group_a], date=future.isoformat(), title="下周的学习会") | attendance_fields(present=members_a)
    page = _errors(staff_client.post(reverse("activity_create"), data))
    assert "A held activity cannot be in the future" in page or "不能" in page
    assert 'value="下周的学习会"' in page
    assert (
        f'name="att_{members_a[0].pk}" id="att_{members_a[0].pk}_present" value="present" autocomplete="off" checked'
        in page
    )
    assert Activity.objects.count() == 0


def test_it_accepts_a_planned_activity_in_the_future(staff_client, group_a):
    future = timezone.localdate() + datetime.timedelta(days=30)
    staff_client.post(reverse("activity_create"), form_data([group_a], date=future.isoformat(), status="planned"))
    assert Activity.objects.get().status == Activity.Status.PLANNED


def test_it_refuses_attendees_who_were_not_in_the_group_on_that_date(staff_client, group_a):
    gone = make_member(group_a, "已退出", since=datetime.date(2020, 1, 1), until=datetime.date(2024, 12, 31))
    page = _errors(staff_client.post(reverse("activity_create"), form_data([group_a]) | attendance_fields([gone])))
    assert "已退出" in page and 'id="attendance-error"' in page
    assert Activity.objects.count() == 0 and Attendance.objects.count() == 0


def test_it_refuses_members_of_a_group_that_was_not_chosen(staff_client, group_a, member_b):
    response = staff_client.post(reverse("activity_create"), form_data([group_a]) | attendance_fields([member_b]))
    assert 'id="attendance-error"' in _errors(response)
    assert Activity.objects.count() == 0


def test_it_refuses_negative_other_participants(staff_client, group_a):
    page = _errors(staff_client.post(reverse("activity_create"), form_data([group_a], other_participants="-2")))
    assert 'value="-2"' in page and "is-invalid" in page
    assert Activity.objects.count() == 0


def test_it_refuses_an_activity_without_group(staff_client):
    page = _errors(staff_client.post(reverse("activity_create"), form_data([], title="无组活动")))
    assert 'value="无组活动"' in page and "is-invalid" in page
    assert Activity.objects.count() == 0


def test_it_refuses_a_workstation_of_another_group(staff_client, group_a, group_b):
    station = Workstation.objects.create(group=group_b, name="医卫驿站", host_kind="studio", established_on=DAY)
    _errors(staff_client.post(reverse("activity_create"), form_data([group_a], workstation=station.pk)))
    assert Activity.objects.count() == 0
    staff_client.post(reverse("activity_create"), form_data([group_b], workstation=station.pk))
    assert Activity.objects.get().workstation == station


def test_it_warns_of_a_duplicate_and_saves_it_when_confirmed(staff_client, group_a):
    make_activity([group_a], title="学习全会精神", date=DAY, kind=ActivityKind.STUDY)
    page = _errors(staff_client.post(reverse("activity_create"), form_data([group_a])))
    assert 'id="duplicate-warning"' in page and 'name="confirm_duplicate"' in page
    assert Activity.objects.count() == 1

    staff_client.post(reverse("activity_create"), form_data([group_a], confirm_duplicate="on"))
    assert Activity.objects.filter(title="学习全会精神").count() == 2


@pytest.mark.parametrize(
    ("name", "content"),
    [("virus.exe", b"MZ"), ("big.pdf", b"x" * 2048)],
)
def test_it_refuses_forbidden_or_too_large_attachments(staff_client, settings, group_a, members_a, name, content):
    settings.UPLOAD_MAX_BYTES = 1024
    data = form_data([group_a]) | attendance_fields(present=members_a)
    data["files"] = [SimpleUploadedFile("ok.txt", b"fine"), SimpleUploadedFile(name, content)]
    response = staff_client.post(reverse("activity_create"), data)
    # Too large: the upload stops at the limit and the page says so (413); a wrong type: the form does.
    assert response.status_code == (413 if name == "big.pdf" else 200)
    page = response.content.decode()
    assert name in page or "exe" in page
    assert Activity.objects.count() == 0 and Attachment.objects.count() == 0
    media = settings.MEDIA_ROOT
    assert not media.exists() or not any(path.is_file() for path in media.rglob("*"))


def test_it_saves_nothing_when_a_step_fails_half_way(staff_client, settings, group_a, members_a, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(activity_services, "_save_files", broken)
    data = form_data([group_a]) | attendance_fields(present=members_a)
    with pytest.raises(RuntimeError):
        staff_client.post(reverse("activity_create"), data)
    assert Activity.objects.count() == 0 and Attendance.objects.count() == 0


# --- Edit -------------------------------------------------------------------------------


@pytest.fixture
def recorded(group_a, members_a):
    zhang, li, _wang = members_a
    activity = make_activity([group_a], title="学习全会精神", date=DAY, attendees=[zhang, li], other_participants=2)
    return activity


def test_it_shows_the_recorded_attendance_on_the_edit_form(staff_client, recorded, members_a):
    page = staff_client.get(reverse("activity_edit", args=[recorded.pk])).content.decode()
    zhang, _li, wang = members_a
    assert f'id="att_{zhang.pk}_present" value="present" autocomplete="off" checked' in page
    assert f'id="att_{wang.pk}_none" value="" autocomplete="off" checked' in page
    assert 'value="学习全会精神"' in page


def test_it_changes_an_activity_and_its_attendance(staff_client, recorded, members_a):
    zhang, li, wang = members_a
    data = form_data([recorded.groups.get()], title="学习全会精神（二）") | attendance_fields(
        present=[wang], absent=[(zhang, "illness")], not_recorded=[li]
    )
    response = staff_client.post(reverse("activity_edit", args=[recorded.pk]), data)
    assert response.status_code == 302
    recorded.refresh_from_db()
    assert recorded.title == "学习全会精神（二）" and recorded.other_participants == 3
    assert statuses(recorded) == {"张一": ("absent", "illness"), "王三": ("present", "")}

    detail = staff_client.get(reverse("activity_detail", args=[recorded.pk])).content.decode()
    assert "学习全会精神（二）" in detail
    assert "Attendance changed" in detail or "出席" in detail
    assert detail.count("王三") >= 2  # in the attendance table and in the history


def test_it_lists_an_attendee_who_has_left_the_group_so_they_can_be_cleared(staff_client, group_a, recorded):
    leaver = make_member(group_a, "老委员", since=datetime.date(2020, 1, 1), until=datetime.date(2024, 6, 30))
    Attendance.objects.create(activity=recorded, member=leaver)
    page = staff_client.get(reverse("activity_edit", args=[recorded.pk])).content.decode()
    assert "老委员" in page and f'id="att_{leaver.pk}_present" value="present" autocomplete="off" checked' in page

    # Submitted as present again, they are refused by name: they were not in the group on that date.
    page = _errors(
        staff_client.post(
            reverse("activity_edit", args=[recorded.pk]),
            form_data([group_a], title="改") | attendance_fields(present=[leaver]),
        )
    )
    assert "以下参加人员在当日不是所选界别活动组的委员：老委员" in page and 'id="attendance-error"' in page
    recorded.refresh_from_db()
    assert recorded.title == "学习全会精神" and len(statuses(recorded)) == 3

    # Set to "not recorded", their row goes.
    data = form_data([group_a]) | attendance_fields(not_recorded=[leaver])
    assert staff_client.post(reverse("activity_edit", args=[recorded.pk]), data).status_code == 302
    assert "老委员" not in statuses(recorded)


def test_it_keeps_the_highlight_when_a_leader_edits(leader_client, group_a):
    activity = make_activity([group_a], title="亮点活动", date=DAY, is_highlight=True, highlight_note="好")
    leader_client.post(reverse("activity_edit", args=[activity.pk]), form_data([group_a], title="亮点活动"))
    activity.refresh_from_db()
    assert activity.is_highlight and activity.highlight_note == "好"


def test_it_hides_other_groups_activities_from_a_leader(leader_client, group_b):
    other = make_activity([group_b], title="医卫活动", date=DAY)
    assert leader_client.get(reverse("activity_edit", args=[other.pk])).status_code == 404
    response = leader_client.post(reverse("activity_edit", args=[other.pk]), form_data([group_b], title="改了"))
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.title == "医卫活动"


def test_it_refuses_edits_by_the_chairman(chairman_client, recorded):
    assert chairman_client.get(reverse("activity_edit", args=[recorded.pk])).status_code == 403
    data = form_data([recorded.groups.get()], title="主席改的")
    assert chairman_client.post(reverse("activity_edit", args=[recorded.pk]), data).status_code == 403
    recorded.refresh_from_db()
    assert recorded.title == "学习全会精神" and recorded.attendance.count() == 2


def test_it_refuses_bad_input_on_edit_and_changes_nothing(staff_client, recorded, members_a):
    future = timezone.localdate() + datetime.timedelta(days=10)
    data = form_data([recorded.groups.get()], date=future.isoformat()) | attendance_fields(not_recorded=members_a)
    _errors(staff_client.post(reverse("activity_edit", args=[recorded.pk]), data))
    recorded.refresh_from_db()
    assert recorded.date == DAY and recorded.attendance.count() == 2


# --- Delete -------------------------------------------------------------------------------


def test_it_asks_before_deleting_and_deletes_with_attendance_and_files(
    staff_client, settings, recorded, django_capture_on_commit_callbacks
):
    attachment = Attachment.objects.create(
        activity=recorded,
        file=SimpleUploadedFile("m.txt", b"minutes"),
        original_name="纪要.txt",
        size=7,
    )
    stored = settings.MEDIA_ROOT / attachment.file.name
    assert stored.exists()
    page = staff_client.get(reverse("activity_delete", args=[recorded.pk])).content.decode()
    assert "学习全会精神" in page and "<form" in page
    assert Activity.objects.filter(pk=recorded.pk).exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(reverse("activity_delete", args=[recorded.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("activity_list")
    assert not Activity.objects.filter(pk=recorded.pk).exists()
    assert Attendance.objects.count() == 0 and Attachment.objects.count() == 0
    assert not stored.exists()


def test_it_refuses_deletes_by_the_chairman_and_for_other_groups(chairman_client, leader_client, group_b, recorded):
    assert chairman_client.get(reverse("activity_delete", args=[recorded.pk])).status_code == 403
    assert chairman_client.post(reverse("activity_delete", args=[recorded.pk])).status_code == 403
    other = make_activity([group_b], date=DAY)
    assert leader_client.post(reverse("activity_delete", args=[other.pk])).status_code == 404
    assert Activity.objects.filter(pk__in=[recorded.pk, other.pk]).count() == 2


def test_it_lets_a_leader_delete_their_own_groups_activity(leader_client, recorded):
    assert leader_client.post(reverse("activity_delete", args=[recorded.pk])).status_code == 302
    assert not Activity.objects.filter(pk=recorded.pk).exists()


def test_it_explains_why_a_meeting_with_duty_reports_cannot_be_deleted(admin_client_role, group_a, members_a):
    meeting = make_activity([group_a], kind=ActivityKind.DUTY_REPORT, date=DAY)
    DutyReport.objects.create(group=group_a, member=members_a[0], meeting=meeting, title="我的履职", reported_on=DAY)
    response = admin_client_role.post(reverse("activity_delete", args=[meeting.pk]))
    assert response.status_code == 200 and "alert-danger" in response.content.decode()
    assert Activity.objects.filter(pk=meeting.pk).exists()


# --- Attendance options (htmx) ----------------------------------------------------------------


def options_url(groups, day=DAY, **extra) -> str:
    params = "&".join([f"groups={g.pk}" for g in groups] + [f"date={day.isoformat()}"])
    params += "".join(f"&{key}={value}" for key, value in extra.items())
    return f"{reverse('activity_attendance_options')}?{params}"


def test_it_lists_the_members_of_the_chosen_groups_on_the_date(staff_client, group_a, group_b, members_a, member_b):
    make_member(group_a, "新委员", since=datetime.date(2025, 6, 1))
    page = staff_client.get(options_url([group_a, group_b])).content.decode()
    assert "<html" not in page  # a fragment for htmx
    for name in ("张一", "李二", "王三", "赵医生", group_a.name, group_b.name):
        assert name in page
    assert "新委员" not in page  # joined after the activity
    assert "data-attendance-search" in page and "data-attendance-section-all" in page


def test_it_asks_for_groups_and_date_first(staff_client):
    page = staff_client.get(reverse("activity_attendance_options")).content.decode()
    assert "att_" not in page


def test_it_keeps_the_choices_made_before_reloading(staff_client, group_a, members_a):
    zhang = members_a[0]
    url = options_url([group_a], **{f"att_{zhang.pk}": "leave", f"reason_{zhang.pk}": "official"})
    page = staff_client.get(url).content.decode()
    assert f'id="att_{zhang.pk}_leave" value="leave" autocomplete="off" checked' in page
    assert '<option value="official" selected>' in page


def test_it_offers_one_choice_per_member_present_leave_or_absent(staff_client, group_a, members_a):
    """Leave is one choice (请假), not 缺席 and then a reason; a plain absence sends no reason."""
    zhang, li, wang = members_a[:3]
    page = staff_client.get(options_url([group_a])).content.decode()
    row = page[page.index(f'name="att_{zhang.pk}"') :]
    row = row[: row.index("</select>")]
    assert [label for label in ("出席", "请假", "缺席", "未登记") if f">{label}</label>" in row] == [
        "出席",
        "请假",
        "缺席",
        "未登记",
    ]
    assert "hidden disabled" in row  # the kind of leave is asked only for leave
    data = form_data([group_a]) | {
        f"att_{zhang.pk}": "leave",
        f"reason_{zhang.pk}": "",
        f"att_{li.pk}": "leave",
        f"reason_{li.pk}": "illness",
        f"att_{wang.pk}": "absent",
    }
    staff_client.post(reverse("activity_create"), data)
    activity = Activity.objects.get()
    assert statuses(activity) == {"张一": ("absent", "leave"), "李二": ("absent", "illness"), "王三": ("absent", "")}


def test_it_shows_recorded_attendance_for_an_existing_activity(staff_client, group_a, recorded, members_a):
    page = staff_client.get(options_url([group_a], activity=recorded.pk)).content.decode()
    assert f'id="att_{members_a[0].pk}_present" value="present" autocomplete="off" checked' in page


def test_it_lists_only_the_leaders_own_group(leader_client, group_a, group_b, members_a, member_b):
    page = leader_client.get(options_url([group_a, group_b])).content.decode()
    assert "张一" in page and "赵医生" not in page
    other = make_activity([group_b], date=DAY)
    assert leader_client.get(options_url([group_b], activity=other.pk)).status_code == 404


def test_it_refuses_the_options_to_the_chairman_and_anonymous(clients, group_a):
    assert clients[roles.CHAIRMAN].get(options_url([group_a])).status_code == 403
    assert clients["anonymous"].get(options_url([group_a])).status_code == 302
