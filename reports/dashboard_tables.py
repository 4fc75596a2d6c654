"""The dashboard's data (reports.selectors.dashboard.dashboard_data) as labelled
tables and chart series: the page's table views, its charts, the print view and
the Excel workbook are all built here, from the same dictionary."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from html import escape

from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy

from activities.carriers import ActivityKind, Have
from portal.spreadsheets import Sheet

from .figures import FIGURE_KEYS, FIGURE_LABELS, HEADLINE_KEYS
from .outcome_figures import outcome_rows
from .scoring import Verdict, day_label, rank_cell

# A row's or column's sum of counts is 合计 (a sum), never 总分 (a score's total,
# which "Total" means on the scorecards): a word of its own.
SUM = pgettext_lazy("sum of counts", "Total")

# Cell marks that read without colour (printed in black and white).
VERDICT_MARKS = {"met": "✓", "partly": "◐", "not_met": "✗", "off": "–", "na": "–"}
VERDICT_LEVEL = {"met": 2, "partly": 1, "not_met": 0}


@dataclass(frozen=True)
class Table:
    title: str
    headers: list[str]
    rows: list[list]

    def html(self) -> str:
        """The table's markup, built once here: a template loop would localise and
        escape each of the ~2,000 cells one by one (most of the page's render time)."""
        head = "".join(f'<th scope="col">{escape(str(h))}</th>' for h in self.headers)
        body = "".join(
            "<tr>"
            + "".join(
                (f'<th scope="row">{_text(c)}</th>' if i == 0 else f"<td>{_text(c)}</td>") for i, c in enumerate(row)
            )
            + "</tr>"
            for row in self.rows
        )
        return mark_safe(  # noqa: S308 (every cell is escaped above)
            '<div class="table-responsive"><table class="table table-sm table-bordered dash-table mb-0">'
            f'<caption class="visually-hidden">{escape(str(self.title))}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
        )


def _text(cell) -> str:
    """A cell as escaped text (html.escape: Django's escape adds a lazy-string wrapper per call)."""
    return "–" if cell is None else escape(str(cell))


def group_label(row: dict) -> str:
    if row.get("group"):
        return row["group"]
    if row.get("rank"):
        return _("Group ranked %(rank)s (not named)") % {"rank": row["rank"]}
    return _("Another group (not named)")


HARD_STATE_LABELS = {
    "failed": pgettext_lazy("hard rules", "Failed: a deadline passed"),
    "due": pgettext_lazy("hard rules", "Due: deadline ahead"),
    "met": pgettext_lazy("hard rules", "Met"),
    "cannot_act": pgettext_lazy("hard rules", "Could not act: no members"),
}


def ranking_verdict(row: dict) -> str:
    if not row.get("can_act", True):
        return str(HARD_STATE_LABELS["cannot_act"])
    return verdict_label(row["verdict"])


def verdict_label(code: str) -> str:
    try:
        return str(Verdict(code).label)
    except ValueError:
        return code


def _change(value: int) -> str:
    return f"+{value}" if value > 0 else str(value)


def headline(data: dict) -> list[dict]:
    rows = []
    for key in HEADLINE_KEYS:
        now, before = data["figures"][key], data["previous_figures"][key]
        rows.append(
            {
                "key": key,
                "label": str(FIGURE_LABELS[key]),
                "value": now,
                "previous": before,
                "change": now - before,
                "change_text": _change(now - before),
                "committee": data["committee_figures"][key],
            }
        )
    return rows


def figures_table(data: dict) -> Table:
    leader = data["scope"]["group"] is not None
    # No English key column: the JSON carries the keys; people read the labels.
    headers = [_("Figure"), _("This period"), _("Previous period"), pgettext("figure", "Change")]
    if leader:
        headers.append(_("Committee total"))
    rows = []
    for key in FIGURE_KEYS:
        now, before = data["figures"][key], data["previous_figures"][key]
        row = [str(FIGURE_LABELS[key]), now, before, now - before]
        if leader:
            row.append(data["committee_figures"][key])
        rows.append(row)
    return Table(_("Figures"), headers, rows)


def outcomes_table(data: dict) -> Table | None:
    """What became of proposals, reports and consultations (reports.outcome_figures);
    None for data cached before these figures existed."""
    outcomes = data.get("outcomes")
    if outcomes is None:
        return None
    headers = [_("Figure"), _("This period"), _("Previous period")]
    return Table(_("Outcomes"), headers, outcome_rows(outcomes["now"], outcomes["previous"]))


def months_table(data: dict) -> Table:
    by_month = data["activities_by_month"]
    rows = [
        [str(ActivityKind(kind).label), *by_month["counts"][kind], sum(by_month["counts"][kind])]
        for kind in by_month["kinds"]
    ]
    totals = [sum(col) for col in zip(*(by_month["counts"][k] for k in by_month["kinds"]), strict=True)]
    if rows:
        rows.append([_("All types"), *totals, sum(totals)])
    return Table(
        _committee_wide(data, _("Activities per month by type")), [_("Type"), *by_month["months"], str(SUM)], rows
    )


def ranking_table(data: dict) -> Table:
    rows = [
        [
            rank_cell(row["rank"], row.get("tied", False)),
            group_label(row),
            row["total"],
            ranking_verdict(row),
            HARD_STATE_LABELS.get(row.get("hard_state") or "", ""),
        ]
        for row in data["rankings"]
    ]
    headers = [_("Rank"), _("Group"), _("Score"), _("Verdict"), _("Hard rules")]
    if data.get("official_closed_on"):  # a closed year: the official score, today's figure beside it, marked
        headers.append(_("Live figure (records changed since the closing)"))
        for row, source in zip(rows, data["rankings"], strict=True):
            live = source.get("live_total")
            row.append(live if live is not None and live != source["total"] else "")
    return Table(_("Groups ranked by score"), headers, rows)


def haves_table(data: dict) -> Table:
    haves = data["haves"]
    rows = [[group_label(row), *(verdict_label(row["haves"].get(h, "na")) for h in haves)] for row in data["rankings"]]
    return Table(_("The eight haves by group"), [_("Group"), *(str(Have(h).label) for h in haves)], rows)


def study_table(data: dict) -> Table:
    study = data["study_months"]
    rows = [[group_label(row), *row["counts"], sum(row["counts"])] for row in study["rows"]]
    return Table(_("Study sessions by group and month"), [_("Group"), *study["months"], str(SUM)], rows)


def group_months_table(data: dict) -> Table:
    months = data["group_months"]
    rows = [[group_label(row), *row["counts"], sum(row["counts"])] for row in months["rows"]]
    return Table(_("Activities by group and month"), [_("Group"), *months["months"], str(SUM)], rows)


def years_table(data: dict) -> Table:
    years = data["years"]
    rows = [
        [year_label(year, years.get("as_of")), *(years["series"][key][i] for key in HEADLINE_KEYS)]
        for i, year in enumerate(years["years"])
    ]
    title = _committee_wide(data, _("Headline figures by year since 2019"))
    return Table(title, [_("Year"), *(str(FIGURE_LABELS[k]) for k in HEADLINE_KEYS)], rows)


def year_label(year: int, as_of: str | None) -> str:
    """A year, or "2026 (as of 12月4日)" for the year still running."""
    if as_of and int(as_of[:4]) == year:
        return _("%(period)s (as of %(day)s)") % {"period": year, "day": day_label(datetime.date.fromisoformat(as_of))}
    return str(year)


def _committee_wide(data: dict, title: str) -> str:
    """A leader's page says which charts count every group (the committee's totals)."""
    return _("%(title)s (all groups)") % {"title": title} if data["scope"]["group"] else title


def charts(data: dict) -> dict:
    """The series the page's charts draw (static/js/dashboard.js), labels translated."""
    by_month = data["activities_by_month"]
    haves = data["haves"]
    ranking = data["rankings"]
    years = data["years"]
    return {
        "months": {
            "categories": by_month["months"],
            "series": [
                {"name": str(ActivityKind(kind).label), "data": by_month["counts"][kind]} for kind in by_month["kinds"]
            ],
        },
        "ranking": {
            "categories": [group_label(row) for row in ranking],
            "values": [row["total"] for row in ranking],
            "own": [row["own"] for row in ranking],
        },
        "haves": {
            "rows": [group_label(row) for row in ranking],
            "columns": [str(Have(h).label) for h in haves],
            "cells": [
                [c, r, VERDICT_LEVEL.get(row["haves"].get(h, "na")), VERDICT_MARKS[row["haves"].get(h, "na")]]
                for r, row in enumerate(ranking)
                for c, h in enumerate(haves)
            ],
            "legend": [verdict_label(v) + " " + VERDICT_MARKS[v] for v in ("not_met", "partly", "met")],
        },
        "study": {
            "rows": [group_label(row) for row in data["study_months"]["rows"]],
            "columns": data["study_months"]["months"],
            "cells": [
                [c, r, n] for r, row in enumerate(data["study_months"]["rows"]) for c, n in enumerate(row["counts"])
            ],
        },
        "years": {
            "categories": [year_label(y, years.get("as_of")) for y in years["years"]],
            "series": [
                {"name": str(FIGURE_LABELS[key]), "data": years["series"][key]}
                for key in ("study_sessions", "workstations", "consultation_meetings", "duty_report_groups")
            ],
        },
    }


def page_context(data: dict) -> dict:
    return {
        "data": data,
        "headline": headline(data),
        "figures_table": figures_table(data),
        "outcomes_table": outcomes_table(data),
        "months_table": months_table(data),
        "ranking_table": ranking_table(data),
        "haves_table": haves_table(data),
        "study_table": study_table(data),
        "years_table": years_table(data),
        "charts": charts(data),
        "leader_scope": data["scope"]["group"] is not None,
        "computed_at_text": data["computed_at"][:19].replace("T", " "),
    }


def export_filename(data: dict) -> str:
    period = data["period"]
    return _("Sector work %(start)s to %(end)s") % {"start": period["start"], "end": period["end"]}


def dashboard_sheets(data: dict) -> list[Sheet]:
    """The Excel workbook: figures, rankings, the eight haves, counts by group and month."""
    caption = [
        data["committee"],
        _("Period: %(label)s, %(start)s to %(end)s") % data["period"],
        _("Figures computed at %(time)s") % {"time": data["computed_at"]},
    ]
    if data["scope"]["group"]:
        caption.append(_("Group: %(name)s; other groups are not named.") % {"name": data["scope"]["group"]["name"]})
    if data.get("ranking_note"):
        caption.append(data["ranking_note"])
    if data.get("official_note"):
        caption.append(data["official_note"])
    elif data.get("hard_summary"):
        caption.append(data["hard_summary"])
    figures_sheet = figures_table(data)
    bulletin_rows = [[_("Chinese"), data["figures"]["bulletin_zh"]], [_("English"), data["figures"]["bulletin_en"]]]
    judged = [ranking_table(data), haves_table(data)] if data["has_rules"] else []
    tables = [*judged, group_months_table(data), months_table(data), study_table(data)]
    if outcomes := outcomes_table(data):
        tables.append(outcomes)
    return [
        Sheet(figures_sheet.title, figures_sheet.headers, figures_sheet.rows, caption),
        Sheet(_("Bulletin"), [_("Language"), _("Text")], bulletin_rows, caption),
        *(Sheet(t.title, t.headers, t.rows, caption) for t in tables),
    ]
