"""The eight-haves scoring engine (八个有 and the six carriers): pure functions.

No database access here. `reports.scorecards` gathers each group's facts for a
year (GroupFacts) and turns the year's Requirement rows into Rules; this module
judges them:

- verdict per rule: met (value ≥ threshold); partly met (0 < value < threshold);
  not met (value 0, or a hard rule short of its threshold, or a deadline passed
  without it); off (threshold 0 switches a rule off); not applicable (a share of
  members for a group without members);
- score per rule = weight × min(1, value / threshold); a have's or carrier's
  score is the weighted share of its applicable rules (0–100), the group's total
  the weighted share of all; a rule with a have and a carrier shows in both
  views and is scored once;
- a group fails (whatever its score) when a hard rule is missed: not met by
  its deadline;
- rank among the groups by total; equal totals share a rank (并列: 1, 1, 3),
  listed in the groups' order, then name; groups that cannot act (no member
  on the reference day) and every group of a year without rules are not ranked
  (rank 0).

What each measure counts, its words, when it is overdue and its default
deadline are its spec in one table (reports.measures.MEASURES), not chains of ifs.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from activities.carriers import ActivityKind, Carrier, Have

# The facts and words are defined in reports.facts (the measures' table reads them
# too) and named here as well: the engine's callers import them from it.
from .facts import (  # noqa: F401
    ActivityFact,
    Context,
    Evidence,
    GroupFacts,
    Measured,
    MemberFact,
    Rule,
    can_act,
    day_label,
    month_label,
    months_left,
    number,
)
from .measures import MEASURES, MeasureSpec


class Verdict(models.TextChoices):
    MET = "met", gettext_lazy("Met")
    PARTLY = "partly", gettext_lazy("Partly met")
    NOT_MET = "not_met", gettext_lazy("Not met")
    OFF = "off", gettext_lazy("Switched off")
    NA = "na", gettext_lazy("Not applicable")


SCORED = frozenset({Verdict.MET, Verdict.PARTLY, Verdict.NOT_MET})
EVIDENCE_SHOWN = 8  # records listed under a rule on the page; the download has them all


@dataclass(frozen=True)
class RuleResult:
    measure: str
    label: str
    have: str | None
    carrier: str | None
    value: float
    threshold: float
    weight: float
    is_hard: bool
    deadline: datetime.date | None
    verdict: Verdict
    score: float
    evidence: list[Evidence]
    missing: str
    overdue: bool
    unit: str = ""  # "%" for shares of members
    members_counted: int | None = None  # the denominator of a share rule
    per_member: int = 0  # CONSTITUENTS_PER_MEMBER: distinct constituents each member needs

    @property
    def scored(self) -> bool:
        return self.verdict in SCORED

    @property
    def have_label(self) -> str:
        return str(Have(self.have).label) if self.have else ""

    @property
    def carrier_label(self) -> str:
        return str(Carrier(self.carrier).label) if self.carrier else ""

    @property
    def deadline_label(self) -> str:
        return day_label(self.deadline) if self.deadline else _("each month")

    @property
    def more_evidence(self) -> int:
        """How many records beyond the first EVIDENCE_SHOWN a page leaves out."""
        return max(0, len(self.evidence) - EVIDENCE_SHOWN)


@dataclass(frozen=True)
class AreaScore:
    """One of the eight haves or six carriers: the rules that count toward it."""

    key: str
    label: str
    score: float
    verdict: Verdict
    rules: list[RuleResult]


@dataclass(frozen=True)
class GroupScore:
    group_id: int
    group_name: str
    sort_order: int
    total: float
    rank: int
    fails_hard: bool
    rules: list[RuleResult]
    haves: dict[str, AreaScore]
    carriers: dict[str, AreaScore]
    verdict: Verdict
    study_months: tuple[int, ...] = ()  # months (1–12) with a study session
    member_count: int = 0  # members on the reference day
    can_act: bool = True  # False: no member to act (can_act()); not failed, not ranked
    tied: bool = False  # another ranked group has the same total (并列)
    official: bool = False  # a closed year's stored result (with_official)
    live_total: float | None = None  # beside an official total: today's computation

    @property
    def live_differs(self) -> bool:
        return self.live_total is not None and round(self.live_total, 1) != round(self.total, 1)

    @property
    def is_ranked(self) -> bool:
        return self.rank > 0

    @property
    def hard_state(self) -> str:
        """The group's standing on its hard rules, one of HARD_STATES."""
        if not self.can_act:
            return "cannot_act"
        if self.fails_hard:
            return "failed"
        return "due" if self.hard_pending else "met"

    @property
    def missing(self) -> list[RuleResult]:
        """The rules still to do, most urgent first (hard, overdue, then by deadline)."""
        todo = [r for r in self.rules if r.verdict in (Verdict.PARTLY, Verdict.NOT_MET)]
        far = datetime.date.max
        return sorted(todo, key=lambda r: (not r.is_hard, not r.overdue, r.deadline or far))

    @property
    def hard_failures(self) -> list[RuleResult]:
        """Hard rules missed: their time ran out without them."""
        return [r for r in self.rules if r.is_hard and r.verdict == Verdict.NOT_MET and r.overdue]

    @property
    def hard_pending(self) -> list[RuleResult]:
        """Hard rules not met yet whose deadline has not passed: the group fails if they stay so."""
        return [r for r in self.rules if r.is_hard and r.verdict == Verdict.NOT_MET and not r.overdue]


