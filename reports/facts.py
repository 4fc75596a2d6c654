"""What the scoring rules read: a group's facts of a year, a rule of the year,
the day it is judged on, and the words every page uses for days, months and numbers.

Pure data (no database). The engine (reports.scoring) and the measures' table
(reports.measures) both read these; reports.scorecards gathers them from the rows.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy


# Evidence, ActivityFact and MemberFact are made by the thousand for every
# scoring of the committee: named tuples (immutable, and several times faster to
# make than frozen dataclasses).
class Evidence(NamedTuple):
    """A record that counts toward a rule, with the address of its page."""

    kind: str  # "activity", "opinion_report", "proposal", "workstation", "document", "member"
    id: int
    label: str
    url: str
    date: datetime.date | None = None


@dataclass(frozen=True)
class Rule:
    """One requirement of the year, as the engine needs it."""

    measure: str  # a key of reports.measures.MEASURES (a reports.models.Measure value)
    label: str
    have: str | None
    carrier: str | None
    threshold: float
    weight: float = 1.0
    deadline: datetime.date | None = None  # None: "each month" (or no single day)
    is_hard: bool = False
    per_member: int = 0  # distinct constituents that make "enough" (CONSTITUENTS_PER_MEMBER)
    days_open: int = 0  # ACTIVE_WORKSTATIONS: days of the year a station must be open (0: the default)


class ActivityFact(NamedTuple):
    id: int
    kind: str  # activities.carriers.ActivityKind value
    date: datetime.date
    title: str
    url: str = ""
    is_highlight: bool = False


class MemberFact(NamedTuple):
    """A member who belonged to the group on the reference day, with all their
    work of the year, in any group (activities.carriers: the duty follows the member)."""

    member_id: int
    name: str
    url: str = ""
    contacts: tuple[tuple[int, datetime.date], ...] = ()  # (constituent id, date)
    reported_on: tuple[datetime.date, ...] = ()  # dates of the meetings they reported at

    def constituents_by(self, day: datetime.date | None) -> int:
        return len({cid for cid, on in self.contacts if day is None or on <= day})

    def reported_by(self, day: datetime.date | None) -> bool:
        return any(day is None or on <= day for on in self.reported_on)


@dataclass(frozen=True)
class GroupFacts:
    """Everything the rules count for one group in one year (held activities of
    the year, joint ones included; records dated in the year)."""

    group_id: int
    group_name: str
    sort_order: int = 0
    activities: tuple[ActivityFact, ...] = ()
    opinion_reports: tuple[Evidence, ...] = ()
    proposals: tuple[Evidence, ...] = ()
    workstations: tuple[Evidence, ...] = ()  # stations open in the year; date = set up on
    workstation_days: tuple[tuple[int, int], ...] = ()  # (station id, days open in the year)
    workstation_opinion_reports: tuple[Evidence, ...] = ()  # reports that came through a station
    plan: Evidence | None = None  # date = the document's date
    summary: Evidence | None = None
    members: tuple[MemberFact, ...] = ()
    can_act: bool = True  # see can_act(): False when the group had no member to act


def can_act(members: tuple[MemberFact, ...]) -> bool:
    """A group with no member on the reference day (none all year, or all of
    them gone) could not hold anything: it is shown as such, never failed,
    never in the attention list, never ranked. Decided here, once."""
    return bool(members)


@dataclass(frozen=True)
class Context:
    """The year being scored and the day it is judged on."""

    year: int
    today: datetime.date

    @property
    def reference_day(self) -> datetime.date:
        """Whose members count for shares: 31 December, or today during the year."""
        return min(max(self.today, datetime.date(self.year, 1, 1)), datetime.date(self.year, 12, 31))


@dataclass(frozen=True)
class Measured:
    value: float
    evidence: list[Evidence]
    members_counted: int | None = None  # share rules: the members they are a share of


def day_label(day: datetime.date) -> str:
    return _("%(month)s/%(day)s") % {"month": day.month, "day": day.day}


_MONTHS = (
    pgettext_lazy("short month", "Jan"),
    pgettext_lazy("short month", "Feb"),
    pgettext_lazy("short month", "Mar"),
    pgettext_lazy("short month", "Apr"),
    pgettext_lazy("short month", "May"),
    pgettext_lazy("short month", "Jun"),
    pgettext_lazy("short month", "Jul"),
    pgettext_lazy("short month", "Aug"),
    pgettext_lazy("short month", "Sep"),
    pgettext_lazy("short month", "Oct"),
    pgettext_lazy("short month", "Nov"),
    pgettext_lazy("short month", "Dec"),
)


def month_label(month: int) -> str:
    """The month's short name: Jan … Dec in English, 1月 … 12月 in Chinese."""
    return str(_MONTHS[month - 1])


def number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def months_left(ctx: Context, counted_months: Iterable[int]) -> int:
    """Months of the year not yet over (the current one included) that have no session yet."""
    held = set(counted_months)
    return sum(1 for m in range(1, 13) if m not in held and (ctx.year, m) >= (ctx.today.year, ctx.today.month))
