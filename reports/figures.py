"""How each figure of the year-end report is counted, defined once.

The article's units differ and are easy to mix up:
- 人次 (participant-times) counts attendances: attending members plus other
  participants, summed over activities (one member at 12 sessions counts 12);
- 人 (people) counts distinct members;
- "groups that held X" counts distinct groups.
Every page, export and dashboard takes its figures from these functions.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet, Sum

from activities.carriers import ActivityKind, Carrier, kinds_for_carrier
from activities.models import Activity, Attendance, DutyReport, OpinionReport
from sectors.models import Workstation


def activities_between(committee_id: int, start: datetime.date, end: datetime.date) -> QuerySet[Activity]:
    """Held activities of a committee with start <= date <= end."""
    return Activity.objects.filter(
        committee_id=committee_id, date__gte=start, date__lte=end, status=Activity.Status.HELD
    )


def participant_times(activities: QuerySet[Activity]) -> int:
    """人次: members present plus other participants, over all the activities."""
    present = Attendance.objects.filter(activity__in=activities, status=Attendance.Status.PRESENT).count()
    others = activities.aggregate(total=Sum("other_participants"))["total"] or 0
    return present + others


def distinct_members(activities: QuerySet[Activity]) -> int:
    """人: members present at least once."""
    return (
        Attendance.objects.filter(activity__in=activities, status=Attendance.Status.PRESENT)
        .values("member_id")
        .distinct()
        .count()
    )


def distinct_groups(activities: QuerySet[Activity]) -> int:
    """Groups that held at least one of the activities (joint ones count for each group)."""
    return activities.values("groups").exclude(groups=None).distinct().count()


@dataclass(frozen=True)
class YearFigures:
    study_sessions: int  # study sessions (the study-day carrier; trainings are not study sessions)
    study_participant_times: int
    workstations: int
    consultations: int
    consultation_participant_times: int
    duty_report_groups: int
    duty_reporters: int
    opinion_reports: int


def year_figures(committee_id: int, start: datetime.date, end: datetime.date) -> YearFigures:
    """The article's headline figures for any period."""
    held = activities_between(committee_id, start, end)
    study = held.filter(kind__in=kinds_for_carrier(Carrier.STUDY_DAY))
    consultations = held.filter(kind=ActivityKind.CONSULTATION)
    duty_meetings = held.filter(kind=ActivityKind.DUTY_REPORT)
    stations = Workstation.objects.filter(group__committee_id=committee_id, established_on__lte=end).filter(
        Q(is_active=True)
    )
    reporters = (
        DutyReport.objects.filter(group__committee_id=committee_id, reported_on__gte=start, reported_on__lte=end)
        .values("member_id")
        .distinct()
        .count()
    )
    reports = OpinionReport.objects.filter(committee_id=committee_id, submitted_on__gte=start, submitted_on__lte=end)
    return YearFigures(
        study_sessions=study.count(),
        study_participant_times=participant_times(study),
        workstations=stations.count(),
        consultations=consultations.count(),
        consultation_participant_times=participant_times(consultations),
        duty_report_groups=distinct_groups(duty_meetings),
        duty_reporters=reporters,
        opinion_reports=reports.count(),
    )
