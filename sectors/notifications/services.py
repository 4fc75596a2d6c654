"""Notifications: sending (once per key), reading and marking read.

Services write, selectors read, as elsewhere. E-mail goes out after the
notification's transaction commits, through a task, and at most once: a
conditional update of `emailed_at` is the lock.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from sectors.models import Notification, User

log = logging.getLogger(__name__)


def notification_send(*, user: User, title: str, body: str = "", link: str = "", key: str = "") -> Notification | None:
    """Notify `user`; with a `key`, only the first send for that key counts.

    Returns the new notification, or None when one with this key already exists
    (a retried or repeated job). The insert itself is the lock: two workers
    racing on the same key leave one row, and the loser gets None.
    """
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                user=user, title=title[:200], body=body, link=link[:300], key=key[:150]
            )
    except IntegrityError:
        if key and Notification.objects.filter(user=user, key=key[:150]).exists():
            return None
        raise
    if user.email:
        from sectors.tasks import email_notification

        transaction.on_commit(lambda: email_notification.delay(notification.pk))
    return notification


def notification_email(*, notification_id: int) -> bool:
    """E-mail a notification to its user, once. True when this call sent it."""
    claimed = Notification.objects.filter(pk=notification_id, emailed_at__isnull=True, user__email__gt="").update(
        emailed_at=timezone.now()
    )
    if not claimed:
        return False
    notification = Notification.objects.select_related("user").get(pk=notification_id)
    link = f"{settings.PORTAL_BASE_URL}{notification.link}" if notification.link else ""
    message = "\n\n".join(part for part in (notification.body, link) if part)
    try:
        send_mail(notification.title, message, None, [notification.user.email])
    except Exception:
        # Give the claim back so that a retry can send it; the portal list has it anyway.
        Notification.objects.filter(pk=notification_id).update(emailed_at=None)
        raise
    return True


def notifications_for(*, user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user).order_by("-created_at", "-id")


def unread_count(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notification_mark_read(*, user: User, notification_id: int | None = None) -> Notification | None:
    """Mark one of the user's notifications read (or all of them, without an id).

    Returns the notification, or None for all or for an id that is not the user's.
    """
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_id is None:
        unread.update(read_at=timezone.now())
        return None
    unread.filter(pk=notification_id).update(read_at=timezone.now())
    return Notification.objects.filter(user=user, pk=notification_id).first()
