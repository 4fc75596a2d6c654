"""The chairman's year-end dashboard, as one plain, JSON-ready dictionary.

The page, its print view, the JSON for wall displays, the Excel workbook and
`manage.py year_report` all state what `dashboard_data` returns, so they cannot
disagree. Figures come from reports.figures; verdicts and ranks from the
scoring engine (reports.scorecards, through `stated_scores_for`: a closed year states its official result).

Scoping: the chairman, staff and admins see every group. A group leader sees
their group's figures beside the committee's totals; in rankings and heat maps
only their own row is named (the others keep their positions, unnamed); the
attention list shows their own group only.

Cost: a fixed number of queries whatever the data (the tests pin it). The
result is kept until the records change (portal.cache, as every summary):
a change shows at once on every worker, and one worker computes it afresh while
the others wait for it; `computed_at` says when it was computed.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import asdict, replace

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from activities.carriers import ActivityKind, Have
from activities.models import Activity
from portal import cache as freshness
from portal import clock
from sectors.models import Committee, SectorGroup

from .. import figures
from ..figures import FIGURE_KEYS, HEADLINE_KEYS, Period
from ..outcome_figures import outcome_figures_for_periods
from ..score_source import scorecard_url, stated_scores_for
from ..scoring import DOCUMENT_MEASURES, day_label, hard_counts_label, official_label

CACHE_VERSION = 3  # part of the key: a change of what the dashboard states is not read from old entries


def month_keys(period: Period) -> list[str]:
    """'YYYY-MM' for every month the period touches."""
    keys, year, month = [], period.start.year, period.start.month
    while (year, month) <= (period.end.year, period.end.month):
        keys.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return keys


def _month_key(value) -> str:
    return f"{value.year:04d}-{value.month:02d}"


def activities_by_month(committee_id: int, period: Period) -> dict[str, dict[str, int]]:
    """kind → month → held activities (joint ones once), one query. Grouped by day
    in SQL and by month here: truncating dates is a function call per row on SQLite."""
    rows = (
        Activity.objects.filter(
            committee_id=committee_id,
            status=Activity.Status.HELD,
            date__gte=period.start,
            date__lte=period.end,
        )
        .values("date", "kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        counts[row["kind"]][_month_key(row["date"])] += row["n"]
    return counts


def group_month_kinds(committee_id: int, period: Period) -> dict[int, dict[str, dict[str, int]]]:
    """group → month → kind → held activities (a joint one for each of its groups), one query."""
    rows = (
        Activity.groups.through.objects.filter(
            activity__committee_id=committee_id,
            activity__status=Activity.Status.HELD,
            activity__date__gte=period.start,
            activity__date__lte=period.end,
        )
        .values("sectorgroup_id", "activity__date", "activity__kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts: dict[int, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))
    for row in rows:
        counts[row["sectorgroup_id"]][_month_key(row["activity__date"])][row["activity__kind"]] += row["n"]
    return counts


def _period_dict(period: Period, as_of=None, requested: Period | None = None) -> dict:
    label = str(requested or period)
    if as_of:
        label = _("%(period)s (as of %(day)s)") % {"period": label, "day": day_label(as_of)}
    return {"start": period.start.isoformat(), "end": period.end.isoformat(), "label": label}


def _as_of(pair: list, span) -> list:
    return [replace(f, as_of=span.as_of) for f in pair] if span.as_of else pair


# A ranking judges one assessment year's rules against that year's records. A
# from–to period that is not a calendar year (May–April) has no rules of its own:
# it shows its figures and no ranking, eight-haves grid or attention list, rather
# than another span's verdicts beside its figures. Its Excel, print, JSON and
# `year_report` state the same (they all read dashboard_data).
NOT_JUDGED = gettext_lazy(
    "Rankings, the eight haves and the attention list judge a calendar year against its rules; "
    "choose a year to see them. This period's figures are its own records."
)


def judged_year(period: Period) -> int | None:
    """The assessment year a period's ranking judges, or None (see NOT_JUDGED)."""
    return period.start.year if period.is_calendar_year else None


