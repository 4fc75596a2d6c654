"""Closing a year (reports.snapshots.year_close) freezes its duty points: the
closing's ClosedYear row is saved inside the closing's transaction, and the
points are computed and stored in the same transaction."""

from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import receiver

from ..models import ClosedYear


@receiver(post_save, sender=ClosedYear, dispatch_uid="points_freeze_on_close")
def freeze_points_on_close(sender, instance: ClosedYear, created: bool, raw: bool = False, **kwargs) -> None:
    if not created or raw:
        return
    from .selectors import compute_year_points
    from .services import points_freeze

    points = compute_year_points(committee_id=instance.committee_id, year=instance.year)
    if points.has_rules:
        points_freeze(committee_id=instance.committee_id, year=instance.year, points=points.members)
