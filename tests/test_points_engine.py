"""The duty-points engine (reports.points.engine): boundary tests per rule, no database."""

from __future__ import annotations

import datetime

from reports.points.engine import (
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
    member_points,
    year_points,
)
from reports.points.items import Category, Item

Y = 2025
D = datetime.date


def rules(**changes) -> RuleSet:
    base = RuleSet(
        year=Y,
        points={
            Item.ATTEND_STUDY.value: 2,
            Item.ATTEND_CONSULTATION.value: 3,
            Item.LEAVE.value: -1,
            Item.ABSENCE.value: -3,
            Item.PROPOSAL_FIRST.value: 5,
            Item.PROPOSAL_CO.value: 2,
            Item.PROPOSAL_GROUP.value: 3,
            Item.PROPOSAL_ACCEPTED.value: 4,
            Item.PROPOSAL_KEY.value: 6,
            Item.PROPOSAL_EXCELLENT.value: 8,
            Item.OPINION_SUBMITTED.value: 1,
            Item.ADOPTED_COMMITTEE.value: 2,
            Item.ADOPTED_CITY.value: 4,
            Item.ADOPTED_PROVINCE.value: 8,
            Item.ADOPTED_NATIONAL.value: 16,
            Item.INSTRUCTION_CITY.value: 10,
            Item.INSTRUCTION_PROVINCE.value: 15,
            Item.DUTY_REPORT.value: 5,
            Item.CONTACT.value: 1,
        },
        caps={Category.ATTENDANCE.value: 10, Category.CONTACTS.value: 3},
        grades=(
            Grade("优秀", 90),
            Grade("称职", 60),
            Grade("基本称职", 40, "谈话提醒"),
            Grade("不称职", 0, "谈话提醒"),
        ),
        collective_max=2,
        co_share=50,
    )
    return base.with_changes(**changes)


def facts(**records) -> MemberFacts:
    return MemberFacts(member_id=1, name="甲", number="M1", **records)


def by_item(points, item) -> list:
    return [i for i in points.items if i.item == item]


def test_it_counts_each_kind_attended_with_its_own_points():
    p = member_points(
        facts(
            attendance=(
                AttendanceFact(1, "study", D(Y, 1, 1), "学习"),
                AttendanceFact(2, "consultation", D(Y, 2, 1), "协商"),
            )
        ),
        rules(),
    )
    assert p.total == 5
    assert [(i.record_kind, i.record_id, i.points) for i in p.items] == [("activity", 1, 2), ("activity", 2, 3)]


def test_it_deducts_less_for_approved_leave_than_for_an_unexcused_absence():
    p = member_points(
        facts(
            attendance=(
                AttendanceFact(1, "study", D(Y, 1, 1), "学习", False, "illness"),
                AttendanceFact(2, "study", D(Y, 2, 1), "学习", False, ""),
            )
        ),
        rules(),
    )
    assert [(i.item, i.counted) for i in p.items] == [(Item.LEAVE, -1), (Item.ABSENCE, -3)]
    assert p.total == -4


def test_it_caps_a_category_in_date_order_and_marks_the_items_past_the_cap():
    attended = tuple(AttendanceFact(n, "consultation", D(Y, n, 1), f"会{n}") for n in range(1, 6))  # 5 × 3 = 15
    p = member_points(facts(attendance=attended), rules())
    assert p.category(Category.ATTENDANCE) == 10
    assert [(i.counted, i.capped) for i in p.items] == [(3, False), (3, False), (3, False), (1, True), (0, True)]


def test_it_never_caps_deductions():
    attended = tuple(AttendanceFact(n, "consultation", D(Y, n, 1), "会") for n in range(1, 6))
    absent = (AttendanceFact(9, "study", D(Y, 12, 1), "学习", False, ""),)
    p = member_points(facts(attendance=attended + absent), rules())
    assert p.category(Category.ATTENDANCE) == 7  # 10 (capped) − 3


def test_it_gives_the_first_proposer_and_co_proposers_their_split_of_points_and_bonuses():
    first = ProposalFact(1, "提案", D(Y, 3, 1), FIRST, 0, D(Y, 4, 1), D(Y, 5, 1), Y)
    co = first._replace(role=CO, position=1)
    lead, other = member_points(facts(proposals=(first,)), rules()), member_points(facts(proposals=(co,)), rules())
    assert lead.total == 5 + 4 + 6 + 8
    assert other.total == 2 + 2 + 3 + 4  # co-proposer points, then half of each bonus
    assert {i.note for i in other.items if i.item != Item.PROPOSAL_CO} == {"50%"}


