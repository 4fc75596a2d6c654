"""Reminders: the "168" calendar told to the groups that still owe something.

Each rule knows WHEN it speaks (its days) and WHAT it follows: one of the scoring
engine's rules (reports.scorecards.year_scores). Whether a group has met that rule
is the engine's answer, never worked out again here; a reminder goes to the group's
leader accounts only while the engine says the rule is not met, states what is
missing (the engine's `missing` text) and by when, and links to the page where it
is done. Each goes once per group, rule and period (the notification key).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal import roles
from sectors.models import Committee
from sectors.notifications.services import notification_send

from .models import Measure
from .score_source import year_scores_for

# The engine's verdicts (reports.scoring.Verdict values) that mean "nothing to remind".
_NOTHING_OWED = {"met", "off", "na"}


def _first_of_next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def _last_of_month(day: datetime.date) -> datetime.date:
    return _first_of_next_month(day) - datetime.timedelta(days=1)


@dataclass(frozen=True)
class Rule:
    code: str
    label: object  # lazy text: the reminder's title
    measure: str  # the engine's rule it follows
    is_due: Callable[[datetime.date, object], bool]  # (today, the engine's RuleResult)
    period: Callable[[datetime.date], str]
    url_name: str  # where it is done
    only_missing: bool = True  # False: a heads-up to every group the rule applies to
    # Whether the group owes it: by default, the engine's verdict for the whole rule.
    owes: Callable[[datetime.date, object], bool] | None = None
    # Monthly rules speak of this month, not of the year's rule: their own words and date.
    # The others say what the engine says is missing (its text includes the deadline).
    message: Callable[[datetime.date], str] | None = None
    by_when: Callable[[datetime.date], datetime.date] | None = None


def _month(day: datetime.date) -> str:
    return f"{day:%Y-%m}"


def _year(day: datetime.date) -> str:
    return f"{day:%Y}"


def _no_study_this_month(today: datetime.date, result) -> bool:
    # The engine lists the sessions that count for the rule; none dated this month means none held.
    return not any(
        e.date and (e.date.year, e.date.month) == (today.year, today.month) and e.date <= today for e in result.evidence
    )


def _after_deadline(today: datetime.date, result) -> bool:
    return result.deadline is not None and today > result.deadline


RULES: dict[str, Rule] = {
    rule.code: rule
    for rule in (
        Rule(
            "study_day_upcoming",
            gettext_lazy("Study day on the 1st"),
            Measure.STUDY_MONTHS,
            is_due=lambda today, _r: today == _first_of_next_month(today) - datetime.timedelta(days=3),
            period=lambda today: _month(_first_of_next_month(today)),
            url_name="activity_create",
            only_missing=False,
            message=lambda _today: _("Hold the group's study session and record it with its attendance."),
            by_when=_first_of_next_month,
        ),
        Rule(
            "study_day_missing",
            gettext_lazy("No study session this month yet"),
            Measure.STUDY_MONTHS,
            is_due=lambda today, _r: today.day >= 3,
            period=_month,
            url_name="activity_create",
            owes=_no_study_this_month,
            message=lambda today: (
                _("No study session is recorded for %(month)s yet: hold one and record it.")
                % {"month": date_format(today, "F")}
            ),
            by_when=_last_of_month,
        ),
        Rule(
            "consultation",
            gettext_lazy("No consultation meeting this year yet"),
            Measure.CONSULTATIONS,
            is_due=lambda today, _r: today >= datetime.date(today.year, 9, 1),
            period=_month,
            url_name="activity_create",
        ),
        Rule(
            "december_service",
            gettext_lazy("No service activity in the December activity month yet"),
            Measure.DECEMBER_ACTIVITIES,
            is_due=lambda today, _r: today.month == 12,
            period=_year,
            url_name="activity_create",
        ),
        Rule(
            "duty_report_meeting",
            gettext_lazy("No duty-report meeting yet"),
            Measure.DUTY_REPORT_MEETINGS,
            is_due=lambda today, _r: today.month == 12,
            period=_year,
            url_name="activity_create",
        ),
        Rule(
            "plan_missing",
            gettext_lazy("Work plan overdue"),
            Measure.PLAN_FILED,
            is_due=_after_deadline,
            period=_year,
            url_name="document_create",
        ),
        Rule(
            "summary",
            gettext_lazy("Year-end summary due"),
            Measure.SUMMARY_FILED,
            is_due=lambda today, _r: today >= datetime.date(today.year, 12, 16),
            period=_year,
            url_name="document_create",
        ),
    )
}


@dataclass(frozen=True)
class Reminder:
    group_id: int
    key: str
    title: str
    body: str
    link: str


def reminders_due(*, scores, rule: Rule, today: datetime.date) -> list[Reminder]:
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


def _reminder(rule: Rule, group, result, today: datetime.date) -> Reminder:
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
