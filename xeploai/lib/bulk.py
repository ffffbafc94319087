"""DATABASE-SPECIFIC SQL — the one module that talks to the database directly for bulk writes
(the imports, the period opening, the counts, the synthetic country).

The imports load up to hundreds of thousands of rows; Django's ``bulk_create`` manages about
13,000 rows a second, PostgreSQL's COPY 160,000–250,000 and SQLite's ``executemany`` about
126,000 (docs: shared/design/recipes.md). So:

- PostgreSQL: ``COPY … FROM STDIN`` (psycopg 3) for inserts; updates are copied into a temporary
  table and applied with one ``UPDATE … FROM``; ids are taken from the table's own sequence;
  ``lock`` is a transaction-level advisory lock. Rows whose references were just checked can be
  written without the foreign-key triggers (``checked_references``): PostgreSQL checks a foreign
  key with one query per row, more than half the time of loading 100,000 members. A load of
  millions of rows (``xeploai gen``) drops the tables' secondary indexes and constraints first
  (``drop_secondary``) and builds them again at the end (``restore_secondary``).
- SQLite: ``executemany`` in batches; ids follow the largest id ever given (``sqlite_sequence``);
  ``lock`` does nothing because SQLite's IMMEDIATE transactions already let one writer at a time.

``imports/pipeline.py`` hands this module's work for a long import to one background thread
on the same connection (PostgreSQL), so that the server writes while Python converts.

Rows are tuples of Python values in the order of the given field names; fields not given get
their model default, computed once, so a field added to a model later with a default still
works. Callers validate everything first: this module only moves rows. Every function here is
exercised by the test suite on both databases (``lib/tests/test_bulk.py``; the index
juggling through the generator's tests, ``seed/tests/test_generate.py``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import zlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import IntegrityError, connection, models
from django.db.models import NOT_PROVIDED

Values = Sequence[Any]
BATCH = 5000
IDS_PER_STATEMENT = 900  # an ORM IN list's ids per statement: SQLite binds at most 999
SEPARATOR = "\x1f"  # ASCII unit separator: never inside a code, an ID or a card number


def in_batches[T](ids: Sequence[T], size: int = IDS_PER_STATEMENT) -> Iterator[Sequence[T]]:
    """``ids`` in slices an ORM ``__in`` filter can bind on both databases."""
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _column(field: models.Field[Any, Any]) -> str:
    assert field.column is not None
    return field.column


def _columns(model: type[models.Model], fields: Sequence[str]) -> list[models.Field[Any, Any]]:
    result: list[models.Field[Any, Any]] = []
    for name in fields:
        field = model._meta.get_field(name)
        assert isinstance(field, models.Field)
        result.append(field)
    return result


def _defaults(
    model: type[models.Model], given: Sequence[str]
) -> tuple[list[models.Field[Any, Any]], tuple[Any, ...]]:
    """The concrete fields not given, and their default values (Python side)."""
    given_set = set(given)
    rest: list[models.Field[Any, Any]] = []
    values: list[Any] = []
    for field in model._meta.concrete_fields:
        if field.name in given_set or field.attname in given_set or field.primary_key:
            continue
        rest.append(field)
        if field.has_default():
            values.append(field.get_default())
        elif field.db_default is not NOT_PROVIDED or field.null:
            values.append(None)
        else:
            values.append("" if isinstance(field, models.CharField | models.TextField) else None)
    return rest, tuple(values)


def _adapters(fields: Sequence[models.Field[Any, Any]]) -> list[Callable[[Any], Any] | None]:
    """Per column, how to turn a Python value into what the driver takes (None: as is).

    Dates and datetimes go as they are: psycopg adapts them, and on SQLite Django registers the
    sqlite3 adapters that write them as ISO text (``date.isoformat()``, ``isoformat(" ")``)."""
    adapters: list[Callable[[Any], Any] | None] = []
    for field in fields:
        if isinstance(field, models.JSONField):
            adapters.append(lambda value: None if value is None else json.dumps(value))
        else:
            adapters.append(None)
    return adapters


def _adapt(
    rows: Sequence[Values], adapters: list[Callable[[Any], Any] | None]
) -> list[tuple[Any, ...]]:
    active = [(i, a) for i, a in enumerate(adapters) if a is not None]
    if not active:
        return [tuple(row) for row in rows]
    result = []
    for row in rows:
        values = list(row)
        for i, adapt in active:
            values[i] = adapt(values[i])
        result.append(tuple(values))
    return result


def allocate_ids(model: type[models.Model], count: int) -> list[int]:
    """``count`` fresh primary keys for ``model``, so that related rows can be written at once.
    They are taken: a later call (or insert) in the same transaction gets others."""
    if count == 0:
        return []
    table = model._meta.db_table
    assert model._meta.pk is not None
    pk = _column(model._meta.pk)
    with connection.cursor() as cursor:
        if _is_postgresql():
            # The sequence is looked up once, in a sub-query the plan runs before the rows
            # (``nextval(pg_get_serial_sequence(…))`` would look it up for every id: eight times
            # slower), and in the same round trip. Usually the values taken are consecutive (no
            # other session took one meanwhile): then only the first and the last travel.
            cursor.execute(
                "WITH taken AS (SELECT nextval((SELECT pg_get_serial_sequence(%s, %s)::regclass))"
                " AS id FROM generate_series(1, %s)) "
                "SELECT min(id), max(id), CASE WHEN max(id) - min(id) + 1 = count(*) THEN NULL "
                "ELSE array_agg(id) END FROM taken",
                [table, pk, count],
            )
            first, last, scattered = cursor.fetchone()
            return list(range(first, last + 1)) if scattered is None else list(scattered)
        cursor.execute(f"SELECT COALESCE(MAX({_quote(pk)}), 0) FROM {_quote(table)}")  # noqa: S608
        highest = cursor.fetchone()[0]
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        start = max(highest, row[0] if row else 0) + 1
        # Taken as an insert would take them (the table is AUTOINCREMENT): in sqlite_sequence.
        if row:
            cursor.execute(
                "UPDATE sqlite_sequence SET seq = %s WHERE name = %s", [start + count - 1, table]
            )
        else:
            cursor.execute(
                "INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)",
                [table, start + count - 1],
            )
        return list(range(start, start + count))


@dataclasses.dataclass(frozen=True)
class Encoded:
    """Rows made ready for ``insert_encoded`` ahead of the write (``encode_rows``)."""

    model: type[models.Model]
    columns: tuple[str, ...]
    count: int
    data: bytes | list[tuple[Any, ...]]  # binary COPY data (PostgreSQL), or the rows (SQLite)


def _type_name(field: models.Field[Any, Any]) -> str:
    """The column's PostgreSQL type as the model declares it, without its modifier."""
    declared = field.db_type(connection)
    assert declared is not None
    return declared.split("(", 1)[0]


