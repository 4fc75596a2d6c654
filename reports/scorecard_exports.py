"""Scorecards as Excel sheets (written by portal.spreadsheets: formula-safe cells)."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _

from activities.carriers import Have
from portal.spreadsheets import Sheet

from .dashboard_tables import verdict_label
from .scorecards import Scorecard
from .scoring import (
    GroupScore,
    RuleResult,
    YearScores,
    hard_counts_label,
    live_label,
    official_label,
    rank_cell,
    rank_label,
)


def _value(rule: RuleResult) -> str:
    return f"{rule.value:g}{rule.unit}"


def _caption(score: GroupScore, year: int, group_count: int, closed_on=None) -> list[str]:
    lines = [
        _("Scorecard of %(group)s for %(year)s") % {"group": score.group_name, "year": year},
        _("Total %(total)s, %(rank)s: %(verdict)s")
        % {"total": score.total, "rank": rank_label(score, group_count), "verdict": verdict_label(score.verdict)},
    ]
    return lines + [text for text in (official_label(closed_on), live_label(score)) if text]


def scorecard_sheets(card: Scorecard, heading: Sequence[str] = ()) -> list[Sheet]:
    """The scorecard's workbook; `heading` (the committee, who exported it when) tops the first sheet.
    Values, thresholds, weights and scores are numbers; a share's unit (%) has a column of its own."""
    score = card.score
    rules = Sheet(
        title=_("Rules"),
        headers=[
            _("have"),
            _("carrier"),
            _("rule"),
            _("value"),
            _("threshold"),
            _("unit"),
            _("weight"),
            _("hard rule"),
            _("deadline"),
            _("verdict"),
            _("score"),
            _("still missing"),
        ],
        rows=[
            [
                r.have_label,
                r.carrier_label,
                r.label,
                r.value,
                r.threshold,
                r.unit,
                r.weight,
                _("yes") if r.is_hard else "",
                r.deadline,
                verdict_label(r.verdict),
                r.score,
                r.missing,
            ]
            for r in score.rules
        ],
        caption=[*heading, *_caption(score, card.year, card.group_count, card.scores.closed_on)],
    )
    evidence = Sheet(
        title=_("Evidence"),
        headers=[_("rule"), _("date"), _("record")],
        rows=[[r.label, e.date, e.label] for r in score.rules for e in r.evidence],
    )
    members = Sheet(
        title=_("Members"),
        headers=[
            _("Name"),
            _("Role"),
            _("attendance rate (%)"),
            _("present"),
            _("on leave"),
            _("absent"),
            _("not recorded"),
            _("distinct constituents"),
            _("Public-opinion reports"),
            _("Proposals"),
            _("duty reports"),
            _("belongs on %(day)s") % {"day": card.reference_day.isoformat()},
        ],
        rows=[
            [
                m.year.member.name,
                m.year.membership.get_role_display(),
                m.year.rate,
                m.year.present,
                m.year.leave,
                m.year.absent,
                m.year.unrecorded,
                m.year.constituents,
                m.year.opinion_reports,
                m.year.proposals,
                m.year.duty_reports,
                _("yes") if m.year.belongs_on else _("no"),
            ]
            for m in card.members
        ],
    )
    return [rules, evidence, members]


def list_sheets(scores: YearScores) -> list[Sheet]:
    haves = list(Have)
    return [
        Sheet(
            title=_("Scorecards %(year)s") % {"year": scores.year},
            headers=[
                _("rank"),
                _("Sector group"),
                _("total"),
                _("live figure"),
                _("verdict"),
                _("hard rules missed"),
                *[h.label for h in haves],
            ],
            rows=[
                [
                    rank_cell(g.rank, g.tied),
                    g.group_name,
                    g.total,
                    g.live_total if g.live_differs else "",
                    verdict_label(g.verdict),
                    "、".join(r.label for r in g.hard_failures),
                    *[verdict_label(g.haves[h.value].verdict) for h in haves],
                ]
                for g in scores.groups
            ],
            caption=[
                _("Judged on %(day)s") % {"day": scores.computed_for.isoformat()},
                hard_counts_label(scores.hard_counts),
                *([official_label(scores.closed_on)] if scores.closed_on else []),
            ],
        )
    ]
