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
from collections.abc import Collection
from dataclasses import dataclass

from django.db.models import Count, Q

from activities.models import Activity, Attendance, OpinionReport, Proposal
from activities.selectors.duty import duty_contacts, duty_reports_given
from portal import cache as freshness
from sectors.models import GroupMembership
from sectors.roster.selectors import ROLE_RANK


def attendance_rate(present: int, counted: int) -> float | None:
    """Present / activities where attendance was taken, in percent (None if none)."""
    return round(100 * present / counted, 1) if counted else None


@dataclass(frozen=True, slots=True)
class MemberRef:
    """What a members' table shows of a member: read as values and cached as such (a group
    of 5,000 pickled as model instances cost half a second on every write)."""

    pk: int
    name: str
    member_number: str


@dataclass(frozen=True, slots=True)
class Belonging:
    """A member's latest membership of the year in the group, as the tables show it."""

    member: MemberRef
    role: str

    def get_role_display(self) -> str:
        return str(GroupMembership.Role(self.role).label) if self.role in GroupMembership.Role.values else self.role


@dataclass(frozen=True)
class MemberYear:
    """One member's year in one group (only the days they belonged to it)."""

    membership: Belonging  # the latest of the year in this group
    listed: int  # the group's held activities while they belonged
    present: int
    leave: int  # absent with a reason given
    absent: int  # absent without a reason
    constituents: int  # distinct constituents contacted in the year, any group (the duty follows the member)
    contacts: int  # contacts of the year, any group
    opinion_reports: int
    proposals: int
    duty_reports: int  # given at a duty-report meeting of the year, any group
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


def group_member_years(
    *, group_id: int, year: int, reference_day: datetime.date, member_ids: Collection[int] | None = None
) -> list[MemberYear]:
    """Every member who belonged to the group during `year` (or those of `member_ids`:
    a page of a long list), with their figures for their days there; those belonging
    on `reference_day` first. Seven queries."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    wanted = Q() if member_ids is None else Q(member_id__in=list(member_ids))
    memberships = (
        GroupMembership.objects.filter(wanted, group_id=group_id, start_date__lte=end)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
        .order_by("start_date", "id")
        # No personal field: the rows are kept in the cache (see freshness).
        .values_list("member_id", "start_date", "end_date", "role", "member__name", "member__member_number")
    )
    spans: dict[int, list[tuple[datetime.date, datetime.date | None]]] = defaultdict(list)
    latest: dict[int, Belonging] = {}
    for member_id, since, until, role, name, number in memberships:
        spans[member_id].append((since, until))
        latest[member_id] = Belonging(MemberRef(member_id, name, number), role)

    held = Activity.groups.through.objects.filter(
        sectorgroup_id=group_id, activity__date__gte=start, activity__date__lte=end, activity__status="held"
    )
    activity_dates = dict(held.values_list("activity_id", "activity__date"))
    marks = Attendance.objects.filter(activity_id__in=held.values("activity_id"), member_id__in=list(spans))
    tally: dict[int, Counter] = defaultdict(Counter)
    for member_id, activity_id, status, reason in marks.values_list(
        "member_id", "activity_id", "status", "absence_reason"
    ):
        # An activity recorded between the two queries (PostgreSQL reads each at its own
        # moment) is left out of both: the figures stay those of the activities listed.
        day = activity_dates.get(activity_id)
        if day is None or not spans_cover(spans[member_id], day):
            continue
        if status == Attendance.Status.PRESENT:
            tally[member_id]["present"] += 1
        else:
            tally[member_id]["leave" if reason else "absent"] += 1

    # The member's duty follows the member (activities.carriers): constituents,
    # contacts and duty reports are all their work of the year, in any group.
    people: dict[int, set[int]] = defaultdict(set)
    contacts: Counter = Counter()
    rows = duty_contacts(committee_id=None, start=start, end=end).filter(member_id__in=list(spans))
    for member_id, constituent_id in rows.values_list("member_id", "constituent_id"):
        people[member_id].add(constituent_id)
        contacts[member_id] += 1
    reports = Counter(
        duty_reports_given(committee_id=None, start=start, end=end)
        .filter(member_id__in=list(spans))
        .values_list("member_id", flat=True)
    )
    opinion = _per_member(
        OpinionReport.submitters.through.objects.filter(
            opinionreport__group_id=group_id, opinionreport__submitted_on__range=(start, end)
        )
    )
    proposals = _per_member(
        Proposal.proposers.through.objects.filter(
            proposal__group_id=group_id, proposal__submitted_on__range=(start, end)
        )
    )
    # Most members share their days in the group (a term): count the listed activities once per span set.
    listed_by_spans: dict[tuple, int] = {}
    for member_spans in spans.values():
        key = tuple(member_spans)
        if key not in listed_by_spans:
            listed_by_spans[key] = sum(1 for day in activity_dates.values() if spans_cover(member_spans, day))
    result = [
        MemberYear(
            membership=latest[member_id],
            listed=listed_by_spans[tuple(member_spans)],
            present=tally[member_id]["present"],
            leave=tally[member_id]["leave"],
            absent=tally[member_id]["absent"],
            constituents=len(people[member_id]),
            contacts=contacts[member_id],
            opinion_reports=opinion.get(member_id, 0),
            proposals=proposals.get(member_id, 0),
            duty_reports=reports[member_id],
            belongs_on=spans_cover(member_spans, reference_day),
        )
        for member_id, member_spans in spans.items()
    ]
    return sorted(
        result, key=lambda row: (not row.belongs_on, ROLE_RANK.get(row.membership.role, 99), row.member.member_number)
    )


def cached_group_member_years(*, group_id: int, year: int, reference_day: datetime.date) -> list[MemberYear]:
    """`group_member_years`, kept until the year's records change, as the scores are
    (portal.cache): the scorecard's members' table is not computed per request."""
    return freshness.cached(
        "member-years",
        (group_id, reference_day),
        lambda: group_member_years(group_id=group_id, year=year, reference_day=reference_day),
        year=year,
    )


def _per_member(through_rows) -> dict[int, int]:
    return dict(through_rows.values_list("member_id").annotate(n=Count("id")).order_by())
