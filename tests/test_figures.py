"""The year-end figures count 人次, 人 and groups the way the article does."""

import datetime

from activities.carriers import ActivityKind
from activities.models import Activity, Attendance, DutyReport
from reports import figures

from .factories import make_activity, make_member

YEAR = (datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))


def test_it_counts_participant_times_as_attendances_plus_other_participants(committee, group_a, group_b):
    a1, a2 = make_member(group_a), make_member(group_a)
    b1 = make_member(group_b)
    first = make_activity([group_a], attendees=[a1, a2], other_participants=5)
    make_activity([group_a, group_b], date=datetime.date(2025, 4, 1), attendees=[a1, b1], other_participants=0)
    Attendance.objects.create(activity=first, member=b1, status="absent", absence_reason="leave")
    held = figures.activities_between(committee.pk, *YEAR)

    assert figures.participant_times(held) == 2 + 5 + 2  # a1 counts twice: 人次
    assert figures.distinct_members(held) == 3  # 人: a1, a2, b1 (b1's absence does not count)
    assert figures.distinct_groups(held) == 2


def test_it_leaves_planned_and_out_of_period_activities_out(committee, group_a):
    member = make_member(group_a)
    make_activity([group_a], attendees=[member], status=Activity.Status.PLANNED)
    make_activity([group_a], date=datetime.date(2024, 12, 31), attendees=[member])
    assert figures.participant_times(figures.activities_between(committee.pk, *YEAR)) == 0


def test_it_states_the_articles_headline_figures(committee, group_a, group_b):
    members = [make_member(group_a) for _ in range(3)]
    for month in range(1, 4):
        make_activity([group_a], date=datetime.date(2025, month, 1), attendees=members)
    make_activity([group_a, group_b], kind=ActivityKind.CONSULTATION, attendees=members[:2], other_participants=10)
    meeting = make_activity([group_a], kind=ActivityKind.DUTY_REPORT, date=datetime.date(2025, 12, 10))
    for member in members:
        DutyReport.objects.create(
            group=group_a, member=member, meeting=meeting, title="我的履职", reported_on=meeting.date
        )

    result = figures.year_figures(committee.pk, *YEAR)

    assert result.study_sessions == 3
    assert result.study_participant_times == 9
    assert result.consultations == 1
    assert result.consultation_participant_times == 12
    assert result.duty_report_groups == 1
    assert result.duty_reporters == 3
