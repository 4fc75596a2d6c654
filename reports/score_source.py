"""Where the dashboard gets verdicts and ranks: the scoring engine (issue 7,
reports.scorecards.year_scores), behind one function so the dashboard names
the engine in one place.

Until the engine is merged, `year_scores_for` answers with a stand-in of the
engine's shape (docs: /work/notes/scoring-contract.md) that scores nothing:
`has_rules` is False and every group is unranked by score (ranked by its order).
Merging the engine replaces the body of `year_scores_for` with one call.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from activities.carriers import Carrier, Have
from sectors.models import SectorGroup


class Verdict(models.TextChoices):
    MET = "met", _("Met")
    PARTLY = "partly", _("Partly met")
    NOT_MET = "not_met", _("Not met")
    OFF = "off", _("Off")
    NA = "na", _("Not applicable")


@dataclass(frozen=True)
class AreaScore:
    key: str
    label: str
    score: float
    verdict: str
    rules: list = field(default_factory=list)


@dataclass(frozen=True)
class GroupScore:
    group_id: int
    group_name: str
    sort_order: int
    total: float
    rank: int
    fails_hard: bool
    rules: list
    haves: dict[str, AreaScore]
    carriers: dict[str, AreaScore]
    verdict: str


@dataclass(frozen=True)
class YearScores:
    year: int
    computed_for: datetime.date
    has_rules: bool
    groups: list[GroupScore]
    by_group_id: dict[int, GroupScore]


def _stand_in(committee_id: int, year: int, today: datetime.date) -> YearScores:
    groups = SectorGroup.objects.filter(committee_id=committee_id, is_active=True).order_by("sort_order", "id")
    scored = [
        GroupScore(
            group_id=g.pk,
            group_name=g.short_name,
            sort_order=g.sort_order,
            total=0.0,
            rank=rank,
            fails_hard=False,
            rules=[],
            haves={h.value: AreaScore(h.value, str(h.label), 0.0, Verdict.NA) for h in Have},
            carriers={c.value: AreaScore(c.value, str(c.label), 0.0, Verdict.NA) for c in Carrier},
            verdict=Verdict.NA,
        )
        for rank, g in enumerate(groups, start=1)
    ]
    return YearScores(year, today, False, scored, {g.group_id: g for g in scored})


def year_scores_for(committee_id: int, year: int, today: datetime.date):
    """The year's scores (reports.scorecards.year_scores' YearScores)."""
    return _stand_in(committee_id, year, today)


def scorecard_url(group_id: int, year: int) -> str:
    """A group's scorecard for the year (the group's page until scorecards exist)."""
    try:
        url = reverse("scorecard", args=[group_id])
    except NoReverseMatch:
        url = reverse("group_detail", args=[group_id])
    return f"{url}?year={year}"
