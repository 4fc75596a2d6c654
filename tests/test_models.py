"""Hard rules of the data model are database constraints: bad rows never land."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from activities.carriers import KIND_RULES, ActivityKind, Carrier, Have
from activities.models import Attendance, GroupDocument, Proposal
from reports.models import AssessmentYear, Requirement
from sectors.models import GroupMembership, Member, SectorGroup, Term

from .factories import make_activity, make_member, valid_id_card


def _violates(callable_):
    with pytest.raises(IntegrityError), transaction.atomic():
        callable_()


def test_it_keeps_group_names_unique_per_committee(committee, group_a):
    _violates(lambda: SectorGroup.objects.create(committee=committee, name=group_a.name, short_name="x"))
    _violates(lambda: SectorGroup.objects.create(committee=committee, name="另一个", short_name=group_a.short_name))


def test_it_allows_one_current_term_per_committee(committee):
    _violates(
        lambda: Term.objects.create(
            committee=committee, number=13, start_date=datetime.date(2027, 1, 1), is_current=True
        )
    )


def test_it_refuses_a_term_ending_before_it_starts(committee):
    _violates(
        lambda: Term.objects.create(
            committee=committee, number=11, start_date=datetime.date(2017, 1, 1), end_date=datetime.date(2016, 1, 1)
        )
    )


def test_it_refuses_duplicate_member_numbers_and_id_cards(committee, group_a):
    id_card = valid_id_card()
    make_member(group_a, member_number="A1", id_card=id_card)
    _violates(lambda: Member.objects.create(committee=committee, member_number="A1", name="x", gender="M"))
    _violates(
        lambda: Member.objects.create(committee=committee, member_number="A2", name="x", gender="M", id_card=id_card)
    )
    # Blank ID cards are not duplicates of each other.
    Member.objects.create(committee=committee, member_number="A3", name="x", gender="M")
    Member.objects.create(committee=committee, member_number="A4", name="y", gender="F")


@pytest.mark.parametrize(
    "fields",
    [{"gender": "X"}, {"mobile": "12345"}, {"id_card": "12345"}, {"id_card": "33030219800101123x"}],
)
def test_it_refuses_malformed_personal_fields_in_the_database(committee, fields):
    values = {"committee": committee, "member_number": "B1", "name": "x", "gender": "M"} | fields
    _violates(lambda: Member.objects.create(**values))


def test_it_validates_the_id_card_check_digit_in_full_clean(committee):
    good = valid_id_card()
    bad = good[:-1] + ("1" if good[-1] != "1" else "2")
    member = Member(committee=committee, member_number="C1", name="x", gender="M", id_card=bad)
    with pytest.raises(ValidationError) as error:
        member.full_clean()
    assert "id_card" in error.value.message_dict


def test_it_keeps_one_open_membership_per_member(group_a, group_b):
    member = make_member(group_a)
    _violates(
        lambda: GroupMembership.objects.create(member=member, group=group_b, start_date=datetime.date(2024, 1, 1))
    )


def test_it_keeps_one_leader_per_group(group_a, leader_member):
    other = make_member(group_a)
    other.memberships.update(end_date=datetime.date(2023, 1, 1))
    _violates(
        lambda: GroupMembership.objects.create(
            member=other, group=group_a, role=GroupMembership.Role.LEADER, start_date=datetime.date(2024, 1, 1)
        )
    )


def test_it_refuses_a_membership_ending_before_it_starts(group_a):
    member = make_member(group_a, until=datetime.date(2022, 6, 1))
    _violates(
        lambda: GroupMembership.objects.create(
            member=member, group=group_a, start_date=datetime.date(2024, 1, 1), end_date=datetime.date(2023, 1, 1)
        )
    )


def test_it_detects_overlapping_memberships_in_clean(group_a, group_b):
    member = make_member(group_a, since=datetime.date(2022, 1, 1), until=datetime.date(2024, 6, 30))
    overlapping = GroupMembership(member=member, group=group_b, start_date=datetime.date(2024, 6, 1))
    with pytest.raises(ValidationError):
        overlapping.full_clean()
    GroupMembership(member=member, group=group_b, start_date=datetime.date(2024, 7, 1)).full_clean()


def test_it_knows_whether_a_membership_covers_a_day(group_a):
    member = make_member(group_a, since=datetime.date(2024, 3, 1), until=datetime.date(2024, 5, 31))
    membership = member.memberships.get()
    assert membership.covers(datetime.date(2024, 3, 1))
    assert membership.covers(datetime.date(2024, 5, 31))
    assert not membership.covers(datetime.date(2024, 6, 1))


def test_it_records_attendance_once_per_member(group_a):
    member = make_member(group_a)
    activity = make_activity([group_a], attendees=[member])
    _violates(lambda: Attendance.objects.create(activity=activity, member=member))


def test_it_refuses_an_absence_reason_for_a_present_member(group_a):
    member = make_member(group_a)
    activity = make_activity([group_a])
    _violates(
        lambda: Attendance.objects.create(
            activity=activity, member=member, status="present", absence_reason=Attendance.AbsenceReason.LEAVE
        )
    )
    Attendance.objects.create(activity=activity, member=member, status="absent", absence_reason="leave")


def test_it_refuses_an_unknown_activity_kind(group_a):
    _violates(lambda: make_activity([group_a], kind="party"))


def test_it_keeps_one_plan_per_group_and_year(group_a):
    values = {"group": group_a, "year": 2025, "kind": "plan", "title": "计划", "dated": datetime.date(2025, 2, 1)}
    GroupDocument.objects.create(**values)
    _violates(lambda: GroupDocument.objects.create(**values))


def test_it_keeps_proposal_numbers_unique_in_a_group_but_allows_blank_ones(committee, group_a):
    values = {"committee": committee, "group": group_a, "title": "t", "submitted_on": datetime.date(2025, 1, 5)}
    Proposal.objects.create(number="2025001", **values)
    _violates(lambda: Proposal.objects.create(number="2025001", **values))
    Proposal.objects.create(number="", **values)
    Proposal.objects.create(number="", **values)
    # Unique within the group: another group's numbers are not a leader's to probe.
    other = SectorGroup.objects.create(committee=committee, name="医药卫生界别", short_name="医卫")
    Proposal.objects.create(number="2025001", **(values | {"group": other}))


def test_it_refuses_negative_thresholds(committee):
    year = AssessmentYear.objects.create(
        committee=committee,
        year=2025,
        plan_deadline=datetime.date(2025, 3, 31),
        summary_deadline=datetime.date(2025, 12, 31),
    )
    _violates(
        lambda: Requirement.objects.create(
            assessment_year=year, have="plan_summary", measure="plan_filed", threshold=-1
        )
    )


def test_it_maps_every_activity_kind_to_the_168_model():
    assert set(KIND_RULES) == set(ActivityKind.values)
    carriers = {rule.carrier for rule in KIND_RULES.values()} - {None}
    haves = {rule.have for rule in KIND_RULES.values()} - {None}
    assert carriers == set(Carrier) - {Carrier.WORKSTATION}  # workstations are places, not activity types
    assert haves == set(Have) - {Have.PLAN_SUMMARY, Have.PROPOSALS_INFORMATION, Have.INNOVATION_HIGHLIGHTS}


def test_it_lists_the_activity_kinds_behind_each_carrier_and_have():
    from activities.carriers import kinds_for_carrier, kinds_for_have

    # A training is not a study-day session (it counts toward the study-and-training have).
    assert kinds_for_carrier(Carrier.STUDY_DAY) == [ActivityKind.STUDY]
    assert kinds_for_have(Have.RESEARCH_INSPECTION) == [ActivityKind.RESEARCH, ActivityKind.INSPECTION]
    assert kinds_for_have(Have.PLAN_SUMMARY) == []  # documents, not activities
