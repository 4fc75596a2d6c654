"""The portal's one clock: every "today" in the portal comes from here.

Deadlines, reminders, "this year" and "no future dates" all depend on the date.
Reading it in one place lets tests, and a demo, set it: `PORTAL_TODAY`
(a setting, from the environment variable of the same name, `YYYY-MM-DD`)
fixes the date the portal believes it is; unset, it is today in Asia/Shanghai.
Timestamps of changes (created_at, history) keep the real wall-clock time.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone

# The "168" model was launched in April 2019: no earlier year to choose, filter or chart.
FIRST_YEAR = 2019


def today() -> datetime.date:
    """Today's date in the portal's time zone, or PORTAL_TODAY when set."""
    fixed = getattr(settings, "PORTAL_TODAY", None)
    if fixed:
        return fixed if isinstance(fixed, datetime.date) else datetime.date.fromisoformat(str(fixed))
    return timezone.localdate()


def this_year() -> int:
    return today().year
