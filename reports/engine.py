"""The one place reminders and snapshots meet the scoring engine (issue 7's contract,
notes/scoring-contract.md): everything here asks `scores_for` and reads the answer's
documented fields (groups, rules, verdict, missing, deadline, evidence)."""

from __future__ import annotations

import datetime


def scores_for(committee_id: int, year: int, today: datetime.date):
    """The engine's YearScores for a committee's year, with deadlines judged on `today`."""
    from .scorecards import year_scores

    return year_scores(committee_id=committee_id, year=year, today=today)
