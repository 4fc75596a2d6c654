"""Reads for the six record types: scoped lists, filters and form choices.

Every queryset here is already limited to the groups the user may see
(`sectors.scope.scope`), so views never filter by group themselves.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Sequence

from django.conf import settings
from django.db.models import Count, F, IntegerField, Model, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Replace
from django.utils.translation import gettext

from activities.carriers import ActivityKind
from activities.models import Activity, OpinionReport
from activities.selectors.duty import duty_contacts
from portal import clock
from portal.importing.cells import compact
from portal.paging import in_order
from sectors.models import Constituent, GroupMembership, Member, SectorGroup, Workstation, membership_covers
from sectors.scope import is_leader, scope, visible_groups

# The e-network rule (界别e联网) when the year sets no other number.


def portal_groups(user) -> QuerySet[SectorGroup]:
    """The portal committee's groups this user may see or write for."""
    return visible_groups(user).filter(committee__code=settings.PORTAL_COMMITTEE_CODE)


def records_visible(
    user,
    model: type[Model],
    *,
    select_related: Sequence[str] = (),
    prefetch_related: Sequence[str] = (),
    group_path: str = "group",
) -> QuerySet:
    queryset = model.objects.select_related(*select_related).prefetch_related(*prefetch_related)
    return scope(user, queryset, group_path)


# What a list shows of a many-to-many column's rows, as the detail page's str() shows them: one
# column, read by `related_texts` without loading the rows (Member.__str__ is its name).
LIST_LABELS: dict[type[Model], str] = {Member: "name"}


def listed_as_text(field) -> bool:
    """Whether a list's loader gives this column as text (`row.list_texts`), not as rows."""
    return field.many_to_many and field.related_model in LIST_LABELS


def list_loader(records: QuerySet, columns: Sequence[str]) -> Callable[[list], list[Model]]:
    """How a list page loads its rows by id: only the columns the list shows, with the
    rows they name (a proposal's list: not its text, first proposer or merged-into
    proposal, which the detail page's queryset joins). A many-to-many column of members
    (a proposal's proposers) comes as text, `row.list_texts[name]`, from one query of
    their names: no member's row, and so none of their personal data, is loaded."""
    fields = [records.model._meta.get_field(name) for name in columns]
    as_text = [field for field in fields if listed_as_text(field)]
    narrow = (
        records.select_related(None)
        .select_related(*(field.name for field in fields if field.many_to_one))
        .prefetch_related(None)
        .prefetch_related(*(field.name for field in fields if field.many_to_many and field not in as_text))
        .only(*(field.name for field in fields if not field.many_to_many))
    )

    def load(ids: list) -> list[Model]:
        rows = in_order(narrow, ids)
        texts = {field.name: related_texts(field, ids) for field in as_text}
        for row in rows:
            row.list_texts = {name: by_id.get(row.pk, "") for name, by_id in texts.items()}
        return rows

    return load


def related_texts(field, ids: list) -> dict[int, str]:
    """Each record's rows of a many-to-many field as a list shows them ("李委员、王委员"), in
    the related model's order (as `record.field.all()`), from the join table in one query."""
    through, source, target = field.remote_field.through, field.m2m_field_name(), field.m2m_reverse_field_name()
    ordering = [
        f"-{target}__{name[1:]}" if name.startswith("-") else f"{target}__{name}"
        for name in field.related_model._meta.ordering
    ]
    pairs = (
        through.objects.filter(**{f"{source}_id__in": ids})
        .order_by(*ordering, f"{target}_id")
        .values_list(f"{source}_id", f"{target}__{LIST_LABELS[field.related_model]}")
    )
    texts: dict[int, list[str]] = {}
    for record_id, label in pairs:
        texts.setdefault(record_id, []).append(label)
    return {record_id: "、".join(labels) for record_id, labels in texts.items()}


def records_filter(
    queryset: QuerySet,
    *,
    group: SectorGroup | None = None,
    year: int | None = None,
    year_lookup: str = "",
    choice_field: str = "",
    choice: str = "",
    text: str = "",
    search_fields: Iterable[str] = (),
    group_path: str = "group",
) -> QuerySet:
    if group is not None:
        queryset = queryset.filter(**{group_path: group})
    if year and year_lookup:
        queryset = queryset.filter(**{year_lookup: year})
    if choice and choice_field:
        queryset = queryset.filter(**{choice_field: choice})
    text = text.strip()
    if text and search_fields:
        condition = Q()
        for field in search_fields:
            condition |= Q(**{f"{field}__icontains": text})
        queryset = queryset.filter(condition)
    return queryset


