"""The shape every importer shares: columns found by their headers, rows read
once, a plan made before anything is written, and the plan's bulk write.

An importer's `plan(table)` reads the database in a few queries, decides for
every row whether it creates, updates, leaves alone or is rejected (with the
column and the Chinese reason), and returns a `Plan`; `write(plan)` then
writes all the planned rows in bulk, with their history rows, inside the
caller's transaction. The preview and the command line's --dry-run are a plan
without its write.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from portal.importing import cells
from portal.importing.reading import RawSheet, UnreadableFile
from portal.validators import mask_id_card, mask_mobile

# A data row whose 序号 says this is the template's example is not imported.
EXAMPLE_MARKERS = frozenset({"示例", "例", "样例", "填写示例"})
ROW_COUNTER_HEADERS = ("序号", "编号序", "行号")
HEADER_SEARCH_ROWS = 30


@dataclass(frozen=True)
class Column:
    """A column of a sheet: its key, the headers people write for it (the first
    is the template's), and whether the sheet must have it."""

    key: str
    headers: tuple[str, ...]
    required: bool = False

    @property
    def label(self) -> str:
        return self.headers[0]


class RowError(Exception):
    """A row that cannot be imported; `column` is the column's key ("" for the row)."""

    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column = column
        self.message = message


@dataclass
class Row:
    """One data row: its number in the sheet (as Excel shows it) and its cells by column key."""

    number: int
    values: list[object]
    index: dict[str, int]
    date1904: bool = False

    def raw(self, key: str) -> object:
        position = self.index.get(key)
        if position is None or position >= len(self.values):
            return None
        return self.values[position]

    def has(self, key: str) -> bool:
        return key in self.index

    def text(self, key: str) -> str:
        return cells.text(self.raw(key))

    def compact(self, key: str) -> str:
        return cells.compact(self.raw(key))

    def parse(self, key: str, parser: Callable[..., object], **kwargs) -> object:
        """`parser(raw value)`, a CellError becoming this row's error in this column."""
        try:
            return parser(self.raw(key), **kwargs)
        except cells.CellError as error:
            raise RowError(key, str(error)) from None


@dataclass
class Table:
    """The sheet after its header row was found."""

    headers: list[str]
    index: dict[str, int]
    unknown: list[str]
    rows: list[Row]
    header_row: int


@dataclass
class Rejection:
    row: int
    column: str
    reason: str


@dataclass
class Plan:
    """What an import would do. `rejections` name the sheet's own headers."""

    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejections: list[Rejection] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    rejected_rows: dict[int, list[str]] = field(default_factory=dict)
    work: dict = field(default_factory=dict)  # what the importer's write() needs
    extra: dict = field(default_factory=dict)  # kept in the run's report for the preview page

    @property
    def rejected(self) -> int:
        return len({rejection.row for rejection in self.rejections})

    def summary(self) -> dict:
        """The JSON kept on the ImportRun: counts, reasons and the rejected rows' cells."""
        return {
            "headers": self.headers,
            "unknown": self.unknown,
            "rejections": [[r.row, r.column, r.reason] for r in self.rejections],
            "rejected_rows": {str(number): values for number, values in self.rejected_rows.items()},
            **self.extra,
        }


def _year_only(value: str) -> str:
    return value[:4] if value[:4].isdigit() else "*" * len(value)


# What stays of a rejected row's personal cells once its import has ended: the masks the
# pages use, and the year of a birth date (month and day would rebuild a masked ID number).
PERSONAL_MASKS: dict[str, Callable[[str], str]] = {
    "id_card": mask_id_card,
    "mobile": mask_mobile,
    "birth_date": _year_only,
}
_FULL_DATE = re.compile(r"\b((?:19|20)[0-9]{2})[-/.年]?[0-9]{1,2}[-/.月]?[0-9]{1,2}日?")


def masked_report(report: dict, columns: tuple[Column, ...]) -> dict:
    """The run's report with the rejected rows' ID-card numbers, mobiles and birth dates
    masked (the columns found by the sheet's own headers), and full dates in the reasons
    cut to their year. Idempotent: a masked report says so."""
    if report.get("masked"):
        return report
    by_header = {cells.header(name): column.key for column in columns for name in column.headers}
    positions: dict[int, Callable[[str], str]] = {}
    for position, name in enumerate(report.get("headers", [])):
        key = by_header.get(cells.header(name))
        if key in PERSONAL_MASKS:
            positions[position] = PERSONAL_MASKS[key]
    rows = {
        number: [positions[n](value) if n in positions and value else value for n, value in enumerate(values)]
        for number, values in report.get("rejected_rows", {}).items()
    }
    rejections = [[row, column, _FULL_DATE.sub(r"\1", reason)] for row, column, reason in report.get("rejections", [])]
    return {**report, "rejected_rows": rows, "rejections": rejections, "masked": True}


def find_table(sheet: RawSheet, columns: tuple[Column, ...], anchor: str) -> Table:
    """Find the header row (the first row holding the `anchor` column's header
    and at least one other known header) under any title rows, and the data rows below."""
    by_header = {cells.header(name): column for column in columns for name in column.headers}
    for position, values in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
        keys = [by_header.get(cells.header(value)) for value in values]
        found = {column.key for column in keys if column is not None}
        if anchor in found and len(found) >= 2:
            return _table(sheet, position, values, keys, columns)
    wanted = "、".join(column.label for column in columns if column.required)
    raise UnreadableFile(
        _(
            "No header row was found in the first %(count)s rows of the first sheet. "
            "The sheet needs the columns %(columns)s."
        )
        % {"count": HEADER_SEARCH_ROWS, "columns": wanted}
    )


def _table(sheet: RawSheet, position: int, values: list, keys: list, columns: tuple[Column, ...]) -> Table:
    index: dict[str, int] = {}
    unknown: list[str] = []
    headers = [cells.text(value) for value in values]
    for column_no, column in enumerate(keys):
        if column is not None and column.key not in index:
            index[column.key] = column_no
        elif headers[column_no]:
            unknown.append(headers[column_no])
    missing = [column.label for column in columns if column.required and column.key not in index]
    if missing:
        raise UnreadableFile(_("The sheet lacks these columns: %(columns)s.") % {"columns": "、".join(missing)})
    counter = next((n for n, h in enumerate(headers) if cells.header(h) in ROW_COUNTER_HEADERS), None)
    rows = []
    for offset, raw in enumerate(sheet.rows[position + 1 :], start=position + 2):
        if all(cells.text(value) == "" for value in raw):
            continue
        if counter is not None and counter < len(raw) and cells.compact(raw[counter]) in EXAMPLE_MARKERS:
            continue
        rows.append(Row(offset, raw, index, sheet.date1904))
    return Table(headers, index, unknown, rows, position + 1)


class Importer:
    """One kind of sheet. Subclasses set the class attributes and implement
    `plan_rows` and `write`."""

    kind: str = ""
    label: str = ""
    do_not_call_in_templates = True  # templates read the class's attributes
    columns: tuple[Column, ...] = ()
    anchor: str = "name"
    roles: frozenset[str] = frozenset()
    # The downloadable template: its columns, example row, drop-down lists and text columns.
    template_keys: tuple[str, ...] = ()
    template_example: dict[str, str] = {}
    template_choices: dict[str, tuple[str, ...]] = {}
    template_group_keys: tuple[str, ...] = ("group",)
    template_text_keys: tuple[str, ...] = ()

    def __init__(self, *, committee, user=None, progress: Callable[[int, int], None] | None = None) -> None:
        self.committee = committee
        self.user = user
        self.progress = progress or (lambda done, total: None)

    @classmethod
    def column(cls, key: str) -> Column:
        return next(column for column in cls.columns if column.key == key)

    def plan(self, sheet: RawSheet) -> Plan:
        table = find_table(sheet, self.columns, self.anchor)
        plan = Plan(total=len(table.rows), headers=table.headers, unknown=table.unknown)
        for row, error in self.plan_rows(table, plan):
            column_no = table.index.get(error.column)
            header = table.headers[column_no] if column_no is not None else ""
            plan.rejections.append(Rejection(row.number, header, error.message))
            plan.rejected_rows.setdefault(row.number, [cells.text(value) for value in row.values])
        return plan

    def plan_rows(self, table: Table, plan: Plan) -> Iterator[tuple[Row, RowError]]:
        """Fill the plan's counts and `work`; yield each rejected row with its error."""
        raise NotImplementedError

    def write(self, plan: Plan) -> None:
        raise NotImplementedError
