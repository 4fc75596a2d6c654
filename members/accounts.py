"""Member accounts (委员账号): created in bulk from the roster, activated by the
member with a one-time code, signed in to later by mobile and password.

A code is eight digits, kept only as a keyed hash (salted_hmac with the
site's secret: codes are issued by the hundred, too many for a password
hash each), valid ACTIVATION_DAYS days and once. Issuing again replaces it.
"""

from __future__ import annotations

import datetime
import hmac
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from portal import clock, roles
from sectors.audit import events as audit
from sectors.models import Committee, GroupMembership, Member, User, membership_covers

from .models import ActivationCode

ACTIVATION_DAYS = 30
CODE_DIGITS = 8
# Wrong codes allowed per address and per mobile (or member number) in THROTTLE_WINDOW.
THROTTLE_LIMIT = 5
THROTTLE_WINDOW = datetime.timedelta(minutes=15)
_SALT = "members.activation"


@dataclass(frozen=True)
class IssuedCode:
    """A code as issued: shown once (printed list, SMS export), never stored in clear."""

    member: Member
    user: User
    code: str
    group_name: str
    expires_at: datetime.datetime
    created: bool  # a new account (False: a code issued again for an account not yet activated)


def activation_address() -> str:
    return f"{settings.PORTAL_BASE_URL}{reverse('member_activate')}"


def _hash(user_id: int, code: str) -> str:
    return salted_hmac(_SALT, f"{user_id}:{code}").hexdigest()


def _new_code() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))


def member_username(member: Member) -> str:
    return f"m-{member.member_number}"


def members_for_accounts(*, committee: Committee, group_id: int | None = None) -> QuerySet[Member]:
    """Active members of the committee (of one group today, with `group_id`)."""
    members = Member.objects.filter(committee=committee, is_active=True)
    if group_id is not None:
        today = clock.today()
        in_group = GroupMembership.objects.filter(membership_covers(today), group_id=group_id)
        members = members.filter(pk__in=in_group.values("member_id"))
    return members.order_by("member_number")


def _group_names(member_ids: list[int]) -> dict[int, str]:
    today = clock.today()
    rows = GroupMembership.objects.filter(membership_covers(today), member_id__in=member_ids).values_list(
        "member_id", "group__short_name"
    )
    return dict(rows)


@transaction.atomic
def member_accounts_issue(*, members, by: User | None = None, request=None) -> list[IssuedCode]:
    """For each active member: a new member account (委员 group, no usable
    password) with a code, or a new code for an account not activated yet.
    Members whose account is already in use are left out."""
    members = [m for m in members if m.is_active]
    accounts = {u.member_id: u for u in User.objects.filter(member__in=members)}
    member_group = Group.objects.get(name=roles.GROUP_NAMES[roles.MEMBER])
    groups = _group_names([m.pk for m in members])
    expires = timezone.now() + datetime.timedelta(days=ACTIVATION_DAYS)
    issued = []
    for member in members:
        user = accounts.get(member.pk)
        created = user is None
        if created:
            user = User(username=member_username(member), full_name=member.name, member=member)
            user.set_unusable_password()
            user.save()
            user.groups.add(member_group)
        elif user.has_usable_password():
            continue  # activated: a forgotten password is reset by an administrator
        code = _new_code()
        ActivationCode.objects.update_or_create(
            user=user,
            defaults={
                "code_hash": _hash(user.pk, code),
                "issued_at": timezone.now(),
                "expires_at": expires,
                "used_at": None,
            },
        )
        issued.append(IssuedCode(member, user, code, groups.get(member.pk, ""), expires, created))
    new = sum(i.created for i in issued)
    audit.record(
        action=audit.Action.BULK_WRITE,
        request=request,
        user=by,
        username="manage.py" if by is None else "",
        model=ActivationCode,
        count=len(issued),
        detail=f"member accounts: {new} new, {len(issued) - new} codes issued again",
    )
    return issued


# --- activation ---------------------------------------------------------------


class ActivationRefused(Exception):
    """Wrong, expired or used code, or unknown mobile: the member is told no more."""


class ActivationThrottled(Exception):
    """Too many wrong attempts from this address or for this mobile."""


def _throttle_keys(identifier: str, address: str | None) -> list[str]:
    digest = salted_hmac(_SALT, identifier).hexdigest()[:32]  # no mobile number in cache keys
    return [f"members:activate:id:{digest}", f"members:activate:ip:{address or '-'}"]


def activation_throttled(*, identifier: str, address: str | None) -> bool:
    return any(cache.get(key, 0) >= THROTTLE_LIMIT for key in _throttle_keys(identifier, address))


def _count_failure(identifier: str, address: str | None) -> None:
    for key in _throttle_keys(identifier, address):
        cache.add(key, 0, int(THROTTLE_WINDOW.total_seconds()))
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, int(THROTTLE_WINDOW.total_seconds()))


def account_for(identifier: str) -> User | None:
    """The member account whose member has this mobile or member number (one only)."""
    identifier = identifier.strip()
    if not identifier:
        return None
    found = list(
        User.objects.filter(
            Q(member__mobile=identifier) | Q(member__member_number=identifier),
            groups__name=roles.GROUP_NAMES[roles.MEMBER],
            is_active=True,
        ).distinct()[:2]
    )
    return found[0] if len(found) == 1 else None


def _masked(identifier: str) -> str:
    identifier = identifier.strip()
    return f"{identifier[:3]}****{identifier[-4:]}" if len(identifier) == 11 else identifier[:20]


def account_activate(*, identifier: str, code: str, password: str, request=None) -> User:
    """Check the code, set the password (Django's validators), spend the code.

    Raises ActivationThrottled, ActivationRefused, or ValidationError (the password)."""
    address = audit.client_address(request)
    if activation_throttled(identifier=identifier.strip(), address=address):
        audit.record_repeated(action=audit.Action.LOCKED_OUT, request=request, username=_masked(identifier))
        raise ActivationThrottled
    user = account_for(identifier)
    record = getattr(user, "activation_code", None) if user else None
    code = code.strip()
    matches = record is not None and hmac.compare_digest(record.code_hash, _hash(user.pk, code))
    if not (matches and record.usable()):
        _count_failure(identifier.strip(), address)
        audit.record_repeated(action=audit.Action.LOGIN_FAILED, request=request, username=_masked(identifier))
        raise ActivationRefused
    validate_password(password, user)
    with transaction.atomic():
        spent = ActivationCode.objects.filter(pk=record.pk, used_at__isnull=True).update(used_at=timezone.now())
        if not spent:  # the same code sent twice at once: the other request used it
            raise ActivationRefused
        user.set_password(password)
        user.save(update_fields=["password"])
    audit.record(
        action=audit.Action.PASSWORD_CHANGED,
        request=request,
        user=user,
        model=User,
        object_id=user.pk,
        detail="account activated",
    )
    return user


__all__ = [
    "ACTIVATION_DAYS",
    "ActivationRefused",
    "ActivationThrottled",
    "IssuedCode",
    "ValidationError",
    "account_activate",
    "account_for",
    "activation_address",
    "member_accounts_issue",
    "members_for_accounts",
]
