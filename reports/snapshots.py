"""Score snapshots: the nightly record of every group's scores, and closing a year.

Nightly, each group's scores for the current year are stored with the day's date
(once per day: a second run that day adds nothing), so the scorecard can show the
trend. Closing a year stores its scores as the official result; the scorecard then
shows that result, and recomputes with the same date to tell whether the year's
records changed since.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from activities.models import Activity, ConstituentContact, DutyReport, GroupDocument, OpinionReport, Proposal
from sectors.models import Committee, SectorGroup, User

from .models import AssessmentYear, ClosedYear, ScoreSnapshot
from .score_source import year_scores_for


def _rows(scores, *, today: datetime.date, official: bool) -> list[ScoreSnapshot]:
    return [
        ScoreSnapshot(
            group_id=group.group_id,
            year=scores.year,
            taken_on=today,
            official=official,
            total=_score(group.total),
            rank=group.rank,
            verdict=str(group.verdict),
            fails_hard=group.fails_hard,
            rules=[_rule_row(rule) for rule in group.rules],
        )
        for group in scores.groups
    ]


def _score(value: float) -> Decimal:
    return Decimal(str(round(float(value), 1)))


def _rule_row(rule) -> dict:
    return {
        "measure": str(rule.measure),
        "label": str(rule.label),
        "value": float(rule.value),
        "threshold": float(rule.threshold),
        "verdict": str(rule.verdict),
        "score": round(float(rule.score), 2),
    }


def snapshots_take(*, today: datetime.date, committees=None) -> int:
    """Store every group's scores for `today`'s year; returns how many rows were new."""
    created = 0
    for committee in committees if committees is not None else Committee.objects.all():
        scores = year_scores_for(committee.pk, today.year, today)
        if not scores.has_rules:
            continue
        rows = _rows(scores, today=today, official=False)
        before = ScoreSnapshot.objects.filter(year=today.year, taken_on=today, official=False).count()
        # The unique (group, year, day) constraint makes a second run of the day a no-op.
        ScoreSnapshot.objects.bulk_create(rows, ignore_conflicts=True)
        created += ScoreSnapshot.objects.filter(year=today.year, taken_on=today, official=False).count() - before
    return created


def closing_opens_on(*, committee: Committee, year: int) -> datetime.date | None:
    """The first day the year may be closed: the day after its last deadline (None: no rules)."""
    assessment = AssessmentYear.objects.filter(committee=committee, year=year).first()
    if assessment is None:
        return None
    return max(assessment.plan_deadline, assessment.summary_deadline) + datetime.timedelta(days=1)


def year_close(*, committee: Committee, year: int, user: User, today: datetime.date) -> ClosedYear:
    """Close `year`: its scores, judged on `today`, become the official result."""
    opens_on = closing_opens_on(committee=committee, year=year)
    if opens_on is None:
        raise ValidationError(_("%(year)s has no assessment rules, so it cannot be closed.") % {"year": year})
    if today < opens_on:
        raise ValidationError(
            _("%(year)s can be closed from %(date)s, after its last deadline.")
            % {"year": year, "date": date_format(opens_on, "Y-m-d")}
        )
    scores = year_scores_for(committee.pk, year, today)
    try:
        with transaction.atomic():
            closed = ClosedYear.objects.create(committee=committee, year=year, computed_for=today, closed_by=user)
            ScoreSnapshot.objects.bulk_create(_rows(scores, today=today, official=True))
    except IntegrityError as taken:
        raise ValidationError(_("%(year)s is already closed.") % {"year": year}) from taken
    return closed


# --- reading -----------------------------------------------------------------------------


@dataclass(frozen=True)
class OfficialResult:
    snapshot: ScoreSnapshot
    closed: ClosedYear
    records_changed: bool  # a recomputation with the closing's date no longer gives the stored scores


@dataclass(frozen=True)
class ScoreHistory:
    trend: list[ScoreSnapshot]  # nightly snapshots, oldest first
    official: OfficialResult | None

    def sparkline(self, width: int = 240, height: int = 48) -> str:
        """SVG polyline points of the totals (0–100) through the year: no script, no inline style."""
        if len(self.trend) < 2:
            return ""
        step = width / (len(self.trend) - 1)
        return " ".join(
            f"{i * step:.1f},{height - float(s.total) / 100 * height:.1f}" for i, s in enumerate(self.trend)
        )


def closed_years(*, committee: Committee) -> list[ClosedYear]:
    return list(ClosedYear.objects.filter(committee=committee).select_related("closed_by").order_by("-year"))


def score_history(*, group_id: int, year: int) -> ScoreHistory:
    """A group's nightly trend for `year` and, once the year is closed, its official result.

    The caller has already checked that the user may see the group.
    """
    trend = list(ScoreSnapshot.objects.filter(group_id=group_id, year=year, official=False).order_by("taken_on"))
    official = None
    snapshot = ScoreSnapshot.objects.filter(group_id=group_id, year=year, official=True).select_related("group").first()
    if snapshot is not None:
        closed = ClosedYear.objects.get(committee_id=snapshot.group.committee_id, year=year)
        official = OfficialResult(snapshot=snapshot, closed=closed, records_changed=_changed_since(snapshot, closed))
    return ScoreHistory(trend=trend, official=official)


def _changed_since(snapshot: ScoreSnapshot, closed: ClosedYear) -> bool:
    # Same rules, same date: any difference comes from records (or rules) edited after closing.
    scores = year_scores_for(closed.committee_id, closed.year, closed.computed_for)
    group = scores.by_group_id.get(snapshot.group_id)
    if group is None:
        return True
    now = [_rule_row(rule) for rule in group.rules]
    return _score(group.total) != snapshot.total or now != snapshot.rules


def is_closed(*, committee_id: int, year: int) -> bool:
    return ClosedYear.objects.filter(committee_id=committee_id, year=year).exists()


# --- what changed in a closed year after its closing ------------------------------------------


@dataclass(frozen=True)
class ClosedYearChange:
    """One record of a closed year created, changed or deleted after the closing."""

    when: datetime.datetime
    kind: str  # the record type's name
    record: str
    action: str
    user: str


_ACTIONS = {"+": gettext_lazy("created"), "~": gettext_lazy("changed"), "-": gettext_lazy("deleted")}
CHANGES_SHOWN = 50


def _dated_models() -> list[tuple[type, str, bool]]:
    """(model, the field that places it in a year, whether it names its committee) of every record that counts."""
    return [
        (Activity, "date", True),
        (OpinionReport, "submitted_on", True),
        (Proposal, "submitted_on", True),
        (ConstituentContact, "contacted_on", False),
        (DutyReport, "reported_on", False),
        (GroupDocument, "year", False),
    ]


def changes_since_closing(*, closed: ClosedYear) -> list[ClosedYearChange]:
    """Records of the closed year saved after it was closed, newest first (from
    their change history; one query per record type). Listed on the year's
    scorecards page, so a late correction is never silent."""
    group_ids = list(SectorGroup.objects.filter(committee_id=closed.committee_id).values_list("id", flat=True))
    changes = []
    for model, date_field, has_committee in _dated_models():
        in_year = {date_field: closed.year} if date_field == "year" else {f"{date_field}__year": closed.year}
        scope = {"committee_id": closed.committee_id} if has_committee else {"group_id__in": group_ids}
        rows = (
            model.history.filter(history_date__gt=closed.closed_at, **in_year, **scope)
            .select_related("history_user")
            .order_by("-history_date")[:CHANGES_SHOWN]
        )
        changes += [
            ClosedYearChange(
                when=row.history_date,
                kind=str(model._meta.verbose_name),
                record=str(getattr(row, "title", "") or row),
                action=str(_ACTIONS.get(row.history_type, row.history_type)),
                user=str(row.history_user or ""),
            )
            for row in rows
        ]
    return sorted(changes, key=lambda c: c.when, reverse=True)[:CHANGES_SHOWN]
