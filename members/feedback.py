"""意见建议: a member's suggestion about the portal, stored and sent to the administrators."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from portal import roles
from sectors.models import User
from sectors.notifications.services import notification_send

from .models import Feedback


def administrators():
    return User.objects.filter(
        Q(is_superuser=True) | Q(groups__name=roles.GROUP_NAMES[roles.ADMIN]), is_active=True
    ).distinct()


@transaction.atomic
def feedback_send(*, user: User, text: str, page: str = "") -> Feedback:
    feedback = Feedback.objects.create(user=user, member_id=user.member_id, text=text, page=page[:300])
    link = reverse("admin:members_feedback_change", args=[feedback.pk])
    for admin_user in administrators():
        notification_send(
            user=admin_user,
            title=_("Feedback from member %(name)s") % {"name": user.full_name or user.get_username()},
            body=text[:500],
            link=link,
            key=f"feedback:{feedback.pk}",
        )
    return feedback