def test_it_counts_a_collective_proposal_for_at_most_n_members():
    counted = [
        member_points(facts(proposals=(ProposalFact(1, "集体", D(Y, 3, 1), GROUP, n),)), rules()) for n in range(4)
    ]
    assert [p.total for p in counted] == [3, 3, 0, 0]  # collective_max = 2
    assert counted[3].items[0].capped and counted[3].items[0].note == "> 2"


def test_it_counts_each_bonus_in_the_year_it_happened():
    late = ProposalFact(1, "提案", D(Y - 1, 11, 1), FIRST, 0, D(Y, 1, 5), D(Y + 1, 2, 1), Y - 1)
    p = member_points(facts(proposals=(late,)), rules())
    assert [i.item for i in p.items] == [Item.PROPOSAL_ACCEPTED]  # not submitted, key or excellent in Y


def test_it_climbs_the_adoption_ladder_to_the_highest_level_of_the_year():
    report = OpinionFact(
        7,
        "社情",
        D(Y, 1, 10),
        adoptions=(AdoptionFact(1, "committee", D(Y, 2, 1)), AdoptionFact(2, "province", D(Y, 6, 1))),
        instructions=(InstructionFact(3, "city", D(Y, 7, 1), "市长"),),
    )
    p = member_points(facts(opinions=(report,)), rules())
    assert [(i.item, i.points) for i in p.items] == [
        (Item.OPINION_SUBMITTED, 1),
        (Item.ADOPTED_PROVINCE, 8),
        (Item.INSTRUCTION_CITY, 10),
    ]
    every_level = member_points(facts(opinions=(report,)), rules(highest_only=False))
    assert every_level.total == 1 + 2 + 8 + 10


def test_it_counts_an_adoption_in_the_year_of_adoption_not_of_submission():
    report = OpinionFact(7, "社情", D(Y - 1, 12, 1), adoptions=(AdoptionFact(1, "national", D(Y, 1, 3)),))
    assert member_points(facts(opinions=(report,)), rules()).total == 16
    assert member_points(facts(opinions=(report,)), rules(year=Y - 1)).total == 1


def test_it_counts_one_duty_report_a_year_and_each_constituent_once():
    p = member_points(
        facts(
            duty_reports=(DutyReportFact(1, D(Y, 12, 5), "述职"), DutyReportFact(2, D(Y, 12, 20), "再述职")),
            contacts=(
                ContactFact(1, 100, D(Y, 1, 1)),
                ContactFact(2, 100, D(Y, 2, 1)),
                ContactFact(3, 101, D(Y, 3, 1)),
                ContactFact(4, 102, D(Y, 4, 1)),
                ContactFact(5, 103, D(Y, 5, 1)),
            ),
        ),
        rules(),
    )
    assert len(by_item(p, Item.DUTY_REPORT)) == 1
    assert p.category(Category.CONTACTS) == 3  # four people, capped at 3


def test_it_adds_an_accepted_appeal_as_an_adjustment_beyond_the_caps():
    p = member_points(facts(adjustments=(AdjustmentFact(5, D(Y, 12, 31), 2.5, "补记"),)), rules())
    assert p.total == 2.5 and p.items[0].record_kind == "appeal"


def test_it_grades_at_the_band_boundaries():
    bands = rules()

    def grade(total):
        return member_points(facts(adjustments=(AdjustmentFact(1, D(Y, 1, 1), total, "x"),)), bands)

    assert grade(90).grade == "优秀"
    assert grade(89.99).grade == "称职"
    assert grade(60).grade == "称职"
    assert (grade(59.5).grade, grade(59.5).consequence) == ("基本称职", "谈话提醒")
    assert grade(0).grade == "不称职"


def test_it_earns_nothing_without_a_rule_and_lists_nothing():
    p = member_points(facts(attendance=(AttendanceFact(1, "fellowship", D(Y, 1, 1), "联谊"),)), rules())
    assert p.items == [] and p.total == 0


def test_it_ranks_the_year_highest_first():
    ranked = year_points(
        [
            facts(contacts=(ContactFact(1, 1, D(Y, 1, 1)),)),
            MemberFacts(2, "乙", "M2", duty_reports=(DutyReportFact(1, D(Y, 12, 1), "述职"),)),
        ],
        rules(),
    )
    assert [p.name for p in ranked] == ["乙", "甲"]
