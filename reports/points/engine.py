"""The duty-points engine (履职积分): pure functions, no database.

`reports.points.facts` gathers every member's records of a year once
(MemberFacts) and turns the year's rule rows into a RuleSet; this module
judges them:

- every record earns the points of its rule (an item); a missing or zero rule
  earns nothing and lists nothing;
- attendance: each held activity attended (present) earns its kind's points;
  an absence with a reason given is approved leave (LEAVE), one without is an
  unexcused absence (ABSENCE); both are usually deductions;
- proposals: the first proposer earns PROPOSAL_FIRST, each other proposer
  PROPOSAL_CO; a proposal in the group's name (collective) earns PROPOSAL_GROUP
  for at most `collective_max` of its proposers (the first proposer first,
  then in the order given), the rest are listed with 0 points; the accepted
  (in the year decided), key (the year made key) and excellent (the year named)
  bonuses and leaders' instructions on a proposal go to the
  first proposer in full and to every other counted proposer at `co_share`;
- public-opinion reports: each submitter earns OPINION_SUBMITTED in the year
  submitted; adoptions earn by level in the year of adoption (the highest level
  of the year only, when `highest_only`), leaders' instructions (批示) by level
  in the year instructed, each;
- duty report: one per year at most; constituents: each distinct person
  contacted in the year, once;
- caps: a category's positive points add up to at most its cap, counted in
  date order (the items past the cap are kept, marked capped, counting what
  was left or 0); deductions are never capped;
- the grade is the band with the highest lower bound the total reaches.

Nothing here counts sign-ins, time online or reading: only records of work.
"""

from __future__ import annotations

import datetime
import gc
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from operator import itemgetter
from typing import NamedTuple

from .items import (
    ADOPTION_LEVELS,
    ATTEND_PREFIX,
    INSTRUCTION_LEVELS,
    Category,
    Item,
    adoption_item,
    instruction_item,
)

FIRST, CO, GROUP = "first", "co", "group"

# Plain strings for the hot loops (an enum member's .value costs a descriptor call).
_ATTENDANCE = Category.ATTENDANCE.value
_LEAVE, _ABSENCE = Item.LEAVE.value, Item.ABSENCE.value
_LEAVE_KEY, _ABSENCE_KEY = "\0leave", "\0absence"  # not a kind of activity
# Items in date order, then by key: the order of every member's list.
_BY_DATE = itemgetter(5, 0)


class AttendanceFact(NamedTuple):
    activity_id: int
    kind: str
    date: datetime.date
    title: str
    present: bool = True
    reason: str = ""  # absent: "" without a reason (unexcused), else approved leave


class InstructionFact(NamedTuple):
    id: int
    level: str  # city / province / national
    date: datetime.date
    leader_title: str = ""


class ProposalFact(NamedTuple):
    id: int
    title: str
    date: datetime.date  # submitted on
    role: str  # FIRST, CO or GROUP (collective: see position)
    position: int = 0  # collective proposals: 0 for the first proposer, then 1, 2, …
    accepted_on: datetime.date | None = None  # accepted (立案): counted in this day's year
    key_on: datetime.date | None = None
    excellent_year: int | None = None
    instructions: tuple[InstructionFact, ...] = ()
    group_id: int = 0


class AdoptionFact(NamedTuple):
    id: int
    level: str  # committee / city / province / national
    date: datetime.date
    body: str = ""


class OpinionFact(NamedTuple):
    id: int
    title: str
    date: datetime.date  # submitted on
    adoptions: tuple[AdoptionFact, ...] = ()
    instructions: tuple[InstructionFact, ...] = ()
    group_id: int = 0


class DutyReportFact(NamedTuple):
    id: int
    date: datetime.date
    title: str


class ContactFact(NamedTuple):
    id: int
    constituent_id: int
    date: datetime.date
    constituent: str = ""


class AdjustmentFact(NamedTuple):
    appeal_id: int
    date: datetime.date
    points: float
    label: str


