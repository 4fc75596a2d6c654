"""Notices with read receipts: staff (or a leader, for their group) send a
notice to a group's members or the whole committee's; each recipient is one
row, read when the member first opens it. Staff see who has and has not read.
Reading is never counted as points (国办函〔2026〕12号)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import clock, roles
from sectors.audit import events as audit
from sectors.models import GroupMembership, Member, SectorGroup, User, committee_for_portal, membership_covers
from sectors.notifications.services import notification_send
from sectors.scope import is_leader

from .models import Notice, NoticeRecipient


def notice_recipients(*, committee, group: SectorGroup | None) -> QuerySet[Member]:
    """The active members of the group (or of every group of the committee) today."""
    current = GroupMembership.objects.filter(membership_covers(clock.today()))
    current = current.filter(group=group) if group else current.filter(group__committee=committee)
    return Member.objects.filter(is_active=True, pk__in=current.values("member_id"))


@transaction.atomic
def notice_send(*, by: User, title: str, body: str, group: SectorGroup | None, attachment=None, request=None) -> Notice:
    """Store the notice, its recipients, and a portal notification for each of
    them with an account."""
    if is_leader(by) and (group is None or group.pk != by.sector_group_id):
        raise PermissionError("A group leader sends notices to their own group only.")
    committee = group.committee if group else committee_for_portal()
    notice = Notice(committee=committee, group=group, title=title, body=body, sent_by=by)
    if attachment is not None:
        notice.attachment = attachment
        notice.attachment_name = attachment.name[:200]
    notice.save()
    members = list(notice_recipients(committee=committee, group=group).values_list("pk", flat=True))
    NoticeRecipient.objects.bulk_create([NoticeRecipient(notice=notice, member_id=pk) for pk in members])
    audit.record_bulk_write(
        model=NoticeRecipient, count=len(members), user=by, request=request, detail=f"notice {notice.pk}"
    )
    link = reverse("member_notice", kwargs={"notice_id": notice.pk})
    for user in User.objects.filter(member_id__in=members, is_active=True):
        notification_send(
            user=user, title=_("Notice: %(title)s") % {"title": title}, link=link, key=f"notice:{notice.pk}"
        )
    return notice


def notices_for_staff(*, user) -> QuerySet[Notice]:
    """The notices a user may follow: a leader those of their group, everyone else all."""
    notices = (
        Notice.objects.select_related("group", "sent_by")
        .annotate(
            recipient_count=Count("recipients"),
            read_count=Count("recipients", filter=Q(recipients__read_at__isnull=False)),
        )
        .order_by("-sent_at", "-id")
    )  # Meta.ordering does not apply to an aggregated query
    if roles.role_of(user) == roles.LEADER:
        return notices.filter(group_id=user.sector_group_id)
    return notices


def notice_for_staff(*, user, notice_id: int) -> Notice:
    notice = notices_for_staff(user=user).filter(pk=notice_id).first()
    if notice is None:
        raise Http404
    return notice


@dataclass(frozen=True)
class Receipts:
    read: list[NoticeRecipient]
    unread: list[NoticeRecipient]


def notice_receipts(*, notice: Notice) -> Receipts:
    rows = list(notice.recipients.select_related("member").order_by("member__member_number"))
    return Receipts(read=[r for r in rows if r.read_at], unread=[r for r in rows if not r.read_at])


def notices_of_member(*, member_id: int) -> QuerySet[NoticeRecipient]:
    return (
        NoticeRecipient.objects.filter(member_id=member_id).select_related("notice").order_by("-notice__sent_at", "-id")
    )


def notice_open(*, member_id: int, notice_id: int) -> NoticeRecipient:
    """The member's copy of a notice (404 if it was not sent to them); the first
    opening records the receipt."""
    row = NoticeRecipient.objects.filter(member_id=member_id, notice_id=notice_id).select_related("notice").first()
    if row is None:
        raise Http404
    if row.read_at is None:
        now = timezone.now()
        NoticeRecipient.objects.filter(pk=row.pk, read_at__isnull=True).update(read_at=now)
        row.read_at = now
    return row


def notice_visible_to(*, user, notice_id: int) -> Notice:
    """For the attachment download: a recipient member, or staff in scope."""
    if roles.role_of(user) == roles.MEMBER:
        return notice_open(member_id=user.member_id, notice_id=notice_id).notice
    return notice_for_staff(user=user, notice_id=notice_id)
