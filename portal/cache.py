"""Summaries cached until the records change.

Summary pages (the home page's figures, a group's page, scorecards, the
dashboard) are computed from thousands of rows but change only when someone
records something. `cached(name, parts, compute)` keeps a computed value in the
shared cache under the *records version*, a token that every write to the
records replaces:

- a save or delete of any model of the portal's apps, and a change of a
  many-to-many link, replaces it (signals, connected in `SectorsConfig.ready`),
  except the bookkeeping models in `NOT_RECORDS` and history rows (their
  record's own save counts). A model with a `records_year` (an activity: its
  date's year) that is added, deleted or re-linked replaces only the tokens of
  that year and the years either side: last year's pages stay cached while this
  year's activities are logged;
- writes that bypass the signals (imports, `bulk_create`, `update()`) call
  `records_changed()` themselves.

The token is replaced at once and again when the transaction commits, so a
summary computed by another request while the write was not yet committed is
left under a token no one asks for any more.

Across processes the token is shared through the cache: with Redis (production)
every worker sees a change on its next request. Without Redis each process has
its own memory cache, so a value is also dropped after `TIMEOUT` seconds: a
change made in one process shows in another within that time.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Hashable, Iterable
from typing import TypeVar

from django.core.cache import cache
from django.db import transaction

T = TypeVar("T")
LOCAL_SIZE = 32
_local: dict[str, tuple[float, object]] = {}  # key → (expires at, value), oldest first
_local_lock = threading.Lock()

VERSION_KEY = "records-version"  # replaced by every change
UNDATED_KEY = "records-version:undated"  # replaced by changes not confined to some years
TIMEOUT = 60  # seconds: the bound on staleness between processes without a shared cache
APPS = frozenset({"sectors", "activities", "reports"})
# Writes that change no summary: sign-in bookkeeping, the audit trail, messages, import runs' progress.
NOT_RECORDS = frozenset({"sectors.user", "sectors.auditevent", "sectors.notification", "sectors.importrun"})


def _year_key(year: int) -> str:
    return f"{VERSION_KEY}:{year}"


def records_version(year: int | None = None) -> str:
    """The token of the records as a whole; with `year`, the tokens of what can change
    that year's summaries: the changes not confined to other years, and the year's own."""
    keys = [VERSION_KEY] if year is None else [UNDATED_KEY, _year_key(year)]
    found = _tokens(keys)
    return ".".join(found[key] for key in keys)


def _tokens(keys: list[str]) -> dict[str, str]:
    """The version tokens under `keys`, each made (once, for every process) if missing."""
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:
            token = uuid.uuid4().hex
            found[key] = token if cache.add(key, token, None) else cache.get(key) or token
    return found


def _renew(keys: list[str]) -> None:
    cache.set_many({key: uuid.uuid4().hex for key in keys}, None)


def records_changed(*, year: int | None = None) -> None:
    """The records changed: the cached summaries are computed afresh (now, and once committed).

    With `year` (a record dated in that year was added, deleted or linked to other
    groups), only the summaries of that year and of the years either side, which may
    count it (a December meeting, a plan for the next year), and those of no one year
    (`cached` without `year`, e.g. a trend over all years); otherwise all of them."""
    if year is None:
        keys = [VERSION_KEY, UNDATED_KEY]
    else:
        keys = [VERSION_KEY, *(_year_key(y) for y in (year - 1, year, year + 1))]
    _renew(keys)
    transaction.on_commit(lambda: _renew(keys))


def cached(name: str, parts: Iterable[Hashable], compute: Callable[[], T], *, year: int | None = None) -> T:
    """`compute()`, or its value cached for these records: `parts` name what it depends
    on besides the records (group, language, today, the user's scope); `year`, for a
    summary of one year, lets changes to other years' records leave it cached.

    The value is shared: callers read it and never change it. Each process also keeps
    the last LOCAL_SIZE values it used, so a hit costs no unpickling (a year's scores
    are tens of thousands of objects)."""
    key = ":".join([name, records_version(year), str(year), *(str(part) for part in parts)])
    now = time.monotonic()
    local = _local.get(key)
    if local is not None and local[0] > now:
        return local[1]
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TIMEOUT)
    with _local_lock:  # the development server answers requests in threads
        _local[key] = (now + TIMEOUT, value)
        while len(_local) > LOCAL_SIZE:
            _local.pop(next(iter(_local)))
    return value


def cached_by_year(
    name: str, parts: Iterable[Hashable], years: list[int], compute: Callable[[list[int]], list[T]]
) -> list[T]:
    """One value per year, each cached as `cached(..., year=y)` would, so that a change
    to this year's records leaves the other years' values cached: `compute(missing)`
    gives the values of the years not cached, in their order, in one call (a trend
    over ten years then reads one year's rows after a write, not ten years')."""
    found = _tokens([UNDATED_KEY, *(_year_key(year) for year in years)])
    suffix = [str(part) for part in parts]
    names = {y: ":".join([name, f"{found[UNDATED_KEY]}.{found[_year_key(y)]}", str(y), *suffix]) for y in years}
    values = cache.get_many(list(names.values()))
    missing = [y for y in years if names[y] not in values]
    if missing:
        fresh = dict(zip(missing, compute(missing), strict=True))
        cache.set_many({names[y]: fresh[y] for y in missing}, TIMEOUT)
        values |= {names[y]: fresh[y] for y in missing}
    return [values[names[y]] for y in years]


def is_record(model) -> bool:
    meta = model._meta
    history = model.__name__.startswith("Historical")
    return meta.app_label in APPS and meta.label_lower not in NOT_RECORDS and not history


def _year_of(instance) -> int | None:
    """The year a record counts in, for a model that says (`records_year`, e.g. an activity's date)."""
    return getattr(instance, "records_year", None)


def _on_save(sender, instance, created: bool = False, raw: bool = False, **kwargs) -> None:
    if is_record(sender) and not raw:  # raw: loaddata
        # A new record counts in its own year; a changed one may have moved to another.
        records_changed(year=_year_of(instance) if created else None)


def _on_delete(sender, instance, **kwargs) -> None:
    if is_record(sender):
        records_changed(year=_year_of(instance))


def _on_links(sender, instance, action: str, **kwargs) -> None:
    if action in {"post_add", "post_remove", "post_clear"} and is_record(sender):
        records_changed(year=_year_of(instance))


def connect() -> None:
    from django.db.models.signals import m2m_changed, post_delete, post_save

    post_save.connect(_on_save, dispatch_uid="freshness-save")
    post_delete.connect(_on_delete, dispatch_uid="freshness-delete")
    m2m_changed.connect(_on_links, dispatch_uid="freshness-links")
