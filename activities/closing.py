"""Whether a record falls in a closed assessment year, for the record forms' warning.

Closed years are reports' (reports.models.ClosedYear), a layer above this app:
reports registers the lookup when it is loaded (reports.apps.ReportsConfig.ready),
as it does for the constituent target (activities.carriers), so this app never
imports reports. Saving is not refused: a late correction is allowed, but staff
are told that the year's official result stays as stored, and the change is
listed on the year's page (reports.snapshots.changes_since_closing).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.utils.translation import gettext as _

ClosedLookup = Callable[..., bool]
_closed_lookup: ClosedLookup | None = None


def closed_year_lookup_register(lookup: ClosedLookup) -> None:
    """Called once by reports: `lookup(committee_id=…, year=…)` tells whether the year is closed."""
    global _closed_lookup
    _closed_lookup = lookup


def record_year(record, year_lookup: str) -> int | None:
    """The year a record counts in, from its list's year lookup ("submitted_on__year" or "year")."""
    field = year_lookup.removesuffix("__year")
    value = getattr(record, field, None)
    if isinstance(value, datetime.date):
        return value.year
    return value if isinstance(value, int) else None


def closed_year_warning(*, committee_id: int | None, year: int | None) -> str:
    """The warning to show after saving a record of `year` (empty when the year is open)."""
    if _closed_lookup is None or committee_id is None or year is None:
        return ""
    if not _closed_lookup(committee_id=committee_id, year=year):
        return ""
    return _(
        "The assessment year %(year)s is closed: its official result stays as stored. "
        "This change is listed on the year's scorecards page."
    ) % {"year": year}
