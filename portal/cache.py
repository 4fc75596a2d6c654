"""Summaries cached until the records change, whatever wrote the change.

Summary pages (the home page's figures, a group's page, a member's record,
scorecards, the dashboard) are computed from thousands of rows but change only
when someone records something. `cached(name, parts, compute)` keeps a computed
value in the shared cache under the *records version*, a token that every write
to the records replaces.

How a write is seen: by the SQL, not by remembering. `install()` puts an execute
wrapper on every database connection (Django's `connection.execute_wrapper`,
added when a connection opens). A statement that writes (INSERT, UPDATE, DELETE,
TRUNCATE) to one of the *watched tables* replaces the version. The apps name
their tables (`watch`, from `SectorsConfig.ready`): the records, not the history
rows, nor the bookkeeping each app names in its `not_records` (sign-ins, the audit
trail, messages, import and export runs, notice receipts, a planned meeting's answers
and check-ins), which no summary may read (`PORTAL_CHECK_SUMMARY_READS` fails a
summary that does, in development and the tests). So a model `save()`, `bulk_create`,
`QuerySet.update()`, a many-to-many change, raw SQL through Django's cursor,
`loaddata`, an import or an admin action all count, and a new writer needs nothing.
What bypasses Django's cursor (a restore that replaces the database file,
`pg_restore`) calls `records_changed()` itself.

When: a write in autocommit replaces the version at once. A write inside a
transaction replaces it when the transaction commits (`on_commit`); until then
the writing connection alone sees a version of its own (a *salt* that each of
its writes replaces), so it reads its own changes, and what it computes from
uncommitted rows is kept under keys no other connection asks for: a rollback
leaves no trace in what others read.

Years: a write made inside `confined_to(year, ...)` (recording or deleting one
activity) replaces only the tokens of those years and of the year after each (a
summary of a year compares it with the year before: the same span of last year,
the previous period's figures). No summary of a year reads a later year's records,
so last year's pages stay cached while this year's activities are logged. A
summary that reads several years (the dashboard's trend since 2019) is kept under
the tokens of all of them (`cached(..., years=...)`). Any other write replaces
every token. Confinement is an optimisation only: a writer that does not declare
it makes summaries be computed afresh more often, never stale.

Once per change: when a value is missing, one process computes it while the
others wait for it (`cache.add` lock, `WAIT_SECONDS` at most, then they compute
themselves), rather than every worker recomputing the dashboard at once.

How long: with Redis (production) the versions are shared, so an entry is valid
until the version changes; it is kept `ENTRY_SECONDS` only so that keys no one
asks for again (yesterday's, an old version's) are collected. Without Redis each
process has its own memory cache, hence its own versions, so a value is also
dropped after `LOCAL_SECONDS`: a change made in one process shows in another
within that time.

This module imports no app: it is platform code.
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
import uuid
from collections.abc import Callable, Hashable, Iterable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import DEFAULT_DB_ALIAS, connections, transaction

T = TypeVar("T")
LOCAL_SIZE = 32
_local: dict[str, tuple[float, object]] = {}  # key → (expires at, value), oldest first
_local_lock = threading.Lock()

VERSION_KEY = "records-version"  # replaced by every change
UNDATED_KEY = "records-version:undated"  # replaced by changes not confined to some years
LOCAL_SECONDS = 60  # without a shared cache: the bound on staleness between processes
TIMEOUT = LOCAL_SECONDS  # the former name
ENTRY_SECONDS = 24 * 60 * 60  # with a shared cache: collects keys no one asks for again
LOCK_SECONDS = 60  # a computing process that died frees its lock after this
WAIT_SECONDS = 10.0  # the longest a request waits for another's computation
POLL_SECONDS = 0.05

_watched: set[str] = set()
_bookkeeping: set[str] = set()  # the apps' tables that no summary may read (`watch`)
_state = threading.local()  # .years: the confinement stack of this thread; .computing: the summaries
_MISSING = object()

# The table a statement writes to: INSERT [OR …] INTO t, REPLACE INTO t, UPDATE t, DELETE FROM t.
_WRITE = re.compile(
    r"\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|REPLACE\s+INTO|UPDATE(?:\s+OR\s+\w+)?|DELETE\s+FROM)\s+[\"`]?([\w$]+)",
    re.IGNORECASE,
)
_NAME = re.compile(r"[\"`]?([\w$]+)[\"`]?")
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "TRUNCATE")


# --- what is watched, what a statement writes ---------------------------------------------


def watch(tables: Iterable[str], *, bookkeeping: Iterable[str] = ()) -> None:
    """Writes to these tables change the records (the apps call it from `ready()`).
    `bookkeeping`: the apps' other tables, whose writes renew nothing, so that no summary
    may read them (checked with `PORTAL_CHECK_SUMMARY_READS`, on in development and tests)."""
    _watched.update(table.lower() for table in tables)
    _bookkeeping.update(table.lower() for table in bookkeeping)


class ReadsBookkeeping(Exception):
    """A summary read a bookkeeping table: its cached value would go stale on that table's writes."""


