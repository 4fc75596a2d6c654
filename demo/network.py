"""The e-network (界别e联网): constituents and members' contacts with them."""

from __future__ import annotations

import datetime
import random

from activities.models import ConstituentContact
from sectors.models import Constituent

from . import words
from .context import DemoContext, aware_noon
from .people import mobile_number
from .profiles import group_profiles

_WAYS = (
    [ConstituentContact.Way.IN_PERSON] * 3 + [ConstituentContact.Way.PHONE] * 2 + [ConstituentContact.Way.WECHAT] * 3
)
_NOTES = ("了解就业和收入情况", "听取对社区治理的意见", "反映子女入学问题", "交流行业发展困难", "征求对提案的意见", "")
_FAVOURED_WAY = {"总工会": ConstituentContact.Way.MAILBOX, "共青团(青联)": ConstituentContact.Way.WORKSTATION}


def _pool_sizes(ctx: DemoContext, rng: random.Random) -> dict[int, int]:
    """How many constituents each member keeps in touch with: mostly 3 to 5."""
    profiles = group_profiles(ctx, ctx.years[0])
    sizes = {}
    for span in ctx.spans:
        if span.member_id in sizes:
            continue
        low = rng.random() < profiles[span.group_id].low_contacts
        sizes[span.member_id] = rng.choice((1, 2)) if low else rng.choice((3, 3, 4, 4, 5))
    return sizes


def _constituent(ctx: DemoContext, rng: random.Random) -> Constituent:
    gender = rng.choice("MF")
    chars = words.MALE_CHARS if gender == "M" else words.FEMALE_CHARS
    return Constituent(
        committee=ctx.committee,
        name=rng.choice(words.SURNAMES) + rng.choice(chars) + rng.choice(chars),
        description=rng.choice(words.CONSTITUENT_KINDS),
        mobile=mobile_number(rng) if rng.random() < 0.4 else "",
        created_at=aware_noon(datetime.date(ctx.years[0], 1, 1)),
    )


def _member_contacts(ctx, rng, member_id: int, pool: list[Constituent], seen: set) -> list[ConstituentContact]:
    contacts = []
    for year in ctx.years:
        for constituent in pool:
            for _i in range(rng.choice((1, 1, 2))):
                day = ctx.past_day(rng, year)
                group_id = ctx.group_of(member_id, day) if day else None
                if group_id is None:
                    continue
                way = _FAVOURED_WAY.get(ctx.short_of[group_id]) if rng.random() < 0.5 else None
                way = way or rng.choice(_WAYS)
                key = (member_id, constituent.pk, day, way)
                if key in seen:
                    continue
                seen.add(key)
                contacts.append(
                    ConstituentContact(group_id=group_id, member_id=member_id, constituent=constituent, way=way,
                                       contacted_on=day, note=rng.choice(_NOTES))
                )  # fmt: skip
    return contacts


def contacts_create(ctx: DemoContext) -> dict[str, int]:
    rng = ctx.rng("network")
    sizes = _pool_sizes(ctx, rng)
    constituents = Constituent.objects.bulk_create(
        [_constituent(ctx, rng) for member_id in sorted(sizes) for _i in range(sizes[member_id])], batch_size=500
    )
    pools, start = {}, 0
    for member_id in sorted(sizes):
        pools[member_id], start = constituents[start : start + sizes[member_id]], start + sizes[member_id]
    seen: set = set()
    contacts = [
        row for member_id in sorted(pools) for row in _member_contacts(ctx, rng, member_id, pools[member_id], seen)
    ]
    ConstituentContact.objects.bulk_create(contacts, batch_size=1000)
    return {"constituents": len(constituents), "contacts": len(contacts)}
