"""One spec per measure: what a yearly rule counts, its words, when it is
overdue, its deadline when the row names none, and its reminders, in one table
(MEASURES).

A new rule is one MeasureSpec here plus its yearly data row (a
reports.models.Requirement, and a DEFAULT_REQUIREMENTS line for new years):
the engine (reports.scoring) judges every spec alike, the scorecards show its
words and the reminders job (reports.reminders) sends its reminders. Nothing
else knows a measure by name. Pure: no database.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable
from dataclasses import dataclass, replace

from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, npgettext_lazy

from activities.carriers import (
    DEFAULT_CONSTITUENTS_PER_MEMBER,
    DEFAULT_STATION_DAYS_OPEN,
    DUTY_REPORT_MONTH,
    ActivityKind,
)

from .facts import (
    ActivityFact,
    Context,
    Evidence,
    GroupFacts,
    Measured,
    MemberFact,
    Rule,
    day_label,
    month_label,
    months_left,
    number,
)
from .models import Measure

Counts = Callable[[GroupFacts, Rule, Context], Measured]
Words = Callable[[Rule, Measured, Context, bool], str]  # (rule, measured, ctx, overdue): what is missing
Overdue = Callable[[Rule, Measured, Context], bool]
DefaultDeadline = Callable[[object], datetime.date | None]  # (the AssessmentYear): a row without its own deadline


# --- what a measure counts ---------------------------------------------------------


def _counted(day: datetime.date | None, deadline: datetime.date | None) -> bool:
    return deadline is None or day is None or day <= deadline


def _activity_evidence(activity: ActivityFact) -> Evidence:
    return Evidence("activity", activity.id, activity.title, activity.url, activity.date)


def _activities(*kinds: str, month: int | None = None) -> Callable[[GroupFacts, Rule, Context], Measured]:
    def measure(facts: GroupFacts, rule: Rule, ctx: Context) -> Measured:
        found = [
            _activity_evidence(a)
            for a in facts.activities
            if a.kind in kinds and (month is None or a.date.month == month) and _counted(a.date, rule.deadline)
        ]
        return Measured(len(found), found)

    return measure


def _highlights(facts: GroupFacts, rule: Rule, ctx: Context) -> Measured:
    found = [_activity_evidence(a) for a in facts.activities if a.is_highlight and _counted(a.date, rule.deadline)]
    return Measured(len(found), found)


def _study_months(facts: GroupFacts, rule: Rule, ctx: Context) -> Measured:
    sessions = [a for a in facts.activities if a.kind == ActivityKind.STUDY and _counted(a.date, rule.deadline)]
    return Measured(len({a.date.month for a in sessions}), [_activity_evidence(a) for a in sessions])


def _records(attribute: str) -> Callable[[GroupFacts, Rule, Context], Measured]:
    def measure(facts: GroupFacts, rule: Rule, ctx: Context) -> Measured:
        found = [e for e in getattr(facts, attribute) if _counted(e.date, rule.deadline)]
        return Measured(len(found), found)

    return measure


def _document(attribute: str) -> Callable[[GroupFacts, Rule, Context], Measured]:
    """1 when the document is filed and dated on or before the deadline. A late
    one is shown as evidence but does not count."""

    def measure(facts: GroupFacts, rule: Rule, ctx: Context) -> Measured:
        document = getattr(facts, attribute)
        if document is None:
            return Measured(0, [])
        return Measured(1 if _counted(document.date, rule.deadline) else 0, [document])

    return measure


def _member_evidence(member: MemberFact) -> Evidence:
    return Evidence("member", member.member_id, member.name, member.url)


def _share(counts: Callable[[MemberFact, Rule], bool]) -> Callable[[GroupFacts, Rule, Context], Measured]:
    """The percentage of the group's members (on the reference day) for whom `counts` holds."""

    def measure(facts: GroupFacts, rule: Rule, ctx: Context) -> Measured:
        if not facts.members:
            return Measured(0, [], members_counted=0)
        found = [_member_evidence(m) for m in facts.members if counts(m, rule)]
        return Measured(round(100 * len(found) / len(facts.members), 1), found, members_counted=len(facts.members))

    return measure


