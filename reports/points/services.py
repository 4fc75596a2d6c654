"""Writes of the duty points: applying a preset to a year, appeals (复核) and
freezing a closed year's points. Each validates, saves atomically and is
audited (simple-history on every row; an AuditEvent for a resolution)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sectors.audit import events as audit
from sectors.models import AuditEvent, Committee, Member, User

from ..models import ClosedYear
from .engine import MemberPoints, PointItem
from .models import GradeBand, PointAppeal, PointCap, PointRule, PointSnapshot, PointYear
from .presets import PRESETS


@transaction.atomic
def preset_apply(*, committee: Committee, year: int, preset: str, replace: bool = False) -> PointYear:
    """The year's point rules from a preset. An existing year keeps its rows
    unless `replace`: then every rule, cap and grade band is the preset's."""
    chosen = PRESETS.get(preset)
    if chosen is None:
        raise ValidationError(_("Unknown preset: %(preset)s") % {"preset": preset})
    if not 2000 <= year <= 2100:
        raise ValidationError(_("Choose a year between 2000 and 2100."))
    point_year, created = PointYear.objects.get_or_create(committee=committee, year=year)
    if not created and not replace:
        raise ValidationError(
            _("%(year)s already has point rules; tick “replace” to overwrite them with the preset.") % {"year": year}
        )
    if is_frozen(committee_id=committee.pk, year=year):
        raise ValidationError(_("%(year)s is closed: its points are frozen.") % {"year": year})
    point_year.preset = chosen.code
    point_year.collective_max_members = chosen.collective_max
    point_year.co_share = Decimal(str(chosen.co_share))
    point_year.ladder_highest_only = chosen.highest_only
    point_year.save()
    point_year.rules.all().delete()
    point_year.caps.all().delete()
    point_year.grades.all().delete()
    for item, points in chosen.points.items():
        PointRule.objects.create(point_year=point_year, item=str(item), points=Decimal(str(points)))
    for category, cap in chosen.caps.items():
        PointCap.objects.create(point_year=point_year, category=str(category), cap=Decimal(str(cap)))
    for label, lowest, consequence in chosen.grades:
        GradeBand.objects.create(
            point_year=point_year, label=label, min_points=Decimal(str(lowest)), consequence=consequence
        )
    return point_year


def is_frozen(*, committee_id: int, year: int) -> bool:
    return ClosedYear.objects.filter(committee_id=committee_id, year=year).exists()


# --- appeals -----------------------------------------------------------------------------------


def appeal_raise(*, user: User, member: Member, year: int, item: PointItem, reason: str) -> PointAppeal:
    """Flag one point item for review. The caller has checked that the user may
    see the member (their own points, or a member of the leader's group)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the item should be reviewed.")})
    if len(reason) > 1000:
        raise ValidationError({"reason": _("Keep the reason under 1,000 characters.")})
    if is_frozen(committee_id=member.committee_id, year=year):
        raise ValidationError(_("%(year)s is closed: its points can no longer be appealed.") % {"year": year})
    with transaction.atomic():
        if PointAppeal.objects.filter(
            member=member, year=year, item_key=item.key, status=PointAppeal.Status.OPEN
        ).exists():
            raise ValidationError(_("This item is already awaiting review."))
        return PointAppeal.objects.create(
            committee_id=member.committee_id,
            year=year,
            member=member,
            item_key=item.key,
            item_label=f"{item.date:%Y-%m-%d} {item.label}"[:300],
            points=Decimal(str(item.counted)),
            reason=reason,
            raised_by=user,
        )


def appeal_resolve(
    *, user: User, appeal_id: int, accept: bool, adjustment: Decimal | None, comment: str, request=None
) -> PointAppeal:
    """Staff accept (with the points to add or take away) or reject an open appeal, with a comment."""
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Write a comment for the member.")})
    if accept and (adjustment is None or adjustment == 0):
        raise ValidationError({"adjustment": _("Enter the points to add (or, negative, to take away).")})
    with transaction.atomic():
        appeal = PointAppeal.objects.select_for_update().filter(pk=appeal_id).first()
        if appeal is None:
            raise ValidationError(_("This appeal does not exist."))
        if appeal.status != PointAppeal.Status.OPEN:
            raise ValidationError(_("This appeal has already been resolved."))
        if is_frozen(committee_id=appeal.committee_id, year=appeal.year):
            raise ValidationError(_("%(year)s is closed: its points are frozen.") % {"year": appeal.year})
        appeal.status = PointAppeal.Status.ACCEPTED if accept else PointAppeal.Status.REJECTED
        appeal.adjustment = adjustment if accept else Decimal(0)
        appeal.comment = comment
        appeal.resolved_by = user
        appeal.resolved_at = timezone.now()
        appeal.save(update_fields=["status", "adjustment", "comment", "resolved_by", "resolved_at"])
        audit.record(
            action=AuditEvent.Action.POINTS_APPEAL,
            request=request,
            user=user,
            model=PointAppeal,
            object_id=appeal.pk,
            detail=f"{appeal.status} {appeal.adjustment} member={appeal.member_id} year={appeal.year} "
            f"item={appeal.item_key}",
        )
    return appeal


# --- freezing a closed year --------------------------------------------------------------------


def item_row(item: PointItem) -> dict:
    row = item._asdict()
    row["date"] = item.date.isoformat()
    return row


def item_of(row: dict) -> PointItem:
    return PointItem(**{**row, "date": datetime.date.fromisoformat(row["date"])})


def points_freeze(*, committee_id: int, year: int, points: list[MemberPoints]) -> int:
    """Store every member's points of a year being closed (once: a second call adds nothing)."""
    if PointSnapshot.objects.filter(committee_id=committee_id, year=year).exists():
        return 0
    rows = [
        PointSnapshot(
            committee_id=committee_id,
            year=year,
            member_id=p.member_id,
            group_id=p.group_id or None,
            total=Decimal(str(p.total)),
            grade=p.grade,
            consequence=p.consequence,
            items=[item_row(i) for i in p.items],
            categories={key: list(value) for key, value in p.categories.items()},
        )
        for p in points
    ]
    PointSnapshot.objects.bulk_create(rows, batch_size=200)
    audit.record_bulk_write(model=PointSnapshot, count=len(rows), detail=f"year={year} frozen at closing")
    return len(rows)
