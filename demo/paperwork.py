"""Public-opinion reports, proposals and the groups' plans and summaries."""

from __future__ import annotations

import datetime
import random

from activities.models import AdoptingBody, GroupDocument, OpinionReport, Proposal
from sectors.models import GroupMembership

from . import words
from .context import DemoContext, random_day
from .profiles import group_profiles

ZHIGONG_REPORTS_PER_YEAR = 21  # the article's figure for 致公驿站
_REPORT_STATUSES = [OpinionReport.Status.SUBMITTED] * 12 + [OpinionReport.Status.ADOPTED_CITY] * 5
_REPORT_STATUSES += [OpinionReport.Status.ADOPTED_PROVINCE] * 2 + [OpinionReport.Status.ADOPTED_NATIONAL]


def _members_of(ctx: DemoContext, group_id: int, day: datetime.date) -> list[int]:
    return ctx.members_on([group_id], day)


def _report(ctx: DemoContext, rng: random.Random, group_id: int, year: int, station=None) -> tuple | None:
    day = ctx.past_day(rng, year)
    members = _members_of(ctx, group_id, day) if day else []
    if not members:
        return None
    report = OpinionReport(
        committee=ctx.committee,
        group_id=group_id,
        workstation=station,
        title=rng.choice(words.OPINION_TOPICS),
        content="经走访界别群众、汇总意见后形成。",
        submitted_on=day,
        status=rng.choice(_REPORT_STATUSES),
    )
    return report, rng.sample(members, min(len(members), rng.choice((1, 1, 2, 3))))


def _year_reports(ctx: DemoContext, year: int) -> list[tuple]:
    rng, profiles, found = ctx.rng(f"opinions-{year}"), group_profiles(ctx, year), []
    zhigong = ctx.by_short["致公党"]
    station = next(s for s in ctx.workstations[zhigong.pk] if s.name == "致公驿站")
    found += [_report(ctx, rng, zhigong.pk, year, station) for _i in range(ZHIGONG_REPORTS_PER_YEAR)]
    for group in ctx.groups:
        if group.pk == zhigong.pk:
            continue
        for _i in range(profiles[group.pk].opinion_reports):
            own = ctx.workstations.get(group.pk, [None])[0] if rng.random() < 0.3 else None
            found.append(_report(ctx, rng, group.pk, year, own))
    return [item for item in found if item]


def _decided_on(ctx: DemoContext, rng: random.Random, submitted: datetime.date) -> datetime.date:
    """A decision some weeks after the submission, never after the demo's today."""
    return min(submitted + datetime.timedelta(days=rng.randint(7, 60)), ctx.today)


def opinion_reports_create(ctx: DemoContext) -> int:
    items = [item for year in ctx.years for item in _year_reports(ctx, year)]
    words.distinct_titles(report for report, _who in items)
    rng = ctx.rng("adoptions")  # its own stream: the reports' other draws stay as they were
    for report, _who in items:
        if report.status != OpinionReport.Status.SUBMITTED:
            report.adopted_on = _decided_on(ctx, rng, report.submitted_on)
            report.adopted_by = rng.choice([AdoptingBody.PARTY_COMMITTEE, AdoptingBody.GOVERNMENT, AdoptingBody.CPPCC])
    reports = OpinionReport.objects.bulk_create([report for report, _who in items], batch_size=500)
    through = OpinionReport.submitters.through
    through.objects.bulk_create(
        [through(opinionreport_id=r.pk, member_id=m) for r, (_x, who) in zip(reports, items, strict=True) for m in who]
    )
    return len(reports)


def _proposal_status(rng: random.Random, year: int, ctx: DemoContext) -> str:
    if year < ctx.today.year:
        return Proposal.Status.HANDLED if rng.random() < 0.8 else Proposal.Status.FILED
    return rng.choice(
        [Proposal.Status.SUBMITTED, Proposal.Status.FILED, Proposal.Status.FILED, Proposal.Status.HANDLED]
    )


def _proposal(ctx: DemoContext, rng: random.Random, group_id: int, year: int) -> tuple | None:
    # Most proposals are tabled at the plenary session early in the year.
    day = ctx.past_day(rng, year, (1, 2) if rng.random() < 0.8 else (1, 12))
    members = _members_of(ctx, group_id, day) if day else []
    if not members:
        return None
    by_group = rng.random() < 0.15
    leaders = [m for m in ctx.role_holders(group_id, GroupMembership.Role.LEADER) if m in members]
    who = leaders if by_group and leaders else rng.sample(members, min(len(members), rng.choice((1, 1, 2, 3))))
    status = _proposal_status(rng, year, ctx)
    proposal = Proposal(
        committee=ctx.committee,
        group_id=group_id,
        title=rng.choice(words.PROPOSAL_TOPICS),
        submitted_on=day,
        is_group_proposal=by_group and bool(leaders),
        status=status,
        is_key=rng.random() < 0.1,
    )
    return proposal, who


def proposals_create(ctx: DemoContext) -> int:
    items = []
    for year in ctx.years:
        rng, profiles = ctx.rng(f"proposals-{year}"), group_profiles(ctx, year)
        for group in ctx.groups:
            items += [_proposal(ctx, rng, group.pk, year) for _i in range(profiles[group.pk].proposals)]
    items = sorted((item for item in items if item), key=lambda item: (item[0].submitted_on, item[0].group_id))
    rng = ctx.rng("key-proposals")
    for proposal, _who in items:
        if proposal.is_key:  # chosen by the CPPCC committee after the session
            proposal.key_on, proposal.key_by = _decided_on(ctx, rng, proposal.submitted_on), AdoptingBody.CPPCC
    numbers: dict[int, int] = {}
    for proposal, _who in items:
        if proposal.status != Proposal.Status.SUBMITTED:  # filed proposals get a number
            year = proposal.submitted_on.year
            numbers[year] = numbers.get(year, 0) + 1
            proposal.number = f"{year}{numbers[year]:04d}"
    proposals = Proposal.objects.bulk_create([proposal for proposal, _who in items], batch_size=500)
    through = Proposal.proposers.through
    through.objects.bulk_create(
        [through(proposal_id=p.pk, member_id=m) for p, (_x, who) in zip(proposals, items, strict=True) for m in who]
    )
    return len(proposals)


def _document(ctx: DemoContext, group, year: int, kind: str, day: datetime.date) -> GroupDocument:
    label = "工作计划" if kind == GroupDocument.Kind.PLAN else "工作总结"
    return GroupDocument(
        group=group,
        year=year,
        kind=kind,
        title=f"{ctx.committee.short_name}{group.short_name}界别活动组{year}年{label}",
        dated=day,
        uploaded_by=ctx.staff_user,
    )


def documents_create(ctx: DemoContext) -> int:
    """Plans early in the year (some late or missing), summaries in December."""
    documents = []
    for year in ctx.years:
        rng, profiles = ctx.rng(f"documents-{year}"), group_profiles(ctx, year)
        for group in ctx.groups:
            profile = profiles[group.pk]
            months = (4, 5) if profile.plan_late else (1, 3)
            plan_day = random_day(rng, datetime.date(year, months[0], 5), datetime.date(year, months[1], 28))
            if profile.plan_filed and plan_day <= ctx.today:
                documents.append(_document(ctx, group, year, GroupDocument.Kind.PLAN, plan_day))
            summary_day = datetime.date(year, 12, rng.randint(15, 30))
            if profile.summary_filed and summary_day <= ctx.today:
                documents.append(_document(ctx, group, year, GroupDocument.Kind.SUMMARY, summary_day))
    return len(GroupDocument.objects.bulk_create(documents, batch_size=500))