def _years(period: Period) -> list[int]:
    return list(range(min(clock.FIRST_YEAR, period.end.year), period.end.year + 1))


def dashboard_data(*, committee: Committee, period: Period, group: SectorGroup | None = None) -> dict:
    """Everything the dashboard states, for the committee or (a leader) one group."""
    parts = (CACHE_VERSION, committee.pk, period.start, period.end, group.pk if group else 0)
    return freshness.cached(
        "dashboard",
        (*parts, get_language(), clock.today()),
        lambda: _compute(committee=committee, period=period, group=group),
        years=_years_read(period),
    )


def _years_read(period: Period) -> list[int]:
    """The years whose records the dashboard of `period` states: the trend's (from
    FIRST_YEAR), the period's and the previous period's. A change confined to a later
    year (portal.cache) leaves it cached: last year's dashboard while this year is logged."""
    return list(range(min(_years(period)[0], period.previous().start.year), period.end.year + 1))


def _compute(*, committee: Committee, period: Period, group: SectorGroup | None) -> dict:
    today = clock.today()
    span = figures.running_span(period, today)
    requested, period, previous = period, span.shown, span.compared
    years = _years(period)
    # Two calls of non-overlapping periods: each measure is one pass over the rows.
    committee_now, committee_before = _as_of(figures.figures_for_periods(committee.pk, [period, previous]), span)
    # Each year's headline cached on its own: after a write only that year's is computed again.
    by_year = freshness.cached_by_year(
        "year-headline",
        (committee.pk, clock.today()),
        years,
        lambda missing: figures.headline_for_periods(committee.pk, [Period.year(y) for y in missing]),
    )
    if group is not None:
        own_now, own_before = _as_of(
            figures.figures_for_periods(committee.pk, [period, previous], group_id=group.pk), span
        )
    else:
        own_now, own_before = committee_now, committee_before

    outcomes_now, outcomes_before = outcome_figures_for_periods(
        committee.pk, [period, previous], today, group_id=group.pk if group else None
    )
    groups = list(
        SectorGroup.objects.filter(committee=committee, is_active=True)
        .order_by("sort_order", "id")
        .values("id", "short_name", "sort_order")
    )
    score_year = judged_year(requested)
    scores = stated_scores_for(committee.pk, score_year, today) if score_year else None
    ranked = _ranked_groups(groups, scores)
    label = _labeller(group)
    months = month_keys(period)
    per_group = group_month_kinds(committee.pk, period)
    by_month = activities_by_month(committee.pk, period)
    kinds_seen = [kind.value for kind in ActivityKind if kind.value in by_month]

    return {
        "computed_at": timezone.localtime().isoformat(timespec="seconds"),
        "committee": committee.name,
        "period": _period_dict(period, span.as_of, requested),
        "previous_period": _period_dict(previous),
        "as_of": span.as_of.isoformat() if span.as_of else None,
        "scope": {
            "group": {"id": group.pk, "name": group.short_name} if group else None,
            "others_named": group is None,
        },
        "figures": own_now.as_dict(),
        "previous_figures": own_before.as_dict(),
        "committee_figures": committee_now.as_dict(),
        "committee_previous_figures": committee_before.as_dict(),
        "outcomes": {"now": outcomes_now, "previous": outcomes_before},
        "figure_keys": list(FIGURE_KEYS),
        "headline_keys": list(HEADLINE_KEYS),
        "activities_by_month": {
            "months": months,
            "kinds": kinds_seen,
            "counts": {kind: [by_month[kind].get(m, 0) for m in months] for kind in kinds_seen},
        },
        "years": {
            "years": years,
            "series": {key: [f[key] for f in by_year] for key in HEADLINE_KEYS},
            # This year's column counts up to today only: said wherever it is shown.
            "as_of": today.isoformat() if today.year in years and today < datetime.date(today.year, 12, 31) else None,
        },
        "score_year": score_year,
        "ranking_note": "" if score_year else str(NOT_JUDGED),
        "has_rules": bool(scores and scores.has_rules),
        "official_closed_on": scores.closed_on.isoformat() if scores and scores.closed_on else None,
        "official_note": official_label(scores.closed_on) if scores else "",
        "hard_counts": asdict(scores.hard_counts) if scores else None,
        "hard_summary": hard_counts_label(scores.hard_counts) if scores and scores.has_rules else "",
        "rankings": [_ranking_row(row, label) for row in ranked],
        "haves": [h.value for h in Have],
        "study_months": {
            "months": months,
            "rows": [
                {
                    **label(row),
                    "counts": [per_group.get(row["id"], {}).get(m, {}).get(ActivityKind.STUDY, 0) for m in months],
                }
                for row in ranked
            ],
        },
        "group_months": {
            "months": months,
            "rows": [
                {**label(row), "counts": [sum(per_group.get(row["id"], {}).get(m, {}).values()) for m in months]}
                for row in ranked
            ],
        },
        "attention": [
            _attention(row, score_year)
            for row in ranked
            if _needs_attention(row) and (group is None or row["id"] == group.pk)
        ],
    }


