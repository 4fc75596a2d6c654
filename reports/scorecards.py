"""Scorecards: the facts of every group for a year, gathered in a fixed number
of queries, judged by the pure engine (reports.scoring).

`year_scores` is the public entry point (see /work/notes/scoring-contract.md):
ten queries for the whole committee, whatever the number of groups, members
or records. What counts for a group:
- held activities of the year, joint ones fully for every group that held them;
- records (reports, proposals) filed under the group, dated in the year;
- workstations open at some time in the year, with the days each is open in
  it (active: at least the year's days_open, activities.carriers); reports
  that came through a station count apart for the workstation carrier;
- for shares of members: the members who belonged to the group on the
  reference day (31 December, or today during the year), each judged on all
  their work of the year in any group (activities.carriers, "The member's duty
  follows the member").
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q
from django.http import Http404
from django.utils.translation import get_language

from activities.carriers import ActivityKind
from activities.models import (
    Activity,
    GroupDocument,
    OpinionReport,
    Proposal,
)
from activities.selectors.duty import duty_contacts, duty_reports_given
from portal import cache as freshness
from portal import clock
from portal.paging import url_maker
from sectors.models import GroupMembership, SectorGroup, Workstation
from sectors.roster.selectors import committee_groups

from .measures import MEASURES
from .models import AssessmentYear, ClosedYear, Measure, Requirement, ScoreSnapshot
from .scoring import (
    ActivityFact,
    Context,
    Evidence,
    GroupFacts,
    GroupScore,
    MemberFact,
    OfficialRow,
    Rule,
    RuleResult,
    Verdict,
    YearScores,
    can_act,
    official_label,
    uncounted_kinds,
    with_official,
    year_scores_of,
)
from .selectors.members import MemberYear, cached_group_member_years, spans_cover

__all__ = ["Scorecard", "YearScores", "official_year_scores", "scorecard_for", "year_rules", "year_scores"]


def effective_deadline(requirement: Requirement, assessment: AssessmentYear) -> datetime.date | None:
    """A rule's own deadline, else its measure's default (reports.measures): the
    year's plan or summary deadline, no single day for monthly study, 31 December."""
    return requirement.deadline or MEASURES[requirement.measure].default_deadline(assessment)


def rule_of(requirement: Requirement, assessment: AssessmentYear) -> Rule:
    return Rule(
        measure=requirement.measure,
        label=str(MEASURES[requirement.measure].label),
        have=requirement.have or None,
        carrier=requirement.carrier or None,
        threshold=float(requirement.threshold),
        weight=float(requirement.weight),
        deadline=effective_deadline(requirement, assessment),
        is_hard=requirement.is_hard,
        per_member=requirement.per_member,
        days_open=requirement.days_open,
    )


def year_rules(*, committee_id: int, year: int) -> list[Rule]:
    """The year's rules in the order of the measures (one query)."""
    requirements = Requirement.objects.filter(
        assessment_year__committee_id=committee_id, assessment_year__year=year
    ).select_related("assessment_year")
    rules = [rule_of(r, r.assessment_year) for r in requirements]
    order = {measure: position for position, measure in enumerate(MEASURES)}
    return sorted(rules, key=lambda rule: order[rule.measure])


