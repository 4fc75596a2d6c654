"""The "168" model's vocabulary in one table.

Each activity type maps to at most one of the six carriers (六项载体) and at
most one of the eight haves (八个有). Scoring, dashboards and forms read this
table; nothing else decides what an activity counts for.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Carrier(models.TextChoices):
    STUDY_DAY = "study_day", _("Sector study day")
    WORKSTATION = "workstation", _("Sector workstation")
    CONSULTATION = "consultation", _("Sector consultation meeting")
    ACTIVITY_MONTH = "activity_month", _("Sector activity month")
    E_NETWORK = "e_network", _("Sector e-network")
    DUTY_REPORT = "duty_report", _("Duty-report meeting")


class Have(models.TextChoices):
    PLAN_SUMMARY = "plan_summary", _("Plan and summary")
    STUDY_TRAINING = "study_training", _("Study and training")
    RESEARCH_INSPECTION = "research_inspection", _("Research and inspection")
    CONSULTATION_SUPERVISION = "consultation_supervision", _("Consultation and supervision")
    PROPOSALS_INFORMATION = "proposals_information", _("Proposals and information")
    ACTIVITIES_SERVICES = "activities_services", _("Activities and services")
    FELLOWSHIP_EXCHANGE = "fellowship_exchange", _("Fellowship and exchange")
    INNOVATION_HIGHLIGHTS = "innovation_highlights", _("Innovation and highlights")


class ActivityKind(models.TextChoices):
    # Named after its carrier in Chinese (「界别学习日（学习会）」): staff pick the
    # carrier's name and need not know that a 学习会 is what the monthly rule counts.
    STUDY = "study", _("Study session")
    TRAINING = "training", _("Training")
    RESEARCH = "research", _("Research trip")
    INSPECTION = "inspection", _("Inspection")
    CONSULTATION = "consultation", _("Consultation meeting")
    SUPERVISION = "supervision", _("Democratic supervision")
    SERVICE = "service", _("Service or public-welfare activity")
    FELLOWSHIP = "fellowship", _("Fellowship and exchange")
    CONSTITUENT_CONTACT = "constituent_contact", _("Meeting with constituents")
    DUTY_REPORT = "duty_report", _("Duty-report meeting")
    OTHER = "other", _("Other")


@dataclass(frozen=True)
class KindRule:
    carrier: Carrier | None
    have: Have | None


# A study session (学习) is the study-day carrier's activity: the monthly rule
# counts months with one. A training (培训) is NOT a study-day session: it counts
# toward the study-and-training have (its training rule) and no carrier.
KIND_RULES: dict[str, KindRule] = {
    ActivityKind.STUDY: KindRule(Carrier.STUDY_DAY, Have.STUDY_TRAINING),
    ActivityKind.TRAINING: KindRule(None, Have.STUDY_TRAINING),
    ActivityKind.RESEARCH: KindRule(None, Have.RESEARCH_INSPECTION),
    ActivityKind.INSPECTION: KindRule(None, Have.RESEARCH_INSPECTION),
    ActivityKind.CONSULTATION: KindRule(Carrier.CONSULTATION, Have.CONSULTATION_SUPERVISION),
    ActivityKind.SUPERVISION: KindRule(None, Have.CONSULTATION_SUPERVISION),
    ActivityKind.SERVICE: KindRule(Carrier.ACTIVITY_MONTH, Have.ACTIVITIES_SERVICES),
    ActivityKind.FELLOWSHIP: KindRule(None, Have.FELLOWSHIP_EXCHANGE),
    ActivityKind.CONSTITUENT_CONTACT: KindRule(Carrier.E_NETWORK, Have.FELLOWSHIP_EXCHANGE),
    ActivityKind.DUTY_REPORT: KindRule(Carrier.DUTY_REPORT, None),
    ActivityKind.OTHER: KindRule(None, None),
}


def kinds_for_carrier(carrier: Carrier) -> list[str]:
    return [kind for kind, rule in KIND_RULES.items() if rule.carrier == carrier]


def kinds_for_have(have: Have) -> list[str]:
    return [kind for kind, rule in KIND_RULES.items() if rule.have == have]


# --- 界别e联网: "1名委员至少联系3名界别群众" -------------------------------------
# The article's number is the default. A year's own number is one of the yearly
# rules (reports.models.Requirement), which live in reports, a layer above this
# app. Record pages here (the contacts list's progress toward the target) ask
# `constituent_target()`; reports registers the lookup that answers it from the
# year's rules when it is loaded (reports.apps.ReportsConfig.ready), so activities
# never imports reports, and the number still has one source.
DEFAULT_CONSTITUENTS_PER_MEMBER = 3

# --- The member's duty follows the member -------------------------------------
# A member's yearly duty (≥N constituents, a duty report) is judged on ALL their
# work of the assessed span, whatever group each record was filed under: a
# member who moves group on 1 July with 2 contacts in each group has 4, on every
# page. A group's shares count the members who belong to it on the span's last
# day (31 December for a year), each judged on that whole-year work. Why: a
# duty belongs to the person, and the dashboard, the scorecards, the duty record
# and the contacts page must give one verdict. The queries are
# activities.selectors.duty.
#
# --- 界别述职会: "held in December" -------------------------------------------
# A duty-report meeting is assessed for the year it is held in, and only a
# meeting held in that year's December (DUTY_REPORT_MONTH) is the year's
# meeting: on the scorecards (the hard rule), on the dashboard ("groups that
# held a duty-report meeting") and for the reporters, who count only when they
# reported at such a meeting (a report filed without a meeting counts nowhere).
# Why: the article's rule is a December meeting; a January meeting about last
# year's duties cannot reopen a closed year, and it is not next year's meeting
# either, so it counts on no page (its reports stay on the members' records).
DUTY_REPORT_MONTH = 12

# --- 界别工作站: "有活跃的界别工作站" ----------------------------------------------
# A station is active for a year when it is open at least N days of that year
# (set-up to closing date, or to 31 December while it stays open). N is the
# year's rule value (reports.models.Requirement.days_open); this is the
# default. Why: a station set up on 30 December is not an active station of the
# year; one open a quarter of the year has had time to receive constituents.
# The dashboard's "stations kept open" (运行) still counts every station open on
# some day of the period, and "set up" (建立) those set up within it.
DEFAULT_STATION_DAYS_OPEN = 90

ConstituentTargetLookup = Callable[..., int]
_constituent_target_lookup: ConstituentTargetLookup | None = None


def constituent_target_lookup_register(lookup: ConstituentTargetLookup) -> None:
    """Called once by reports: `lookup(committee_id=…, year=…)` returns the year's target."""
    global _constituent_target_lookup
    _constituent_target_lookup = lookup


def constituent_target(*, committee_id: int, year: int) -> int:
    """How many distinct constituents each member should keep in touch with in `year`."""
    if _constituent_target_lookup is None:
        return DEFAULT_CONSTITUENTS_PER_MEMBER
    return _constituent_target_lookup(committee_id=committee_id, year=year)
