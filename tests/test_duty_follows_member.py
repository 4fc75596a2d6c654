"""The member's yearly duty follows the member (activities.carriers): a member
who moves group on 1 July with 2 constituents in each group has 4, and every
page gives the same verdict; a group's shares count its members of 31 December."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from activities.carriers import ActivityKind
from activities.models import ConstituentContact, DutyReport
from portal import roles
from reports.figures import period_figures
from reports.models import Measure
from reports.scorecards import year_scores
from reports.scoring import Verdict
from reports.setup import assessment_year_ensure
from sectors.models import Constituent, GroupMembership

from .factories import log_in, make_activity, make_member, make_user

Y = 2025
D = datetime.date


@pytest.fixture
def mover(committee, group_a, group_b):
    """Moves from B to A on 1 July, with 2 constituents in each group."""
    assessment_year_ensure(committee=committee, year=Y)
    person = make_member(group_b, "周迁移", since=D(2022, 1, 1), until=D(Y, 6, 30))
    GroupMembership.objects.create(member=person, group=group_a, start_date=D(Y, 7, 1))
    people = [Constituent.objects.create(committee=committee, name=f"群众{i}") for i in range(4)]
    for someone in people[:2]:
        ConstituentContact.objects.create(
            group=group_b, member=person, constituent=someone, way="phone", contacted_on=D(Y, 3, 1)
        )
    for someone in people[2:]:
        ConstituentContact.objects.create(
            group=group_a, member=person, constituent=someone, way="phone", contacted_on=D(Y, 8, 1)
        )
    return person


def _rule(committee, group, measure):
    scores = year_scores(committee_id=committee.pk, year=Y, today=D(Y + 1, 1, 10))
    return next(r for r in scores.by_group_id[group.pk].rules if r.measure == measure)


def test_the_scorecards_judge_the_mover_on_all_the_years_contacts(committee, group_a, group_b, mover):
    in_a = _rule(committee, group_a, Measure.CONSTITUENTS_PER_MEMBER)
    assert [e.id for e in in_a.evidence] == [mover.pk]  # 4 constituents, met
    # B's share counts its members of 31 December: the mover has left it.
    assert _rule(committee, group_b, Measure.CONSTITUENTS_PER_MEMBER).verdict == Verdict.NA


def test_the_dashboard_counts_the_members_the_scorecards_count(committee, group_a, group_b, mover):
    make_member(group_b, "留下的", since=D(2022, 1, 1))  # no contacts
    leaver = make_member(group_b, "离开的", since=D(2022, 1, 1), until=D(Y, 9, 30))
    for i in range(3):  # meets the target but belongs to no group on 31 December
        someone = Constituent.objects.create(committee=committee, name=f"离开群众{i}")
        ConstituentContact.objects.create(
            group=group_b, member=leaver, constituent=someone, way="phone", contacted_on=D(Y, 5, 1)
        )
    figures = period_figures(committee.pk, D(Y, 1, 1), D(Y, 12, 31))
    scores = year_scores(committee_id=committee.pk, year=Y, today=D(Y + 1, 1, 10))
    met_on_scorecards = sum(
        len(r.evidence) for g in scores.groups for r in g.rules if r.measure == Measure.CONSTITUENTS_PER_MEMBER
    )
    assert figures.members_meeting_contact_rule == met_on_scorecards == 1
    # One group's figures: its members of the period's end, judged on all their work.
    assert period_figures(committee.pk, D(Y, 1, 1), D(Y, 12, 31), group_a.pk).members_meeting_contact_rule == 1
    assert period_figures(committee.pk, D(Y, 1, 1), D(Y, 12, 31), group_b.pk).members_meeting_contact_rule == 0


def test_the_duty_record_gives_the_same_verdict_to_every_reader(committee, group_a, group_b, mover, users):
    leader_b = make_user(roles.LEADER, group=group_b, username="leader_b")
    for user in (users[roles.STAFF], users[roles.LEADER], leader_b):
        client = Client()
        log_in(client, user)
        record = client.get(reverse("member_detail", args=[mover.pk]), {"year": Y}).context["record"]
        assert (record.distinct_constituents, record.constituent_target_met) == (4, True), user.username


def test_the_contacts_page_gives_both_leaders_the_same_verdict(committee, group_a, group_b, mover, users):
    leader_b = make_user(roles.LEADER, group=group_b, username="leader_b")
    for user in (users[roles.LEADER], leader_b):
        client = Client()
        log_in(client, user)
        summary = client.get(reverse("contact_list"), {"year": Y}).context["summary"]
        [row] = [m for m in summary if m.pk == mover.pk]
        assert (row.constituent_count, row.missing) == (4, 0), user.username


def test_the_scorecard_page_lists_the_mover_as_meeting_the_target(committee, group_a, mover, staff_client):
    card = staff_client.get(reverse("scorecard", args=[group_a.pk]), {"year": Y}).context["card"]
    [row] = [m for m in card.members if m.year.member.pk == mover.pk]
    assert (row.year.constituents, row.short_of_constituents) == (4, False)


def test_a_report_filed_without_a_meeting_counts_nowhere(committee, group_a, leader_member):
    assessment_year_ensure(committee=committee, year=Y)
    DutyReport.objects.create(group=group_a, member=leader_member, title="书面述职", reported_on=D(Y, 12, 20))
    assert _rule(committee, group_a, Measure.DUTY_REPORTERS).value == 0
    assert period_figures(committee.pk, D(Y, 1, 1), D(Y, 12, 31)).duty_reporters == 0
    meeting = make_activity([group_a], kind=ActivityKind.DUTY_REPORT, date=D(Y, 12, 20))
    DutyReport.objects.create(
        group=group_a, member=leader_member, meeting=meeting, title="述职", reported_on=D(Y, 12, 20)
    )
    assert _rule(committee, group_a, Measure.DUTY_REPORTERS).value == 100
    assert period_figures(committee.pk, D(Y, 1, 1), D(Y, 12, 31)).duty_reporters == 1


def test_a_january_meeting_for_last_years_duties_counts_the_same_on_the_dashboard_and_the_scorecards(
    committee, group_a, leader_member
):
    for year in (Y, Y + 1):
        assessment_year_ensure(committee=committee, year=year)
    meeting = make_activity([group_a], kind=ActivityKind.DUTY_REPORT, date=D(Y + 1, 1, 8))
    DutyReport.objects.create(
        group=group_a, member=leader_member, meeting=meeting, title="述职", reported_on=D(Y + 1, 1, 8)
    )
    for year in (Y, Y + 1):
        scores = year_scores(committee_id=committee.pk, year=year, today=D(year + 1, 1, 10))
        rules = {r.measure: r for r in scores.by_group_id[group_a.pk].rules}
        figures = period_figures(committee.pk, D(year, 1, 1), D(year, 12, 31))
        held = figures.duty_report_groups, rules[Measure.DUTY_REPORT_MEETINGS].value
        reported = figures.duty_reporters, rules[Measure.DUTY_REPORTERS].value
        assert (held, reported) == ((0, 0), (0, 0)), year
    # The year's December meeting counts in both.
    december = make_activity([group_a], kind=ActivityKind.DUTY_REPORT, date=D(Y + 1, 12, 18))
    DutyReport.objects.create(
        group=group_a, member=leader_member, meeting=december, title="述职", reported_on=D(Y + 1, 12, 18)
    )
    scores = year_scores(committee_id=committee.pk, year=Y + 1, today=D(Y + 2, 1, 10))
    rules = {r.measure: r for r in scores.by_group_id[group_a.pk].rules}
    figures = period_figures(committee.pk, D(Y + 1, 1, 1), D(Y + 1, 12, 31))
    assert (figures.duty_report_groups, rules[Measure.DUTY_REPORT_MEETINGS].value) == (1, 1)
    assert (figures.duty_reporters, rules[Measure.DUTY_REPORTERS].value) == (1, 100)
