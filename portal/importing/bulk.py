"""Inserting thousands of new rows with their history rows, fast.

`Model.objects.bulk_create` (and simple-history's bulk_create_with_history,
which calls it twice) spends most of its time compiling SQL value by value in
Python: 200,000 attendance rows and as many history rows took minutes. Here
the primary keys are reserved first (the PostgreSQL sequence, or SQLite's
next ids inside the import's write-locked transaction), and each table gets one
`executemany` per batch: the database driver does the per-row work in C.

The history rows are what django-simple-history writes for a creation
("+", who, when), one per new row, so every imported row has its history as
if it had been saved one by one. Only plain fields are supported: what the
importers create (no file fields, no many-to-many beyond the through rows
they insert themselves).
"""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.utils import timezone
from simple_history.utils import get_history_manager_for_model

BATCH = 5000
PAGE = 1000  # rows per multi-row INSERT on PostgreSQL


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """`count` primary keys no other row has or will get."""
    if not count:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, model._meta.pk.column, count],
            )
            return [row[0] for row in cursor.fetchall()]
        # SQLite: the import's transaction holds the write lock (BEGIN IMMEDIATE),
        # so the next ids are ours. AUTOINCREMENT tables remember deleted ids too.
        cursor.execute(f'SELECT COALESCE(MAX("{model._meta.pk.column}"), 0) FROM "{table}"')
        highest = cursor.fetchone()[0]
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        start = max(highest, row[0] if row else 0) + 1
        return list(range(start, start + count))


def _converter(field: models.Field, db):
    """How a value reaches the driver; None where the driver takes the Python value as it is."""
    if isinstance(field, models.DateTimeField):
        return lambda value: field.get_db_prep_save(value, db)
    if isinstance(field, models.DateField):
        return db.ops.adapt_datefield_value
    if isinstance(field, models.JSONField | models.DecimalField | models.UUIDField):
        return lambda value: field.get_db_prep_save(value, db)
    return None


def _insert(model: type[models.Model], fields: list[models.Field], rows: list[list]) -> None:
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    db = connections[DEFAULT_DB_ALIAS]  # the real connection, not the thread-local proxy, in the loop
    converters = [(n, c) for n, c in enumerate(_converter(field, db) for field in fields) if c is not None]
    cache: dict = {}
    for row in rows:
        for position, convert in converters:
            value = row[position]
            if isinstance(value, dict | list):
                row[position] = convert(value)
                continue
            # The same instant (history_date) or day recurs on many rows: convert it once.
            key = (position, value)
            if key not in cache:
                cache[key] = convert(value)
            row[position] = cache[key]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            batch = rows[start : start + BATCH]
            if connection.vendor == "postgresql":
                # psycopg2's executemany is one round trip per row: multi-row VALUES
                # statements instead (as psycopg2's execute_values builds them), sent
                # through Django's cursor so that portal.cache sees the write.
                row_sql = f"({placeholders})"
                for page in range(0, len(batch), PAGE):
                    values = b",".join(cursor.cursor.mogrify(row_sql, row) for row in batch[page : page + PAGE])
                    cursor.execute(f"INSERT INTO {table} ({columns}) VALUES " + values.decode())
            else:
                cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", batch)


def insert_with_history(model: type[models.Model], objs: list[models.Model], *, user=None) -> list[int]:
    """Insert new, unsaved `objs` (their primary keys are set) and a creation history row for each;
    return the history rows' ids, in the order of `objs`."""
    if not objs:
        return []
    now = timezone.now()
    fields = model._meta.concrete_fields
    for obj, pk in zip(objs, reserve_ids(model, len(objs)), strict=True):
        obj.pk = pk
        obj._state.adding = False
        for field in fields:
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                setattr(obj, field.attname, now)
    _insert(model, list(fields), [[getattr(obj, field.attname) for field in fields] for obj in objs])
    history_model = get_history_manager_for_model(model).model
    tracked = [f for f in history_model._meta.concrete_fields if not f.name.startswith("history_")]
    extra = {
        "history_date": now,
        "history_type": "+",
        "history_user_id": getattr(user, "pk", None),
        "history_change_reason": None,
    }
    history_fields = [f for f in history_model._meta.concrete_fields if f.attname in extra] + tracked
    history_ids = reserve_ids(history_model, len(objs))
    history_fields.insert(0, history_model._meta.pk)
    rows = []
    for obj, history_id in zip(objs, history_ids, strict=True):
        rows.append(
            [history_id]
            + [extra[f.attname] for f in history_fields[1 : 1 + len(extra)]]
            + [getattr(obj, f.attname) for f in tracked]
        )
    _insert(history_model, history_fields, rows)
    return history_ids


def insert_plain(model: type[models.Model], rows: list[dict]) -> None:
    """Rows without history of their own (many-to-many through rows), by column values."""
    if not rows:
        return
    fields = [model._meta.get_field(name) for name in rows[0]]
    _insert(model, fields, [list(row.values()) for row in rows])