def encode_rows(
    model: type[models.Model], fields: Sequence[str], rows: Sequence[Values]
) -> Encoded:
    """``rows`` (as for ``insert_rows``) made ready to write, without a round trip: on PostgreSQL
    in the binary COPY format, each column typed as the model declares it (every value must be
    of its column's Python type: a date a ``date``, a number an ``int``…); elsewhere the rows
    with their defaults. The people import encodes a block in one thread while the pipeline
    writes the one before in another: the writing thread then only sends bytes."""
    given = _columns(model, fields)
    rest, defaults = _defaults(model, fields)
    all_fields = [*given, *rest]
    columns = tuple(_column(f) for f in all_fields)
    if not _is_postgresql():
        rows = [(*row, *defaults) for row in rows]
        return Encoded(model, columns, len(rows), _adapt(rows, _adapters(all_fields)))
    from psycopg import Copy
    from psycopg.copy import FileWriter

    connection.ensure_connection()
    buffer = io.BytesIO()
    with Copy(connection.connection.cursor(), binary=True, writer=FileWriter(buffer)) as copy:
        copy.set_types([_type_name(f) for f in all_fields])
        write = copy.write_row
        if defaults:
            for row in rows:
                write((*row, *defaults))
        else:
            for row in rows:
                write(row)
    return Encoded(model, columns, len(rows), buffer.getvalue())


def insert_encoded(encoded: Encoded) -> int:
    """Write rows made ready by ``encode_rows``."""
    if not encoded.count:
        return 0
    names = ", ".join(_quote(c) for c in encoded.columns)
    table = _quote(encoded.model._meta.db_table)
    # wrap_database_errors: a COPY fails with Django's errors (IntegrityError…), as a query does.
    with connection.cursor() as cursor, connection.wrap_database_errors:
        if isinstance(encoded.data, bytes):
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN (FORMAT BINARY)") as copy:
                copy.write(encoded.data)
        else:
            marks = ", ".join(["%s"] * len(encoded.columns))
            sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608
            for start in range(0, encoded.count, BATCH):
                cursor.executemany(sql, encoded.data[start : start + BATCH])
    return encoded.count