# --- judging ------------------------------------------------------------------------

# Filed-once documents (plan, summary): the dashboard lists them when overdue.
DOCUMENT_MEASURES = frozenset(key for key, spec in MEASURES.items() if spec.is_document)


def is_overdue(rule: Rule, measured: Measured, ctx: Context, spec: MeasureSpec | None = None) -> bool:
    """The rule's time has run out without it being met (the measure's spec says when)."""
    if measured.value >= rule.threshold:
        return False
    return (spec or MEASURES[rule.measure]).overdue(rule, measured, ctx)


def rule_result(rule: Rule, facts: GroupFacts, ctx: Context) -> RuleResult:
    spec = MEASURES[rule.measure]
    measured = spec.counts(facts, rule, ctx)
    base = {
        "measure": rule.measure,
        "label": rule.label,
        "have": rule.have,
        "carrier": rule.carrier,
        "value": float(measured.value),
        "threshold": float(rule.threshold),
        "weight": float(rule.weight),
        "is_hard": rule.is_hard,
        "deadline": rule.deadline,
        "evidence": measured.evidence,
        "unit": spec.unit,
        "members_counted": measured.members_counted,
        "per_member": spec.per_member(rule) if spec.per_member else 0,
    }
    if rule.threshold <= 0:
        return RuleResult(**base, verdict=Verdict.OFF, score=0.0, missing="", overdue=False)
    if measured.members_counted == 0:
        return RuleResult(**base, verdict=Verdict.NA, score=0.0, missing=_("No members in the group"), overdue=False)
    score = round(rule.weight * min(1.0, measured.value / rule.threshold), 4)
    if measured.value >= rule.threshold:
        return RuleResult(**base, verdict=Verdict.MET, score=score, missing="", overdue=False)
    overdue = is_overdue(rule, measured, ctx, spec)
    verdict = Verdict.NOT_MET if measured.value <= 0 or overdue or rule.is_hard else Verdict.PARTLY
    return RuleResult(
        **base, verdict=verdict, score=score, missing=spec.missing(rule, measured, ctx, overdue), overdue=overdue
    )


def weighted_share(results: list[RuleResult]) -> float:
    """0–100: the scored rules' scores over their weights."""
    weight = sum(r.weight for r in results)
    if weight == 0:
        return 100.0 if results and all(r.verdict == Verdict.MET for r in results) else 0.0
    return round(100 * sum(r.score for r in results) / weight, 1)


def area_score(key: str, label: str, results: list[RuleResult]) -> AreaScore:
    scored = [r for r in results if r.scored]
    if not scored:
        verdict = Verdict.NA
    elif all(r.verdict == Verdict.MET for r in scored):
        verdict = Verdict.MET
    elif any(r.is_hard and r.verdict == Verdict.NOT_MET for r in scored) or all(
        r.verdict == Verdict.NOT_MET for r in scored
    ):
        verdict = Verdict.NOT_MET
    else:
        verdict = Verdict.PARTLY
    return AreaScore(key=key, label=label, score=weighted_share(scored), verdict=verdict, rules=results)


def _area_labels() -> tuple[dict[str, str], dict[str, str]]:
    return {h.value: str(h.label) for h in Have}, {c.value: str(c.label) for c in Carrier}


