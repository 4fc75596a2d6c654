"""The pure scoring engine (reports.scoring), at every boundary of the rules.
No database: facts and rules are built by hand."""

from __future__ import annotations

import datetime

import pytest
from django.utils import translation

from activities.carriers import ActivityKind, Carrier, Have
from reports.models import Measure
from reports.scoring import (
    ActivityFact,
    Context,
    Evidence,
    GroupFacts,
    MemberFact,
    Rule,
    Verdict,
    group_score,
    months_left,
    rule_result,
    year_scores_of,
)

Y = 2025
D = datetime.date
DEC31 = D(Y, 12, 31)
MID_JUNE = D(Y, 6, 15)
MAY_DAY = D(Y, 5, 1)
K = ActivityKind


@pytest.fixture(autouse=True)
def _chinese():
    with translation.override("zh-hans"):
        yield


def ctx(today: datetime.date = MID_JUNE) -> Context:
    return Context(year=Y, today=today)


def rule(measure: str, threshold: float = 1, **fields) -> Rule:
    return Rule(
        measure=measure,
        label=str(Measure(measure).label),
        have=fields.pop("have", Have.ACTIVITIES_SERVICES),
        carrier=fields.pop("carrier", None),
        threshold=threshold,
        deadline=fields.pop("deadline", DEC31),
        **fields,
    )


_ids = iter(range(1, 10_000))


def act(kind: str = K.SERVICE, day: datetime.date = MAY_DAY, **fields) -> ActivityFact:
    pk = next(_ids)
    return ActivityFact(pk, kind, day, f"活动{pk}", f"/activities/{pk}/", **fields)


def facts(**fields) -> GroupFacts:
    return GroupFacts(group_id=fields.pop("group_id", 1), group_name=fields.pop("name", "民盟"), **fields)


def member(pk: int, constituents: int = 0, reported: bool = False) -> MemberFact:
    contacts = tuple((100 * pk + i, D(Y, 3, 1)) for i in range(constituents))
    return MemberFact(pk, f"委员{pk}", f"/members/{pk}/", contacts, (D(Y, 12, 20),) if reported else ())


# --- counts at the threshold --------------------------------------------------------


def test_it_meets_a_rule_exactly_at_its_threshold():
    two = facts(activities=(act(), act()))
    result = rule_result(rule(Measure.SERVICE_ACTIVITIES, 2), two, ctx())
    assert (result.value, result.verdict, result.score, result.missing) == (2, Verdict.MET, 1.0, "")
    assert [e.kind for e in result.evidence] == ["activity", "activity"]
    assert result.evidence[0].url.startswith("/activities/")


def test_one_below_the_threshold_is_partly_met_with_what_is_missing_and_by_when():
    result = rule_result(rule(Measure.SERVICE_ACTIVITIES, 2), facts(activities=(act(),)), ctx())
    assert result.verdict == Verdict.PARTLY
    assert result.score == 0.5
    assert result.missing == "还需 1 次界别服务活动，截止 12月31日"
    assert not result.overdue


def test_nothing_done_is_not_met():
    result = rule_result(rule(Measure.RESEARCH_INSPECTIONS), facts(), ctx())
    assert (result.verdict, result.score) == (Verdict.NOT_MET, 0.0)
    assert result.missing == "还需 1 次调研视察活动，截止 12月31日"


def test_only_the_measures_kinds_count():
    done = facts(activities=(act(K.RESEARCH), act(K.INSPECTION), act(K.STUDY)))
    assert rule_result(rule(Measure.RESEARCH_INSPECTIONS, 2), done, ctx()).value == 2


def test_a_changed_threshold_changes_the_verdict():
    one = facts(activities=(act(K.CONSULTATION),))
    assert rule_result(rule(Measure.CONSULTATIONS, 1), one, ctx()).verdict == Verdict.MET
    assert rule_result(rule(Measure.CONSULTATIONS, 3), one, ctx()).verdict == Verdict.PARTLY


