"""Every member's records of a year, gathered once for the whole committee
(about ten queries whatever the number of members), and the year's rule rows
as the engine's RuleSet. The same gathering feeds the member's page, the
lists, the export, the what-if view, the frozen points and the documents, so
they all state the same figures.

What counts in which year (the engine filters by each item's date):
- attendance: held activities dated in the year (present, leave, absence);
- proposals: submitted in the year, or accepted (decided_on), made key
  (key_on), named excellent (excellent_year) or instructed in it;
- opinion reports: submitted in the year, or adopted or instructed in it;
- duty reports: given at a held December duty-report meeting of the year
  (activities.selectors.duty, the one rule of every page);
- contacts: made in the year, whatever group they were filed under;
- adjustments: appeals accepted for the year.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db.models import Q

from activities.models import (
    Activity,
    Attendance,
    Instruction,
    OpinionAdoption,
    OpinionReport,
    Proposal,
)
from activities.selectors.duty import duty_contacts, duty_reports_given
from sectors.models import GroupMembership

from .engine import (
    CO,
    FIRST,
    GROUP,
    AdjustmentFact,
    AdoptionFact,
    AttendanceFact,
    ContactFact,
    DutyReportFact,
    Grade,
    InstructionFact,
    MemberFacts,
    OpinionFact,
    ProposalFact,
    RuleSet,
)
from .models import PointAppeal, PointYear


def year_rule_set(*, committee_id: int, year: int) -> RuleSet:
    """The year's rules (three queries); an empty RuleSet when the year has none."""
    point_year = PointYear.objects.filter(committee_id=committee_id, year=year).first()
    if point_year is None:
        return RuleSet(year=year, points={})
    return rule_set_of(point_year)


def rule_set_of(point_year: PointYear) -> RuleSet:
    return RuleSet(
        year=point_year.year,
        points={rule.item: float(rule.points) for rule in point_year.rules.all()},
        caps={cap.category: float(cap.cap) for cap in point_year.caps.all()},
        grades=tuple(Grade(band.label, float(band.min_points), band.consequence) for band in point_year.grades.all()),
        collective_max=point_year.collective_max_members,
        co_share=float(point_year.co_share),
        highest_only=point_year.ladder_highest_only,
        preset=point_year.preset,
    )


def _in(year: int, field: str) -> Q:
    return Q(**{f"{field}__year": year})


