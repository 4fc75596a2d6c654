"""The year-end figures count 人次, 人 and groups the way the article does, for any period."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from activities.carriers import ActivityKind
from activities.models import Activity, Attendance, ConstituentContact, DutyReport, OpinionReport, Proposal
from reports import figures
from reports.figures import Period
from sectors.models import Constituent, Workstation

from .factories import make_activity, make_group, make_member

START, END = datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)


def year(committee, group=None):
    return figures.period_figures(committee.pk, START, END, group_id=group.pk if group else None)


def test_it_counts_participant_times_as_attendances_plus_other_participants(committee, group_a, group_b):
    a1, a2 = make_member(group_a), make_member(group_a)
    b1 = make_member(group_b)
    first = make_activity([group_a], attendees=[a1, a2], other_participants=5)
    make_activity([group_a, group_b], date=datetime.date(2025, 4, 1), attendees=[a1, b1], other_participants=0)
    Attendance.objects.create(activity=first, member=b1, status="absent", absence_reason="leave")

    result = year(committee)

    assert result.study_sessions == 2  # the joint session counts once in the committee's totals
    assert result.study_participant_times == 2 + 5 + 2  # a1 counts twice: 人次
    assert result.participating_members == 3  # 人: a1, a2, b1 (b1's absence does not count)


def test_it_counts_a_joint_activity_once_for_each_group_with_only_its_own_members(committee, group_a, group_b):
    a1, b1 = make_member(group_a), make_member(group_b)
    make_activity([group_a, group_b], kind=ActivityKind.CONSULTATION, attendees=[a1, b1], other_participants=7)

    committee_wide, for_a, for_b = year(committee), year(committee, group_a), year(committee, group_b)

    assert committee_wide.consultation_meetings == 1 and committee_wide.consultation_participant_times == 9
    assert for_a.consultation_meetings == 1 and for_a.consultation_participant_times == 1 + 7
    assert for_b.consultation_meetings == 1 and for_b.consultation_participant_times == 1 + 7
    assert (for_a.participating_members, for_b.participating_members) == (1, 1)


def test_it_leaves_planned_and_out_of_period_activities_out(committee, group_a):
    member = make_member(group_a)
    make_activity([group_a], attendees=[member], status=Activity.Status.PLANNED)
    make_activity([group_a], date=datetime.date(2024, 12, 31), attendees=[member])
    make_activity([group_a], date=datetime.date(2026, 1, 1), attendees=[member])
    make_activity([group_a], date=START, attendees=[member])  # both ends are included
    make_activity([group_a], date=END, attendees=[member])

    result = year(committee)

    assert (result.study_sessions, result.study_participant_times, result.activities_held) == (2, 2, 2)


def test_it_keeps_trainings_apart_from_study_sessions(committee, group_a):
    make_activity([group_a], kind=ActivityKind.TRAINING)
    make_activity([group_a], kind=ActivityKind.STUDY)
    result = year(committee)
    assert (result.study_sessions, result.training_sessions) == (1, 1)


def test_it_counts_stations_open_at_any_time_in_the_period(committee, group_a, settings):
    def station(name, established, closed=None):
        return Workstation.objects.create(
            group=group_a, name=name, host_kind="studio", established_on=established, closed_on=closed
        )

    station("老站", datetime.date(2020, 1, 1))
    station("年内关闭", datetime.date(2020, 1, 1), datetime.date(2025, 1, 1))
    station("年末新建", datetime.date(2025, 12, 31))
    station("去年关闭", datetime.date(2020, 1, 1), datetime.date(2024, 12, 31))
    station("明年新建", datetime.date(2026, 1, 1))
    assert year(committee).workstations == 3
    # 「建立」 counts the one set up in the year; the others were kept open (运行).
    assert year(committee).workstations_established == 1
    assert "运行“界别工作站”3个，其中新建1个" in year(committee).bulletin_zh
    assert "kept 3 sector workstations (1 set up in the period)" in year(committee).bulletin_en

    settings.PORTAL_TODAY = "2026-03-01"
    old = Workstation.objects.get(name="老站")
    old.closed_on = datetime.date(2026, 3, 1)
    old.save()
    assert year(committee).workstations == 3  # closing it today leaves last year's figure alone
    assert (
        figures.period_figures(committee.pk, datetime.date(2026, 3, 2), datetime.date(2026, 12, 31)).workstations == 2
    )


def test_it_counts_duty_report_groups_by_meetings_held_and_reporters_by_person(committee, group_a, group_b):
    members = [make_member(group_a) for _ in range(3)]
    meeting = make_activity([group_a], kind=ActivityKind.DUTY_REPORT, date=datetime.date(2025, 12, 10))
    make_activity([group_b], kind=ActivityKind.DUTY_REPORT, date=datetime.date(2025, 12, 11))  # no reports recorded
    for member in members:
        DutyReport.objects.create(
            group=group_a, member=member, meeting=meeting, title="我的履职", reported_on=meeting.date
        )
    DutyReport.objects.create(
        group=group_a, member=members[0], title="补充述职", reported_on=datetime.date(2025, 12, 20)
    )

    result = year(committee)

    assert (result.duty_report_groups, result.duty_reporters) == (2, 3)
    assert (year(committee, group_b).duty_report_groups, year(committee, group_b).duty_reporters) == (1, 0)


def test_it_counts_reports_proposals_contacts_and_members(committee, group_a, group_b):
    a1, a2 = make_member(group_a), make_member(group_a)
    make_member(group_b, since=datetime.date(2026, 1, 1))  # joined after the period
    make_member(group_b, since=datetime.date(2020, 1, 1), until=datetime.date(2025, 1, 1))  # left on its first day
    station = Workstation.objects.create(group=group_a, name="站", host_kind="studio", established_on=START)
    for status in ("submitted", "adopted_city", "adopted_province", "adopted_national"):
        decided = {"adopted_on": START, "adopted_by": "cppcc"} if status != "submitted" else {}
        OpinionReport.objects.create(
            committee=committee,
            group=group_a,
            title=status,
            submitted_on=START,
            status=status,
            workstation=station,
            **decided,
        )
    OpinionReport.objects.create(committee=committee, group=group_b, title="无站", submitted_on=END)
    Proposal.objects.create(
        committee=committee, group=group_a, title="提案", submitted_on=START, is_key=True, key_on=START, key_by="cppcc"
    )
    Proposal.objects.create(committee=committee, group=group_b, title="提案2", submitted_on=END)
    people = [Constituent.objects.create(committee=committee, name=f"群众{i}") for i in range(3)]
    for person in people:
        ConstituentContact.objects.create(group=group_a, member=a1, constituent=person, way="phone", contacted_on=START)
    ConstituentContact.objects.create(group=group_a, member=a2, constituent=people[0], way="phone", contacted_on=END)
    make_activity([group_a], attendees=[a1])

    result = year(committee)

    assert (result.opinion_reports, result.opinion_reports_adopted, result.workstation_opinion_reports) == (5, 3, 4)
    assert result.opinion_reports_adopted_by_level == {"city": 1, "province": 1, "national": 1}
    assert (result.proposals, result.key_proposals) == (2, 1)
    assert (result.constituent_contacts, result.constituents, result.members_meeting_contact_rule) == (4, 3, 1)
    assert (result.members, result.participating_members, result.groups) == (3, 1, 2)


def test_it_computes_any_number_of_periods_in_a_fixed_number_of_queries(committee, group_a):
    make_activity([group_a], attendees=[make_member(group_a)])
    periods = [Period.year(y) for y in range(2019, 2026)]
    with CaptureQueriesContext(connection) as one:
        figures.figures_for_periods(committee.pk, periods[:1])
    with CaptureQueriesContext(connection) as seven:
        by_year = figures.figures_for_periods(committee.pk, periods)
    assert len(one) == len(seven) == figures.QUERIES
    assert [f.study_sessions for f in by_year] == [0, 0, 0, 0, 0, 0, 1]


def test_it_takes_the_previous_period_of_the_same_shape():
    assert Period.year(2025).previous() == Period.year(2024)
    article = Period(datetime.date(2019, 5, 1), datetime.date(2020, 4, 30))
    assert article.previous() == Period(datetime.date(2018, 5, 1), datetime.date(2019, 4, 30))
    quarter = Period(datetime.date(2025, 4, 1), datetime.date(2025, 6, 30))
    assert quarter.previous() == Period(datetime.date(2025, 1, 1), datetime.date(2025, 3, 31))


def test_it_writes_the_bulletin_in_the_articles_style_without_zero_figures(committee, group_a):
    make_group(committee, "第三组", "三组")
    make_activity([group_a], attendees=[make_member(group_a)], other_participants=2)
    make_activity([group_a], kind=ActivityKind.CONSULTATION)

    result = year(committee)

    assert result.bulletin_zh == "2个界别活动组开展学习1次，参与3人次；召开“界别协商会”1次。"
    assert result.bulletin_en == (
        "The 2 sector activity groups held 1 study session with 3 participant-times; "
        "held 1 sector consultation meeting."
    )
    assert "0" not in result.bulletin_zh
    group = year(committee, group_a)
    assert group.bulletin_zh == "民盟界别活动组开展学习1次，参与3人次；召开“界别协商会”1次。"


def test_overlapping_and_separate_periods_count_the_same(committee, group_a, group_b):
    a, b = make_member(group_a), make_member(group_b)
    make_activity([group_a, group_b], attendees=[a, b], date=datetime.date(2025, 3, 1), other_participants=2)
    make_activity([group_a], kind=ActivityKind.CONSULTATION, attendees=[a], date=datetime.date(2025, 9, 1))
    year_, half = Period.year(2025), Period(datetime.date(2025, 1, 1), datetime.date(2025, 6, 30))
    together = figures.figures_for_periods(committee.pk, [year_, half])  # overlapping: filtered aggregates
    apart = [figures.figures_for_periods(committee.pk, [p])[0] for p in (year_, half)]
    assert [f.without_bulletin() for f in together] == [f.without_bulletin() for f in apart]
    assert together[1].study_participant_times == 4 and together[0].consultation_meetings == 1


def test_the_headline_over_the_years_matches_the_full_figures(committee, group_a):
    member = make_member(group_a)
    for year_number in (2019, 2021, 2025):
        make_activity([group_a], attendees=[member], date=datetime.date(year_number, 5, 1), other_participants=3)
        make_activity([group_a], kind=ActivityKind.DUTY_REPORT, date=datetime.date(year_number, 12, 1))
    periods = [Period.year(y) for y in range(2019, 2026)]
    with CaptureQueriesContext(connection) as captured:
        headline = figures.headline_for_periods(committee.pk, periods)
    assert len(captured) == figures.HEADLINE_QUERIES
    full = figures.figures_for_periods(committee.pk, periods)
    assert headline == [{key: getattr(f, key) for key in figures.HEADLINE_KEYS} for f in full]


def test_adoptions_and_key_proposals_count_in_the_year_they_were_decided(committee, group_a):
    december, march = datetime.date(2024, 12, 10), datetime.date(2025, 3, 5)
    OpinionReport.objects.create(
        committee=committee,
        group=group_a,
        title="跨年采用",
        submitted_on=december,
        status="adopted_province",
        adopted_on=march,
        adopted_by="party_committee",
    )
    Proposal.objects.create(
        committee=committee, group=group_a, title="跨年重点", submitted_on=december, is_key=True, key_on=march
    )
    before = figures.period_figures(committee.pk, datetime.date(2024, 1, 1), datetime.date(2024, 12, 31))
    after = year(committee)
    assert (before.opinion_reports, before.opinion_reports_adopted, before.proposals, before.key_proposals) == (
        1,
        0,
        1,
        0,
    )
    assert (after.opinion_reports, after.opinion_reports_adopted, after.key_proposals) == (0, 1, 1)
    assert after.opinion_reports_adopted_by_level == {"city": 0, "province": 1, "national": 0}