@contextmanager
def _reads_checked(name: str) -> Iterator[None]:
    """While a summary is computed and stored (a lazy queryset runs when it is pickled): a
    statement of Django's cursor naming a bookkeeping table fails, naming the innermost
    summary being computed. Raw SQL that leaves its table names unquoted is not seen."""
    if not _bookkeeping or not getattr(settings, "PORTAL_CHECK_SUMMARY_READS", False):
        yield
        return
    computing = _computing_stack()
    computing.append(name)
    try:
        if len(computing) > 1:  # the outermost summary's check is in place
            yield
            return
        with connections[DEFAULT_DB_ALIAS].execute_wrapper(_refuse_bookkeeping):
            yield
    finally:
        computing.pop()


def _computing_stack() -> list[str]:
    if not hasattr(_state, "computing"):
        _state.computing = []
    return _state.computing


def _refuse_bookkeeping(execute, sql, params, many, context):
    named = {table.lower() for table in _QUOTED.findall(str(sql))} & _bookkeeping
    if named:
        raise ReadsBookkeeping(
            f"the summary {_computing_stack()[-1]!r} reads {', '.join(sorted(named))}, whose writes renew no "
            "summary: read it outside the cached computation, or make it a record (the app's not_records)"
        )
    return execute(sql, params, many, context)


def watched() -> frozenset[str]:
    return frozenset(_watched)


def written_tables(sql) -> set[str]:
    """The tables a statement writes to; empty for a read."""
    if isinstance(sql, bytes):
        sql = sql.decode(errors="replace")
    if not isinstance(sql, str):
        sql = str(sql)
    head = sql[:12].lstrip().upper()
    if not head.startswith(_WRITES):
        return set()
    if head.startswith("TRUNCATE"):  # TRUNCATE [TABLE] a, b, … [RESTART IDENTITY] (PostgreSQL's flush)
        listed = re.sub(r"^\s*TRUNCATE\s+(?:TABLE\s+)?", "", sql, flags=re.IGNORECASE)
        return {match.group(1).lower() for part in listed.split(",") if (match := _NAME.match(part.strip()))}
    match = _WRITE.match(sql)
    return {match.group(1).lower()} if match else set()


# --- the versions -------------------------------------------------------------------------


def _year_key(year: int) -> str:
    return f"{VERSION_KEY}:{year}"


def _keys_changed(years: Iterable[int] | None) -> list[str]:
    """The tokens a change replaces: every summary's, or (confined to years) those of each
    year and of the year after it (whose summaries compare with it), and of the summaries
    of no one year."""
    if years is None:
        return [VERSION_KEY, UNDATED_KEY]
    near = sorted({y + step for y in years for step in (0, 1)})
    return [VERSION_KEY, *(_year_key(y) for y in near)]


def records_version(year: int | None = None) -> str:
    """The token of the records as a whole; with `year`, the tokens of what can change
    that year's summaries: the changes not confined to other years, and the year's own.
    Inside a transaction that wrote, the connection's own salt is added."""
    keys = _keys_read(None if year is None else [year])
    return _joined(_tokens(keys), keys)


def _keys_read(years: Iterable[int] | None) -> list[str]:
    """The tokens a summary of these years' records is kept under (None: of all the records)."""
    return [VERSION_KEY] if years is None else [UNDATED_KEY, *(_year_key(y) for y in years)]


def _joined(found: dict[str, str], keys: list[str]) -> str:
    """The tokens under `keys`, with this connection's uncommitted salts of them."""
    return ".".join([*(found[key] for key in keys), *_salts(keys)])


def _tokens(keys: list[str]) -> dict[str, str]:
    """The version tokens under `keys`, each made (once, for every process) if missing."""
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:
            token = uuid.uuid4().hex
            found[key] = token if cache.add(key, token, None) else cache.get(key) or token
    return found


