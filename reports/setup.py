"""Set up the portal's committee together with its yearly assessment rules.

The committee, term and groups are the roster's (sectors.setup); the rules are
this app's, so the part that writes them lives here. Idempotent, like
sectors.setup: existing rules are left alone, since staff adjust them per year.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from sectors import clock
from sectors import committee_data as data
from sectors.models import Committee
from sectors.setup import SetupCounts, committee_setup

from .models import DEFAULT_REQUIREMENTS, AssessmentYear, Requirement
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
    for have, measure, threshold, per_member in DEFAULT_REQUIREMENTS:
        _requirement, created = Requirement.objects.get_or_create(
            assessment_year=assessment,
            measure=measure,
            defaults={"have": have, "threshold": threshold, "per_member": per_member},
        )
        counts.created += int(created)
    return assessment


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
