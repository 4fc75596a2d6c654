"""Reads of activities, scoped to what the user may see, without N+1 queries.

Every list annotates its counts in the same query and prefetches the groups,
so a page costs the same number of queries whatever its size.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Window
from django.db.models.functions import Coalesce, RowNumber
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from portal import cache as freshness
from portal import roles
from portal.paging import url_maker
from sectors.audit.history import HistoryRow, history_rows, viewer_scope
from sectors.models import Committee, GroupMembership, Member, SectorGroup, membership_covers
from sectors.scope import get_scoped_or_404, may_see_user, scope

from ..carriers import ActivityKind
from ..models import Activity, Attachment, Attendance

_GROUPS_IN_ORDER = Prefetch("groups", queryset=SectorGroup.objects.order_by("sort_order", "id"))


def _portal_activities() -> QuerySet[Activity]:
    # The committee's id as a one-row subquery rather than a join on its code: the
    # database then knows committee_id before it plans, and walks the index
    # (committee, -date, -id) in the list's order instead of sorting every row.
    committee = Committee.objects.filter(code=settings.PORTAL_COMMITTEE_CODE).values("pk")[:1]
    return Activity.objects.filter(committee_id=Subquery(committee))


def portal_groups(*, include: Iterable[int] = ()) -> QuerySet[SectorGroup]:
    """The portal committee's active groups (plus `include`, e.g. an old activity's groups)."""
    return SectorGroup.objects.filter(committee__code=settings.PORTAL_COMMITTEE_CODE).filter(
        Q(is_active=True) | Q(pk__in=list(include))
    )


def with_counts(activities: QuerySet[Activity]) -> QuerySet[Activity]:
    """Annotate present members and participant-times (人次, as reports.figures counts them).

    A correlated subquery rather than Count() over a join: the database then
    counts only the rows of the page it returns, instead of grouping every
    activity's attendance before sorting (30,000 activities: 15 ms, not 900 ms).
    """
    return activities.annotate(present_count=_present_count()).annotate(
        participant_times=F("present_count") + F("other_participants")
    )


def _present_count() -> Coalesce:
    """Members present at the row's activity, as a correlated subquery."""
    present = (
        Attendance.objects.filter(activity=OuterRef("pk"), status=Attendance.Status.PRESENT)
        .order_by()
        .values("activity")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(present, output_field=IntegerField()), 0)


def activity_list(
    *,
    user,
    group: SectorGroup | None = None,
    kind: str = "",
    month: datetime.date | None = None,
    format: str = "",
    highlight: bool | None = None,
    text: str = "",
    year: int | None = None,
) -> QuerySet[Activity]:
    """The activities a user may see, newest first, filtered, with counts and groups."""
    activities = scope(user, _portal_activities(), "groups")
    if group is not None:
        activities = activities.filter(groups=group)
    if kind:
        activities = activities.filter(kind=kind)
    if month is not None:
        last_day = calendar.monthrange(month.year, month.month)[1]
        activities = activities.filter(date__range=(month.replace(day=1), month.replace(day=last_day)))
    if year is not None:
        activities = activities.filter(date__range=(datetime.date(year, 1, 1), datetime.date(year, 12, 31)))
    if format:
        activities = activities.filter(format=format)
    if highlight is not None:
        activities = activities.filter(is_highlight=highlight)
    if text:
        activities = activities.filter(title__icontains=text)
    return with_counts(activities).prefetch_related(_GROUPS_IN_ORDER).order_by("-date", "-id")


def page_keys(activities: QuerySet[Activity]) -> QuerySet:
    """The ids of a list in its order: what a numbered page is cut from.

    The page's OFFSET then walks an index of ids only (no per-row counts, no
    joins to fetch), and `activity_page` loads the rows of that one page.
    """
    return activities.prefetch_related(None).values_list("pk", flat=True)


def group_names(activity_ids: Iterable[int]) -> dict[int, str]:
    """Each activity's groups as one string ("民盟、医卫"), in the groups' order, in one query.

    Pages that list many activities show this string instead of walking each
    activity's related manager (hundreds of manager objects per calendar month).
    """
    through = Activity.groups.through
    rows = (
        through.objects.filter(activity_id__in=list(activity_ids))
        .order_by("sectorgroup__committee_id", "sectorgroup__sort_order", "sectorgroup_id")
        .values_list("activity_id", "sectorgroup__short_name")
    )
    names: dict[int, list[str]] = {}
    for activity_id, short_name in rows:
        names.setdefault(activity_id, []).append(short_name)
    return {activity_id: "、".join(shorts) for activity_id, shorts in names.items()}


