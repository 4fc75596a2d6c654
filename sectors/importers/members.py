"""The member roster (委员名册) from the committee's own Excel sheet.

A row is the same member as one already in the portal by member number, else
ID-card number, else name and mobile (序号 is a row counter, never an
identity). Importing the same file again writes nothing; a changed row
updates only the fields that changed (an empty cell keeps what is stored);
a member whose group or role changed gets a dated membership change. A new
member imported without a joining date (入组日期) joins on the import's date,
or on the date chosen on the preview page (`default_joined_on`): joining
"since the records began" would count them in past years and lower those
years' figures. The preview says how each group's current score changes
(`score_effects`, answered by reports).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_update_with_history

from portal import clock, roles
from portal.importing import cells
from portal.importing.base import Column, Importer, Plan, Row, RowError, Table
from portal.importing.bulk import insert_with_history
from portal.validators import birth_date_by_id_card
from sectors.importers.lookups import Groups
from sectors.models import GroupMembership, ImportRun, Member, SectorGroup

COLUMNS = (
    Column("member_number", ("编号", "委员编号", "委员证号")),
    Column("name", ("姓名",), required=True),
    Column("gender", ("性别",)),
    Column("birth_date", ("出生日期", "出生年月")),
    Column("group", ("界别活动组", "界别", "所属界别"), required=True),
    Column("role", ("界内职务", "组内职务")),
    Column("party", ("党派",)),
    Column("employer", ("工作单位",)),
    Column("job_title", ("职务",)),
    Column("employer_and_title", ("工作单位及职务",)),
    Column("mobile", ("手机", "手机号码", "联系电话")),
    Column("id_card", ("身份证号", "身份证号码", "公民身份号码")),
    Column("joined_on", ("入组日期",)),
    Column("note", ("备注",)),
)
GENDERS = {"男": Member.Gender.MALE, "女": Member.Gender.FEMALE, "M": Member.Gender.MALE, "F": Member.Gender.FEMALE}
ROLES = {
    "组长": GroupMembership.Role.LEADER,
    "副组长": GroupMembership.Role.DEPUTY,
    "联络员": GroupMembership.Role.LIAISON,
    "成员": GroupMembership.Role.MEMBER,
    "委员": GroupMembership.Role.MEMBER,
    "": GroupMembership.Role.MEMBER,
}
ROLE_CHOICES_IN_SHEET = ("组长", "副组长", "联络员", "成员")
# The member's own fields a sheet sets; an empty cell leaves the stored value.
COMPARED_FIELDS = (
    "member_number",
    "name",
    "gender",
    "birth_date",
    "party",
    "employer",
    "job_title",
    "mobile",
    "id_card",
    "note",
)
_MAX_LENGTHS = {"name": 40, "party": 40, "employer": 100, "job_title": 100, "member_number": 20}
AUTO_NUMBER_PREFIX = "Z"
BATCH = 1000


@dataclass
class MemberRow:
    """A valid row's decision: the member's values, and the group change, if any."""

    row: Row
    values: dict
    group: SectorGroup
    role: str
    joined_on: datetime.date | None
    member: Member | None = None
    changed: list[str] = field(default_factory=list)
    place: bool = False  # the membership changes


def _parse(row: Row) -> tuple[dict, list[RowError]]:
    values: dict = {}
    errors: list[RowError] = []

    def take(key: str, parse):
        try:
            values[key] = parse()
        except RowError as error:
            errors.append(error)

    take("member_number", lambda: row.compact("member_number"))
    take("name", lambda: row.compact("name"))
    take("party", lambda: row.text("party"))
    take("employer", lambda: row.text("employer"))
    take("job_title", lambda: row.text("job_title"))
    take("note", lambda: row.text("note"))
    take("mobile", lambda: row.parse("mobile", cells.mobile))
    take("id_card", lambda: row.parse("id_card", cells.id_card))
    take("birth_date", lambda: row.parse("birth_date", cells.date, date1904=row.date1904, month_only=True))
    take("joined_on", lambda: row.parse("joined_on", cells.date, date1904=row.date1904))
    combined = row.text("employer_and_title")
    if combined and not values.get("employer") and not values.get("job_title"):
        employer, _sep, title = combined.rpartition(" ")
        values["employer"], values["job_title"] = (employer, title) if employer else (combined, "")
    gender = row.compact("gender").upper()
    if gender and gender not in GENDERS:
        errors.append(RowError("gender", _("Gender must be 男 or 女, not “%(value)s”.") % {"value": gender}))
    values["gender"] = GENDERS.get(gender, "")
    if not values.get("name"):
        errors.append(RowError("name", _("Each member needs a name.")))
    for key, length in _MAX_LENGTHS.items():
        if len(values.get(key) or "") > length:
            errors.append(RowError(key, _("At most %(count)s characters.") % {"count": length}))
    return values, errors


def _complete(values: dict, errors: list[RowError]) -> None:
    """Gender and birth date from the ID card when the sheet leaves them empty; a birth
    date that disagrees with the card is refused (the members' one rule, in portal.validators)."""
    id_card = values.get("id_card")
    if not id_card:
        return
    try:
        # 出生年月 gives the month only; the card gives the day.
        values["birth_date"] = birth_date_by_id_card(id_card, values.get("birth_date"), month_only=True)
    except ValidationError as error:
        errors.append(RowError("birth_date", error.messages[0]))
    if not values.get("gender"):
        values["gender"] = Member.Gender.MALE if int(id_card[16]) % 2 else Member.Gender.FEMALE


class MemberImporter(Importer):
    kind = ImportRun.Kind.MEMBERS
    columns = COLUMNS
    anchor = "name"
    roles = frozenset({roles.ADMIN})
    template_keys = (
        "member_number",
        "name",
        "gender",
        "birth_date",
        "group",
        "role",
        "party",
        "employer",
        "job_title",
        "mobile",
        "id_card",
        "joined_on",
        "note",
    )
    template_example = {
        "member_number": "W0001",
        "name": "张三",
        "gender": "男",
        "birth_date": "1980-05-09",
        "group": "民盟",
        "role": "成员",
        "party": "民盟",
        "employer": "温州大学",
        "job_title": "教授",
        "mobile": "13800000000",
        "id_card": "33030219800509001X",
        "joined_on": "",
        "note": "示例行不会导入",
    }
    template_choices = {"gender": ("男", "女"), "role": ROLE_CHOICES_IN_SHEET}
    template_text_keys = ("member_number", "mobile", "id_card")

    label = gettext_lazy("Members")
    # New members without a joining date join on this date (None: the day of the write).
    default_joined_on: datetime.date | None = None

    # --- the plan ---------------------------------------------------------------------

    def _load(self) -> None:
        members = list(Member.objects.filter(committee=self.committee))
        self.by_number = {m.member_number: m for m in members}
        self.by_id_card = {m.id_card: m for m in members if m.id_card}
        self.by_name_mobile = {(cells.compact(m.name), m.mobile): m for m in members if m.mobile}
        self.open = {
            ms.member_id: ms
            for ms in GroupMembership.objects.filter(member__committee=self.committee, end_date__isnull=True)
        }
        self.last_end = {}
        for member_id, end in GroupMembership.objects.filter(
            member__committee=self.committee, end_date__isnull=False
        ).values_list("member_id", "end_date"):
            self.last_end[member_id] = max(end, self.last_end.get(member_id, end))
        self.groups = Groups(self.committee)

    def _identify(self, values: dict) -> Member | None:
        number, id_card, mobile = values.get("member_number"), values.get("id_card"), values.get("mobile")
        if number and number in self.by_number:
            return self.by_number[number]
        if id_card and id_card in self.by_id_card:
            return self.by_id_card[id_card]
        if mobile:
            return self.by_name_mobile.get((values["name"], mobile))
        return None

    def plan_rows(self, table: Table, plan: Plan) -> Iterator[tuple[Row, RowError]]:
        self._load()
        decided: list[MemberRow] = []
        seen: dict[object, int] = {}
        today = clock.today()
        for done, row in enumerate(table.rows, start=1):
            if done % 2000 == 0:
                self.progress(done, len(table.rows))
            values, errors = _parse(row)
            group = role = None
            try:
                group = self.groups.get(row.text("group"), "group") if row.text("group") else None
                if group is None:
                    errors.append(RowError("group", _("Each member needs a sector group.")))
            except RowError as error:
                errors.append(error)
            role = ROLES.get(row.compact("role"))
            if role is None:
                errors.append(
                    RowError(
                        "role",
                        _("The role in the group must be one of %(allowed)s, not “%(value)s”.")
                        % {"allowed": "、".join(ROLE_CHOICES_IN_SHEET), "value": row.compact("role")},
                    )
                )
            if values.get("joined_on") and values["joined_on"] > today:
                errors.append(RowError("joined_on", _("This date is in the future.")))
            _complete(values, errors)
            if not errors:
                member = self._identify(values)
                errors.extend(self._clashes(values, member))
                if not member and not values.get("gender"):
                    errors.append(RowError("gender", _("Gender must be 男 or 女, or given by an ID-card number.")))
                keys = [("pk", member.pk)] if member else []
                keys += [(k, values[k]) for k in ("member_number", "id_card") if values.get(k)]
                earlier = next((seen[key] for key in keys if key in seen), None)
                if earlier is not None:
                    errors.append(RowError("", _("The same member as row %(row)s.") % {"row": earlier}))
            if errors:
                for error in errors:
                    yield row, error
                continue
            for key in keys:
                seen[key] = row.number
            decided.append(MemberRow(row, values, group, role, values.pop("joined_on", None), member))
        yield from self._leader_clashes(decided)
        rejected = {rejection.row for rejection in plan.rejections}
        # _leader_clashes yields after the loop: drop its rows from the decisions.
        for item in decided:
            if item.row.number in rejected:
                continue
            self._decide(item, today)
            if item.member is None:
                plan.created += 1
            elif item.changed or item.place:
                plan.updated += 1
            else:
                plan.unchanged += 1
        plan.work["rows"] = [item for item in decided if item.row.number not in rejected]
        plan.extra["moves"] = [self._move(item) for item in plan.work["rows"] if item.place]

    def _move(self, item: MemberRow) -> list:
        """[member id or None, name, group left or None, group joined, joining date or None]:
        what the preview's score effects need (None date: the default joining date)."""
        current = self.open.get(item.member.pk) if item.member else None
        joined = item.joined_on.isoformat() if item.joined_on else None
        name = item.values.get("name") or (item.member.name if item.member else "")
        return [
            item.member.pk if item.member else None,
            name,
            current.group_id if current else None,
            item.group.pk,
            joined,
        ]

    def _clashes(self, values: dict, member: Member | None) -> list[RowError]:
        errors = []
        number, id_card = values.get("member_number"), values.get("id_card")
        other = self.by_id_card.get(id_card) if id_card else None
        if other is not None and other != member:
            errors.append(
                RowError(
                    "id_card",
                    _("Another member (%(name)s, number %(number)s) already has this ID-card number.")
                    % {"name": other.name, "number": other.member_number},
                )
            )
        other = self.by_number.get(number) if number else None
        if other is not None and member is not None and other != member:
            errors.append(RowError("member_number", _("Another member already has this member number.")))
        return errors

    def _leader_clashes(self, decided: list[MemberRow]) -> Iterator[tuple[Row, RowError]]:
        """A group keeps one leader: the sheet's leader rows against the leaders
        the sheet leaves in place, and against each other."""
        in_sheet = {item.member.pk for item in decided if item.member}
        leaders: dict[int, str] = {}
        names = {m.pk: m.name for m in self.by_number.values()}
        for member_id, membership in self.open.items():
            if membership.role == GroupMembership.Role.LEADER and member_id not in in_sheet:
                leaders[membership.group_id] = names.get(member_id, "")
        for item in decided:
            if item.role != GroupMembership.Role.LEADER:
                continue
            if item.group.pk in leaders:
                message = _("%(group)s already has a group leader: %(name)s.") % {
                    "group": item.group.short_name,
                    "name": leaders[item.group.pk],
                }
                yield item.row, RowError("role", message)
            else:
                leaders[item.group.pk] = item.values["name"]

    def _decide(self, item: MemberRow, today: datetime.date) -> None:
        member = item.member
        if member is not None:
            for name in COMPARED_FIELDS:
                value = item.values.get(name)
                if value not in ("", None) and getattr(member, name) != value:
                    item.changed.append(name)
        current = self.open.get(member.pk) if member else None
        item.place = current is None or current.group_id != item.group.pk or current.role != item.role

    # --- the write --------------------------------------------------------------------

    def write(self, plan: Plan) -> None:
        rows: list[MemberRow] = plan.work["rows"]
        today = clock.today()
        new_rows = [item for item in rows if item.member is None]
        self._number_new(new_rows)
        for item in new_rows:
            item.member = Member(
                committee=self.committee, **{k: item.values.get(k) or _blank(k) for k in COMPARED_FIELDS}
            )
        insert_with_history(Member, [item.member for item in new_rows], user=self.user)
        self.progress(len(new_rows), len(rows))
        changed_rows = [item for item in rows if item.changed]
        for fields in {tuple(item.changed) for item in changed_rows}:
            same = [item for item in changed_rows if tuple(item.changed) == fields]
            for item in same:
                for name in fields:
                    setattr(item.member, name, item.values[name])
            bulk_update_with_history(
                [item.member for item in same], Member, list(fields), batch_size=BATCH, default_user=self.user
            )
        self._place([item for item in rows if item.place], today)
        self.progress(len(rows), len(rows))

    def _number_new(self, new_rows: list[MemberRow]) -> None:
        """Members without a number in the sheet get the next Z00001, Z00002 …"""
        taken = set(Member.objects.filter(committee=self.committee).values_list("member_number", flat=True))
        pattern = re.compile(rf"^{AUTO_NUMBER_PREFIX}(\d+)$")
        next_number = max((int(m.group(1)) for n in taken if (m := pattern.match(n))), default=0) + 1
        for item in new_rows:
            if not item.values.get("member_number"):
                item.values["member_number"] = f"{AUTO_NUMBER_PREFIX}{next_number:05d}"
                next_number += 1

    def _place(self, rows: list[MemberRow], today: datetime.date) -> None:
        """Dated membership changes: the open membership ends the day before the
        new one starts; one that started that same day is corrected in place."""
        ended, corrected, opened = [], [], []
        for item in rows:
            current = self.open.get(item.member.pk)
            on = self._change_date(item, current, today)
            if current is not None and current.start_date == on:
                current.group, current.role = item.group, item.role
                corrected.append(current)
                continue
            if current is not None:
                current.end_date = on - datetime.timedelta(days=1)
                ended.append(current)
            opened.append(GroupMembership(member=item.member, group=item.group, role=item.role, start_date=on))
        if ended:
            bulk_update_with_history(ended, GroupMembership, ["end_date"], batch_size=BATCH, default_user=self.user)
        if corrected:
            bulk_update_with_history(
                corrected, GroupMembership, ["group", "role"], batch_size=BATCH, default_user=self.user
            )
        insert_with_history(GroupMembership, opened, user=self.user)

    def _change_date(self, item: MemberRow, current: GroupMembership | None, today: datetime.date) -> datetime.date:
        joined = item.joined_on
        if current is None:
            last_end = self.last_end.get(item.member.pk)
            if last_end is None:
                return joined or self.default_joined_on or today
            earliest = last_end + datetime.timedelta(days=1)
            return max(joined or today, earliest)
        if current.group_id != item.group.pk and joined and current.start_date < joined <= today:
            return joined
        return today


def _blank(name: str):
    return None if name == "birth_date" else ""


# --- the preview's score effects ---------------------------------------------------------

# reports answers `lookup(committee_id=…, moves=…, default_joined_on=…)` with one row per
# group whose current score changes (registered at start-up: sectors cannot import reports).
ScoreEffects = Callable[..., list]
_score_effects: ScoreEffects | None = None


def score_effects_register(lookup: ScoreEffects) -> None:
    global _score_effects
    _score_effects = lookup


def score_effects(*, committee_id: int, moves: list, default_joined_on: datetime.date) -> list:
    """How each group's current score changes if these members join or leave it."""
    if _score_effects is None or not moves:
        return []
    return _score_effects(committee_id=committee_id, moves=moves, default_joined_on=default_joined_on)
