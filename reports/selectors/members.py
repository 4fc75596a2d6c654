"""Each member's year in one group, for a whole group at once (the scorecard's
and the group page's members' tables), in a fixed number of queries however
many members the group has.

Attendance rate (出勤率): present / the activities where attendance was taken
for the member (present, or absent with or without leave), among the group's
held activities dated while they belonged to it. An activity of the group
without an attendance row for the member (a station's reception day staffed by
others) is listed but not counted. Leave (an absence with a reason given) is
shown apart from an unexcused absence (no reason) and counts in the rate as an
absence.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q

from activities.models import Activity, Attendance, ConstituentContact, DutyReport, OpinionReport, Proposal
from sectors import freshness
from sectors.models import GroupMembership, Member
from sectors.selectors import ROLE_RANK


def attendance_rate(present: int, counted: int) -> float | None:
    """Present / activities where attendance was taken, in percent (None if none)."""
    return round(100 * present / counted, 1) if counted else None


@dataclass(frozen=True)
class MemberYear:
    """One member's year in one group (only the days they belonged to it)."""

    membership: GroupMembership  # the latest of the year in this group
    listed: int  # the group's held activities while they belonged
    present: int
    leave: int  # absent with a reason given
    absent: int  # absent without a reason
    constituents: int  # distinct constituents contacted for the group
    contacts: int
    opinion_reports: int
    proposals: int
    duty_reports: int
    belongs_on: bool  # belongs to the group on the reference day

    @property
    def member(self):
        return self.membership.member

    @property
    def counted(self) -> int:
        return self.present + self.leave + self.absent

    @property
    def unrecorded(self) -> int:
        return self.listed - self.counted

    @property
    def rate(self) -> float | None:
        return attendance_rate(self.present, self.counted)


def spans_cover(spans: list[tuple[datetime.date, datetime.date | None]], day: datetime.date) -> bool:
    return any(start <= day and (end is None or day <= end) for start, end in spans)


def spans_cover_all(
    spans: list[tuple[datetime.date, datetime.date | None]], start: datetime.date, end: datetime.date
) -> bool:
    """One of the spans covers every day from `start` to `end`."""
    return any(since <= start and (until is None or until >= end) for since, until in spans)


def group_member_years(*, group_id: int, year: int, reference_day: datetime.date) -> list[MemberYear]:
    """Every member who belonged to the group during `year`, with their figures
    for their days there; those belonging on `reference_day` first. Seven queries."""
    return _member_years(group_id, year=year, reference_day=reference_day).get(group_id, [])


def cached_group_member_years(*, group_id: int, year: int, reference_day: datetime.date) -> list[MemberYear]:
    """`group_member_years`, kept until the year's records change, as the scores are
    (sectors.freshness): the scorecard's members' table is not computed per request."""
    return freshness.cached(
        "member-years",
        (group_id, reference_day),
        lambda: group_member_years(group_id=group_id, year=year, reference_day=reference_day),
        year=year,
    )


