"""Reminders: the "168" calendar told to the groups that still owe something.

Each reminder rule is part of a measure's spec (reports.measures): it knows WHEN
it speaks (its days) and WHAT it follows: that measure's rule in the scoring
engine (reports.scorecards.year_scores). Whether a group has met that rule
is the engine's answer, never worked out again here; a reminder goes to the group's
leader accounts only while the engine says the rule is not met, states what is
missing (the engine's `missing` text) and by when, and links to the page where it
is done. Each goes once per group, rule and period (the notification key).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from portal import roles
from sectors.models import Committee
from sectors.notifications.services import notification_send

from .measures import ReminderRule, reminder_rules
from .score_source import year_scores_for

# The engine's verdicts (reports.scoring.Verdict values) that mean "nothing to remind".
_NOTHING_OWED = {"met", "off", "na"}


class _RemindersOfTheMeasures(Mapping[str, ReminderRule]):
    """Every measure's reminders by code, read from the measures' table when asked."""

    def __getitem__(self, code: str) -> ReminderRule:
        return reminder_rules()[code]

    def __iter__(self) -> Iterator[str]:
        return iter(reminder_rules())

    def __len__(self) -> int:
        return len(reminder_rules())


# Each reminder lives in its measure's spec (reports.measures.MEASURES).
RULES: Mapping[str, ReminderRule] = _RemindersOfTheMeasures()


@dataclass(frozen=True)
class Reminder:
    group_id: int
    key: str
    title: str
    body: str
    link: str


def reminders_due(*, scores, rule: ReminderRule, today: datetime.date) -> list[Reminder]:
    """The reminders `rule` gives on `today`: one per group that, in the engine's `scores`, owes it."""
    reminders = []
    for group in scores.groups:
        result = next((r for r in group.rules if r.measure == rule.measure), None)
        if result is None or str(result.verdict) in {"off", "na"} or not rule.is_due(today, result):
            continue
        owes = rule.owes(today, result) if rule.owes else str(result.verdict) not in _NOTHING_OWED
        if rule.only_missing and not owes:
            continue
        reminders.append(_reminder(rule, group, result, today))
    return reminders


def _reminder(rule: ReminderRule, group, result, today: datetime.date) -> Reminder:
    if rule.message:
        what, by_when = rule.message(today), rule.by_when(today) if rule.by_when else None
    else:
        what, by_when = result.missing or result.label, None if result.missing else result.deadline
    body = _("%(group)s: %(what)s") % {"group": group.group_name, "what": what}
    if by_when:
        body += "\n" + _("By: %(date)s") % {"date": date_format(by_when, "Y-m-d")}
    return Reminder(
        group_id=group.group_id,
        key=f"reminder:{rule.code}:{group.group_id}:{rule.period(today)}",
        title=f"{rule.label} · {group.group_name}",
        body=body,
        link=reverse(rule.url_name),
    )


def _leader_accounts(group_ids: list[int]) -> dict[int, list]:
    """Each group's active leader accounts (users tied to the group with the leader role)."""
    users = get_user_model().objects.filter(
        sector_group_id__in=group_ids, is_active=True, groups__name=roles.GROUP_NAMES[roles.LEADER]
    )
    by_group: dict[int, list] = defaultdict(list)
    for user in users.distinct():
        by_group[user.sector_group_id].append(user)
    return by_group


def reminders_send(*, rule_codes: Iterable[str], today: datetime.date, committees=None) -> int:
    """Send the rules' reminders for `today` to the leaders of every group that owes them.

    Returns how many notifications were new; running it again sends none.
    """
    rules = [RULES[code] for code in rule_codes]
    sent = 0
    # Reminders are stored text: write them in the portal's language, whoever runs the job.
    with translation.override(settings.LANGUAGE_CODE):
        for committee in committees if committees is not None else Committee.objects.all():
            scores = year_scores_for(committee.pk, today.year, today)  # once for all the rules
            reminders = [r for rule in rules for r in reminders_due(scores=scores, rule=rule, today=today)]
            leaders = _leader_accounts(list({r.group_id for r in reminders}))
            for reminder in reminders:
                for user in leaders.get(reminder.group_id, []):
                    note = notification_send(
                        user=user, title=reminder.title, body=reminder.body, link=reminder.link, key=reminder.key
                    )
                    sent += note is not None
    return sent
