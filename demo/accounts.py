"""One demo login per role, all with the same well-known password."""

from __future__ import annotations

import base64
from dataclasses import dataclass

from django.contrib.auth.models import Group
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal import roles
from sectors.models import GroupMembership, SectorGroup, User

DEMO_PASSWORD = "demo12345"
# Administrators must use two-factor sign-in, the demo one too: its authenticator
# key is published here and printed by seed_demo (demo data only; a real
# administrator sets up their own at first sign-in). `manage.py demo_code` prints
# the current code for those without an authenticator app at hand.
DEMO_TOTP_KEY = b"wenzhou-demo-2fa-key"
LEADER_GROUP = "致公党"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    full_name: str


# The leader's full name is that of the 致公党 group's (fictional) leader.
_ACCOUNTS = [
    DemoAccount("staff", roles.STAFF, "林晓静"),
    DemoAccount("leader", roles.LEADER, ""),
    DemoAccount("chairman", roles.CHAIRMAN, "郑文华"),
    DemoAccount("admin", roles.ADMIN, "周立新"),
    # A plain member of the leader's group, signed in to the members' side (/me/).
    DemoAccount("member", roles.MEMBER, ""),
]


def _leader_member(group: SectorGroup):
    membership = (
        GroupMembership.objects.filter(group=group, role=GroupMembership.Role.LEADER, end_date__isnull=True)
        .select_related("member")
        .first()
    )
    return membership.member if membership else None


def _plain_member(group: SectorGroup):
    """The demo member account's member: the group's first current plain member with a mobile."""
    membership = (
        GroupMembership.objects.filter(
            group=group, role=GroupMembership.Role.MEMBER, end_date__isnull=True, member__is_active=True
        )
        .exclude(member__mobile="")
        .select_related("member")
        .order_by("member__member_number")
        .first()
    )
    return membership.member if membership else None


def _account_upsert(account: DemoAccount, leader_group: SectorGroup) -> User:
    user, created = User.objects.get_or_create(username=account.username)
    is_leader = account.role == roles.LEADER
    if is_leader:
        member = _leader_member(leader_group)
    else:
        member = _plain_member(leader_group) if account.role == roles.MEMBER else None
    # Another account may hold the member already (a re-run after manual edits).
    if member and User.objects.filter(member=member).exclude(pk=user.pk).exists():
        member = None
    user.full_name = (member.name if member else account.full_name) or account.username
    user.sector_group = leader_group if is_leader else None
    user.member = member
    user.is_staff = account.role == roles.ADMIN
    user.is_active = True
    user.set_password(DEMO_PASSWORD)
    fields = ["full_name", "sector_group", "member", "is_staff", "is_active", "password"]
    user.save(update_fields=None if created else fields)
    user.groups.set([Group.objects.get(name=roles.GROUP_NAMES[account.role])])
    if account.role == roles.ADMIN:
        TOTPDevice.objects.filter(user=user).delete()
        TOTPDevice.objects.create(user=user, name="demo", key=DEMO_TOTP_KEY.hex(), confirmed=True)
    return user


def demo_users_ensure(*, committee) -> dict[str, User]:
    """The demo users by role (four committee roles and a member); re-running resets them to the demo state."""
    leader_group = SectorGroup.objects.get(committee=committee, short_name=LEADER_GROUP)
    return {account.role: _account_upsert(account, leader_group) for account in _ACCOUNTS}


def demo_accounts() -> list[DemoAccount]:
    return list(_ACCOUNTS)


def demo_totp_secret() -> str:
    """The demo administrator's authenticator key, as authenticator apps take it."""
    return base64.b32encode(DEMO_TOTP_KEY).decode()


def demo_totp_code() -> str:
    """The demo administrator's current six-digit code."""
    device = TOTPDevice.objects.get(user__username="admin", name="demo")
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