def test_a_threshold_of_zero_switches_the_rule_off_and_out_of_the_total():
    score = group_score(
        facts(activities=(act(),)),
        [rule(Measure.SERVICE_ACTIVITIES, 1), rule(Measure.HIGHLIGHTS, 0, have=Have.INNOVATION_HIGHLIGHTS)],
        ctx(),
    )
    off = score.rules[1]
    assert (off.verdict, off.missing) == (Verdict.OFF, "")
    assert score.total == 100.0
    assert score.verdict == Verdict.MET
    assert score.haves[Have.INNOVATION_HIGHLIGHTS].verdict == Verdict.NA


# --- deadlines ------------------------------------------------------------------------


def test_a_rule_is_not_overdue_on_its_deadline_day_and_overdue_the_day_after():
    plan = rule(Measure.PLAN_FILED, have=Have.PLAN_SUMMARY, deadline=D(Y, 3, 31))
    on_the_day = rule_result(plan, facts(), ctx(D(Y, 3, 31)))
    assert (on_the_day.overdue, on_the_day.missing) == (False, "请于 3月31日 前提交工作计划")
    day_after = rule_result(plan, facts(), ctx(D(Y, 4, 1)))
    assert (day_after.overdue, day_after.verdict) == (True, Verdict.NOT_MET)
    assert day_after.missing == "计划已逾期（截止 3月31日）"


def test_a_plan_dated_on_the_deadline_counts_and_one_dated_the_day_after_does_not():
    plan = rule(Measure.PLAN_FILED, have=Have.PLAN_SUMMARY, deadline=D(Y, 3, 31))
    on_time = Evidence("document", 7, "计划", "/documents/7/", D(Y, 3, 31))
    late = Evidence("document", 7, "计划", "/documents/7/", D(Y, 4, 1))
    assert rule_result(plan, facts(plan=on_time), ctx(D(Y, 5, 1))).verdict == Verdict.MET
    result = rule_result(plan, facts(plan=late), ctx(D(Y, 5, 1)))
    assert (result.value, result.verdict) == (0, Verdict.NOT_MET)
    assert result.evidence == [late]
    assert result.missing == "工作计划逾期提交（截止 3月31日）"


def test_records_after_a_rules_own_deadline_do_not_count():
    early = rule(Measure.CONSULTATIONS, deadline=D(Y, 6, 30))
    result = rule_result(early, facts(activities=(act(K.CONSULTATION, D(Y, 7, 1)),)), ctx(D(Y, 7, 2)))
    assert (result.value, result.overdue, result.verdict) == (0, True, Verdict.NOT_MET)
    assert rule_result(early, facts(activities=(act(K.CONSULTATION, D(Y, 6, 30)),)), ctx()).verdict == Verdict.MET


def test_a_partly_met_rule_whose_deadline_passed_is_not_met():
    service = rule(Measure.SERVICE_ACTIVITIES, 2)
    one = facts(activities=(act(),))
    assert rule_result(service, one, ctx(DEC31)).verdict == Verdict.PARTLY
    after = rule_result(service, one, ctx(D(Y + 1, 1, 1)))
    assert (after.verdict, after.overdue) == (Verdict.NOT_MET, True)
    assert after.missing == "已逾期（截止 12月31日）：仅完成 1/2 次界别服务活动"
    assert after.score == 0.5  # the score still counts what was done


def test_december_rules_count_december_only():
    done = facts(activities=(act(day=D(Y, 11, 30)), act(day=D(Y, 12, 1)), act(K.DUTY_REPORT, D(Y, 11, 30))))
    assert rule_result(rule(Measure.DECEMBER_ACTIVITIES), done, ctx()).value == 1
    assert rule_result(rule(Measure.DUTY_REPORT_MEETINGS, have=None), done, ctx()).value == 0


# --- study months (each month) --------------------------------------------------------


def study_rule(threshold: int = 12) -> Rule:
    return rule(Measure.STUDY_MONTHS, threshold, have=Have.STUDY_TRAINING, carrier=Carrier.STUDY_DAY, deadline=None)


def test_study_months_count_months_with_a_study_session_not_sessions_nor_trainings():
    done = facts(
        activities=(act(K.STUDY, D(Y, 1, 1)), act(K.STUDY, D(Y, 1, 15)), act(K.STUDY, D(Y, 2, 1)), act(K.TRAINING))
    )
    result = rule_result(study_rule(), done, ctx(D(Y, 2, 10)))
    assert (result.value, result.verdict, result.overdue) == (2, Verdict.PARTLY, False)
    assert len(result.evidence) == 3
    assert result.missing == "还需 10 个月举办界别学习日活动（每月一次）"


