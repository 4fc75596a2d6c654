"""Reads for the outcome steps, scoped like every record: what a proposal may
be merged into, the instructions a user may see, proposals whose answer is
overdue or due soon, and what a record's page shows of its outcome."""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet

from activities.models import ACCEPTED_STATES, Instruction, OpinionReport, Proposal
from portal import cache as freshness
from portal import roles
from sectors.scope import scope, scope_key

DUE_SOON_DAYS = 14


def merge_choices(user, proposal: Proposal) -> QuerySet[Proposal]:
    """The proposals of the same committee and year a proposal may be merged into."""
    year = proposal.submitted_on.year
    candidates = Proposal.objects.filter(
        committee_id=proposal.committee_id, submitted_on__year__in=(year - 1, year, year + 1)
    ).exclude(pk=proposal.pk)
    return scope(user, candidates.exclude(status=Proposal.Status.MERGED)).order_by("-submitted_on", "title")


def instructions_visible(user) -> QuerySet[Instruction]:
    """Instructions on the reports and proposals of the groups the user may see."""
    instructions = Instruction.objects.select_related("report", "proposal")
    role = roles.role_of(user)
    if role is None or role == roles.MEMBER:
        return instructions.none()
    if role == roles.LEADER:
        group = user.sector_group_id
        return instructions.filter(Q(report__group_id=group) | Q(proposal__group_id=group))
    return instructions


def awaiting_answer(queryset: QuerySet[Proposal]) -> QuerySet[Proposal]:
    """Accepted proposals given a deadline and not yet answered."""
    return queryset.filter(status__in=ACCEPTED_STATES, answer_due__isnull=False, answered_on__isnull=True)


def overdue_proposals(user, today: datetime.date) -> QuerySet[Proposal]:
    """Proposals in the user's scope whose answer is past its deadline, oldest deadline first."""
    late = awaiting_answer(scope(user, Proposal.objects.select_related("group")))
    return late.filter(answer_due__lt=today).order_by("answer_due", "id")


def due_soon_proposals(user, today: datetime.date) -> QuerySet[Proposal]:
    """Proposals whose answer falls due within DUE_SOON_DAYS."""
    soon = today + datetime.timedelta(days=DUE_SOON_DAYS)
    waiting = awaiting_answer(scope(user, Proposal.objects.select_related("group")))
    return waiting.filter(answer_due__gte=today, answer_due__lte=soon).order_by("answer_due", "id")


def answers_awaited(user, today: datetime.date, shown: int = 10) -> dict:
    """What the proposal list shows above its rows: how many answers are overdue, the
    first `shown` of them and of those due soon; cached until the proposals change
    (and by day, since a deadline passes without any write)."""

    def compute() -> dict:
        overdue = overdue_proposals(user, today)
        return {
            "overdue_count": overdue.count(),
            "overdue": list(overdue[:shown]),
            "due_soon": list(due_soon_proposals(user, today)[:shown]),
        }

    return freshness.cached("answers-awaited", (scope_key(user), today, shown), compute)


def proposal_outcome(proposal: Proposal) -> dict:
    """What a proposal's page shows of its handling."""
    return {
        "handlings": list(proposal.handlings.all()),
        "instructions": list(proposal.instructions.all()),
        "merged_proposals": list(proposal.merged_proposals.all()),
    }


def report_outcome(report: OpinionReport) -> dict:
    """What a report's page shows: its adoption ladder, highest last, and its instructions."""
    return {
        "adoptions": list(report.adoptions.order_by("adopted_on", "id")),
        "instructions": list(report.instructions.all()),
    }
