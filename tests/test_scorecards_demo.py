"""The engine against an independent count of the demo data.

For three groups (a strong one, the demo leader's and a weak one) every rule's
value is counted again by a simple route, plain loops over all rows of each
table, and compared with what reports.scorecards.year_scores says. The demo is
seeded once for the module, inside a transaction rolled back at its end.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from types import SimpleNamespace

import pytest
from django.db import transaction

from activities.carriers import ActivityKind
from activities.models import Activity, ConstituentContact, DutyReport, GroupDocument, OpinionReport, Proposal
from demo.seed import demo_seed
from reports.models import Measure
from reports.scorecards import year_scores
from reports.scoring import Verdict
from sectors.models import GroupMembership, SectorGroup, Workstation

TODAY = datetime.date(2025, 12, 31)
YEAR = 2025
GROUPS = ["民盟", "致公党", "台盟"]
K = ActivityKind


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        result = demo_seed(today=TODAY)
        scores = year_scores(committee_id=result.committee.pk, year=YEAR, today=TODAY)
        yield SimpleNamespace(committee=result.committee, scores=scores, independent=_count_independently())
        transaction.set_rollback(True)


@pytest.fixture
def demo(seeded, db):
    return seeded


def _in_year(day: datetime.date) -> bool:
    return day.year == YEAR


def _covers(start, end, day) -> bool:
    return start <= day and (end is None or day <= end)


def _count_independently() -> dict[str, dict[str, float]]:
    """Every rule's value for the three groups, by plain loops over all rows."""
    groups = {g.short_name: g.pk for g in SectorGroup.objects.all()}
    memberships = list(GroupMembership.objects.all())
    activities = list(Activity.objects.prefetch_related("groups"))
    contacts = list(ConstituentContact.objects.all())
    duty_reports = list(DutyReport.objects.select_related("meeting"))
    documents = list(GroupDocument.objects.all())
    opinion = list(OpinionReport.objects.all())
    proposals = list(Proposal.objects.all())
    stations = list(Workstation.objects.all())
    counts = {}
    for name in GROUPS:
        gid = groups[name]
        held = [
            a for a in activities if a.status == "held" and _in_year(a.date) and gid in [g.pk for g in a.groups.all()]
        ]

        def kinds(*wanted, month=None, held=held):
            return sum(1 for a in held if a.kind in wanted and (month is None or a.date.month == month))

        on_31_dec = {m.member_id for m in memberships if m.group_id == gid and _covers(m.start_date, m.end_date, TODAY)}

        # The member's duty follows the member: all their work of the year, any
        # group, for the members of 31 December; reports count at a December meeting.
        people = defaultdict(set)
        for c in contacts:
            if _in_year(c.contacted_on) and c.member_id in on_31_dec:
                people[c.member_id].add(c.constituent_id)
        reporters = {
            r.member_id
            for r in duty_reports
            if r.member_id in on_31_dec
            and r.meeting is not None
            and r.meeting.kind == K.DUTY_REPORT
            and r.meeting.status == "held"
            and _in_year(r.meeting.date)
            and r.meeting.date.month == 12
        }
        plan = [d for d in documents if d.group_id == gid and d.year == YEAR and d.kind == "plan"]
        summary = [d for d in documents if d.group_id == gid and d.year == YEAR and d.kind == "summary"]
        size = len(on_31_dec)

        def share(n: int, size=size) -> float:
            return round(100 * n / size, 1) if size else 0

        counts[name] = {
            Measure.PLAN_FILED: sum(1 for d in plan if d.dated <= datetime.date(YEAR, 3, 31)),
            Measure.SUMMARY_FILED: sum(1 for d in summary if d.dated <= datetime.date(YEAR, 12, 31)),
            Measure.STUDY_MONTHS: len({a.date.month for a in held if a.kind == K.STUDY}),
            Measure.RESEARCH_INSPECTIONS: kinds(K.RESEARCH, K.INSPECTION),
            Measure.CONSULTATIONS: kinds(K.CONSULTATION),
            Measure.PROPOSALS: sum(1 for p in proposals if p.group_id == gid and _in_year(p.submitted_on)),
            Measure.OPINION_REPORTS: sum(1 for o in opinion if o.group_id == gid and _in_year(o.submitted_on)),
            Measure.WORKSTATION_OPINION_REPORTS: sum(
                1 for o in opinion if o.group_id == gid and _in_year(o.submitted_on) and o.workstation_id
            ),
            Measure.ACTIVE_WORKSTATIONS: sum(
                1
                for s in stations
                if s.group_id == gid
                and (min(s.closed_on or TODAY, TODAY) - max(s.established_on, datetime.date(YEAR, 1, 1))).days + 1 >= 90
            ),
            Measure.SERVICE_ACTIVITIES: kinds(K.SERVICE),
            Measure.DECEMBER_ACTIVITIES: kinds(K.SERVICE, month=12),
            Measure.FELLOWSHIP_ACTIVITIES: kinds(K.FELLOWSHIP),
            Measure.CONSTITUENTS_PER_MEMBER: share(sum(1 for ids in people.values() if len(ids) >= 3)),
            Measure.DUTY_REPORT_MEETINGS: kinds(K.DUTY_REPORT, month=12),
            Measure.DUTY_REPORTERS: share(len(reporters)),
            Measure.HIGHLIGHTS: sum(1 for a in held if a.is_highlight),
        }
    return counts