def insert_rows(
    model: type[models.Model],
    fields: Sequence[str],
    rows: Sequence[Values],
    *,
    binary: bool = False,
) -> int:
    """Insert ``rows`` (tuples in the order of ``fields``; may include the primary key).

    ``binary``: on PostgreSQL, COPY in the binary format (a third less time for the server, a
    quarter of the client's): every value must then be of its column's Python type (a date a
    ``date``, a number an ``int``…), not text the server would parse (``encode_rows``).
    SQLite: ``executemany`` in batches."""
    if not rows:
        return 0
    if binary or not _is_postgresql():
        return insert_encoded(encode_rows(model, fields, rows))
    given = _columns(model, fields)
    rest, defaults = _defaults(model, fields)
    all_fields = [*given, *rest]
    names = ", ".join(_quote(_column(f)) for f in all_fields)
    table = _quote(model._meta.db_table)
    adapters = _adapters(all_fields)
    json_columns = [i for i, a in enumerate(adapters) if a is not None]
    # wrap_database_errors: a COPY fails with Django's errors (IntegrityError…), as a query does.
    with (
        connection.cursor() as cursor,
        connection.wrap_database_errors,
        cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
    ):
        for row in rows:
            values = (*row, *defaults)
            if json_columns:
                values = tuple(
                    adapters[i](v) if i in json_columns else v  # type: ignore[misc]
                    for i, v in enumerate(values)
                )
            copy.write_row(values)
    return len(rows)


