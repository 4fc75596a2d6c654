"""Read-only summaries of the six carriers, scoped to what a user may see."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from activities.carriers import Carrier
from portal import cache as freshness
from sectors.models import committee_for_portal
from sectors.scope import is_leader

from .. import figures


@dataclass(frozen=True)
class CarrierFigure:
    carrier: Carrier
    value: int
    unit: str
    detail: str


def scoped_year_figures(*, user, year: int) -> figures.PeriodFigures:
    """The year's figures in the user's scope: a group leader's group, else the committee."""
    group_id = user.sector_group_id if is_leader(user) else None
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    committee_id = committee_for_portal().pk
    return freshness.cached(
        "year-figures",
        (committee_id, group_id),
        lambda: figures.period_figures(committee_id, start, end, group_id=group_id),
        year=year,
    )


def carrier_summary(*, user, year: int, year_figures: figures.PeriodFigures | None = None) -> list[CarrierFigure]:
    """One headline figure per carrier for the year, in the user's scope, by the
    definitions of reports.figures (the dashboard states the same numbers)."""
    f = year_figures or scoped_year_figures(user=user, year=year)
    return [
        CarrierFigure(
            Carrier.STUDY_DAY,
            f.study_sessions,
            pgettext_lazy("unit", "sessions"),
            _("%(n)s participant-times") % {"n": f.study_participant_times},
        ),
        CarrierFigure(
            Carrier.WORKSTATION,
            f.workstations,
            pgettext_lazy("unit", "stations"),
            # All the group's reports, with the stations' share beside: the card's
            # 「报送社情民意信息」 is every report, never the stations' part alone.
            _("%(all)s public-opinion reports submitted, %(n)s of them through stations")
            % {"all": f.opinion_reports, "n": f.workstation_opinion_reports},
        ),
        CarrierFigure(
            Carrier.CONSULTATION,
            f.consultation_meetings,
            pgettext_lazy("unit", "meetings"),
            _("%(n)s participant-times") % {"n": f.consultation_participant_times},
        ),
        CarrierFigure(
            Carrier.ACTIVITY_MONTH,
            f.service_activities,
            pgettext_lazy("unit", "service activities"),
            _("%(n)s in December") % {"n": f.december_service_activities},
        ),
        CarrierFigure(
            Carrier.E_NETWORK,
            f.constituent_contacts,
            pgettext_lazy("unit", "contacts"),
            _("%(n)s constituents") % {"n": f.constituents},
        ),
        CarrierFigure(
            Carrier.DUTY_REPORT,
            f.duty_reporters,
            pgettext_lazy("unit", "members reported"),
            _("in %(n)s groups") % {"n": f.duty_report_groups},
        ),
    ]


def constituent_target(*, committee_id: int, year: int) -> int:
    """How many distinct constituents each member should keep in touch with in `year`."""
    return figures.constituent_targets(committee_id, {year})[year]