class MemberFacts(NamedTuple):
    member_id: int
    name: str
    number: str = ""
    group_id: int = 0  # the group they belong to at the year's end (or their last of the year)
    group_name: str = ""
    attendance: tuple[AttendanceFact, ...] = ()
    proposals: tuple[ProposalFact, ...] = ()
    opinions: tuple[OpinionFact, ...] = ()
    duty_reports: tuple[DutyReportFact, ...] = ()
    contacts: tuple[ContactFact, ...] = ()
    adjustments: tuple[AdjustmentFact, ...] = ()


class Grade(NamedTuple):
    label: str
    min_points: float
    consequence: str = ""


@dataclass(frozen=True)
class RuleSet:
    year: int
    points: dict[str, float]  # item → points (negative: a deduction)
    caps: dict[str, float] = field(default_factory=dict)  # category → most its positive points add up to
    grades: tuple[Grade, ...] = ()  # any order
    collective_max: int = 5
    co_share: float = 50.0  # percent
    highest_only: bool = True
    preset: str = ""

    @property
    def has_rules(self) -> bool:
        return any(self.points.values())

    def with_changes(self, **changes) -> RuleSet:
        return replace(self, **changes)


class PointItem(NamedTuple):
    """One earned (or deducted) item: the record behind it and the rule it met."""

    key: str  # unique within a member's year: record kind, id and item
    item: str  # Item value (the rule)
    category: str
    record_kind: str  # activity, proposal, opinion_report, duty_report, contact, appeal
    record_id: int
    date: datetime.date
    label: str  # the record's title or the person contacted
    points: float  # the rule's points (after a share)
    counted: float  # what it adds after the cap
    capped: bool = False
    note: str = ""  # e.g. "50%" for a co-proposer's share, "beyond 5 members"


class CategoryTotal(NamedTuple):
    category: str
    earned: float  # before the cap (positives) plus deductions
    counted: float
    cap: float | None


@dataclass(frozen=True)
class MemberPoints:
    member_id: int
    name: str
    number: str
    group_id: int
    group_name: str
    total: float
    grade: str
    consequence: str
    items: list[PointItem]
    categories: dict[str, CategoryTotal]

    def category(self, key: str) -> float:
        total = self.categories.get(key)
        return total.counted if total else 0.0


# --- items of each kind of record ---------------------------------------------------------


def _in_year(day: datetime.date | None, year: int) -> bool:
    return day is not None and day.year == year


def _attendance_items(facts: MemberFacts, rules: RuleSet) -> Iterable[PointItem]:
    # The hot loop (tens of thousands of rows a year): each rule's points looked up once,
    # the tuples built without the NamedTuple's Python-level __new__.
    points, year = rules.points, rules.year
    values: dict[str, tuple[str, float]] = {}
    make = tuple.__new__
    for a in facts.attendance:
        if a.date.year != year:
            continue
        kind = a.kind if a.present else (_LEAVE_KEY if a.reason else _ABSENCE_KEY)
        found = values.get(kind)
        if found is None:
            item = ATTEND_PREFIX + kind if a.present else (_LEAVE if a.reason else _ABSENCE)
            found = values[kind] = (item, points.get(item, 0.0))
        item, value = found
        if value:
            yield make(
                PointItem,
                (
                    f"activity:{a.activity_id}:{item}",
                    item,
                    _ATTENDANCE,
                    "activity",
                    a.activity_id,
                    a.date,
                    a.title,
                    value,
                    value,
                    False,
                    "",
                ),
            )


def _share(value: float, lead: bool, rules: RuleSet) -> tuple[float, str]:
    if lead:
        return value, ""
    return round(value * rules.co_share / 100, 2), f"{rules.co_share:g}%"