def _renew(keys: Iterable[str]) -> None:
    cache.set_many({key: uuid.uuid4().hex for key in keys}, None)


def records_changed(*, year: int | None = None) -> None:
    """The records changed: the cached summaries are computed afresh (now, and once committed).

    Writes through Django's cursor are seen without it (see the module's text); it
    remains for what bypasses the cursor (a restore of the database file). With
    `year`, only the summaries of that year and the next, and those of no one year;
    otherwise all of them."""
    keys = _keys_changed(None if year is None else [year])
    _renew(keys)
    transaction.on_commit(lambda: _renew(keys))


@contextmanager
def confined_to(*years: int | None) -> Iterator[None]:
    """Writes made inside change only these years' records (one activity's own rows:
    the activity, its groups, attendance, files, duty reports). An optimisation: see
    the module's text. None among `years` (a date not known) confines nothing."""
    stack = _years_stack()
    stack.append(None if None in years else frozenset(years))
    try:
        yield
    finally:
        stack.pop()


def _years_stack() -> list:
    if not hasattr(_state, "years"):
        _state.years = []
    return _state.years


def _confinement() -> frozenset[int] | None:
    stack = _years_stack()
    return stack[-1] if stack else None


# --- seeing writes: the execute wrapper ----------------------------------------------------


class _Pending:
    """The tokens a transaction's writes replace when it commits, with the writing
    connection's salt of each until then (registered once per transaction with on_commit)."""

    def __init__(self) -> None:
        self.salts: dict[str, str] = {}

    def __call__(self) -> None:
        _renew(self.salts)


def _pending(connection) -> _Pending | None:
    """This transaction's pending change, if it wrote to the records."""
    pending = getattr(connection, "_freshness_pending", None)
    if pending is None or not connection.in_atomic_block:
        return None
    if not any(entry[1] is pending for entry in connection.run_on_commit):
        return None  # committed or rolled back since
    return pending


def _salts(keys: Iterable[str]) -> list[str]:
    """The salts this connection's uncommitted writes added to these tokens."""
    pending = _pending(connections[DEFAULT_DB_ALIAS])
    if pending is None:
        return []
    return [pending.salts[key] for key in keys if key in pending.salts]


def _wrote(connection) -> None:
    keys = _keys_changed(_confinement())
    if not connection.in_atomic_block:
        _renew(keys)
        return
    pending = _pending(connection)
    if pending is None:
        pending = connection._freshness_pending = _Pending()
        connection.on_commit(pending)
    pending.salts.update({key: uuid.uuid4().hex for key in keys})