def group_score(
    facts: GroupFacts, rules: list[Rule], ctx: Context, labels: tuple[dict, dict] | None = None
) -> GroupScore:
    """One group's year against the rules; rank is 0 until `ranked`.

    The group fails (fails_hard, verdict not met) when a hard rule is missed:
    not met when its deadline has passed. Before that a hard rule not met yet
    is "not met" on its own line and listed first among what is missing, but
    does not fail the group: in June every group still has its December
    duty-report meeting ahead."""
    have_labels, carrier_labels = labels or _area_labels()
    results = [rule_result(rule, facts, ctx) for rule in rules]
    if not facts.can_act:
        results = [_not_applicable(r) for r in results]
    scored = [r for r in results if r.scored]
    fails_hard = any(r.is_hard and r.verdict == Verdict.NOT_MET and r.overdue for r in scored)
    if not scored:
        verdict = Verdict.NA
    elif fails_hard:
        verdict = Verdict.NOT_MET
    elif all(r.verdict == Verdict.MET for r in scored):
        verdict = Verdict.MET
    else:
        verdict = Verdict.PARTLY
    study = {a.date.month for a in facts.activities if a.kind == ActivityKind.STUDY}
    return GroupScore(
        group_id=facts.group_id,
        group_name=facts.group_name,
        sort_order=facts.sort_order,
        total=weighted_share(scored),
        rank=0,
        fails_hard=fails_hard,
        rules=results,
        haves={
            key: area_score(key, label, [r for r in results if r.have == key]) for key, label in have_labels.items()
        },
        carriers={
            key: area_score(key, label, [r for r in results if r.carrier == key])
            for key, label in carrier_labels.items()
        },
        verdict=verdict,
        study_months=tuple(sorted(study)),
        member_count=len(facts.members),
        can_act=facts.can_act,
    )


def _not_applicable(result: RuleResult) -> RuleResult:
    if result.verdict == Verdict.OFF:
        return result
    return replace(result, verdict=Verdict.NA, score=0.0, overdue=False, missing=_("The group had no members to act"))


def ranked(scores: list[GroupScore], *, has_rules: bool = True) -> list[GroupScore]:
    """Sorted by total (highest first), ties in the groups' order and name.

    Standard competition ranking: equal totals share the rank (并列), the next
    rank skips (1, 1, 3), so two groups at 100.0 are both first, never first
    and second. Groups that cannot act, and all groups of a year without
    rules, get rank 0 (not ranked) and come last."""
    ordered = sorted(scores, key=lambda s: (not (has_rules and s.can_act), -s.total, s.sort_order, s.group_name))
    rankable = [s for s in ordered if has_rules and s.can_act]
    totals = [s.total for s in rankable]
    result = []
    for score in ordered:
        if not (has_rules and score.can_act):
            result.append(replace(score, rank=0, tied=False))
            continue
        rank = 1 + sum(1 for total in totals if total > score.total)
        result.append(replace(score, rank=rank, tied=totals.count(score.total) > 1))
    return result


HARD_STATES = ("failed", "due", "met", "cannot_act")


@dataclass(frozen=True)
class HardRuleCounts:
    """How many groups stand where on their hard rules: failed (a hard rule's
    deadline passed without it), due (a hard rule not met yet, deadline ahead),
    met (every hard rule met), cannot act. Every summary line reads these, so a
    summary never says "no group failed" without saying how many are still due."""

    failed: int
    due: int
    met: int
    cannot_act: int


def hard_rule_counts(groups: Iterable[GroupScore]) -> HardRuleCounts:
    states = [g.hard_state for g in groups]
    return HardRuleCounts(*(states.count(state) for state in HARD_STATES))


@dataclass(frozen=True)
class YearScores:
    year: int
    computed_for: datetime.date
    has_rules: bool
    groups: list[GroupScore]
    by_group_id: dict[int, GroupScore] = field(default_factory=dict)
    closed_on: datetime.date | None = None  # the official result of a closed year (with_official)

    @property
    def ranked_count(self) -> int:
        return sum(1 for g in self.groups if g.is_ranked)

    @property
    def hard_counts(self) -> HardRuleCounts:
        return hard_rule_counts(self.groups)


def year_scores_of(facts: list[GroupFacts], rules: list[Rule], ctx: Context) -> YearScores:
    """Every group of the year scored and ranked."""
    labels = _area_labels()
    groups = ranked([group_score(f, rules, ctx, labels) for f in facts], has_rules=bool(rules))
    return YearScores(
        year=ctx.year,
        computed_for=ctx.today,
        has_rules=bool(rules),
        groups=groups,
        by_group_id={g.group_id: g for g in groups},
    )


# --- ranks and hard-rule standing, in words (every page and export says them alike) -------


