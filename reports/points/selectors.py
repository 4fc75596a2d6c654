"""Reads of the duty points, scoped to the user: a member's year with the
record behind each item, a group's members, the committee's list, the open
appeals. A closed year is read from its frozen points; an open one is
computed from the records (cached until they change, portal.cache)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.http import Http404
from django.urls import reverse

from portal import cache as freshness
from portal import roles
from sectors.models import Committee, Member, SectorGroup
from sectors.roster.selectors import visible_members
from sectors.scope import is_leader

from ..models import ClosedYear
from .engine import CategoryTotal, MemberPoints, PointItem, RuleSet, grade_counts, year_points
from .facts import year_facts, year_rule_set
from .models import PointAppeal, PointSnapshot
from .services import item_of

RECORD_URLS = {
    "activity": ("activity_detail", "activity_id"),
    "proposal": ("proposal_detail", "proposal_id"),
    "opinion_report": ("opinionreport_detail", "opinionreport_id"),
    "duty_report": ("dutyreport_detail", "dutyreport_id"),
    "contact": ("contact_detail", "contact_id"),
}


def record_url(item: PointItem) -> str:
    """The page of the record that earned the item ("" for an adjustment)."""
    found = RECORD_URLS.get(item.record_kind)
    if found is None:
        return ""
    name, kwarg = found
    return reverse(name, kwargs={kwarg: item.record_id})


@dataclass(frozen=True)
class YearPoints:
    year: int
    rules: RuleSet
    members: list[MemberPoints]
    frozen_on: datetime.datetime | None = None  # the closing's time when read from the frozen points
    by_member: dict[int, MemberPoints] = field(default_factory=dict)

    @property
    def has_rules(self) -> bool:
        return self.rules.has_rules

    @property
    def grade_counts(self) -> dict[str, int]:
        return grade_counts(self.members, self.rules)


def _frozen(committee_id: int, year: int, rules: RuleSet) -> YearPoints | None:
    closed = ClosedYear.objects.filter(committee_id=committee_id, year=year).first()
    if closed is None:
        return None
    rows = PointSnapshot.objects.filter(committee_id=committee_id, year=year).select_related("member", "group")
    members = [
        MemberPoints(
            member_id=row.member_id,
            name=row.member.name,
            number=row.member.member_number,
            group_id=row.group_id or 0,
            group_name=row.group.short_name if row.group else "",
            total=float(row.total),
            grade=row.grade,
            consequence=row.consequence,
            items=[item_of(i) for i in row.items],
            categories={key: CategoryTotal(*value) for key, value in row.categories.items()},
        )
        for row in rows
    ]
    if not members:
        return None  # closed without point rules: computed live (there is nothing to freeze)
    members.sort(key=lambda p: (-p.total, p.number, p.member_id))
    return YearPoints(year, rules, members, closed.closed_at, {p.member_id: p for p in members})


def compute_year_points(*, committee_id: int, year: int, rules: RuleSet | None = None) -> YearPoints:
    """The year computed from the records (no frozen points read): with other rules for the what-if view."""
    rules = rules if rules is not None else year_rule_set(committee_id=committee_id, year=year)
    members = year_points(year_facts(committee_id=committee_id, year=year), rules) if rules.has_rules else []
    return YearPoints(year, rules, members, None, {p.member_id: p for p in members})


def committee_year_points(*, committee_id: int, year: int) -> YearPoints:
    """Every member's points of the year: frozen when the year is closed, else computed (cached)."""

    def compute() -> YearPoints:
        rules = year_rule_set(committee_id=committee_id, year=year)
        return _frozen(committee_id, year, rules) or compute_year_points(
            committee_id=committee_id, year=year, rules=rules
        )

    return freshness.cached("member-points", (committee_id,), compute, year=year)


def member_points_for(*, user, member_id: int, year: int) -> tuple[Member, MemberPoints | None, YearPoints]:
    """A member's points, 404 outside the user's scope (a leader: members of their group)."""
    member = visible_members(user).filter(pk=member_id).first()
    if member is None:
        raise Http404
    points = committee_year_points(committee_id=member.committee_id, year=year)
    return member, points.by_member.get(member.pk), points


def own_points(*, user, year: int) -> tuple[Member, MemberPoints | None, YearPoints]:
    """A member's own points (roles.MEMBER: request.user.member)."""
    member = user.member
    points = committee_year_points(committee_id=member.committee_id, year=year)
    return member, points.by_member.get(member.pk), points


def group_points_for(*, user, group_id: int, year: int) -> tuple[SectorGroup, list[MemberPoints], YearPoints]:
    """The members whose group of the year (the latest) is this one, highest first."""
    group = _group(user, group_id)
    points = committee_year_points(committee_id=group.committee_id, year=year)
    return group, [p for p in points.members if p.group_id == group.pk], points


def _group(user, group_id: int) -> SectorGroup:
    group = SectorGroup.objects.filter(pk=group_id).first()
    if group is None or (is_leader(user) and group.pk != user.sector_group_id):
        raise Http404
    return group


SORTS = {
    "total": lambda p: (-p.total, p.number),
    "name": lambda p: (p.name, p.number),
    "group": lambda p: (p.group_name, -p.total, p.number),
    "number": lambda p: (p.number,),
}


def committee_list(*, committee: Committee, year: int, sort: str = "total", grade: str = "") -> tuple[list, YearPoints]:
    points = committee_year_points(committee_id=committee.pk, year=year)
    rows = [p for p in points.members if not grade or p.grade == grade]
    rows.sort(key=SORTS.get(sort, SORTS["total"]))
    return rows, points


def appeals_for(*, member: Member, year: int) -> dict[str, PointAppeal]:
    """The member's appeals of the year by item (the latest per item)."""
    found: dict[str, PointAppeal] = {}
    for appeal in PointAppeal.objects.filter(member=member, year=year).order_by("raised_at", "id"):
        found[appeal.item_key] = appeal
    return found


def open_appeals(*, committee: Committee) -> list[PointAppeal]:
    return list(
        PointAppeal.objects.filter(committee=committee, status=PointAppeal.Status.OPEN)
        .select_related("member", "raised_by")
        .order_by("raised_at", "id")
    )


def recent_resolved(*, committee: Committee, limit: int = 30) -> list[PointAppeal]:
    return list(
        PointAppeal.objects.filter(committee=committee)
        .exclude(status=PointAppeal.Status.OPEN)
        .select_related("member", "resolved_by")
        .order_by("-resolved_at", "-id")[:limit]
    )


def may_appeal(user) -> bool:
    return roles.role_of(user) in (roles.MEMBER, roles.LEADER, roles.STAFF, roles.ADMIN)
