"""What became of the demo's proposals, opinion reports and consultation
meetings (issue 22), written through activities.services.outcomes so that the
records' rules and history apply.

Proposals follow their flow from the status demo.paperwork gave them: a closed
one (办结) was accepted, assigned, answered and rated (satisfaction and an A–D
grade); an accepted one of last year is answered and awaits its rating; this
year's accepted ones are assigned and answered as far as today allows, the
latest still awaiting assignment and two past their answer deadline (the
overdue warning); this year's submitted ones are declined or merged into a
proposal of the same title, the latest still awaiting a decision. Key
proposals get a supervising leader, two of last year's closed ones are named
excellent, and two proposals carry a mayor's instruction.

Every adopted report gets its adoption ladder (采用), its highest rung being
the status, day and body the report already had, so the figures stay as they
were; a few reports carry leaders' instructions (批示). Most consultation
meetings get their outcomes (协商成果), most of them answered.

Each generator draws from its own stream and the same number of draws per
record whatever the day, so the records of past months stay the same on any
seeding day; a step that would fall after today is left undone.
"""

from __future__ import annotations

import datetime
import itertools
import random
from dataclasses import dataclass

from django.db.models import Q

from activities.carriers import ActivityKind
from activities.models import (
    Activity,
    AdoptingBody,
    AdoptionLevel,
    ConsultationOutcome,
    Instruction,
    InstructionLevel,
    OpinionAdoption,
    OpinionReport,
    Proposal,
    ProposalHandling,
    default_answer_due,
)
from activities.services import outcomes as service

from . import words
from .context import DemoContext, aware_noon, random_day

S = Proposal.Status
SATISFACTION = [Proposal.Satisfaction.SATISFIED] * 12 + [Proposal.Satisfaction.BASICALLY] * 6
SATISFACTION += [Proposal.Satisfaction.DISSATISFIED] * 2
GRADES = [Proposal.Implementation.SOLVED] * 9 + [Proposal.Implementation.IN_PROGRESS] * 6
GRADES += [Proposal.Implementation.PLANNED] * 3 + [Proposal.Implementation.NOT_POSSIBLE] * 2
OVERDUE = 2  # this year's accepted proposals left past their answer deadline
EXCELLENT = 2  # last year's closed proposals named excellent
MAYORS = ("市长", "常务副市长")  # the leaders' instructions on a key proposal of each year
# The article's two meetings (demo.activities): their suggestions are always recorded and answered.
ARTICLE_MEETINGS = ("健全公共卫生安全体系建设专题议政性协商会", "文化元素精致植入生态园建设界别协商会")

# What becomes of a proposal (see the module's docstring).
CLOSED, ANSWERED, RATED, FLOW, FILED, OVERDUE_NOW = "closed", "answered", "rated", "flow", "filed", "overdue"
DECLINED, MERGED, SUBMITTED = "declined", "merged", "submitted"


@dataclass
class _Draws:
    """One proposal's draws, all taken whatever becomes of it."""

    gaps: tuple[int, int, int, int]  # days to the decision, then the assignment, the answer, the grade
    satisfaction: str
    grade: str
    lead: str
    co_units: tuple[str, ...]
    opening: str
    roll: float
    note: str
    supervisor: str


def _stamp(ctx: DemoContext, record, day: datetime.date) -> None:
    """The record's next history row: by the demo's staff user, on the step's day."""
    record._history_user, record._history_date = ctx.staff_user, aware_noon(day)


def _units(title: str) -> tuple[str, tuple[str, ...]]:
    return words.PROPOSAL_UNITS.get(title, ("市政府办公室", ("市发展改革委", "市财政局")))


def _draws(rng: random.Random, proposal: Proposal) -> _Draws:
    lead, others = _units(proposal.title)
    gaps = (rng.randint(10, 30), rng.randint(5, 20), rng.randint(45, 100), rng.randint(30, 180))
    satisfaction, grade = rng.choice(SATISFACTION), rng.choice(GRADES)
    if satisfaction == Proposal.Satisfaction.DISSATISFIED and grade in ("A", "B"):
        grade = Proposal.Implementation.PLANNED  # a dissatisfied proposer's problem is not solved
    co_units = tuple(rng.sample(others, min(len(others), rng.choice((0, 1, 1, 2)))))
    return _Draws(
        gaps,
        satisfaction,
        grade,
        lead,
        co_units,
        rng.choice(words.ANSWER_OPENINGS),
        rng.random(),
        rng.choice(words.DECLINE_NOTES),
        rng.choice(words.SUPERVISORS),
    )