class _Gathered:
    """The committee's rows for one year, each fetched by one query, indexed by group."""

    def __init__(self, committee_id: int, year: int) -> None:
        start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        self.activities: dict[int, list[ActivityFact]] = defaultdict(list)
        activity_url = url_maker("activity_detail")
        links = Activity.groups.through.objects.filter(
            activity__committee_id=committee_id,
            activity__date__gte=start,
            activity__date__lte=end,
            activity__status=Activity.Status.HELD,
        ).values_list(
            "sectorgroup_id",
            "activity_id",
            "activity__kind",
            "activity__date",
            "activity__title",
            "activity__is_highlight",
        )
        for group_id, pk, kind, date, title, highlight in links.order_by("activity__date", "activity_id"):
            self.activities[group_id].append(ActivityFact(pk, kind, date, title, activity_url(pk), highlight))

        # Reports that came through a station count apart for the workstation carrier.
        self.opinion_reports: dict[int, list[Evidence]] = defaultdict(list)
        self.station_reports: dict[int, list[Evidence]] = defaultdict(list)
        report_url = url_maker("opinionreport_detail")
        reports = OpinionReport.objects.filter(committee_id=committee_id, submitted_on__range=(start, end))
        for pk, group_id, title, on, station in reports.order_by("submitted_on", "id").values_list(
            "id", "group_id", "title", "submitted_on", "workstation_id"
        ):
            evidence = Evidence("opinion_report", pk, title, report_url(pk), on)
            self.opinion_reports[group_id].append(evidence)
            if station is not None:
                self.station_reports[group_id].append(evidence)
        self.proposals = self._records(
            Proposal.objects.filter(committee_id=committee_id, submitted_on__range=(start, end)),
            "submitted_on",
            "proposal",
            url_maker("proposal_detail"),
        )
        stations = Workstation.objects.filter(group__committee_id=committee_id, established_on__lte=end).filter(
            Q(closed_on__isnull=True) | Q(closed_on__gte=start)  # open at some time in the year (reports.figures)
        )
        # Stations open at some time in the year, with the days each was open
        # (active stations: activities.carriers).
        self.workstations: dict[int, list[Evidence]] = defaultdict(list)
        self.station_days: dict[int, list[tuple[int, int]]] = defaultdict(list)
        station_url = url_maker("workstation_detail")
        for station in stations.order_by("established_on", "id").only(
            "id", "group_id", "name", "established_on", "closed_on"
        ):
            evidence = Evidence(
                "workstation", station.pk, station.name, station_url(station.pk), station.established_on
            )
            self.workstations[station.group_id].append(evidence)
            self.station_days[station.group_id].append((station.pk, station.days_open(start, end)))
        self.documents: dict[tuple[int, str], Evidence] = {}
        document_url = url_maker("document_detail")
        documents = GroupDocument.objects.filter(group__committee_id=committee_id, year=year)
        for pk, group_id, kind, title, dated in documents.values_list("id", "group_id", "kind", "title", "dated"):
            self.documents[(group_id, kind)] = Evidence("document", pk, title, document_url(pk), dated)

        # Memberships overlapping the year: whose days in which group.
        self.spans: dict[int, dict[int, list[tuple[datetime.date, datetime.date | None]]]] = defaultdict(dict)
        self.names: dict[int, str] = {}
        memberships = GroupMembership.objects.filter(group__committee_id=committee_id, start_date__lte=end).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=start)
        )
        for member_id, group_id, since, until, name in memberships.values_list(
            "member_id", "group_id", "start_date", "end_date", "member__name"
        ):
            self.spans[group_id].setdefault(member_id, []).append((since, until))
            self.names[member_id] = name

        # The member's duty follows the member (activities.carriers): all their
        # contacts and duty reports of the year, whatever group they were filed under.
        self.contacts: dict[int, list[tuple[int, datetime.date]]] = defaultdict(list)
        contacts = duty_contacts(committee_id=committee_id, start=start, end=end)
        for member_id, constituent_id, on in contacts.values_list("member_id", "constituent_id", "contacted_on"):
            self.contacts[member_id].append((constituent_id, on))

        self.reports: dict[int, list[datetime.date]] = defaultdict(list)
        reports = duty_reports_given(committee_id=committee_id, start=start, end=end)
        for member_id, on in reports.values_list("member_id", "meeting__date"):
            self.reports[member_id].append(on)

    @staticmethod
    def _records(queryset, date_field: str, kind: str, url, label: str = "title") -> dict[int, list[Evidence]]:
        found: dict[int, list[Evidence]] = defaultdict(list)
        for pk, group_id, title, on in queryset.order_by(date_field, "id").values_list(
            "id", "group_id", label, date_field
        ):
            found[group_id].append(Evidence(kind, pk, title, url(pk), on))
        return found

    def members_on(self, group_id: int, day: datetime.date, member_url) -> tuple[MemberFact, ...]:
        """The group's members on `day` (the span's end), each with all their
        contacts and duty reports of the year (activities.carriers)."""
        members = []
        for member_id, spans in self.spans.get(group_id, {}).items():
            if not spans_cover(spans, day):
                continue
            contacts = tuple(self.contacts.get(member_id, ()))
            reported = tuple(self.reports.get(member_id, ()))
            members.append(MemberFact(member_id, self.names[member_id], member_url(member_id), contacts, reported))
        return tuple(sorted(members, key=lambda m: m.member_id))

    def facts(self, group: dict, day: datetime.date, member_url) -> GroupFacts:
        pk = group["id"]
        members = self.members_on(pk, day, member_url)
        return GroupFacts(
            group_id=pk,
            group_name=group["short_name"],
            sort_order=group["sort_order"],
            activities=tuple(self.activities.get(pk, ())),
            opinion_reports=tuple(self.opinion_reports.get(pk, ())),
            proposals=tuple(self.proposals.get(pk, ())),
            workstations=tuple(self.workstations.get(pk, ())),
            workstation_days=tuple(self.station_days.get(pk, ())),
            workstation_opinion_reports=tuple(self.station_reports.get(pk, ())),
            plan=self.documents.get((pk, GroupDocument.Kind.PLAN)),
            summary=self.documents.get((pk, GroupDocument.Kind.SUMMARY)),
            members=members,
            can_act=can_act(members),
        )


def year_facts(*, committee_id: int, year: int, today: datetime.date) -> list[GroupFacts]:
    """Every active group's facts for the year (nine queries)."""
    groups = list(
        SectorGroup.objects.filter(committee_id=committee_id, is_active=True)
        .order_by("sort_order", "id")
        .values("id", "short_name", "sort_order")
    )
    gathered = _Gathered(committee_id, year)
    day = Context(year=year, today=today).reference_day
    member_url = url_maker("member_detail")
    return [gathered.facts(group, day, member_url) for group in groups]


