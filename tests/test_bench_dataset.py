"""The benchmarks' shared dataset (bench/dataset.py) keeps the portal's own rules."""

from __future__ import annotations

import datetime

import pytest
from django.db.models import Count, F, Q

from activities.models import Activity, Attendance, ConstituentContact, DutyReport, OpinionReport
from bench.dataset import _Builder, build
from portal import roles
from reports.setup import portal_setup
from sectors.models import GroupMembership, Member, Workstation

TODAY = datetime.date(2025, 11, 20)


@pytest.fixture
def data(db):
    return build(years=2, scale=0.05, today=TODAY)


def test_it_builds_every_record_type_over_the_years_up_to_today(data):
    assert data.years == [2024, 2025]
    assert len(data.groups) == 29
    counts = data.counts
    for name in ("members", "activities", "attendance", "duty_reports", "opinion_reports", "proposals", "contacts"):
        assert counts[name] > 0, name
    assert Activity.objects.count() == counts["activities"]
    assert Attendance.objects.count() == counts["attendance"]
    held = Activity.objects.filter(status=Activity.Status.HELD)
    assert held.filter(date__gt=TODAY).count() == 0
    assert Activity.objects.filter(status=Activity.Status.PLANNED, date__gt=TODAY).count() == 29
    # Monthly study days on the 1st, duty-report meetings in December, and joint activities.
    assert held.filter(kind="study", date__day=1, title__endswith="月）").count() == 29 * 23
    assert set(held.filter(kind="duty_report").values_list("date__month", flat=True)) == {12}
    assert held.annotate(n=Count("groups")).filter(n=29).exists()
    assert Attendance.objects.filter(status="absent").exclude(absence_reason="").exists()
    # A second build needs an empty database: the generator refuses to mix with existing members.
    with pytest.raises(RuntimeError):
        build(years=1, scale=0.05, today=TODAY)


def test_its_people_belong_to_one_group_at_a_time_and_attend_only_while_they_belong(data):
    assert GroupMembership.objects.filter(end_date__isnull=True).values("member").annotate(n=Count("id")).filter(
        n__gt=1
    ).count() == 0  # fmt: skip
    assert GroupMembership.objects.filter(end_date__isnull=False).exists()  # leavers and movers
    assert GroupMembership.objects.values("member").annotate(n=Count("group", distinct=True)).filter(n=2).exists()
    assert Member.objects.filter(is_active=False).exists()
    spans: dict[int, list[GroupMembership]] = {}
    for membership in GroupMembership.objects.all():
        spans.setdefault(membership.member_id, []).append(membership)
    groups_of = {}
    for activity_id, group_id in Activity.groups.through.objects.values_list("activity_id", "sectorgroup_id"):
        groups_of.setdefault(activity_id, set()).add(group_id)
    rows = Attendance.objects.values_list("activity_id", "activity__date", "member_id")
    for activity_id, day, member_id in rows:
        assert any(m.covers(day) and m.group_id in groups_of[activity_id] for m in spans[member_id])
    absent_reporters = DutyReport.objects.exclude(meeting__attendance__member=F("member"))
    assert not absent_reporters.exists()
    contact_group_wrong = ConstituentContact.objects.exclude(
        Q(member__memberships__group=F("group")) & Q(member__memberships__start_date__lte=F("contacted_on"))
    )
    assert not contact_group_wrong.exists()
    assert Workstation.objects.filter(is_active=True).count() == 36
    assert Workstation.objects.filter(is_active=False).exists()
    assert OpinionReport.objects.filter(workstation__isnull=False).exists()
    assert {user.role for user in data.users.values()} == {roles.STAFF, roles.LEADER, roles.CHAIRMAN, roles.ADMIN}
    assert len(data.leaders) == 29
    assert all(user.member_id for user in data.leaders.values())
    assert data.users[roles.LEADER].sector_group.short_name == "致公党"


def test_it_plans_the_same_rows_for_the_same_seed(db):
    groups = list(portal_setup(year=2024).sector_groups.all())

    def plans(seed: int) -> list[tuple]:
        builder = _Builder(years=3, seed=seed, scale=0.05, today=TODAY)
        builder.stations = {}
        found = builder.year_plans(2024, groups, builder.rng("activities"))
        return [(p.kind, p.title, p.date, p.group_ids) for p in found]

    assert plans(168) == plans(168)
    assert plans(168) != plans(169)


