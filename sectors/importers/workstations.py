"""Workstations (界别工作站): the same name in the same group is the same station."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_update_with_history

from portal import roles
from portal.importing import cells
from portal.importing.base import Column, Importer, Plan, Row, RowError, Table
from portal.importing.bulk import insert_with_history
from sectors.importers.lookups import Groups, members_by_name
from sectors.models import ImportRun, Workstation

COLUMNS = (
    Column("name", ("名称", "工作站名称"), required=True),
    Column("group", ("界别活动组", "界别", "所属界别"), required=True),
    Column("host_kind", ("依托", "依托类型", "类型")),
    Column("host_member", ("依托委员",)),
    Column("address", ("地址",)),
    Column("established_on", ("设立日期", "成立日期"), required=True),
    Column("description", ("简介", "备注")),
)
# Matched in Chinese whatever the page's language: these are the sheet's words.
HOST_KINDS = {
    "委员会客厅": Workstation.HostKind.RECEPTION,
    "会客厅": Workstation.HostKind.RECEPTION,
    "委员工作室": Workstation.HostKind.STUDIO,
    "工作室": Workstation.HostKind.STUDIO,
    "组长所在单位": Workstation.HostKind.LEADER_UNIT,
    "其他": Workstation.HostKind.OTHER,
    "": Workstation.HostKind.OTHER,
}
HOST_CHOICES_IN_SHEET = ("委员会客厅", "委员工作室", "组长所在单位", "其他")
FIELDS = ("host_kind", "host_member_id", "address", "established_on", "description")


class WorkstationImporter(Importer):
    kind = ImportRun.Kind.WORKSTATIONS
    columns = COLUMNS
    anchor = "name"
    roles = frozenset({roles.STAFF, roles.ADMIN})
    template_keys = ("name", "group", "host_kind", "host_member", "address", "established_on", "description")
    template_example = {
        "name": "致公驿站",
        "group": "致公党",
        "host_kind": "委员工作室",
        "host_member": "陈肖锋",
        "address": "温州市鹿城区",
        "established_on": "2019-06-01",
    }
    template_choices = {"host_kind": HOST_CHOICES_IN_SHEET}

    label = gettext_lazy("Workstations")

    def _row_values(self, row: Row, groups: Groups, members: dict[str, list[int]]) -> tuple[dict, list[RowError]]:
        errors: list[RowError] = []
        values: dict = {"name": row.text("name"), "address": row.text("address")}
        values["description"] = row.text("description")
        if not values["name"]:
            errors.append(RowError("name", _("Each workstation needs a name.")))
        elif len(values["name"]) > 60:
            errors.append(RowError("name", _("At most %(count)s characters.") % {"count": 60}))
        try:
            values["group"] = groups.get(row.text("group"), "group")
        except RowError as error:
            errors.append(error)
        host = row.compact("host_kind")
        values["host_kind"] = HOST_KINDS.get(host)
        if values["host_kind"] is None:
            errors.append(
                RowError(
                    "host_kind",
                    _("The host must be one of %(allowed)s, not “%(value)s”.")
                    % {"allowed": "、".join(HOST_CHOICES_IN_SHEET), "value": host},
                )
            )
        values["host_member_id"] = None
        if name := row.compact("host_member"):
            ids = members.get(name, [])
            if len(ids) != 1:
                message = (
                    _("There is no member called %(name)s.")
                    if not ids
                    else _("Several members are called %(name)s; set the host in the portal.")
                )
                errors.append(RowError("host_member", message % {"name": name}))
            else:
                values["host_member_id"] = ids[0]
        try:
            values["established_on"] = row.parse("established_on", cells.date, date1904=row.date1904)
            if values["established_on"] is None:
                errors.append(RowError("established_on", _("Each workstation needs the date it was set up.")))
        except RowError as error:
            errors.append(error)
        return values, errors

    def plan_rows(self, table: Table, plan: Plan) -> Iterator[tuple[Row, RowError]]:
        groups = Groups(self.committee)
        members = members_by_name(self.committee)
        existing = {
            (station.group_id, station.name): station
            for station in Workstation.objects.filter(group__committee=self.committee)
        }
        seen: dict[tuple[int, str], int] = {}
        creates, updates = [], []
        for row in table.rows:
            values, errors = self._row_values(row, groups, members)
            key = (values["group"].pk, values["name"]) if "group" in values else None
            if key in seen:
                errors.append(RowError("name", _("The same workstation as row %(row)s.") % {"row": seen[key]}))
            if errors:
                for error in errors:
                    yield row, error
                continue
            seen[key] = row.number
            station = existing.get(key)
            if station is None:
                station = Workstation(group=values["group"], name=values["name"], **{f: values[f] for f in FIELDS})
                if refused := _refused(station):
                    yield row, refused
                    continue
                creates.append(station)
                plan.created += 1
                continue
            changed = [f for f in FIELDS if values[f] not in ("", None) and getattr(station, f) != values[f]]
            if changed:
                for name in changed:
                    setattr(station, name, values[name])
                if refused := _refused(station):
                    yield row, refused
                    continue
                updates.append((station, changed))
                plan.updated += 1
            else:
                plan.unchanged += 1
        plan.work = {"creates": creates, "updates": updates}

    def write(self, plan: Plan) -> None:
        insert_with_history(Workstation, plan.work["creates"], user=self.user)
        for station, changed in plan.work["updates"]:
            fields = [name.removesuffix("_id") for name in changed]
            bulk_update_with_history([station], Workstation, fields, default_user=self.user)


def _refused(station: Workstation) -> RowError | None:
    """The station's own date rules (Workstation.date_errors, every writer's), as the row's
    error: the sheet sets only the day it was set up."""
    errors = station.date_errors()
    if not errors:
        return None
    return RowError("established_on", str(next(iter(errors.values()))[0]))
