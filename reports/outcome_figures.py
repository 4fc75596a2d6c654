"""The outcome figures (issue 22): what became of proposals, opinion reports
and consultation meetings, for any period, by the rules of reports.figures
(both ends included; an unfinished year is counted up to today, "截至…",
by the dashboard's running span).

Each figure counts in the period its event happened:
- 立案率 (acceptance rate): of the proposals submitted in the period and
  decided, the share accepted (accepted, then assigned, answered or closed);
- 答复率 (answer rate): of the answers due in the period, the share given by
  the period's end; answers count in the period of `answered_on`; overdue
  answers are those due in the period, before today, still not given;
- satisfaction shares: the proposals answered in the period, by the
  proposer's satisfaction; implementation shares (A/B/C/D): by the period of
  `implemented_on`;
- adoptions by level: the ladder's rungs (OpinionAdoption) by `adopted_on`, so
  a report adopted by the city in one year and the province the next counts
  once in each year, at its level;
- 批示 (leaders' instructions): by `dated`, by level;
- consultation outcomes: by the meeting's date; responses by their date.

Cost: four queries (QUERIES) whatever the number of periods, each a
conditional aggregate per period, like reports.figures.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.db.models import Count, F, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from activities.carriers import ActivityKind
from activities.models import (
    ACCEPTED_STATES,
    AdoptionLevel,
    ConsultationOutcome,
    Instruction,
    InstructionLevel,
    OpinionAdoption,
    Proposal,
)

from .figures import Period

QUERIES = 4
SATISFACTION = list(Proposal.Satisfaction.values)
IMPLEMENTATION = list(Proposal.Implementation.values)
LEVELS = list(AdoptionLevel.values)
INSTRUCTION_LEVELS = list(InstructionLevel.values)


def _within(period: Period, path: str) -> Q:
    return Q(**{f"{path}__gte": period.start, f"{path}__lte": period.end})


def _aggregate(queryset, periods: Sequence[Period], measures: dict[str, Q], distinct: bool = False) -> list[dict]:
    """Each measure (a condition, given the period) counted per period, in one query."""
    names = {
        f"{name}__{i}": Count("id", filter=condition(period), distinct=distinct)
        for i, period in enumerate(periods)
        for name, condition in measures.items()
    }
    row = queryset.aggregate(**names)
    return [{name: row[f"{name}__{i}"] for name in measures} for i in range(len(periods))]


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _proposal_measures(today: datetime.date) -> dict:
    due = "answer_due"
    measures = {
        "proposals": lambda p: _within(p, "submitted_on"),
        "decided": lambda p: _within(p, "submitted_on") & ~Q(status=Proposal.Status.SUBMITTED),
        "accepted": lambda p: _within(p, "submitted_on") & Q(status__in=ACCEPTED_STATES),
        "answers_due": lambda p: _within(p, due),
        "answered_of_due": lambda p: _within(p, due) & Q(answered_on__lte=p.end),
        "overdue": lambda p: _within(p, due) & Q(answer_due__lt=today, answered_on__isnull=True),
        "answers": lambda p: _within(p, "answered_on"),
        "answered_late": lambda p: _within(p, "answered_on") & Q(answered_on__gt=F("answer_due")),
    }
    measures |= {f"sat_{c}": (lambda p, c=c: _within(p, "answered_on") & Q(satisfaction=c)) for c in SATISFACTION}
    measures |= {
        f"imp_{c}": (lambda p, c=c: _within(p, "implemented_on") & Q(implementation=c)) for c in IMPLEMENTATION
    }
    return measures


def outcome_figures_for_periods(
    committee_id: int, periods: Sequence[Period], today: datetime.date, group_id: int | None = None
) -> list[dict]:
    """The outcome figures of each period: the committee's, or one group's."""
    periods = list(periods)
    group = {} if group_id is None else {"group_id": group_id}
    proposals = Proposal.objects.filter(committee_id=committee_id, **group)
    rungs = OpinionAdoption.objects.filter(report__committee_id=committee_id)
    instructions = Instruction.objects.filter(
        Q(report__committee_id=committee_id) | Q(proposal__committee_id=committee_id)
    )
    outcomes = ConsultationOutcome.objects.filter(
        activity__committee_id=committee_id, activity__kind=ActivityKind.CONSULTATION
    )
    if group_id is not None:
        rungs = rungs.filter(report__group_id=group_id)
        instructions = instructions.filter(Q(report__group_id=group_id) | Q(proposal__group_id=group_id))
        outcomes = outcomes.filter(activity__groups__id=group_id)
    by_proposal = _aggregate(proposals, periods, _proposal_measures(today))
    by_rung = _aggregate(
        rungs, periods, {lvl: (lambda p, lvl=lvl: _within(p, "adopted_on") & Q(level=lvl)) for lvl in LEVELS}
    )
    by_instruction = _aggregate(
        instructions,
        periods,
        {
            **{lvl: (lambda p, lvl=lvl: _within(p, "dated") & Q(level=lvl)) for lvl in INSTRUCTION_LEVELS},
            "on_reports": lambda p: _within(p, "dated") & Q(report__isnull=False),
        },
    )
    by_outcome = _aggregate(
        outcomes,
        periods,
        {"suggestions": lambda p: _within(p, "activity__date"), "responses": lambda p: _within(p, "responded_on")},
        distinct=group_id is not None,
    )
    return [_figures(by_proposal[i], by_rung[i], by_instruction[i], by_outcome[i]) for i in range(len(periods))]


def _figures(proposals: dict, rungs: dict, instructions: dict, outcomes: dict) -> dict:
    satisfaction = {c: proposals[f"sat_{c}"] for c in SATISFACTION}
    implementation = {c: proposals[f"imp_{c}"] for c in IMPLEMENTATION}
    rated, graded = sum(satisfaction.values()), sum(implementation.values())
    by_level = {lvl: instructions[lvl] for lvl in INSTRUCTION_LEVELS}
    return {
        "proposals": proposals["proposals"],
        "proposals_decided": proposals["decided"],
        "proposals_accepted": proposals["accepted"],
        "acceptance_rate": _share(proposals["accepted"], proposals["decided"]),
        "answers_due": proposals["answers_due"],
        "answered_of_due": proposals["answered_of_due"],
        "answer_rate": _share(proposals["answered_of_due"], proposals["answers_due"]),
        "answers": proposals["answers"],
        "answers_overdue": proposals["overdue"],
        "answered_late": proposals["answered_late"],
        "satisfaction": satisfaction,
        "satisfaction_shares": {c: _share(n, rated) for c, n in satisfaction.items()},
        "implementation": implementation,
        "implementation_shares": {c: _share(n, graded) for c, n in implementation.items()},
        "adoptions_by_level": dict(rungs),
        "adoptions": sum(rungs.values()),
        "instructions_by_level": by_level,
        "instructions": sum(by_level.values()),
        "instructions_on_reports": instructions["on_reports"],
        "consultation_suggestions": outcomes["suggestions"],
        "consultation_responses": outcomes["responses"],
    }


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{value:g}%"


ROW_LABELS = {
    "proposals": gettext_lazy("Proposals submitted"),
    "proposals_accepted": gettext_lazy("Proposals accepted (立案)"),
    "acceptance_rate": gettext_lazy("Acceptance rate"),
    "answers_due": gettext_lazy("Answers due"),
    "answer_rate": gettext_lazy("Answer rate"),
    "answers": gettext_lazy("Answers given"),
    "answers_overdue": gettext_lazy("Answers overdue"),
    "answered_late": gettext_lazy("Answers given late"),
    "adoptions": gettext_lazy("Adoptions (all levels)"),
    "instructions": gettext_lazy("Leaders' instructions (批示)"),
    "consultation_suggestions": gettext_lazy("Consultation suggestions"),
    "consultation_responses": gettext_lazy("Responses to consultation suggestions"),
}
RATES = {"acceptance_rate", "answer_rate"}


def outcome_rows(now: dict, before: dict) -> list[list]:
    """The figures as rows: label, this period, previous period."""
    rows = []
    for key, label in ROW_LABELS.items():
        if key in RATES:
            rows.append([str(label), _percent(now[key]), _percent(before[key])])
        else:
            rows.append([str(label), now[key], before[key]])
    for code, label in Proposal.Satisfaction.choices:
        rows.append(
            [
                _("Satisfaction: %(label)s") % {"label": label},
                f"{now['satisfaction'][code]}（{_percent(now['satisfaction_shares'][code])}）",
                f"{before['satisfaction'][code]}（{_percent(before['satisfaction_shares'][code])}）",
            ]
        )
    for code, label in Proposal.Implementation.choices:
        rows.append(
            [
                _("Implementation: %(label)s") % {"label": label},
                f"{now['implementation'][code]}（{_percent(now['implementation_shares'][code])}）",
                f"{before['implementation'][code]}（{_percent(before['implementation_shares'][code])}）",
            ]
        )
    for code, label in AdoptionLevel.choices:
        rows.append(
            [
                _("Adopted by: %(label)s") % {"label": label},
                now["adoptions_by_level"][code],
                before["adoptions_by_level"][code],
            ]
        )
    for code, label in InstructionLevel.choices:
        rows.append(
            [
                _("Instructions: %(label)s") % {"label": label},
                now["instructions_by_level"][code],
                before["instructions_by_level"][code],
            ]
        )
    return rows
