"""Fictional members, their group memberships and the 36 workstations."""

from __future__ import annotations

import datetime
import random

from portal.validators import id_card_check_char
from sectors.models import GroupMembership, Member, Workstation

from . import words
from .context import MEMBER_PREFIX, DemoContext, Span, random_day

# Members per group (by short name); 500 in all.
GROUP_SIZES = {
    "中共": 28, "民革": 12, "民盟": 22, "民建": 20, "民进": 18, "农工党": 14, "致公党": 16, "九三学社": 16,
    "台盟": 8, "无党派": 14, "共青团(青联)": 18, "总工会": 20, "妇联": 18, "工商联": 26, "科协": 14, "台联": 10,
    "侨联": 16, "文艺新闻": 22, "科技": 18, "社科": 14, "经济": 26, "农业": 16, "教育": 22, "体育": 10,
    "医卫": 22, "对外友好": 12, "社福社保": 16, "民族宗教": 12, "特邀": 20,
}  # fmt: skip
MOVED_MEMBERS = 6
INACTIVE_MEMBERS = 8
# Groups with a second workstation (29 + 7 = 36).
SECOND_STATIONS = ("民盟", "民建", "工商联", "医卫", "教育", "总工会", "侨联")
TERM_START = datetime.date(2022, 1, 1)


class _Unique:
    """Draws values until one is new: names, ID-card and mobile numbers."""

    def __init__(self, rng: random.Random, excluded: frozenset[str] = frozenset()) -> None:
        self.rng, self.seen = rng, set(excluded)

    def draw(self, make) -> str:
        while True:
            value = make(self.rng)
            if value not in self.seen:
                self.seen.add(value)
                return value


def _name(rng: random.Random, gender: str) -> str:
    chars = words.MALE_CHARS if gender == Member.Gender.MALE else words.FEMALE_CHARS
    given = rng.choice(chars) + (rng.choice(chars) if rng.random() < 0.8 else "")
    return rng.choice(words.SURNAMES) + given


def _id_card(rng: random.Random, birth: datetime.date, gender: str) -> str:
    serial = rng.randint(0, 99) * 10 + rng.choice((1, 3, 5, 7, 9) if gender == Member.Gender.MALE else (0, 2, 4, 6, 8))
    first17 = f"{rng.choice(list(words.REGIONS))}{birth:%Y%m%d}{serial:03d}"
    return first17 + id_card_check_char(first17)


def mobile_number(rng: random.Random) -> str:
    return rng.choice(words.MOBILE_PREFIXES) + f"{rng.randint(0, 99_999_999):08d}"


def _member(rng: random.Random, number: int, short: str, names: _Unique, ids: _Unique, mobiles: _Unique) -> Member:
    gender = Member.Gender.MALE if rng.random() < 0.65 else Member.Gender.FEMALE
    birth = random_day(rng, datetime.date(1960, 1, 1), datetime.date(1990, 12, 31))
    employers, titles = words.JOBS.get(short, words.GENERIC_JOBS)
    return Member(
        member_number=f"{MEMBER_PREFIX}{number:04d}",
        name=names.draw(lambda r: _name(r, gender)),
        gender=gender,
        birth_date=birth,
        party=words.PARTY_OF_GROUP.get(short) or rng.choice(words.OTHER_PARTIES),
        employer=rng.choice(employers),
        job_title=rng.choice(titles),
        mobile=mobiles.draw(mobile_number),
        id_card=ids.draw(lambda r: _id_card(r, birth, gender)),
    )


def _role(position: int, deputies: int) -> str:
    if position == 0:
        return GroupMembership.Role.LEADER
    if position <= deputies:
        return GroupMembership.Role.DEPUTY
    if position == deputies + 1:
        return GroupMembership.Role.LIAISON
    return GroupMembership.Role.MEMBER


def _first_spans(ctx: DemoContext, members: list[Member], rng: random.Random) -> list[Span]:
    spans, index = [], 0
    for group in ctx.groups:
        deputies = rng.choice((1, 2))
        for position in range(GROUP_SIZES[group.short_name]):
            role = _role(position, deputies)
            spans.append(Span(members[index].pk, group.pk, role, TERM_START, None))
            index += 1
    return spans


