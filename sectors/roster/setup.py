"""Create (or bring up to date) the committee this portal serves.

Idempotent: each row is looked up by its natural key and only written when it
is missing or differs, so a second run writes nothing and adds no history.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import models, transaction

from sectors.audit import events as audit
from sectors.models import Committee, SectorGroup, Term
from sectors.roster import committee_data as data


@dataclass
class SetupCounts:
    """What one run of committee_setup created or changed."""

    created: int = 0
    updated: int = 0


def _upsert(model: type[models.Model], counts: SetupCounts, lookup: dict, values: dict) -> models.Model:
    """get_or_create, then save only the fields whose value differs."""
    obj, created = model.objects.get_or_create(**lookup, defaults=values)
    if created:
        counts.created += 1
        return obj
    changed = [field for field, value in values.items() if getattr(obj, field) != value]
    if changed:
        for field in changed:
            setattr(obj, field, values[field])
        obj.save(update_fields=changed)
        counts.updated += 1
    return obj


def _committee_upsert(counts: SetupCounts) -> Committee:
    values = {
        "name": data.COMMITTEE_NAME,
        "short_name": data.COMMITTEE_SHORT_NAME,
        "level": data.COMMITTEE_LEVEL,
        "region_code": data.COMMITTEE_REGION_CODE,
    }
    return _upsert(Committee, counts, {"code": settings.PORTAL_COMMITTEE_CODE}, values)


def _current_term_upsert(committee: Committee, counts: SetupCounts) -> Term:
    # Only one term may be current: retire any other before marking ours.
    retired = committee.terms.filter(is_current=True).exclude(number=data.CURRENT_TERM_NUMBER).update(is_current=False)
    if retired:  # update() leaves no history rows: say so in the audit trail
        audit.record_bulk_write(model=Term, count=retired, detail="setup_committee: is_current=False")
    values = {"start_date": data.CURRENT_TERM_START, "is_current": True}
    return _upsert(Term, counts, {"committee": committee, "number": data.CURRENT_TERM_NUMBER}, values)


def _groups_upsert(committee: Committee, counts: SetupCounts) -> list[SectorGroup]:
    groups = []
    for position, spec in enumerate(data.SECTOR_GROUPS, start=1):
        values = {"short_name": spec.short_name, "kind": spec.kind, "sort_order": position}
        groups.append(_upsert(SectorGroup, counts, {"committee": committee, "name": spec.name}, values))
    return groups


def committee_setup(*, counts: SetupCounts | None = None) -> Committee:
    """The committee, its current term and its 29 groups. The yearly
    assessment rules are written by reports.setup.portal_setup, which calls this."""
    counts = counts if counts is not None else SetupCounts()
    with transaction.atomic():
        committee = _committee_upsert(counts)
        _current_term_upsert(committee, counts)
        _groups_upsert(committee, counts)
    return committee
