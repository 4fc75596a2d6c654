"""What the portal does when a service it depends on fails.

- SQLite is locked by another writer for longer than the connection waits
  ("database is locked"): a Chinese "busy, try again" 503 page with Retry-After;
  the request's transaction was rolled back, so nothing is half-written.
- The database connection breaks (PostgreSQL restarted, the connection killed):
  the request that met it gets a short Chinese 503 page instead of a traceback,
  the broken connection is closed at once, and the next request opens a new one.
- Redis (cache) is unreachable: the cache answers "not cached" and the page is
  computed as if it had never been cached (`TolerantRedisCache`).
- The Celery broker is unreachable: work handed to `run_later` is done in the
  web process instead of being lost, and the page says so.
"""

from __future__ import annotations

import logging
import sys

from django.contrib import messages
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.db import DatabaseError, InterfaceError, OperationalError, connections, transaction
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views import defaults

logger = logging.getLogger(__name__)


def server_error(request: HttpRequest) -> HttpResponse:
    """The portal's handler500: a lost database connection answers 503 (retry shortly).

    Django calls it for an exception raised anywhere in a request, in a view or
    in a middleware (the session and two-factor middleware query the database
    before any view runs), so it is the one place that can tell a broken
    connection from a bug. The broken connection is closed at once, so the next
    request opens a new one; anything else is Django's ordinary 500 page.
    """
    failure = sys.exc_info()[1]
    if is_database_busy(failure):
        # SQLite's one writer held the lock for longer than the connection's timeout (a
        # long import, a backup): this request's transaction was rolled back whole.
        logger.warning("Database busy during %s %s; answered 503", request.method, request.path)
        response = HttpResponse(render_to_string("503_busy.html"), status=503)
        response["Retry-After"] = str(BUSY_RETRY_AFTER)
        return response
    if isinstance(failure, OperationalError | InterfaceError):
        broken = [alias for alias in connections if not _usable(alias)]
        if broken:
            for alias in broken:
                connections[alias].close()
            logger.warning("Database connection lost during %s %s; answered 503", request.method, request.path)
            response = HttpResponse(render_to_string("503.html"), status=503)
            response["Retry-After"] = "5"
            return response
    return defaults.server_error(request)


BUSY_RETRY_AFTER = 10  # seconds


def is_database_busy(failure: BaseException | None) -> bool:
    """SQLite's "database is locked" (or "busy"): another connection holds the write lock."""
    return isinstance(failure, OperationalError) and any(
        words in str(failure) for words in ("database is locked", "database table is locked", "database is busy")
    )


def _usable(alias: str) -> bool:
    connection = connections[alias]
    if connection.connection is None:
        return True
    try:
        return connection.is_usable()
    except DatabaseError:
        return False


# Any failure talking to Redis: connection refused, timeout, server gone mid-reply.
try:
    from redis.exceptions import RedisError
except ImportError:  # pragma: no cover - redis is a requirement
    RedisError = OSError  # type: ignore[assignment,misc]


class SharedClientRedis(RedisCacheClient):
    """Django's Redis client, keeping one `redis.Redis` per connection pool.

    Django's own builds a new `redis.Redis` (with its table of reply parsers) for
    every cache operation: about 50 µs each, and a signed-in page makes a dozen
    (session, versions, summaries). A `redis.Redis` may be shared between threads:
    the pool hands each command a connection (and renews itself in a forked worker).
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class TolerantRedisCache(RedisCache):
    """Django's Redis cache that treats an unreachable Redis as an empty cache.

    Caching is an optimisation: when Redis is down, reads miss and writes are
    dropped (logged once per call), so every page still works, computed afresh.
    """

    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = SharedClientRedis

    def _tolerant(self, name: str, default, *args, **kwargs):
        try:
            return getattr(super(), name)(*args, **kwargs)
        except (RedisError, OSError) as failure:
            logger.warning("Redis cache unavailable (%s): %s", name, failure)
            return default

    def get(self, key, default=None, version=None):
        return self._tolerant("get", default, key, default, version)

    def get_many(self, keys, version=None):
        return self._tolerant("get_many", {}, keys, version)

    def set(self, key, value, timeout=None, version=None):
        return self._tolerant("set", None, key, value, timeout, version)

    def add(self, key, value, timeout=None, version=None):
        return self._tolerant("add", False, key, value, timeout, version)

    def set_many(self, data, timeout=None, version=None):
        return self._tolerant("set_many", list(data), data, timeout, version)

    def delete(self, key, version=None):
        return self._tolerant("delete", False, key, version)

    def delete_many(self, keys, version=None):
        return self._tolerant("delete_many", None, keys, version)

    def touch(self, key, timeout=None, version=None):
        return self._tolerant("touch", False, key, timeout, version)

    def has_key(self, key, version=None):
        return self._tolerant("has_key", False, key, version)

    def incr(self, key, delta=1, version=None):
        return self._tolerant("incr", None, key, delta, version)

    def clear(self):
        return self._tolerant("clear", None)


def run_later(task, *args, request: HttpRequest | None = None, what: str = "", **kwargs) -> None:
    """Hand `task` to the Celery worker once the current transaction commits.

    When the broker cannot be reached, the work is done here, in the web
    process, so nothing is lost; `request` (if given) gets a message naming
    `what` was affected. When the broker is up but the worker is down, the task
    waits in Redis and runs when the worker returns.
    """

    def send() -> None:
        try:
            task.apply_async(args=args, kwargs=kwargs, retry=False)
        except Exception as failure:  # kombu raises OperationalError, redis ConnectionError, OSError…
            logger.warning("Celery broker unavailable for %s (%s); running it in the web process", task.name, failure)
            task.apply(args=args, kwargs=kwargs)
            if request is not None:
                messages.warning(
                    request,
                    _("The background service is unavailable: %(what)s was done directly and may have been slow.")
                    % {"what": what or task.name},
                )

    transaction.on_commit(send)
