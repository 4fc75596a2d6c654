"""Readable change history of a record, from django-simple-history."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Model
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import GroupMembership, Member, SectorGroup

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


_MEMBERSHIP_FIELDS = ("group", "role", "start_date", "end_date")


def _membership_value(name: str, value, group_names: dict[int, str]) -> str:
    if value is None or value == "":
        return "—"
    if name == "group":
        return group_names.get(value, str(value))
    if name == "role":
        return str(GroupMembership.Role(value).label) if value in GroupMembership.Role.values else value
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def member_history(*, member: Member, limit: int = 50) -> list[HistoryRow]:
    """Changes to the member's details and to their group memberships, newest first.

    ID-card and mobile numbers are not kept in the history (see the model).
    """
    rows = history_rows(member, limit=limit)
    records = list(
        GroupMembership.history.filter(member_id=member.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    group_ids = {record.group_id for record in records}
    group_names = dict(SectorGroup.objects.filter(pk__in=group_ids).values_list("pk", "short_name"))
    labels = {name: str(GroupMembership._meta.get_field(name).verbose_name) for name in _MEMBERSHIP_FIELDS}
    last: dict[int, Model] = {}
    for record in records:
        before = last.get(record.id)
        last[record.id] = record
        group = group_names.get(record.group_id, "")
        if record.history_type == "+":
            action = gettext("Joined %(group)s") % {"group": group}
        elif record.history_type == "-":
            action = gettext("Membership of %(group)s removed") % {"group": group}
        else:
            action = gettext("Membership of %(group)s changed") % {"group": group}
        row = HistoryRow(when=record.history_date, who=record.history_user, action=action)
        for name in _MEMBERSHIP_FIELDS:
            attribute = "group_id" if name == "group" else name
            old = getattr(before, attribute) if before is not None else None
            new = None if record.history_type == "-" else getattr(record, attribute)
            if old != new:
                row.changes.append(
                    (labels[name], _membership_value(name, old, group_names), _membership_value(name, new, group_names))
                )
        rows.append(row)
    rows.sort(key=lambda row: row.when, reverse=True)
    return rows[:limit]
