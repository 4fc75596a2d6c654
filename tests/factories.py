"""Small builders for test data: real rows, valid by the model's own rules."""

from __future__ import annotations

import datetime
import itertools

from django.contrib.auth.models import Group

from activities.carriers import ActivityKind
from activities.models import Activity, Attendance
from portal import cache as freshness
from portal import roles
from portal.validators import id_card_check_char
from sectors.models import Committee, GroupMembership, Member, SectorGroup, Term, User

_seq = itertools.count(1)


def valid_id_card(region: str = "330302", birth: str = "19800101", serial: str | None = None) -> str:
    serial = serial or f"{next(_seq) % 1000:03d}"
    first17 = f"{region}{birth}{serial}"
    return first17 + id_card_check_char(first17)


def make_committee(code: str = "wenzhou", name: str = "温州市政协") -> Committee:
    committee, _ = Committee.objects.get_or_create(code=code, defaults={"name": name, "short_name": name[:4]})
    Term.objects.get_or_create(
        committee=committee, number=12, defaults={"start_date": datetime.date(2022, 1, 1), "is_current": True}
    )
    return committee


def make_group(committee: Committee, name: str, short_name: str | None = None, order: int = 0) -> SectorGroup:
    return SectorGroup.objects.create(
        committee=committee, name=name, short_name=short_name or name[:4], sort_order=order
    )


def make_member(
    group: SectorGroup,
    name: str | None = None,
    *,
    role: str = GroupMembership.Role.MEMBER,
    since: datetime.date = datetime.date(2022, 1, 1),
    until: datetime.date | None = None,
    **fields,
) -> Member:
    number = next(_seq)
    member = Member.objects.create(
        committee=group.committee,
        member_number=fields.pop("member_number", f"M{number:05d}"),
        name=name or f"委员{number}",
        gender=fields.pop("gender", Member.Gender.FEMALE),
        **fields,
    )
    GroupMembership.objects.create(member=member, group=group, role=role, start_date=since, end_date=until)
    return member


def make_user(
    role: str, *, group: SectorGroup | None = None, username: str | None = None, member: Member | None = None
) -> User:
    """A user with `role`; a member account (roles.MEMBER) is linked to `member`."""
    username = username or f"{role}{next(_seq)}"
    user = User.objects.create_user(
        username=username,
        password="pw-for-tests-1",
        full_name=member.name if member else username,
        sector_group=group,
        member=member,
        is_staff=role == roles.ADMIN,
    )
    user.groups.add(Group.objects.get(name=roles.GROUP_NAMES[role]))
    return user


def log_in(client, user) -> None:
    """Sign a test client in as `user`, past two-factor sign-in where it is
    required (administrators, Django admin users): an authenticator is set
    up for the user and the session counts as verified, as after entering a code."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from sectors.accounts.security import requires_two_factor

    client.force_login(user)
    if requires_two_factor(user):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        device = device or TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()


def make_activity(
    groups: list[SectorGroup],
    *,
    kind: str = ActivityKind.STUDY,
    date: datetime.date = datetime.date(2025, 3, 1),
    title: str | None = None,
    attendees: list[Member] = (),
    **fields,
) -> Activity:
    with freshness.confined_to(date.year):  # as the activity service declares (portal.cache)
        activity = Activity.objects.create(
            committee=groups[0].committee, kind=kind, date=date, title=title or f"活动{next(_seq)}", **fields
        )
        activity.groups.set(groups)
        Attendance.objects.bulk_create([Attendance(activity=activity, member=m) for m in attendees])
    return activity
