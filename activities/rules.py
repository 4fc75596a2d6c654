"""The rules of each record, in one place for every writer.

A record's own rules (dates not in the future, a document dated in its year,
one proposal per number in a group, a held activity not in the future …) are
checked by its model's `clean()`, which every writer runs: the portal's forms
and the admin's (ModelForm validation), the services, and the importers for
the rows they write. The rules about a record's members or groups (a
many-to-many, set after the row is saved) are functions here that take them,
called by every writer that sets them. Rules about the user (a group leader
writes for their own group only) stay with the forms and services.

Each function returns the errors by field; `refuse` raises them at once, so a
form shows every one next to its field.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal import clock
from sectors.models import GroupMembership, Member, SectorGroup, Workstation, membership_covers

Errors = dict[str, list[str]]

IN_THE_FUTURE = gettext_lazy("This date is in the future.")
HELD_IN_THE_FUTURE = gettext_lazy("A held activity cannot be in the future; record it as planned instead.")


def add(errors: Errors, field: str, message) -> None:
    errors.setdefault(field, []).append(str(message))


def refuse(errors: Errors) -> None:
    """Raise the errors, if any, as one ValidationError keyed by field."""
    if errors:
        raise ValidationError(errors)


def not_in_the_future(record, *fields: str) -> Errors:
    """No date of a record is later than today (the portal's day, portal.clock)."""
    today, errors = clock.today(), {}
    for name in fields:
        day = getattr(record, name)
        if isinstance(day, datetime.date) and day > today:
            add(errors, name, IN_THE_FUTURE)
    return errors


def merged(*parts: Errors) -> Errors:
    errors: Errors = {}
    for part in parts:
        for name, messages in part.items():
            errors.setdefault(name, []).extend(messages)
    return errors


def already_recorded(record, **lookup) -> bool:
    """Whether another row (not this one) of the record's model has these values."""
    return type(record).objects.filter(**lookup).exclude(pk=record.pk).exists()


# --- members and groups (many-to-many: the writers that set them pass them) ----------------


def members_outside(members: Iterable[Member], group: SectorGroup, day: datetime.date | None) -> list[Member]:
    """The members who did not belong to `group` on `day` (at any time when `day` is None)."""
    members = list(members)
    memberships = GroupMembership.objects.filter(group=group, member__in=members)
    if day is not None:
        memberships = memberships.filter(membership_covers(day))
    inside = set(memberships.values_list("member_id", flat=True))
    return [member for member in members if member.pk not in inside]


def belonging_errors(member: Member, group: SectorGroup, day: datetime.date) -> Errors:
    """A record's member (a reporter, a contact's member) belongs to its group on its date."""
    if member.memberships.filter(membership_covers(day), group_id=group.pk).exists():
        return {}
    return {"member": [_("Not a member of %(group)s on %(date)s.") % {"group": group, "date": day}]}


def members_errors(
    field: str, members: Member | Iterable[Member] | None, group: SectorGroup | None, day: datetime.date | None
) -> Errors:
    """A record's members (submitters, proposers, a station's host) belong to its group on its date."""
    if not group or not members:
        return {}
    chosen = [members] if isinstance(members, Member) else list(members)
    outside = members_outside(chosen, group, day)
    if not outside:
        return {}
    names = "、".join(member.name for member in outside)
    return {field: [_("Not a member of %(group)s: %(names)s.") % {"group": group, "names": names}]}


def proposers_errors(cleaned: dict) -> Errors:
    """A proposal has proposers of its group on its date, unless it is in the group's name
    (`cleaned`: a proposal form's cleaned data, the portal's or the admin's)."""
    proposers = cleaned.get("proposers")
    if not proposers and not cleaned.get("is_group_proposal"):
        return {"proposers": [_("Choose at least one proposer, or mark it as the group's proposal.")]}
    return members_errors("proposers", proposers, cleaned.get("group"), _date(cleaned.get("submitted_on")))


def submitters_errors(cleaned: dict) -> Errors:
    """An opinion report's submitters belong to its group on its date (`cleaned`: a report form's cleaned data)."""
    return members_errors(
        "submitters", cleaned.get("submitters"), cleaned.get("group"), _date(cleaned.get("submitted_on"))
    )


def held_errors(activity) -> Errors:
    """A held activity is not in the future (a planned one may be)."""
    day = activity.date
    if activity.status == "held" and isinstance(day, datetime.date) and day > clock.today():
        return {"date": [str(HELD_IN_THE_FUTURE)]}
    return {}


def activity_groups_errors(groups: Sequence[SectorGroup], workstation: Workstation | None) -> Errors:
    """An activity has at least one group, all of one committee; its workstation is one of theirs."""
    errors: Errors = {}
    if not groups:
        add(errors, "groups", _("Choose at least one group."))
    if len({g.committee_id for g in groups}) > 1:
        add(errors, "groups", _("The groups belong to different committees."))
    if workstation is not None and groups and workstation.group_id not in {g.pk for g in groups}:
        add(errors, "workstation", _("The workstation must belong to one of the chosen groups."))
    return errors


def show_on(form, errors: Errors) -> None:
    """Put the errors next to the form's fields (a field that already has one keeps it alone)."""
    for name, messages in errors.items():
        if name not in form.errors:
            for message in messages:
                form.add_error(name, message)


def _date(value) -> datetime.date | None:
    return value if isinstance(value, datetime.date) else None