@pytest.mark.parametrize("name", GROUPS)
def test_the_engine_agrees_with_an_independent_count_of_the_demo_data(demo, name):
    group = SectorGroup.objects.get(short_name=name)
    engine = {r.measure: r.value for r in demo.scores.by_group_id[group.pk].rules}
    assert engine == demo.independent[name]


def test_the_demo_has_both_strong_and_weak_groups(demo):
    by_name = {g.group_name: g for g in demo.scores.groups}
    assert by_name["民盟"].total > 90
    # A weak demo group holds no duty-report meeting: due on 31 December, missed on 1 January.
    assert [r.measure for r in by_name["台盟"].hard_pending] == [Measure.DUTY_REPORT_MEETINGS]
    assert not by_name["台盟"].fails_hard
    next_day = year_scores(committee_id=demo.committee.pk, year=YEAR, today=TODAY + datetime.timedelta(days=1))
    weak = next(g for g in next_day.groups if g.group_name == "台盟")
    assert weak.fails_hard and weak.verdict == Verdict.NOT_MET
    assert len(demo.scores.groups) == 29
    # Competition ranking: equal totals share a rank (并列), so ranks run 1..29 with gaps.
    ranks = sorted(g.rank for g in demo.scores.groups)
    assert ranks[0] == 1 and ranks[-1] <= 29
    assert all(
        rank == 1 + sum(1 for g in demo.scores.groups if g.total > t.total)
        for rank, t in zip(ranks, sorted(demo.scores.groups, key=lambda g: -g.total), strict=True)
    )


def test_the_demo_leaders_scorecard_says_what_is_missing(demo, client, settings):
    from django.urls import reverse

    from sectors.models import User

    settings.PORTAL_TODAY = TODAY.isoformat()
    leader = User.objects.get(username="leader")
    client.force_login(leader)
    group = leader.sector_group
    page = client.get(reverse("scorecard", args=[group.pk]) + f"?year={YEAR}").content.decode()
    missing = [r for r in demo.scores.by_group_id[group.pk].rules if r.missing]
    assert missing, "the demo leader's group should have something left to do"
    for rule in missing:
        assert rule.missing in page


def test_the_dashboard_and_the_scorecards_count_the_same_members_meeting_the_contact_rule(demo):
    from reports.figures import period_figures

    figures = period_figures(demo.committee.pk, datetime.date(YEAR, 1, 1), datetime.date(YEAR, 12, 31))
    met = sum(
        len(r.evidence) for g in demo.scores.groups for r in g.rules if r.measure == Measure.CONSTITUENTS_PER_MEMBER
    )
    assert figures.members_meeting_contact_rule == met > 0