def station_days_needed(rule: Rule) -> int:
    return rule.days_open or DEFAULT_STATION_DAYS_OPEN


def _active_stations(facts: GroupFacts, rule: Rule, ctx: Context) -> Measured:
    """Stations open at least the rule's days of the year (activities.carriers:
    a station open two days of the year is not an active one)."""
    days = dict(facts.workstation_days)
    needed = station_days_needed(rule)
    found = [e for e in facts.workstations if _counted(e.date, rule.deadline) and days.get(e.id, 0) >= needed]
    return Measured(len(found), found)


def constituents_needed(rule: Rule) -> int:
    return rule.per_member or DEFAULT_CONSTITUENTS_PER_MEMBER


def _enough_constituents(member: MemberFact, rule: Rule) -> bool:
    return member.constituents_by(rule.deadline) >= constituents_needed(rule)


def _reported(member: MemberFact, rule: Rule) -> bool:
    return member.reported_by(rule.deadline)


# --- when a rule not met is overdue ---------------------------------------------------


def overdue_after_deadline(rule: Rule, measured: Measured, ctx: Context) -> bool:
    """Its deadline (31 December without one) has passed."""
    if rule.deadline is not None:
        return ctx.today > rule.deadline
    return ctx.today > datetime.date(ctx.year, 12, 31)


def overdue_months(rule: Rule, measured: Measured, ctx: Context) -> bool:
    """Monthly rules without a deadline: once the months left cannot make up the threshold."""
    if rule.deadline is not None:
        return ctx.today > rule.deadline
    held = {e.date.month for e in measured.evidence if e.date}
    return measured.value + months_left(ctx, held) < rule.threshold


# --- the deadline of a yearly row that names none ---------------------------------------


def year_end(assessment) -> datetime.date:
    return datetime.date(assessment.year, 12, 31)


def no_single_day(assessment) -> None:
    return None


# --- what is missing, in words ----------------------------------------------------------


def _deadline_label(rule: Rule) -> str:
    return day_label(rule.deadline) if rule.deadline else "—"


def count_words(unit: Promise | None) -> Words:
    """ "2 more consultation meetings needed, by 12/31"; overdue: "only 1 of 3 …".
    `unit` is the counted thing in the singular and the plural (npgettext_lazy with
    "n"); without one the rule's label stands in."""

    def words(rule: Rule, measured: Measured, ctx: Context, overdue: bool) -> str:
        short = max(rule.threshold - measured.value, 0)
        count = rule.threshold if overdue else short
        values = {
            "n": number(short),
            "value": number(measured.value),
            "threshold": number(rule.threshold),
            "unit": str(rule.label) if unit is None else unit % {"n": math.ceil(count)},
            "deadline": _deadline_label(rule),
        }
        if overdue:
            return _("Overdue (deadline %(deadline)s): only %(value)s of %(threshold)s %(unit)s") % values
        return _("%(n)s more %(unit)s needed, by %(deadline)s") % values

    return words


def document_words(*, late: Promise, overdue: Promise, todo: Promise) -> Words:
    """A document filed once: filed late, overdue, or still to file by its deadline."""

    def words(rule: Rule, measured: Measured, ctx: Context, is_overdue: bool) -> str:
        text = late if measured.evidence else overdue if is_overdue else todo
        return str(text) % {"deadline": _deadline_label(rule)}

    return words


def _study_words(rule: Rule, measured: Measured, ctx: Context, overdue: bool) -> str:
    held = {e.date.month for e in measured.evidence if e.date}
    needed = math.ceil(rule.threshold - measured.value)
    if overdue:
        passed = [m for m in range(1, 13) if m not in held and (ctx.year, m) < (ctx.today.year, ctx.today.month)]
        return _("%(threshold)s months can no longer be reached: no study session in %(months)s") % {
            "threshold": number(rule.threshold),
            "months": _(", ").join(month_label(m) for m in passed) or "—",
        }
    return ngettext(
        "%(n)s more month with a study session needed (one each month)",
        "%(n)s more months with a study session needed (one each month)",
        needed,
    ) % {"n": needed}