class _Gathered:
    """The committee's rows for one year, each fetched by one query, indexed by member."""

    def __init__(self, committee_id: int, year: int, member_ids: list[int] | None) -> None:
        start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        wanted = (lambda field: Q(**{f"{field}__in": member_ids})) if member_ids is not None else (lambda field: Q())
        self.members: dict[int, tuple[str, str, int, str]] = {}
        memberships = (
            GroupMembership.objects.filter(wanted("member_id"), group__committee_id=committee_id, start_date__lte=end)
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
            .order_by("start_date", "id")
            .values_list("member_id", "member__name", "member__member_number", "group_id", "group__short_name")
        )
        for member_id, name, number, group_id, group_name in memberships:
            self.members[member_id] = (name, number, group_id, group_name)  # the latest of the year wins

        self.attendance: dict[int, list[AttendanceFact]] = defaultdict(list)
        marks = Attendance.objects.filter(
            wanted("member_id"),
            activity__committee_id=committee_id,
            activity__status=Activity.Status.HELD,
            activity__date__gte=start,
            activity__date__lte=end,
        ).values_list(
            "member_id",
            "activity_id",
            "activity__kind",
            "activity__date",
            "activity__title",
            "status",
            "absence_reason",
        )
        present = Attendance.Status.PRESENT
        for member_id, activity_id, kind, day, title, status, reason in marks:
            self.attendance[member_id].append(AttendanceFact(activity_id, kind, day, title, status == present, reason))

        self.proposals = self._proposals(committee_id, year, wanted)
        self.opinions = self._opinions(committee_id, year, wanted)

        self.duty_reports: dict[int, list[DutyReportFact]] = defaultdict(list)
        given = duty_reports_given(committee_id=committee_id, start=start, end=end).filter(wanted("member_id"))
        for pk, member_id, day, title in given.values_list("id", "member_id", "meeting__date", "title"):
            self.duty_reports[member_id].append(DutyReportFact(pk, day, title))

        self.contacts: dict[int, list[ContactFact]] = defaultdict(list)
        contacts = duty_contacts(committee_id=committee_id, start=start, end=end).filter(wanted("member_id"))
        for pk, member_id, constituent_id, day, name in contacts.values_list(
            "id", "member_id", "constituent_id", "contacted_on", "constituent__name"
        ):
            self.contacts[member_id].append(ContactFact(pk, constituent_id, day, name))

        self.adjustments: dict[int, list[AdjustmentFact]] = defaultdict(list)
        accepted = PointAppeal.objects.filter(
            wanted("member_id"), committee_id=committee_id, year=year, status=PointAppeal.Status.ACCEPTED
        ).exclude(adjustment=0)
        for pk, member_id, resolved_at, adjustment, label in accepted.values_list(
            "id", "member_id", "resolved_at", "adjustment", "item_label"
        ):
            day = min(resolved_at.date(), end) if resolved_at else end
            self.adjustments[member_id].append(AdjustmentFact(pk, day, float(adjustment), label))

    @staticmethod
    def _instructions(filter_q: Q, key: str) -> dict[int, list[InstructionFact]]:
        found: dict[int, list[InstructionFact]] = defaultdict(list)
        rows = Instruction.objects.filter(filter_q).values_list(key, "id", "level", "dated", "leader_title")
        for record_id, pk, level, day, title in rows.order_by("dated", "id"):
            found[record_id].append(InstructionFact(pk, level, day, title))
        return found

    def _proposals(self, committee_id: int, year: int, wanted) -> dict[int, list[ProposalFact]]:
        counted = Q(submitted_on__year=year) | Q(decided_on__year=year) | Q(key_on__year=year)
        counted |= Q(excellent_year=year) | Q(pk__in=Instruction.objects.filter(dated__year=year).values("proposal_id"))
        proposals = {
            row[0]: row
            for row in Proposal.objects.filter(counted, committee_id=committee_id).values_list(
                "id",
                "title",
                "submitted_on",
                "first_proposer_id",
                "is_group_proposal",
                "status",
                "decided_on",
                "key_on",
                "excellent_year",
                "group_id",
            )
        }
        instructions = self._instructions(Q(proposal_id__in=list(proposals)), "proposal_id")
        proposers: dict[int, list[int]] = defaultdict(list)
        links = Proposal.proposers.through.objects.filter(proposal_id__in=list(proposals)).order_by("id")
        for proposal_id, member_id in links.values_list("proposal_id", "member_id"):
            proposers[proposal_id].append(member_id)
        found: dict[int, list[ProposalFact]] = defaultdict(list)
        accepted_states = {"filed", "assigned", "answered", "handled"}
        for pk, (
            _,
            title,
            submitted,
            first,
            collective,
            status,
            decided,
            key_on,
            excellent,
            group_id,
        ) in proposals.items():
            members = proposers[pk]
            lead = first if first in members else (members[0] if len(members) == 1 else None)
            ordered = ([lead] if lead else []) + [m for m in members if m != lead]
            accepted_on = (decided or submitted) if status in accepted_states else None
            for position, member_id in enumerate(ordered):
                role = GROUP if collective else (FIRST if member_id == lead else CO)
                found[member_id].append(
                    ProposalFact(
                        pk,
                        title,
                        submitted,
                        role,
                        position,
                        accepted_on,
                        key_on,
                        excellent,
                        tuple(instructions.get(pk, ())),
                        group_id,
                    )
                )
        return found

    def _opinions(self, committee_id: int, year: int, wanted) -> dict[int, list[OpinionFact]]:
        counted = (
            Q(submitted_on__year=year)
            | Q(pk__in=OpinionAdoption.objects.filter(adopted_on__year=year).values("report_id"))
            | Q(pk__in=Instruction.objects.filter(dated__year=year).values("report_id"))
        )
        reports = {
            row[0]: row
            for row in OpinionReport.objects.filter(counted, committee_id=committee_id).values_list(
                "id", "title", "submitted_on", "group_id"
            )
        }
        adoptions: dict[int, list[AdoptionFact]] = defaultdict(list)
        rungs = OpinionAdoption.objects.filter(report_id__in=list(reports)).order_by("adopted_on", "id")
        for report_id, pk, level, day, body in rungs.values_list("report_id", "id", "level", "adopted_on", "body"):
            adoptions[report_id].append(AdoptionFact(pk, level, day, body))
        instructions = self._instructions(Q(report_id__in=list(reports)), "report_id")
        found: dict[int, list[OpinionFact]] = defaultdict(list)
        links = OpinionReport.submitters.through.objects.filter(opinionreport_id__in=list(reports))
        for report_id, member_id in links.values_list("opinionreport_id", "member_id"):
            _, title, submitted, group_id = reports[report_id]
            found[member_id].append(
                OpinionFact(
                    report_id,
                    title,
                    submitted,
                    tuple(adoptions.get(report_id, ())),
                    tuple(instructions.get(report_id, ())),
                    group_id,
                )
            )
        return found

    def facts(self) -> list[MemberFacts]:
        return [
            MemberFacts(
                member_id=member_id,
                name=name,
                number=number,
                group_id=group_id,
                group_name=group_name,
                attendance=tuple(self.attendance.get(member_id, ())),
                proposals=tuple(self.proposals.get(member_id, ())),
                opinions=tuple(self.opinions.get(member_id, ())),
                duty_reports=tuple(self.duty_reports.get(member_id, ())),
                contacts=tuple(self.contacts.get(member_id, ())),
                adjustments=tuple(self.adjustments.get(member_id, ())),
            )
            for member_id, (name, number, group_id, group_name) in self.members.items()
        ]


def year_facts(*, committee_id: int, year: int, member_ids: list[int] | None = None) -> list[MemberFacts]:
    """Every member who belonged to a group of the committee during `year` (or
    only those of `member_ids`), with all their records that count in the year."""
    return _Gathered(committee_id, year, member_ids).facts()
