"""What a member import would do to the groups' current scores, before it is written.

The member import's preview (sectors.importers.members) lists who joins and leaves
which group; this answers, per group, its members and score now and after, by
scoring the year's facts twice: as they are, and with the joiners added (with
nothing done yet) and the leavers removed on the reference day. Nothing is
written. Registered at start-up (reports.apps), since sectors cannot import reports.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections import defaultdict

from portal import clock

from .scorecards import year_facts, year_rules
from .scoring import Context, GroupFacts, MemberFact, can_act, year_scores_of


@dataclasses.dataclass(frozen=True)
class GroupEffect:
    group_name: str
    members_before: int
    members_after: int
    score_before: float
    score_after: float
    joining: list[str]
    leaving: list[str]

    @property
    def change(self) -> float:
        return round(self.score_after - self.score_before, 1)


def member_import_effects(*, committee_id: int, moves: list, default_joined_on: datetime.date) -> list[GroupEffect]:
    """`moves`: [member id or None, name, group left or None, group joined, joining date (ISO) or None]."""
    today = clock.today()
    ctx = Context(year=today.year, today=today)
    joining: dict[int, list[MemberFact]] = defaultdict(list)
    leaving: dict[int, dict[int, str]] = defaultdict(dict)
    for number, (member_id, name, left, joined, on) in enumerate(moves, start=1):
        if left == joined:
            continue  # a new role in the same group
        day = datetime.date.fromisoformat(on) if on else (default_joined_on if member_id is None else today)
        if day > ctx.reference_day:
            continue
        joining[joined].append(MemberFact(member_id or -number, name))
        if left is not None:
            leaving[left][member_id] = name
    if not joining and not leaving:
        return []
    rules = year_rules(committee_id=committee_id, year=ctx.year)
    facts = year_facts(committee_id=committee_id, year=ctx.year, today=today)
    changed = [
        _with_members(
            fact,
            tuple(m for m in fact.members if m.member_id not in leaving[fact.group_id]) + tuple(joining[fact.group_id]),
        )
        if fact.group_id in joining or fact.group_id in leaving
        else fact
        for fact in facts
    ]
    before, after = year_scores_of(facts, rules, ctx), year_scores_of(changed, rules, ctx)
    return [
        GroupEffect(
            group_name=fact.group_name,
            members_before=len(fact.members),
            members_after=len(new.members),
            score_before=before.by_group_id[fact.group_id].total,
            score_after=after.by_group_id[fact.group_id].total,
            joining=[m.name for m in joining[fact.group_id]],
            leaving=list(leaving[fact.group_id].values()),
        )
        for fact, new in zip(facts, changed, strict=True)
        if new is not fact
    ]


def _with_members(fact: GroupFacts, members: tuple[MemberFact, ...]) -> GroupFacts:
    """The group's facts with another roster; whether it can act follows the roster."""
    return dataclasses.replace(fact, members=members, can_act=can_act(members))
