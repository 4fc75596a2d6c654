"""Pages that summarise a group's or a member's work for a year, scoped to what
the user may see: the group list and page, and a member's duty record (履职档案).

On a member's duty record a group leader sees only their own group's rows
(activities, reports, proposals, contacts, duty reports), as everywhere else;
which members a leader may open at all is sectors.roster.selectors.visible_members.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass, replace
from functools import reduce
from operator import or_

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import get_language

from activities.carriers import ActivityKind
from activities.models import (
    Activity,
    Attendance,
    ConstituentContact,
    DutyReport,
    GroupDocument,
    OpinionReport,
    Proposal,
)
from activities.selectors.activity import label_groups
from activities.selectors.duty import constituents_per_member
from portal import cache as freshness
from portal import clock
from sectors.models import GroupMembership, Member, SectorGroup, Workstation, membership_covers
from sectors.roster.selectors import OFFICER_ROLES, ROLE_RANK, committee_groups, visible_members
from sectors.scope import is_leader, scope, scope_key

from .members import MemberYear, attendance_rate, group_member_years
from .summary import constituent_target


def year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def year_reference_day(year: int) -> datetime.date:
    """Whose roster a year's pages show: 31 December, or today during the year
    (reports.scoring.Context.reference_day, the scorecards' members)."""
    start, end = year_bounds(year)
    return min(max(clock.today(), start), end)


def stations_open_in(start: datetime.date, end: datetime.date) -> QuerySet[Workstation]:
    """Stations open on some day of start..end (reports.figures' "kept open")."""
    return Workstation.objects.filter(established_on__lte=end).filter(
        Q(closed_on__isnull=True) | Q(closed_on__gte=start)
    )


def _stations_still_open(day: datetime.date) -> QuerySet[Workstation]:
    """Stations set up by `day` and not closed by its end (one closed today is closed)."""
    return Workstation.objects.filter(established_on__lte=day).filter(Q(closed_on__isnull=True) | Q(closed_on__gt=day))


def _count_per_group(rows: QuerySet, group_field: str) -> Subquery:
    """COUNT(*) of `rows` for the outer group, as a subquery (one index lookup per group)."""
    counted = rows.filter(**{group_field: OuterRef("pk")}).order_by().values(group_field).annotate(n=Count("pk"))
    return Coalesce(Subquery(counted.values("n"), output_field=IntegerField()), 0)


def group_list_for(*, user, year: int) -> list[SectorGroup]:
    """The active groups the user may see, each with `member_count` (memberships
    covering the year's reference day), `workstation_count` (stations open on
    that day), `activity_count`
    (activities held in `year`, joint ones counted for every group) and
    `current_leaders` (leaders on the reference day). A past year shows that
    year's roster and stations, not today's (year_reference_day).

    Three queries however many groups and years: the groups with their member and
    station counts as subqueries, the leaders, and the year's activities counted
    per group in one grouped query over that year's rows only (a join of groups,
    memberships and every activity ever held multiplied into 659,240 rows);
    kept until the records change (the list is shared: callers only read it).
    """
    day = year_reference_day(year)
    return freshness.cached(
        "group-list", (scope_key(user), day), lambda: _group_list(user=user, year=year, day=day), year=year
    )


def _group_list(*, user, year: int, day: datetime.date) -> list[SectorGroup]:
    start, end = year_bounds(year)
    leaders = GroupMembership.objects.filter(membership_covers(day), role=GroupMembership.Role.LEADER).select_related(
        "member"
    )
    groups = list(
        committee_groups(user)
        .filter(is_active=True)
        .annotate(
            member_count=_count_per_group(GroupMembership.objects.filter(membership_covers(day)), "group"),
            workstation_count=_count_per_group(_stations_still_open(day), "group"),
        )
        .prefetch_related(Prefetch("memberships", queryset=leaders, to_attr="current_leaders"))
        .order_by("sort_order", "id")
    )
    held = Activity.objects.filter(date__gte=start, date__lte=end, status=Activity.Status.HELD)
    counts = dict(
        Activity.groups.through.objects.filter(activity__in=held, sectorgroup__in=[g.pk for g in groups])
        .order_by()
        .values("sectorgroup_id")
        .annotate(n=Count("activity_id"))
        .values_list("sectorgroup_id", "n")
    )
    for group in groups:
        group.activity_count = counts.get(group.pk, 0)
    return groups


@dataclass(frozen=True)
class KindSection:
    """The activities of one type (ActivityKind) in a group's year."""

    kind: str
    label: str
    activities: list[Activity]

    @property
    def count(self) -> int:
        return len(self.activities)


@dataclass(frozen=True)
class GroupPage:
    group: SectorGroup
    year: int
    officers: list[GroupMembership]
    memberships: list[GroupMembership]
    workstations: list[Workstation]
    sections: list[KindSection]
    planned: list[Activity]
    opinion_reports: int
    proposals: int
    contacts: int
    duty_reports: int
    plan: GroupDocument | None
    summary: GroupDocument | None
    constituent_target: int = 0

    @property
    def held_count(self) -> int:
        return sum(section.count for section in self.sections)


def group_page(*, user, group_id: int, year: int) -> GroupPage:
    """A group's people, workstations and one year's work; 404 outside the user's scope.
    The same for every user who may see it: kept until the records change."""
    group = committee_groups(user).filter(pk=group_id).first()
    if group is None:
        raise Http404
    today = clock.today()
    return freshness.cached(
        "group-page",
        (group.pk, today, get_language()),
        lambda: _group_page(group=group, year=year, today=today),
        year=year,
    )


def _group_page(*, group: SectorGroup, year: int, today: datetime.date) -> GroupPage:
    start, end = year_bounds(year)
    day = min(max(today, start), end)  # year_reference_day: the year's roster, not today's

    memberships = sorted(
        group.memberships.filter(membership_covers(day))
        .select_related("member")
        .defer(*(f"member__{name}" for name in Member.PERSONAL_FIELDS)),
        key=lambda m: (ROLE_RANK.get(m.role, 99), m.member.member_number),
    )
    workstations = list(
        stations_open_in(start, end)
        .filter(group=group)
        .select_related("host_member")
        .defer(*(f"host_member__{name}" for name in Member.PERSONAL_FIELDS))
        .order_by("-is_active", "name")
    )
    for station in workstations:
        station.open_on_day = station.closed_on is None or station.closed_on > day  # as _stations_still_open
    activities = label_groups(list(group.activities.filter(date__gte=start, date__lte=end).order_by("date", "id")))
    held = [a for a in activities if a.status == Activity.Status.HELD]
    sections = []
    for kind in ActivityKind:
        of_kind = [a for a in held if a.kind == kind]
        if of_kind:
            sections.append(KindSection(kind=kind.value, label=str(kind.label), activities=of_kind))
    documents = {doc.kind: doc for doc in GroupDocument.objects.filter(group=group, year=year)}
    return GroupPage(
        group=group,
        year=year,
        officers=[m for m in memberships if m.role in OFFICER_ROLES],
        memberships=memberships,
        workstations=workstations,
        sections=sections,
        planned=[a for a in activities if a.status == Activity.Status.PLANNED],
        opinion_reports=OpinionReport.objects.filter(group=group, submitted_on__range=(start, end)).count(),
        proposals=Proposal.objects.filter(group=group, submitted_on__range=(start, end)).count(),
        contacts=ConstituentContact.objects.filter(group=group, contacted_on__range=(start, end)).count(),
        duty_reports=DutyReport.objects.filter(group=group, reported_on__range=(start, end)).count(),
        plan=documents.get(GroupDocument.Kind.PLAN),
        summary=documents.get(GroupDocument.Kind.SUMMARY),
        constituent_target=constituent_target(committee_id=group.committee_id, year=year),
    )


def group_member_rows(
    *, page: GroupPage, memberships: list[GroupMembership]
) -> list[tuple[GroupMembership, MemberYear | None]]:
    """A page of the group's current members, each with their year in the group
    (attendance rate, constituents): figured for that page's members only, and kept
    until the year's records change (portal.cache), as the scorecard's table is."""
    reference_day = year_reference_day(page.year)
    member_ids = sorted(m.member_id for m in memberships)
    digest = hashlib.blake2b(",".join(map(str, member_ids)).encode(), digest_size=12).hexdigest()
    years = freshness.cached(
        "member-years-page",
        (page.group.pk, reference_day, digest),
        lambda: group_member_years(
            group_id=page.group.pk, year=page.year, reference_day=reference_day, member_ids=member_ids
        ),
        year=page.year,
    )
    by_member = {row.member.pk: row for row in years}
    return [(m, by_member.get(m.member_id)) for m in memberships]


@dataclass(frozen=True)
class AttendanceRow:
    activity: Activity
    status: str | None  # Attendance.Status value, or None when not recorded
    absence_reason: str = ""

    @property
    def absence_reason_label(self) -> str:
        return str(Attendance.AbsenceReason(self.absence_reason).label) if self.absence_reason else ""


@dataclass(frozen=True)
class MemberRecord:
    """A member's duty record (履职档案) for one year."""

    member: Member
    year: int
    memberships: list[GroupMembership]  # for a group leader only their group's
    left_group: bool  # a group leader's member who no longer belongs to their group
    attendance: list[AttendanceRow]
    other_attended: list[Activity]
    opinion_reports: list[OpinionReport]
    proposals: list[Proposal]
    contacts: list[ConstituentContact]
    constituent_target: int
    duty_reports: list[DutyReport]
    scoped_to_group: SectorGroup | None
    # Distinct constituents of the year in any group, whatever the user may list:
    # the member's duty follows the member (activities.carriers).
    year_constituents: int = 0

    @property
    def expected(self) -> int:
        """Activities listed: the groups' held activities while the member belonged."""
        return len(self.attendance)

    @property
    def present(self) -> int:
        return sum(1 for row in self.attendance if row.status == Attendance.Status.PRESENT)

    @property
    def absent(self) -> int:
        """Absences of any kind (on leave or not)."""
        return sum(1 for row in self.attendance if row.status == Attendance.Status.ABSENT)

    @property
    def leave(self) -> int:
        """Absences with a reason given (请假), shown apart from unexcused ones."""
        return sum(1 for row in self.attendance if row.status == Attendance.Status.ABSENT and row.absence_reason)

    @property
    def unexcused(self) -> int:
        return self.absent - self.leave

    @property
    def unrecorded(self) -> int:
        return sum(1 for row in self.attendance if row.status is None)

    @property
    def counted(self) -> int:
        """Activities where attendance was taken for the member: the rate's denominator."""
        return self.present + self.absent

    @property
    def attendance_rate(self) -> float | None:
        """Present / activities where attendance was taken for the member, in
        percent (None if none). An activity without an attendance row for them
        (a station's reception day staffed by others) is listed, not counted."""
        return attendance_rate(self.present, self.counted)

    @property
    def distinct_constituents(self) -> int:
        return self.year_constituents

    @property
    def constituent_target_met(self) -> bool:
        return self.distinct_constituents >= self.constituent_target


def expected_activities(memberships: list[GroupMembership], start: datetime.date, end: datetime.date):
    """Held activities between start and end that the member was expected at.

    These are the activities listed on the member's record; the attendance
    rate (出勤率) counts those among them where attendance was taken for the
    member (MemberRecord.attendance_rate). An activity is listed only if one
    of its groups (joint activities have several) is a group of one of the
    member's memberships AND that membership covers
    the activity's date (start_date <= date <= end_date, open-ended if no
    end_date). So a member who moved from group B to group A on 1 July is
    expected at B's activities up to the move and at A's from it, never at A's
    activities before they joined. Planned activities are not counted;
    activities the member attended outside their groups are listed apart and
    do not count either way. An activity counts once even if several
    memberships match it.
    """
    matches = [
        Q(groups=m.group_id, date__gte=max(m.start_date, start), date__lte=min(m.end_date or end, end))
        for m in memberships
        if m.start_date <= end and (m.end_date is None or m.end_date >= start)
    ]
    if not matches:
        return Activity.objects.none()
    held = Activity.objects.filter(status=Activity.Status.HELD, date__gte=start, date__lte=end)
    # A subquery on ids keeps each activity once without DISTINCT on the outer query.
    return Activity.objects.filter(pk__in=held.filter(reduce(or_, matches)).values("pk"))


def member_record(*, user, member_id: int, year: int) -> MemberRecord:
    """One member's year: groups, attendance, reports, proposals, contacts and
    duty reports. 404 when the member is outside the user's scope."""
    member = visible_members(user).filter(pk=member_id).first()
    if member is None:
        raise Http404
    # Kept in the cache without the member, whose personal data stays out of it.
    record = freshness.cached(
        "member-record",
        (member.pk, clock.today(), scope_key(user), get_language()),
        lambda: replace(_member_record(user=user, member=member, year=year), member=None),
        year=year,
    )
    return replace(record, member=member)


def _member_record(*, user, member: Member, year: int) -> MemberRecord:
    start, end = year_bounds(year)
    leader_group = user.sector_group if is_leader(user) else None
    # A leader sees (and counts attendance by) their own group's memberships only.
    shown = GroupMembership.objects.filter(member=member).select_related("group").order_by("start_date", "id")
    if leader_group is not None:
        shown = shown.filter(group=leader_group)
    memberships = list(shown)
    today = clock.today()
    left_group = leader_group is not None and not any(m.end_date is None or m.end_date >= today for m in memberships)

    listed = ("id", "date", "kind", "title")  # what the record shows of an activity (and keeps in the cache)
    expected = label_groups(list(expected_activities(memberships, start, end).only(*listed).order_by("date", "id")))
    marks = {
        row.activity_id: row
        for row in Attendance.objects.filter(member=member, activity__in=[a.pk for a in expected]).only(
            "activity_id", "status", "absence_reason"
        )
    }
    attendance = [
        AttendanceRow(
            activity=a,
            status=marks[a.pk].status if a.pk in marks else None,
            absence_reason=marks[a.pk].absence_reason if a.pk in marks else "",
        )
        for a in expected
    ]
    other_attended = list(
        scope(
            user,
            Activity.objects.filter(
                date__gte=start,
                date__lte=end,
                attendance__member=member,
                attendance__status=Attendance.Status.PRESENT,
            ),
            "groups",
        )
        .exclude(pk__in=[a.pk for a in expected])
        .only(*listed)
        .order_by("date", "id")
    )
    label_groups(other_attended)

    def scoped(qs: QuerySet) -> list:
        return list(scope(user, qs, "group").select_related("group"))

    return MemberRecord(
        member=member,
        year=year,
        memberships=memberships,
        left_group=left_group,
        attendance=attendance,
        other_attended=other_attended,
        opinion_reports=scoped(
            OpinionReport.objects.filter(submitters=member, submitted_on__range=(start, end)).order_by("submitted_on")
        ),
        proposals=scoped(
            Proposal.objects.filter(proposers=member, submitted_on__range=(start, end)).order_by("submitted_on")
        ),
        contacts=list(
            scope(
                user,
                ConstituentContact.objects.filter(member=member, contacted_on__range=(start, end)),
                "group",
            )
            .select_related("constituent")
            .defer("constituent__mobile")  # kept in the cache: no personal data
            .order_by("contacted_on", "id")
        ),
        constituent_target=constituent_target(committee_id=member.committee_id, year=year),
        duty_reports=scoped(
            DutyReport.objects.filter(member=member, reported_on__range=(start, end))
            .select_related("meeting")
            .order_by("reported_on")
        ),
        scoped_to_group=leader_group,
        year_constituents=constituents_per_member(
            committee_id=member.committee_id, start=start, end=end, member_ids=[member.pk]
        ).get(member.pk, 0),
    )
