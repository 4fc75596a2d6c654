"""What earns or costs points: one code per rule row, grouped in categories.

A point rule row (reports.points.models.PointRule) names one of these items and
its points; caps are per category. Nothing here counts sign-ins, time online or
reading (国办函〔2026〕12号): every item is a record of work someone entered.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from activities.carriers import ActivityKind


class Category(models.TextChoices):
    ATTENDANCE = "attendance", _("Activities attended")
    PROPOSALS = "proposals", _("Proposals")
    OPINION = "opinion", _("Public-opinion reports")
    DUTY = "duty", _("Duty report")
    CONTACTS = "contacts", _("Constituent contacts")
    ADJUSTMENTS = "adjustments", _("Review adjustments")


ATTEND_PREFIX = "attend_"


def attend_item(kind: str) -> str:
    return f"{ATTEND_PREFIX}{kind}"


class Item(models.TextChoices):
    # One per activity kind attended (present).
    ATTEND_STUDY = attend_item(ActivityKind.STUDY), _("Attended a study session")
    ATTEND_TRAINING = attend_item(ActivityKind.TRAINING), _("Attended a training")
    ATTEND_RESEARCH = attend_item(ActivityKind.RESEARCH), _("Took part in a research trip")
    ATTEND_INSPECTION = attend_item(ActivityKind.INSPECTION), _("Took part in an inspection")
    ATTEND_CONSULTATION = attend_item(ActivityKind.CONSULTATION), _("Attended a consultation meeting")
    ATTEND_SUPERVISION = attend_item(ActivityKind.SUPERVISION), _("Took part in democratic supervision")
    ATTEND_SERVICE = attend_item(ActivityKind.SERVICE), _("Took part in a service activity")
    ATTEND_FELLOWSHIP = attend_item(ActivityKind.FELLOWSHIP), _("Took part in fellowship and exchange")
    ATTEND_CONSTITUENT_CONTACT = (
        attend_item(ActivityKind.CONSTITUENT_CONTACT),
        _("Attended a meeting with constituents"),
    )
    ATTEND_DUTY_REPORT = attend_item(ActivityKind.DUTY_REPORT), _("Attended a duty-report meeting")
    ATTEND_OTHER = attend_item(ActivityKind.OTHER), _("Attended another activity")
    LEAVE = "leave", _("Absent with approved leave")
    ABSENCE = "absence", _("Absent without leave")
    PROPOSAL_FIRST = "proposal_first", _("Proposal as first proposer")
    PROPOSAL_CO = "proposal_co", _("Proposal as co-proposer")
    PROPOSAL_GROUP = "proposal_group", _("Collective proposal (per member counted)")
    PROPOSAL_ACCEPTED = "proposal_accepted", _("Proposal accepted (立案)")
    PROPOSAL_KEY = "proposal_key", _("Key proposal")
    PROPOSAL_EXCELLENT = "proposal_excellent", _("Excellent proposal")
    OPINION_SUBMITTED = "opinion_submitted", _("Public-opinion report submitted")
    ADOPTED_COMMITTEE = "adopted_committee", _("Report adopted by the committee")
    ADOPTED_CITY = "adopted_city", _("Report adopted at city level")
    ADOPTED_PROVINCE = "adopted_province", _("Report adopted at provincial level")
    ADOPTED_NATIONAL = "adopted_national", _("Report adopted at national level")
    INSTRUCTION_CITY = "instruction_city", _("Written instruction by a city leader")
    INSTRUCTION_PROVINCE = "instruction_province", _("Written instruction by a provincial leader")
    INSTRUCTION_NATIONAL = "instruction_national", _("Written instruction by a national leader")
    DUTY_REPORT = "duty_report", _("Duty report given")
    CONTACT = "contact", _("Constituent contacted (each distinct person)")
    ADJUSTMENT = "adjustment", _("Adjustment after review")


def category_of(item: str) -> str:
    if item.startswith(ATTEND_PREFIX) or item in (Item.LEAVE, Item.ABSENCE):
        return Category.ATTENDANCE
    if item.startswith("proposal_"):
        return Category.PROPOSALS
    if item.startswith(("opinion_", "adopted_", "instruction_")):
        return Category.OPINION
    if item == Item.DUTY_REPORT:
        return Category.DUTY
    if item == Item.CONTACT:
        return Category.CONTACTS
    return Category.ADJUSTMENTS


# The adoption and instruction ladders, lowest first (the level names p22a's
# OpinionAdoption and Instruction use).
ADOPTION_LEVELS = ("committee", "city", "province", "national")
INSTRUCTION_LEVELS = ("city", "province", "national")


def adoption_item(level: str) -> str:
    return f"adopted_{level}"


def instruction_item(level: str) -> str:
    return f"instruction_{level}"
