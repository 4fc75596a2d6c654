"""year_scores: the facts of every group gathered from the database (joint
activities, memberships by date, year boundaries) in a fixed number of queries."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from activities.carriers import ActivityKind, Carrier, Have
from activities.models import Activity, ConstituentContact, DutyReport, GroupDocument, OpinionReport
from reports.models import DEFAULT_REQUIREMENTS, AssessmentYear, Measure, Requirement
from reports.scorecards import year_scores
from reports.scoring import Verdict
from reports.setup import assessment_year_ensure, assessment_year_fill
from sectors.models import Constituent, GroupMembership, Member, Workstation

from .factories import make_activity, make_group, make_member

Y = 2025
D = datetime.date
K = ActivityKind
DEC31 = D(Y, 12, 31)


@pytest.fixture
def rules(committee):
    return assessment_year_ensure(committee=committee, year=Y)


def score(committee, group, today=DEC31, year=Y):
    return year_scores(committee_id=committee.pk, year=year, today=today).by_group_id[group.pk]


def rule(group_score, measure):
    return next(r for r in group_score.rules if r.measure == measure)


def test_the_defaults_are_the_issues_table(rules):
    rows = {r.measure: r for r in rules.requirements.all()}
    assert len(rows) == len(DEFAULT_REQUIREMENTS) == 16
    assert rows[Measure.CONSULTATIONS].is_hard and rows[Measure.DUTY_REPORT_MEETINGS].is_hard
    assert rows[Measure.PLAN_FILED].deadline == D(Y, 3, 31)
    assert rows[Measure.STUDY_MONTHS].deadline is None
    assert (rows[Measure.STUDY_MONTHS].threshold, rows[Measure.STUDY_MONTHS].carrier) == (12, Carrier.STUDY_DAY)
    assert (rows[Measure.ACTIVE_WORKSTATIONS].have, rows[Measure.ACTIVE_WORKSTATIONS].carrier) == ("", "workstation")
    assert rows[Measure.DUTY_REPORTERS].threshold == 80
    assert rows[Measure.CONSTITUENTS_PER_MEMBER].per_member == 3


def test_a_joint_activity_counts_fully_for_each_group_that_held_it(committee, group_a, group_b, leader_member, rules):
    make_member(group_b)  # both groups can act (a group without members is not judged)
    joint = make_activity([group_a, group_b], kind=K.CONSULTATION, date=D(Y, 5, 9))
    for group in (group_a, group_b):
        consultations = rule(score(committee, group), Measure.CONSULTATIONS)
        assert (consultations.value, consultations.verdict) == (1, Verdict.MET)
        assert [e.id for e in consultations.evidence] == [joint.pk]
        assert consultations.evidence[0].url == f"/activities/{joint.pk}/"


def test_31_december_counts_for_its_year_and_1_january_for_the_next(committee, group_a, rules):
    make_activity([group_a], kind=K.SERVICE, date=D(Y, 12, 31))
    make_activity([group_a], kind=K.SERVICE, date=D(Y + 1, 1, 1))
    make_activity([group_a], kind=K.SERVICE, date=D(Y - 1, 12, 31))
    assert rule(score(committee, group_a), Measure.SERVICE_ACTIVITIES).value == 1
    assert rule(score(committee, group_a), Measure.DECEMBER_ACTIVITIES).value == 1


def test_planned_activities_do_not_count(committee, group_a, leader_member, rules):
    make_activity([group_a], kind=K.CONSULTATION, date=D(Y, 5, 9), status=Activity.Status.PLANNED)
    assert rule(score(committee, group_a), Measure.CONSULTATIONS).verdict == Verdict.NOT_MET


def _contact(member, group, constituent, day):
    return ConstituentContact.objects.create(
        group=group, member=member, constituent=constituent, way=ConstituentContact.Way.PHONE, contacted_on=day
    )


def test_a_member_who_moved_mid_year_is_judged_on_all_the_years_work_by_the_group_of_the_day(
    committee, group_a, group_b, rules
):
    mover = make_member(group_b, "周迁移", since=D(2022, 1, 1), until=D(Y, 6, 30))
    GroupMembership.objects.create(member=mover, group=group_a, start_date=D(Y, 7, 1))
    people = [Constituent.objects.create(committee=committee, name=f"群众{i}") for i in range(4)]
    for person in people[:3]:
        _contact(mover, group_b, person, D(Y, 3, 1))  # while in B
    _contact(mover, group_a, people[3], D(Y, 8, 1))  # in A
    constituents_a = rule(score(committee, group_a), Measure.CONSTITUENTS_PER_MEMBER)
    assert constituents_a.members_counted == 1  # on 31 December only the mover is in A
    assert constituents_a.value == 100.0  # the duty follows the member: 4 constituents, in B and A
    # On 31 December the mover no longer belongs to B: B has no members, the share is not applicable.
    assert rule(score(committee, group_b), Measure.CONSTITUENTS_PER_MEMBER).verdict == Verdict.NA
    # In May, the mover belongs to B, with three constituents so far.
    in_may = rule(score(committee, group_b, today=D(Y, 5, 31)), Measure.CONSTITUENTS_PER_MEMBER)
    assert (in_may.members_counted, in_may.value, in_may.verdict) == (1, 100.0, Verdict.MET)


def test_duty_reporters_are_a_share_of_the_members_on_31_december(committee, group_a, leader_member, rules):
    others = [make_member(group_a) for _ in range(4)]
    meeting = make_activity([group_a], kind=K.DUTY_REPORT, date=D(Y, 12, 20))
    for person in [leader_member, *others[:3]]:
        DutyReport.objects.create(group=group_a, member=person, meeting=meeting, title="述职", reported_on=D(Y, 12, 20))
    result = score(committee, group_a)
    assert rule(result, Measure.DUTY_REPORT_MEETINGS).verdict == Verdict.MET
    reporters = rule(result, Measure.DUTY_REPORTERS)
    assert (reporters.value, reporters.verdict, reporters.members_counted) == (80.0, Verdict.MET, 5)
    assert {e.id for e in reporters.evidence} == {leader_member.pk, *(m.pk for m in others[:3])}


def test_an_empty_group_is_not_applicable_for_shares(committee, group_a, rules):
    empty = make_group(committee, "空界别", "空", order=9)
    result = score(committee, empty)
    assert rule(result, Measure.CONSTITUENTS_PER_MEMBER).verdict == Verdict.NA
    assert rule(result, Measure.DUTY_REPORTERS).verdict == Verdict.NA
    assert result.member_count == 0


def test_a_year_without_rules_scores_nothing_but_lists_every_group(committee, group_a, group_b):
    scores = year_scores(committee_id=committee.pk, year=Y, today=D(Y, 6, 1))
    assert not scores.has_rules
    assert {g.group_id for g in scores.groups} == {group_a.pk, group_b.pk}
    assert all(g.verdict == Verdict.NA and g.rules == [] for g in scores.groups)


def test_the_years_rules_as_staff_changed_them_are_used(committee, group_a, leader_member, rules):
    make_activity([group_a], kind=K.SERVICE, date=D(Y, 5, 1))
    Requirement.objects.filter(assessment_year=rules, measure=Measure.SERVICE_ACTIVITIES).update(threshold=1)
    Requirement.objects.filter(assessment_year=rules, measure=Measure.HIGHLIGHTS).update(threshold=0)
    result = score(committee, group_a)
    assert rule(result, Measure.SERVICE_ACTIVITIES).verdict == Verdict.MET
    assert rule(result, Measure.HIGHLIGHTS).verdict == Verdict.OFF


def test_the_plan_deadline_comes_from_the_year_when_the_rule_has_none(committee, group_a, leader_member, rules):
    Requirement.objects.filter(assessment_year=rules, measure=Measure.PLAN_FILED).update(deadline=None)
    AssessmentYear.objects.filter(pk=rules.pk).update(plan_deadline=D(Y, 2, 28))
    GroupDocument.objects.create(group=group_a, year=Y, kind="plan", title="计划", dated=D(Y, 3, 1))
    plan = rule(score(committee, group_a), Measure.PLAN_FILED)
    assert (plan.deadline, plan.value, plan.verdict) == (D(Y, 2, 28), 0, Verdict.NOT_MET)


def test_records_of_the_group_in_the_year_are_the_evidence(committee, group_a, group_b, leader_member, rules):
    report = OpinionReport.objects.create(committee=committee, group=group_a, title="报告", submitted_on=D(Y, 4, 1))
    OpinionReport.objects.create(committee=committee, group=group_b, title="别组", submitted_on=D(Y, 4, 1))
    reports = rule(score(committee, group_a), Measure.OPINION_REPORTS)
    assert [(e.kind, e.id, e.url) for e in reports.evidence] == [
        ("opinion_report", report.pk, f"/opinion-reports/{report.pk}/")
    ]
    assert reports.have == Have.PROPOSALS_INFORMATION and not reports.carrier


def test_the_workstation_carrier_counts_only_reports_that_came_through_a_station(committee, group_a, rules):
    station = Workstation.objects.create(
        group=group_a, name="驿站", host_kind=Workstation.HostKind.STUDIO, established_on=D(Y - 1, 1, 1)
    )
    OpinionReport.objects.create(committee=committee, group=group_a, title="直报", submitted_on=D(Y, 4, 1))
    through = OpinionReport.objects.create(
        committee=committee, group=group_a, title="站报", submitted_on=D(Y, 5, 1), workstation=station
    )
    result = score(committee, group_a)
    assert rule(result, Measure.OPINION_REPORTS).value == 2
    station_reports = rule(result, Measure.WORKSTATION_OPINION_REPORTS)
    assert [e.id for e in station_reports.evidence] == [through.pk]
    assert station_reports.carrier == Carrier.WORKSTATION
    assert [r.measure for r in result.carriers[Carrier.WORKSTATION].rules] == [
        Measure.WORKSTATION_OPINION_REPORTS,
        Measure.ACTIVE_WORKSTATIONS,
    ]


def test_a_station_open_two_days_of_the_year_is_not_an_active_one(committee, group_a, leader_member, rules):
    def station(name, since, until=None):
        return Workstation.objects.create(
            group=group_a, name=name, host_kind=Workstation.HostKind.STUDIO, established_on=since, closed_on=until
        )

    station("年末新设", D(Y, 12, 30))
    station("年初关闭", D(Y - 1, 3, 1), D(Y, 1, 2))
    assert rule(score(committee, group_a), Measure.ACTIVE_WORKSTATIONS).value == 0
    kept = station("常设", D(Y - 1, 3, 1))
    active = rule(score(committee, group_a), Measure.ACTIVE_WORKSTATIONS)
    assert ([e.id for e in active.evidence], active.verdict) == ([kept.pk], Verdict.MET)
    # The number of days is the year's rule value.
    Requirement.objects.filter(assessment_year=rules, measure=Measure.ACTIVE_WORKSTATIONS).update(days_open=1)
    assert rule(score(committee, group_a, today=D(Y + 1, 1, 2)), Measure.ACTIVE_WORKSTATIONS).value == 3


def test_a_year_without_rules_is_filled_from_the_last_year_with_rules_else_the_defaults(committee):
    assessment, source = assessment_year_fill(committee=committee, year=2024)
    assert source == "defaults" and assessment.requirements.count() == 16
    Requirement.objects.filter(assessment_year=assessment, measure=Measure.SERVICE_ACTIVITIES).update(threshold=5)
    Requirement.objects.filter(assessment_year=assessment, measure=Measure.PLAN_FILED).update(deadline=D(2024, 2, 29))
    copied, source = assessment_year_fill(committee=committee, year=2025)
    assert source == "copied"
    rows = {r.measure: r for r in copied.requirements.all()}
    assert rows[Measure.SERVICE_ACTIVITIES].threshold == 5
    assert rows[Measure.PLAN_FILED].deadline == D(2025, 2, 28)
    assert copied.plan_deadline == D(2025, 3, 31)
    again, _ = assessment_year_fill(committee=committee, year=2025)
    assert again.requirements.count() == 16  # nothing doubled


# --- a fixed number of queries ---------------------------------------------------------


def _busy_committee(committee, groups: int, members_per_group: int, prefix: str = "甲"):
    made = [make_group(committee, f"{prefix}界别{i}", f"{prefix}{i}", order=i) for i in range(groups)]
    people = Constituent.objects.create(committee=committee, name="群众")
    for group in made:
        members = [make_member(group) for _ in range(members_per_group)]
        make_activity([group, made[0]], kind=K.STUDY, date=D(Y, 3, 1), attendees=members)
        _contact(members[0], group, people, D(Y, 4, 1))
        DutyReport.objects.create(group=group, member=members[-1], title="述职", reported_on=D(Y, 12, 1))


def _queries(committee) -> int:
    with CaptureQueriesContext(connection) as captured:
        year_scores(committee_id=committee.pk, year=Y, today=D(Y, 12, 31))
    return len(captured)


def test_scoring_3_or_29_groups_takes_the_same_number_of_queries(committee, rules):
    _busy_committee(committee, 3, 2)
    few = _queries(committee)
    _busy_committee(committee, 26, 2, prefix="乙")
    assert _queries(committee) == few == 10


def test_scoring_10_or_500_members_takes_the_same_number_of_queries(committee, rules):
    _busy_committee(committee, 1, 10)
    few = _queries(committee)
    group = make_group(committee, "大界别", "大", order=99)
    Member.objects.bulk_create(
        Member(committee=committee, member_number=f"B{i:04d}", name=f"批量{i}", gender="M") for i in range(490)
    )
    GroupMembership.objects.bulk_create(
        GroupMembership(member=m, group=group, start_date=D(2022, 1, 1))
        for m in Member.objects.filter(member_number__startswith="B")
    )
    assert _queries(committee) == few
    assert year_scores(committee_id=committee.pk, year=Y, today=D(Y, 12, 31)).by_group_id[group.pk].member_count == 490
