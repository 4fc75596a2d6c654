"""One clock: PORTAL_TODAY sets the date every page and rule believes it is."""

from __future__ import annotations

import datetime

from django.utils import timezone

from portal import clock


def test_it_is_today_in_shanghai_when_not_set(settings):
    settings.PORTAL_TODAY = None
    assert clock.today() == timezone.localdate()


def test_it_takes_a_fixed_date_from_the_setting(settings):
    settings.PORTAL_TODAY = "2025-12-31"
    assert clock.today() == datetime.date(2025, 12, 31)
    assert clock.this_year() == 2025
    settings.PORTAL_TODAY = datetime.date(2024, 2, 29)
    assert clock.today() == datetime.date(2024, 2, 29)