def _proposal_items(facts: MemberFacts, rules: RuleSet) -> Iterable[PointItem]:
    points, year = rules.points, rules.year
    for p in facts.proposals:
        lead = p.role == FIRST or (p.role == GROUP and p.position == 0)
        beyond = p.role == GROUP and p.position >= rules.collective_max
        base = f"proposal:{p.id}:"
        if _in_year(p.date, year):
            item = {FIRST: Item.PROPOSAL_FIRST, CO: Item.PROPOSAL_CO, GROUP: Item.PROPOSAL_GROUP}[p.role].value
            value = points.get(item, 0.0)
            if beyond and value:
                yield PointItem(
                    base + item,
                    item,
                    Category.PROPOSALS.value,
                    "proposal",
                    p.id,
                    p.date,
                    p.title,
                    0.0,
                    0.0,
                    True,
                    f"> {rules.collective_max}",
                )
            elif value:
                yield PointItem(
                    base + item, item, Category.PROPOSALS.value, "proposal", p.id, p.date, p.title, value, value
                )
        if beyond:
            continue
        bonuses = []
        if _in_year(p.accepted_on, year):
            bonuses.append((Item.PROPOSAL_ACCEPTED.value, p.accepted_on, 0))
        if p.key_on is not None and _in_year(p.key_on, year):
            bonuses.append((Item.PROPOSAL_KEY.value, p.key_on, 0))
        if p.excellent_year == year:
            bonuses.append((Item.PROPOSAL_EXCELLENT.value, datetime.date(year, 12, 31), 0))
        bonuses += [(instruction_item(i.level), i.date, i.id) for i in p.instructions if _in_year(i.date, year)]
        for item, day, sub in bonuses:
            value, note = _share(points.get(item, 0.0), lead, rules)
            if value:
                key = f"{base}{item}" + (f":{sub}" if sub else "")
                yield PointItem(
                    key, item, Category.PROPOSALS.value, "proposal", p.id, day, p.title, value, value, False, note
                )


def _opinion_items(facts: MemberFacts, rules: RuleSet) -> Iterable[PointItem]:
    points, year = rules.points, rules.year
    opinion = Category.OPINION.value
    for r in facts.opinions:
        base = f"opinion_report:{r.id}:"
        if _in_year(r.date, year):
            value = points.get(Item.OPINION_SUBMITTED.value, 0.0)
            if value:
                yield PointItem(
                    base + Item.OPINION_SUBMITTED.value,
                    Item.OPINION_SUBMITTED.value,
                    opinion,
                    "opinion_report",
                    r.id,
                    r.date,
                    r.title,
                    value,
                    value,
                )
        adoptions = [a for a in r.adoptions if _in_year(a.date, year) and a.level in ADOPTION_LEVELS]
        if rules.highest_only and adoptions:
            adoptions = [max(adoptions, key=lambda a: (ADOPTION_LEVELS.index(a.level), a.date))]
        for a in adoptions:
            item = adoption_item(a.level)
            value = points.get(item, 0.0)
            if value:
                yield PointItem(
                    f"{base}{item}:{a.id}",
                    item,
                    opinion,
                    "opinion_report",
                    r.id,
                    a.date,
                    r.title,
                    value,
                    value,
                    False,
                    a.body,
                )
        for i in r.instructions:
            if not _in_year(i.date, year) or i.level not in INSTRUCTION_LEVELS:
                continue
            item = instruction_item(i.level)
            value = points.get(item, 0.0)
            if value:
                yield PointItem(
                    f"{base}{item}:{i.id}",
                    item,
                    opinion,
                    "opinion_report",
                    r.id,
                    i.date,
                    r.title,
                    value,
                    value,
                    False,
                    i.leader_title,
                )


def _duty_items(facts: MemberFacts, rules: RuleSet) -> Iterable[PointItem]:
    value = rules.points.get(Item.DUTY_REPORT.value, 0.0)
    given = sorted((d for d in facts.duty_reports if d.date.year == rules.year), key=lambda d: (d.date, d.id))
    if value and given:  # one a year
        d = given[0]
        yield PointItem(
            f"duty_report:{d.id}:{Item.DUTY_REPORT.value}",
            Item.DUTY_REPORT.value,
            Category.DUTY.value,
            "duty_report",
            d.id,
            d.date,
            d.title,
            value,
            value,
        )


