"""A member's yearly duty (委员履职): which records judge it. One definition
(activities.carriers, "The member's duty follows the member") used by the
scorecards, the dashboard's figures, the duty record and the contacts page.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import Count, QuerySet

from activities.carriers import DUTY_REPORT_MONTH, ActivityKind
from activities.models import Activity, ConstituentContact, DutyReport


def duty_contacts(
    *, committee_id: int | None, start: datetime.date, end: datetime.date
) -> QuerySet[ConstituentContact]:
    """Every contact made in the span, whatever group it was recorded under:
    a member's duty is judged on all their work of the year (None: any
    committee, for callers that filter by members)."""
    contacts = ConstituentContact.objects.filter(contacted_on__gte=start, contacted_on__lte=end)
    return contacts if committee_id is None else contacts.filter(group__committee_id=committee_id)


def duty_reports_given(*, committee_id: int | None, start: datetime.date, end: datetime.date) -> QuerySet[DutyReport]:
    """The reports given at a held duty-report meeting of a December in the span
    (activities.carriers.DUTY_REPORT_MONTH). A report filed without a meeting
    is kept on the member's record but counts for nothing."""
    reports = DutyReport.objects.filter(
        meeting__kind=ActivityKind.DUTY_REPORT,
        meeting__status=Activity.Status.HELD,
        meeting__date__gte=start,
        meeting__date__lte=end,
        meeting__date__month=DUTY_REPORT_MONTH,
    )
    return reports if committee_id is None else reports.filter(group__committee_id=committee_id)


def constituents_per_member(
    *, committee_id: int | None, start: datetime.date, end: datetime.date, member_ids: Iterable[int] | None = None
) -> dict[int, int]:
    """Distinct constituents each member contacted in the span, all groups (one query)."""
    contacts = duty_contacts(committee_id=committee_id, start=start, end=end)
    if member_ids is not None:
        contacts = contacts.filter(member_id__in=list(member_ids))
    rows = contacts.values("member_id").annotate(n=Count("constituent_id", distinct=True)).order_by()
    return {row["member_id"]: row["n"] for row in rows}