def label_groups(activities: list[Activity]) -> list[Activity]:
    """Set what long lists show of each activity, without a lookup per row in the
    template: `group_names` (see group_names), `is_joint`, `kind_label` (the type's
    translated name) and `url` (its detail page). Returns the same list."""
    names = group_names(a.pk for a in activities)
    kind_labels = {kind: str(label) for kind, label in ActivityKind.choices}
    link = url_maker("activity_detail")
    for activity in activities:
        activity.group_names = names.get(activity.pk, "")
        activity.is_joint = "、" in activity.group_names
        activity.kind_label = kind_labels.get(activity.kind, activity.kind)
        activity.url = link(activity.pk)
    return activities


def activity_page(ids: list[int]) -> list[Activity]:
    """The rows of one list page, in the order of `ids`, with their counts and group names.

    The members-present count is a subquery evaluated for these rows only;
    participant-times (人次, as reports.figures counts them) is added here
    rather than written into the SQL a second time.
    """
    rows = Activity.objects.filter(pk__in=ids).annotate(present_count=_present_count())
    by_id = {activity.pk: activity for activity in rows}
    activities = [by_id[pk] for pk in ids if pk in by_id]
    for activity in activities:
        activity.participant_times = activity.present_count + activity.other_participants
    return label_groups(activities)


SHOWN_PER_DAY = 3  # a calendar day lists its first activities and "+N" for the rest
_CALENDAR_FIELDS = ("id", "date", "kind", "title", "status", "is_highlight")


@dataclass
class CalendarDay:
    date: datetime.date
    in_month: bool
    is_study_day: bool
    activities: list[Activity] = field(default_factory=list)  # the first SHOWN_PER_DAY
    count: int = 0  # all the day's activities

    @property
    def more(self) -> int:
        return self.count - len(self.activities)


def _calendar_activities(*, user, first: datetime.date, last: datetime.date, group: SectorGroup | None) -> QuerySet:
    """The activities a user may see from `first` to `last` (by id: no join left for the counts)."""
    visible = scope(user, _portal_activities(), "groups").filter(date__range=(first, last))
    if group is not None:
        visible = visible.filter(groups=group)
    return Activity.objects.filter(pk__in=visible.values("pk"))


def activity_month(*, user, year: int, month: int, group: SectorGroup | None = None) -> list[list[CalendarDay]]:
    """A month as weeks (Monday to Sunday) of days with their number of activities and
    the first SHOWN_PER_DAY of them (with `group_names`, see label_groups), in three
    queries: a December of any volume reads and draws at most 42 × 3 activities."""
    weeks = calendar.Calendar(firstweekday=calendar.MONDAY).monthdatescalendar(year, month)
    activities = _calendar_activities(user=user, first=weeks[0][0], last=weeks[-1][-1], group=group)
    counts = dict(activities.order_by().values_list("date").annotate(n=Count("pk")))
    place = Window(RowNumber(), partition_by=F("date"), order_by=F("id").asc())
    first = activities.only(*_CALENDAR_FIELDS).annotate(place=place).filter(place__lte=SHOWN_PER_DAY)
    by_day: dict[datetime.date, list[Activity]] = {}
    for activity in label_groups(list(first.order_by("date", "id"))):
        by_day.setdefault(activity.date, []).append(activity)
    return [
        [
            CalendarDay(
                date=day,
                in_month=day.month == month,
                is_study_day=day.day == 1,
                activities=by_day.get(day, []),
                count=counts.get(day, 0),
            )
            for day in week
        ]
        for week in weeks
    ]


def recorded_by(*, user, activity: Activity):
    """Who recorded the activity, if the user may see them (a joint activity's other group's leader: no)."""
    return activity.created_by if may_see_user(user, activity.created_by) else None


def activity_day(*, user, day: datetime.date, group: SectorGroup | None = None) -> list[Activity]:
    """Every activity of one calendar day the user may see (the calendar's "+N")."""
    activities = _calendar_activities(user=user, first=day, last=day, group=group)
    return label_groups(list(activities.only(*_CALENDAR_FIELDS).order_by("id")))


def activity_get(*, user, activity_id: int) -> Activity:
    """One activity the user may see (404 otherwise), with its groups and workstation."""
    activities = _portal_activities().select_related("workstation", "created_by").prefetch_related(_GROUPS_IN_ORDER)
    return get_scoped_or_404(user, activities, "groups", pk=activity_id)


def _own_members_on(*, group_id: int, day: datetime.date) -> QuerySet[GroupMembership]:
    """Memberships of one group that cover `day` (a subquery: filter by its member_id)."""
    return GroupMembership.objects.filter(membership_covers(day), group_id=group_id)