def update_rows(model: type[models.Model], fields: Sequence[str], rows: Sequence[Values]) -> int:
    """Set ``fields`` on existing rows: each row is (primary key, *values in field order)."""
    if not rows:
        return 0
    pk = model._meta.pk
    assert pk is not None
    given = _columns(model, fields)
    table = _quote(model._meta.db_table)
    adapters = _adapters([pk, *given])
    with connection.cursor() as cursor, connection.wrap_database_errors:
        if _is_postgresql():
            temp = _quote(f"_xeploai_update_{model._meta.db_table}")
            columns = ", ".join(_quote(_column(f)) for f in [pk, *given])
            cursor.execute(
                f"CREATE TEMPORARY TABLE {temp} ON COMMIT DROP AS "  # noqa: S608
                f"SELECT {columns} FROM {table} WITH NO DATA"
            )
            json_columns = [i for i, a in enumerate(adapters) if a is not None]
            with cursor.cursor.copy(f"COPY {temp} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    if json_columns:
                        row = tuple(
                            adapters[i](v) if i in json_columns else v  # type: ignore[misc]
                            for i, v in enumerate(row)
                        )
                    copy.write_row(row)
            assignments = ", ".join(f"{_quote(_column(f))} = u.{_quote(_column(f))}" for f in given)
            cursor.execute(
                f"UPDATE {table} AS t SET {assignments} FROM {temp} AS u "  # noqa: S608
                f"WHERE t.{_quote(_column(pk))} = u.{_quote(_column(pk))}"
            )
            cursor.execute(f"DROP TABLE {temp}")
        else:
            assignments = ", ".join(f"{_quote(_column(f))} = %s" for f in given)
            sql = f"UPDATE {table} SET {assignments} WHERE {_quote(_column(pk))} = %s"  # noqa: S608
            reordered = [(*row[1:], row[0]) for row in rows]
            adapters = [*adapters[1:], adapters[0]]
            for start in range(0, len(reordered), BATCH):
                cursor.executemany(sql, _adapt(reordered[start : start + BATCH], adapters))
    return len(rows)


def add_to_rows(
    model: type[models.Model],
    fields: Sequence[str],
    key: Sequence[str],
    rows: Sequence[Values],
    *,
    amounts: int = 1,
) -> None:
    """Insert ``rows`` (values of ``fields``, the last ``amounts`` of them amounts), or, where a
    row with the same values of the ``key`` fields exists, add the amounts to it. One statement
    (``INSERT … ON CONFLICT … DO UPDATE``; on PostgreSQL over ``unnest`` of one array per
    field): the rows are taken in key order, so that concurrent callers lock them in the same
    order and wait for one another instead of deadlocking."""
    if not rows:
        return
    table = _quote(model._meta.db_table)
    given = _columns(model, fields)
    names = ", ".join(_quote(_column(f)) for f in given)
    conflict = ", ".join(_quote(_column(f)) for f in _columns(model, key))
    positions = [fields.index(k) for k in key]
    ordered = sorted(rows, key=lambda row: tuple(row[i] for i in positions))
    sums = ", ".join(
        f"{amount} = {table}.{amount} + EXCLUDED.{amount}"
        for amount in (_quote(_column(f)) for f in given[len(given) - amounts :])
    )
    upsert = f"ON CONFLICT ({conflict}) DO UPDATE SET {sums}"
    with connection.cursor() as cursor:
        if _is_postgresql():
            arrays = ", ".join(f"%s::{f.db_type(connection)}[]" for f in given)
            cursor.execute(
                f"INSERT INTO {table} ({names}) SELECT {names} FROM unnest({arrays}) "  # noqa: S608
                f"WITH ORDINALITY AS r({names}, _turn) ORDER BY _turn {upsert}",
                [[row[i] for row in ordered] for i in range(len(given))],
            )
        else:
            marks = ", ".join(["%s"] * len(given))
            cursor.executemany(
                f"INSERT INTO {table} ({names}) VALUES ({marks}) {upsert}",  # noqa: S608
                [tuple(row) for row in ordered],
            )


@contextmanager
def _planned_each_time() -> Iterator[None]:
    """Statements inside are planned at every run, for their actual values, never prepared
    (psycopg prepares a statement run ``prepare_threshold`` times: decision 0004). A prepared
    statement's generic plan sees neither how many keys a long ``= ANY(…)`` holds nor how many
    rows the table gained since: planned on an emptied table, it read the people one by one and
    split the whole key list again for each (a block's look-up took minutes)."""
    raw = connection.connection if _is_postgresql() else None
    threshold = getattr(raw, "prepare_threshold", None)
    if raw is None or threshold is None:
        yield
        return
    raw.prepare_threshold = None
    try:
        yield
    finally:
        raw.prepare_threshold = threshold


def fetch_by_keys(
    model: type[models.Model],
    fields: Sequence[str],
    key: str,
    keys: Sequence[Any],
    *,
    lock: bool = False,
) -> list[tuple[Any, ...]]:
    """Rows (values of ``fields``) whose ``key`` is one of ``keys``: one ``= ANY(array)`` query
    on PostgreSQL (an IN list of 100,000 literals is slow to parse and plan), batches of IN on
    SQLite. Dates come back as dates on both.

    ``lock``: the rows stay locked until COMMIT, as ``select_for_update`` would (PostgreSQL
    ``FOR NO KEY UPDATE``; a SQLite transaction holds the whole file from its start)."""
    if not keys:
        return []
    given = _columns(model, fields)
    names = ", ".join(_quote(_column(f)) for f in given)
    table = _quote(model._meta.db_table)
    column = _quote(_column(_columns(model, [key])[0]))
    locking = " FOR NO KEY UPDATE" if lock else ""
    rows: list[tuple[Any, ...]] = []
    with connection.cursor() as cursor, _planned_each_time():
        if _is_postgresql():
            # Text keys: one text parameter split in the server (dumping a 100,000-element array
            # parameter costs more than the query), unless a key holds the separator itself.
            joined = SEPARATOR.join(keys) if set(map(type, keys)) == {str} else None
            if joined is not None and joined.count(SEPARATOR) == len(keys) - 1:
                cursor.execute(
                    f"SELECT {names} FROM {table} "  # noqa: S608
                    f"WHERE {column} = ANY(string_to_array(%s, %s)){locking}",
                    [joined, SEPARATOR],
                )
            else:
                cursor.execute(
                    f"SELECT {names} FROM {table} WHERE {column} = ANY(%s){locking}",  # noqa: S608
                    [list(keys)],
                )
            return list(cursor.fetchall())
        dates = [
            i
            for i, f in enumerate(given)
            if isinstance(f, models.DateField) and not isinstance(f, models.DateTimeField)
        ]
        booleans = [i for i, f in enumerate(given) if isinstance(f, models.BooleanField)]
        for start in range(0, len(keys), BATCH):
            batch = list(keys[start : start + BATCH])
            marks = ", ".join(["%s"] * len(batch))
            cursor.execute(
                f"SELECT {names} FROM {table} WHERE {column} IN ({marks})",  # noqa: S608
                batch,
            )
            fetched = cursor.fetchall()
            if dates or booleans:
                for row in fetched:
                    values = list(row)
                    for i in dates:
                        if isinstance(values[i], str):
                            values[i] = dt.date.fromisoformat(values[i])
                    for i in booleans:
                        if values[i] is not None:
                            values[i] = bool(values[i])
                    rows.append(tuple(values))
            else:
                rows.extend(fetched)
    return rows


def lock(name: str) -> None:
    """Serialize imports of one kind until the end of the current transaction."""
    if _is_postgresql():
        key = zlib.crc32(name.encode())
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def share_lock(model: type[models.Model], ids: Sequence[int]) -> None:
    """Take on the rows ``ids`` of ``model`` the lock a foreign-key check takes (FOR KEY SHARE on
    PostgreSQL: until the end of the transaction nobody can delete them or change their key), and
    raise ``IntegrityError`` if any of them is gone. SQLite: one writer at a time already."""
    if not ids or not _is_postgresql():
        return
    assert model._meta.pk is not None
    pk = _quote(_column(model._meta.pk))
    wanted = sorted(set(ids))
    with connection.cursor() as cursor, _planned_each_time():
        cursor.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM {_quote(model._meta.db_table)} "  # noqa: S608
            f"WHERE {pk} = ANY(%s) FOR KEY SHARE) AS locked",
            [wanted],
        )
        if cursor.fetchone()[0] != len(wanted):
            raise IntegrityError(f"{model._meta.db_table}: a referenced row has been deleted")