def test_study_months_are_overdue_once_a_month_passed_without_one():
    jan = facts(activities=(act(K.STUDY, D(Y, 1, 1)),))
    # 1 February: January had one, February is still open: 12 can be reached.
    assert not rule_result(study_rule(), jan, ctx(D(Y, 2, 28))).overdue
    # 1 March: February passed without one: 12 months can no longer be reached.
    missed = rule_result(study_rule(), jan, ctx(D(Y, 3, 1)))
    assert (missed.overdue, missed.verdict) == (True, Verdict.NOT_MET)
    assert missed.missing == "已无法达到 12 个月：2月 没有学习会"
    # With a lower threshold there is room to miss a month.
    assert not rule_result(study_rule(11), jan, ctx(D(Y, 3, 1))).overdue


def test_months_left_counts_the_current_month_and_later_ones_without_a_session():
    assert months_left(ctx(D(Y, 12, 31)), []) == 1
    assert months_left(ctx(D(Y, 12, 31)), [12]) == 0
    assert months_left(ctx(D(Y + 1, 1, 1)), []) == 0
    assert months_left(ctx(D(Y - 1, 12, 31)), [3]) == 11


# --- shares of members ---------------------------------------------------------------


def share_rule(threshold: float = 80) -> Rule:
    return rule(Measure.DUTY_REPORTERS, threshold, have=None, carrier=Carrier.DUTY_REPORT)


def test_a_share_of_members_is_met_exactly_at_the_threshold():
    five = facts(members=tuple(member(i, reported=i <= 4) for i in range(1, 6)))
    result = rule_result(share_rule(80), five, ctx())
    assert (result.value, result.verdict, result.unit, result.members_counted) == (80.0, Verdict.MET, "%", 5)
    assert [e.kind for e in result.evidence] == ["member"] * 4


def test_a_share_one_member_short_is_partly_met_and_says_how_many_more():
    five = facts(members=tuple(member(i, reported=i <= 3) for i in range(1, 6)))
    result = rule_result(share_rule(80), five, ctx())
    assert (result.value, result.verdict) == (60.0, Verdict.PARTLY)
    assert result.missing == "还需 1 名委员在述职会上述职，截止 12月31日"


def test_constituents_count_distinct_people_against_the_per_member_target():
    rule_3 = rule(
        Measure.CONSTITUENTS_PER_MEMBER, 100, have=Have.FELLOWSHIP_EXCHANGE, carrier=Carrier.E_NETWORK, per_member=3
    )
    same_person_thrice = MemberFact(1, "甲", "", ((9, D(Y, 1, 1)), (9, D(Y, 2, 1)), (9, D(Y, 3, 1))))
    three = member(2, constituents=3)
    result = rule_result(rule_3, facts(members=(same_person_thrice, three)), ctx())
    assert (result.value, result.verdict) == (50.0, Verdict.PARTLY)
    assert result.missing == "还需 1 名委员各联系至少 3 名界别群众，截止 12月31日"


def test_a_group_without_members_is_not_applicable_not_100_percent():
    score = group_score(facts(), [share_rule(), rule(Measure.SERVICE_ACTIVITIES)], ctx())
    assert score.rules[0].verdict == Verdict.NA
    assert score.carriers[Carrier.DUTY_REPORT].verdict == Verdict.NA
    assert score.total == 0.0  # only the service rule counts, and it is not met
    assert score.member_count == 0


# --- hard rules, areas, totals, ranks ---------------------------------------------------


def test_a_missed_hard_rule_fails_the_group_whatever_its_score():
    hard = rule(Measure.CONSULTATIONS, 2, have=Have.CONSULTATION_SUPERVISION, is_hard=True, weight=1)
    rules = [hard, rule(Measure.SERVICE_ACTIVITIES, 1, weight=9)]
    done = facts(activities=(act(K.CONSULTATION), act()))
    score = group_score(done, rules, ctx(D(Y + 1, 1, 1)))
    assert score.rules[0].verdict == Verdict.NOT_MET
    assert score.fails_hard
    assert score.verdict == Verdict.NOT_MET
    assert score.total == 95.0  # (0.5 + 9) / 10
    assert score.haves[Have.CONSULTATION_SUPERVISION].verdict == Verdict.NOT_MET
    assert score.hard_failures == [score.rules[0]]
    assert score.missing[0] is score.rules[0]


