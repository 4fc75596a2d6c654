"""Adoption of a public-opinion report (采用 at any level) is recognised by
committee staff, like highlights: a leader's form does not offer it and the
server ignores it when posted."""

from __future__ import annotations

import datetime

from django.urls import reverse

from activities.models import AdoptingBody, OpinionReport, Proposal

from .factories import make_member
from .test_records_opinion_reports import form_data, make_report

ADOPTED = OpinionReport.Status.ADOPTED_NATIONAL


def test_it_does_not_offer_adoption_on_a_leaders_form(leader_client, staff_client, admin_client_role):
    leader_fields = leader_client.get(reverse("opinionreport_create")).context["form"].fields
    assert not {"status", "adopted_on", "adopted_by"} & set(leader_fields)
    assert "status" in staff_client.get(reverse("opinionreport_create")).context["form"].fields
    assert "status" in admin_client_role.get(reverse("opinionreport_create")).context["form"].fields


def test_it_ignores_an_adoption_posted_by_a_leader(leader_client, group_a):
    member = make_member(group_a, "李委员")

    response = leader_client.post(reverse("opinionreport_create"), form_data(group_a, [member], status=ADOPTED))

    assert response.status_code == 302
    assert OpinionReport.objects.get().status == OpinionReport.Status.SUBMITTED


def test_it_keeps_the_staffs_adoption_when_a_leader_edits(leader_client, group_a):
    member = make_member(group_a, "李委员")
    report = make_report(
        group_a,
        [member],
        status=OpinionReport.Status.ADOPTED_CITY,
        adopted_on=datetime.date(2025, 4, 1),
        adopted_by=AdoptingBody.CPPCC,
    )

    leader_client.post(
        reverse("opinionreport_edit", args=[report.pk]),
        form_data(group_a, [member], title="改了标题", status=OpinionReport.Status.SUBMITTED),
    )

    report.refresh_from_db()
    assert (report.title, report.status) == ("改了标题", OpinionReport.Status.ADOPTED_CITY)


def test_it_lets_staff_set_adoption(staff_client, group_a):
    member = make_member(group_a, "李委员")
    report = make_report(group_a, [member])

    decided = {"adopted_on": "2025-04-02", "adopted_by": AdoptingBody.PARTY_COMMITTEE}
    staff_client.post(
        reverse("opinionreport_edit", args=[report.pk]), form_data(group_a, [member], status=ADOPTED) | decided
    )

    report.refresh_from_db()
    assert (report.status, report.adopted_on, report.adopted_by) == (
        ADOPTED,
        datetime.date(2025, 4, 2),
        AdoptingBody.PARTY_COMMITTEE,
    )


def test_an_adoption_needs_its_date_and_body_not_before_the_submission(staff_client, group_a):
    member = make_member(group_a, "李委员")
    url = reverse("opinionreport_create")

    errors = staff_client.post(url, form_data(group_a, [member], status=ADOPTED)).context["form"].errors
    assert {"adopted_on", "adopted_by"} <= set(errors)
    early = form_data(group_a, [member], status=ADOPTED, adopted_on="2025-03-01", adopted_by="cppcc")
    assert "adopted_on" in staff_client.post(url, early).context["form"].errors  # submitted on 10 March
    undecided = form_data(group_a, [member], adopted_on="2025-04-01", adopted_by="cppcc")
    assert "adopted_on" in staff_client.post(url, undecided).context["form"].errors
    assert not OpinionReport.objects.exists()


def test_a_key_proposal_needs_its_date_and_body(staff_client, group_a):
    from .test_records_proposals import form_data as proposal_data

    member = make_member(group_a, "李委员")
    response = staff_client.post(reverse("proposal_create"), proposal_data(group_a, [member], is_key="on"))
    assert {"key_on", "key_by"} <= set(response.context["form"].errors)
    assert not Proposal.objects.exists()


def test_a_leader_editing_an_undated_adoption_gets_a_message_not_an_error_page(leader_client, group_a):
    member = make_member(group_a, "李委员")
    report = make_report(group_a, [member], status=OpinionReport.Status.ADOPTED_CITY)  # written before dates were kept

    response = leader_client.post(
        reverse("opinionreport_edit", args=[report.pk]), form_data(group_a, [member], title="改了标题")
    )

    assert response.status_code == 200 and response.context["form"].non_field_errors()
    report.refresh_from_db()
    assert report.title != "改了标题"
