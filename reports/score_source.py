"""Where the dashboard, reminders and snapshots get verdicts and ranks: the scoring
engine (reports.scorecards.year_scores), named in this one place."""

from __future__ import annotations

import datetime

from django.urls import reverse

from .scorecards import YearScores, official_year_scores, year_scores


def year_scores_for(committee_id: int, year: int, today: datetime.date) -> YearScores:
    """The year's scores of every active group, judged on `today`."""
    return year_scores(committee_id=committee_id, year=year, today=today)


def stated_scores_for(committee_id: int, year: int, today: datetime.date) -> YearScores:
    """What the dashboard states: a closed year's official result, else the live scores."""
    return official_year_scores(committee_id=committee_id, year=year, today=today)


def scorecard_url(group_id: int, year: int) -> str:
    """A group's scorecard for the year."""
    return f"{reverse('scorecard', args=[group_id])}?year={year}"
