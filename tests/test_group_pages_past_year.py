"""The group list and the group page of a past year show that year's roster and
workstations, not today's."""

from __future__ import annotations

import datetime

from django.urls import reverse

from sectors.models import GroupMembership, Workstation

from .factories import make_member

D = datetime.date


def _station(group, name, since, until=None):
    return Workstation.objects.create(
        group=group, name=name, host_kind=Workstation.HostKind.STUDIO, established_on=since, closed_on=until
    )


def test_a_past_years_group_list_and_page_show_that_years_roster_and_stations(
    settings, staff_client, group_a, leader_member
):
    settings.PORTAL_TODAY = D(2026, 6, 1)
    left = make_member(group_a, "离组的", since=D(2022, 1, 1), until=D(2025, 3, 31))
    joined = make_member(group_a, "新来的", since=D(2026, 1, 1))
    old = _station(group_a, "旧驿站", D(2023, 1, 1), D(2025, 8, 1))
    new = _station(group_a, "新驿站", D(2026, 2, 1))
    GroupMembership.objects.filter(member=leader_member).update(end_date=D(2025, 12, 31))

    [row] = [g for g in staff_client.get(reverse("group_list"), {"year": 2024}).context["groups"] if g == group_a]
    assert (row.member_count, row.workstation_count) == (2, 1)  # the leader and the one who left in 2025
    assert [m.member.name for m in row.current_leaders] == ["王组长"]
    page = staff_client.get(reverse("group_detail", args=[group_a.pk]), {"year": 2024}).context["page"]
    assert {m.member.name for m in page.memberships} == {"王组长", "离组的"}
    assert [(w.pk, w.open_on_day) for w in page.workstations] == [(old.pk, True)]
    # 2025: the station closed in August is listed, closed at the year's end; on 31 December only the leader.
    [row] = [g for g in staff_client.get(reverse("group_list"), {"year": 2025}).context["groups"] if g == group_a]
    assert (row.member_count, row.workstation_count) == (1, 0)
    page = staff_client.get(reverse("group_detail", args=[group_a.pk]), {"year": 2025}).context["page"]
    assert {m.member.name for m in page.memberships} == {"王组长"}
    assert [(w.pk, w.open_on_day) for w in page.workstations] == [(old.pk, False)]
    # This year: today's roster and stations.
    [row] = [g for g in staff_client.get(reverse("group_list"), {"year": 2026}).context["groups"] if g == group_a]
    assert (row.member_count, row.workstation_count, row.current_leaders) == (1, 1, [])
    page = staff_client.get(reverse("group_detail", args=[group_a.pk]), {"year": 2026}).context["page"]
    assert [m.member for m in page.memberships] == [joined]
    assert [w.pk for w in page.workstations] == [new.pk]
    assert left.pk not in {m.member.pk for m in page.memberships}
