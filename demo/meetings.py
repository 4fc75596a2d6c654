"""A planned meeting with its answers and leave, a meeting today to check in
at, and self-reported work in each state, for the demo leader's group (致公党), where
the demo member account is: that member has answered nothing yet (to try it) and has
one self-reported item in each state (issue 21; written through the portal's services)."""

from __future__ import annotations

import datetime

from activities.carriers import ActivityKind
from activities.models import MeetingAnswer, SelfReport
from activities.services import meetings, self_reports
from portal import clock
from sectors.models import Member, SectorGroup

from .accounts import LEADER_GROUP
from .context import DemoContext

DEMO_MEMBER = "member"  # the demo member account's user name (demo.accounts)


def _demo_group(ctx: DemoContext) -> SectorGroup:
    return next(group for group in ctx.groups if group.short_name == LEADER_GROUP)


def _demo_members(ctx: DemoContext) -> list[Member]:
    """Members of the demo group today: the leader and the demo member account's member excepted."""
    group = _demo_group(ctx)
    ids = ctx.members_on([group.pk], ctx.today)
    members = Member.objects.filter(pk__in=ids, memberships__group=group, memberships__end_date__isnull=True)
    members = members.exclude(memberships__role="leader").exclude(user__username=DEMO_MEMBER)
    return list(members.order_by("member_number"))


def _account_member(ctx: DemoContext) -> Member | None:
    """The demo `member` account's member (demo.accounts), if it has one."""
    group = _demo_group(ctx)
    return Member.objects.filter(user__username=DEMO_MEMBER, memberships__group=group).first()


def _next_study_day(day: datetime.date) -> datetime.date:
    """The 1st of next month: the sector study day (界别学习日)."""
    return (day.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


def _planned(ctx: DemoContext, members: list[Member]) -> int:
    group, staff = _demo_group(ctx), ctx.staff_user
    # A demo seeded "as of" an earlier day (the tests) still plans from the real today.
    day = max(ctx.today, clock.today())
    upcoming = meetings.meeting_plan(
        user=staff,
        groups=[group],
        kind=ActivityKind.STUDY,
        title="界别学习日：学习全国政协全会精神",
        date=_next_study_day(day),
        start_time=datetime.time(14, 30),
        end_time=datetime.time(16, 30),
        location="市政协三楼第一会议室",
        summary="请携带学习笔记本。",
    )
    for member in members[:4]:
        meetings.meeting_answer(member=member, activity=upcoming, answer=MeetingAnswer.Answer.ATTEND)
    approved = meetings.meeting_answer(
        member=members[4], activity=upcoming, answer=MeetingAnswer.Answer.LEAVE, reason="赴省外出差"
    )
    meetings.leave_decide(user=staff, answer=approved, approve=True)
    meetings.meeting_answer(
        member=members[5], activity=upcoming, answer=MeetingAnswer.Answer.LEAVE, reason="单位年终会议"
    )
    today = meetings.meeting_plan(
        user=staff,
        groups=[group],
        kind=ActivityKind.CONSULTATION,
        title="界别协商座谈会（今日，可扫码签到）",
        date=day,
        location="市政协二楼会议室",
    )
    meetings.meeting_answer(member=members[0], activity=today, answer=MeetingAnswer.Answer.ATTEND)
    return MeetingAnswer.objects.filter(activity__in=[upcoming, today]).count()


def _self_reports(ctx: DemoContext, members: list[Member]) -> int:
    day = ctx.today - datetime.timedelta(days=5)
    own = _account_member(ctx)
    members = [own, own, own] if own else members
    submitted = self_reports.self_report_submit(
        member=members[0], kind=SelfReport.Kind.CONTACT, date=day, title="走访社区卫生服务中心",
        content="了解基层医生待遇问题。", constituent_name="陈医生", way="in_person",
    )  # fmt: skip
    accepted = self_reports.self_report_submit(
        member=members[1], kind=SelfReport.Kind.CONTACT, date=day, title="电话回访外卖骑手",
        content="反映电动车充电难。", constituent_name="王师傅", way="phone",
    )  # fmt: skip
    self_reports.self_report_accept(user=ctx.staff_user, item=accepted, comment="已采纳。")
    returned = self_reports.self_report_submit(
        member=members[2], kind=SelfReport.Kind.OPINION, date=day, title="关于老旧小区加装电梯的建议",
        content="建议简化审批。",
    )  # fmt: skip
    self_reports.self_report_return(user=ctx.staff_user, item=returned, comment="请补充具体小区和数据后再报。")
    return len([submitted, accepted, returned])


def meetings_create(ctx: DemoContext) -> dict[str, int]:
    members = _demo_members(ctx)
    if len(members) < 6:
        return {"meeting_answers": 0, "self_reports": 0}
    return {"meeting_answers": _planned(ctx, members), "self_reports": _self_reports(ctx, members)}