def test_a_hard_rule_not_met_before_its_deadline_is_not_met_but_does_not_fail_the_group_yet():
    hard = rule(Measure.CONSULTATIONS, 2, have=Have.CONSULTATION_SUPERVISION, is_hard=True)
    score = group_score(facts(activities=(act(K.CONSULTATION), act())), [hard, rule(Measure.SERVICE_ACTIVITIES)], ctx())
    assert score.rules[0].verdict == Verdict.NOT_MET  # 1 of 2: a hard rule is never "partly"
    assert not score.fails_hard and score.hard_failures == []
    assert score.hard_pending == [score.rules[0]]
    assert score.verdict == Verdict.PARTLY
    assert score.missing[0] is score.rules[0]  # what is still to do: hard rules first
    on_the_day = group_score(facts(activities=(act(),)), [hard], ctx(DEC31))
    assert not on_the_day.fails_hard
    assert group_score(facts(activities=(act(),)), [hard], ctx(D(Y + 1, 1, 1))).fails_hard


def test_a_rule_with_a_have_and_a_carrier_shows_in_both_and_is_scored_once():
    both = rule(Measure.CONSULTATIONS, have=Have.CONSULTATION_SUPERVISION, carrier=Carrier.CONSULTATION)
    score = group_score(facts(activities=(act(K.CONSULTATION),)), [both, rule(Measure.SERVICE_ACTIVITIES)], ctx())
    assert score.haves[Have.CONSULTATION_SUPERVISION].rules == score.carriers[Carrier.CONSULTATION].rules
    assert score.total == 50.0
    assert set(score.haves) == set(Have.values) and set(score.carriers) == set(Carrier.values)


def test_area_scores_are_the_weighted_share_of_their_rules():
    rules = [rule(Measure.SERVICE_ACTIVITIES, 2, weight=3), rule(Measure.DECEMBER_ACTIVITIES, 1, weight=1)]
    score = group_score(facts(activities=(act(),)), rules, ctx())
    area = score.haves[Have.ACTIVITIES_SERVICES]
    assert (area.score, area.verdict) == (37.5, Verdict.PARTLY)  # (3 × 0.5 + 0) / 4


def test_groups_are_ranked_by_total_and_equal_totals_share_a_rank():
    rules = [rule(Measure.SERVICE_ACTIVITIES, 2)]
    scores = year_scores_of(
        [
            facts(group_id=1, name="甲", sort_order=3, activities=(act(),)),
            facts(group_id=2, name="乙", sort_order=2, activities=(act(), act())),
            facts(group_id=3, name="丙", sort_order=1, activities=(act(),)),
        ],
        rules,
        ctx(),
    )
    # 丙 and 甲 tie (并列 2nd), listed in the groups' order; a next group would be 4th.
    assert [(g.group_id, g.rank, g.tied) for g in scores.groups] == [(2, 1, False), (3, 2, True), (1, 2, True)]
    assert scores.by_group_id[1].rank == 2
    assert scores.has_rules


def test_a_year_without_rules_lists_every_group_not_applicable_and_unranked():
    scores = year_scores_of([facts(group_id=1), facts(group_id=2, name="乙")], [], ctx())
    assert not scores.has_rules
    assert [g.verdict for g in scores.groups] == [Verdict.NA, Verdict.NA]
    assert [g.rank for g in scores.groups] == [0, 0]
    assert scores.ranked_count == 0


def test_highlights_count_the_activities_staff_marked():
    done = facts(activities=(act(is_highlight=True), act()))
    result = rule_result(rule(Measure.HIGHLIGHTS, have=Have.INNOVATION_HIGHLIGHTS), done, ctx())
    assert (result.value, result.verdict) == (1, Verdict.MET)


def test_a_group_meeting_every_rule_is_met_with_100():
    score = group_score(facts(activities=(act(), act())), [rule(Measure.SERVICE_ACTIVITIES, 2)], ctx())
    assert (score.total, score.verdict, score.fails_hard, score.missing) == (100.0, Verdict.MET, False, [])
