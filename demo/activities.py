"""Activities of the six carriers, with attendance, duty reports and highlights.

Each generator returns plans for one kind; `activities_create` writes them all
with three bulk inserts (activities, their groups, attendance).
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from activities.carriers import ActivityKind
from activities.models import Activity, Attendance, DutyReport
from sectors.models import Workstation

from . import words
from .context import DemoContext, aware_noon
from .profiles import Profile, group_profiles

K = ActivityKind
ROLL_CALL_KINDS = {K.STUDY, K.DUTY_REPORT}  # everyone is listed, present or not
ABSENCE_REASONS = list(Attendance.AbsenceReason.values)


@dataclass
class Plan:
    kind: str
    title: str
    date: datetime.date
    group_ids: list[int]
    share: float = 0.6  # of the groups' members who take part
    other_participants: int = 0
    format: str = Activity.Format.OFFLINE
    location: str = ""
    partners: str = ""
    workstation: Workstation | None = None
    highlight_note: str = ""
    planned: bool = False
    summary: str = ""


def _day_in_months(rng: random.Random, ctx: DemoContext, year: int, months: tuple[int, int]) -> datetime.date | None:
    return ctx.past_day(rng, year, months)


def _study(ctx: DemoContext, year: int, profiles: dict[int, Profile]) -> list[Plan]:
    rng, plans = ctx.rng(f"study-{year}"), []
    for group in ctx.groups:
        rate = profiles[group.pk].study_rate
        for month in range(1, 13):
            day = datetime.date(year, month, 1)
            if day > ctx.today or rng.random() >= rate:
                continue
            plans.append(
                Plan(
                    K.STUDY,
                    rng.choice(words.STUDY_TOPICS),
                    day,
                    [group.pk],
                    other_participants=rng.randint(0, 6),
                    format=rng.choice([Activity.Format.OFFLINE, Activity.Format.BOTH, Activity.Format.ONLINE]),
                    location="市政协委员之家",
                )
            )
    return plans


def _upcoming_study(ctx: DemoContext) -> list[Plan]:
    """Next month's study day, already planned by the regular groups."""
    first = (ctx.today.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    if first.year != ctx.today.year:
        return []
    profiles = group_profiles(ctx, first.year)
    return [
        Plan(K.STUDY, "界别学习日：专题学习会", first, [group.pk], planned=True)
        for group in ctx.groups
        if profiles[group.pk].study_rate == 1.0
    ]


def _training(ctx: DemoContext, year: int) -> list[Plan]:
    day = datetime.date(year, 3, 15)
    if day > ctx.today:
        return []
    title = "委员履职能力提升培训班"
    return [Plan(K.TRAINING, title, day, [g.pk for g in ctx.groups], share=0.55, location="市委党校")]


def _special_consultations(ctx: DemoContext, year: int) -> list[Plan]:
    """The joint meetings the article describes, held each May."""
    by_short, plans = ctx.by_short, []
    if datetime.date(year, 5, 9) <= ctx.today:
        plans.append(
            Plan(
                K.CONSULTATION,
                "健全公共卫生安全体系建设专题议政性协商会",
                datetime.date(year, 5, 9),
                [by_short["九三学社"].pk, by_short["医卫"].pk],
                share=0.7,
                other_participants=8,
                partners="市卫生健康委员会、市疾病预防控制中心",
                highlight_note="九三学社与医卫界别联合协商，建议被市卫健委采纳。",
            )
        )
    if datetime.date(year, 5, 21) <= ctx.today:
        plans.append(
            Plan(
                K.CONSULTATION,
                "文化元素精致植入生态园建设界别协商会",
                datetime.date(year, 5, 21),
                [by_short["文艺新闻"].pk],
                share=0.7,
                other_participants=6,
                partners="市政协文化文史和学习委员会、市农业农村局、市文化广电旅游局、温州生态园管委会",
            )
        )
    return plans


def _per_group(ctx, year, profiles, kind, count_of, topics, months=(2, 11)) -> list[Plan]:
    rng, plans = ctx.rng(f"{kind}-{count_of}-{year}"), []
    for group in ctx.groups:
        for _i in range(getattr(profiles[group.pk], count_of)):
            day = _day_in_months(rng, ctx, year, months)
            if day is None:
                continue
            others = rng.randint(2, 10) if kind in (K.CONSULTATION, K.SERVICE) else rng.randint(0, 3)
            share = rng.uniform(0.3, 0.7)
            plans.append(Plan(kind, rng.choice(topics), day, [group.pk], share, others))
    return plans


def _joint_consultations(ctx: DemoContext, year: int) -> list[Plan]:
    rng = ctx.rng(f"joint-{year}")
    plans = []
    for _i in range(3):
        first, second = rng.sample(ctx.groups, 2)
        day = _day_in_months(rng, ctx, year, (3, 11))
        if day:
            title = rng.choice(words.CONSULTATION_TOPICS)
            plans.append(Plan(K.CONSULTATION, title, day, [first.pk, second.pk], 0.5, rng.randint(3, 8)))
    return plans


def _services(ctx: DemoContext, year: int, profiles: dict[int, Profile]) -> list[Plan]:
    plans = _per_group(ctx, year, profiles, K.SERVICE, "december_services", words.SERVICE_TOPICS, (12, 12))
    plans += _per_group(ctx, year, profiles, K.SERVICE, "other_services", words.SERVICE_TOPICS, (3, 10))
    tongzhou = datetime.date(year, 7, 18)
    if tongzhou <= ctx.today:
        plans.append(
            Plan(
                K.SERVICE,
                "“同舟行动”赴永嘉县山区公益助学",
                tongzhou,
                [ctx.by_short["民盟"].pk],
                share=0.4,
                other_participants=12,
                location="永嘉县",
                highlight_note="民盟界别持续开展“同舟行动”公益助学。",
            )
        )
    return plans


STATION_HIGHLIGHTS = {
    "致公驿站": "致公驿站依托委员工作室，常态化收集社情民意。",
    "团青驿站": "团青驿站为快递小哥、留守儿童等群体发声。",
}


def _station_meeting(rng: random.Random, station: Workstation, day: datetime.date, note: str) -> Plan:
    title = "“委员谈履职”面对面活动" if station.name == "团青驿站" else f"{station.name}委员接待日"
    return Plan(
        K.CONSTITUENT_CONTACT,
        title,
        day,
        [station.group_id],
        share=0.3,
        other_participants=rng.randint(5, 30),
        location=station.address,
        workstation=station,
        highlight_note=note,
    )


def _station_meetings(ctx: DemoContext, year: int) -> list[Plan]:
    """Members meeting constituents at workstations (界别e联网); the two named
    stations meet every other month and the first meeting is a highlight."""
    rng, plans = ctx.rng(f"stations-{year}"), []
    for stations in ctx.workstations.values():
        for station in stations:
            regular = station.name in STATION_HIGHLIGHTS
            days = [_day_in_months(rng, ctx, year, (1, 12)) for _i in range(6 if regular else rng.choice((0, 1, 2)))]
            for index, day in enumerate(sorted(d for d in days if d)):
                note = STATION_HIGHLIGHTS[station.name] if regular and index == 0 else ""
                plans.append(_station_meeting(rng, station, day, note))
    return plans


def _duty_meetings(ctx: DemoContext, year: int, profiles: dict[int, Profile]) -> list[Plan]:
    rng, plans = ctx.rng(f"duty-{year}"), []
    for group in ctx.groups:
        day = datetime.date(year, 12, rng.randint(8, 28))
        if profiles[group.pk].duty_meeting and day <= ctx.today:
            plans.append(Plan(K.DUTY_REPORT, "“我的履职”界别述职会", day, [group.pk], other_participants=2))
    return plans


def _year_plans(ctx: DemoContext, year: int) -> list[Plan]:
    profiles = group_profiles(ctx, year)
    plans = _study(ctx, year, profiles) + _training(ctx, year)
    plans += _special_consultations(ctx, year) + _joint_consultations(ctx, year)
    plans += _per_group(ctx, year, profiles, K.CONSULTATION, "consultations", words.CONSULTATION_TOPICS, (3, 11))
    plans += _per_group(ctx, year, profiles, K.RESEARCH, "research", words.RESEARCH_TOPICS, (3, 10))
    plans += _per_group(ctx, year, profiles, K.SUPERVISION, "supervisions", ("民主监督专项视察",), (4, 10))
    plans += _per_group(ctx, year, profiles, K.FELLOWSHIP, "fellowship", words.FELLOWSHIP_TOPICS, (2, 11))
    plans += _services(ctx, year, profiles) + _station_meetings(ctx, year) + _duty_meetings(ctx, year, profiles)
    _mark_highlights(ctx, year, plans, profiles)
    return plans


def _mark_highlights(ctx: DemoContext, year: int, plans: list[Plan], profiles: dict[int, Profile]) -> None:
    """Besides the article's examples, one service or consultation of each group picked for a highlight."""
    done = set()
    for plan in plans:
        if plan.kind in (K.SERVICE, K.CONSULTATION) and not plan.highlight_note and len(plan.group_ids) == 1:
            group_id = plan.group_ids[0]
            if profiles[group_id].highlight and group_id not in done:
                plan.highlight_note = "活动形式新颖，社会反响良好，获委员工委推荐。"
                done.add(group_id)


def _attendance(ctx: DemoContext, rng: random.Random, plan: Plan, activity_id: int) -> list[Attendance]:
    if plan.planned:
        return []
    eligible = ctx.members_on(plan.group_ids, plan.date)
    if plan.kind in ROLL_CALL_KINDS:
        listed, present_rate = eligible, (0.95 if plan.kind == K.DUTY_REPORT else 0.82)
    else:
        listed, present_rate = rng.sample(eligible, max(1, round(len(eligible) * plan.share))), 0.93
    rows = []
    for member_id in listed:
        if rng.random() < present_rate:
            rows.append(Attendance(activity_id=activity_id, member_id=member_id))
        else:
            reason = rng.choice(ABSENCE_REASONS)
            rows.append(
                Attendance(activity_id=activity_id, member_id=member_id, status="absent", absence_reason=reason)
            )
    return rows


def _activity(ctx: DemoContext, plan: Plan) -> Activity:
    leader_group = ctx.leader_user.sector_group_id if ctx.leader_user else None
    author = ctx.leader_user if leader_group in plan.group_ids else ctx.staff_user
    return Activity(
        committee=ctx.committee,
        kind=plan.kind,
        title=plan.title,
        date=plan.date,
        status=Activity.Status.PLANNED if plan.planned else Activity.Status.HELD,
        format=plan.format,
        location=plan.location,
        partners=plan.partners,
        summary=plan.summary,
        other_participants=0 if plan.planned else plan.other_participants,
        workstation=plan.workstation,
        is_highlight=bool(plan.highlight_note),
        highlight_note=plan.highlight_note,
        created_by=author,
        created_at=aware_noon(min(plan.date, ctx.today)),
    )


def _duty_reports(activities: list[Activity], plans: list[Plan], attendance: list[Attendance]) -> list[DutyReport]:
    present = {}
    for row in attendance:
        if row.status == Attendance.Status.PRESENT:
            present.setdefault(row.activity_id, []).append(row.member_id)
    reports = []
    for activity, plan in zip(activities, plans, strict=True):
        if plan.kind != K.DUTY_REPORT or plan.planned:
            continue
        title = f"我的履职：{plan.date.year}年度履职报告"
        reports += [
            DutyReport(group_id=plan.group_ids[0], member_id=member_id, meeting=activity, title=title,
                       reported_on=plan.date)
            for member_id in present.get(activity.pk, [])
        ]  # fmt: skip
    return reports


def activities_create(ctx: DemoContext) -> dict[str, int]:
    plans = [plan for year in ctx.years for plan in _year_plans(ctx, year)] + _upcoming_study(ctx)
    plans.sort(key=lambda plan: (plan.date, plan.kind, plan.group_ids))
    activities = Activity.objects.bulk_create([_activity(ctx, plan) for plan in plans], batch_size=500)
    through = Activity.groups.through
    through.objects.bulk_create(
        [through(activity_id=a.pk, sectorgroup_id=gid) for a, p in zip(activities, plans, strict=True)
         for gid in p.group_ids],
        batch_size=1000,
    )  # fmt: skip
    rng = ctx.rng("attendance")
    attendance = [row for a, p in zip(activities, plans, strict=True) for row in _attendance(ctx, rng, p, a.pk)]
    Attendance.objects.bulk_create(attendance, batch_size=1000)
    reports = DutyReport.objects.bulk_create(_duty_reports(activities, plans, attendance), batch_size=1000)
    return {"activities": len(activities), "attendance": len(attendance), "duty_reports": len(reports)}
