"""How each figure of the year-end report is counted, defined once.

Every page, export and command takes its figures from `period_figures` (or
`figures_for_periods` for several periods at once): the home page's carrier
summary, the chairman's dashboard, its Excel/JSON/print exports and
`manage.py year_report`.

The rules, for any period (both ends included):
- only HELD activities dated within the period count;
- 人次 (participant-times) counts attendances: members marked present plus the
  activity's other participants, summed over activities (one member at 12
  sessions counts 12); 人 (people) counts distinct members; "groups that held
  X" counts distinct groups;
- a joint activity counts once in the committee's totals and once for each of
  its groups in per-group figures;
- a group's figures (a group leader's view) count the group's activities and,
  at them, only the attendance of members whose membership of that group
  covers the activity's date: partner groups' members at a joint activity are
  not theirs (the rule of the activity page, activities.selectors.activity);
  other participants (a number, not people) count in full;
- study sessions are activities of the study type only; trainings are counted
  apart (`training_sessions`).
- members who reached the constituent target are the members of a group (this
  group) on the period's last day, judged on all their contacts of the period
  in any group, as the scorecards' shares (activities.carriers);
- duty-report meetings and reporters count the meetings held in December
  (activities.carriers.DUTY_REPORT_MONTH), reporters only at those meetings;
- adoptions and key proposals count in the period they were decided
  (`adopted_on`, `key_on`), not the one they were submitted in.

Cost: a fixed number of queries (`QUERIES`), however many periods and rows,
because each period is a conditional aggregate (`Count(filter=…)`) in the same
statement rather than a statement of its own.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, Sum, Value, When
from django.utils.translation import gettext_lazy as _

from activities.carriers import DEFAULT_CONSTITUENTS_PER_MEMBER, ActivityKind
from activities.models import Activity, Attendance, ConstituentContact, OpinionReport, Proposal
from activities.selectors.duty import duty_contacts, duty_reports_given
from sectors.models import GroupMembership, SectorGroup, Workstation, membership_covers

from .models import Measure, Requirement

# Queries one call of figures_for_periods makes, whatever the data or the number of periods.
QUERIES = 14

ADOPTED_LEVELS = {
    "city": OpinionReport.Status.ADOPTED_CITY,
    "province": OpinionReport.Status.ADOPTED_PROVINCE,
    "national": OpinionReport.Status.ADOPTED_NATIONAL,
}


@dataclass(frozen=True)
class Period:
    """A span of days, both ends included."""

    start: datetime.date
    end: datetime.date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("A period ends on or after its start.")

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(datetime.date(year, 1, 1), datetime.date(year, 12, 31))

    @property
    def is_calendar_year(self) -> bool:
        return (self.start.month, self.start.day, self.end.month, self.end.day) == (1, 1, 12, 31) and (
            self.start.year == self.end.year
        )

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The period just before, of the same shape: the year before for a year
        or a year-long span (May–April), as many whole months before for whole
        months, else as many days just before."""
        if _shift_year(self.start, 1) - datetime.timedelta(days=1) == self.end:
            return Period(_shift_year(self.start, -1), self.start - datetime.timedelta(days=1))
        after_end = self.end + datetime.timedelta(days=1)
        if self.start.day == 1 and after_end.day == 1:  # whole months: as many months before
            months = (after_end.year - self.start.year) * 12 + after_end.month - self.start.month
            index = self.start.year * 12 + self.start.month - 1 - months
            return Period(datetime.date(index // 12, index % 12 + 1, 1), self.start - datetime.timedelta(days=1))
        return Period(self.start - datetime.timedelta(days=self.days), self.start - datetime.timedelta(days=1))

    def __str__(self) -> str:
        if self.is_calendar_year:
            return str(self.start.year)
        return f"{self.start.isoformat()} – {self.end.isoformat()}"


def _shift_year(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


# The figures, in the order the report states them. Every key here is in the
# JSON of the dashboard and of `year_report` (README, "Dashboard figures").
FIGURE_KEYS = (
    "groups",
    "activities_held",
    "participant_times",
    "study_sessions",
    "study_participant_times",
    "training_sessions",
    "workstations",
    "workstations_established",
    "workstation_opinion_reports",
    "consultation_meetings",
    "consultation_participant_times",
    "service_activities",
    "december_service_activities",
    "duty_report_groups",
    "duty_reporters",
    "opinion_reports",
    "opinion_reports_adopted",
    "proposals",
    "key_proposals",
    "constituent_contacts",
    "constituents",
    "members_meeting_contact_rule",
    "members",
    "participating_members",
)

# The figures shown as headline cards and over the years (the article's five, and their 人次).
HEADLINE_KEYS = (
    "study_sessions",
    "study_participant_times",
    "workstations",
    "workstation_opinion_reports",
    "consultation_meetings",
    "consultation_participant_times",
    "service_activities",
    "december_service_activities",
    "duty_report_groups",
    "duty_reporters",
)


@dataclass(frozen=True)
class PeriodFigures:
    period: Period
    group_id: int | None
    group_name: str  # empty for the committee's totals
    groups: int
    activities_held: int
    participant_times: int
    study_sessions: int
    study_participant_times: int
    training_sessions: int
    workstations: int  # kept open: open on some day of the period (运行)
    workstations_established: int  # set up within the period (建立)
    workstation_opinion_reports: int
    consultation_meetings: int
    consultation_participant_times: int
    service_activities: int
    december_service_activities: int
    duty_report_groups: int
    duty_reporters: int
    opinion_reports: int
    opinion_reports_adopted: int
    proposals: int
    key_proposals: int
    constituent_contacts: int
    constituents: int
    members_meeting_contact_rule: int
    members: int
    participating_members: int
    constituent_target: int
    opinion_reports_adopted_by_level: dict[str, int] = field(default_factory=dict)
    as_of: datetime.date | None = None  # set when the period is still running (running_span)

    @property
    def bulletin_zh(self) -> str:
        from .bulletin import bulletin_zh

        return bulletin_zh(self)

    @property
    def bulletin_en(self) -> str:
        from .bulletin import bulletin_en

        return bulletin_en(self)

    def as_dict(self) -> dict:
        """Every figure key (FIGURE_KEYS), the adoption levels and both bulletins."""
        data = {key: getattr(self, key) for key in FIGURE_KEYS}
        data["opinion_reports_adopted_by_level"] = dict(self.opinion_reports_adopted_by_level)
        data["constituent_target"] = self.constituent_target
        data["as_of"] = self.as_of.isoformat() if self.as_of else None
        data["bulletin_zh"] = self.bulletin_zh
        data["bulletin_en"] = self.bulletin_en
        return data

    def without_bulletin(self) -> dict:
        data = asdict(self)
        data.pop("period")
        data.pop("as_of")
        return data


def period_figures(
    committee_id: int, start: datetime.date, end: datetime.date, group_id: int | None = None
) -> PeriodFigures:
    """Every figure of one period: the committee's totals, or one group's."""
    return figures_for_periods(committee_id, [Period(start, end)], group_id=group_id)[0]


def figures_for_periods(
    committee_id: int, periods: Sequence[Period], group_id: int | None = None
) -> list[PeriodFigures]:
    """Every figure for each period, in QUERIES queries whatever the number of periods."""
    periods = list(periods)
    lo, hi = min(p.start for p in periods), max(p.end for p in periods)
    group_name = ""
    if group_id is not None:
        group_name = SectorGroup.objects.filter(pk=group_id).values_list("short_name", flat=True).first() or ""
    parts = [
        _activity_figures(committee_id, group_id, periods, lo, hi),
        _attendance_figures(committee_id, group_id, periods, lo, hi),
        _duty_report_groups(committee_id, group_id, periods, lo, hi),
        _workstation_figures(committee_id, group_id, periods, lo, hi),
        _opinion_report_figures(committee_id, group_id, periods, lo, hi),
        _proposal_figures(committee_id, group_id, periods, lo, hi),
        _adoption_figures(committee_id, group_id, periods, lo, hi),
        _key_proposal_figures(committee_id, group_id, periods, lo, hi),
        _contact_figures(committee_id, group_id, periods, lo, hi),
        _member_figures(committee_id, group_id, periods, lo, hi),
        _duty_reporters(committee_id, group_id, periods, lo, hi),
    ]
    groups = (
        1 if group_id is not None else SectorGroup.objects.filter(committee_id=committee_id, is_active=True).count()
    )
    return [
        PeriodFigures(
            period=period, group_id=group_id, group_name=group_name, groups=groups, **_combined(parts, i, group_id)
        )
        for i, period in enumerate(periods)
    ]


def headline_for_periods(committee_id: int, periods: Sequence[Period]) -> list[dict[str, int]]:
    """The committee's HEADLINE_KEYS only, for many periods (the dashboard's
    years since 2019): the queries of figures_for_periods that they need, and
    no per-member distinct count (HEADLINE_QUERIES queries)."""
    periods = list(periods)
    lo, hi = min(p.start for p in periods), max(p.end for p in periods)
    parts = [
        _activity_figures(committee_id, None, periods, lo, hi),
        _attendance_figures(committee_id, None, periods, lo, hi, distinct_members=False),
        _duty_report_groups(committee_id, None, periods, lo, hi),
        _workstation_figures(committee_id, None, periods, lo, hi),
        _opinion_report_figures(committee_id, None, periods, lo, hi),
        _duty_reporters(committee_id, None, periods, lo, hi),
    ]
    combined = (_combined(parts, i, None) for i in range(len(periods)))
    return [{key: values[key] for key in HEADLINE_KEYS} for values in combined]


HEADLINE_QUERIES = 6


def _combined(parts: list[list[dict]], i: int, group_id: int | None) -> dict:
    values: dict = {}
    for part in parts:
        values.update(part[i])
    # 人次 = members present + other participants.
    values["participant_times"] = values.pop("present_all") + values.pop("others_all")
    values["study_participant_times"] = values.pop("present_study") + values.pop("others_study")
    values["consultation_participant_times"] = values.pop("present_consultation") + values.pop("others_consultation")
    duty_meetings = values.pop("duty_meetings")
    if group_id is not None:
        values["duty_report_groups"] = 1 if duty_meetings else 0
    return values


# --- one query each ------------------------------------------------------------------------


def _within(period: Period, path: str) -> Q:
    return Q(**{f"{path}__gte": period.start, f"{path}__lte": period.end})


def _disjoint(periods: Sequence[Period]) -> bool:
    ordered = sorted(periods, key=lambda p: p.start)
    return all(a.end < b.start for a, b in zip(ordered, ordered[1:], strict=False))


def _by_period(queryset, periods: Sequence[Period], path: str, measures: dict) -> list[dict[str, int]]:
    """One aggregate statement: each measure (name → (Aggregate class, expression,
    extra Q, kwargs)) once per period.

    Periods that do not overlap (a period and the one before; calendar years)
    are one pass grouped by the period each row falls in; overlapping ones are
    one pass with a filtered aggregate per period and measure."""
    if _disjoint(periods):
        bucket = Case(
            *(When(_within(p, path), then=Value(i)) for i, p in enumerate(periods)),
            default=Value(-1),
            output_field=IntegerField(),
        )
        aggregates = {
            name: function(expression, filter=extra if extra else None, **kwargs)
            for name, (function, expression, extra, kwargs) in measures.items()
        }
        rows = {
            row["bucket"]: row
            for row in queryset.annotate(bucket=bucket).values("bucket").annotate(**aggregates).order_by()
        }
        return [{name: (rows.get(i) or {}).get(name) or 0 for name in measures} for i in range(len(periods))]
    aggregates = {}
    for i, period in enumerate(periods):
        inside = _within(period, path)
        for name, (function, expression, extra, kwargs) in measures.items():
            aggregates[f"{name}__{i}"] = function(expression, filter=inside & extra, **kwargs)
    row = queryset.aggregate(**aggregates)
    return [{name: row[f"{name}__{i}"] or 0 for name in measures} for i in range(len(periods))]


def _decembers(lo: datetime.date, hi: datetime.date, path: str) -> Q:
    """Days in a December between lo and hi, as date ranges (plain comparisons use
    the date index; a month extraction is a function call per row on SQLite)."""
    q = Q(pk__in=[])
    for year in range(lo.year, hi.year + 1):
        q |= Q(**{f"{path}__gte": datetime.date(year, 12, 1), f"{path}__lte": datetime.date(year, 12, 31)})
    return q


def _held(committee_id: int, group_id: int | None, lo: datetime.date, hi: datetime.date, prefix: str = ""):
    lookups = {
        f"{prefix}committee_id": committee_id,
        f"{prefix}status": Activity.Status.HELD,
        f"{prefix}date__gte": lo,
        f"{prefix}date__lte": hi,
    }
    if group_id is not None:
        lookups[f"{prefix}groups"] = group_id
    return lookups


def _activity_figures(committee_id, group_id, periods, lo, hi) -> list[dict[str, int]]:
    kind = ActivityKind
    everything = Q()
    return _by_period(
        Activity.objects.filter(**_held(committee_id, group_id, lo, hi)),
        periods,
        "date",
        {
            "activities_held": (Count, "id", everything, {}),
            "study_sessions": (Count, "id", Q(kind=kind.STUDY), {}),
            "training_sessions": (Count, "id", Q(kind=kind.TRAINING), {}),
            "consultation_meetings": (Count, "id", Q(kind=kind.CONSULTATION), {}),
            "service_activities": (Count, "id", Q(kind=kind.SERVICE), {}),
            "december_service_activities": (Count, "id", Q(kind=kind.SERVICE) & _decembers(lo, hi, "date"), {}),
            "duty_meetings": (Count, "id", _duty_meetings(lo, hi), {}),
            "others_all": (Sum, "other_participants", everything, {}),
            "others_study": (Sum, "other_participants", Q(kind=kind.STUDY), {}),
            "others_consultation": (Sum, "other_participants", Q(kind=kind.CONSULTATION), {}),
        },
    )


def _attendance_figures(committee_id, group_id, periods, lo, hi, distinct_members=True) -> list[dict[str, int]]:
    present = Attendance.objects.filter(
        status=Attendance.Status.PRESENT, **_held(committee_id, group_id, lo, hi, "activity__")
    )
    if group_id is not None:
        # The group's own members only: membership of this group on the activity's date.
        own = GroupMembership.objects.filter(
            membership_covers(OuterRef("activity__date")), group_id=group_id, member_id=OuterRef("member_id")
        )
        present = present.filter(Exists(own))
    kind = ActivityKind
    return _by_period(
        present,
        periods,
        "activity__date",
        {
            "present_all": (Count, "id", Q(), {}),
            "present_study": (Count, "id", Q(activity__kind=kind.STUDY), {}),
            "present_consultation": (Count, "id", Q(activity__kind=kind.CONSULTATION), {}),
        }
        | ({"participating_members": (Count, "member_id", Q(), {"distinct": True})} if distinct_members else {}),
    )


def _duty_meetings(lo: datetime.date, hi: datetime.date, prefix: str = "") -> Q:
    """The year's duty-report meetings: held in December (activities.carriers,
    DUTY_REPORT_MONTH), as the scorecards' rule counts them."""
    return Q(**{f"{prefix}kind": ActivityKind.DUTY_REPORT}) & _decembers(lo, hi, f"{prefix}date")


def _duty_report_groups(committee_id, group_id, periods, lo, hi) -> list[dict[str, int]]:
    """Distinct groups of the held duty-report meetings of a December (a meeting
    counts whether or not reports were recorded at it; joint meetings count for
    each group)."""
    if group_id is not None:
        return [{} for period in periods]  # one group: from its duty meetings, above
    links = Activity.groups.through.objects.filter(
        _duty_meetings(lo, hi, "activity__"), **_held(committee_id, None, lo, hi, "activity__")
    )
    return _by_period(
        links, periods, "activity__date", {"duty_report_groups": (Count, "sectorgroup_id", Q(), {"distinct": True})}
    )


def _workstation_figures(committee_id, group_id, periods, lo, hi) -> list[dict[str, int]]:
    """Stations kept open (运行: set up on or before the period's end and not
    closed before its start) and stations set up (建立: set up within the
    period). The bulletin's 「建立界别工作站N个」 is the second: the article's
    36 were set up in the model's first year."""
    stations = Workstation.objects.filter(group__committee_id=committee_id)
    if group_id is not None:
        stations = stations.filter(group_id=group_id)
    kept = {
        f"n{i}": Count(
            "id",
            filter=Q(established_on__lte=p.end) & (Q(closed_on__isnull=True) | Q(closed_on__gte=p.start)),
        )
        for i, p in enumerate(periods)
    }
    set_up = {f"e{i}": Count("id", filter=_within(p, "established_on")) for i, p in enumerate(periods)}
    row = stations.aggregate(**kept, **set_up)
    return [{"workstations": row[f"n{i}"], "workstations_established": row[f"e{i}"]} for i in range(len(periods))]


def _opinion_report_figures(committee_id, group_id, periods, lo, hi) -> list[dict]:
    reports = OpinionReport.objects.filter(committee_id=committee_id, submitted_on__gte=lo, submitted_on__lte=hi)
    if group_id is not None:
        reports = reports.filter(group_id=group_id)
    measures = {
        "opinion_reports": (Count, "id", Q(), {}),
        "workstation_opinion_reports": (Count, "id", Q(workstation__isnull=False), {}),
    }
    return _by_period(reports, periods, "submitted_on", measures)


# Outcomes count in the year they were decided, not the year the record was
# submitted: an adoption (采用) by its `adopted_on`, a key proposal (重点提案) by
# its `key_on`. Why: a report submitted in December and adopted in March counts
# once, in March's year, and a decision taken after a year is closed never
# changes that year's figures.
def _adoption_figures(committee_id, group_id, periods, lo, hi) -> list[dict]:
    adopted = OpinionReport.objects.filter(
        committee_id=committee_id, status__in=list(ADOPTED_LEVELS.values()), adopted_on__gte=lo, adopted_on__lte=hi
    )
    if group_id is not None:
        adopted = adopted.filter(group_id=group_id)
    measures = {"opinion_reports_adopted": (Count, "id", Q(), {})}
    measures |= {f"adopted_{level}": (Count, "id", Q(status=status), {}) for level, status in ADOPTED_LEVELS.items()}
    rows = _by_period(adopted, periods, "adopted_on", measures)
    for row in rows:
        row["opinion_reports_adopted_by_level"] = {level: row.pop(f"adopted_{level}") for level in ADOPTED_LEVELS}
    return rows


def _key_proposal_figures(committee_id, group_id, periods, lo, hi) -> list[dict[str, int]]:
    key = Proposal.objects.filter(committee_id=committee_id, is_key=True, key_on__gte=lo, key_on__lte=hi)
    if group_id is not None:
        key = key.filter(group_id=group_id)
    return _by_period(key, periods, "key_on", {"key_proposals": (Count, "id", Q(), {})})


def _proposal_figures(committee_id, group_id, periods, lo, hi) -> list[dict[str, int]]:
    proposals = Proposal.objects.filter(committee_id=committee_id, submitted_on__gte=lo, submitted_on__lte=hi)
    if group_id is not None:
        proposals = proposals.filter(group_id=group_id)
    return _by_period(proposals, periods, "submitted_on", {"proposals": (Count, "id", Q(), {})})


def _contacts(committee_id, group_id, lo, hi):
    contacts = ConstituentContact.objects.filter(
        group__committee_id=committee_id, contacted_on__gte=lo, contacted_on__lte=hi
    )
    return contacts.filter(group_id=group_id) if group_id is not None else contacts


def _contact_figures(committee_id, group_id, periods, lo, hi) -> list[dict[str, int]]:
    """Contacts and distinct constituents (one query), and the members who kept
    in touch with at least the year's target of distinct constituents (one
    query grouped by member, about as many rows as members, and one for the
    targets of the periods' years)."""
    contacts = _contacts(committee_id, group_id, lo, hi)
    rows = _by_period(
        contacts,
        periods,
        "contacted_on",
        {
            "constituent_contacts": (Count, "id", Q(), {}),
            "constituents": (Count, "constituent_id", Q(), {"distinct": True}),
        },
    )
    per_member = _members_meeting_contact_rule(committee_id, group_id, periods, lo, hi)
    targets = constituent_targets(committee_id, {p.end.year for p in periods})
    counts = list(per_member.order_by())
    for i, (period, row) in enumerate(zip(periods, rows, strict=True)):
        target = targets[period.end.year]
        row["constituent_target"] = target
        row["members_meeting_contact_rule"] = sum(1 for m in counts if m[f"on{i}"] and m[f"n{i}"] >= target)
    return rows


def _members_meeting_contact_rule(committee_id, group_id, periods, lo, hi):
    """Per member: distinct constituents in each period from ALL their contacts
    (any group), and whether they belong, on the period's last day, to an active
    group (this group, for one group's figures). The member's duty follows the
    member (activities.carriers): the same members and counts as the scorecards'
    shares, so the dashboard's count is the sum of the scorecards' members who
    meet the rule."""
    belongs = GroupMembership.objects.filter(member_id=OuterRef("member_id"), group__is_active=True)
    if group_id is not None:
        belongs = belongs.filter(group_id=group_id)
    contacts = duty_contacts(committee_id=committee_id, start=lo, end=hi)
    return contacts.values("member_id").annotate(
        **{
            f"n{i}": Count("constituent_id", distinct=True, filter=_within(p, "contacted_on"))
            for i, p in enumerate(periods)
        },
        **{f"on{i}": Exists(belongs.filter(membership_covers(p.end))) for i, p in enumerate(periods)},
    )


def constituent_targets(committee_id: int, years: set[int]) -> dict[int, int]:
    """The distinct constituents each member should reach in each year (one query):
    the year's rule (reports.models.Requirement), else the article's 3."""
    found = dict(
        Requirement.objects.filter(
            assessment_year__committee_id=committee_id,
            assessment_year__year__in=years,
            measure=Measure.CONSTITUENTS_PER_MEMBER,
        ).values_list("assessment_year__year", "per_member")
    )
    return {year: found.get(year) or DEFAULT_CONSTITUENTS_PER_MEMBER for year in years}


def _member_figures(committee_id, group_id, periods, lo, hi) -> list[dict[str, int]]:
    """Members belonging to a group (this group, for one group) at any time in the period."""
    memberships = GroupMembership.objects.filter(group__committee_id=committee_id, start_date__lte=hi).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=lo)
    )
    if group_id is not None:
        memberships = memberships.filter(group_id=group_id)
    row = memberships.aggregate(
        **{
            f"n{i}": Count(
                "member_id",
                distinct=True,
                filter=Q(start_date__lte=p.end) & (Q(end_date__isnull=True) | Q(end_date__gte=p.start)),
            )
            for i, p in enumerate(periods)
        }
    )
    return [{"members": row[f"n{i}"]} for i in range(len(periods))]


def _duty_reporters(committee_id, group_id, periods, lo, hi) -> list[dict[str, int]]:
    """Distinct members who reported at a held duty-report meeting dated within
    the period (activities.selectors.duty: a report filed without a meeting
    does not count; the meeting's date decides the period)."""
    reports = duty_reports_given(committee_id=committee_id, start=lo, end=hi)
    if group_id is not None:
        reports = reports.filter(group_id=group_id)
    return _by_period(
        reports, periods, "meeting__date", {"duty_reporters": (Count, "member_id", Q(), {"distinct": True})}
    )


# What each figure is called on pages and in exports (the keys stay English in JSON).
FIGURE_LABELS = {
    "groups": _("Sector activity groups"),
    "activities_held": _("Activities held"),
    "participant_times": _("Participant-times at all activities"),
    "study_sessions": _("Study sessions"),
    "study_participant_times": _("Participant-times at study sessions"),
    "training_sessions": _("Trainings"),
    "workstations": _("Sector workstations kept open"),
    "workstations_established": _("Sector workstations set up"),
    "workstation_opinion_reports": _("Public-opinion reports through workstations"),
    "consultation_meetings": _("Sector consultation meetings"),
    "consultation_participant_times": _("Participant-times at consultation meetings"),
    "service_activities": _("Service activities"),
    "december_service_activities": _("Service activities in December"),
    "duty_report_groups": _("Groups that held a duty-report meeting"),
    "duty_reporters": _("Members who reported on their duties"),
    "opinion_reports": _("Public-opinion reports"),
    "opinion_reports_adopted": _("Public-opinion reports adopted"),
    "proposals": _("Proposals"),
    "key_proposals": _("Key proposals"),
    "constituent_contacts": _("Constituent contacts"),
    "constituents": _("Constituents reached"),
    "members_meeting_contact_rule": _("Members who reached the constituent target"),
    "members": _("Members"),
    "participating_members": _("Members present at least once"),
}


# --- which periods may be asked for, and what an unfinished one is compared with ------------

# Years the portal's records can fall in (the dashboard's year field allows the same):
# a date outside would make no sense, and 9999-12-31 has no day after it to compare.
FIRST_DAY, LAST_DAY = datetime.date(2000, 1, 1), datetime.date(2100, 12, 31)
MAX_YEARS = 20


def period_problem(start: datetime.date, end: datetime.date) -> str | None:
    """Why a from–to period cannot be shown (a message), or None. The dashboard's
    form and `year_report` both ask here."""
    if end < start:
        return str(_("The period ends before it starts."))
    if (end - start).days > MAX_YEARS * 366:
        return str(_("A period may span at most %(n)s years.") % {"n": MAX_YEARS})
    if start < FIRST_DAY or end > LAST_DAY:
        return str(_("Dates must lie between %(first)s and %(last)s.") % {"first": FIRST_DAY, "last": LAST_DAY})
    return None


@dataclass(frozen=True)
class RunningSpan:
    """What a page states for a period: `shown` (the period, or its part up to
    today while it is still running), compared with `compared` (the same span
    before it), and `as_of` (today, when the period is still running)."""

    shown: Period
    compared: Period
    as_of: datetime.date | None


def running_span(period: Period, today: datetime.date) -> RunningSpan:
    """An unfinished period is never stated as if whole: its figures run to
    today and are compared with the same span of the period before (this year
    1 Jan – 4 Dec against last year 1 Jan – 4 Dec, not against all of last year),
    and every page and export says 「截至 12月4日」."""
    previous = period.previous()
    if not period.start <= today < period.end:
        return RunningSpan(period, previous, None)
    if previous.start == _shift_year(period.start, -1):
        end = _shift_year(today, -1)
    else:
        end = previous.start + (today - period.start)
    return RunningSpan(Period(period.start, today), Period(previous.start, min(end, previous.end)), today)


def as_of_zh(day: datetime.date) -> str:
    """The bulletin's words for a running period (data, not interface text: always Chinese)."""
    return f"截至{day.month}月{day.day}日"