def _move_and_retire(ctx: DemoContext, spans: list[Span], rng: random.Random) -> tuple[list[Span], set[int]]:
    """A few plain members move group in the previous year; a few others leave."""
    previous = ctx.today.year - 1
    plain = [i for i, span in enumerate(spans) if span.role == GroupMembership.Role.MEMBER]
    chosen = rng.sample(plain, MOVED_MEMBERS + INACTIVE_MEMBERS)
    group_ids = [group.pk for group in ctx.groups]
    added, inactive = [], set()
    for i in chosen[:MOVED_MEMBERS]:
        span = spans[i]
        moved_on = datetime.date(previous, rng.randint(4, 9), 1)
        spans[i] = span._replace(end=moved_on - datetime.timedelta(days=1))
        target = rng.choice([gid for gid in group_ids if gid != span.group_id])
        added.append(Span(span.member_id, target, GroupMembership.Role.MEMBER, moved_on, None))
    for i in chosen[MOVED_MEMBERS:]:
        spans[i] = spans[i]._replace(end=datetime.date(previous, rng.randint(6, 10), 30))
        inactive.add(spans[i].member_id)
    return spans + added, inactive


def members_create(ctx: DemoContext) -> list[Member]:
    rng = ctx.rng("members")
    names = _Unique(rng, words.EXCLUDED_NAMES)
    ids, mobiles = _Unique(rng), _Unique(rng)
    members, number = [], 0
    for group in ctx.groups:
        for _i in range(GROUP_SIZES[group.short_name]):
            number += 1
            members.append(_member(rng, number, group.short_name, names, ids, mobiles))
    for member in members:
        member.committee = ctx.committee
    members = Member.objects.bulk_create(members, batch_size=500)
    spans, inactive = _move_and_retire(ctx, _first_spans(ctx, members, rng), rng)
    Member.objects.filter(pk__in=inactive).update(is_active=False)
    GroupMembership.objects.bulk_create(
        [GroupMembership(member_id=s.member_id, group_id=s.group_id, role=s.role, start_date=s.start, end_date=s.end)
         for s in spans],
        batch_size=500,
    )  # fmt: skip
    ctx.set_spans(spans)
    return members


def _station_name(short: str, second: bool) -> str:
    special = {"致公党": "致公驿站", "共青团(青联)": "团青驿站"}
    if not second and short in special:
        return special[short]
    return f"{short}委员会客厅" if second else f"{short}界别工作站"


def _station(ctx: DemoContext, rng: random.Random, group, second: bool) -> Workstation:
    leader = ctx.role_holders(group.pk, GroupMembership.Role.LEADER)[0]
    plain = ctx.role_holders(group.pk, GroupMembership.Role.MEMBER)
    if group.short_name == "致公党" and not second:
        kind, host = Workstation.HostKind.STUDIO, rng.choice(plain)
    elif second:
        kind, host = Workstation.HostKind.RECEPTION, rng.choice(plain)
    else:
        kind = rng.choice([Workstation.HostKind.LEADER_UNIT, Workstation.HostKind.STUDIO])
        host = leader if kind == Workstation.HostKind.LEADER_UNIT else rng.choice(plain)
    district = rng.choice(list(words.REGIONS.values()))
    return Workstation(
        group=group,
        name=_station_name(group.short_name, second),
        host_kind=kind,
        host_member_id=host,
        address=f"温州市{district}{rng.choice(words.STREETS)}{rng.randint(1, 399)}号",
        established_on=random_day(rng, datetime.date(2019, 5, 1), datetime.date(2023, 6, 30)),
        description="收集界别群众意见建议，转化为社情民意信息。",
    )


def workstations_create(ctx: DemoContext) -> list[Workstation]:
    rng = ctx.rng("workstations")
    stations = [_station(ctx, rng, group, second=False) for group in ctx.groups]
    stations += [_station(ctx, rng, ctx.by_short[short], second=True) for short in SECOND_STATIONS]
    stations = Workstation.objects.bulk_create(stations)
    for station in stations:
        ctx.workstations.setdefault(station.group_id, []).append(station)
    return stations