def _ranked_groups(groups: list[dict], scores) -> list[dict]:
    """The committee's active groups in the order of the scores' ranks, with their scores."""
    rows = []
    for g in groups:
        score = scores.by_group_id.get(g["id"]) if scores else None
        rows.append({**g, "score": score})
    rows.sort(key=lambda r: (r["score"].rank if r["score"] and r["score"].rank else 10_000, r["sort_order"], r["id"]))
    return rows


def _labeller(group: SectorGroup | None):
    """Names a row, or (for a leader, another group) leaves it unnamed."""

    def label(row: dict) -> dict:
        named = group is None or row["id"] == group.pk
        return {
            "group_id": row["id"] if named else None,
            "group": row["short_name"] if named else None,
            "own": group is not None and row["id"] == group.pk,
            "rank": row["score"].rank or None if row["score"] else None,
            "tied": bool(row["score"] and row["score"].tied),
            "can_act": bool(row["score"] is None or row["score"].can_act),
        }

    return label


def _verdict(value) -> str:
    return str(getattr(value, "value", value))


def _ranking_row(row: dict, label) -> dict:
    score = row["score"]
    data = label(row)
    if score is None:
        return {**data, "total": None, "verdict": "na", "fails_hard": False, "hard_state": None, "haves": {}}
    return {
        **data,
        "total": round(float(score.total), 1) if score.is_ranked else None,
        "verdict": _verdict(score.verdict),
        "fails_hard": bool(score.fails_hard),
        "hard_state": score.hard_state,
        "live_total": round(float(score.live_total), 1) if score.live_total is not None else None,
        "haves": {key: _verdict(area.verdict) for key, area in score.haves.items()},
    }


# What the attention list names: a hard rule not met (no consultation meeting
# yet, no duty-report meeting by year end) and a plan or summary overdue. Other
# unmet rules are on the group's scorecard, one click away.


def _attention_rules(score) -> list:
    def noted(rule) -> bool:
        hard_missed = rule.is_hard and _verdict(rule.verdict) == "not_met"
        return hard_missed or (rule.overdue and rule.measure in DOCUMENT_MEASURES)

    return [rule for rule in score.rules if noted(rule)]


def _needs_attention(row: dict) -> bool:
    return row["score"] is not None and bool(_attention_rules(row["score"]))


def _attention(row: dict, year: int) -> dict:
    score = row["score"]
    items = [
        {
            "measure": str(rule.measure),
            "label": str(rule.label),
            "missing": str(rule.missing),
            "hard": bool(rule.is_hard),
            "overdue": bool(rule.overdue),
            "deadline": rule.deadline.isoformat() if rule.deadline else None,
        }
        for rule in _attention_rules(score)
    ]
    return {
        "group_id": row["id"],
        "group": row["short_name"],
        "rank": score.rank,
        "url": scorecard_url(row["id"], year),
        "items": items,
    }
