"""Summaries cached until the records change.

Summary pages (the home page's figures, a group's page, scorecards, the
dashboard) are computed from thousands of rows but change only when someone
records something. `cached(name, parts, compute)` keeps a computed value in the
shared cache under the *records version*, a token that every write to the
records replaces:

- a save or delete of any model of the portal's apps, and a change of a
  many-to-many link, replaces it (signals, connected in `SectorsConfig.ready`),
  except the bookkeeping models in `NOT_RECORDS` and history rows (their
  record's own save counts);
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

import time
import uuid
from collections.abc import Callable, Hashable, Iterable
from typing import TypeVar

from django.core.cache import cache
from django.db import transaction

T = TypeVar("T")
LOCAL_SIZE = 32
_local: dict[str, tuple[float, object]] = {}  # key → (expires at, value), oldest first

VERSION_KEY = "records-version"
TIMEOUT = 60  # seconds: the bound on staleness between processes without a shared cache
APPS = frozenset({"sectors", "activities", "reports"})
# Writes that change no summary: sign-in bookkeeping, the audit trail, messages, import runs' progress.
NOT_RECORDS = frozenset({"sectors.user", "sectors.auditevent", "sectors.notification", "sectors.importrun"})


def records_version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        if not cache.add(VERSION_KEY, version, None):
            version = cache.get(VERSION_KEY) or version
    return version


def _new_version() -> None:
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)


def records_changed() -> None:
    """The records changed: every cached summary is computed afresh (now, and once committed)."""
    _new_version()
    transaction.on_commit(_new_version)


def cached(name: str, parts: Iterable[Hashable], compute: Callable[[], T]) -> T:
    """`compute()`, or its value cached for these records: `parts` name what it depends
    on besides the records (year, group, language, today, the user's scope).

    The value is shared: callers read it and never change it. Each process also keeps
    the last LOCAL_SIZE values it used, so a hit costs no unpickling (a year's scores
    are tens of thousands of objects)."""
    key = ":".join([name, records_version(), *(str(part) for part in parts)])
    now = time.monotonic()
    local = _local.get(key)
    if local is not None and local[0] > now:
        return local[1]
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TIMEOUT)
    _local[key] = (now + TIMEOUT, value)
    while len(_local) > LOCAL_SIZE:
        _local.pop(next(iter(_local)))
    return value


def is_record(model) -> bool:
    meta = model._meta
    history = model.__name__.startswith("Historical")
    return meta.app_label in APPS and meta.label_lower not in NOT_RECORDS and not history


def _on_write(sender, **kwargs) -> None:
    if kwargs.get("raw"):  # loaddata
        return
    if is_record(sender):
        records_changed()


def _on_links(sender, action: str, **kwargs) -> None:
    if action in {"post_add", "post_remove", "post_clear"} and is_record(sender):
        records_changed()


def connect() -> None:
    from django.db.models.signals import m2m_changed, post_delete, post_save

    post_save.connect(_on_write, dispatch_uid="freshness-save")
    post_delete.connect(_on_write, dispatch_uid="freshness-delete")
    m2m_changed.connect(_on_links, dispatch_uid="freshness-links")
