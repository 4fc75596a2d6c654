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
- Logins for every role, all with the password `BENCH_PASSWORD`: `bench-staff`,
  `bench-chairman`, `bench-admin` and one leader per group, `bench-leader-01` … `bench-leader-29`
  (sort order; `bench-leader-07` leads 致公党).

Deterministic: the same `seed`, `years`, `scale` and `today` give the same rows (primary keys
depend on the database's sequences). Fast: everything is written with `bulk_create` year by
year, without history rows, then `ANALYZE`. About a minute for ten years on SQLite, two on
PostgreSQL (2 shared cores).

`scale` multiplies the per-group yearly counts of activities, reports, proposals and contacts
(`scale=0.1` for a quick run: ~6,000 activities, ~100,000 attendance rows); members, groups,
workstations and the roll calls (monthly study days, duty-report meetings) do not scale.
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
                if a.status == Activity.Status.PLANNED:
                    continue
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
        rows = Proposal.objects.bulk_create(rows, batch_size=BATCH)
        through = Proposal.proposers.through
        through.objects.bulk_create(
            [through(proposal_id=r.pk, member_id=m) for r, ms in zip(rows, proposers, strict=True) for m in ms],
            batch_size=BATCH * 2,
        )
        self.counts["proposals"] = len(rows)

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

    # --- logins -------------------------------------------------------------------------

    def users_create(self, groups) -> tuple[dict, dict]:
        from django.contrib.auth.hashers import make_password
        from django.contrib.auth.models import Group

        from portal import roles
        from sectors.models import User

        password = make_password(BENCH_PASSWORD)  # hashed once: the hasher is slow by design
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
        print(f"  {name:<16}{count:>9,}")
    print(f"logins (password {BENCH_PASSWORD}): bench-staff, bench-chairman, bench-admin, bench-leader-01…29")


if __name__ == "__main__":
    main()
