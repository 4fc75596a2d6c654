"""The landing page: this year's work at a glance, for the user's scope."""

from __future__ import annotations

import datetime

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from activities.models import Activity
from activities.selectors.activity import label_groups
from portal import clock, roles
from portal.access import portal_view
from sectors.scope import scope

from ..selectors.summary import carrier_summary, scoped_year_figures
from .pages import _year, _year_choices


@portal_view(roles.EVERYONE)
def home(request: HttpRequest) -> HttpResponse:
    """The year's work at a glance (?year=, this year by default); the latest activities of that year.
    A member's home is their own file (members app, /me/)."""
    if roles.role_of(request.user) == roles.MEMBER:
        return redirect("member_file")
    year = _year(request)
    start, last_day = datetime.date(year, 1, 1), min(clock.today(), datetime.date(year, 12, 31))
    year_figures = scoped_year_figures(user=request.user, year=year)
    recent = (
        scope(
            request.user, Activity.objects.filter(status=Activity.Status.HELD, date__range=(start, last_day)), "groups"
        )
        .only("id", "date", "kind", "title")
        .order_by("-date", "-id")[:8]
    )
    context = {
        "year": year,
        "years": _year_choices(year),
        "carriers": carrier_summary(user=request.user, year=year, year_figures=year_figures),
        "activity_count": year_figures.activities_held,
        "participant_times": year_figures.participant_times,
        "recent": label_groups(list(recent)),
    }
    return render(request, "reports/home.html", context)