def member_choices(user) -> QuerySet[Member]:
    """Members who belong or belonged to a group the user may see, labelled
    with their current (or last) group's short name. A group leader sees
    only their own group's name: a member who no longer belongs to it is
    labelled "left the group", not with the group they moved to."""
    members = Member.objects.filter(
        pk__in=GroupMembership.objects.filter(group__in=portal_groups(user)).values("member")
    )
    if is_leader(user):
        in_own_group = GroupMembership.objects.filter(
            membership_covers(clock.today()), member=OuterRef("pk"), group_id=user.sector_group_id
        )
        group_short = Coalesce(Subquery(in_own_group.values("group__short_name")[:1]), Value(gettext("Left the group")))
    else:
        group_short = Subquery(
            GroupMembership.objects.filter(member=OuterRef("pk"))
            .order_by(F("end_date").desc(nulls_first=True), "-start_date")
            .values("group__short_name")[:1]
        )
    return members.annotate(group_short=group_short).order_by("name", "id")


def member_group_on(member: Member, day: datetime.date) -> SectorGroup | None:
    membership = (
        GroupMembership.objects.filter(membership_covers(day), member=member)
        .select_related("group")
        .order_by("-start_date")
    ).first()
    return membership.group if membership else None


def workstation_choices(user) -> QuerySet[Workstation]:
    return Workstation.objects.filter(group__in=portal_groups(user)).select_related("group").order_by("group", "name")


def duty_meeting_choices(user) -> QuerySet[Activity]:
    meetings = Activity.objects.filter(kind=ActivityKind.DUTY_REPORT)
    return scope(user, meetings, "groups").distinct().order_by("-date", "-id")


def constituent_choices(user) -> QuerySet[Constituent]:
    """Staff pick from every constituent; a leader from those their group's
    members have contacted (a new one is typed into the contact form)."""
    constituents = Constituent.objects.filter(committee__code=settings.PORTAL_COMMITTEE_CODE)
    if is_leader(user):
        constituents = constituents.filter(contacts__group_id=user.sector_group_id).distinct()
    return constituents.order_by("name", "id")


def constituents_named(user, name: str) -> QuerySet[Constituent]:
    """The constituents the user may pick whose name is `name`, spaces ignored
    (「王 五」 is 王五): a typed-in person is matched only within the user's scope,
    so the answer never depends on constituents the user cannot see."""
    key = Replace(Replace("name", Value(" "), Value("")), Value("\u3000"), Value(""))
    return constituent_choices(user).annotate(name_key=key).filter(name_key=compact(name)).order_by("id")


def contact_summary(*, groups: QuerySet[SectorGroup], year: int, minimum: int) -> list[Member]:
    """Each member of `groups` during `year`, with the number of distinct
    constituents and of contacts they recorded that year, and how many
    constituents they still miss, fewest first."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    in_year = GroupMembership.objects.filter(group__in=groups, start_date__lte=end).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=start)
    )
    # All the member's contacts of the year, in any group: the duty follows the
    # member (activities.carriers), so every leader of a member who moved sees
    # the same verdict as the scorecards and the duty record.
    year_contacts = duty_contacts(committee_id=None, start=start, end=end).filter(member_id=OuterRef("pk"))
    latest_group = in_year.filter(member=OuterRef("pk")).order_by("-start_date").values("group__short_name")[:1]
    members = (
        Member.objects.filter(pk__in=in_year.values("member"))
        .annotate(
            group_short=Subquery(latest_group),
            constituent_count=_count_of(year_contacts, "constituent_id", distinct=True),
            contact_count=_count_of(year_contacts, "id"),
        )
        .order_by("constituent_count", "name", "id")
    )
    members = list(members)
    for member in members:
        member.missing = max(0, minimum - member.constituent_count)
    return members


def _count_of(rows: QuerySet, field: str, distinct: bool = False) -> Coalesce:
    counted = rows.order_by().values("member_id").annotate(n=Count(field, distinct=distinct)).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def workstation_reports(workstation: Workstation) -> QuerySet[OpinionReport]:
    return workstation.opinion_reports.prefetch_related("submitters").order_by("-submitted_on", "-id")


def workstation_activities(workstation: Workstation) -> QuerySet[Activity]:
    return workstation.activities.prefetch_related("groups").order_by("-date", "-id")


def this_year() -> int:
    return clock.today().year