def _watch_writes(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    if _watched and not written_tables(sql).isdisjoint(_watched):
        _wrote(context["connection"])
    return result


def _on_connection(sender, connection, **kwargs) -> None:
    if _watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.insert(0, _watch_writes)


def install() -> None:
    """Watch the writes of every database connection, from the next one opened (and
    those already open)."""
    from django.db.backends.signals import connection_created

    connection_created.connect(_on_connection, dispatch_uid="freshness-writes")
    for connection in connections.all(initialized_only=True):
        _on_connection(None, connection)


# --- the cached values -----------------------------------------------------------------------


def _shared() -> bool:
    """Whether the cache (and so the versions) is shared by every process."""
    return not isinstance(caches["default"], LocMemCache)


def _entry_seconds() -> int:
    return ENTRY_SECONDS if _shared() else LOCAL_SECONDS


def _computed_once(key: str, compute: Callable[[], T]) -> T:
    """The value under `key`, computed by one process at a time: the others wait for it
    (at most WAIT_SECONDS, then compute it themselves). Computing and storing it, the
    summary's reads are checked (its name begins the key)."""
    value = cache.get(key, _MISSING)
    if value is not _MISSING:
        return value
    lock = f"{key}:computing"
    held = cache.add(lock, 1, LOCK_SECONDS)
    deadline = time.monotonic() + WAIT_SECONDS
    while not held and time.monotonic() < deadline:
        if cache.get(lock) is None:  # freed (computed, or failed), or no cache at all
            held = cache.add(lock, 1, LOCK_SECONDS)
            if not held:
                break
        else:
            time.sleep(POLL_SECONDS)
        value = cache.get(key, _MISSING)
        if value is not _MISSING:
            return value
    try:
        with _reads_checked(key.split(":", 1)[0]):
            value = compute()
            cache.set(key, value, _entry_seconds())
    finally:
        if held:
            cache.delete(lock)
    return value


def cached(
    name: str,
    parts: Iterable[Hashable],
    compute: Callable[[], T],
    *,
    year: int | None = None,
    years: Iterable[int] | None = None,
) -> T:
    """`compute()`, or its value cached for these records: `parts` name what it depends
    on besides the records (group, language, today, the user's scope); `year`, for a
    summary of one year, lets changes to other years' records leave it cached; `years`,
    for a summary that reads the records of several years (a trend), those of the others,
    and `years=()` for a value that reads none of the rows a write confined to a year
    touches (the committee, its groups): only a change of no one year renews it.

    The value is shared: callers read it and never change it. Each process also keeps
    the last LOCAL_SIZE values it used, so a hit costs no unpickling (a year's scores
    are tens of thousands of objects)."""
    key = ":".join([name, *_version_and_label(year, years), *(str(part) for part in parts)])
    now = time.monotonic()
    local = _local.get(key)
    if local is not None and local[0] > now:
        return local[1]
    value = _computed_once(key, compute)
    expires = now + LOCAL_SECONDS if not _shared() else float("inf")
    with _local_lock:  # the development server answers requests in threads
        _local[key] = (expires, value)
        while len(_local) > LOCAL_SIZE:
            _local.pop(next(iter(_local)))
    return value


def _version_and_label(year: int | None, years: Iterable[int] | None) -> tuple[str, str]:
    """The records' token a summary is kept under, and the years it names in its key."""
    if years is None:
        return records_version(year), str(year)
    if year is not None:
        raise TypeError("cached() takes year or years, not both")
    chosen = sorted(set(years))
    keys = _keys_read(chosen)  # none: reads no year's activities
    digest = hashlib.blake2b(_joined(_tokens(keys), keys).encode(), digest_size=16).hexdigest()  # short, for many
    return digest, ",".join(map(str, chosen))


def cached_by_year(
    name: str, parts: Iterable[Hashable], years: list[int], compute: Callable[[list[int]], list[T]]
) -> list[T]:
    """One value per year, each cached as `cached(..., year=y)` would, so that a change
    to this year's records leaves the other years' values cached: `compute(missing)`
    gives the values of the years not cached, in their order, in one call (a trend
    over ten years then reads one year's rows after a write, not ten years')."""
    found = _tokens(_keys_read(years))
    suffix = [str(part) for part in parts]
    names = {y: ":".join([name, _joined(found, _keys_read([y])), str(y), *suffix]) for y in years}
    values = cache.get_many(list(names.values()))
    missing = [y for y in years if names[y] not in values]
    if missing:
        with _reads_checked(name):
            fresh = dict(zip(missing, compute(missing), strict=True))
            cache.set_many({names[y]: fresh[y] for y in missing}, _entry_seconds())
        values |= {names[y]: fresh[y] for y in missing}
    return [values[names[y]] for y in years]


# --- a list's count ----------------------------------------------------------------------

_QUOTED = re.compile(r'"([^"]+)"')


@lru_cache(maxsize=1)
def _model_tables() -> frozenset[str]:
    from django.apps import apps

    return frozenset(model._meta.db_table.lower() for model in apps.get_models(include_auto_created=True))


def _reads_records_only(sql: str) -> bool:
    """Whether every table the statement names is one whose writes replace the version."""
    named = {name.lower() for name in _QUOTED.findall(sql)} & _model_tables()
    return bool(named) and named <= _watched


def count_of(queryset) -> int:
    """`queryset.count()`, kept until the records change: every page of a list counts its
    whole filter, and on PostgreSQL the COUNT(*) over ten years of activities is the
    slowest query of the page. The key is the query's own SQL and parameters, so any
    filter or scope gives its own entry. Counted each time when the cache is not shared
    (each process's versions are its own) or when the query reads a table outside the
    records (the audit trail, notifications: their writes replace no version)."""
    if not _shared():
        return queryset.count()
    sql, params = queryset.query.get_compiler(queryset.db).as_sql()
    if not _reads_records_only(sql):
        return queryset.count()
    digest = hashlib.sha256(repr((queryset.db, sql, params)).encode()).hexdigest()[:32]
    key = f"count:{records_version()}:{digest}"
    value = cache.get(key)
    if value is None:
        value = queryset.count()
        cache.set(key, value, _entry_seconds())
    return value
