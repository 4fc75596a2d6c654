"""Reads of the roster (members and their memberships), scoped to what the user may see.

Who sees which members: staff, chairman and admin see every member of the
portal's committee. A group leader sees the members who belong or ever belonged
to their group (any membership in the group, past or current), so that the
year-end record of a member who moved away during the year can still be read;
any other member answers 404. Of such a member, a leader sees only the
memberships of their own group: where a member went after leaving is shown as
"left the group", never as the other group's name and role.

Pages that summarise work (the group pages, a member's duty record) are in
reports.selectors: they read activities, which stand on this app.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet

from portal import clock, roles
from sectors.models import Committee, GroupMembership, Member, SectorGroup, membership_covers
from sectors.scope import is_leader, visible_groups

OFFICER_ROLES = (GroupMembership.Role.LEADER, GroupMembership.Role.DEPUTY, GroupMembership.Role.LIAISON)
ROLE_RANK = {role: rank for rank, role in enumerate(GroupMembership.Role.values)}


def committee_groups(user) -> QuerySet[SectorGroup]:
    """The groups of the portal's committee that the user may see."""
    return visible_groups(user).filter(committee__code=settings.PORTAL_COMMITTEE_CODE)


def visible_members(user) -> QuerySet[Member]:
    """Members of the portal's committee the user may see (see the module docstring)."""
    members = Member.objects.filter(committee__code=settings.PORTAL_COMMITTEE_CODE)
    role = roles.role_of(user)
    if role is None:
        return members.none()
    if role == roles.MEMBER:
        return members.filter(pk=user.member_id)  # a member account sees its own member only
    if role == roles.LEADER:
        # `pk IN (…)`, not a correlated EXISTS: SQLite answered the EXISTS through the
        # membership (group, dates) index, scanning the whole group once per member
        # (16 s for a 15,000-member group); the IN list is built once.
        in_group = GroupMembership.objects.filter(group_id=user.sector_group_id)
        return members.filter(pk__in=in_group.values("member_id"))
    return members


def member_list_for(
    *, user, query: str = "", group_id: int | None = None, active: bool | None = None
) -> QuerySet[Member]:
    """Members matching a name or member-number search, a group (members whose
    membership in it covers today) and the active flag, each with
    `current_memberships` (those covering today, with their group; for a group
    leader only those in their own group, so an empty list means the member
    has left it)."""
    today = clock.today()
    members = visible_members(user)
    query = query.strip()
    if query:
        members = members.filter(Q(name__icontains=query) | Q(member_number__icontains=query))
    if group_id is not None:
        current_in_group = GroupMembership.objects.filter(membership_covers(today), group_id=group_id)
        members = members.filter(pk__in=current_in_group.values("member_id"))
    if active is not None:
        members = members.filter(is_active=active)
    current = GroupMembership.objects.filter(membership_covers(today)).select_related("group")
    if is_leader(user):
        current = current.filter(group_id=user.sector_group_id)
    return members.prefetch_related(Prefetch("memberships", queryset=current, to_attr="current_memberships")).order_by(
        "member_number", "id"
    )


def committee_name() -> str:
    """The name of the committee this installation serves ("" before setup): exports' captions."""
    return Committee.objects.filter(code=settings.PORTAL_COMMITTEE_CODE).values_list("name", flat=True).first() or ""