def share_words(what: Callable[[Rule], str]) -> Words:
    """A share of members: how many more members must do `what(rule)`, by when."""

    def words(rule: Rule, measured: Measured, ctx: Context, overdue: bool) -> str:
        members = measured.members_counted or 0
        counted = len(measured.evidence)
        needed = max(1, math.ceil(rule.threshold * members / 100 - 1e-9) - counted)
        values = {"n": needed, "what": what(rule), "deadline": _deadline_label(rule)}
        if overdue:
            return (
                ngettext(
                    "Overdue (deadline %(deadline)s): %(n)s more member %(what)s",
                    "Overdue (deadline %(deadline)s): %(n)s more members %(what)s",
                    needed,
                )
                % values
            )
        return (
            ngettext(
                "%(n)s more member %(what)s, by %(deadline)s", "%(n)s more members %(what)s, by %(deadline)s", needed
            )
            % values
        )

    return words


def _contact_words(rule: Rule) -> str:
    return _("must each contact at least %(n)s constituents") % {"n": constituents_needed(rule)}


def _report_words(rule: Rule) -> str:
    return _("must report at the duty-report meeting")


# --- reminders (the "168" calendar) ---------------------------------------------------------


@dataclass(frozen=True)
class ReminderRule:
    """When a measure's reminder speaks and what it says; reports.reminders sends it
    to the leaders of the groups that, in the engine's answer, owe the rule."""

    code: str
    label: Promise  # the reminder's title
    schedule_name: str  # its daily entry in the schedule (reports.schedule), shown to administrators
    is_due: Callable[[datetime.date, object], bool]  # (today, the engine's RuleResult)
    period: Callable[[datetime.date], str]  # once per group and period
    url_name: str  # where it is done
    only_missing: bool = True  # False: a heads-up to every group the rule applies to
    # Whether the group owes it: by default, the engine's verdict for the whole rule.
    owes: Callable[[datetime.date, object], bool] | None = None
    # Monthly rules speak of this month, not of the year's rule: their own words and date.
    # The others say what the engine says is missing (its text includes the deadline).
    message: Callable[[datetime.date], str] | None = None
    by_when: Callable[[datetime.date], datetime.date] | None = None
    measure: str = ""  # the measure whose spec holds it (set by reminder_rules)


def first_of_next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def last_of_month(day: datetime.date) -> datetime.date:
    return first_of_next_month(day) - datetime.timedelta(days=1)


def each_month(day: datetime.date) -> str:
    return f"{day:%Y-%m}"


def each_year(day: datetime.date) -> str:
    return f"{day:%Y}"


def _no_study_this_month(today: datetime.date, result) -> bool:
    # The engine lists the sessions that count for the rule; none dated this month means none held.
    return not any(
        e.date and (e.date.year, e.date.month) == (today.year, today.month) and e.date <= today for e in result.evidence
    )


def after_deadline(today: datetime.date, result) -> bool:
    return result.deadline is not None and today > result.deadline


def from_day(month: int, day: int) -> Callable[[datetime.date, object], bool]:
    """Due every day from `month`/`day` to the end of the year."""
    return lambda today, _result: today >= datetime.date(today.year, month, day)


def in_month(month: int) -> Callable[[datetime.date, object], bool]:
    return lambda today, _result: today.month == month


# --- the specs ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class MeasureSpec:
    """Everything one measure does; its yearly row (Requirement) holds the numbers."""

    key: str  # the Requirement.measure value
    label: Promise | str  # the rule's name on every page
    counts: Counts  # its value for a group, and the records that make it
    missing: Words = count_words(None)  # what is missing, in words
    unit: str = ""  # after the value: "%" for shares of members
    overdue: Overdue = overdue_after_deadline
    default_deadline: DefaultDeadline = year_end
    reminders: tuple[ReminderRule, ...] = ()
    per_member: Callable[[Rule], int] | None = None  # shares of members: what each needs (shown)
    is_document: bool = False  # filed once (plan, summary): the dashboard flags it when overdue
    # An activity type kept but counted toward nothing unless this measure has a rule in force:
    # the scorecard says so (issue 17).
    optional_kind: str | None = None