def _sees_all_attendance(user) -> bool:
    return roles.role_of(user) != roles.LEADER


@dataclass(frozen=True)
class AttendanceGroup:
    """One group's attendance on an activity's page: the present members' names as
    one string, the absent ones each with their reason (labels already text)."""

    name: str
    present: str  # "张三、李四"
    present_count: int
    absent: list[tuple[str, str]]  # (name, reason label)

    @property
    def absent_count(self) -> int:
        return len(self.absent)


@dataclass
class AttendanceSummary:
    """The attendance rows a user may see on an activity's page, with their counts."""

    groups: list[AttendanceGroup]  # by the members' groups on the day
    other_participants: int
    partial: bool  # True when only the leader's own group's members are shown

    @property
    def present_count(self) -> int:
        return sum(group.present_count for group in self.groups)

    @property
    def absent_count(self) -> int:
        return sum(group.absent_count for group in self.groups)

    @property
    def participant_times(self) -> int:
        """人次 over the rows shown: members present plus other participants (as reports.figures counts)."""
        return self.present_count + self.other_participants


def activity_attendance(*, user, activity: Activity) -> AttendanceSummary:
    """The activity's attendance as this user may see it, in one query, grouped by
    the group each member belonged to on the day (among the activity's groups).

    A group leader sees only the members of their own group (membership
    covering the activity's date), also on a joint activity; the counts are
    over those rows only, so the page reveals nothing of the partner groups'
    members. Kept until the records of the activity's year change (a meeting of
    all 29 groups lists 500 members), per leader's group and language.
    """
    group_id = None if _sees_all_attendance(user) else user.sector_group_id
    return freshness.cached(
        "activity-attendance",
        (activity.pk, group_id, get_language()),
        lambda: _attendance(activity, group_id),
        year=activity.date.year,
    )


def _attendance(activity: Activity, own_group_id: int | None) -> AttendanceSummary:
    # The page shows each member's name only (no personal data); plain values, no model
    # instances: a joint meeting lists 500 members.
    rows = activity.attendance.all()
    partial = own_group_id is not None
    if partial:
        own = _own_members_on(group_id=own_group_id, day=activity.date).filter(member_id=OuterRef("member_id"))
        rows = rows.filter(Exists(own))
    groups = list(activity.groups.all())  # prefetched in order by activity_get
    # Each member's group on the day, read once (not a subquery per attendance row).
    group_of: dict[int, int] = {}
    for member_id, group_id in (
        GroupMembership.objects.filter(
            membership_covers(activity.date),
            group_id__in=[g.pk for g in groups],
            member_id__in=rows.values("member_id"),
        )
        .order_by("id")
        .values_list("member_id", "group_id")
    ):
        group_of.setdefault(member_id, group_id)
    ordered = rows.order_by(F("status").desc(), "absence_reason", "member__member_number")
    values = [
        (group_of.get(member_id), status, reason, name)
        for member_id, status, reason, name in ordered.values_list(
            "member_id", "status", "absence_reason", "member__name"
        )
    ]
    return AttendanceSummary(
        groups=_attendance_groups(values, groups), other_participants=activity.other_participants, partial=partial
    )


def _attendance_groups(rows: Iterable[tuple], groups: list[SectorGroup]) -> list[AttendanceGroup]:
    """The rows by group, in the groups' order (members of none of them last); every
    label translated once, not once per row (a joint meeting lists 500 members)."""
    reasons = {value: str(label) for value, label in Attendance.AbsenceReason.choices}
    names = {group.pk: group.short_name for group in groups}
    present: dict[int | None, list[str]] = {}
    absent: dict[int | None, list[tuple[str, str]]] = {}
    for group_id, status, reason, name in rows:
        if status == Attendance.Status.PRESENT:
            present.setdefault(group_id, []).append(name)
        else:
            absent.setdefault(group_id, []).append((name, reasons.get(reason, "")))
    order = [*names, None]
    return [
        AttendanceGroup(
            name=names.get(key) or _("Members of other groups"),
            present="、".join(present.get(key, [])),
            present_count=len(present.get(key, [])),
            absent=absent.get(key, []),
        )
        for key in order
        if key in present or key in absent
    ]


def activity_attachments(*, activity: Activity) -> list[Attachment]:
    return list(activity.attachments.select_related("uploaded_by").order_by("uploaded_at", "id"))


def attachment_get(*, user, attachment_id: int) -> Attachment:
    """An attachment of an activity the user may see (404 otherwise)."""
    attachments = Attachment.objects.filter(activity__committee__code=settings.PORTAL_COMMITTEE_CODE)
    return get_scoped_or_404(user, attachments.select_related("activity"), "activity__groups", pk=attachment_id)


