"""Fictional demo data on top of the real committee structure.

`demo_seed` is deterministic (seeded random generators, one per record type)
and idempotent: the demo members' numbers start with "D", and when they exist
the records are left as they are; only the demo users are reset.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import transaction

from portal import clock, roles
from reports.setup import assessment_year_ensure, portal_setup
from sectors.models import Committee, Member

from .accounts import DEMO_PASSWORD, DemoAccount, demo_accounts, demo_users_ensure
from .activities import activities_create
from .context import MEMBER_PREFIX, DemoContext
from .meetings import meetings_create
from .member_side import member_side_create
from .network import contacts_create
from .outcomes import outcomes_create
from .paperwork import documents_create, opinion_reports_create, proposals_create
from .people import members_create, workstations_create
from .points import points_create

__all__ = ["DEMO_PASSWORD", "DemoAccount", "DemoRefused", "DemoResult", "demo_accounts", "demo_seed"]


class DemoRefused(Exception):
    """The committee holds real members: demo data would mix with them."""


@dataclass
class DemoResult:
    committee: Committee
    created: bool  # False when the demo data was already there
    counts: dict[str, int] = field(default_factory=dict)


def _records_create(ctx: DemoContext) -> dict[str, int]:
    counts = {"members": len(members_create(ctx))}
    users = demo_users_ensure(committee=ctx.committee)
    ctx.staff_user, ctx.leader_user = users[roles.STAFF], users[roles.LEADER]
    counts["workstations"] = len(workstations_create(ctx))
    counts |= activities_create(ctx)
    counts["opinion_reports"] = opinion_reports_create(ctx)
    counts["proposals"] = proposals_create(ctx)
    counts |= outcomes_create(ctx)
    counts["documents"] = documents_create(ctx)
    counts |= contacts_create(ctx)
    member_side_create(committee=ctx.committee, staff_user=ctx.staff_user, member_user=users[roles.MEMBER])
    counts |= meetings_create(ctx)
    counts |= points_create(ctx)
    return counts


def demo_seed(*, today: datetime.date | None = None) -> DemoResult:
    """The committee (see reports.setup.portal_setup), then demo members and two years of records."""
    today = today or clock.today()
    with transaction.atomic():
        committee = portal_setup(year=today.year)
        assessment_year_ensure(committee=committee, year=today.year - 1)
        members = Member.objects.filter(committee=committee)
        if members.exclude(member_number__startswith=MEMBER_PREFIX).exists():
            raise DemoRefused
        if members.exists():
            demo_users_ensure(committee=committee)
            return DemoResult(committee=committee, created=False)
        ctx = DemoContext(committee=committee, today=today, groups=list(committee.sector_groups.order_by("sort_order")))
        counts = _records_create(ctx)
        return DemoResult(committee=committee, created=True, counts=counts)
