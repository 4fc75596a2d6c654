"""Which rows each user may see (who may reach which view: portal.access).

Group scoping is one rule: a group leader sees and changes only rows of their
own group, everyone else with a role sees all groups. Rows outside a user's
scope are simply not found (404), so their existence is not revealed.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404

from portal import roles
from sectors.models import SectorGroup


def is_leader(user) -> bool:
    return roles.role_of(user) == roles.LEADER


def may_see_user(viewer, other) -> bool:
    """Whether `viewer` may be told who `other` (a portal user) is: a group
    leader sees the accounts of their own group and the committee's (accounts
    without a group), never another group's leader."""
    if other is None or not is_leader(viewer):
        return True
    return other.sector_group_id in (None, viewer.sector_group_id)


def visible_groups(user) -> QuerySet[SectorGroup]:
    """The sector groups whose records this user may see."""
    groups = SectorGroup.objects.all()
    role = roles.role_of(user)
    if role is None:
        return groups.none()
    if role == roles.LEADER:
        return groups.filter(pk=user.sector_group_id)
    return groups


def scope(user, queryset: QuerySet, group_path: str = "group") -> QuerySet:
    """Restrict a queryset to the rows of the groups this user may see.

    `group_path` is the lookup from the row to its SectorGroup (for activities,
    which can be joint, "groups").
    """
    role = roles.role_of(user)
    if role is None:
        return queryset.none()
    if role == roles.LEADER:
        own = {f"{group_path}__id": user.sector_group_id}
        if "groups" not in group_path:
            return queryset.filter(**own)
        # Rows reached through a many-to-many (a joint activity's groups): a semi-join keeps
        # each row once without DISTINCT over the whole query (counts and pages stay cheap).
        return queryset.filter(pk__in=_rows_of_group(queryset.model, group_path, user.sector_group_id))
    return queryset


def _rows_of_group(model, group_path: str, group_id: int) -> QuerySet:
    """The ids of `model`'s rows that reach the group through `group_path`: from the
    many-to-many's own table when the path is that one field (no join), else by the path."""
    if "__" not in group_path:
        field = model._meta.get_field(group_path)
        through = field.remote_field.through
        return through.objects.filter(**{f"{field.m2m_reverse_field_name()}_id": group_id}).values(
            f"{field.m2m_field_name()}_id"
        )
    return model._base_manager.filter(**{f"{group_path}__id": group_id}).values("pk")


def scope_key(user) -> str:
    """What `scope` depends on, for cache keys: the leader's group, or every group."""
    role = roles.role_of(user)
    if role is None:
        return "none"
    return f"group-{user.sector_group_id}" if role == roles.LEADER else "all"


def get_scoped_or_404(user, queryset: QuerySet, group_path: str = "group", **lookup) -> Model:
    try:
        return scope(user, queryset, group_path).get(**lookup)
    except queryset.model.DoesNotExist as missing:
        raise Http404 from missing


def check_group_allowed(user, group: SectorGroup) -> None:
    """Raise PermissionDenied when a user writes a record for another group."""
    if is_leader(user) and group.pk != user.sector_group_id:
        raise PermissionDenied
