"""Reminders of proposals' answer deadlines (答复期限, issue 22).

Every morning: the proposals whose answer falls due within DUE_SOON_DAYS and
those whose deadline has passed without an answer. The committee's staff and
the proposal's group leaders are told once per proposal and deadline (a
deadline moved by a new assignment is told again). Kept apart from the
group reminders (reports.reminders): those follow the yearly requirements,
these follow one record each.
"""

from __future__ import annotations

import datetime

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from activities.models import Proposal
from activities.selectors.outcomes import awaiting_answer
from portal import clock, roles
from sectors.notifications.services import notification_send

DUE_SOON_DAYS = 7


def _accounts(role: str, **filters) -> list:
    users = get_user_model().objects.filter(is_active=True, groups__name=roles.GROUP_NAMES[role], **filters)
    return list(users.distinct())


def _notice(proposal: Proposal, today: datetime.date) -> tuple[str, str, str]:
    """The title, body and key of the proposal's reminder on `today`."""
    due = proposal.answer_due
    if due < today:
        title = _("Answer overdue: %(title)s") % {"title": proposal.title}
        body = _("The answer to this proposal was due on %(date)s and has not been recorded.") % {"date": due}
        return title, body, f"answer-overdue:{proposal.pk}:{due}"
    title = _("Answer due on %(date)s: %(title)s") % {"date": due, "title": proposal.title}
    body = _("Remind the handling units: the answer to this proposal is due on %(date)s.") % {"date": due}
    return title, body, f"answer-due:{proposal.pk}:{due}"


def outcome_reminders_send(*, today: datetime.date) -> int:
    """Send the day's deadline reminders; returns how many were new (again: none)."""
    horizon = today + datetime.timedelta(days=DUE_SOON_DAYS)
    proposals = awaiting_answer(Proposal.objects.select_related("group")).filter(answer_due__lte=horizon)
    staff = _accounts(roles.STAFF)
    leaders: dict[int, list] = {}
    sent = 0
    # Reminders are stored text: written in the portal's language, whoever runs the job.
    with translation.override(settings.LANGUAGE_CODE):
        for proposal in proposals.order_by("answer_due", "id"):
            if proposal.group_id not in leaders:
                leaders[proposal.group_id] = _accounts(roles.LEADER, sector_group_id=proposal.group_id)
            title, body, key = _notice(proposal, today)
            link = reverse("proposal_detail", args=[proposal.pk])
            for user in staff + leaders[proposal.group_id]:
                sent += notification_send(user=user, title=title, body=body, link=link, key=key) is not None
    return sent


@shared_task
def send_outcome_reminders(day: str | None = None) -> int:
    """Remind staff and leaders of answers due soon or overdue on `day` (default: today)."""
    return outcome_reminders_send(today=datetime.date.fromisoformat(day) if day else clock.today())
