"""Work members report themselves, and its review by the leader or staff.

Accepting creates the real record (a constituent contact, a public-opinion
report, or a held activity with the member present) from what the member wrote,
in the same transaction; a returned item creates nothing and counts nowhere.
Every change is kept in the item's history (django-simple-history).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import clock, roles
from sectors import scope as access
from sectors.models import Constituent, Member

from ..carriers import ActivityKind
from ..models import Activity, Attendance, ConstituentContact, OpinionReport, SelfReport
from . import activity as activity_services
from .meetings import member_group_on

Kind = SelfReport.Kind


def self_reports_for_review(*, user, status: str | None = SelfReport.Status.SUBMITTED) -> QuerySet[SelfReport]:
    """The items this user reviews: their group's (a leader), every group's (staff)."""
    items = access.scope(user, SelfReport.objects.select_related("member", "group"))
    return items.filter(status=status) if status else items


def _validate(*, kind: str, date: datetime.date, title: str, fields: dict) -> dict[str, str]:
    errors = {}
    if kind not in Kind.values:
        errors["kind"] = _("Choose what you are reporting.")
    if date > clock.today():
        errors["date"] = _("The date cannot be in the future.")
    if not title.strip():
        errors["title"] = _("Enter a title.")
    if kind == Kind.CONTACT:
        if not fields.get("constituent_name", "").strip():
            errors["constituent_name"] = _("Enter the constituent's name.")
        if fields.get("way") not in ConstituentContact.Way.values:
            errors["way"] = _("Choose how you were in touch.")
    if kind == Kind.ACTIVITY and fields.get("activity_kind") not in ActivityKind.values:
        errors["activity_kind"] = _("Choose the type of activity.")
    return errors


def self_report_submit(
    *,
    member: Member,
    kind: str,
    date: datetime.date,
    title: str,
    content: str = "",
    constituent_name: str = "",
    way: str = "",
    activity_kind: str = "",
    location: str = "",
) -> SelfReport:
    fields = {"constituent_name": constituent_name, "way": way, "activity_kind": activity_kind}
    errors = _validate(kind=kind, date=date, title=title, fields=fields)
    group = member_group_on(member, date)
    if group is None and "date" not in errors:
        errors["date"] = _("You did not belong to a sector group on that date.")
    if errors:
        raise ValidationError(errors)
    item = SelfReport(
        member=member,
        group=group,
        kind=kind,
        date=date,
        title=title.strip(),
        content=content.strip(),
        constituent_name=constituent_name.strip() if kind == Kind.CONTACT else "",
        way=way if kind == Kind.CONTACT else "",
        activity_kind=activity_kind if kind == Kind.ACTIVITY else "",
        location=location.strip() if kind == Kind.ACTIVITY else "",
    )
    item._history_user = member.user if hasattr(member, "user") else None
    item.save()
    return item


def _check_reviewer(user, item: SelfReport) -> None:
    if roles.role_of(user) not in roles.EDITORS:
        raise PermissionDenied
    access.check_group_allowed(user, item.group)
    if item.status != SelfReport.Status.SUBMITTED:
        raise ValidationError(_("This item has already been reviewed."))


def _create_record(*, user, item: SelfReport) -> dict:
    """The real record, from what the member wrote."""
    if item.kind == Kind.CONTACT:
        constituent = Constituent.objects.create(committee=item.group.committee, name=item.constituent_name)
        contact = ConstituentContact(
            group=item.group,
            member=item.member,
            constituent=constituent,
            way=item.way,
            contacted_on=item.date,
            note=item.content or item.title,
        )
        contact._history_user = user
        contact.save()
        return {"contact": contact}
    if item.kind == Kind.OPINION:
        report = OpinionReport(
            committee=item.group.committee,
            group=item.group,
            title=item.title,
            content=item.content,
            submitted_on=item.date,
        )
        report._history_user = user
        try:
            with transaction.atomic():
                report.save()
        except IntegrityError as duplicate:
            raise ValidationError(
                _("The group already has a report of this title on this date; return this item instead.")
            ) from duplicate
        report.submitters.set([item.member])
        return {"opinion_report": report}
    activity = activity_services.activity_create(
        user=user,
        groups=[item.group],
        kind=item.activity_kind,
        title=item.title,
        date=item.date,
        status=Activity.Status.HELD,
        location=item.location,
        summary=item.content,
        attendance={item.member_id: (Attendance.Status.PRESENT, "")},
        allow_duplicate=False,
    )
    return {"activity": activity}


def self_report_accept(*, user, item: SelfReport, comment: str = "") -> SelfReport:
    _check_reviewer(user, item)
    with transaction.atomic():
        records = _create_record(user=user, item=item)
        for name, record in records.items():
            setattr(item, name, record)
        _mark(item, user=user, status=SelfReport.Status.ACCEPTED, comment=comment, extra=list(records))
    return item


def self_report_return(*, user, item: SelfReport, comment: str) -> SelfReport:
    _check_reviewer(user, item)
    if not comment.strip():
        raise ValidationError({"comment": _("Say why you return it, so that the member can correct it.")})
    _mark(item, user=user, status=SelfReport.Status.RETURNED, comment=comment, extra=[])
    return item


def _mark(item: SelfReport, *, user, status: str, comment: str, extra: list[str]) -> None:
    item.status = status
    item.review_comment = comment.strip()
    item.reviewed_by = user
    item.reviewed_at = timezone.now()
    item._history_user = user
    item.save(update_fields=["status", "review_comment", "reviewed_by", "reviewed_at", *extra])
