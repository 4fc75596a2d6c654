"""Read-only summaries of the six carriers, scoped to what a user may see."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from activities.carriers import ActivityKind, Carrier, kinds_for_carrier
from activities.models import Activity, ConstituentContact, DutyReport, OpinionReport
from sectors.access import scope
from sectors.models import Workstation

from .. import figures
from ..models import DEFAULT_CONSTITUENTS_PER_MEMBER, Measure, Requirement


@dataclass(frozen=True)
class CarrierFigure:
    carrier: Carrier
    value: int
    unit: str
    detail: str


def carrier_summary(*, user, year: int) -> list[CarrierFigure]:
    """One headline figure per carrier for the year, in the user's scope."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    held = scope(user, Activity.objects.filter(date__range=(start, end), status=Activity.Status.HELD), "groups")
    by_kind = dict(held.values_list("kind").annotate(n=Count("id", distinct=True)).order_by())

    def kinds(carrier: Carrier) -> int:
        return sum(by_kind.get(kind, 0) for kind in kinds_for_carrier(carrier))

    december_services = held.filter(kind=ActivityKind.SERVICE, date__month=12).count()
    stations = scope(user, Workstation.objects.filter(is_active=True, established_on__lte=end))
    station_reports = scope(
        user, OpinionReport.objects.filter(submitted_on__range=(start, end), workstation__isnull=False)
    ).count()
    contacts = scope(user, ConstituentContact.objects.filter(contacted_on__range=(start, end))).aggregate(
        contacts=Count("id"), people=Count("constituent", distinct=True)
    )
    reporters = scope(user, DutyReport.objects.filter(reported_on__range=(start, end)))
    reporters = reporters.aggregate(people=Count("member", distinct=True), groups=Count("group", distinct=True))
    study = held.filter(kind__in=kinds_for_carrier(Carrier.STUDY_DAY))
    return [
        CarrierFigure(
            Carrier.STUDY_DAY,
            kinds(Carrier.STUDY_DAY),
            pgettext_lazy("unit", "sessions"),
            _("%(n)s participant-times") % {"n": figures.participant_times(study)},
        ),
        CarrierFigure(
            Carrier.WORKSTATION,
            stations.count(),
            pgettext_lazy("unit", "stations"),
            _("%(n)s public-opinion reports from stations") % {"n": station_reports},
        ),
        CarrierFigure(
            Carrier.CONSULTATION,
            kinds(Carrier.CONSULTATION),
            pgettext_lazy("unit", "meetings"),
            _("%(n)s groups held one") % {"n": _groups_holding(held, Carrier.CONSULTATION)},
        ),
        CarrierFigure(
            Carrier.ACTIVITY_MONTH,
            kinds(Carrier.ACTIVITY_MONTH),
            pgettext_lazy("unit", "service activities"),
            _("%(n)s in December") % {"n": december_services},
        ),
        CarrierFigure(
            Carrier.E_NETWORK,
            contacts["contacts"],
            pgettext_lazy("unit", "contacts"),
            _("%(n)s constituents") % {"n": contacts["people"]},
        ),
        CarrierFigure(
            Carrier.DUTY_REPORT,
            reporters["people"],
            pgettext_lazy("unit", "members reported"),
            _("in %(n)s groups") % {"n": reporters["groups"]},
        ),
    ]


def _groups_holding(held, carrier: Carrier) -> int:
    return figures.distinct_groups(held.filter(Q(kind__in=kinds_for_carrier(carrier))))


def constituent_target(*, committee_id: int, year: int) -> int:
    """How many distinct constituents each member should keep in touch with in `year`."""
    per_member = (
        Requirement.objects.filter(
            assessment_year__committee_id=committee_id,
            assessment_year__year=year,
            measure=Measure.CONSTITUENTS_PER_MEMBER,
        )
        .values_list("per_member", flat=True)
        .first()
    )
    return per_member or DEFAULT_CONSTITUENTS_PER_MEMBER
