"""Small pieces of scorecard markup, made in Python: the scorecard and the
29-group list repeat them hundreds of times, where a template include per
badge would cost more than the scoring itself."""

from __future__ import annotations

from html import escape

from django import template
from django.template.defaultfilters import floatformat
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal.paging import url_maker

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


def _e(value) -> str:
    """html.escape of the value as text (Django's escape wraps every call for lazy strings)."""
    return escape(str(value))


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
    label = _e(verdict.label)  # plain strings, not format_html: a scorecard draws forty of them
    if icon:
        return mark_safe(f'<span class="vbadge verdict-{_e(verdict)}"><i class="bi {icon}"></i> {label}</span>')  # noqa: S308
    return mark_safe(f'<span class="vbadge verdict-{_e(verdict)}">{label}</span>')  # noqa: S308


@register.simple_tag
def rule_ratio(rule: RuleResult) -> str:
    """ "value / threshold", e.g. "2 / 1" or "60% / 80%"."""
    return f"{number(rule.value)}{rule.unit} / {number(rule.threshold)}{rule.unit}"


@register.simple_tag
def have_dots(score: GroupScore) -> str:
    """The eight haves of a group as eight coloured dots, each titled with its name and score
    (plain strings: 29 groups draw 232 of them)."""
    return mark_safe(  # noqa: S308 - every value escaped
        "".join(
            f'<span class="have-dot verdict-{_e(area.verdict)}" '
            f'title="{_e(area.label)}: {"—" if area.verdict == Verdict.NA else f"{area.score:.0f}%"}"></span>'
            for area in score.haves.values()
        )
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
    links = " · ".join(
        f'<a href="{_e(e.url)}">{_e(f"{e.date:%m-%d} ") if e.date else ""}{_e(e.label)}</a>'
        for e in rule.evidence[:EVIDENCE_SHOWN]
    )
    if rule.more_evidence:
        more = ngettext("and %(n)s more", "and %(n)s more", rule.more_evidence) % {"n": rule.more_evidence}
        links += f' <span class="text-muted">{_e(more)}</span>'
    return mark_safe(links)  # noqa: S308 - every value escaped


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


def _rule_item(rule: RuleResult, labels: dict[str, str]) -> str:
    hard = f' <span class="badge text-bg-danger">{labels["hard"]}</span>' if rule.is_hard else ""
    counted = ""
    if rule.members_counted:
        members = ngettext("of %(n)s member", "of %(n)s members", rule.members_counted) % {"n": rule.members_counted}
        counted = f" · {_e(members)}"
    lines = [
        f'<li class="list-group-item rule-row" data-measure="{_e(rule.measure)}">',
        '<div class="d-flex flex-wrap justify-content-between gap-2">',
        f'<span class="fw-semibold">{_e(rule.label)}{hard}</span>',
        '<span class="text-nowrap">',
        f'<span class="rule-value">{_e(rule_ratio(rule))}</span>',
        verdict_badge(rule.verdict),
        "</span>",
        "</div>",
        f'<div class="small text-muted">{labels["deadline"]}: {_e(rule.deadline_label)}{counted}</div>',
    ]
    if rule.missing:
        overdue = " overdue" if rule.overdue else ""
        lines.append(
            f'<div class="rule-missing{overdue}"><i class="bi bi-exclamation-triangle"></i> {_e(rule.missing)}</div>'
        )
    if rule.evidence:
        lines.append(f'<div class="small evidence">{labels["evidence"]}: {evidence_links(rule)}</div>')
    lines.append("</li>")
    return "\n".join(lines)


@register.simple_tag
def score_area(area) -> SafeString:
    """One have or carrier as a folded card: its score and verdict, then each rule with its
    ratio, deadline, what is missing and the records that count. Written here rather than
    by a template included fourteen times with a loop of a dozen tags a rule (every value
    escaped, hence safe)."""
    labels = {"hard": _e(_("hard rule")), "deadline": _e(_("Deadline")), "evidence": _e(_("Evidence"))}
    score = "—" if area.verdict == Verdict.NA else f"{floatformat(area.score, '0')}<small>%</small>"
    count = ngettext("%(n)s rule", "%(n)s rules", len(area.rules)) % {"n": len(area.rules)}
    rules = "".join(_rule_item(rule, labels) for rule in area.rules) or (
        f'<li class="list-group-item text-muted small">{_e(_("No rule counts toward it this year."))}</li>'
    )
    return mark_safe(  # noqa: S308
        f'<div class="col">\n<details class="area-card verdict-{_e(area.verdict)} h-100" data-area="{_e(area.key)}">'
        f'\n<summary>\n<div class="area-label">{_e(area.label)}</div>\n<div class="area-score">{score}</div>\n'
        f"{verdict_badge(area.verdict)}\n"
        f'<span class="small text-muted ms-1">{_e(count)}</span>\n</summary>\n'
        f'<ul class="list-group list-group-flush mt-2">\n{rules}\n</ul>\n</details>\n</div>\n'
    )


def _member_row(row, year: int, link, labels: dict[str, str]) -> str:
    m = row.year
    left = f" <small>({labels['left']})</small>" if not m.belongs_on else ""
    present = _("present at %(p)s of %(c)s") % {"p": m.present, "c": m.counted}
    rate = "—" if m.rate is None else f"{floatformat(m.rate, '1')}%"
    duty = f'<i class="bi bi-check-lg text-success"></i> {labels["reported"]}' if m.duty_reports else labels["not_yet"]
    return (
        f'<tr class="{"" if m.belongs_on else "text-muted"}" data-member="{m.member.pk}">\n'
        f'<td><a href="{_e(link(m.member.pk))}?year={year}">{_e(m.member.name)}</a>{left}</td>\n'
        f"<td>{_e(m.membership.get_role_display())}</td>\n"
        f'<td class="text-end" title="{_e(present)}">{rate} '
        f'<small class="text-muted">({m.present}/{m.counted})</small></td>\n'
        f'<td class="text-end">{m.leave}</td>\n<td class="text-end">{m.absent}</td>\n'
        f'<td class="text-end text-muted">{m.unrecorded}</td>\n'
        f'<td class="text-end{" below-rule" if row.short_of_constituents else ""}">{m.constituents}</td>\n'
        f'<td class="text-end">{m.opinion_reports}</td>\n<td class="text-end">{m.proposals}</td>\n'
        f'<td class="{"below-rule" if row.not_reported else ""}">{duty}</td>\n</tr>\n'
    )


@register.simple_tag
def scorecard_member_rows(rows, year: int) -> SafeString:
    """The scorecard's members table: each member's attendance, constituents, reports and
    duty report, the ones below a rule marked (every value escaped, hence safe)."""
    labels = {"left": _e(_("left the group")), "reported": _e(_("reported")), "not_yet": _e(_("not yet"))}
    link = url_maker("member_detail")
    return mark_safe("".join(_member_row(row, year, link, labels) for row in rows))  # noqa: S308
