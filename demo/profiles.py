"""How active each group is in a year: the knobs the record generators read.

Most groups meet the eight haves; the WEAK_GROUPS and a few random misses
elsewhere leave gaps, so that scorecards have something to show.
"""

from __future__ import annotations

from dataclasses import dataclass

from sectors.models import SectorGroup

from .context import WEAK_GROUPS, DemoContext


@dataclass(frozen=True)
class Profile:
    study_rate: float  # share of months with a study session
    consultations: int
    research: int
    supervisions: int
    december_services: int
    other_services: int
    fellowship: int
    opinion_reports: int
    proposals: int
    duty_meeting: bool
    plan_filed: bool
    plan_late: bool
    summary_filed: bool
    low_contacts: float  # share of members with fewer than three constituents
    highlight: bool


def _strong(rng) -> Profile:
    return Profile(
        study_rate=1.0 if rng.random() < 0.5 else rng.uniform(0.4, 0.8),
        consultations=rng.choice((1, 2, 2, 2, 3)),
        research=rng.choice((0, 1, 1, 2, 3)),
        supervisions=rng.choice((0, 0, 1)),
        december_services=rng.choice((1, 1, 2, 2, 3)),
        other_services=rng.choice((0, 0, 1)),
        fellowship=rng.choice((0, 1, 1, 2)),
        opinion_reports=rng.choice((0, 1, 2, 3, 4, 5)),
        proposals=rng.choice((1, 2, 3, 4, 5)),
        duty_meeting=True,
        plan_filed=True,
        plan_late=rng.random() < 0.1,
        summary_filed=rng.random() < 0.92,
        low_contacts=rng.uniform(0.0, 0.12),
        highlight=rng.random() < 0.3,
    )


def _weak(rng) -> Profile:
    return Profile(
        study_rate=rng.uniform(0.25, 0.5),
        consultations=rng.choice((0, 0, 1)),
        research=rng.choice((0, 0, 1)),
        supervisions=0,
        december_services=rng.choice((0, 1)),
        other_services=0,
        fellowship=rng.choice((0, 1)),
        opinion_reports=0,
        proposals=rng.choice((0, 1)),
        duty_meeting=False,
        plan_filed=rng.random() < 0.6,
        plan_late=rng.random() < 0.5,
        summary_filed=False,
        low_contacts=rng.uniform(0.3, 0.6),
        highlight=False,
    )


def group_profiles(ctx: DemoContext, year: int) -> dict[int, Profile]:
    rng = ctx.rng(f"profiles-{year}")
    return {group.pk: (_weak(rng) if _is_weak(group) else _strong(rng)) for group in ctx.groups}


def _is_weak(group: SectorGroup) -> bool:
    return group.short_name in WEAK_GROUPS