def _spec(measure: Measure, counts: Counts, **fields) -> MeasureSpec:
    return MeasureSpec(key=measure.value, label=measure.label, counts=counts, **fields)


def _document_spec(measure: Measure, attribute: str, missing, *, deadline, reminder: tuple) -> MeasureSpec:
    """A document filed once a year (plan, summary): counted by its attribute, reminded
    once a year with a link to filing it; `reminder` is (name, label, schedule name, is_due)."""
    name, label, schedule_name, is_due = reminder
    return _spec(
        measure,
        _document(attribute),
        missing=missing,
        default_deadline=deadline,
        is_document=True,
        reminders=(
            ReminderRule(name, label, schedule_name, is_due=is_due, period=each_year, url_name="document_create"),
        ),
    )


K = ActivityKind
_SPECS = (
    _document_spec(
        Measure.PLAN_FILED,
        "plan",
        document_words(
            late=gettext_lazy("Work plan filed late (deadline %(deadline)s)"),
            overdue=gettext_lazy("Work plan overdue (deadline %(deadline)s)"),
            todo=gettext_lazy("File the work plan by %(deadline)s"),
        ),
        deadline=lambda assessment: assessment.plan_deadline,
        reminder=(
            "plan_missing",
            gettext_lazy("Work plan overdue"),
            "提醒：工作计划逾期（计划截止日后）",
            after_deadline,
        ),
    ),
    _document_spec(
        Measure.SUMMARY_FILED,
        "summary",
        document_words(
            late=gettext_lazy("Year-end summary filed late (deadline %(deadline)s)"),
            overdue=gettext_lazy("Year-end summary overdue (deadline %(deadline)s)"),
            todo=gettext_lazy("File the year-end summary by %(deadline)s"),
        ),
        deadline=lambda assessment: assessment.summary_deadline,
        reminder=("summary", gettext_lazy("Year-end summary due"), "提醒：年度总结（12月下半月）", from_day(12, 16)),
    ),
    _spec(
        Measure.STUDY_MONTHS,
        _study_months,
        missing=_study_words,
        overdue=overdue_months,
        default_deadline=no_single_day,
        reminders=(
            ReminderRule(
                "study_day_upcoming",
                gettext_lazy("Study day on the 1st"),
                "提醒：界别学习日（每月1日前3天）",
                is_due=lambda today, _r: today == first_of_next_month(today) - datetime.timedelta(days=3),
                period=lambda today: each_month(first_of_next_month(today)),
                url_name="activity_create",
                only_missing=False,
                message=lambda _today: _("Hold the group's study session and record it with its attendance."),
                by_when=first_of_next_month,
            ),
            ReminderRule(
                "study_day_missing",
                gettext_lazy("No study session this month yet"),
                "提醒：本月尚无学习活动（每月3日起）",
                is_due=lambda today, _r: today.day >= 3,
                period=each_month,
                url_name="activity_create",
                owes=_no_study_this_month,
                message=lambda today: (
                    _("No study session is recorded for %(month)s yet: hold one and record it.")
                    % {"month": date_format(today, "F")}
                ),
                by_when=last_of_month,
            ),
        ),
    ),
    _spec(
        Measure.TRAINING_SESSIONS,
        _activities(K.TRAINING),
        missing=count_words(npgettext_lazy("unit", "training session", "training sessions", "n")),
        optional_kind=K.TRAINING,
    ),
    _spec(
        Measure.RESEARCH_INSPECTIONS,
        _activities(K.RESEARCH, K.INSPECTION),
        missing=count_words(
            npgettext_lazy("unit", "research trip or inspection", "research trips or inspections", "n")
        ),
    ),
    _spec(
        Measure.CONSULTATIONS,
        _activities(K.CONSULTATION),
        missing=count_words(npgettext_lazy("unit", "consultation meeting", "consultation meetings", "n")),
        reminders=(
            ReminderRule(
                "consultation",
                gettext_lazy("No consultation meeting this year yet"),
                "提醒：尚无界别协商会（9月1日起）",
                is_due=from_day(9, 1),
                period=each_month,
                url_name="activity_create",
            ),
        ),
    ),
    _spec(
        Measure.SUPERVISIONS,
        _activities(K.SUPERVISION),
        missing=count_words(
            npgettext_lazy("unit", "democratic supervision activity", "democratic supervision activities", "n")
        ),
        optional_kind=K.SUPERVISION,
    ),
    _spec(
        Measure.PROPOSALS,
        _records("proposals"),
        missing=count_words(npgettext_lazy("unit", "proposal", "proposals", "n")),
    ),
    _spec(
        Measure.OPINION_REPORTS,
        _records("opinion_reports"),
        missing=count_words(npgettext_lazy("unit", "public-opinion report", "public-opinion reports", "n")),
    ),
    _spec(
        Measure.WORKSTATION_OPINION_REPORTS,
        _records("workstation_opinion_reports"),
        missing=count_words(
            npgettext_lazy(
                "unit",
                "public-opinion report through a workstation",
                "public-opinion reports through workstations",
                "n",
            )
        ),
    ),
    _spec(
        Measure.SERVICE_ACTIVITIES,
        _activities(K.SERVICE),
        missing=count_words(npgettext_lazy("unit", "service activity", "service activities", "n")),
    ),
    _spec(
        Measure.DECEMBER_ACTIVITIES,
        _activities(K.SERVICE, month=12),
        missing=count_words(
            npgettext_lazy("unit", "service activity in December", "service activities in December", "n")
        ),
        reminders=(
            ReminderRule(
                "december_service",
                gettext_lazy("No service activity in the December activity month yet"),
                "提醒：尚无12月界别活动月服务活动（12月1日起）",
                is_due=in_month(12),
                period=each_year,
                url_name="activity_create",
            ),
        ),
    ),
    _spec(
        Measure.FELLOWSHIP_ACTIVITIES,
        _activities(K.FELLOWSHIP),
        missing=count_words(
            npgettext_lazy("unit", "fellowship and exchange activity", "fellowship and exchange activities", "n")
        ),
    ),
    _spec(
        Measure.CONSTITUENTS_PER_MEMBER,
        _share(_enough_constituents),
        missing=share_words(_contact_words),
        unit="%",
        per_member=constituents_needed,
    ),
    _spec(
        Measure.ACTIVE_WORKSTATIONS,
        _active_stations,
        missing=count_words(npgettext_lazy("unit", "active workstation", "active workstations", "n")),
    ),
    _spec(
        Measure.DUTY_REPORT_MEETINGS,
        _activities(K.DUTY_REPORT, month=DUTY_REPORT_MONTH),
        missing=count_words(
            npgettext_lazy("unit", "duty-report meeting in December", "duty-report meetings in December", "n")
        ),
        reminders=(
            ReminderRule(
                "duty_report_meeting",
                gettext_lazy("No duty-report meeting yet"),
                "提醒：尚无界别述职会（12月1日起）",
                is_due=in_month(12),
                period=each_year,
                url_name="activity_create",
            ),
        ),
    ),
    _spec(Measure.DUTY_REPORTERS, _share(_reported), missing=share_words(_report_words), unit="%"),
    _spec(
        Measure.HIGHLIGHTS,
        _highlights,
        missing=count_words(
            npgettext_lazy("unit", "highlight recognised by staff", "highlights recognised by staff", "n")
        ),
    ),
)

# In the order the scorecards list the rules.
MEASURES: dict[str, MeasureSpec] = {spec.key: spec for spec in _SPECS}


def spec_of(measure: str) -> MeasureSpec:
    return MEASURES[measure]


def reminder_rules() -> dict[str, ReminderRule]:
    """Every measure's reminders by code, each marked with its measure (read when asked:
    a test may add a measure to the table)."""
    return {r.code: replace(r, measure=spec.key) for spec in MEASURES.values() for r in spec.reminders}