def _member_years(the_group: int, *, year: int, reference_day: datetime.date) -> dict[int, list[MemberYear]]:
    """The member years of the group, by group id (the rows are keyed by (group,
    member) pairs: a joint activity lists other groups' members too), sorted as
    `group_member_years` says."""

    def in_group(path: str = "group") -> Q:
        return Q(**{f"{path}_id": the_group})

    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    memberships = (
        GroupMembership.objects.filter(in_group(), start_date__lte=end)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
        .select_related("member")
        .defer(*(f"member__{name}" for name in Member.PERSONAL_FIELDS))  # kept in the cache: see freshness
        .order_by("start_date", "id")
    )
    spans: dict[tuple[int, int], list[tuple[datetime.date, datetime.date | None]]] = defaultdict(list)
    latest: dict[tuple[int, int], GroupMembership] = {}
    for m in memberships:
        spans[(m.group_id, m.member_id)].append((m.start_date, m.end_date))
        latest[(m.group_id, m.member_id)] = m
    # Most members belong all year: their days need no checking (a third of the CPU time).
    whole_year = {key for key, key_spans in spans.items() if spans_cover_all(key_spans, start, end)}

    def belonged(key: tuple[int, int], day: datetime.date) -> bool:
        return key in whole_year or (key in spans and spans_cover(spans[key], day))

    held = Activity.groups.through.objects.filter(
        in_group("sectorgroup"), activity__date__gte=start, activity__date__lte=end, activity__status="held"
    )
    activity_dates: dict[int, datetime.date] = {}
    group_activities: dict[int, set[int]] = defaultdict(set)  # activity → its groups among these
    dates_of_group: dict[int, list[datetime.date]] = defaultdict(list)
    for group_id, activity_id, day in held.values_list("sectorgroup_id", "activity_id", "activity__date"):
        activity_dates[activity_id] = day
        group_activities[activity_id].add(group_id)
        dates_of_group[group_id].append(day)
    marks = Attendance.objects.filter(activity_id__in=held.values("activity_id"))
    present: Counter = Counter()
    leave: Counter = Counter()
    absent: Counter = Counter()
    is_present = Attendance.Status.PRESENT.value
    groups_of_member: dict[int, list[int]] = defaultdict(list)  # the member's groups of the year (mostly one)
    for group_id, member_id in spans:
        groups_of_member[member_id].append(group_id)
    for member_id, activity_id, status, reason in marks.values_list(
        "member_id", "activity_id", "status", "absence_reason"
    ):
        for group_id in groups_of_member.get(member_id, ()):
            key = (group_id, member_id)
            if group_id in group_activities[activity_id] and (
                key in whole_year or spans_cover(spans[key], activity_dates[activity_id])
            ):
                (present if status == is_present else leave if reason else absent)[key] += 1

    people: dict[tuple[int, int], set[int]] = defaultdict(set)
    contacts: Counter = Counter()
    rows = ConstituentContact.objects.filter(in_group(), contacted_on__range=(start, end))
    for group_id, member_id, constituent_id, on in rows.values_list(
        "group_id", "member_id", "constituent_id", "contacted_on"
    ):
        key = (group_id, member_id)
        if belonged(key, on):
            people[key].add(constituent_id)
            contacts[key] += 1
    reports = Counter()
    for key_on in DutyReport.objects.filter(in_group(), reported_on__range=(start, end)).values_list(
        "group_id", "member_id", "reported_on"
    ):
        key = key_on[:2]
        if belonged(key, key_on[2]):
            reports[key] += 1
    opinion = _per_member(
        OpinionReport.submitters.through.objects.filter(
            in_group("opinionreport__group"), opinionreport__submitted_on__range=(start, end)
        ),
        "opinionreport__group_id",
    )
    proposals = _per_member(
        Proposal.proposers.through.objects.filter(
            in_group("proposal__group"), proposal__submitted_on__range=(start, end)
        ),
        "proposal__group_id",
    )
    by_group: dict[int, list[MemberYear]] = defaultdict(list)
    for key, member_spans in spans.items():
        by_group[key[0]].append(
            MemberYear(
                membership=latest[key],
                listed=_listed(dates_of_group[key[0]], member_spans, key in whole_year),
                present=present[key],
                leave=leave[key],
                absent=absent[key],
                constituents=len(people[key]),
                contacts=contacts[key],
                opinion_reports=opinion.get(key, 0),
                proposals=proposals.get(key, 0),
                duty_reports=reports[key],
                belongs_on=spans_cover(member_spans, reference_day),
            )
        )
    for rows_of_group in by_group.values():
        rows_of_group.sort(
            key=lambda row: (not row.belongs_on, ROLE_RANK.get(row.membership.role, 99), row.member.member_number)
        )
    return dict(by_group)


def _listed(dates: list[datetime.date], spans, whole_year: bool) -> int:
    return len(dates) if whole_year else sum(1 for day in dates if spans_cover(spans, day))


def _per_member(through_rows, group_field: str) -> dict[tuple[int, int], int]:
    rows = through_rows.values_list(group_field, "member_id").annotate(n=Count("id")).order_by()
    return {(group_id, member_id): n for group_id, member_id, n in rows}
