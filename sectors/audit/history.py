"""Readable change history of a record, from django-simple-history.

The diffs are computed here from the fetched historical rows rather than with
`diff_against()`, which queries the many-to-many snapshots of every pair of
rows and leaves foreign keys as raw ids. Here a history of any length costs
one query for the rows, one per many-to-many field for their snapshots and
one per related model to name the objects the changes refer to.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Field, ManyToManyField, Model
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from simple_history.utils import get_m2m_reverse_field_name

from portal import roles
from portal.validators import birth_year
from sectors.models import GroupMembership, Member, SectorGroup

# Dates that would complete a masked ID-card number (see validators.birth_year).
PERSONAL_DATES = frozenset({"birth_date"})
_ACTIONS = {"+": _("Created"), "~": _("Changed"), "-": _("Deleted")}
EMPTY = "—"
_BEFORE_MOVE = object()  # an old value from the time the record belonged to another group


@dataclass
class HistoryRow:
    when: object
    who: object
    action: str
    changes: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class _Snapshot:
    """One historical row: its plain field values and its many-to-many ids."""

    record: Model
    values: dict[str, object]
    related: dict[str, frozenset[int]]


def _m2m_snapshots(
    history_model: type[Model], m2m_fields: list[ManyToManyField], history_ids: list[int]
) -> dict[str, dict[int, frozenset[int]]]:
    """For each many-to-many field: history_id -> ids of the related objects then.

    simple-history keeps, for every historical row, a copy of the through rows
    at that moment; one query per field reads them for all rows at once."""
    snapshots: dict[str, dict[int, frozenset[int]]] = {}
    for m2m_field in m2m_fields:
        through = HistoricalRecords.m2m_models[m2m_field]
        target = through._meta.get_field(get_m2m_reverse_field_name(m2m_field)).attname
        ids: dict[int, set[int]] = defaultdict(set)
        if history_ids:
            for history_id, target_id in through.objects.filter(history_id__in=history_ids).values_list(
                "history_id", target
            ):
                ids[history_id].add(target_id)
        snapshots[m2m_field.name] = {history_id: frozenset(ids[history_id]) for history_id in history_ids}
    return snapshots


def _names(wanted: dict[type[Model], set[int]]) -> dict[type[Model], dict[int, str]]:
    """str() of the related objects, one query per model."""
    return {
        model: {obj.pk: str(obj) for obj in model._base_manager.filter(pk__in=ids)}
        for model, ids in wanted.items()
        if ids
    }


def _plain_value(model_field: Field, value) -> str:
    if value is None or value == "":
        return EMPTY
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if timezone.is_aware(value) else str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _object_name(names: dict[type[Model], dict[int, str]], model: type[Model], pk) -> str:
    if pk is None:
        return EMPTY
    return names.get(model, {}).get(pk) or gettext("(deleted)")


def _belongs(snapshot: _Snapshot, group_id: int | None) -> bool:
    """Whether the record belonged to the group at this snapshot (always, unscoped)."""
    if group_id is None:
        return True
    if "group" in snapshot.values:
        return snapshot.values["group"] == group_id
    if "groups" in snapshot.related:
        return group_id in snapshot.related["groups"]
    return True


def history_rows(
    obj: Model, limit: int = 50, *, group_id: int | None = None, personal: bool = True
) -> list[HistoryRow]:
    """Newest first: who changed what, with old and new values of each field.

    Foreign keys show the related object's name, many-to-many fields the
    names joined by "、". Fields excluded from the history (personal data)
    are never shown since they are not stored.

    `group_id` (a group leader's view): only the versions of the record while
    it belonged to that group, so a record moved in from another group does
    not show its earlier content, comments or people; the first version in
    the group is shown without what it replaced. `personal=False` (users
    without the personal-data permission): birth dates as the year only."""
    history_model = obj.history.model
    records = list(obj.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1])
    plain_fields = [f for f in history_model.tracked_fields if f.editable and not f.primary_key]
    m2m_fields = list(history_model._history_m2m_fields)
    m2m_ids = _m2m_snapshots(history_model, m2m_fields, [record.history_id for record in records])
    snapshots = [
        _Snapshot(
            record=record,
            values={f.name: getattr(record, f.attname) for f in plain_fields},
            related={f.name: m2m_ids[f.name][record.history_id] for f in m2m_fields},
        )
        for record in records
    ]

    # First the raw changes, collecting the ids to name; then one query per model.
    # Oldest first, so that a value can be followed from the version that
    # arrived from another group until it is changed in this group.
    raw: list[tuple[_Snapshot, list[tuple[Field, object, object]] | None]] = []
    wanted: dict[type[Model], set[int]] = defaultdict(set)
    tainted: set[str] = set()  # fields whose value still dates from another group's time
    previous: _Snapshot | None = None
    for snapshot in reversed(snapshots):
        if not _belongs(snapshot, group_id):
            previous = snapshot
            continue
        if previous is not None and not _belongs(previous, group_id):
            # Came from another group: what it held there is not this viewer's.
            tainted = {f.name for f in plain_fields + m2m_fields}
            raw.append((snapshot, None))
            previous = snapshot
            continue
        changed = []
        if previous is not None and snapshot.record.history_type == "~":
            for model_field in plain_fields + m2m_fields:
                source_new = snapshot.related if model_field.many_to_many else snapshot.values
                source_old = previous.related if model_field.many_to_many else previous.values
                old, new = source_old[model_field.name], source_new[model_field.name]
                if old == new:
                    continue
                if model_field.name in tainted:
                    old = _BEFORE_MOVE
                    tainted.discard(model_field.name)
                changed.append((model_field, old, new))
                if model_field.many_to_many:
                    wanted[model_field.related_model].update(new | (old if old is not _BEFORE_MOVE else set()))
                elif model_field.is_relation:
                    wanted[model_field.related_model].update(
                        v for v in (old, new) if v is not None and v is not _BEFORE_MOVE
                    )
        raw.append((snapshot, changed))
        previous = snapshot
    raw.reverse()
    names = _names(wanted)

    def display(model_field: Field, value) -> str:
        if value is _BEFORE_MOVE:
            return gettext("(before it came to your group)")
        if not personal and model_field.name in PERSONAL_DATES:
            return birth_year(value) or EMPTY
        if model_field.many_to_many:
            return "、".join(_object_name(names, model_field.related_model, pk) for pk in sorted(value)) or EMPTY
        if model_field.is_relation:
            return _object_name(names, model_field.related_model, value)
        return _plain_value(model_field, value)

    rows = []
    for snapshot, changed in raw[:limit]:
        record = snapshot.record
        if changed is None:
            rows.append(
                HistoryRow(when=record.history_date, who=record.history_user, action=gettext("Came to your group"))
            )
            continue
        row = HistoryRow(when=record.history_date, who=record.history_user, action=_ACTIONS[record.history_type])
        for model_field, old, new in changed:
            row.changes.append((str(model_field.verbose_name), display(model_field, old), display(model_field, new)))
        rows.append(row)
    return rows


_MEMBERSHIP_FIELDS = ("group", "role", "start_date", "end_date")


def _membership_value(name: str, value, group_names: dict[int, str]) -> str:
    if value is None or value == "":
        return EMPTY
    if name == "group":
        return group_names.get(value, str(value))
    if name == "role":
        return str(GroupMembership.Role(value).label) if value in GroupMembership.Role.values else value
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def viewer_scope(user) -> dict:
    """history_rows' keyword arguments for this viewer: a leader's group, and
    whether they may see personal data."""
    return {
        "group_id": user.sector_group_id if roles.role_of(user) == roles.LEADER else None,
        "personal": user.has_perm(roles.PERSONAL_DATA_PERM),
    }


def _in_periods(when: datetime.datetime, periods: list[tuple[datetime.date, datetime.date | None]]) -> bool:
    day = timezone.localdate(when)
    return any(start <= day and (end is None or day <= end) for start, end in periods)


def _within_periods(rows: list[HistoryRow], periods) -> list[HistoryRow]:
    """The rows (newest first) dated while the member belonged to the group; the
    first one after a time outside shows no old values (they are the other group's)."""
    kept = []
    for newer, older in zip(rows, rows[1:] + [None], strict=False):
        if not _in_periods(newer.when, periods):
            continue
        if older is not None and not _in_periods(older.when, periods):
            newer = HistoryRow(when=newer.when, who=newer.who, action=gettext("Came to your group"))
        kept.append(newer)
    return kept


def member_history(
    *, member: Member, group_id: int | None = None, personal: bool = True, limit: int = 50
) -> list[HistoryRow]:
    """Changes to the member's details and to their group memberships, newest first.

    With `group_id` (a group leader's view) only the memberships of that group
    are shown, and the member's own details only as changed while they
    belonged to it: where the member came from or went afterwards is another
    group's business. ID-card and mobile numbers are not kept in the history
    (see the model); without `personal`, birth dates show as the year only.
    """
    rows = history_rows(member, limit=limit, personal=personal)
    records = GroupMembership.history.filter(member_id=member.pk)
    if group_id is not None:
        periods = list(member.memberships.filter(group_id=group_id).values_list("start_date", "end_date"))
        rows = _within_periods(rows, periods)
        records = records.filter(group_id=group_id)
    records = list(records.select_related("history_user").order_by("history_date", "history_id"))
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