def activity_duplicates(
    *,
    user,
    groups: Iterable[SectorGroup],
    kind: str,
    date: datetime.date,
    title: str,
    exclude_id: int | None = None,
) -> list[Activity]:
    """Existing activities of one of the groups with the same kind, date and title.

    A group leader's check looks only at their own group, whatever groups are
    passed, so the warning never reveals another group's activities.
    """
    group_ids = {group.pk for group in groups}
    if roles.role_of(user) == roles.LEADER:
        group_ids &= {user.sector_group_id}
    if not group_ids:
        return []
    duplicates = (
        _portal_activities().filter(groups__in=group_ids, kind=kind, date=date, title__iexact=title.strip()).distinct()
    )
    if exclude_id is not None:
        duplicates = duplicates.exclude(pk=exclude_id)
    return list(duplicates[:5])


# --- Attendance options --------------------------------------------------------


def _status_label(status: str, reason: str) -> str:
    if not status:
        return "—"
    if status == Attendance.Status.ABSENT and reason:
        return f"{Attendance.Status(status).label}（{Attendance.AbsenceReason(reason).label}）"
    return str(Attendance.Status(status).label)


@dataclass(frozen=True, slots=True)
class ListedMember:
    """What the checklist shows of a member: read as values, not as model instances, since a
    group can have thousands."""

    pk: int
    name: str
    member_number: str


@dataclass
class AttendanceChoice:
    member: ListedMember
    status: str = ""  # "" means not recorded
    reason: str = ""


@dataclass
class AttendanceSection:
    title: str
    group_id: int | None
    rows: list[AttendanceChoice] = field(default_factory=list)
    limit: int | None = None  # the page shows at most this many rows (`bounded`)

    @property
    def is_large(self) -> bool:
        """Too many members to list: the page shows the chosen ones and a search for the rest."""
        return self.limit is not None and len(self.rows) > self.limit

    @property
    def shown(self) -> list[AttendanceChoice]:
        if not self.is_large:
            return self.rows
        return [row for row in self.rows if row.status][: self.limit]

    @property
    def kept(self) -> list[AttendanceChoice]:
        """Chosen members beyond the shown rows: their choices are kept without a row each."""
        if not self.is_large:
            return []
        return [row for row in self.rows if row.status][self.limit :]

    @property
    def unlisted_count(self) -> int:
        return len(self.rows) - len(self.shown) - len(self.kept)


@dataclass
class AttendanceOptions:
    """The members whose attendance the user may record for an activity."""

    ready: bool  # False until groups and a date are chosen
    sections: list[AttendanceSection] = field(default_factory=list)

    @property
    def member_ids(self) -> set[int]:
        """Everyone listed, incl. recorded attendees who no longer qualify (so they can be cleared)."""
        return {row.member.pk for section in self.sections for row in section.rows}

    @property
    def eligible_ids(self) -> set[int]:
        """The members of the chosen groups on the date: the only ones who may be recorded."""
        return {row.member.pk for section in self.sections if section.group_id is not None for row in section.rows}

    @property
    def names(self) -> dict[int, str]:
        return {row.member.pk: row.member.name for section in self.sections for row in section.rows}

    @property
    def kept(self) -> list[tuple[int, str, str]]:
        """(member id, status, reason) of the chosen members whose rows the page does not show."""
        return [(row.member.pk, row.status, row.reason) for section in self.sections for row in section.kept]

    def bounded(self, limit: int) -> AttendanceOptions:
        """The options as a page shows them: a section of more than `limit` members lists only
        its chosen members (at most `limit`) and is searched for the others."""
        for section in self.sections:
            section.limit = limit
        return self


def attendance_groups(*, user, groups: Iterable[SectorGroup]) -> list[SectorGroup]:
    """The chosen groups whose members this user may record: a leader records only their own group."""
    groups = list(groups)
    if roles.role_of(user) == roles.LEADER:
        return [group for group in groups if group.pk == user.sector_group_id]
    return groups