def rank_cell(rank: int | None, tied: bool) -> str:
    """A rank as a cell: "3", "1（并列）" for a shared rank, "—" when not ranked."""
    if not rank:
        return "—"
    return _("%(rank)s (tied)") % {"rank": rank} if tied else str(rank)


def rank_label(score: GroupScore, count: int) -> str:
    """The rank sentence of a scorecard, or why the group has none."""
    if not score.can_act:
        return _("Not ranked: the group had no members to act")
    if not score.is_ranked:
        return _("Not ranked: no assessment rules for the year")
    text = _("Rank %(rank)s of %(count)s groups") % {"rank": score.rank, "count": count}
    return text + (_(" (tied)") if score.tied else "")


def hard_counts_label(counts: HardRuleCounts) -> str:
    """The summary of a ranking: each standing counted, so "none failed" never
    hides the groups whose hard rules are still due."""
    return _(
        "Hard rules: %(failed)s groups failed (a deadline passed), %(due)s still due (deadline ahead), "
        "%(met)s met all; %(cannot_act)s could not act (no members)."
    ) % {"failed": counts.failed, "due": counts.due, "met": counts.met, "cannot_act": counts.cannot_act}


# --- records that count toward nothing ---------------------------------------------------


def uncounted_kinds(results: Iterable[RuleResult]) -> list[str]:
    """Activity types that the default rules leave without a rule of their own
    (a spec's `optional_kind`: 培训, 民主监督) and whose measure has no rule in force
    this year: their records are kept and shown, but count toward nothing, and the
    scorecard says so rather than letting staff believe they raised the score (issue 17)."""
    active = {r.measure for r in results if r.verdict != Verdict.OFF}
    return [spec.optional_kind for key, spec in MEASURES.items() if spec.optional_kind and key not in active]


# --- a closed year's official result --------------------------------------------------------


@dataclass(frozen=True)
class OfficialRow:
    """One group's stored official scores of a closed year (reports.models.ScoreSnapshot)."""

    group_id: int
    total: float
    rank: int
    verdict: str
    fails_hard: bool
    rules: list[dict]  # measure, value, threshold, verdict, score


def _official_rule(result: RuleResult, stored: dict | None) -> RuleResult:
    if stored is None:
        return result
    return replace(
        result,
        value=float(stored["value"]),
        threshold=float(stored["threshold"]),
        verdict=Verdict(stored["verdict"]),
        score=float(stored["score"]),
    )


def _official_group(live: GroupScore, row: OfficialRow | None, tied_ranks: set[int]) -> GroupScore:
    if row is None:  # a group added after the closing: in no official result
        return replace(live, rank=0, tied=False, live_total=live.total, official=True)
    stored = {r["measure"]: r for r in row.rules}
    rules = [_official_rule(r, stored.get(str(r.measure))) for r in live.rules]
    return replace(
        live,
        total=float(row.total),
        rank=row.rank,
        tied=row.rank in tied_ranks,
        verdict=Verdict(row.verdict),
        fails_hard=row.fails_hard,
        rules=rules,
        haves={k: area_score(k, a.label, [r for r in rules if r.have == k]) for k, a in live.haves.items()},
        carriers={k: area_score(k, a.label, [r for r in rules if r.carrier == k]) for k, a in live.carriers.items()},
        live_total=live.total,
        official=True,
    )


def with_official(live: YearScores, rows: list[OfficialRow], closed_on: datetime.date) -> YearScores:
    """A closed year states its official result, stored when it was closed, on
    every page and export; the live figure stays beside it (`live_total`),
    marked. Records edited after the closing change the live figure only."""
    by_group = {row.group_id: row for row in rows}
    ranks = [row.rank for row in rows if row.rank]
    tied_ranks = {rank for rank in ranks if ranks.count(rank) > 1}
    groups = [_official_group(g, by_group.get(g.group_id), tied_ranks) for g in live.groups]
    groups.sort(key=lambda g: (not g.is_ranked, g.rank, g.sort_order, g.group_name))
    return replace(live, groups=groups, by_group_id={g.group_id: g for g in groups}, closed_on=closed_on)


def official_label(closed_on: datetime.date | None) -> str:
    """The mark of a closed year's official result (every page and export)."""
    if closed_on is None:
        return ""
    return _("Official result of the closed year (scores judged on %(day)s)") % {"day": closed_on.isoformat()}


def live_label(score: GroupScore) -> str:
    """Today's computation beside an official total, marked, when it differs."""
    if not score.live_differs:
        return ""
    return _("live figure %(total)s (records changed since the closing)") % {"total": f"{score.live_total:.1f}"}
