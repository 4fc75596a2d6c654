"""Writes to the roster: members and their dated group memberships.

Every service validates (the model's full_clean, with the ID card's birth-date
rule, plus the rules a person can break by typing: duplicate numbers, a second
group leader) and saves inside one transaction. The checks
are also offered on their own (`member_clashes`, `leader_clash`) so that a
form can show every problem next to its field before anything is saved.
django-simple-history records who changed what.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from portal import clock
from portal.validators import normalize_id_card
from sectors.models import Committee, GroupMembership, Member, SectorGroup, committee_for_portal

# The member's own fields a service may set; committee and history are not among them.
MEMBER_FIELDS = (
    "member_number",
    "name",
    "gender",
    "birth_date",
    "party",
    "employer",
    "job_title",
    "mobile",
    "id_card",
    "is_active",
)


# --- checks, shared with the forms -------------------------------------------------


def member_clashes(
    *,
    committee: Committee,
    member_number: str,
    id_card: str,
    exclude_pk: int | None = None,
) -> dict[str, str]:
    """Numbers another member of the committee already has, by field. (A birth
    date other than the ID card's is the model's own rule, Member.clean().)"""
    errors: dict[str, str] = {}
    others = Member.objects.filter(committee=committee).exclude(pk=exclude_pk)
    if member_number and others.filter(member_number=member_number).exists():
        errors["member_number"] = _("Another member already has this member number.")
    id_card = normalize_id_card(id_card)
    if id_card and others.filter(id_card=id_card).exists():
        errors["id_card"] = _("Another member already has this ID-card number.")
    return errors


def leader_clash(*, group: SectorGroup, role: str, member: Member | None = None) -> str | None:
    """Why `member` cannot become the leader of `group`, if another member leads it."""
    if role != GroupMembership.Role.LEADER:
        return None
    leader = (
        GroupMembership.objects.filter(group=group, role=role, end_date__isnull=True)
        .exclude(member_id=member.pk if member else None)
        .select_related("member")
        .first()
    )
    if leader is None:
        return None
    return _("%(group)s already has a group leader: %(name)s.") % {
        "group": group.short_name,
        "name": leader.member.name,
    }


def change_date_problem(*, on: datetime.date, current: GroupMembership | None) -> str | None:
    if on > clock.today():
        return _("This date is in the future.")
    if current is not None and on < current.start_date:
        return _("The change cannot be dated before the current membership began (%(date)s).") % {
            "date": current.start_date.isoformat()
        }
    return None


def _raise(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError({field: [message] for field, message in errors.items()})


# --- members ---------------------------------------------------------------------------


def _settle(member: Member, *, exclude_pk: int | None) -> None:
    """Normalise the numbers and check everything before the row is written;
    the model's clean() takes the birth date from the ID card when none is given."""
    member.id_card = normalize_id_card(member.id_card)
    member.mobile = (member.mobile or "").strip()
    member.member_number = (member.member_number or "").strip()
    errors = {
        field: [message]
        for field, message in member_clashes(
            committee=member.committee,
            member_number=member.member_number,
            id_card=member.id_card,
            exclude_pk=exclude_pk,
        ).items()
    }
    try:
        # Fields with a clearer message above are not checked twice.
        member.full_clean(exclude=list(errors))
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


def _check_fields(data: dict) -> None:
    unknown = set(data) - set(MEMBER_FIELDS)
    if unknown:
        raise TypeError(f"Not member fields: {sorted(unknown)}")


@transaction.atomic
def member_create(
    *,
    user,
    group: SectorGroup,
    role: str = GroupMembership.Role.MEMBER,
    joined_on: datetime.date,
    committee: Committee | None = None,
    **data,
) -> Member:
    """A new member of the portal's committee, placed in `group` from `joined_on`.

    `data` holds the member's own fields (MEMBER_FIELDS)."""
    _check_fields(data)
    member = Member(committee=committee or committee_for_portal(), **data)
    _settle(member, exclude_pk=None)
    member._history_user = user
    member.save()
    try:
        membership_change(member=member, group=group, role=role, on=joined_on, user=user)
    except ValidationError as error:
        # The form calls the date of joining "joined_on".
        raise ValidationError(
            {"joined_on" if key == "on" else key: messages for key, messages in error.message_dict.items()}
        ) from None
    return member


@transaction.atomic
def member_update(*, user, member: Member, **data) -> Member:
    """Change a member's own fields; only the fields that differ are saved."""
    _check_fields(data)
    stored = Member.objects.select_for_update().get(pk=member.pk)
    original = {name: getattr(stored, name) for name in MEMBER_FIELDS}
    for name, value in data.items():
        setattr(stored, name, value)
    _settle(stored, exclude_pk=stored.pk)
    changed = [name for name in MEMBER_FIELDS if getattr(stored, name) != original[name]]
    if changed:
        stored._history_user = user
        stored.save(update_fields=changed)
    return stored


# --- memberships -----------------------------------------------------------------------


@transaction.atomic
def membership_change(
    *, member: Member, group: SectorGroup, role: str, on: datetime.date, user=None
) -> GroupMembership:
    """Make `group` the member's group with `role` from the day `on`.

    The open membership ends the day before and a new one opens on `on`, so
    the member's groups and roles keep their dates; a membership opened on
    that same day is corrected in place instead. Nothing happens when the
    member already has that role in that group.
    """
    current = member.memberships.select_for_update().filter(end_date__isnull=True).first()
    if current is not None and current.group_id == group.pk and current.role == role:
        return current
    errors: dict[str, str] = {}
    if problem := change_date_problem(on=on, current=current):
        errors["on"] = problem
    if problem := leader_clash(group=group, role=role, member=member):
        errors["role"] = problem
    _raise(errors)

    if current is not None and current.start_date == on:
        changed = [name for name, value in (("group", group), ("role", role)) if getattr(current, name) != value]
        current.group, current.role = group, role
        current.full_clean()
        current._history_user = user
        current.save(update_fields=changed)
        return current

    if current is not None:
        current.end_date = on - datetime.timedelta(days=1)
        current.full_clean()
        current._history_user = user
        current.save(update_fields=["end_date"])
    membership = GroupMembership(member=member, group=group, role=role, start_date=on)
    membership.full_clean()
    membership._history_user = user
    membership.save()
    return membership
