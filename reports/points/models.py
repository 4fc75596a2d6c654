"""The year's point rules as data (like the group requirements of reports.models),
members' appeals (复核) and the frozen points of a closed year.

A year's rules: one PointYear (committee, year, the preset it came from, the
collective-proposal limit, the co-proposer share), its PointRule rows (item →
points), PointCap rows (category → most points it may add) and GradeBand rows
(lowest total → grade and the committee's consequence). Admins choose a preset
per year (admin action or `manage.py points_preset`) and edit the rows.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from sectors.models import Committee, Member, SectorGroup

from .items import Category, Item


class PointYear(models.Model):
    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="+", verbose_name=_("committee"))
    year = models.PositiveSmallIntegerField(_("year"))
    preset = models.CharField(_("preset"), max_length=20, blank=True, help_text=_("The table the rules came from."))
    collective_max_members = models.PositiveSmallIntegerField(
        _("collective proposal: members counted"),
        default=5,
        help_text=_("A proposal in the group's name earns points for at most this many of its proposers."),
    )
    co_share = models.DecimalField(
        _("co-proposers' share of bonuses (%)"),
        max_digits=5,
        decimal_places=1,
        default=50,
        help_text=_(
            "Accepted, key and excellent bonuses and instructions: the first proposer gets all, others this share."
        ),
    )
    ladder_highest_only = models.BooleanField(
        _("adoptions: highest level only"),
        default=True,
        help_text=_("A report adopted at several levels earns the highest level's points only (else each level's)."),
    )
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("point rules of a year")
        verbose_name_plural = _("point rules of years")
        ordering = ["committee", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "year"], name="point_year_unique"),
            models.CheckConstraint(condition=Q(co_share__gte=0, co_share__lte=100), name="point_year_co_share_pct"),
        ]

    def __str__(self) -> str:
        return _("Point rules %(year)s") % {"year": self.year}


class PointRule(models.Model):
    point_year = models.ForeignKey(PointYear, on_delete=models.CASCADE, related_name="rules", verbose_name=_("year"))
    item = models.CharField(_("item"), max_length=30, choices=Item.choices)
    points = models.DecimalField(_("points"), max_digits=6, decimal_places=2, help_text=_("Negative for a deduction."))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("point rule")
        verbose_name_plural = _("point rules")
        ordering = ["point_year", "item"]
        constraints = [models.UniqueConstraint(fields=["point_year", "item"], name="point_rule_unique_item")]

    def __str__(self) -> str:
        return f"{self.get_item_display()}: {self.points}"


class PointCap(models.Model):
    point_year = models.ForeignKey(PointYear, on_delete=models.CASCADE, related_name="caps", verbose_name=_("year"))
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    cap = models.DecimalField(_("at most"), max_digits=6, decimal_places=2)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("point cap")
        verbose_name_plural = _("point caps")
        ordering = ["point_year", "category"]
        constraints = [
            models.UniqueConstraint(fields=["point_year", "category"], name="point_cap_unique_category"),
            models.CheckConstraint(condition=Q(cap__gte=0), name="point_cap_non_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} ≤ {self.cap}"


class GradeBand(models.Model):
    point_year = models.ForeignKey(PointYear, on_delete=models.CASCADE, related_name="grades", verbose_name=_("year"))
    label = models.CharField(_("grade"), max_length=20)
    min_points = models.DecimalField(_("from (points)"), max_digits=6, decimal_places=2)
    consequence = models.CharField(_("consequence"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("grade band")
        verbose_name_plural = _("grade bands")
        ordering = ["point_year", "-min_points"]
        constraints = [models.UniqueConstraint(fields=["point_year", "label"], name="grade_band_unique_label")]

    def __str__(self) -> str:
        return f"{self.label} ≥ {self.min_points}"


class PointAppeal(models.Model):
    """A member or leader asks staff to review one point item (复核) before the year is closed."""

    class Status(models.TextChoices):
        OPEN = "open", _("Awaiting review")
        ACCEPTED = "accepted", pgettext_lazy("appeal", "Accepted")
        REJECTED = "rejected", pgettext_lazy("appeal", "Rejected")

    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="+", verbose_name=_("committee"))
    year = models.PositiveSmallIntegerField(_("year"))
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+", verbose_name=_("member"))
    item_key = models.CharField(_("point item"), max_length=80)
    item_label = models.CharField(_("what the item says"), max_length=300)
    points = models.DecimalField(_("points of the item"), max_digits=7, decimal_places=2)
    reason = models.TextField(_("reason"))
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("raised by")
    )
    raised_at = models.DateTimeField(_("raised at"), default=timezone.now)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    adjustment = models.DecimalField(_("adjustment"), max_digits=7, decimal_places=2, default=0)
    comment = models.TextField(_("staff comment"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("point appeal")
        verbose_name_plural = _("point appeals")
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "year", "item_key"], condition=Q(status="open"), name="point_appeal_one_open"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.year}: {self.item_label}"


class PointSnapshot(models.Model):
    """A member's points of a closed year, written when the year is closed and read afterwards."""

    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="+", verbose_name=_("committee"))
    year = models.PositiveSmallIntegerField(_("year"))
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+", verbose_name=_("member"))
    group = models.ForeignKey(
        SectorGroup, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("sector group")
    )
    total = models.DecimalField(_("points"), max_digits=7, decimal_places=2)
    grade = models.CharField(_("grade"), max_length=20, blank=True)
    consequence = models.CharField(_("consequence"), max_length=200, blank=True)
    # Every item as the engine gave it (kind, id, date, rule, points, counted, capped…).
    items = models.JSONField(_("items"), default=list)
    categories = models.JSONField(_("categories"), default=dict)
    taken_at = models.DateTimeField(_("frozen at"), default=timezone.now)

    class Meta:
        verbose_name = _("frozen points")
        verbose_name_plural = _("frozen points")
        ordering = ["committee", "year", "member"]
        constraints = [models.UniqueConstraint(fields=["committee", "year", "member"], name="point_snapshot_once")]

    def __str__(self) -> str:
        return f"{self.member} {self.year}: {self.total}"
