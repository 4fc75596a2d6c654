"""Years of activity records from staff-made sheets (活动台账).

A row is one activity of one or several groups (a joint meeting), with its
attendance named in the sheet: each attendee must belong to one of the row's
groups on the activity's date, and a name two such members share rejects the
row. The same activity (same groups, type, date and title) already in the
portal, or earlier in the file, is not created again: a row that adds
attendees or fills empty fields updates it, an identical one is unchanged.
The members who reported at a duty-report meeting (述职委员) get a duty
report each.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.models import HistoricalRecords
from simple_history.utils import bulk_update_with_history

from portal import roles
from portal.importing import cells
from portal.importing.base import Column, Importer, Plan, Row, RowError, Table
from portal.importing.bulk import insert_plain, insert_with_history, reserve_ids
from sectors.importers.lookups import GroupMembers, Groups
from sectors.models import ImportRun

from . import rules
from .carriers import ActivityKind
from .models import Activity, Attendance, DutyReport

COLUMNS = (
    Column("groups", ("界别活动组", "界别", "所属界别"), required=True),
    Column("kind", ("活动类型", "类型"), required=True),
    Column("title", ("活动名称", "活动主题", "名称"), required=True),
    Column("date", ("活动日期", "日期", "时间"), required=True),
    Column("format", ("形式", "活动形式")),
    Column("location", ("地点", "活动地点")),
    Column("attendees", ("参加委员", "出席委员")),
    Column("absentees", ("请假委员",)),
    Column("reporters", ("述职委员",)),
    Column("other_participants", ("其他参与人数", "其他参加人数")),
    Column("partners", ("合作单位",)),
    Column("summary", ("内容摘要", "活动内容", "摘要")),
)

# The words staff write for each type, in one table (the kinds themselves are
# in activities.carriers). Matched after full-width → half-width and without spaces.
KIND_SYNONYMS: dict[str, tuple[str, ...]] = {
    ActivityKind.STUDY: ("学习", "界别学习日", "学习日", "学习会", "报告会", "学习交流会"),
    ActivityKind.TRAINING: ("培训", "培训班"),
    ActivityKind.RESEARCH: ("调研", "专题调研"),
    ActivityKind.INSPECTION: ("视察", "专题视察"),
    ActivityKind.CONSULTATION: ("协商", "界别协商会", "协商会", "对口协商", "专题议政", "专题议政性协商会"),
    ActivityKind.SUPERVISION: ("监督", "民主监督"),
    ActivityKind.SERVICE: ("服务", "公益", "活动月", "界别活动月", "公益服务"),
    ActivityKind.FELLOWSHIP: ("联谊", "交流", "联谊交流", "联谊与交流"),
    ActivityKind.CONSTITUENT_CONTACT: ("联系群众", "联系界别群众", "界别e联网"),
    ActivityKind.DUTY_REPORT: ("述职", "述职会", "界别述职会"),
    ActivityKind.OTHER: ("其他",),
}
KIND_WORDS = {word: kind for kind, words in KIND_SYNONYMS.items() for word in words}
KINDS_IN_SHEET = tuple(words[0] for words in KIND_SYNONYMS.values())
FORMATS = {
    "线上": Activity.Format.ONLINE,
    "线下": Activity.Format.OFFLINE,
    "线上+线下": Activity.Format.BOTH,
    "线上线下结合": Activity.Format.BOTH,
    "线上线下": Activity.Format.BOTH,
    "": Activity.Format.OFFLINE,
}
FORMATS_IN_SHEET = ("线下", "线上", "线上+线下")
SCALAR_FIELDS = ("format", "location", "partners", "summary", "other_participants")
ATTENDANCE_CHUNK = 20_000


@dataclass
class ActivityRow:
    row: Row
    groups: list
    kind: str
    date: datetime.date
    title: str
    values: dict
    present: dict[int, int]  # member id → the group they attended for
    absent: dict[int, int]
    reporters: dict[int, int]
    activity: Activity | None = None
    changed: list[str] = field(default_factory=list)
    new_attendance: dict[int, str] = field(default_factory=dict)
    new_reports: dict[int, int] = field(default_factory=dict)

    @property
    def key(self) -> tuple:
        return (frozenset(g.pk for g in self.groups), self.kind, self.date, self.title)


def kind_of(written: str) -> str | None:
    word = cells.compact(written)
    if word in KIND_WORDS:
        return KIND_WORDS[word]
    labels = {str(label): kind for kind, label in ActivityKind.choices}
    return labels.get(word) or (word if word in ActivityKind.values else None)


class ActivityImporter(Importer):
    kind = ImportRun.Kind.ACTIVITIES
    columns = COLUMNS
    anchor = "title"
    roles = frozenset({roles.STAFF, roles.ADMIN})
    template_keys = tuple(column.key for column in COLUMNS)
    template_example = {
        "groups": "民盟、医卫",
        "kind": "界别学习日",
        "title": "学习全国两会精神",
        "date": "2024-03-01",
        "format": "线下",
        "location": "市政协会议室",
        "attendees": "张三、李四",
        "absentees": "王五",
        "other_participants": "3",
        "summary": "集中学习",
    }
    template_choices = {"kind": KINDS_IN_SHEET, "format": FORMATS_IN_SHEET}
    template_group_keys = ("groups",)

    label = gettext_lazy("Activities")

    def _parse(self, row: Row, groups: Groups, members: GroupMembers) -> ActivityRow:
        """One row, or the first RowError met (a row is rejected for one reason at a time)."""
        found_groups = groups.many(row.raw("groups"), "groups")
        kind = kind_of(row.text("kind"))
        if kind is None:
            raise RowError(
                "kind",
                _("Unknown activity type “%(value)s”; use one of %(allowed)s.")
                % {"value": row.text("kind"), "allowed": "、".join(KINDS_IN_SHEET)},
            )
        title = row.text("title")
        if not title or len(title) > 200:
            raise RowError("title", _("Each activity needs a title of at most 200 characters."))
        date = row.parse("date", cells.date, date1904=row.date1904)
        if date is None:
            raise RowError("date", _("Each activity needs its date."))
        # The activity's own rules, every writer's (activities.rules).
        held = Activity(kind=kind, title=title, date=date, status=Activity.Status.HELD)
        refused = rules.merged(rules.held_errors(held), rules.activity_groups_errors(found_groups, None))
        if refused:
            name, messages = next(iter(refused.items()))
            raise RowError(name, messages[0])
        form = FORMATS.get(row.compact("format"))
        if form is None:
            raise RowError(
                "format",
                _("The format must be one of %(allowed)s, not “%(value)s”.")
                % {"allowed": "、".join(FORMATS_IN_SHEET), "value": row.text("format")},
            )
        values = {
            "format": form,
            "location": row.text("location")[:200],
            "partners": row.text("partners")[:300],
            "summary": row.text("summary"),
            "other_participants": row.parse("other_participants", cells.whole_number),
        }
        present = members.resolve(cells.name_list(row.raw("attendees")), found_groups, date, "attendees")
        absent = members.resolve(cells.name_list(row.raw("absentees")), found_groups, date, "absentees")
        reporters = members.resolve(cells.name_list(row.raw("reporters")), found_groups, date, "reporters")
        if both := set(present) & set(absent):
            raise RowError(
                "absentees", _("%(count)s members are listed both as present and on leave.") % {"count": len(both)}
            )
        if reporters and kind != ActivityKind.DUTY_REPORT:
            raise RowError("reporters", _("Members who reported are recorded only for duty-report meetings (述职会)."))
        for member_id, group_id in reporters.items():
            if member_id not in absent:
                present.setdefault(member_id, group_id)
        return ActivityRow(row, found_groups, kind, date, title, values, present, absent, reporters)

    def plan_rows(self, table: Table, plan: Plan) -> Iterator[tuple[Row, RowError]]:
        groups, members = Groups(self.committee), GroupMembers(self.committee)
        parsed: list[ActivityRow] = []
        for done, row in enumerate(table.rows, start=1):
            if done % 2000 == 0:
                self.progress(done, len(table.rows))
            try:
                parsed.append(self._parse(row, groups, members))
            except RowError as error:
                yield row, error
        existing = self._existing(parsed)
        seen: dict[tuple, int] = {}
        decided = []
        for item in parsed:
            if item.key in seen:
                yield item.row, RowError("title", _("The same activity as row %(row)s.") % {"row": seen[item.key]})
                continue
            seen[item.key] = item.row.number
            self._decide(item, existing.get(item.key))
            if item.activity is None:
                plan.created += 1
            elif item.changed or item.new_attendance or item.new_reports:
                plan.updated += 1
            else:
                plan.unchanged += 1
            decided.append(item)
        plan.work["rows"] = decided

    def _existing(self, parsed: list[ActivityRow]) -> dict[tuple, tuple[Activity, dict[int, str], set[int]]]:
        """The activities already in the portal on the sheet's dates, by key, with their attendance and reports."""
        if not parsed:
            return {}
        dates = {item.date for item in parsed}
        activities = {
            a.pk: a
            for a in Activity.objects.filter(
                committee=self.committee, date__gte=min(dates), date__lte=max(dates), date__in=dates
            )
        }
        group_ids: dict[int, set[int]] = defaultdict(set)
        through = Activity.groups.through.objects.filter(activity_id__in=list(activities))
        for activity_id, group_id in through.values_list("activity_id", "sectorgroup_id"):
            group_ids[activity_id].add(group_id)
        keys = {item.key for item in parsed}
        found = {}
        for activity in activities.values():
            key = (frozenset(group_ids[activity.pk]), activity.kind, activity.date, activity.title)
            if key in keys:
                found[key] = (activity, {}, set())
        by_id = {entry[0].pk: entry for entry in found.values()}
        for activity_id, member_id, status in Attendance.objects.filter(activity_id__in=list(by_id)).values_list(
            "activity_id", "member_id", "status"
        ):
            by_id[activity_id][1][member_id] = status
        for activity_id, member_id in DutyReport.objects.filter(meeting_id__in=list(by_id)).values_list(
            "meeting_id", "member_id"
        ):
            by_id[activity_id][2].add(member_id)
        return found

    def _decide(self, item: ActivityRow, stored: tuple[Activity, dict[int, str], set[int]] | None) -> None:
        wanted = dict.fromkeys(item.present, Attendance.Status.PRESENT)
        wanted.update(dict.fromkeys(item.absent, Attendance.Status.ABSENT))
        if stored is None:
            item.new_attendance = wanted
            item.new_reports = dict(item.reporters)
            return
        activity, attendance, reported = stored
        item.activity = activity
        item.changed = [
            name
            for name in SCALAR_FIELDS
            if item.values[name] not in ("", 0) and getattr(activity, name) != item.values[name]
        ]
        item.new_attendance = {member_id: status for member_id, status in wanted.items() if member_id not in attendance}
        item.new_reports = {m: g for m, g in item.reporters.items() if m not in reported}

    # --- the write --------------------------------------------------------------------

    def write(self, plan: Plan) -> None:
        rows: list[ActivityRow] = plan.work["rows"]
        new_rows = [item for item in rows if item.activity is None]
        for item in new_rows:
            item.activity = Activity(
                committee=self.committee,
                kind=item.kind,
                title=item.title,
                date=item.date,
                created_by=self.user,
                **item.values,
            )
        history_ids = insert_with_history(Activity, [item.activity for item in new_rows], user=self.user)
        self._groups(new_rows, history_ids)
        self.progress(len(new_rows), len(rows))
        for fields in {tuple(item.changed) for item in rows if item.changed}:
            same = [item for item in rows if tuple(item.changed) == fields]
            for item in same:
                for name in fields:
                    setattr(item.activity, name, item.values[name])
            bulk_update_with_history([i.activity for i in same], Activity, list(fields), default_user=self.user)
        self._attendance(rows)
        reports = [
            DutyReport(
                group_id=group_id, member_id=member_id, meeting=item.activity, title=item.title, reported_on=item.date
            )
            for item in rows
            for member_id, group_id in item.new_reports.items()
        ]
        insert_with_history(DutyReport, reports, user=self.user)
        self.progress(len(rows), len(rows))

    def _attendance(self, rows: list[ActivityRow]) -> None:
        """Attendance in chunks, so that 200,000 rows never sit in memory as model instances at once."""
        entries = [
            (item.activity.pk, member_id, status) for item in rows for member_id, status in item.new_attendance.items()
        ]
        for start in range(0, len(entries), ATTENDANCE_CHUNK):
            chunk = [
                Attendance(
                    activity_id=activity_id,
                    member_id=member_id,
                    status=status,
                    absence_reason=Attendance.AbsenceReason.LEAVE if status == Attendance.Status.ABSENT else "",
                )
                for activity_id, member_id, status in entries[start : start + ATTENDANCE_CHUNK]
            ]
            insert_with_history(Attendance, chunk, user=self.user)
            self.progress(start + len(chunk), len(entries))

    def _groups(self, new_rows: list[ActivityRow], history_ids: list[int]) -> None:
        """The activities' groups, and the groups' snapshot in each creation history row
        (simple-history keeps the many-to-many rows of every historical row)."""
        through = Activity.groups.through
        links = [
            (item.activity.pk, group.pk, history_id)
            for item, history_id in zip(new_rows, history_ids, strict=True)
            for group in item.groups
        ]
        ids = reserve_ids(through, len(links))
        insert_plain(
            through, [{"id": i, "activity": a, "sectorgroup": g} for i, (a, g, _h) in zip(ids, links, strict=True)]
        )
        snapshot = HistoricalRecords.m2m_models[Activity.groups.field]
        snapshot_ids = reserve_ids(snapshot, len(links))
        insert_plain(
            snapshot,
            [
                {"m2m_history_id": s, "id": i, "activity": a, "sectorgroup": g, "history": h}
                for s, i, (a, g, h) in zip(snapshot_ids, ids, links, strict=True)
            ],
        )
