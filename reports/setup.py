"""Set up the portal's committee together with its yearly assessment rules.

The committee, term and groups are the roster's (sectors.roster.setup); the rules are
this app's, so the part that writes them lives here. Idempotent, like
sectors.roster.setup: existing rules are left alone, since staff adjust them per year.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from portal import clock
from sectors.models import Committee
from sectors.roster import committee_data as data
from sectors.roster.setup import SetupCounts, committee_setup

from .models import DEFAULT_REQUIREMENTS, AssessmentYear, DefaultRequirement, Requirement
from .schedule import schedule_install


def assessment_year_ensure(*, committee: Committee, year: int, counts: SetupCounts | None = None) -> AssessmentYear:
    """The year's deadlines and requirements, created from the defaults if missing.

    Existing rows are left alone: staff adjust thresholds and deadlines per year.
    """
    counts = counts if counts is not None else SetupCounts()
    assessment, created = AssessmentYear.objects.get_or_create(
        committee=committee,
        year=year,
        defaults={
            "plan_deadline": datetime.date(year, *data.PLAN_DEADLINE),
            "summary_deadline": datetime.date(year, *data.SUMMARY_DEADLINE),
        },
    )
    counts.created += int(created)
    for default in DEFAULT_REQUIREMENTS:
        _requirement, created = Requirement.objects.get_or_create(
            assessment_year=assessment, measure=default.measure, defaults=requirement_defaults(default, year)
        )
        counts.created += int(created)
    return assessment


def requirement_defaults(default: DefaultRequirement, year: int) -> dict:
    """The fields of a Requirement row made from a default rule for `year`."""
    return {
        "have": default.have,
        "carrier": default.carrier,
        "threshold": default.threshold,
        "per_member": default.per_member,
        "days_open": default.days_open,
        "deadline": default.deadline_in(year),
        "is_hard": default.is_hard,
    }


def _same_day_in(day: datetime.date | None, year: int) -> datetime.date | None:
    if day is None:
        return None
    # 29 February of a leap year becomes 28 February.
    return datetime.date(year, day.month, min(day.day, 28 if day.month == 2 else day.day))


def assessment_year_fill(*, committee: Committee, year: int) -> tuple[AssessmentYear, str]:
    """Give a year without rules the rules of the latest earlier year that has
    some (deadlines moved to the same days of `year`), else the defaults.

    Returns the year and where its rules came from ("copied" or "defaults").
    Rules the year already has are left alone. One transaction."""
    with transaction.atomic():
        source = (
            AssessmentYear.objects.filter(committee=committee, year__lt=year, requirements__isnull=False)
            .order_by("-year")
            .first()
        )
        if source is None:
            return assessment_year_ensure(committee=committee, year=year), "defaults"
        assessment, _created = AssessmentYear.objects.get_or_create(
            committee=committee,
            year=year,
            defaults={
                "plan_deadline": _same_day_in(source.plan_deadline, year),
                "summary_deadline": _same_day_in(source.summary_deadline, year),
            },
        )
        present = set(assessment.requirements.values_list("measure", flat=True))
        Requirement.objects.bulk_create(
            Requirement(
                assessment_year=assessment,
                have=rule.have,
                carrier=rule.carrier,
                measure=rule.measure,
                threshold=rule.threshold,
                per_member=rule.per_member,
                days_open=rule.days_open,
                weight=rule.weight,
                deadline=_same_day_in(rule.deadline, year),
                is_hard=rule.is_hard,
            )
            for rule in source.requirements.all()
            if rule.measure not in present
        )
        return assessment, "copied"


def portal_setup(*, year: int | None = None, counts: SetupCounts | None = None) -> Committee:
    """The committee, its current term, its 29 groups and the assessment year
    (`year`, by default the current one), in one transaction."""
    counts = counts if counts is not None else SetupCounts()
    year = year or clock.today().year
    with transaction.atomic():
        committee = committee_setup(counts=counts)
        assessment_year_ensure(committee=committee, year=year, counts=counts)
        counts.created += schedule_install(PeriodicTask, CrontabSchedule)
    return committee