def _days(start: datetime.date, gaps, today: datetime.date, fit: bool) -> list[datetime.date]:
    """The steps' days from `start`; with `fit`, squeezed so that the last is no later than today."""
    offsets = list(itertools.accumulate(gaps))
    room = max((today - start).days, 0)
    if fit and offsets[-1] > room:
        offsets = [offset * room // offsets[-1] for offset in offsets]
    return [start + datetime.timedelta(days=offset) for offset in offsets]


def _merge_target(proposal: Proposal, accepted: list[Proposal]) -> Proposal | None:
    """An accepted proposal of the same title and year, the earlier the better."""
    same = [p for p in accepted if p.title == proposal.title and p.submitted_on.year == proposal.submitted_on.year]
    earlier = [p for p in same if p.submitted_on <= proposal.submitted_on]
    return (earlier or same or [None])[0]


def _targets(ctx: DemoContext, proposals: list[Proposal], draws: dict[int, _Draws]) -> dict[int, str]:
    today, targets = ctx.today, {}
    for p in proposals:
        d = draws[p.pk]
        if p.status == S.HANDLED:
            targets[p.pk] = CLOSED
        elif p.status == S.FILED:
            targets[p.pk] = FLOW if p.submitted_on.year == today.year else (RATED if d.roll < 0.5 else ANSWERED)
        elif p.is_key or p.submitted_on + datetime.timedelta(days=d.gaps[0]) > today:
            targets[p.pk] = SUBMITTED
        else:
            targets[p.pk] = DECLINED if d.roll < 0.55 else MERGED
    flowing = [p for p in proposals if targets[p.pk] == FLOW]
    if flowing:
        targets[flowing[-1].pk] = FILED  # the latest accepted one awaits its assignment
    late = []
    for p in flowing[:-1]:
        assigned = _days(p.submitted_on, draws[p.pk].gaps[:2], today, fit=False)[1]
        if assigned <= today and default_answer_due(assigned) < today:
            late.append((default_answer_due(assigned), p.pk))
    for _due, pk in sorted(late)[-OVERDUE:]:
        targets[pk] = OVERDUE_NOW
    submitted = [p for p in proposals if p.status == S.SUBMITTED]
    if submitted:
        targets[submitted[-1].pk] = SUBMITTED  # the latest awaits its decision
    return targets


def _decline_or_merge(ctx: DemoContext, p: Proposal, d: _Draws, target: str, accepted: list[Proposal]) -> None:
    day = p.submitted_on + datetime.timedelta(days=d.gaps[0])
    into = _merge_target(p, accepted) if target == MERGED else None
    _stamp(ctx, p, day)
    if into is None:
        service.proposal_decide(user=ctx.staff_user, proposal=p, decision="decline", decided_on=day, note=d.note)
    else:
        service.proposal_decide(
            user=ctx.staff_user, proposal=p, decision="merge", decided_on=day, note=words.MERGE_NOTE, merged_into=into
        )


def _answer_text(d: _Draws) -> str:
    return d.opening + words.ANSWER_TEXTS[d.grade].format(unit=d.lead)


def _follow(ctx: DemoContext, p: Proposal, d: _Draws, target: str) -> datetime.date | None:
    """An accepted proposal through its flow as far as its target and today go; its assignment day."""
    today, user = ctx.today, ctx.staff_user
    closing = target == CLOSED
    gaps = d.gaps if closing else d.gaps[:3]
    days = _days(p.submitted_on, gaps, today, fit=target in (CLOSED, ANSWERED, RATED))
    decided, assigned, answered = min(days[0], today), days[1], days[2]
    if p.is_key and p.key_on:
        decided = min(decided, p.key_on)  # made key after its acceptance
    p.status = S.SUBMITTED  # the flow starts from the submission, whatever status the record was given
    _stamp(ctx, p, decided)
    service.proposal_decide(user=user, proposal=p, decision="accept", decided_on=decided)
    if p.is_key:
        _stamp(ctx, p, p.key_on)
        service.proposal_marks(
            user=user, proposal=p, is_key=True, key_on=p.key_on, key_by=p.key_by, supervising_leader=d.supervisor,
            is_excellent=False, excellent_year=None,
        )  # fmt: skip
    if target == FILED or assigned > today:
        return None
    _stamp(ctx, p, assigned)
    service.proposal_assign(user=user, proposal=p, lead_units=[d.lead], co_units=d.co_units, assigned_on=assigned)
    if target == OVERDUE_NOW:
        return assigned
    if answered > today:
        if p.answer_due >= today:
            return assigned  # not yet due
        answered = today  # answered late, but not left overdue: only OVERDUE proposals are
    _stamp(ctx, p, answered)
    service.proposal_answer(user=user, proposal=p, answered_on=answered, text=_answer_text(d))
    if closing:
        _stamp(ctx, p, days[3])
        service.proposal_feedback(
            user=user, proposal=p, satisfaction=d.satisfaction, implementation=d.grade, implemented_on=days[3]
        )
    elif target == RATED or (target == FLOW and d.roll < 0.4):
        _stamp(ctx, p, answered)  # the proposer has rated the answer; the implementation is not graded yet
        service.proposal_feedback(
            user=user, proposal=p, satisfaction=d.satisfaction, implementation="", implemented_on=None
        )
    return assigned


def _excellent(ctx: DemoContext, proposals: list[Proposal], draws: dict[int, _Draws]) -> set[int]:
    """Two of last year's closed proposals, solved to their proposers' satisfaction."""
    closed = [p.pk for p in proposals if p.status == S.HANDLED and p.submitted_on.year == ctx.years[0]]
    chosen = set(ctx.rng("excellent-proposals").sample(closed, min(EXCELLENT, len(closed))))
    for pk in chosen:
        draws[pk].satisfaction, draws[pk].grade = Proposal.Satisfaction.SATISFIED, Proposal.Implementation.SOLVED
    return chosen


def _proposal_instructions(ctx: DemoContext, proposals: list[Proposal], assigned: dict[int, datetime.date]) -> None:
    """A mayor's instruction (批示) on the first assigned key proposal of each year."""
    rng = ctx.rng("proposal-instructions")
    for year, title in zip(ctx.years, MAYORS, strict=True):
        offset = rng.randint(3, 20)
        key = [p for p in proposals if p.is_key and p.submitted_on.year == year and p.pk in assigned]
        if not key:
            continue
        p = key[0]
        service.instruction_add(
            user=ctx.staff_user,
            record=p,
            form_data={
                "level": InstructionLevel.CITY,
                "leader_title": title,
                "dated": min(assigned[p.pk] + datetime.timedelta(days=offset), ctx.today),
                "note": f"请{_units(p.title)[0]}牵头认真办理，切实解决群众关切。",
            },
        )


def _proposals_follow(ctx: DemoContext) -> None:
    proposals = list(
        Proposal.objects.filter(committee=ctx.committee)
        .select_related("group")
        .order_by("submitted_on", "group_id", "id")
    )
    rng = ctx.rng("proposal-outcomes")
    draws = {p.pk: _draws(rng, p) for p in proposals}
    excellent = _excellent(ctx, proposals, draws)
    targets = _targets(ctx, proposals, draws)
    accepted = [p for p in proposals if p.status in (S.FILED, S.HANDLED)]  # before the flow changes them
    assigned = {}
    for p in proposals:
        target = targets[p.pk]
        if target in (DECLINED, MERGED):
            _decline_or_merge(ctx, p, draws[p.pk], target, accepted)
        elif target != SUBMITTED:
            day = _follow(ctx, p, draws[p.pk], target)
            if day is not None:
                assigned[p.pk] = day
        if p.pk in excellent:
            _stamp(ctx, p, p.closed_on or ctx.today)
            service.proposal_marks(
                user=ctx.staff_user, proposal=p, is_key=p.is_key, key_on=p.key_on, key_by=p.key_by,
                supervising_leader=p.supervising_leader, is_excellent=True, excellent_year=p.submitted_on.year,
            )  # fmt: skip
    _proposal_instructions(ctx, proposals, assigned)


# --- opinion reports: adoption ladders and leaders' instructions ---------------


def _ladder(rng: random.Random, report: OpinionReport) -> list[tuple[str, str, datetime.date]]:
    """The rungs (level, kind of body, day), lowest first; the last is the adoption the report has."""
    roll, city_by = rng.random(), rng.choice((AdoptingBody.PARTY_COMMITTEE, AdoptingBody.GOVERNMENT))
    days = sorted(random_day(rng, report.submitted_on, report.adopted_on) for _i in range(2))
    cppcc, by = AdoptingBody.CPPCC, report.adopted_by
    if report.status == OpinionReport.Status.ADOPTED_CITY:
        if by == cppcc:
            return [(AdoptionLevel.COMMITTEE, by, report.adopted_on)]
        lower, top = ([(AdoptionLevel.COMMITTEE, cppcc)] if roll < 0.6 else []), AdoptionLevel.CITY
    elif report.status == OpinionReport.Status.ADOPTED_PROVINCE:
        lower = [(AdoptionLevel.COMMITTEE, cppcc)] + ([(AdoptionLevel.CITY, city_by)] if roll < 0.4 else [])
        top = AdoptionLevel.PROVINCE
    else:
        lower, top = [(AdoptionLevel.COMMITTEE, cppcc), (AdoptionLevel.PROVINCE, cppcc)], AdoptionLevel.NATIONAL
    return [(level, kind, day) for (level, kind), day in zip(lower, days, strict=False)] + [
        (top, by, report.adopted_on)
    ]


def _report_unit(title: str) -> str:
    return next((unit for start, unit in words.OPINION_UNITS.items() if title.startswith(start)), "市政府办公室")


def _report_instruction(ctx: DemoContext, rng: random.Random, report: OpinionReport, first: bool) -> dict | None:
    """A leader's instruction on an adopted report: always on the first report adopted by the
    province (by the city's Party secretary), now and then on others, at about the report's level."""
    roll, level_roll, pick, offset = rng.random(), rng.random(), rng.randrange(60), rng.randint(2, 20)
    note = rng.choice(words.INSTRUCTION_NOTES).format(unit=_report_unit(report.title))
    status = report.status
    if first:
        level, title = InstructionLevel.CITY, "市委书记"
    elif roll < 0.12:
        if status == OpinionReport.Status.ADOPTED_CITY:
            level = InstructionLevel.CITY
        elif status == OpinionReport.Status.ADOPTED_PROVINCE:
            level = InstructionLevel.PROVINCE if level_roll < 0.5 else InstructionLevel.CITY
        else:
            level = InstructionLevel.NATIONAL if level_roll < 0.5 else InstructionLevel.PROVINCE
        leaders = words.INSTRUCTING_LEADERS[level]
        title = leaders[pick % len(leaders)]
    else:
        return None
    dated = min(report.adopted_on + datetime.timedelta(days=offset), ctx.today)
    return {"level": level, "leader_title": title, "dated": dated, "note": note}


def _reports_follow(ctx: DemoContext) -> None:
    reports = OpinionReport.objects.filter(committee=ctx.committee).exclude(status=OpinionReport.Status.SUBMITTED)
    rng, instructed = ctx.rng("adoption-ladders"), False
    for report in reports.select_related("group").order_by("submitted_on", "group_id", "id"):
        rungs = _ladder(rng, report)
        first = not instructed and report.status == OpinionReport.Status.ADOPTED_PROVINCE
        instruction = _report_instruction(ctx, rng, report, first)
        for level, kind, day in rungs:
            _stamp(ctx, report, day)
            service.adoption_add(
                user=ctx.staff_user,
                report=report,
                level=level,
                adopted_by=kind,
                body=words.ADOPTING_BODIES[level].get(kind, ""),
                adopted_on=day,
            )
        if instruction:
            service.instruction_add(user=ctx.staff_user, record=report, form_data=instruction)
        instructed = instructed or first


# --- consultation meetings' outcomes --------------------------------------------


def _consultation_outcomes(ctx: DemoContext) -> None:
    """Most meetings' suggestions, sent on and (most of them) answered; always the article's two."""
    rng = ctx.rng("consultation-outcomes")
    meetings = Activity.objects.filter(
        committee=ctx.committee, kind=ActivityKind.CONSULTATION, status=Activity.Status.HELD, date__lte=ctx.today
    )
    for meeting in meetings.order_by("date", "id"):
        roll, count = rng.random(), rng.choice((1, 2, 2, 3))
        replies = [(rng.random(), rng.randint(20, 90), rng.choice(words.CONSULTATION_RESPONSES)) for _i in range(3)]
        named = meeting.title in ARTICLE_MEETINGS
        if not (named or roll < 0.7):
            continue
        sent_to, suggestions = words.CONSULTATION_OUTCOMES.get(meeting.title, words.DEFAULT_CONSULTATION_OUTCOME)
        for suggestion, (answer_roll, gap, response) in zip(suggestions[:count], replies, strict=False):
            day = meeting.date + datetime.timedelta(days=gap)
            answered = (answer_roll < 0.85 or named) and day <= ctx.today
            outcome = ConsultationOutcome(
                suggestion=f"建议{suggestion}。",
                sent_to=sent_to,
                response=response if answered else "",
                responded_on=day if answered else None,
            )
            _stamp(ctx, outcome, day if answered else min(meeting.date + datetime.timedelta(days=7), ctx.today))
            service.outcome_save(user=ctx.staff_user, activity=meeting, outcome=outcome)


def outcomes_create(ctx: DemoContext) -> dict[str, int]:
    _proposals_follow(ctx)
    _reports_follow(ctx)
    _consultation_outcomes(ctx)
    committee = ctx.committee
    return {
        "proposal_handlings": ProposalHandling.objects.filter(proposal__committee=committee).count(),
        "adoptions": OpinionAdoption.objects.filter(report__committee=committee).count(),
        "instructions": Instruction.objects.filter(
            Q(report__committee=committee) | Q(proposal__committee=committee)
        ).count(),
        "consultation_outcomes": ConsultationOutcome.objects.filter(activity__committee=committee).count(),
    }
