"""A realistic ten-year dataset for every benchmark, on the current database.

    from bench.dataset import build            # repository root on sys.path, Django set up, migrated
    data = build(years=10)                      # ~30,000 activities, ~300,000 attendance rows

    .venv/bin/python bench/dataset.py --sqlite /tmp/ten-years.sqlite3          # CLI, SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wz_bench .venv/bin/python bench/dataset.py

One committee (the real Wenzhou structure from `reports.setup.portal_setup`: 29 groups, the
current term and an assessment year per year), then, for `years` calendar years ending with
today's year (records after today are not written, except a month of planned study days):

- ~500 members at any time (the demo's group sizes), ~650 over the decade: the previous term's
  leavers end on the day before the current term starts and newcomers join that day; a dozen
  members move group and a few leave mid-term. Each group has one leader, deputies and a liaison.
- 40 workstations: 36 open (29 groups + 7 second stations), 4 closed at the term change.
- ~100 activities per group and year in the portal's proportions: a study day on the 1st of
  every month (roll call) plus other study sessions, training, research and inspections,
  consultations (some joint between two or three groups), supervision, service activities with
  the December activity-month peak, fellowship, meetings with constituents at the group's
  workstation, one duty-report meeting in December (roll call, every member present files a
  duty report) and a few others; twice a year a joint study meeting of all 29 groups. About
  1.5 % are highlights recognised by staff.
- Attendance (~10 rows per activity): roll calls list every member of the groups on that day
  (present ~85 %, absences with a reason); other activities list a sample, mostly present.
- ~500 public-opinion reports a year (a fifth through workstations; 致公驿站 21 a year), ~250
  proposals, ~500 constituent contacts with ~2,000 constituents, the groups' plans and
  summaries (some late, a few missing).
- Outcomes (issue 22): each proposal's place in the flow (past years: ~7 % not accepted, ~3 %
  merged, the rest answered, rated and closed, ~3 % of those named excellent; the last year
  by the calendar, ~5 % overdue), the handling units of every assigned one (a lead, often
  co-handlers), supervising leaders of key proposals; lower adoption rungs under some
  provincial and national adoptions; leaders' instructions (批示) on ~3 % of reports and ~1 %
  of proposals; one to three outcomes of ~85 % of consultation meetings.
- The members' side (issue 21): member accounts (委员 role, `m-<member number>`) for today's
  members of 致公党; answers and check-ins of half the last year's monthly study days and
  answers to next month's; ~1 self-reported item per 10 members a year (accepted, returned,
  the last month's mostly awaiting review); 2–4 notices a month to 致公党 and 4 a year to
  every member, ~60 % read; the minhang point rules for every year and 5 point appeals a year.
- Logins for every role, all with the password `BENCH_PASSWORD`: `bench-staff`,
  `bench-chairman`, `bench-admin` and one leader per group, `bench-leader-01` … `bench-leader-29`
  (sort order; `bench-leader-07` leads 致公党), and the member accounts (`Dataset.member_users`).

Deterministic: the same `seed`, `years`, `scale` and `today` give the same rows (primary keys
depend on the database's sequences). One random stream per record type: a record type added
later draws from a stream of its own, so the earlier types' rows stay as they were (the
proposals' outcome fields excepted: the flow is set over them). Fast: everything is written
with `bulk_create` year by year, without history rows (but the point rules, through
`preset_apply`), then `ANALYZE`. About half a minute for ten years on SQLite or PostgreSQL
(2 shared cores; longer under load).

`scale` multiplies the per-group yearly counts of activities, reports, proposals and contacts
(`scale=0.1` for a quick run: ~6,000 activities, ~100,000 attendance rows), and so their
outcomes; members, groups, workstations, the roll calls (monthly study days, duty-report
meetings), self-reported items, notices and appeals do not scale.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
if str(BASE_DIR) not in sys.path:
    sys.path.insert(0, str(BASE_DIR))

BENCH_PASSWORD = "bench-only-1"
SEED = 168
BATCH = 2000
ASSESSED_FROM = 2000  # the first year of assessment years and plans (their year range constraints)
MEMBER_PREFIX = "B"

# Activities per group and year by kind, outside the roll calls built separately
# (the study day on the 1st of each month, the December duty-report meeting).
KIND_MIX: dict[str, int] = {
    "study": 6,
    "training": 4,
    "research": 9,
    "inspection": 6,
    "consultation": 3,
    "supervision": 4,
    "service": 13,  # plus DECEMBER_SERVICE in the activity month
    "fellowship": 9,
    "constituent_contact": 20,
    "other": 7,
}
DECEMBER_SERVICE = 8
JOINT_CONSULTATIONS = 6  # per year, two or three groups each
ALL_GROUP_MEETINGS = 2  # per year, all 29 groups
OPINION_REPORTS_PER_YEAR = 500
PROPOSALS_PER_YEAR = 250
CONTACTS_PER_YEAR = 500
CONSTITUENTS = 2000
HIGHLIGHT_SHARE = 0.015
FIRST_TERM_LEAVERS = 150  # members of the previous term only
NEWCOMER_SHARE = 0.3  # of today's members, who joined with the current term
MOVERS = 12
MID_TERM_LEAVERS = 10
CLOSED_STATIONS = 4
# The outcomes and the members' side, each from a stream of its own: shares of the records
# above (which scale) or counts that do not scale.
NOT_ACCEPTED_SHARE = 0.07  # of proposals decided
MERGED_SHARE = 0.03
UNRATED_SHARE = 0.02  # past years' proposals answered but never rated
OVERDUE_SHARE = 0.055  # of the last year's proposals assigned and past their answer date: ~5 % of the year's
EXCELLENT_SHARE = 0.03  # of past years' closed proposals
REPORT_INSTRUCTION_SHARE = (0.07, 0.008)  # adopted reports, the others: ~3 % of all reports
PROPOSAL_INSTRUCTION_SHARE = (0.1, 0.008)  # key proposals, the other accepted ones: ~1 % of all proposals
OUTCOME_SHARE = 0.85  # of held consultation meetings with outcomes
ANSWERED_STUDY_DAYS = 0.5  # of the last year's monthly study days run as planned meetings (answers, check-ins)
SELF_REPORTS_PER_MEMBER = 0.1  # a year
NOTICES_A_MONTH = (2, 3, 3, 4)  # to the members' group
COMMITTEE_NOTICES_A_YEAR = 4  # to every member
NOTICE_READ_SHARE = 0.6
APPEALS_PER_YEAR = 5
ACCOUNTS_GROUP = "致公党"  # its members have member accounts (as in the demo); bench-leader-07 leads it
POINTS_PRESET = "minhang"

HANDLING_UNITS = (
    "市发展和改革委员会",
    "市教育局",
    "市科学技术局",
    "市经济和信息化局",
    "市公安局",
    "市民政局",
    "市财政局",
    "市人力资源和社会保障局",
    "市自然资源和规划局",
    "市生态环境局",
    "市住房和城乡建设局",
    "市交通运输局",
    "市水利局",
    "市农业农村局",
    "市商务局",
    "市文化广电旅游局",
    "市卫生健康委员会",
    "市市场监督管理局",
    "市医疗保障局",
    "市综合行政执法局",
    "市大数据发展管理局",
    "市总工会",
    "团市委",
    "市妇联",
    "市工商联",
)
NOT_ACCEPTED_NOTES = (
    "属个人诉求，转为社情民意信息",
    "所提事项已在实施中，不予立案",
    "不属于提案受理范围，转委员来信处理",
    "案由不够具体，建议修改后再提",
)
ANSWER_TEXTS = ("承办单位已答复", "承办单位已书面答复，所提建议已吸收采纳", "承办单位已答复，列入年度工作计划")
SUPERVISORS = ("市政协主席", "市政协副主席", "副市长", "市委常委")
LEADER_TITLES = {
    "city": ("市委书记", "市长", "市委副书记", "常务副市长", "副市长", "市政协主席"),
    "province": ("省委副书记", "副省长", "省政协副主席"),
    "national": ("全国政协副主席", "国务院有关部委负责同志"),
}
INSTRUCTION_NOTES = ("请相关部门认真研究，抓好落实。", "所提建议很好，请市发改委牵头研究。", "请结合实际吸收采纳。")
LADDER_BODIES = {
    "committee": (("cppcc", "温州市政协"),),
    "city": (("party_committee", "中共温州市委办公室"), ("government", "温州市人民政府办公室")),
    "province": (
        ("cppcc", "浙江省政协"),
        ("party_committee", "中共浙江省委办公厅"),
        ("government", "浙江省人民政府办公厅"),
    ),
}
SUGGESTIONS = (
    "建议完善相关政策配套措施",
    "建议加大财政资金支持力度",
    "建议建立部门协同工作机制",
    "建议加强基层人才队伍建设",
    "建议优化审批流程，提高办事效率",
    "建议开展专项督查，推动政策落地",
)
RESPONSES = ("已吸收进相关工作方案", "已转相关部门研究落实", "部分采纳，列入明年工作计划")
LEAVE_REASONS = ("单位工作冲突", "外出出差", "身体不适", "家中有事", "参加上级会议")
RETURN_COMMENTS = (
    "请补充时间、地点和具体内容后再报。",
    "该项已由界别统一登记，请勿重复报送。",
    "请补充群众姓名和联系方式。",
)
SELF_REPORT_KINDS = ("contact",) * 5 + ("opinion",) * 2 + ("activity",) * 3
SELF_ACTIVITY_KINDS = ("service", "research", "fellowship", "constituent_contact", "other")
NOTICE_TITLES = (
    "关于参加{month}月界别学习日的通知",
    "学习材料：{month}月界别学习资料",
    "关于报送{year}年社情民意信息的通知",
    "关于参加界别专题调研的通知",
    "关于开展界别走访群众活动的通知",
    "关于征集{year}年度提案线索的通知",
)
COMMITTEE_NOTICE_TITLES = (
    "关于召开市政协全体委员学习会的通知",
    "关于做好{year}年度委员履职登记工作的通知",
    "关于征集{year}年度协商议题的通知",
    "关于开展委员履职述职的通知",
)


@dataclass
class Dataset:
    """What `build` made: the committee, its groups, logins and the counts written."""

    committee: object
    groups: list
    first_year: int
    today: datetime.date
    users: dict[str, object]  # role (portal.roles) -> User
    leaders: dict[int, object]  # group id -> leader's User
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    member_users: dict[int, object] = field(default_factory=dict)  # member id -> their member account (User)

    @property
    def years(self) -> list[int]:
        return list(range(self.first_year, self.today.year + 1))


@dataclass(frozen=True)
class _Span:
    member_id: int
    group_id: int
    role: str
    start: datetime.date
    end: datetime.date | None

    def covers(self, day: datetime.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass
class _Plan:
    kind: str
    title: str
    date: datetime.date
    group_ids: list[int]
    roll_call: bool = False
    workstation_id: int | None = None


class _Builder:
    def __init__(self, *, years: int, seed: int, scale: float, today: datetime.date) -> None:
        self.seed, self.scale, self.today = seed, scale, today
        self.first_year = today.year - years + 1
        self.term_start = self._term_start()
        self.spans: list[_Span] = []
        self.by_group: dict[int, list[_Span]] = {}
        self.stations: dict[int, list] = {}
        self.counts: dict[str, int] = {}
        # What the later record types hang on (kept as written, no draws of their own).
        self.consultations: list[tuple[int, datetime.date]] = []  # held consultation meetings
        self.study_days: list[tuple[int, datetime.date, int, bool]] = []  # monthly study days: id, day, group, held
        self.reports: list = []
        self.report_submitters: list[list[int]] = []
        self.proposals: list = []
        self.proposal_proposers: list[list[int]] = []
        self.contacts: list = []
        self.password = ""
        self.staff = None
        self.leaders: dict[int, object] = {}
        self.member_users: dict[int, object] = {}

    def rng(self, purpose: str) -> random.Random:
        # One generator per record type: changing one leaves the others' rows as they were.
        return random.Random(f"{self.seed}:{purpose}")

    def _term_start(self) -> datetime.date:
        from sectors.roster import committee_data

        start = committee_data.CURRENT_TERM_START
        if self.first_year < start.year <= self.today.year:
            return start
        return datetime.date(self.first_year + max(1, (self.today.year - self.first_year + 1) // 2), 1, 1)

    def n(self, count: float, rng: random.Random) -> int:
        """`count` scaled, rounded at random so that small scales still average right."""
        value = count * self.scale
        return int(value) + (1 if rng.random() < value - int(value) else 0)

    # --- people -------------------------------------------------------------------------

    def members_on(self, group_ids: list[int], day: datetime.date) -> list[int]:
        return sorted({s.member_id for gid in group_ids for s in self.by_group[gid] if s.covers(day)})

    def group_of(self, member_id: int, day: datetime.date) -> int | None:
        return next((s.group_id for s in self.member_spans[member_id] if s.covers(day)), None)

    def people_create(self, committee, groups) -> None:
        from demo import words
        from demo.people import GROUP_SIZES, mobile_number
        from portal.validators import id_card_check_char
        from sectors.models import GroupMembership, Member

        rng = self.rng("members")
        role = GroupMembership.Role
        first_day = datetime.date(self.first_year, 1, 1)
        before_term = self.term_start - datetime.timedelta(days=1)
        seen_ids: set[str] = set()

        def member(number: int, short: str) -> Member:
            gender = "M" if rng.random() < 0.65 else "F"
            chars = words.MALE_CHARS if gender == "M" else words.FEMALE_CHARS
            birth = datetime.date(1958, 1, 1) + datetime.timedelta(days=rng.randrange(365 * 33))
            while True:
                serial = rng.randint(0, 99) * 10 + rng.choice((1, 3, 5, 7, 9) if gender == "M" else (0, 2, 4, 6, 8))
                first17 = f"{rng.choice(list(words.REGIONS))}{birth:%Y%m%d}{serial:03d}"
                if first17 not in seen_ids:
                    seen_ids.add(first17)
                    break
            employers, titles = words.JOBS.get(short, words.GENERIC_JOBS)
            return Member(
                committee=committee,
                member_number=f"{MEMBER_PREFIX}{number:04d}",
                name=rng.choice(words.SURNAMES) + rng.choice(chars) + (rng.choice(chars) if rng.random() < 0.8 else ""),
                gender=gender,
                birth_date=birth,
                party=words.PARTY_OF_GROUP.get(short) or rng.choice(words.OTHER_PARTIES),
                employer=rng.choice(employers),
                job_title=rng.choice(titles),
                mobile=mobile_number(rng),
                id_card=first17 + id_card_check_char(first17),
            )

        # Per group: today's members (the first ones served since the first year, holding the
        # roles; the rest joined with the current term), then the previous term's leavers.
        layout: list[tuple[int, str, datetime.date, datetime.date | None]] = []
        total_now = sum(GROUP_SIZES.values())
        models, number = [], 0
        for group in groups:
            size = GROUP_SIZES.get(group.short_name, 17)
            newcomers = round(size * NEWCOMER_SHARE)
            leavers = round(FIRST_TERM_LEAVERS * size / total_now)
            deputies = 1 if size < 16 else 2
            for position in range(size + leavers):
                number += 1
                models.append(member(number, group.short_name))
                if position == 0:
                    span_role = role.LEADER
                elif position <= deputies:
                    span_role = role.DEPUTY
                elif position == deputies + 1:
                    span_role = role.LIAISON
                else:
                    span_role = role.MEMBER
                if position < size - newcomers:
                    layout.append((group.pk, span_role, first_day, None))
                elif position < size:
                    layout.append((group.pk, role.MEMBER, self.term_start, None))
                else:
                    layout.append((group.pk, role.MEMBER, first_day, before_term))
        members = Member.objects.bulk_create(models, batch_size=BATCH)
        spans = [
            _Span(m.pk, gid, span_role, start, end)
            for m, (gid, span_role, start, end) in zip(members, layout, strict=True)
        ]
        spans, inactive = self._move_and_retire(spans, [g.pk for g in groups], rng)
        Member.objects.filter(pk__in=inactive).update(is_active=False)
        GroupMembership.objects.bulk_create(
            [
                GroupMembership(
                    member_id=s.member_id, group_id=s.group_id, role=s.role, start_date=s.start, end_date=s.end
                )
                for s in spans
            ],
            batch_size=BATCH,
        )
        self.spans = spans
        self.by_group = {g.pk: [] for g in groups}
        self.member_spans: dict[int, list[_Span]] = {}
        for s in spans:
            self.by_group[s.group_id].append(s)
            self.member_spans.setdefault(s.member_id, []).append(s)
        self.counts["members"] = len(members)
        self.counts["memberships"] = len(spans)
        self.member_names = {m.pk: (m.member_number, m.name) for m in members}

    def _move_and_retire(self, spans: list[_Span], group_ids: list[int], rng: random.Random):
        """A dozen plain members move group mid-term; a few others leave early."""
        plain = [i for i, s in enumerate(spans) if s.role == "member" and s.end is None and s.start < self.term_start]
        chosen = rng.sample(plain, min(len(plain), MOVERS + MID_TERM_LEAVERS))
        span_days = max(1, (self.today - self.term_start).days)
        added, inactive = [], set()
        for n, i in enumerate(chosen):
            s = spans[i]
            day = self.term_start + datetime.timedelta(days=rng.randrange(30, max(31, span_days - 30)))
            day = min(day, self.today)
            spans[i] = _Span(s.member_id, s.group_id, s.role, s.start, day - datetime.timedelta(days=1))
            if n < MOVERS:
                target = rng.choice([gid for gid in group_ids if gid != s.group_id])
                added.append(_Span(s.member_id, target, "member", day, None))
            else:
                inactive.add(s.member_id)
        # Members of the previous term only are no longer active either.
        inactive |= {s.member_id for s in spans if s.end is not None and s.end < self.term_start}
        return spans + added, inactive

    def workstations_create(self, groups) -> None:
        from demo import words
        from demo.people import SECOND_STATIONS
        from sectors.models import Workstation

        rng = self.rng("workstations")
        special = {"致公党": "致公驿站", "共青团(青联)": "团青驿站"}
        # The article's 36 open stations were set up from 2019; a few earlier ones closed at the term change.
        opened_from = datetime.date(max(self.first_year, 2019), 1, 1)
        plans = [(g, special.get(g.short_name, f"{g.short_name}界别工作站"), True) for g in groups]
        plans += [(g, f"{g.short_name}委员会客厅", True) for g in groups if g.short_name in SECOND_STATIONS]
        closing = rng.sample([g for g in groups if g.short_name not in SECOND_STATIONS], CLOSED_STATIONS)
        plans += [(g, f"{g.short_name}委员联络站", False) for g in closing]
        stations = []
        for group, name, open_now in plans:
            people = [s.member_id for s in self.by_group[group.pk] if s.start == datetime.date(self.first_year, 1, 1)]
            start = datetime.date(self.first_year, 3, 1) if not open_now else opened_from
            end = (self.term_start - datetime.timedelta(days=400)) if not open_now else self.today
            established = start + datetime.timedelta(days=rng.randrange(max(1, (end - start).days)))
            station = Workstation(
                group=group,
                name=name,
                host_kind=rng.choice(Workstation.HostKind.values[:3]),
                host_member_id=rng.choice(people) if people else None,
                address=f"温州市{rng.choice(list(words.REGIONS.values()))}{rng.choice(words.STREETS)}"
                f"{rng.randint(1, 399)}号",
                established_on=established,
                is_active=open_now,
                description="收集界别群众意见建议，转化为社情民意信息。",
            )
            if not open_now and hasattr(station, "closed_on"):  # issue 8's closing date, once it exists
                station.closed_on = self.term_start - datetime.timedelta(days=1)
            stations.append(station)
        stations = Workstation.objects.bulk_create(stations)
        for station in stations:
            self.stations.setdefault(station.group_id, []).append(station)
        self.counts["workstations"] = len(stations)

    def station_on(self, group_id: int, day: datetime.date, rng: random.Random):
        """One of the group's stations open on that day, or None."""
        open_then = [
            s
            for s in self.stations.get(group_id, [])
            if s.established_on <= day and (s.is_active or day < self.term_start)
        ]
        return rng.choice(open_then) if open_then else None

    # --- activities ---------------------------------------------------------------------

    def day_in(self, rng: random.Random, year: int, first_month: int = 1, last_month: int = 12) -> datetime.date:
        start = datetime.date(year, first_month, 1)
        end = datetime.date(year + last_month // 12, last_month % 12 + 1, 1) - datetime.timedelta(days=1)
        return start + datetime.timedelta(days=rng.randrange((end - start).days + 1))

    def year_plans(self, year: int, groups, rng: random.Random) -> list[_Plan]:
        from demo import words

        topics = {
            "study": words.STUDY_TOPICS,
            "training": ("委员履职能力培训班", "政协业务知识培训", "提案撰写专题培训", "社情民意信息写作培训"),
            "research": words.RESEARCH_TOPICS,
            "inspection": words.RESEARCH_TOPICS,
            "consultation": words.CONSULTATION_TOPICS,
            "supervision": ("民主监督：营商环境专项监督", "民主监督：食品安全专项监督", "民主监督：河长制落实情况"),
            "service": words.SERVICE_TOPICS,
            "fellowship": words.FELLOWSHIP_TOPICS,
            "constituent_contact": ("界别群众接待日", "委员会客厅：倾听群众心声", "工作站走访界别群众"),
            "other": ("界别工作例会", "界别活动组会议", "界别年度工作部署会"),
        }
        plans = []
        for group in groups:
            short = group.short_name
            for month in range(1, 13):
                plans.append(
                    _Plan(
                        "study",
                        f"{short}界别学习日（{month}月）",
                        datetime.date(year, month, 1),
                        [group.pk],
                        roll_call=True,
                    )
                )
            for kind, per_year in KIND_MIX.items():
                for _ in range(self.n(per_year, rng)):
                    day = self.day_in(rng, year, 1, 11) if kind == "service" else self.day_in(rng, year)
                    station = self.station_on(group.pk, day, rng) if kind == "constituent_contact" else None
                    title = f"{short}{rng.choice(topics[kind])}"
                    plans.append(_Plan(kind, title, day, [group.pk], workstation_id=station.pk if station else None))
            for _ in range(self.n(DECEMBER_SERVICE, rng)):
                plans.append(
                    _Plan(
                        "service",
                        f"{short}{rng.choice(words.SERVICE_TOPICS)}",
                        self.day_in(rng, year, 12, 12),
                        [group.pk],
                    )
                )
            duty_day = datetime.date(year, 12, rng.randint(15, 28))
            plans.append(_Plan("duty_report", f"{short}界别述职会：我的履职", duty_day, [group.pk], roll_call=True))
        for _ in range(self.n(JOINT_CONSULTATIONS, rng)):
            chosen = rng.sample(groups, rng.choice((2, 2, 3)))
            names = "、".join(g.short_name for g in chosen)
            plans.append(
                _Plan(
                    "consultation",
                    f"{names}联合{rng.choice(words.CONSULTATION_TOPICS)}",
                    self.day_in(rng, year, 3, 11),
                    [g.pk for g in chosen],
                )
            )
        for month in (6, 12)[:ALL_GROUP_MEETINGS]:
            plans.append(
                _Plan(
                    "study",
                    f"{year}年全体委员学习会（29个界别）",
                    self.day_in(rng, year, month, month),
                    [g.pk for g in groups],
                    roll_call=True,
                )
            )
        return [p for p in plans if p.date <= self.today]

    def upcoming_plans(self, groups) -> list[_Plan]:
        """Study days in the month ahead, planned: the calendar and lists show a few future rows."""
        day = (self.today.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
        return [_Plan("study", f"{g.short_name}界别学习日（{day.month}月）", day, [g.pk]) for g in groups]

    def activities_create(self, committee, groups, users: dict) -> None:
        from activities.models import Activity, Attendance, DutyReport
        from demo.context import aware_noon

        rng = self.rng("activities")
        arng = self.rng("attendance")
        reasons = list(Attendance.AbsenceReason.values)
        through = Activity.groups.through
        totals = dict.fromkeys(("activities", "group_links", "attendance", "duty_reports", "highlights"), 0)
        staff = users["staff"]
        years = list(range(self.first_year, self.today.year + 1))
        for year in [*years, None]:
            plans = self.year_plans(year, groups, rng) if year else self.upcoming_plans(groups)
            plans.sort(key=lambda p: (p.date, p.kind, p.group_ids))
            rows = []
            for p in plans:
                planned = p.date > self.today
                highlight = not planned and rng.random() < HIGHLIGHT_SHARE
                rows.append(
                    Activity(
                        committee=committee,
                        kind=p.kind,
                        title=p.title,
                        date=p.date,
                        status=Activity.Status.PLANNED if planned else Activity.Status.HELD,
                        format=rng.choice(("offline", "offline", "offline", "online", "both")),
                        location=rng.choice(("市政协机关会议室", "委员之家", "温州市民中心", "界别工作站", "")),
                        partners=rng.choice(("", "", "", "市发改委", "市教育局", "市卫健委", "鹿城区政协")),
                        summary="" if planned else "活动围绕主题开展，委员积极发言，形成意见建议若干条。",
                        other_participants=0 if planned else rng.choice((0, 0, 0, 5, 10, 20, 40)),
                        workstation_id=p.workstation_id,
                        is_highlight=highlight,
                        highlight_note="形式新颖，社会反响良好，获委员工委推荐。" if highlight else "",
                        created_by=staff,
                        created_at=aware_noon(min(p.date, self.today)),
                    )
                )
            activities = Activity.objects.bulk_create(rows, batch_size=BATCH)
            links = [
                through(activity_id=a.pk, sectorgroup_id=gid)
                for a, p in zip(activities, plans, strict=True)
                for gid in p.group_ids
            ]
            through.objects.bulk_create(links, batch_size=BATCH * 2)
            attendance, reports = [], []
            for a, p in zip(activities, plans, strict=True):
                held = a.status == Activity.Status.HELD
                if p.kind == "study" and len(p.group_ids) == 1 and (p.roll_call or not held):  # monthly study days
                    self.study_days.append((a.pk, p.date, p.group_ids[0], held))
                if a.status == Activity.Status.PLANNED:
                    continue
                if p.kind == "consultation":
                    self.consultations.append((a.pk, p.date))
                eligible = self.members_on(p.group_ids, p.date)
                if p.roll_call:
                    listed, present_rate = eligible, (0.95 if p.kind == "duty_report" else 0.82)
                else:
                    listed, present_rate = arng.sample(eligible, min(len(eligible), arng.randint(5, 13))), 0.94
                for member_id in listed:
                    if arng.random() < present_rate:
                        attendance.append(Attendance(activity_id=a.pk, member_id=member_id))
                        if p.kind == "duty_report":
                            reports.append(
                                DutyReport(
                                    group_id=p.group_ids[0],
                                    member_id=member_id,
                                    meeting_id=a.pk,
                                    title=f"我的履职：{p.date.year}年度履职报告",
                                    reported_on=p.date,
                                )
                            )
                    else:
                        attendance.append(
                            Attendance(
                                activity_id=a.pk,
                                member_id=member_id,
                                status="absent",
                                absence_reason=arng.choice(reasons),
                            )
                        )
            Attendance.objects.bulk_create(attendance, batch_size=BATCH * 2)
            DutyReport.objects.bulk_create(reports, batch_size=BATCH)
            totals["activities"] += len(activities)
            totals["group_links"] += len(links)
            totals["attendance"] += len(attendance)
            totals["duty_reports"] += len(reports)
            totals["highlights"] += sum(a.is_highlight for a in activities)
        self.counts |= totals

    # --- paperwork and contacts ---------------------------------------------------------

    def weighted_groups(self, groups, day: datetime.date) -> tuple[list, list[int]]:
        return groups, [max(1, len(self.members_on([g.pk], day))) for g in groups]

    def reports_create(self, committee, groups) -> None:
        from activities.models import OpinionReport
        from demo import words

        rng = self.rng("opinion-reports")
        statuses = ["submitted"] * 12 + ["adopted_city"] * 5 + ["adopted_province"] * 2 + ["adopted_national"]
        zhigong = next((g for g in groups if g.short_name == "致公党"), None)
        rows, submitters = [], []
        for year in range(self.first_year, self.today.year + 1):
            pool, weights = self.weighted_groups(groups, datetime.date(year, 6, 30))
            picks = rng.choices(pool, weights, k=self.n(OPINION_REPORTS_PER_YEAR - 21, rng))
            picks += [zhigong] * self.n(21, rng) if zhigong else []
            for group in picks:
                day = self.day_in(rng, year)
                if day > self.today:
                    continue
                people = self.members_on([group.pk], day)
                if not people:
                    continue
                via_station = group is zhigong or rng.random() < 0.2
                station = self.station_on(group.pk, day, rng) if via_station else None
                rows.append(
                    OpinionReport(
                        committee=committee,
                        group=group,
                        workstation_id=station.pk if station else None,
                        title=rng.choice(words.OPINION_TOPICS),
                        content="反映群众关切，提出具体建议。",
                        submitted_on=day,
                        status=rng.choice(statuses) if year < self.today.year else "submitted",
                    )
                )
                submitters.append(rng.sample(people, min(len(people), rng.choice((1, 1, 1, 2, 3)))))
        words.distinct_titles(rows)
        for row in rows:  # adoptions carry their date and body (counted in the year decided)
            if row.status != "submitted":
                row.adopted_on, row.adopted_by = row.submitted_on, "cppcc"
        rows = OpinionReport.objects.bulk_create(rows, batch_size=BATCH)
        through = OpinionReport.submitters.through
        through.objects.bulk_create(
            [through(opinionreport_id=r.pk, member_id=m) for r, ms in zip(rows, submitters, strict=True) for m in ms],
            batch_size=BATCH * 2,
        )
        self.counts["opinion_reports"] = len(rows)
        self.reports, self.report_submitters = rows, submitters
        self.adoption_ladder_create(rows)

    def adoption_ladder_create(self, reports) -> None:
        """Each adopted report's rung (issue 22): its status's level on its adoption date."""
        from activities.models import OpinionAdoption

        level = {"adopted_city": "committee", "adopted_province": "province", "adopted_national": "national"}
        rungs = [
            OpinionAdoption(report_id=r.pk, level=level[r.status], adopted_by=r.adopted_by, adopted_on=r.adopted_on)
            for r in reports
            if r.status != "submitted"
        ]
        OpinionAdoption.objects.bulk_create(rungs, batch_size=BATCH)
        self.counts["adoptions"] = len(rungs)

    def proposals_create(self, committee, groups) -> None:
        from activities.models import Proposal
        from demo import words

        rng = self.rng("proposals")
        rows, proposers = [], []
        for year in range(self.first_year, self.today.year + 1):
            pool, weights = self.weighted_groups(groups, datetime.date(year, 1, 31))
            for sequence, group in enumerate(rng.choices(pool, weights, k=self.n(PROPOSALS_PER_YEAR, rng)), start=1):
                # Most proposals are filed around the plenary session in January and February.
                day = self.day_in(rng, year, 1, 2) if rng.random() < 0.8 else self.day_in(rng, year, 3, 11)
                people = self.members_on([group.pk], day)
                if day > self.today or not people:
                    continue
                age = self.today.year - year
                rows.append(
                    Proposal(
                        committee=committee,
                        group=group,
                        number=f"{year}{sequence:04d}",
                        title=rng.choice(words.PROPOSAL_TOPICS),
                        submitted_on=day,
                        is_group_proposal=rng.random() < 0.15,
                        is_key=rng.random() < 0.05,
                        status="handled" if age >= 1 else rng.choice(("submitted", "filed", "handled")),
                    )
                )
                proposers.append(rng.sample(people, min(len(people), rng.choice((1, 1, 2, 3)))))
        for row in rows:  # key proposals carry their date and body (counted in the year decided)
            if row.is_key:
                row.key_on, row.key_by = row.submitted_on, "cppcc"
        self.proposal_outcomes_set(rows, proposers)
        merges = self.proposal_lifecycle_set(rows)
        rows = Proposal.objects.bulk_create(rows, batch_size=BATCH)
        through = Proposal.proposers.through
        through.objects.bulk_create(
            [through(proposal_id=r.pk, member_id=m) for r, ms in zip(rows, proposers, strict=True) for m in ms],
            batch_size=BATCH * 2,
        )
        self.counts["proposals"] = len(rows)
        self.proposals, self.proposal_proposers = rows, proposers
        for merged, target in merges:  # the proposal it went into exists now
            rows[merged].merged_into_id = rows[target].pk
        Proposal.objects.bulk_update([rows[merged] for merged, _target in merges], ["merged_into"], batch_size=BATCH)
        self.proposal_handlings_create(rows)

    def proposal_outcomes_set(self, rows, proposers) -> None:
        """What became of each proposal (issue 22), from a stream of its own so that the
        other records stay as they were: the first proposer; a closed one was accepted a
        month after submission, assigned, answered within three months, rated and graded."""
        from activities.models import default_answer_due

        rng = self.rng("proposal-outcomes")
        for row, people in zip(rows, proposers, strict=True):
            row.first_proposer_id = people[0] if people else None
            if row.status != "handled":
                continue
            row.decided_on = min(self.today, row.submitted_on + datetime.timedelta(days=30))
            row.answer_due = default_answer_due(row.decided_on)
            row.answered_on = min(self.today, row.decided_on + datetime.timedelta(days=rng.randint(20, 100)))
            row.answer_text = "承办单位已答复"
            row.satisfaction = rng.choice(("satisfied",) * 7 + ("basically",) * 2 + ("dissatisfied",))
            row.implementation = rng.choice("AAABBC")
            row.implemented_on = row.closed_on = min(self.today, row.answered_on + datetime.timedelta(days=60))

    def contacts_create(self, committee) -> None:
        from activities.models import ConstituentContact
        from demo import words
        from demo.people import mobile_number
        from sectors.models import Constituent

        rng = self.rng("contacts")
        constituents = Constituent.objects.bulk_create(
            [
                Constituent(
                    committee=committee,
                    name=rng.choice(words.SURNAMES) + rng.choice(words.MALE_CHARS + words.FEMALE_CHARS),
                    description=rng.choice(words.CONSTITUENT_KINDS),
                    mobile=mobile_number(rng) if rng.random() < 0.6 else "",
                )
                for _ in range(max(50, self.n(CONSTITUENTS, rng)))
            ],
            batch_size=BATCH,
        )
        ways = list(ConstituentContact.Way.values)
        notes = (
            "了解就业和收入情况",
            "听取对社区治理的意见",
            "反映子女入学问题",
            "交流行业发展困难",
            "征求对提案的意见",
            "",
        )
        # Each member keeps to a few constituents of their own: the e-network rule counts distinct ones.
        circle = {mid: rng.sample(constituents, 4) for mid in self.member_spans}
        rows, seen = [], set()
        for year in range(self.first_year, self.today.year + 1):
            for _ in range(self.n(CONTACTS_PER_YEAR, rng)):
                day = self.day_in(rng, year)
                span = rng.choice(self.spans)
                if day > self.today or not span.covers(day):
                    span = next((s for s in rng.sample(self.spans, 20) if s.covers(day)), None)
                if day > self.today or span is None:
                    continue
                constituent, way = rng.choice(circle[span.member_id]), rng.choice(ways)
                key = (span.member_id, constituent.pk, day, way)
                if key in seen:
                    continue
                seen.add(key)
                rows.append(
                    ConstituentContact(
                        group_id=span.group_id,
                        member_id=span.member_id,
                        constituent=constituent,
                        way=way,
                        contacted_on=day,
                        note=rng.choice(notes),
                    )
                )
        ConstituentContact.objects.bulk_create(rows, batch_size=BATCH)
        self.counts["constituents"] = len(constituents)
        self.counts["contacts"] = len(rows)
        self.contacts = rows

    def documents_create(self, groups, users: dict) -> None:
        from activities.models import GroupDocument

        rng = self.rng("documents")
        rows = []
        for year in range(max(self.first_year, ASSESSED_FROM), self.today.year + 1):  # plans kept from 2000
            for group in groups:
                roll = rng.random()
                if roll > 0.04:  # a few groups never file a plan; some file it after the 31 March deadline
                    plan_day = self.day_in(rng, year, 1, 3) if roll > 0.15 else self.day_in(rng, year, 4, 5)
                    if plan_day <= self.today:
                        rows.append(
                            GroupDocument(
                                group=group,
                                year=year,
                                kind="plan",
                                dated=plan_day,
                                title=f"{group.short_name}界别{year}年度工作计划",
                                uploaded_by=users["staff"],
                            )
                        )
                summary_day = datetime.date(year, 12, rng.randint(10, 31))
                if rng.random() > 0.06 and summary_day <= self.today:
                    rows.append(
                        GroupDocument(
                            group=group,
                            year=year,
                            kind="summary",
                            dated=summary_day,
                            title=f"{group.short_name}界别{year}年度工作总结",
                            uploaded_by=users["staff"],
                        )
                    )
        GroupDocument.objects.bulk_create(rows, batch_size=BATCH)
        self.counts["documents"] = len(rows)

    # --- outcomes of proposals, reports and consultations (issue 22) ------------------

    def proposal_lifecycle_set(self, rows) -> list[tuple[int, int]]:
        """Where each proposal stands in the flow (activities.services.outcomes), from a
        stream of its own, over what proposal_outcomes_set wrote. Past years: ~7 % not
        accepted, ~3 % merged into another of the year, ~2 % answered but never rated, the
        rest closed as proposal_outcomes_set left them; ~3 % of the closed ones named
        excellent that year. The last year follows the calendar up to today: decided a
        month after submission, assigned within ten days, answered within the three months
        due, rated within two months of the answer; ~5 % are overdue. Key proposals were
        all accepted and have a supervising leader. Returns the (merged, target) row
        indexes: a target's key is known once written."""
        from activities.models import default_answer_due
        from demo import words

        rng = self.rng("proposal-lifecycle")
        assigned: list[datetime.date | None] = [None] * len(rows)
        fates: list[str] = []
        for row in rows:
            roll = -1.0 if row.is_key else rng.random()
            fate = "accepted" if roll < 0 or roll >= NOT_ACCEPTED_SHARE + MERGED_SHARE else "merged"
            fates.append("not_accepted" if 0 <= roll < NOT_ACCEPTED_SHARE else fate)
        targets: dict[tuple[int, int], list[int]] = {}
        for index, (row, fate) in enumerate(zip(rows, fates, strict=True)):
            if fate == "accepted":
                targets.setdefault((row.submitted_on.year, row.group_id), []).append(index)
        merges = []
        for index, (row, fate) in enumerate(zip(rows, fates, strict=True)):
            current = row.submitted_on.year == self.today.year
            if row.is_key:
                row.supervising_leader = (
                    f"{rng.choice(SUPERVISORS)}{rng.choice(words.SURNAMES)}{rng.choice(words.MALE_CHARS)}"
                )
            if current:
                self._proposal_reset(row)
                decided = row.submitted_on + datetime.timedelta(days=30)
                if decided > self.today:
                    continue
                row.decided_on = decided
            if fate == "merged":
                same = [
                    i
                    for i in targets.get((row.submitted_on.year, row.group_id), [])
                    if i != index and rows[i].submitted_on <= row.submitted_on
                ]
                if same:
                    target = rng.choice(same)
                    merges.append((index, target))
                    self._proposal_reset(row, keep_decision=True)
                    row.status, row.decision_note = "merged", f"并入第{rows[target].number}号提案"
                    continue
                fate = "not_accepted"
            if fate == "not_accepted":
                self._proposal_reset(row, keep_decision=True)
                row.status, row.decision_note = "not_accepted", rng.choice(NOT_ACCEPTED_NOTES)
                continue
            if not current:  # closed by proposal_outcomes_set, assigned on the decision's day
                assigned[index] = row.decided_on
                if rng.random() < UNRATED_SHARE:
                    row.status = "answered"
                    row.satisfaction = row.implementation = ""
                    row.implemented_on = row.closed_on = None
                elif rng.random() < EXCELLENT_SHARE:
                    row.is_excellent, row.excellent_year = True, row.submitted_on.year
                continue
            day = row.decided_on + datetime.timedelta(days=rng.randint(0, 10))
            row.status = "filed"
            if day > self.today:
                continue
            assigned[index], row.status, row.answer_due = day, "assigned", default_answer_due(day)
            if row.answer_due < self.today and rng.random() < OVERDUE_SHARE:
                continue
            answered = day + datetime.timedelta(days=rng.randint(20, 85))  # within the three months due
            if answered > self.today:
                continue
            row.status, row.answered_on, row.answer_text = "answered", answered, rng.choice(ANSWER_TEXTS)
            rated = answered + datetime.timedelta(days=rng.randint(10, 60))
            if rated > self.today:
                continue
            row.status = "handled"
            row.satisfaction = rng.choice(("satisfied",) * 7 + ("basically",) * 2 + ("dissatisfied",))
            row.implementation = rng.choice("AAABBC")
            row.implemented_on = row.closed_on = rated
        self.proposal_assigned = assigned
        return merges

    @staticmethod
    def _proposal_reset(row, *, keep_decision: bool = False) -> None:
        """Back to submitted: no decision (unless kept), assignment, answer or rating."""
        row.status = "submitted"
        if not keep_decision:
            row.decided_on, row.decision_note = None, ""
        row.answer_due = row.answered_on = row.implemented_on = row.closed_on = None
        row.answer_text = row.satisfaction = row.implementation = ""

    def proposal_handlings_create(self, rows) -> None:
        """The units each assigned proposal went to (交办): one lead (two for a few), often co-handlers."""
        from activities.models import ProposalHandling

        rng = self.rng("proposal-handlings")
        handlings = []
        for row, day in zip(rows, self.proposal_assigned, strict=True):
            if day is None:
                continue
            leads = 2 if rng.random() < 0.08 else 1
            units = rng.sample(HANDLING_UNITS, leads + rng.choice((0, 0, 0, 0, 0, 1, 1, 1, 2, 2)))
            handlings += [
                ProposalHandling(proposal_id=row.pk, unit=unit, is_lead=n < leads, assigned_on=day)
                for n, unit in enumerate(units)
            ]
        ProposalHandling.objects.bulk_create(handlings, batch_size=BATCH)
        self.counts["proposal_handlings"] = len(handlings)

    def ladder_rungs_create(self) -> None:
        """Lower rungs under some provincial and national adoptions (the committee's, the city's,
        the province's), on the top rung's day: the report's status, date and body stay its top rung's."""
        from activities.models import OpinionAdoption

        rng = self.rng("adoption-ladders")
        odds = {
            "adopted_province": {"committee": 0.6, "city": 0.3},
            "adopted_national": {"committee": 0.7, "city": 0.35, "province": 0.6},
        }
        rungs = []
        for report in self.reports:
            for level, chance in odds.get(report.status, {}).items():
                if rng.random() < chance:
                    adopted_by, body = rng.choice(LADDER_BODIES[level])
                    rungs.append(
                        OpinionAdoption(
                            report_id=report.pk,
                            level=level,
                            adopted_by=adopted_by,
                            body=body,
                            adopted_on=report.adopted_on,
                        )
                    )
        OpinionAdoption.objects.bulk_create(rungs, batch_size=BATCH)
        self.counts["ladder_rungs"] = len(rungs)

    def instructions_create(self) -> None:
        """Leaders' written instructions (批示) on ~3 % of reports (mostly adopted ones) and ~1 %
        of proposals (mostly key ones), dated after the adoption or the decision, never after today."""
        from activities.models import ACCEPTED_STATES, Instruction

        rng = self.rng("instructions")
        levels = {
            "adopted_national": ("national", "national", "province", "city"),
            "adopted_province": ("province", "province", "city", "city", "city"),
        }
        rows = []

        def instruction(level: str, day: datetime.date, **record) -> None:
            if day <= self.today:
                title = rng.choice(LEADER_TITLES[level])
                rows.append(
                    Instruction(
                        level=level, leader_title=title, dated=day, note=rng.choice(INSTRUCTION_NOTES), **record
                    )
                )

        for report in self.reports:
            adopted = report.status != "submitted"
            if rng.random() < REPORT_INSTRUCTION_SHARE[0 if adopted else 1]:
                level = rng.choice(levels.get(report.status, ("city",) * 9 + ("province",)))
                day = (report.adopted_on or report.submitted_on) + datetime.timedelta(days=rng.randint(3, 60))
                instruction(level, day, report_id=report.pk)
        for proposal in self.proposals:
            if proposal.status not in ACCEPTED_STATES:
                continue
            if rng.random() < PROPOSAL_INSTRUCTION_SHARE[0 if proposal.is_key else 1]:
                level = "province" if rng.random() < 0.1 else "city"
                day = proposal.decided_on + datetime.timedelta(days=rng.randint(10, 120))
                instruction(level, day, proposal_id=proposal.pk)
        Instruction.objects.bulk_create(rows, batch_size=BATCH)
        self.counts["instructions"] = len(rows)

    def consultation_outcomes_create(self) -> None:
        """One to three outcomes (协商成果) of most held consultation meetings; most answered."""
        from activities.models import ConsultationOutcome

        rng = self.rng("consultation-outcomes")
        rows = []
        for activity_id, day in self.consultations:
            if rng.random() >= OUTCOME_SHARE:
                continue
            for _ in range(rng.choice((1, 1, 2, 2, 3))):
                responded = day + datetime.timedelta(days=rng.randint(15, 90))
                answered = rng.random() < 0.7 and responded <= self.today
                rows.append(
                    ConsultationOutcome(
                        activity_id=activity_id,
                        suggestion=rng.choice(SUGGESTIONS),
                        sent_to=rng.choice(HANDLING_UNITS),
                        response=rng.choice(RESPONSES) if answered else "",
                        responded_on=responded if answered else None,
                    )
                )
        ConsultationOutcome.objects.bulk_create(rows, batch_size=BATCH)
        self.counts["consultation_outcomes"] = len(rows)

    # --- the members' side (issue 21) ------------------------------------------------------

    def at(self, day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
        from django.utils import timezone

        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))

    def member_accounts_create(self, groups) -> None:
        """Member accounts (委员 role, User.member) for today's members of one group, with the
        bench password (activated): `m-<member number>`, as members.accounts names them."""
        from django.contrib.auth.models import Group

        from portal import roles
        from sectors.models import User

        group = next((g for g in groups if g.short_name == ACCOUNTS_GROUP), groups[min(6, len(groups) - 1)])
        self.accounts_group_id = group.pk
        linked = {user.member_id for user in self.leaders.values()}
        joined = self.at(min(self.today, self.term_start), 9)
        users = []
        for member_id in self.members_on([group.pk], self.today):
            if member_id in linked:
                continue
            number, name = self.member_names[member_id]
            users.append(
                User(
                    username=f"m-{number}",
                    password=self.password,
                    full_name=name,
                    member_id=member_id,
                    date_joined=joined,
                )
            )
        users = User.objects.bulk_create(users, batch_size=BATCH)
        role = Group.objects.get(name=roles.GROUP_NAMES[roles.MEMBER])
        through = User.groups.through
        through.objects.bulk_create([through(user_id=u.pk, group_id=role.pk) for u in users], batch_size=BATCH)
        self.member_users = {u.member_id: u for u in users}
        self.counts["member_accounts"] = len(users)

    def meetings_create(self) -> None:
        """Answers (attend / leave) and check-ins of the monthly study days run as planned
        meetings: about half of the last year's (held: every member present checked in, by QR
        code or ticked; their answers before the day, approved leave for absences "asked for
        leave") and next month's (planned: answers so far, leave pending or decided)."""
        from activities.models import Attendance, CheckIn, MeetingAnswer

        rng = self.rng("meetings")
        leader_of = {gid: user.pk for gid, user in self.leaders.items()}
        held = {
            aid: (day, gid)
            for aid, day, gid, is_held in self.study_days
            if is_held and day.year == self.today.year and rng.random() < ANSWERED_STUDY_DAYS
        }
        answers, checks = [], []

        def answered_before(day: datetime.date) -> datetime.datetime:
            return self.at(min(self.today, day - datetime.timedelta(days=rng.randint(1, 9))), rng.randint(8, 21))

        marks = (
            Attendance.objects.filter(activity_id__in=list(held))
            .order_by("activity_id", "member_id")
            .values_list("activity_id", "member_id", "status", "absence_reason")
        )
        for activity_id, member_id, status, reason in marks:
            day, gid = held[activity_id]
            if status == "present":
                if rng.random() < 0.8:
                    answered = answered_before(day)
                    answers.append(
                        MeetingAnswer(
                            activity_id=activity_id, member_id=member_id, answer="attend", answered_at=answered
                        )
                    )
                at = self.at(day, 8, 30) + datetime.timedelta(minutes=rng.randint(0, 40), seconds=rng.randint(0, 59))
                scanned = rng.random() < 0.8
                user = self.member_users.get(member_id)
                checks.append(
                    CheckIn(
                        activity_id=activity_id,
                        member_id=member_id,
                        method="qr" if scanned else "manual",
                        slot=int(at.timestamp() // 30) if scanned else None,
                        recorded_by_id=(user.pk if user else None) if scanned else leader_of.get(gid),
                        checked_in_at=at,
                    )
                )
                continue
            roll = rng.random()
            if reason == "leave":
                answer, leave = "leave", "approved"
            elif roll < 0.35:
                answer, leave = "attend", ""
            elif roll < 0.6:
                answer, leave = "leave", "refused"
            else:
                continue
            answers.append(
                MeetingAnswer(
                    activity_id=activity_id,
                    member_id=member_id,
                    answer=answer,
                    reason=rng.choice(LEAVE_REASONS) if leave else "",
                    leave_status=leave,
                    decided_by_id=leader_of.get(gid) if leave else None,
                    answered_at=answered_before(day),
                )
            )
        for activity_id, day, gid, is_held in self.study_days:
            if is_held:
                continue
            for member_id in self.members_on([gid], day):
                if rng.random() >= 0.6:
                    continue
                leave = "" if rng.random() < 0.85 else rng.choice(("pending",) * 6 + ("approved",) * 3 + ("refused",))
                answers.append(
                    MeetingAnswer(
                        activity_id=activity_id,
                        member_id=member_id,
                        answer="leave" if leave else "attend",
                        reason=rng.choice(LEAVE_REASONS) if leave else "",
                        leave_status=leave,
                        decided_by_id=leader_of.get(gid) if leave in ("approved", "refused") else None,
                        answered_at=self.at(
                            self.today - datetime.timedelta(days=rng.randint(0, 9)), rng.randint(8, 21)
                        ),
                    )
                )
        MeetingAnswer.objects.bulk_create(answers, batch_size=BATCH)
        CheckIn.objects.bulk_create(checks, batch_size=BATCH)
        self.counts["meeting_answers"] = len(answers)
        self.counts["check_ins"] = len(checks)

    def self_reports_create(self) -> None:
        """Work members reported themselves, ~1 per 10 members a year: reviewed ones accepted
        (linked to the record acceptance made: a contact, a report or an activity of theirs)
        or returned with a comment; most of the last month's still awaiting review."""
        from activities.models import Attendance, SelfReport
        from demo import words

        rng = self.rng("self-reports")
        leader_of = self.leaders
        contacts_of: dict[int, list] = {}
        for contact in self.contacts:
            contacts_of.setdefault(contact.contacted_on.year, []).append(contact)
        reports_of: dict[int, list[int]] = {}
        for index, report in enumerate(self.reports):
            reports_of.setdefault(report.submitted_on.year, []).append(index)
        rows = []
        for year in range(self.first_year, self.today.year + 1):
            present = Attendance.objects.filter(
                status="present", activity__date__year=year, activity__kind__in=SELF_ACTIVITY_KINDS
            )
            attended = None  # the year's attendance keys, read once if an accepted activity needs them
            everyone = self.members_on(list(self.by_group), datetime.date(year, 6, 30))
            for _ in range(round(len(everyone) * SELF_REPORTS_PER_MEMBER)):
                day, kind = self.day_in(rng, year), rng.choice(SELF_REPORT_KINDS)
                if day > self.today:
                    continue
                waiting = (self.today - day).days < 30 and rng.random() < 0.7
                status = "submitted" if waiting else ("accepted" if rng.random() < 0.8 else "returned")
                item = SelfReport(kind=kind, status=status, date=day)
                if status == "accepted" and kind == "contact" and contacts_of.get(year):
                    contact = rng.choice(contacts_of[year])
                    item.member_id, item.group_id, item.date = contact.member_id, contact.group_id, contact.contacted_on
                    item.title = f"联系界别群众{contact.constituent.name}"
                    item.content, item.constituent_name, item.way = contact.note, contact.constituent.name, contact.way
                    item.contact_id = contact.pk
                elif status == "accepted" and kind == "opinion" and reports_of.get(year):
                    index = rng.choice(reports_of[year])
                    report = self.reports[index]
                    item.member_id, item.group_id, item.date = (
                        self.report_submitters[index][0],
                        report.group_id,
                        report.submitted_on,
                    )
                    item.title, item.content, item.opinion_report_id = report.title, report.content, report.pk
                elif status == "accepted" and kind == "activity":
                    if attended is None:
                        attended = list(present.order_by("id").values_list("id", flat=True))
                    if not attended:
                        continue
                    activity_id, member_id, on, activity_kind, title, location = Attendance.objects.values_list(
                        "activity_id",
                        "member_id",
                        "activity__date",
                        "activity__kind",
                        "activity__title",
                        "activity__location",
                    ).get(pk=rng.choice(attended))
                    item.member_id, item.group_id, item.date = member_id, self.group_of(member_id, on), on
                    item.title, item.activity_kind, item.location = title, activity_kind, location
                    item.activity_id = activity_id
                else:
                    if status == "accepted":
                        item.status = status = "returned"
                    span = next((s for s in rng.sample(self.spans, min(40, len(self.spans))) if s.covers(day)), None)
                    if span is None:
                        continue
                    item.member_id, item.group_id = span.member_id, span.group_id
                    if kind == "contact":
                        name = rng.choice(words.SURNAMES) + rng.choice(words.MALE_CHARS + words.FEMALE_CHARS)
                        item.title, item.constituent_name = f"走访界别群众{name}", name
                        item.way = rng.choice(("in_person", "phone", "wechat"))
                    elif kind == "opinion":
                        item.title, item.content = rng.choice(words.OPINION_TOPICS), "反映群众关切，提出具体建议。"
                    else:
                        item.activity_kind = rng.choice(SELF_ACTIVITY_KINDS)
                        item.title, item.location = (
                            rng.choice(words.SERVICE_TOPICS),
                            rng.choice(("社区", "企业", "学校")),
                        )
                created = min(self.today, item.date + datetime.timedelta(days=rng.randint(0, 3)))
                item.created_at = self.at(created, rng.randint(8, 22))
                if status != "submitted":
                    reviewed = min(self.today, created + datetime.timedelta(days=rng.randint(1, 10)))
                    leader = leader_of.get(item.group_id)
                    item.reviewed_by = leader if leader and rng.random() < 0.6 else self.staff
                    item.reviewed_at = self.at(reviewed, rng.randint(9, 17))
                    item.review_comment = (
                        rng.choice(RETURN_COMMENTS)
                        if status == "returned"
                        else rng.choice(("", "已核实。", "情况属实。"))
                    )
                rows.append(item)
        SelfReport.objects.bulk_create(rows, batch_size=BATCH)
        self.counts["self_reports"] = len(rows)

    def notices_create(self, committee) -> None:
        """Notices to the members' group, a few a month, and a few a year to every member;
        recipients are the members on the day sent, ~60 % of whom read it within four days."""
        from members.models import Notice, NoticeRecipient

        rng = self.rng("notices")
        every_group = list(self.by_group)
        notices = recipients = 0
        for year in range(self.first_year, self.today.year + 1):
            plans: list[tuple[datetime.date, int | None, str]] = []
            for month in range(1, 13):
                for _ in range(rng.choice(NOTICES_A_MONTH)):
                    title = rng.choice(NOTICE_TITLES).format(month=month, year=year)
                    plans.append((self.day_in(rng, year, month, month), self.accounts_group_id, title))
            for month in sorted(rng.sample(range(1, 13), COMMITTEE_NOTICES_A_YEAR)):
                title = rng.choice(COMMITTEE_NOTICE_TITLES).format(year=year)
                plans.append((self.day_in(rng, year, month, month), None, title))
            plans = sorted((p for p in plans if p[0] <= self.today), key=lambda p: (p[0], p[1] or 0))
            rows = [
                Notice(
                    committee=committee,
                    group_id=gid,
                    title=title,
                    body="请各位委员按通知要求做好相关工作。如有疑问，请联系界别联络员。",
                    sent_by=self.staff,
                    sent_at=self.at(day, rng.randint(8, 17), rng.randint(0, 59)),
                )
                for day, gid, title in plans
            ]
            rows = Notice.objects.bulk_create(rows, batch_size=BATCH)
            receipts = []
            end_of_today = self.at(self.today, 23, 59)
            for notice, (day, gid, _title) in zip(rows, plans, strict=True):
                for member_id in self.members_on([gid] if gid else every_group, day):
                    read = notice.sent_at + datetime.timedelta(minutes=rng.randint(5, 4 * 24 * 60))
                    if rng.random() >= NOTICE_READ_SHARE or read > end_of_today:
                        read = None
                    receipts.append(NoticeRecipient(notice_id=notice.pk, member_id=member_id, read_at=read))
            NoticeRecipient.objects.bulk_create(receipts, batch_size=BATCH * 2)
            notices += len(rows)
            recipients += len(receipts)
        self.counts["notices"] = notices
        self.counts["notice_recipients"] = recipients

    # --- duty points (issue 22) ------------------------------------------------------------

    def points_create(self, committee) -> None:
        """The minhang preset's point rules for every year built (preset_apply, with its
        history: a few rows a year) and a few appeals a year (复核): a co-proposer who says
        they led the proposal, a report's submitter who says it was adopted; past years'
        resolved (accepted with an adjustment, or rejected), this year's mostly open."""
        from decimal import Decimal

        from reports.points.models import PointAppeal
        from reports.points.presets import PRESETS
        from reports.points.services import preset_apply

        years = range(max(self.first_year, ASSESSED_FROM), self.today.year + 1)
        for year in years:
            preset_apply(committee=committee, year=year, preset=POINTS_PRESET)
        self.counts["point_years"] = len(years)
        points = PRESETS[POINTS_PRESET].points
        rng = self.rng("point-appeals")
        co = [(p, ms) for p, ms in zip(self.proposals, self.proposal_proposers, strict=True) if len(ms) > 1]
        co = [(p, ms) for p, ms in co if not p.is_group_proposal]
        kinds = {
            "proposal_co": (
                co,
                "本人为该提案领衔提案人，系统记为附议。",
                Decimal(str(points["proposal_first"] - points["proposal_co"])),
            ),
            "opinion_submitted": (
                list(zip(self.reports, self.report_submitters, strict=True)),
                "该信息已被市委办公室采用，请补录采用积分。",
                Decimal(str(points["adopted_city"])),
            ),
        }
        rows, seen = [], set()
        for year in years:
            for n in range(APPEALS_PER_YEAR):
                item = "proposal_co" if n % 2 else "opinion_submitted"
                pool, reason, adjustment = kinds[item]
                pool = [(r, ms) for r, ms in pool if r.submitted_on.year == year]
                if not pool:
                    continue
                record, people = rng.choice(pool)
                member_id = people[1] if item == "proposal_co" else people[0]
                kind = "proposal" if item == "proposal_co" else "opinion_report"
                key = f"{kind}:{record.pk}:{item}"
                raised = record.submitted_on + datetime.timedelta(days=rng.randint(7, 60))
                if raised > self.today or (member_id, year, key) in seen:
                    continue
                seen.add((member_id, year, key))
                resolved = raised + datetime.timedelta(days=rng.randint(3, 20))
                open_now = resolved > self.today or (year == self.today.year and rng.random() < 0.7)
                accepted = not open_now and rng.random() < 0.5
                user = self.member_users.get(member_id) or self.leaders.get(self.group_of(member_id, raised))
                rows.append(
                    PointAppeal(
                        committee=committee,
                        year=year,
                        member_id=member_id,
                        item_key=key,
                        item_label=f"{record.submitted_on:%Y-%m-%d} {record.title}"[:300],
                        points=Decimal(str(points[item])),
                        reason=reason,
                        raised_by=user,
                        raised_at=self.at(raised, rng.randint(9, 20)),
                        status="open" if open_now else "accepted" if accepted else "rejected",
                        adjustment=adjustment if accepted else Decimal(0),
                        comment="" if open_now else "经核实，予以调整。" if accepted else "未见相关材料，维持原积分。",
                        resolved_by=None if open_now else self.staff,
                        resolved_at=None if open_now else self.at(resolved, rng.randint(9, 17)),
                    )
                )
        PointAppeal.objects.bulk_create(rows, batch_size=BATCH)
        self.counts["point_appeals"] = len(rows)

    # --- logins -------------------------------------------------------------------------

    def users_create(self, groups) -> tuple[dict, dict]:
        from django.contrib.auth.hashers import make_password
        from django.contrib.auth.models import Group

        from portal import roles
        from sectors.models import User

        password = self.password = make_password(BENCH_PASSWORD)  # hashed once: the hasher is slow by design
        role_groups = {role: Group.objects.get(name=name) for role, name in roles.GROUP_NAMES.items()}
        users = {}
        for role, username in (
            (roles.STAFF, "bench-staff"),
            (roles.CHAIRMAN, "bench-chairman"),
            (roles.ADMIN, "bench-admin"),
        ):
            users[role] = User.objects.create(
                username=username, password=password, full_name=username, is_staff=role == roles.ADMIN
            )
            users[role].groups.add(role_groups[role])
        leaders = {}
        for group in groups:
            holder = next((s.member_id for s in self.by_group[group.pk] if s.role == "leader" and s.end is None), None)
            user = User.objects.create(
                username=f"bench-leader-{group.sort_order:02d}",
                password=password,
                full_name=f"{group.short_name}组长",
                sector_group=group,
                member_id=holder,
            )
            user.groups.add(role_groups[roles.LEADER])
            leaders[group.pk] = user
        users[roles.LEADER] = leaders[groups[6].pk] if len(groups) > 6 else next(iter(leaders.values()))
        self.staff, self.leaders = users[roles.STAFF], leaders
        return users, leaders


def build(
    years: int = 10,
    *,
    seed: int = SEED,
    scale: float = 1.0,
    today: datetime.date | None = None,
    analyze: bool = True,
) -> Dataset:
    """Write the ten-year dataset to the current (migrated, empty) database and return what was made.

    `years`: calendar years of records, ending with `today`'s year (by default `portal.clock.today()`,
    so `PORTAL_TODAY` fixes it). `seed`: the random seed; the same arguments give the same rows.
    `scale`: multiplies the yearly numbers of activities, reports, proposals and contacts.
    `analyze`: run (VACUUM) ANALYZE at the end so that the planner sees the real table sizes.
    Raises RuntimeError when the committee already has members (use an empty database).
    """
    from django.db import connection, transaction

    from portal import cache as freshness
    from portal import clock, roles
    from reports.setup import assessment_year_ensure, portal_setup
    from sectors.models import Member

    began = time.perf_counter()
    today = today or clock.today()
    builder = _Builder(years=years, seed=seed, scale=scale, today=today)
    with transaction.atomic():
        committee = portal_setup(year=today.year)
        if Member.objects.filter(committee=committee).exists():
            raise RuntimeError("The committee already has members: build the dataset on an empty database.")
        for year in range(max(builder.first_year, ASSESSED_FROM), today.year):  # --years 30 reaches 1996
            assessment_year_ensure(committee=committee, year=year)
        _previous_term_ensure(committee, builder)
        groups = list(committee.sector_groups.order_by("sort_order", "id"))
        builder.people_create(committee, groups)
        builder.workstations_create(groups)
        users, leaders = builder.users_create(groups)
        builder.activities_create(committee, groups, users)
        builder.reports_create(committee, groups)
        builder.proposals_create(committee, groups)
        builder.contacts_create(committee)
        builder.documents_create(groups, users)
        # Records the portal gained since (issues 21, 22): each from a stream of its own.
        builder.ladder_rungs_create()
        builder.instructions_create()
        builder.consultation_outcomes_create()
        builder.member_accounts_create(groups)
        builder.meetings_create()
        builder.self_reports_create()
        builder.notices_create(committee)
        builder.points_create(committee)
    freshness.records_changed()  # written in bulk, past the model signals
    if analyze:
        # VACUUM also sets PostgreSQL's visibility map, as autovacuum would on a live
        # database: index-only scans (deep list pages) then skip the table.
        vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")
    users = {role: users[role] for role in (roles.STAFF, roles.LEADER, roles.CHAIRMAN, roles.ADMIN)}
    return Dataset(
        committee=committee,
        groups=groups,
        first_year=builder.first_year,
        today=today,
        users=users,
        leaders=leaders,
        counts=builder.counts,
        seconds=time.perf_counter() - began,
        member_users=builder.member_users,
    )


def _previous_term_ensure(committee, builder: _Builder) -> None:
    """The term before the current one, when the data reaches back into it."""
    from sectors.models import Term
    from sectors.roster import committee_data

    if builder.first_year < builder.term_start.year and builder.term_start == committee_data.CURRENT_TERM_START:
        Term.objects.get_or_create(
            committee=committee,
            number=committee_data.CURRENT_TERM_NUMBER - 1,
            defaults={
                "start_date": datetime.date(builder.term_start.year - 5, 1, 1),
                "end_date": builder.term_start - datetime.timedelta(days=1),
            },
        )


def page_bench_arguments(doc: str, requests: int) -> argparse.ArgumentParser:
    """The arguments of an in-process page benchmark on a dataset built here (bench_costs, bench_pages)."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sqlite", help="a SQLite file built by bench/dataset.py")
    parser.add_argument("--database-url", help="a PostgreSQL database built by bench/dataset.py")
    parser.add_argument("--today", default="2025-12-31")
    parser.add_argument("--requests", type=int, default=requests, help="timed requests per page (median)")
    parser.add_argument("--only", default="", help="comma-separated substrings of the pages to run")
    return parser


def django_setup(*, sqlite_path: str | None = None, database_url: str | None = None, debug: bool = False) -> None:
    """Point Django at a database before it starts (SQLite file, or DATABASE_URL) and set it up."""
    if sqlite_path:
        os.environ.pop("DATABASE_URL", None)
        os.environ["SQLITE_PATH"] = str(sqlite_path)
    elif database_url:
        os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_DEBUG"] = "1" if debug else "0"
    os.environ.setdefault("DJANGO_LOG_LEVEL", "ERROR")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wenzhou_sectors.settings")
    import django

    django.setup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--today", type=datetime.date.fromisoformat, default=None, help="YYYY-MM-DD")
    parser.add_argument("--sqlite", help="SQLite file to create (removed first); default: DATABASE_URL or settings")
    args = parser.parse_args()
    if args.sqlite:
        Path(args.sqlite).unlink(missing_ok=True)
    django_setup(sqlite_path=args.sqlite)
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    data = build(args.years, seed=args.seed, scale=args.scale, today=args.today)
    print(f"{connection.vendor}: {data.first_year}–{data.today} in {data.seconds:.1f}s")
    for name, count in data.counts.items():
        print(f"  {name:<22}{count:>9,}")
    print(f"logins (password {BENCH_PASSWORD}): bench-staff, bench-chairman, bench-admin, bench-leader-01…29")


if __name__ == "__main__":
    main()