def _contact_items(facts: MemberFacts, rules: RuleSet) -> Iterable[PointItem]:
    value = rules.points.get(Item.CONTACT.value, 0.0)
    if not value:
        return
    seen: set[int] = set()
    for c in sorted(facts.contacts, key=lambda c: (c.date, c.id)):
        if c.date.year != rules.year or c.constituent_id in seen:
            continue
        seen.add(c.constituent_id)
        yield PointItem(
            f"contact:{c.id}:{Item.CONTACT.value}",
            Item.CONTACT.value,
            Category.CONTACTS.value,
            "contact",
            c.id,
            c.date,
            c.constituent,
            value,
            value,
        )


def _adjustment_items(facts: MemberFacts, rules: RuleSet) -> Iterable[PointItem]:
    for a in facts.adjustments:
        if a.points:
            yield PointItem(
                f"appeal:{a.appeal_id}:{Item.ADJUSTMENT.value}",
                Item.ADJUSTMENT.value,
                Category.ADJUSTMENTS.value,
                "appeal",
                a.appeal_id,
                a.date,
                a.label,
                a.points,
                a.points,
            )


_SOURCES = (_attendance_items, _proposal_items, _opinion_items, _duty_items, _contact_items, _adjustment_items)


# --- caps, totals, grades ------------------------------------------------------------------------


def capped(items: list[PointItem], cap: float | None) -> list[PointItem]:
    """The category's items with its cap applied to the positive points, in date order."""
    if cap is None or sum(i.points for i in items if i.points > 0) <= cap:
        return items
    left = cap
    result = []
    make = tuple.__new__
    for item in sorted(items, key=_BY_DATE):
        points = item.points
        if points <= 0 or left >= points:
            left -= max(points, 0.0)
            result.append(item)
            continue
        counted = left if left > 0 else 0.0
        left = 0.0
        result.append(make(PointItem, (*item[:8], round(counted, 2) if counted else 0.0, True, item.note)))
    return result


def grade_of(total: float, grades: Iterable[Grade]) -> Grade | None:
    reached = [g for g in grades if total >= g.min_points - 1e-9]
    return max(reached, key=lambda g: g.min_points) if reached else None


def member_points(facts: MemberFacts, rules: RuleSet) -> MemberPoints:
    """One member's points of `rules.year`, every item linked to its record."""
    by_category: dict[str, list[PointItem]] = {}
    for source in _SOURCES:
        for item in source(facts, rules):
            by_category.setdefault(item.category, []).append(item)
    items: list[PointItem] = []
    categories: dict[str, CategoryTotal] = {}
    for category, found in by_category.items():
        cap = rules.caps.get(category) if category != Category.ADJUSTMENTS else None
        judged = capped(found, cap)
        items += judged
        categories[category] = CategoryTotal(
            category,
            round(sum(i.points for i in judged), 2),
            round(sum(i.counted for i in judged), 2),
            cap,
        )
    items.sort(key=_BY_DATE)
    total = round(sum(c.counted for c in categories.values()), 2)
    grade = grade_of(total, rules.grades)
    return MemberPoints(
        member_id=facts.member_id,
        name=facts.name,
        number=facts.number,
        group_id=facts.group_id,
        group_name=facts.group_name,
        total=total,
        grade=grade.label if grade else "",
        consequence=grade.consequence if grade else "",
        items=items,
        categories=categories,
    )


def year_points(facts: Iterable[MemberFacts], rules: RuleSet) -> list[MemberPoints]:
    """Every member's points, highest first (then member number).

    The collector is paused meanwhile: tens of thousands of small tuples, none
    of them cyclic, would otherwise start a generation-0 pass every 700 of them."""
    paused = gc.isenabled()
    gc.disable()
    try:
        result = [member_points(f, rules) for f in facts]
    finally:
        if paused:
            gc.enable()
    result.sort(key=lambda p: (-p.total, p.number, p.member_id))
    return result


def grade_counts(points: Iterable[MemberPoints], rules: RuleSet) -> dict[str, int]:
    counts = {g.label: 0 for g in sorted(rules.grades, key=lambda g: -g.min_points)}
    for p in points:
        if p.grade:
            counts[p.grade] = counts.get(p.grade, 0) + 1
    return counts


def category_label(key: str) -> str:
    return str(Category(key).label) if key in Category.values else key


def item_label(key: str) -> str:
    return str(Item(key).label) if key in Item.values else key
