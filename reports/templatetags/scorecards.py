"""Small pieces of scorecard markup, made in Python: the scorecard and the
29-group list repeat them hundreds of times, where a template include per
badge would cost more than the scoring itself."""

from __future__ import annotations

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..scoring import (
    EVIDENCE_SHOWN,
    GroupScore,
    RuleResult,
    Verdict,
    live_label,
    month_label,
    number,
    rank_cell,
    rank_label,
)

register = template.Library()

_ICONS = {
    Verdict.MET: "bi-check-circle-fill",
    Verdict.PARTLY: "bi-dash-circle-fill",
    Verdict.NOT_MET: "bi-x-circle-fill",
}


@register.simple_tag
def verdict_badge(verdict: str) -> str:
    """A coloured verdict label: green met, amber partly met, red not met, grey off / not applicable."""
    verdict = Verdict(verdict)
    icon = _ICONS.get(verdict)
    if icon:
        return format_html(
            '<span class="vbadge verdict-{}"><i class="bi {}"></i> {}</span>', verdict, icon, verdict.label
        )
    return format_html('<span class="vbadge verdict-{}">{}</span>', verdict, verdict.label)


@register.simple_tag
def rule_ratio(rule: RuleResult) -> str:
    """ "value / threshold", e.g. "2 / 1" or "60% / 80%"."""
    return f"{number(rule.value)}{rule.unit} / {number(rule.threshold)}{rule.unit}"


@register.simple_tag
def have_dots(score: GroupScore) -> str:
    """The eight haves of a group as eight coloured dots, each titled with its name and score."""
    return format_html_join(
        "",
        '<span class="have-dot verdict-{}" title="{}: {}"></span>',
        (
            (area.verdict, area.label, "—" if area.verdict == Verdict.NA else f"{area.score:.0f}%")
            for area in score.haves.values()
        ),
    )


@register.simple_tag
def deadline_badge(rule: RuleResult) -> str:
    if rule.overdue:
        return format_html('<span class="badge deadline-badge text-bg-danger">{}</span>', _("overdue"))
    return format_html('<span class="badge deadline-badge text-bg-light border">{}</span>', deadline_text(rule))


@register.simple_tag
def deadline_text(rule: RuleResult) -> str:
    return _("by %(day)s") % {"day": rule.deadline_label} if rule.deadline else rule.deadline_label


@register.simple_tag
def evidence_links(rule: RuleResult) -> str:
    """The first records that count toward a rule, as links, then how many more."""
    links = format_html_join(
        " · ",
        '<a href="{}">{}{}</a>',
        ((e.url, f"{e.date:%m-%d} " if e.date else "", e.label) for e in rule.evidence[:EVIDENCE_SHOWN]),
    )
    if not rule.more_evidence:
        return links
    more = ngettext("and %(n)s more", "and %(n)s more", rule.more_evidence) % {"n": rule.more_evidence}
    return format_html('{} <span class="text-muted">{}</span>', links, more)


@register.simple_tag
def month_name(month: int) -> str:
    """Jan … Dec in English, 1月 … 12月 in Chinese (the month strips)."""
    return month_label(month)


@register.simple_tag
def rank_text(score: GroupScore, count: int) -> str:
    """ "Rank 1 of 29 groups (tied)", or why the group is not ranked (reports.scoring.rank_label)."""
    return rank_label(score, count)


@register.simple_tag
def rank_short(score: GroupScore) -> str:
    return rank_cell(score.rank, score.tied)


@register.simple_tag
def live_text(score: GroupScore) -> str:
    """Beside a closed year's official total: today's figure, marked, when it differs."""
    return live_label(score)
