"""The members' duty points (履职积分) in the demo: the 闵行 table for both demo
years, so that every member's page, the lists and the files show figures, and
two appeals (复核) by the demo member this year, one resolved and one open;
written through reports.points.services."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from reports.points.engine import PointItem, year_points
from reports.points.facts import year_facts, year_rule_set
from reports.points.items import ATTEND_PREFIX, Item
from reports.points.models import PointAppeal, PointYear
from reports.points.services import appeal_raise, appeal_resolve, is_frozen, preset_apply
from sectors.models import User

from .context import DemoContext, aware_noon
from .meetings import DEMO_MEMBER

PRESET = "minhang"
LEAVE_REASON = "当天已向界别联络员请假并获同意，请核实。"
SPEECH_REASON = "本人在该次活动中作了重点发言，请求加分。"
ORGANISER_REASON = "本次活动由本人牵头组织筹备，请核实能否按组织者加分。"


def _items(ctx: DemoContext, member_id: int, year: int) -> list[PointItem]:
    rules = year_rule_set(committee_id=ctx.committee.pk, year=year)
    found = year_points(year_facts(committee_id=ctx.committee.pk, year=year, member_ids=[member_id]), rules)
    return sorted(found[0].items, key=lambda item: (item.date, item.key)) if found else []


def _on_demo_days(ctx: DemoContext, appeal: PointAppeal, raised: int, resolved: int | None = None) -> None:
    """A demo seeded "as of" an earlier day: its appeals were raised (and resolved) by then."""
    if timezone.localdate() <= ctx.today:
        return
    when = {"raised_at": aware_noon(ctx.today - datetime.timedelta(days=raised))}
    if resolved is not None:
        when["resolved_at"] = aware_noon(ctx.today - datetime.timedelta(days=resolved))
    PointAppeal.objects.filter(pk=appeal.pk).update(**when)


def _appeals(ctx: DemoContext) -> int:
    """The demo member's: an unexcused absence shown to have been leave (accepted, the deduction
    taken back), or else a request for more points (rejected); then an attendance still under review."""
    year = ctx.today.year
    user = User.objects.filter(username=DEMO_MEMBER).select_related("member").first()
    if user is None or user.member is None or is_frozen(committee_id=ctx.committee.pk, year=year):
        return 0
    member, items = user.member, _items(ctx, user.member.pk, year)
    attended = [item for item in items if item.item.startswith(ATTEND_PREFIX) and item.points > 0]
    absence = next((item for item in items if item.item == Item.ABSENCE), None)
    if absence is not None:
        resolved = appeal_raise(user=user, member=member, year=year, item=absence, reason=LEAVE_REASON)
        appeal_resolve(
            user=ctx.staff_user,
            appeal_id=resolved.pk,
            accept=True,
            adjustment=Decimal(str(-absence.points)),
            comment="经核实，该委员已按规定请假，撤销缺席扣分。",
        )
    elif attended:
        resolved = appeal_raise(user=user, member=member, year=year, item=attended.pop(0), reason=SPEECH_REASON)
        appeal_resolve(
            user=ctx.staff_user,
            appeal_id=resolved.pk,
            accept=False,
            adjustment=None,
            comment="按本年度积分办法，发言不另行计分，维持原积分。",
        )
    else:
        return 0
    _on_demo_days(ctx, resolved, raised=20, resolved=14)
    if not attended:
        return 1
    waiting = appeal_raise(user=user, member=member, year=year, item=attended[-1], reason=ORGANISER_REASON)
    _on_demo_days(ctx, waiting, raised=3)
    return 2


def points_create(ctx: DemoContext) -> dict[str, int]:
    applied = 0
    for year in ctx.years:
        exists = PointYear.objects.filter(committee=ctx.committee, year=year).exists()
        if not exists and not is_frozen(committee_id=ctx.committee.pk, year=year):
            preset_apply(committee=ctx.committee, year=year, preset=PRESET)
            applied += 1
    return {"point_years": applied, "point_appeals": _appeals(ctx)}