def attendance_options(
    *,
    user,
    groups: Iterable[SectorGroup],
    day: datetime.date | None,
    activity: Activity | None = None,
    selected: dict[int, tuple[str, str]] | None = None,
) -> AttendanceOptions:
    """Members of the groups on `day`, grouped by group, plus the activity's recorded attendees.

    `selected` (what the user already chose) wins over what is recorded. Two
    or three queries whatever the number of members.
    """
    groups = attendance_groups(user=user, groups=groups)
    if not groups or day is None:
        return AttendanceOptions(ready=False)
    memberships = (
        GroupMembership.objects.filter(membership_covers(day), group__in=groups)
        .order_by("member__member_number", "member_id")
        .values_list("group_id", "member_id", "member__name", "member__member_number")
    )
    recorded: dict[int, tuple] = {}
    if activity is not None and activity.pk:
        existing = activity.attendance.all()
        if roles.role_of(user) == roles.LEADER:
            existing = existing.filter(member__memberships__group_id=user.sector_group_id).distinct()
        fields = ("member_id", "member__name", "member__member_number", "status", "absence_reason")
        recorded = {row[0]: row for row in existing.order_by("member__member_number").values_list(*fields)}

    sections = {group.pk: AttendanceSection(title=group.name, group_id=group.pk) for group in groups}
    seen: set[int] = set()
    for group_id, member_id, name, number in memberships:
        if member_id in seen:
            continue
        seen.add(member_id)
        sections[group_id].rows.append(AttendanceChoice(member=ListedMember(member_id, name, number)))
    others = AttendanceSection(title=_("Already recorded, not in these groups on this date"), group_id=None)
    for member_id, name, number, _status, _reason in recorded.values():
        if member_id not in seen:
            seen.add(member_id)
            others.rows.append(AttendanceChoice(member=ListedMember(member_id, name, number)))
    result = [*sections.values(), *([others] if others.rows else [])]

    for section in result:
        for choice in section.rows:
            member_id = choice.member.pk
            if selected is not None:
                choice.status, choice.reason = selected.get(member_id, ("", ""))
            elif member_id in recorded:
                choice.status, choice.reason = recorded[member_id][3:]
    return AttendanceOptions(ready=True, sections=result)


def attendance_search(
    *,
    user,
    groups: Iterable[SectorGroup],
    day: datetime.date | None,
    group_id: int,
    query: str,
    exclude: Iterable[int] = (),
    limit: int = 20,
) -> list[AttendanceChoice]:
    """At most `limit` members of one of the chosen groups on `day` whose name or number
    contains `query`, leaving out those the page already lists: a large group's checklist
    adds the members it records one search at a time."""
    groups = [group for group in attendance_groups(user=user, groups=groups) if group.pk == group_id]
    query = query.strip()
    if not groups or day is None or not query:
        return []
    members = (
        Member.objects.filter(
            Q(name__icontains=query) | Q(member_number__icontains=query),
            pk__in=GroupMembership.objects.filter(membership_covers(day), group__in=groups).values("member_id"),
        )
        .exclude(pk__in=list(exclude))
        .order_by("member_number", "pk")
        .values_list("pk", "name", "member_number")
    )
    return [AttendanceChoice(member=ListedMember(*row)) for row in members[:limit]]


# --- History ---------------------------------------------------------------------


def activity_history(*, user, activity: Activity, limit: int = 50) -> list[HistoryRow]:
    """The activity's field changes and its attendance changes, newest first.

    Attendance rows written by one save share the history date of the
    activity's own row of that save (see the service), so each save shows as
    one entry: "created" or "changed" with its attendance changes, or
    "attendance changed" when only the attendance changed. A group
    leader sees the activity's own changes and only the attendance changes of
    their own group's members (as in activity_attendance).
    """
    rows = history_rows(activity, limit=limit, **viewer_scope(user))
    records = Attendance.history.filter(activity_id=activity.pk)
    if not _sees_all_attendance(user):
        own = _own_members_on(group_id=user.sector_group_id, day=activity.date)
        records = records.filter(member_id__in=own.values("member_id"))
    records = records.select_related("history_user").order_by("history_date", "history_id")
    member_ids = {record.member_id for record in records}
    names = dict(Member.objects.filter(pk__in=member_ids).values_list("pk", "name")) if member_ids else {}
    last: dict[int, str] = {}
    batches: dict[object, HistoryRow] = {}
    for record in records:
        batch = batches.setdefault(
            record.history_date,
            HistoryRow(when=record.history_date, who=record.history_user, action=_("Attendance changed")),
        )
        old = last.get(record.member_id, "—")
        new = "—" if record.history_type == "-" else _status_label(record.status, record.absence_reason)
        last[record.member_id] = new
        if old != new:
            batch.changes.append((names.get(record.member_id, str(record.member_id)), old, new))
    saves = {row.when: row for row in rows}
    for when, batch in batches.items():
        if not batch.changes:
            continue
        if when in saves:
            saves[when].changes.extend(batch.changes)
        else:
            rows.append(batch)
    rows.sort(key=lambda row: row.when, reverse=True)
    for row in rows:
        if not may_see_user(user, row.who):
            row.who = _("Another group")
    return rows[:limit]
