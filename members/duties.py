"""What the year's rules still ask of one member, by when ("还需…，截止…").

The committee's rules for the year (reports.scorecards.year_rules) judge some
things member by member: enough distinct constituents contacted
(CONSTITUENTS_PER_MEMBER) and a report at the December duty-report meeting
(DUTY_REPORTERS). The member's file states each such rule for them, judged as
the scorecard judges it (reports.scoring: same counting, same deadline), and
how many of the group's study days they attended (the monthly study rule is the
group's, so it is told, not asked).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _

from activities.carriers import ActivityKind
from activities.selectors.duty import duty_contacts, duty_reports_given
from reports.facts import day_label
from reports.measures import constituents_needed
from reports.models import Measure
from reports.scorecards import year_rules
from sectors.models import Member


@dataclass(frozen=True)
class Duty:
    key: str  # "constituents", "duty_report", "study"
    done: bool
    text: str
    deadline: datetime.date | None = None
    overdue: bool = False
    info: bool = False  # told, not asked (the study days)


def _constituents(member: Member, rule, year: int, today: datetime.date) -> Duty:
    needed = constituents_needed(rule)
    end = rule.deadline or datetime.date(year, 12, 31)
    contacts = duty_contacts(committee_id=None, start=datetime.date(year, 1, 1), end=end).filter(member=member)
    have = contacts.values("constituent_id").distinct().count()
    if have >= needed:
        text = _("Contacted %(have)s constituents this year (%(needed)s asked).") % {"have": have, "needed": needed}
        return Duty("constituents", True, text, end)
    if today > end:
        text = _("Contacted %(have)s of the %(needed)s constituents asked by %(day)s.") % {
            "have": have,
            "needed": needed,
            "day": day_label(end),
        }
        return Duty("constituents", False, text, end, overdue=True)
    text = _("Still to do: contact %(more)s more constituents, by %(day)s.") % {
        "more": needed - have,
        "day": day_label(end),
    }
    return Duty("constituents", False, text, end)


def _duty_report(member: Member, rule, year: int, today: datetime.date) -> Duty:
    end = rule.deadline or datetime.date(year, 12, 31)
    given = duty_reports_given(committee_id=None, start=datetime.date(year, 1, 1), end=end).filter(member=member)
    if given.exists():
        return Duty("duty_report", True, _("Reported on your year of duty at the duty-report meeting."), end)
    if today > end:
        return Duty(
            "duty_report", False, _("No duty report given by %(day)s.") % {"day": day_label(end)}, end, overdue=True
        )
    text = _("Still to do: report on your year of duty at the group's duty-report meeting in December, by %(day)s.") % {
        "day": day_label(end)
    }
    return Duty("duty_report", False, text, end)


def _study(record) -> Duty:
    rows = [row for row in record.attendance if row.activity.kind == ActivityKind.STUDY]
    present = sum(1 for row in rows if row.status == "present")
    text = _("Study days: present at %(present)s of the %(held)s your group held; the group holds one each month.") % {
        "present": present,
        "held": len(rows),
    }
    return Duty("study", True, text, info=True)


def member_duties(*, member: Member, record, year: int, today: datetime.date) -> list[Duty]:
    """The member-level rules of `year` for this member (`record`: their
    reports.selectors.pages.member_record of that year)."""
    duties = []
    for rule in year_rules(committee_id=member.committee_id, year=year):
        if rule.threshold <= 0:
            continue  # switched off this year
        if rule.measure == Measure.CONSTITUENTS_PER_MEMBER:
            duties.append(_constituents(member, rule, year, today))
        elif rule.measure == Measure.DUTY_REPORTERS:
            duties.append(_duty_report(member, rule, year, today))
        elif rule.measure == Measure.STUDY_MONTHS:
            duties.append(_study(record))
    return duties