def year_scores(*, committee_id: int, year: int, today: datetime.date | None = None) -> YearScores:
    """Every active group of the committee scored for `year` and ranked, judged
    on `today` (by default portal.clock.today()). Ten queries in all, then kept
    until the records change (portal.cache)."""
    today = today or clock.today()
    return freshness.cached(
        "year-scores", (committee_id, today, get_language()), lambda: _year_scores(committee_id, year, today), year=year
    )


def official_year_scores(*, committee_id: int, year: int, today: datetime.date | None = None) -> YearScores:
    """What pages and exports state for `year`: a closed year's official result
    (reports.scoring.with_official, the live figure beside it), else the live scores.
    Two queries more than year_scores."""
    live = year_scores(committee_id=committee_id, year=year, today=today)
    closed = ClosedYear.objects.filter(committee_id=committee_id, year=year).values_list("computed_for", flat=True)
    closed_on = closed.first()
    if closed_on is None:
        return live
    snapshots = ScoreSnapshot.objects.filter(group__committee_id=committee_id, year=year, official=True)
    rows = [
        OfficialRow(pk, float(total), rank, verdict, fails_hard, rules)
        for pk, total, rank, verdict, fails_hard, rules in snapshots.values_list(
            "group_id", "total", "rank", "verdict", "fails_hard", "rules"
        )
    ]
    return with_official(live, rows, closed_on)


def _year_scores(committee_id: int, year: int, today: datetime.date) -> YearScores:
    rules = year_rules(committee_id=committee_id, year=year)
    facts = year_facts(committee_id=committee_id, year=year, today=today)
    return year_scores_of(facts, rules, Context(year=year, today=today))


# --- one group's scorecard page -------------------------------------------------------


@dataclass(frozen=True)
class MonthCell:
    month: int
    held: bool  # a study session was held in the month
    over: bool  # the month is over (a missing session can no longer be made up)


@dataclass(frozen=True)
class ScorecardMember:
    year: MemberYear
    short_of_constituents: bool  # counted for the share and below the per-member target
    not_reported: bool  # counted for the share and has not reported


@dataclass(frozen=True)
class Scorecard:
    group: SectorGroup
    year: int
    today: datetime.date
    reference_day: datetime.date
    scores: YearScores
    score: GroupScore
    members: list[ScorecardMember]
    months: list[MonthCell]
    constituent_target: int | None  # None when the rule is off or absent
    duty_reporters_rule: bool

    @property
    def group_count(self) -> int:
        return self.scores.ranked_count

    @property
    def official_text(self) -> str:
        return official_label(self.scores.closed_on)

    @property
    def is_past(self) -> bool:
        """The year is over: what is missing can no longer be done ("this year" would mislead)."""
        return self.year < self.today.year

    @property
    def uncounted_kinds(self) -> str:
        """Activity types that count toward no rule this year (reports.scoring.uncounted_kinds), named."""
        return "、".join(str(ActivityKind(kind).label) for kind in uncounted_kinds(self.score.rules))


def _rule(score: GroupScore, measure: str) -> RuleResult | None:
    return next((r for r in score.rules if r.measure == measure and r.verdict != Verdict.OFF), None)


def scorecard_for(*, user, group_id: int, year: int, today: datetime.date | None = None) -> Scorecard:
    """A group's scorecard for `year`: 404 outside the user's groups (a leader's
    other groups). The whole committee is scored, for the rank."""
    group = committee_groups(user).filter(pk=group_id, is_active=True).first()
    if group is None:
        raise Http404
    today = today or clock.today()
    scores = official_year_scores(committee_id=group.committee_id, year=year, today=today)
    score = scores.by_group_id.get(group.pk)
    if score is None:  # deactivated since it was looked up (the scores read the groups again)
        raise Http404
    reference_day = Context(year=year, today=today).reference_day
    constituents = _rule(score, Measure.CONSTITUENTS_PER_MEMBER)
    reporters = _rule(score, Measure.DUTY_REPORTERS)
    target = constituents.per_member if constituents is not None else None
    # The members' table cached as the scores are (one group: 13 ms, against 100 ms for all 29).
    group_rows = cached_group_member_years(group_id=group.pk, year=year, reference_day=reference_day)
    members = [
        ScorecardMember(
            year=row,
            short_of_constituents=target is not None and row.belongs_on and row.constituents < target,
            not_reported=reporters is not None and row.belongs_on and row.duty_reports == 0,
        )
        for row in group_rows
    ]
    held = set(score.study_months)
    months = [MonthCell(m, m in held, (year, m) < (today.year, today.month)) for m in range(1, 13)]
    return Scorecard(
        group=group,
        year=year,
        today=today,
        reference_day=reference_day,
        scores=scores,
        score=score,
        members=members,
        months=months,
        constituent_target=target,
        duty_reporters_rule=reporters is not None,
    )
