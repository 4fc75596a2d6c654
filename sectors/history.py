"""Readable change history of a record, from django-simple-history."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Model
from django.utils.translation import gettext_lazy as _

_ACTIONS = {"+": _("Created"), "~": _("Changed"), "-": _("Deleted")}


@dataclass
class HistoryRow:
    when: object
    who: object
    action: str
    changes: list[tuple[str, str, str]] = field(default_factory=list)


def _display(record, field_name: str, value) -> str:
    model_field = record.instance_type._meta.get_field(field_name)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, list):  # many-to-many: a list of through rows
        return str(len(value))
    return "" if value is None else str(value)


def history_rows(obj: Model, limit: int = 50) -> list[HistoryRow]:
    """Newest first: who changed what, with old and new values of each field."""
    records = list(obj.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1])
    rows = []
    for newer, older in zip(records, records[1:] + [None], strict=False):
        row = HistoryRow(when=newer.history_date, who=newer.history_user, action=_ACTIONS[newer.history_type])
        if older is not None and newer.history_type == "~":
            delta = newer.diff_against(older)
            for change in delta.changes:
                label = str(obj._meta.get_field(change.field).verbose_name)
                row.changes.append(
                    (label, _display(newer, change.field, change.old), _display(newer, change.field, change.new))
                )
        rows.append(row)
    return rows[:limit]
