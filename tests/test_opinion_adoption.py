"""Adoption of a public-opinion report (采用 at any level) is recognised by
committee staff, like highlights: a leader's form does not offer it and the
server ignores it when posted."""

from __future__ import annotations

from django.urls import reverse

from activities.models import OpinionReport

from .factories import make_member
from .test_records_opinion_reports import form_data, make_report

ADOPTED = OpinionReport.Status.ADOPTED_NATIONAL


def test_it_does_not_offer_adoption_on_a_leaders_form(leader_client, staff_client, admin_client_role):
    assert "status" not in leader_client.get(reverse("opinionreport_create")).context["form"].fields
    assert "status" in staff_client.get(reverse("opinionreport_create")).context["form"].fields
    assert "status" in admin_client_role.get(reverse("opinionreport_create")).context["form"].fields


def test_it_ignores_an_adoption_posted_by_a_leader(leader_client, group_a):
    member = make_member(group_a, "李委员")

    response = leader_client.post(reverse("opinionreport_create"), form_data(group_a, [member], status=ADOPTED))

    assert response.status_code == 302
    assert OpinionReport.objects.get().status == OpinionReport.Status.SUBMITTED


def test_it_keeps_the_staffs_adoption_when_a_leader_edits(leader_client, group_a):
    member = make_member(group_a, "李委员")
    report = make_report(group_a, [member], status=OpinionReport.Status.ADOPTED_CITY)

    leader_client.post(
        reverse("opinionreport_edit", args=[report.pk]),
        form_data(group_a, [member], title="改了标题", status=OpinionReport.Status.SUBMITTED),
    )

    report.refresh_from_db()
    assert (report.title, report.status) == ("改了标题", OpinionReport.Status.ADOPTED_CITY)


def test_it_lets_staff_set_adoption(staff_client, group_a):
    member = make_member(group_a, "李委员")
    report = make_report(group_a, [member])

    staff_client.post(reverse("opinionreport_edit", args=[report.pk]), form_data(group_a, [member], status=ADOPTED))

    report.refresh_from_db()
    assert report.status == ADOPTED
