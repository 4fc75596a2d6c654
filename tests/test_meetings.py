"""Planned meetings (issue 21): planning, answers and leave, QR check-in with its
rotating token, the hand-ticked fallback, the roster's confirmation (only then
does attendance count) and the day-before reminders."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from activities import checkin
from activities.carriers import ActivityKind
from activities.models import Activity, Attendance, CheckIn, MeetingAnswer
from activities.services import meetings
from portal import cache as freshness
from portal import roles
from reports.figures import period_figures
from sectors.models import AuditEvent, Notification

from .factories import log_in, make_member, make_user

pytestmark = pytest.mark.django_db


def _today() -> datetime.date:
    return timezone.localdate()


@pytest.fixture
def meeting(group_a, users):
    return meetings.meeting_plan(
        user=users[roles.STAFF],
        groups=[group_a],
        kind=ActivityKind.STUDY,
        title="十二月学习会",
        date=_today(),
        location="市政协三楼会议室",
    )


@pytest.fixture
def other_meeting(group_b, users):
    return meetings.meeting_plan(
        user=users[roles.STAFF], groups=[group_b], kind=ActivityKind.STUDY, title="医卫学习会", date=_today()
    )


def _check_in_url(activity: Activity, slot: int | None = None) -> str:
    return reverse("member_check_in") + "?t=" + checkin.token_make(activity_id=activity.pk, slot=slot)


# ---------------------------------------------------------------- planning


def test_staff_plan_a_meeting_with_its_hours(staff_client, group_a):
    response = staff_client.post(
        reverse("meeting_plan"),
        {
            "kind": ActivityKind.STUDY,
            "title": "学习会",
            "date": _today().isoformat(),
            "start_time": "14:00",
            "end_time": "16:30",
            "location": "会议室",
            "groups": [group_a.pk],
        },
    )
    meeting = Activity.objects.get(title="学习会")
    assert response.status_code == 302 and response["Location"] == reverse("meeting_roster", args=[meeting.pk])
    assert meeting.status == Activity.Status.PLANNED
    assert (meeting.start_time, meeting.end_time) == (datetime.time(14, 0), datetime.time(16, 30))


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"end_time": "13:00"}, "end_time", "会议结束时间必须晚于开始时间"),
        ({"date": "2020-01-01"}, "date", "计划的会议不能在过去"),
        ({"groups": []}, "groups", "请至少选择一个界别"),
        ({"title": ""}, "title", "这个字段是必填项"),
        ({"start_time": "25:99"}, "start_time", "输入一个有效的时间"),
    ],
)
def test_a_bad_plan_is_refused_with_a_clear_message_and_saves_nothing(staff_client, group_a, change, field, message):
    data = {
        "kind": ActivityKind.STUDY,
        "title": "学习会",
        "date": _today().isoformat(),
        "start_time": "14:00",
        "end_time": "16:00",
        "groups": [group_a.pk],
        **change,
    }
    response = staff_client.post(reverse("meeting_plan"), data, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Activity.objects.exists()


def test_a_leader_plans_only_for_their_own_group(leader_client, group_a, group_b):
    response = leader_client.post(
        reverse("meeting_plan"),
        {"kind": ActivityKind.STUDY, "title": "学习会", "date": _today().isoformat(), "groups": [group_b.pk]},
    )
    assert response.status_code == 200 and not Activity.objects.exists()


# ---------------------------------------------------------------- answers and leave


def test_a_member_sees_their_groups_meetings_and_answers(member_client, member_user, meeting, other_meeting):
    page = member_client.get(reverse("member_meetings")).content.decode()
    assert "十二月学习会" in page and "医卫学习会" not in page
    member_client.post(reverse("member_meeting_answer", args=[meeting.pk]), {"answer": "attend"})
    answer = MeetingAnswer.objects.get(member=member_user.member)
    assert (answer.answer, answer.leave_status) == ("attend", "")
    # A meeting of another group is not found.
    response = member_client.post(reverse("member_meeting_answer", args=[other_meeting.pk]), {"answer": "attend"})
    assert response.status_code == 404
    assert MeetingAnswer.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"answer": "leave", "reason": ""}, "请填写请假事由"),
        ({"answer": "maybe"}, "请选择参加或请假"),
        ({"answer": "leave", "reason": "很" * 201}, "请假事由"),
    ],
)
def test_a_bad_answer_is_refused_and_changes_nothing(member_client, meeting, data, message):
    response = member_client.post(
        reverse("member_meeting_answer", args=[meeting.pk]), data, follow=True, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert message in response.content.decode()
    assert not MeetingAnswer.objects.exists()


def test_leave_is_asked_approved_by_the_leader_and_counted_as_leave(
    member_client, member_user, leader_client, staff_client, meeting
):
    member_client.post(reverse("member_meeting_answer", args=[meeting.pk]), {"answer": "leave", "reason": "出差"})
    answer = MeetingAnswer.objects.get()
    assert (answer.answer, answer.reason, answer.leave_status) == ("leave", "出差", "pending")
    roster = staff_client.get(reverse("meeting_roster", args=[meeting.pk])).content.decode()
    assert "出差" in roster and "待审批" in roster
    leader_client.post(reverse("meeting_leave_decide", args=[meeting.pk]), {"answer": answer.pk, "approve": "1"})
    answer.refresh_from_db()
    assert answer.leave_status == "approved" and answer.decided_by.username == "leader"
    assert list(answer.history.values_list("leave_status", flat=True)) == ["approved", "pending"]  # each step kept
    staff_client.post(reverse("meeting_confirm", args=[meeting.pk]))
    row = Attendance.objects.get(activity=meeting, member=member_user.member)
    assert (row.status, row.absence_reason) == ("absent", "leave")


def test_leave_can_be_refused_and_the_member_then_counts_absent(member_client, member_user, staff_client, meeting):
    member_client.post(reverse("member_meeting_answer", args=[meeting.pk]), {"answer": "leave", "reason": "私事"})
    answer = MeetingAnswer.objects.get()
    staff_client.post(reverse("meeting_leave_decide", args=[meeting.pk]), {"answer": answer.pk, "approve": "0"})
    answer.refresh_from_db()
    assert answer.leave_status == "refused"
    staff_client.post(reverse("meeting_confirm", args=[meeting.pk]))
    row = Attendance.objects.get(activity=meeting, member=member_user.member)
    assert (row.status, row.absence_reason) == ("absent", "")


def test_a_leader_of_another_group_cannot_decide_leave(group_b, member_client, meeting):
    member_client.post(reverse("member_meeting_answer", args=[meeting.pk]), {"answer": "leave", "reason": "出差"})
    other_leader = Client()
    log_in(other_leader, make_user(roles.LEADER, group=group_b, username="leader_b"))
    answer = MeetingAnswer.objects.get()
    response = other_leader.post(
        reverse("meeting_leave_decide", args=[meeting.pk]), {"answer": answer.pk, "approve": "1"}
    )
    assert response.status_code == 404
    answer.refresh_from_db()
    assert answer.leave_status == "pending"


def test_the_chairman_reads_the_expected_list_and_changes_nothing(chairman_client, meeting, member_user):
    page = chairman_client.get(reverse("meeting_roster", args=[meeting.pk])).content.decode()
    assert "李委员" in page and "确认名单" not in page
    assert chairman_client.post(reverse("meeting_confirm", args=[meeting.pk])).status_code == 403
    assert (
        chairman_client.post(
            reverse("meeting_tick", args=[meeting.pk]), {"member": member_user.member.pk, "present": "1"}
        ).status_code
        == 403
    )
    assert not CheckIn.objects.exists()
    meeting.refresh_from_db()
    assert meeting.status == "planned"


def test_the_expected_list_says_who_answered_what(staff_client, member_client, group_a, meeting, member_user):
    make_member(group_a, "赵委员")
    member_client.post(reverse("member_meeting_answer", args=[meeting.pk]), {"answer": "attend"})
    roster = meetings.roster(meeting)
    assert (roster.attending, roster.on_leave, roster.unanswered) == (1, 0, 2)  # 王组长 and 赵委员
    page = staff_client.get(reverse("meeting_roster", args=[meeting.pk])).content.decode()
    assert "赵委员" in page and "未回复" in page


# ---------------------------------------------------------------- QR check-in


def test_a_member_checks_in_with_the_current_code_once(member_client, member_user, meeting):
    response = member_client.get(_check_in_url(meeting), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200 and "签到成功" in response.content.decode()
    again = member_client.get(_check_in_url(meeting), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "您已于" in again.content.decode()
    row = CheckIn.objects.get()
    assert (row.member, row.method, row.slot) == (member_user.member, "qr", checkin.current_slot())
    event = AuditEvent.objects.get(action=AuditEvent.Action.CHECK_IN)
    assert event.user == member_user and event.object_id == f"{meeting.pk}:{member_user.member.pk}"
    assert f"slot {row.slot}" in event.detail


def test_the_previous_slot_is_accepted_and_older_ones_are_refused(member_client, meeting):
    now = checkin.current_slot()
    assert isinstance(
        checkin.token_check(checkin.token_make(activity_id=meeting.pk, slot=now - 1), activity_id=meeting.pk),
        checkin.Scan,
    )
    response = member_client.get(_check_in_url(meeting, slot=now - 2), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400 and "签到码已过期" in response.content.decode()
    assert not CheckIn.objects.exists()


def test_a_forged_or_tampered_code_is_refused(member_client, meeting):
    token = checkin.token_make(activity_id=meeting.pk)
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    for bad in (tampered, "abc", token.replace(":", ";")):
        response = member_client.get(reverse("member_check_in") + "?t=" + bad, HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert response.status_code == 400 and "签到码无效" in response.content.decode()
    # A token signed with another key, for this meeting: refused too.
    from django.core import signing

    foreign = signing.dumps({"a": meeting.pk, "s": checkin.current_slot()}, salt="something else")
    assert member_client.get(reverse("member_check_in") + "?t=" + foreign).status_code == 400
    assert not CheckIn.objects.exists()


def test_another_meetings_code_cannot_check_in_here(meeting, other_meeting):
    token = checkin.token_make(activity_id=other_meeting.pk)
    assert checkin.token_check(token, activity_id=meeting.pk) is checkin.Refusal.OTHER_MEETING


def test_a_member_of_another_group_is_not_expected(group_b, other_meeting, member_client):
    response = member_client.get(_check_in_url(other_meeting), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400 and "不在本次会议的应到名单" in response.content.decode()
    assert not CheckIn.objects.exists()


def test_check_in_only_inside_the_meetings_time_window(member_client, group_a, users):
    now = timezone.localtime()
    if now.hour >= 22:
        pytest.skip("too close to midnight for a later window on the same day")
    later = meetings.meeting_plan(
        user=users[roles.STAFF],
        groups=[group_a],
        kind=ActivityKind.STUDY,
        title="晚间会议",
        date=now.date(),
        start_time=(now + datetime.timedelta(hours=1, minutes=30)).time().replace(second=0, microsecond=0),
    )
    response = member_client.get(_check_in_url(later), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400 and "本次会议的签到时间为" in response.content.decode()
    start, end = checkin.window(later)
    assert start == timezone.localtime().replace(
        hour=later.start_time.hour, minute=later.start_time.minute, second=0, microsecond=0
    ) - datetime.timedelta(minutes=60)
    assert end.time() == datetime.time.max
    assert not CheckIn.objects.exists()


def test_a_member_not_signed_in_is_sent_to_login_and_back_within_the_grace(member_user, meeting, monkeypatch):
    client = Client()
    url = _check_in_url(meeting)
    response = client.get(url)
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert "t%3D" in response["Location"] or "t=" in response["Location"]
    log_in(client, member_user)
    # Signing in took a few minutes: the slot has passed, but this browser scanned it in time.
    slot = checkin.current_slot()
    monkeypatch.setattr(checkin, "current_slot", lambda now=None: slot + 6)
    response = client.get(url)
    assert response.status_code == 200
    assert CheckIn.objects.filter(member=member_user.member).exists()


def test_a_forwarded_link_is_refused_once_its_slot_has_passed(member_user, meeting, monkeypatch):
    url = _check_in_url(meeting)
    slot = checkin.current_slot()
    monkeypatch.setattr(checkin, "current_slot", lambda now=None: slot + 6)
    client = Client()
    log_in(client, member_user)  # another browser: it never scanned the code in time
    assert client.get(url).status_code == 400
    assert not CheckIn.objects.exists()


def test_staff_cannot_check_in_with_a_members_code(staff_client, meeting):
    response = staff_client.get(_check_in_url(meeting))
    assert response.status_code == 403 and not CheckIn.objects.exists()


def test_the_same_check_in_twice_keeps_one_row(member_user, meeting, rf):
    request = rf.get("/")
    request.user = member_user
    slot = checkin.current_slot()
    first = meetings.check_in_by_scan(request=request, user=member_user, activity=meeting, slot=slot)
    second = meetings.check_in_by_scan(request=request, user=member_user, activity=meeting, slot=slot)
    assert (first.created, second.created) == (True, False)
    assert CheckIn.objects.count() == 1
    assert AuditEvent.objects.filter(action=AuditEvent.Action.CHECK_IN).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_check_ins_at_once_leave_one_row(member_user, meeting):
    if connection.vendor != "postgresql":
        pytest.skip("real concurrent transactions need PostgreSQL (the IntegrityError path is tested above)")
    url = _check_in_url(meeting)
    barrier, statuses = threading.Barrier(2), []
    cookie = Client()
    log_in(cookie, member_user)

    def scan() -> None:
        own = Client()
        own.cookies = cookie.cookies
        try:
            barrier.wait()
            statuses.append(own.get(url).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=scan) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200, 200]
    assert CheckIn.objects.filter(activity=meeting).count() == 1


def test_a_check_in_that_lost_to_a_row_unticked_since_is_written_after_all(member_user, meeting, monkeypatch):
    """The unique constraint refused this check-in, but the row that won was unticked before
    it could be read: the check-in is written on the next try (it was a server error)."""
    from django.db import IntegrityError

    create, calls = CheckIn.objects.create, []

    def lost_once(**kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise IntegrityError("UNIQUE constraint failed")  # the winner, since unticked
        return create(**kwargs)

    monkeypatch.setattr(CheckIn.objects, "create", lost_once)
    result = meetings._check_in(activity=meeting, member=member_user.member, method="qr", slot=1, by=member_user)
    assert result.created and len(calls) == 2
    assert CheckIn.objects.get().member == member_user.member


def test_a_check_in_refused_by_another_rule_fails_loudly(member_user, meeting, monkeypatch):
    """An integrity error that leaves no row to read is not the one-row rule: after the
    retries it is raised, not shown as a check-in."""
    from django.db import IntegrityError

    def broken(**kwargs):
        raise IntegrityError("NOT NULL constraint failed")

    monkeypatch.setattr(CheckIn.objects, "create", broken)
    with pytest.raises(IntegrityError, match="NOT NULL"):
        meetings._check_in(activity=meeting, member=member_user.member, method="qr", slot=1, by=member_user)
    assert not CheckIn.objects.exists()


def test_a_check_in_read_before_the_roster_was_confirmed_is_refused(staff_client, users, member_user, meeting):
    """A scan or a tick whose page read the meeting as planned, arriving after the roster was
    confirmed, writes nothing: the attendance is already written without it."""
    stale = Activity.objects.get(pk=meeting.pk)  # read as planned
    meetings.roster_confirm(user=users[roles.STAFF], activity=meeting)
    for write in (
        lambda: meetings._check_in(activity=stale, member=member_user.member, method="qr", slot=1, by=member_user),
        lambda: meetings.check_in_tick(
            request=None, user=users[roles.STAFF], activity=stale, member_id=member_user.member.pk, present=False
        ),
    ):
        with pytest.raises(ValidationError, match="签到已关闭"):
            write()
    assert not CheckIn.objects.exists()
    assert Attendance.objects.get(activity=meeting, member=member_user.member).status == "absent"


def test_a_leave_decided_on_a_page_read_before_the_roster_was_confirmed_is_refused(member_user, users, meeting):
    asked = meetings.meeting_answer(member=member_user.member, activity=meeting, answer="leave", reason="出差")
    stale = MeetingAnswer.objects.select_related("activity").get(pk=asked.pk)  # its meeting read as planned
    meetings.roster_confirm(user=users[roles.STAFF], activity=meeting)
    with pytest.raises(ValidationError, match="名单已确认"):
        meetings.leave_decide(user=users[roles.STAFF], answer=stale, approve=True)
    assert MeetingAnswer.objects.get().leave_status == "pending"
    row = Attendance.objects.get(activity=meeting, member=member_user.member)
    assert (row.status, row.absence_reason) == ("absent", "")  # as confirmed: the leave was never approved


def test_the_check_in_screen_shows_a_qr_code_for_organisers_only(staff_client, leader_client, chairman_client, meeting):
    page = staff_client.get(reverse("check_in_screen", args=[meeting.pk])).content.decode()
    assert "<svg" in page and 'hx-trigger="every 5s"' in page
    code = staff_client.get(reverse("check_in_code", args=[meeting.pk])).content.decode()
    assert "<svg" in code
    assert leader_client.get(reverse("check_in_screen", args=[meeting.pk])).status_code == 200
    assert chairman_client.get(reverse("check_in_screen", args=[meeting.pk])).status_code == 403


def test_staff_tick_and_untick_by_hand_and_every_tick_is_audited(staff_client, users, meeting, member_user):
    member = member_user.member
    staff_client.post(reverse("meeting_tick", args=[meeting.pk]), {"member": member.pk, "present": "1"})
    row = CheckIn.objects.get()
    assert (row.method, row.recorded_by) == ("manual", users[roles.STAFF])
    staff_client.post(reverse("meeting_tick", args=[meeting.pk]), {"member": member.pk, "present": "0"})
    assert not CheckIn.objects.exists()
    details = list(AuditEvent.objects.filter(action=AuditEvent.Action.CHECK_IN).values_list("detail", flat=True))
    assert sorted(details) == ["ticked by staff", "unticked by staff"]


def test_ticking_someone_not_expected_is_refused(staff_client, group_b, meeting):
    stranger = make_member(group_b, "外组委员")
    response = staff_client.post(
        reverse("meeting_tick", args=[meeting.pk]), {"member": stranger.pk, "present": "1"}, follow=True,
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )  # fmt: skip
    assert "不在本次会议的应到名单" in response.content.decode()
    staff_client.post(reverse("meeting_tick", args=[meeting.pk]), {"member": "x", "present": "1"})
    assert not CheckIn.objects.exists()


# ---------------------------------------------------------------- confirmation


def test_attendance_counts_only_after_the_roster_is_confirmed(
    staff_client, member_client, member_user, group_a, meeting
):
    absent = make_member(group_a, "赵委员")
    member_client.get(_check_in_url(meeting))
    year = (datetime.date(_today().year, 1, 1), datetime.date(_today().year, 12, 31))
    before = period_figures(group_a.committee_id, *year, group_id=group_a.pk)
    assert not Attendance.objects.filter(activity=meeting).exists()
    response = staff_client.post(reverse("meeting_confirm", args=[meeting.pk]))
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == Activity.Status.HELD
    after = period_figures(group_a.committee_id, *year, group_id=group_a.pk)
    assert after.study_sessions == before.study_sessions + 1
    assert after.participant_times == before.participant_times + 1
    rows = dict(Attendance.objects.filter(activity=meeting).values_list("member__name", "status"))
    assert rows[member_user.member.name] == "present" and rows[absent.name] == "absent"
    # Confirmed once: a second confirmation, a late check-in and a late answer are refused.
    assert staff_client.post(reverse("meeting_confirm", args=[meeting.pk])).status_code == 302
    assert Attendance.objects.filter(activity=meeting).count() == len(rows)
    late = Client()
    log_in(late, make_user(roles.MEMBER, username="late", member=absent))
    assert late.get(_check_in_url(meeting)).status_code == 400
    assert CheckIn.objects.filter(member=absent).count() == 0


def test_answers_and_check_ins_renew_no_summary_until_the_roster_is_confirmed(
    staff_client, member_client, member_user, group_a, meeting
):
    """A meeting's answers and check-ins are read live (no summary reads them, as the
    tests' read check makes sure), so 500 members checking in leave every page cached;
    confirming the roster writes the attendance, and the figures show it at once."""
    home = staff_client.get("/").context
    held = home["activity_count"]
    before = freshness.records_version()
    member_client.post(reverse("member_meeting_answer", args=[meeting.pk]), {"answer": "attend"})
    member_client.get(_check_in_url(meeting))
    assert MeetingAnswer.objects.count() == CheckIn.objects.count() == 1
    assert freshness.records_version() == before
    assert staff_client.post(reverse("meeting_confirm", args=[meeting.pk])).status_code == 302
    assert freshness.records_version() != before
    assert staff_client.get("/").context["activity_count"] == held + 1


def test_a_future_meeting_cannot_be_confirmed_yet(staff_client, group_a, users):
    future = meetings.meeting_plan(
        user=users[roles.STAFF],
        groups=[group_a],
        kind=ActivityKind.STUDY,
        title="下周会议",
        date=_today() + datetime.timedelta(days=7),
    )
    response = staff_client.post(
        reverse("meeting_confirm", args=[future.pk]), follow=True, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert "请在会议当天或之后确认名单" in response.content.decode()
    future.refresh_from_db()
    assert future.status == "planned"


def test_a_leader_of_another_group_does_not_find_the_meeting(group_b, meeting):
    other = Client()
    log_in(other, make_user(roles.LEADER, group=group_b, username="leader_b"))
    for name in ("meeting_roster", "check_in_screen", "check_in_code", "meeting_confirm", "meeting_tick"):
        assert other.get(reverse(name, args=[meeting.pk])).status_code == 404, name
    assert other.post(reverse("meeting_confirm", args=[meeting.pk])).status_code == 404


# ---------------------------------------------------------------- reminders


def test_reminders_go_the_day_before_to_those_attending_once(member_user, group_a, users):
    tomorrow = _today() + datetime.timedelta(days=1)
    meeting = meetings.meeting_plan(
        user=users[roles.STAFF], groups=[group_a], kind=ActivityKind.STUDY, title="明日学习会", date=tomorrow,
        start_time=datetime.time(9, 0),
    )  # fmt: skip
    on_leave = make_member(group_a, "请假委员")
    make_user(roles.MEMBER, username="onleave", member=on_leave)
    meetings.meeting_answer(member=member_user.member, activity=meeting, answer="attend")
    meetings.meeting_answer(member=on_leave, activity=meeting, answer="leave", reason="出差")
    from activities.tasks import send_meeting_reminders

    assert send_meeting_reminders(day=(tomorrow - datetime.timedelta(days=2)).isoformat()) == 0
    assert send_meeting_reminders(day=_today().isoformat()) == 1
    assert send_meeting_reminders(day=_today().isoformat()) == 0
    note = Notification.objects.get()
    assert note.user == member_user and "明日学习会" in note.title and note.link == reverse("member_meetings")