def test_it_writes_the_outcomes_and_the_members_side_within_the_portal_rules(data):
    from django.db.models import Exists, OuterRef

    from activities.models import (
        ACCEPTED_STATES,
        ADOPTION_RANK,
        LEVEL_STATUS,
        CheckIn,
        ConsultationOutcome,
        Instruction,
        MeetingAnswer,
        OpinionAdoption,
        Proposal,
        ProposalHandling,
        SelfReport,
    )
    from members.models import Notice, NoticeRecipient
    from reports.points.models import PointAppeal, PointYear

    counts = data.counts
    for name in ("proposal_handlings", "consultation_outcomes", "member_accounts", "meeting_answers", "check_ins"):
        assert counts[name] > 0, name
    for name in ("self_reports", "notices", "notice_recipients", "point_appeals"):
        assert counts[name] > 0, name
    assert ProposalHandling.objects.count() == counts["proposal_handlings"]
    assert MeetingAnswer.objects.count() == counts["meeting_answers"]
    assert NoticeRecipient.objects.count() == counts["notice_recipients"]
    # Proposals: handling units only once assigned, a lead unit each; merged ones name their target.
    assigned = Proposal.objects.filter(status__in=["assigned", "answered", "handled"])
    assert not assigned.exclude(Exists(ProposalHandling.objects.filter(proposal=OuterRef("pk"), is_lead=True))).exists()
    assert not ProposalHandling.objects.exclude(proposal__in=assigned).exists()
    assert not Proposal.objects.filter(status="merged", merged_into__isnull=True).exists()
    assert not Proposal.objects.exclude(status="submitted").filter(decided_on__isnull=True).exists()
    assert not Proposal.objects.filter(status="handled").filter(Q(closed_on__isnull=True) | Q(satisfaction="")).exists()
    assert not Proposal.objects.filter(is_key=True).exclude(status__in=[*ACCEPTED_STATES, "submitted"]).exists()
    # Nothing after today.
    assert not Proposal.objects.filter(Q(answered_on__gt=TODAY) | Q(closed_on__gt=TODAY)).exists()
    assert not Instruction.objects.filter(dated__gt=TODAY).exists()
    assert not ConsultationOutcome.objects.filter(responded_on__gt=TODAY).exists()
    assert not ConsultationOutcome.objects.exclude(activity__kind="consultation").exists()
    assert not SelfReport.objects.filter(date__gt=TODAY).exists()
    assert not Notice.objects.filter(sent_at__date__gt=TODAY).exists()
    assert not PointAppeal.objects.filter(raised_at__date__gt=TODAY).exists()
    # A report's status and adoption date are its highest rung's.
    for report in OpinionReport.objects.exclude(status="submitted").prefetch_related("adoptions"):
        top = max(report.adoptions.all(), key=lambda rung: (ADOPTION_RANK[rung.level], -rung.adopted_on.toordinal()))
        assert (LEVEL_STATUS[top.level], top.adopted_on) == (report.status, report.adopted_on)
    assert not OpinionAdoption.objects.filter(report__status="submitted").exists()
    # Check-ins only for members present; answers on the study days.
    present = Attendance.objects.filter(activity=OuterRef("activity"), member=OuterRef("member"), status="present")
    assert CheckIn.objects.exists() and not CheckIn.objects.exclude(Exists(present)).exists()
    assert MeetingAnswer.objects.filter(activity__status="planned").exists()
    assert not MeetingAnswer.objects.exclude(activity__kind="study").exists()
    # Member accounts: today's members of 致公党 (its leader is bench-leader-07), in the 委员 role.
    assert len(data.member_users) == counts["member_accounts"]
    assert {user.role for user in data.member_users.values()} == {roles.MEMBER}
    zhigong = next(g for g in data.groups if g.short_name == "致公党")
    assert GroupMembership.objects.filter(
        group=zhigong, member__in=data.member_users, end_date__isnull=True
    ).count() == len(data.member_users)
    assert set(PointYear.objects.values_list("year", "preset")) == {(2024, "minhang"), (2025, "minhang")}
