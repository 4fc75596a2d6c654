"""A group leader sees a record's history only from when it belonged to
their group: a record moved in from another group does not show its earlier
content, comments or people."""

from __future__ import annotations

import datetime

from django.urls import reverse

from activities.models import OpinionReport
from sectors.models import GroupMembership

from .factories import make_member

DAY = datetime.date(2025, 3, 10)


def test_it_hides_a_moved_records_past_from_its_new_groups_leader(leader_client, staff_client, group_a, group_b):
    secret_member = make_member(group_b, "乙组委员")
    report = OpinionReport.objects.create(
        committee=group_b.committee,
        group=group_b,
        title="医卫的初稿",
        submitted_on=DAY,
        leader_comment="医卫组长的批注",
    )
    report.submitters.set([secret_member])
    report.title, report.leader_comment = "医卫的二稿", "医卫组长的第二条批注"
    report.save()
    # Moved to group A (a data-entry mistake corrected by staff), then edited there.
    own_member = make_member(group_a, "甲组委员")
    report.group, report.title, report.leader_comment = group_a, "民盟的标题", ""
    report.save()
    report.submitters.set([own_member])
    report.title = "民盟的新标题"
    report.save()

    leader_page = leader_client.get(reverse("opinionreport_detail", args=[report.pk]))
    staff_page = staff_client.get(reverse("opinionreport_detail", args=[report.pk]))

    history_html = leader_page.content.decode().split("history-table", 1)[1]
    for secret in ("医卫的初稿", "医卫的二稿", "医卫组长的批注", "医卫组长的第二条批注", "乙组委员"):
        assert secret not in history_html, secret
    assert "民盟的新标题" in history_html
    assert "转入本组" in history_html
    assert "医卫的初稿" in staff_page.content.decode()  # staff see everything


def test_it_hides_a_moved_members_earlier_details_from_the_new_leader(leader_client, group_a, group_b):
    member = make_member(group_b, "调入委员", since=datetime.date(2022, 1, 1), employer="旧单位")
    member.employer = "旧单位二"
    member.save()
    # Those changes were made in group B's time, before the move.
    member.history.update(history_date=datetime.datetime(2023, 6, 1, 9, tzinfo=datetime.UTC))
    membership = member.memberships.get()
    membership.end_date = datetime.date(2023, 12, 31)
    membership.save()
    GroupMembership.objects.create(member=member, group=group_a, start_date=datetime.date(2024, 1, 1))
    member.employer = "新单位"
    member.save()

    page = leader_client.get(reverse("member_detail", args=[member.pk]))

    changes = [c for row in page.context["history"] for c in row.changes]
    assert not any("旧单位" in old or "旧单位" in new for _label, old, new in changes)
    assert "转入本组" in page.content.decode()
    assert all("医卫" not in row.action for row in page.context["history"])
