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
