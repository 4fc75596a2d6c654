"""What the demo generators share: the committee, "today", the groups, who
belonged to which group when, and a seeded random source per record type."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

from django.utils import timezone

from sectors.models import Committee, SectorGroup, User, Workstation

SEED = "wenzhou-168-demo"
MEMBER_PREFIX = "D"

# Groups that clearly fall short of several of the eight haves in the demo,
# so that scorecards show misses. They also hold no duty-report meeting.
WEAK_GROUPS = frozenset({"台盟", "台联", "体育", "民族宗教", "对外友好", "特邀"})


class Span(NamedTuple):
    """A member's dated place in a group (one GroupMembership row)."""

    member_id: int
    group_id: int
    role: str
    start: datetime.date
    end: datetime.date | None

    def covers(self, day: datetime.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass
class DemoContext:
    committee: Committee
    today: datetime.date
    groups: list[SectorGroup]
    spans: list[Span] = field(default_factory=list)
    _by_group: dict[int, list[Span]] = field(default_factory=dict)
    _by_member: dict[int, list[Span]] = field(default_factory=dict)
    workstations: dict[int, list[Workstation]] = field(default_factory=dict)  # by group id
    staff_user: User | None = None
    leader_user: User | None = None

    @cached_property
    def by_short(self) -> dict[str, SectorGroup]:
        return {group.short_name: group for group in self.groups}

    @cached_property
    def short_of(self) -> dict[int, str]:
        return {group.pk: group.short_name for group in self.groups}

    @property
    def years(self) -> list[int]:
        """The previous calendar year in full and the current one up to today."""
        return [self.today.year - 1, self.today.year]

    def rng(self, purpose: str) -> random.Random:
        # One generator per record type: changing one generator leaves the
        # others' data as it was.
        return random.Random(f"{SEED}:{purpose}")

    def past_day(self, rng: random.Random, year: int, months: tuple[int, int] = (1, 12)) -> datetime.date | None:
        """A day in those months of the year, or None when it falls after today.

        Drawing over the whole range and dropping future days keeps the
        records of past months the same whatever day the demo is seeded on.
        """
        start = datetime.date(year, months[0], 1)
        end = datetime.date(year + months[1] // 12, months[1] % 12 + 1, 1) - datetime.timedelta(days=1)
        day = random_day(rng, start, end)
        return day if day <= self.today else None

    def set_spans(self, spans: list[Span]) -> None:
        self.spans = spans
        self._by_group, self._by_member = {}, {}
        for span in spans:
            self._by_group.setdefault(span.group_id, []).append(span)
            self._by_member.setdefault(span.member_id, []).append(span)

    def group_spans(self, group_id: int) -> list[Span]:
        return self._by_group.get(group_id, [])

    def member_spans(self, member_id: int) -> list[Span]:
        return self._by_member.get(member_id, [])

    def members_on(self, group_ids: list[int], day: datetime.date) -> list[int]:
        """Members of any of the groups on that day, each once, in a stable order."""
        found = {span.member_id for gid in group_ids for span in self.group_spans(gid) if span.covers(day)}
        return sorted(found)

    def role_holders(self, group_id: int, role: str) -> list[int]:
        return [span.member_id for span in self.group_spans(group_id) if span.role == role and span.end is None]

    def group_of(self, member_id: int, day: datetime.date) -> int | None:
        return next((span.group_id for span in self.member_spans(member_id) if span.covers(day)), None)


def random_day(rng: random.Random, start: datetime.date, end: datetime.date) -> datetime.date | None:
    """A day in [start, end], or None when the range is empty."""
    if end < start:
        return None
    return start + datetime.timedelta(days=rng.randint(0, (end - start).days))


def aware_noon(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12, 0)))
