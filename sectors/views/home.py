"""The landing page: this year's work at a glance, for the user's scope."""

from __future__ import annotations

import datetime

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from activities.carriers import KIND_RULES, Carrier
from activities.models import Activity
from reports import figures
from sectors import roles
from sectors.access import portal_view, scope


def _carrier_counts(activities) -> list[tuple[str, int]]:
    by_kind = dict(activities.values_list("kind").annotate(n=Count("id", distinct=True)).order_by())
    totals = dict.fromkeys(Carrier.values, 0)
    for kind, count in by_kind.items():
        carrier = KIND_RULES[kind].carrier
        if carrier:
            totals[carrier] += count
    return [(Carrier(code).label, count) for code, count in totals.items()]


@portal_view(roles.ALL_ROLES)
def home(request: HttpRequest) -> HttpResponse:
    year = timezone.localdate().year
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    held = scope(request.user, Activity.objects.filter(date__range=(start, end), status=Activity.Status.HELD), "groups")
    recent = (
        scope(request.user, Activity.objects.all(), "groups").prefetch_related("groups").order_by("-date", "-id")[:8]
    )
    context = {
        "year": year,
        "carrier_counts": _carrier_counts(held),
        "activity_count": held.count(),
        "participant_times": figures.participant_times(held),
        "recent": recent,
    }
    return render(request, "sectors/home.html", context)
