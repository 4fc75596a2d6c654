"""Names people write for groups and members, matched to the portal's rows in one query each."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.utils.translation import gettext as _

from portal.importing import cells
from portal.importing.base import RowError
from sectors.models import Committee, GroupMembership, Member, SectorGroup, membership_covers


def _group_key(name: str) -> str:
    # Full- and half-width brackets agree after NFKC; "界别" is optional.
    return cells.compact(name).removesuffix("界别")


class Groups:
    """The committee's groups by every name people write: full or short, with or
    without 界别, with half- or full-width brackets."""

    def __init__(self, committee: Committee) -> None:
        self.by_key: dict[str, SectorGroup] = {}
        self.all = list(SectorGroup.objects.filter(committee=committee).order_by("sort_order", "id"))
        for group in self.all:
            self.by_key.setdefault(_group_key(group.name), group)
            self.by_key.setdefault(_group_key(group.short_name), group)

    def get(self, written: str, column: str) -> SectorGroup:
        group = self.by_key.get(_group_key(written))
        if group is None:
            raise RowError(column, _("There is no sector group called “%(name)s”.") % {"name": written})
        return group

    def many(self, written: object, column: str) -> list[SectorGroup]:
        names = cells.name_list(written, spaces_separate=False)
        if not names:
            raise RowError(column, _("Each row needs a sector group."))
        groups = []
        for name in names:
            group = self.get(name, column)
            if group not in groups:
                groups.append(group)
        return groups


class GroupMembers:
    """Members of groups by name, on a date: one query for all the memberships."""

    def __init__(self, committee: Committee) -> None:
        self.memberships: dict[int, list[tuple[str, int, datetime.date, datetime.date | None]]] = defaultdict(list)
        rows = GroupMembership.objects.filter(member__committee=committee).values_list(
            "group_id", "member__name", "member_id", "start_date", "end_date"
        )
        for group_id, name, member_id, start, end in rows:
            self.memberships[group_id].append((cells.compact(name), member_id, start, end))
        self._index: dict[tuple[int, str], list[tuple[int, datetime.date, datetime.date | None]]] = defaultdict(list)
        for group_id, entries in self.memberships.items():
            for name, member_id, start, end in entries:
                self._index[(group_id, name)].append((member_id, start, end))

    def find(self, name: str, groups: list[SectorGroup], on: datetime.date) -> tuple[list[int], dict[int, int]]:
        """The members called `name` in one of `groups` on `on`, and the group each was in."""
        found: dict[int, int] = {}
        for group in groups:
            for member_id, start, end in self._index.get((group.pk, name), ()):
                if start <= on and (end is None or on <= end):
                    found.setdefault(member_id, group.pk)
        return list(found), found

    def resolve(self, names: list[str], groups: list[SectorGroup], on: datetime.date, column: str) -> dict[int, int]:
        """member id → group id for each name; an unknown or shared name rejects the row."""
        resolved: dict[int, int] = {}
        for name in names:
            ids, group_of = self.find(name, groups, on)
            if not ids:
                raise RowError(
                    column,
                    _("%(name)s is not a member of %(groups)s on %(date)s.")
                    % {"name": name, "groups": "、".join(g.short_name for g in groups), "date": on.isoformat()},
                )
            if len(ids) > 1:
                raise RowError(
                    column,
                    _(
                        "%(count)s members called %(name)s belong to these groups on %(date)s; "
                        "record this activity in the portal, where they can be told apart."
                    )
                    % {"count": len(ids), "name": name, "date": on.isoformat()},
                )
            resolved[ids[0]] = group_of[ids[0]]
        return resolved


def members_by_name(committee: Committee) -> dict[str, list[int]]:
    by_name: dict[str, list[int]] = defaultdict(list)
    for member_id, name in Member.objects.filter(committee=committee).values_list("id", "name"):
        by_name[cells.compact(name)].append(member_id)
    return by_name


__all__ = ["Groups", "GroupMembers", "members_by_name", "membership_covers"]
