"""The yearly assessment rules (考核) as data.

Each year has its deadlines and one row per requirement: which "have" it
counts toward, what is measured, the threshold and the weight. Staff change
them in the admin; the scoring functions read them and hold no numbers.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from activities.carriers import DEFAULT_CONSTITUENTS_PER_MEMBER, DEFAULT_STATION_DAYS_OPEN, Carrier, Have
from sectors.models import Committee, SectorGroup


class AssessmentYear(models.Model):
    committee = models.ForeignKey(
        Committee, on_delete=models.PROTECT, related_name="assessment_years", verbose_name=_("committee")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    plan_deadline = models.DateField(_("deadline for the work plan"))
    summary_deadline = models.DateField(_("deadline for the year-end summary"))
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("assessment year")
        verbose_name_plural = _("assessment years")
        ordering = ["committee", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "year"], name="assessment_year_unique"),
            models.CheckConstraint(condition=Q(year__gte=2000, year__lte=2100), name="assessment_year_range"),
        ]

    def __str__(self) -> str:
        return _("Assessment %(year)s") % {"year": self.year}


def measure_choices() -> list[tuple[str, str]]:
    """Every measure of the specs' table, in its order (a callable: read when a form or a
    check asks, so a spec added to the table is a valid choice at once)."""
    from reports.measures import MEASURES

    return [(key, spec.label) for key, spec in MEASURES.items()]


class Measure(models.TextChoices):
    """What a requirement counts, for one group in one year."""

    PLAN_FILED = "plan_filed", _("Work plan filed by the deadline (1 = yes)")
    SUMMARY_FILED = "summary_filed", _("Year-end summary filed by the deadline (1 = yes)")
    STUDY_MONTHS = "study_months", _("Months with a study session")
    TRAINING_SESSIONS = "training_sessions", _("Training sessions")
    RESEARCH_INSPECTIONS = "research_inspections", _("Research trips and inspections")
    CONSULTATIONS = "consultations", _("Consultation meetings")
    SUPERVISIONS = "supervisions", _("Democratic supervision activities")
    PROPOSALS = "proposals", _("Proposals")
    OPINION_REPORTS = "opinion_reports", _("Public-opinion reports")
    # The workstation carrier counts only the reports that came through a station.
    WORKSTATION_OPINION_REPORTS = "workstation_opinion_reports", _("Public-opinion reports through workstations")
    SERVICE_ACTIVITIES = "service_activities", _("Service activities")
    DECEMBER_ACTIVITIES = "december_activities", _("Activities in the December activity month")
    FELLOWSHIP_ACTIVITIES = "fellowship_activities", _("Fellowship and exchange activities")
    CONSTITUENTS_PER_MEMBER = "constituents_per_member", _("Share of members with enough constituents (%)")
    ACTIVE_WORKSTATIONS = "active_workstations", _("Active workstations")
    DUTY_REPORT_MEETINGS = "duty_report_meetings", _("Duty-report meetings in December")
    DUTY_REPORTERS = "duty_reporters", _("Share of members who reported at the duty-report meeting (%)")
    HIGHLIGHTS = "highlights", _("Highlights recognised by staff")


class Requirement(models.Model):
    """One rule of a year. It counts toward one of the eight haves, one of the
    six carriers, or both (then it shows in both views and is scored once)."""

    assessment_year = models.ForeignKey(
        AssessmentYear, on_delete=models.CASCADE, related_name="requirements", verbose_name=_("assessment year")
    )
    have = models.CharField(_("have"), max_length=30, choices=Have.choices, blank=True)
    carrier = models.CharField(_("carrier"), max_length=20, choices=Carrier.choices, blank=True)
    # The specs' table (reports.measures.MEASURES) names the measures: a new rule is its spec
    # and its data row, with no migration for the choices.
    measure = models.CharField(_("measure"), max_length=30, choices=measure_choices)
    # 0 switches the rule off for the year.
    threshold = models.DecimalField(_("threshold"), max_digits=7, decimal_places=2)
    # Used by CONSTITUENTS_PER_MEMBER: how many distinct constituents make "enough".
    per_member = models.PositiveSmallIntegerField(_("per member"), default=0)
    # Used by ACTIVE_WORKSTATIONS: days of the year a station must be open to
    # count as active (0: activities.carriers.DEFAULT_STATION_DAYS_OPEN).
    days_open = models.PositiveSmallIntegerField(
        _("days open"), default=0, help_text=_("Active workstations: days of the year a station must be open.")
    )
    weight = models.DecimalField(_("weight"), max_digits=5, decimal_places=2, default=1)
    # Empty: the year's plan or summary deadline for those two rules, no single
    # deadline for monthly study, 31 December for the rest.
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    is_hard = models.BooleanField(
        _("hard rule"), default=False, help_text=_("Missing it fails the group whatever its score.")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("requirement")
        verbose_name_plural = _("requirements")
        ordering = ["assessment_year", "have", "measure"]
        constraints = [
            models.UniqueConstraint(fields=["assessment_year", "measure"], name="requirement_unique_measure"),
            models.CheckConstraint(condition=Q(threshold__gte=0), name="requirement_threshold_non_negative"),
            models.CheckConstraint(condition=Q(weight__gte=0), name="requirement_weight_non_negative"),
            models.CheckConstraint(condition=~Q(have="", carrier=""), name="requirement_have_or_carrier"),
        ]

    def __str__(self) -> str:
        area = self.get_have_display() or self.get_carrier_display()
        return f"{area}: {self.get_measure_display()} ≥ {self.threshold}"


@dataclass(frozen=True)
class DefaultRequirement:
    have: str  # Have value or ""
    carrier: str  # Carrier value or ""
    measure: str
    threshold: int
    deadline: tuple[int, int] | None = (12, 31)  # month, day; None: each month
    is_hard: bool = False
    per_member: int = 0
    days_open: int = 0

    def deadline_in(self, year: int) -> datetime.date | None:
        return datetime.date(year, *self.deadline) if self.deadline else None


# The rules of a new year: the article's where it states one; the committee
# changes the rest (and these) per year in the admin.
DEFAULT_REQUIREMENTS: list[DefaultRequirement] = [
    DefaultRequirement(Have.PLAN_SUMMARY, "", Measure.PLAN_FILED, 1, (3, 31)),
    DefaultRequirement(Have.PLAN_SUMMARY, "", Measure.SUMMARY_FILED, 1),
    DefaultRequirement(Have.STUDY_TRAINING, Carrier.STUDY_DAY, Measure.STUDY_MONTHS, 12, None),
    DefaultRequirement(Have.RESEARCH_INSPECTION, "", Measure.RESEARCH_INSPECTIONS, 1),
    DefaultRequirement(Have.CONSULTATION_SUPERVISION, Carrier.CONSULTATION, Measure.CONSULTATIONS, 1, is_hard=True),
    DefaultRequirement(Have.PROPOSALS_INFORMATION, "", Measure.PROPOSALS, 1),
    DefaultRequirement(Have.PROPOSALS_INFORMATION, "", Measure.OPINION_REPORTS, 1),
    DefaultRequirement("", Carrier.WORKSTATION, Measure.WORKSTATION_OPINION_REPORTS, 1),
    DefaultRequirement("", Carrier.WORKSTATION, Measure.ACTIVE_WORKSTATIONS, 1, days_open=DEFAULT_STATION_DAYS_OPEN),
    DefaultRequirement(Have.ACTIVITIES_SERVICES, Carrier.ACTIVITY_MONTH, Measure.SERVICE_ACTIVITIES, 2),
    DefaultRequirement(Have.ACTIVITIES_SERVICES, Carrier.ACTIVITY_MONTH, Measure.DECEMBER_ACTIVITIES, 1),
    DefaultRequirement(Have.FELLOWSHIP_EXCHANGE, "", Measure.FELLOWSHIP_ACTIVITIES, 1),
    DefaultRequirement(
        Have.FELLOWSHIP_EXCHANGE,
        Carrier.E_NETWORK,
        Measure.CONSTITUENTS_PER_MEMBER,
        100,
        per_member=DEFAULT_CONSTITUENTS_PER_MEMBER,
    ),
    DefaultRequirement("", Carrier.DUTY_REPORT, Measure.DUTY_REPORT_MEETINGS, 1, is_hard=True),
    DefaultRequirement("", Carrier.DUTY_REPORT, Measure.DUTY_REPORTERS, 80),
    DefaultRequirement(Have.INNOVATION_HIGHLIGHTS, "", Measure.HIGHLIGHTS, 1),
]


class ClosedYear(models.Model):
    """An assessment year closed by staff: its scores are the official result.

    `computed_for` is the date the official scores were judged against; the
    scorecard recomputes with that date to tell whether records changed since.
    """

    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="+", verbose_name=_("committee"))
    year = models.PositiveSmallIntegerField(_("year"))
    computed_for = models.DateField(_("scores judged on"))
    closed_at = models.DateTimeField(_("closed at"), default=timezone.now)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )

    class Meta:
        verbose_name = _("closed assessment year")
        verbose_name_plural = _("closed assessment years")
        ordering = ["committee", "-year"]
        constraints = [models.UniqueConstraint(fields=["committee", "year"], name="closed_year_once")]

    def __str__(self) -> str:
        return _("Assessment %(year)s (closed)") % {"year": self.year}


class ScoreSnapshot(models.Model):
    """One group's scores for a year as computed on one day.

    Nightly snapshots (one per group and day) give the trend through the year;
    the official result of a closed year is one more snapshot, marked official.
    """

    group = models.ForeignKey(SectorGroup, on_delete=models.PROTECT, related_name="+", verbose_name=_("sector group"))
    year = models.PositiveSmallIntegerField(_("year"))
    taken_on = models.DateField(_("date"))
    official = models.BooleanField(_("official result"), default=False)
    total = models.DecimalField(_("score"), max_digits=5, decimal_places=1)
    rank = models.PositiveSmallIntegerField(_("rank"))
    verdict = models.CharField(_("verdict"), max_length=10)
    fails_hard = models.BooleanField(_("fails a hard rule"), default=False)
    # Each rule's label, value, threshold, verdict and score, as the engine gave them.
    rules = models.JSONField(_("rules"), default=list, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("score snapshot")
        verbose_name_plural = _("score snapshots")
        ordering = ["group", "year", "taken_on"]
        indexes = [models.Index(fields=["group", "year", "taken_on"], name="snapshot_group_year_day")]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "year", "taken_on"], condition=Q(official=False), name="snapshot_once_a_day"
            ),
            models.UniqueConstraint(fields=["group", "year"], condition=Q(official=True), name="snapshot_one_official"),
        ]

    def __str__(self) -> str:
        return f"{self.group} {self.year} {self.taken_on:%Y-%m-%d} {self.total}"


# Members' duty points (履职积分): their rules, appeals and frozen results live in
# reports.points; imported here so that Django finds the models of the app.
from .points.models import GradeBand, PointAppeal, PointCap, PointRule, PointSnapshot, PointYear  # noqa: E402, F401
