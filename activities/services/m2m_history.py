"""One save, one history row, also for a record with many-to-many fields.

django-simple-history writes a row when the record is saved (its m2m snapshot
taken before the m2m is set) and another row for every m2m change. The record's
services set the m2m without rows of their own and store the m2m in the row of
the save instead.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Model
from simple_history.models import HistoricalRecords


def without_history_rows(instance: Model, write: Callable[[], object]) -> None:
    """Run `write` (an m2m `set`, a form's `save_m2m`) without history rows of its own."""
    instance.skip_history_when_saving = True
    try:
        write()
    finally:
        del instance.skip_history_when_saving


def snapshot_m2m(instance: Model, field_name: str) -> None:
    """Store the m2m's current rows in the instance's newest history row."""
    field = type(instance)._meta.get_field(field_name)
    record = instance.history.order_by("-history_date", "-history_id").first()
    snapshot = HistoricalRecords.m2m_models[field]
    through = getattr(type(instance), field_name).through
    names = [f.name for f in through._meta.fields]
    source = next(f.name for f in through._meta.fields if f.is_relation and f.related_model is type(instance))
    snapshot.objects.filter(history=record).delete()
    snapshot.objects.bulk_create(
        snapshot(history=record, **{name: getattr(row, name) for name in names})
        for row in through.objects.filter(**{source: instance})
    )


def save_m2m_in_history(instance: Model, form, field_names: tuple[str, ...]) -> None:
    """A model form's `save_m2m()` recorded in the history row of the instance's save."""
    without_history_rows(instance, form.save_m2m)
    for name in field_names:
        snapshot_m2m(instance, name)