def may_skip_triggers() -> bool:
    """Whether this connection may set ``session_replication_role`` (a superuser, or on
    PostgreSQL 15 and later a role granted SET on it)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('is_superuser') = 'on'")
        if cursor.fetchone()[0]:
            return True
        if connection.pg_version < 150000:  # type: ignore[attr-defined]
            return False
        cursor.execute("SELECT has_parameter_privilege('session_replication_role', 'SET')")
        return bool(cursor.fetchone()[0])


@contextmanager
def checked_references() -> Iterator[bool]:
    """Inside the block, rows are written without the foreign-key (and any other) triggers on
    PostgreSQL, when the connection's role may do so (``session_replication_role = replica``, as
    ``pg_restore --disable-triggers`` does); yields whether it does.

    Only for rows whose every reference the caller has checked and locked in this transaction:
    the units through ``share_lock``, the rows written in the same transaction by construction.
    Indexes (unique keys) and CHECK constraints still apply. Elsewhere the triggers run as usual.
    """
    if not _is_postgresql() or not may_skip_triggers():
        yield False
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('session_replication_role')")
        before = cursor.fetchone()[0]
        cursor.execute("SET LOCAL session_replication_role = replica")
    # On an error the caller's transaction is rolled back, the setting with it: no query here,
    # which would fail in the broken transaction and hide the error.
    yield True
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('session_replication_role', %s, true)", [before])


# ---- PostgreSQL: a bulk load into big tables without their indexes and constraints --------


@dataclasses.dataclass
class DroppedSchema:
    """Secondary indexes and constraints of some tables, dropped for the load."""

    indexes: list[str] = dataclasses.field(default_factory=list)  # CREATE INDEX statements
    constraints: list[tuple[str, str, str]] = dataclasses.field(
        default_factory=list
    )  # (table, name, def)


def drop_secondary(tables: list[str]) -> DroppedSchema:
    """Drop every index but the primary keys, and the unique and foreign-key constraints, of
    ``tables`` (PostgreSQL); ``restore_secondary`` creates them again from their saved definitions."""
    deferred = DroppedSchema()
    with connection.cursor() as cursor:
        # Deferred foreign-key checks of rows written earlier in the transaction must run
        # before the tables can be altered; Django's constraints are deferred again after.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        cursor.execute(
            "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid), c.contype "
            "FROM pg_constraint c WHERE c.contype IN ('u', 'f') "
            "AND c.conrelid::regclass::text = ANY(%s)",
            [tables],
        )
        constraints = cursor.fetchall()
        for table, name, definition, _kind in constraints:
            deferred.constraints.append((table, name, definition))
            cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "WHERE NOT i.indisprimary AND i.indrelid::regclass::text = ANY(%s) "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
            [tables],
        )
        for name, definition in cursor.fetchall():
            deferred.indexes.append(definition)
            cursor.execute(f'DROP INDEX "{name}"')
    return deferred


def restore_secondary(deferred: DroppedSchema) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        for definition in deferred.indexes:
            cursor.execute(definition)
        # unique constraints first: the foreign keys may need them
        for table, name, definition in sorted(
            deferred.constraints, key=lambda c: not c[2].startswith("UNIQUE")
        ):
            cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
