"""The report's reads: four small SQL statements over the statistics tables.

Plain SQL through the connection's cursor, because the report is read on every page view and
the ORM's query building cost more than the queries themselves (see bench/bench_report.py).
Every statement here is portable — ``IN``, ``SUM(CASE …)``, ``LIMIT``; a subtree as a range
of paths, in PostgreSQL's pattern operators there (``_under``) — and the test suite runs them on
SQLite and on PostgreSQL. Table and column names come from the models' metadata, so a rename
cannot silently break them.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections

from xeploai.cycles.models import Deadline, Period
from xeploai.org.models import SEGMENT, LineageKind, OrgUnit, UnitLineage
from xeploai.reviews.models import STAT_COLUMNS, PoolStat, UnitStat

UNIT = OrgUnit._meta.db_table
LINEAGE = UnitLineage._meta.db_table
STAT = UnitStat._meta.db_table
POOL = PoolStat._meta.db_table
PERIOD = Period._meta.db_table
DEADLINE = Deadline._meta.db_table


@cache
def _counts(prefix: str, vendor: str) -> str:
    """A statistics row's counts: the pending and the four levels, then the eight not-rated
    reasons in ``STAT_COLUMNS`` order as one text, "n1,…,n8", or NULL when all are zero
    (three rows in four): the driver hands a NULL back for less than it costs to read a
    number, and one column costs less than eight (issue 19 §2). The text is joined with
    ``concat_ws`` on PostgreSQL (one call instead of fifteen ``||``: 0.08 ms of the 1.4 of a
    211-child unit's rows) and with ``||`` on SQLite, which has no ``concat_ws`` before 3.44."""
    reasons = [f"{prefix}{c}" for c in STAT_COLUMNS[5:]]
    if vendor == "postgresql":
        text = f"concat_ws(',', {', '.join(reasons)})"
    else:
        text = " || ',' || ".join(reasons)
    return ", ".join(
        [
            *(f"{prefix}{c}" for c in STAT_COLUMNS[:5]),
            f"CASE WHEN {' + '.join(reasons)} = 0 THEN NULL ELSE {text} END",
        ]
    )


StatRow = tuple[Any, ...]  # (period, path, block, *counts), the reasons "n1,…,n8" or None


def _under(column: str, path: str) -> tuple[str, list[str]]:
    """The condition "``column`` starts with ``path``" as a range of the column, and its
    parameters.

    A path ends with "/" and holds base-36 digits and "/" only; "/" sorts just before "0", so
    the paths under ``path`` are those from ``path`` up to, not including, ``path`` with its
    last "/" made "0". On PostgreSQL in the pattern operators of the ``varchar_pattern_ops``
    indexes (``reports_unitstat_subtree_idx``, ``reports_poolstat_level_idx``; the database's
    collation is not "C"): unlike ``LIKE %s``, a range of parameters can be planned once for
    every unit — the driver prepares the statement, and PostgreSQL stops planning it on every
    call (0.1 to 0.2 ms a statement, issue 19 §2). SQLite compares text bytewise: ``>=``, ``<``.
    """
    after = path[:-1] + "0"
    if connection.vendor == "postgresql":
        return f"{column} ~>=~ %s AND {column} ~<~ %s", [path, after]
    return f"{column} >= %s AND {column} < %s", [path, after]


def _rows(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    """The rows of one statement.

    On PostgreSQL, when nothing logs or wraps the statements (production: no DEBUG, no
    ``execute_wrapper``), on the driver's own cursor — with the checks and the error
    translation Django's cursor makes, but not its wrapper's layers, which cost about a third
    as much as a small statement itself (17 µs of 49 on loopback, docs/benchmarks.md). The
    report runs four statements on every page view. Anywhere else (SQLite, whose placeholders
    Django's cursor translates; a test counting queries; a benchmark capturing them) through
    Django's cursor."""
    db = connections[DEFAULT_DB_ALIAS]  # the proxy ``connection`` looks it up per attribute
    if db.vendor != "postgresql" or db.queries_logged or db.execute_wrappers:
        with db.cursor() as cursor:
            cursor.execute(sql, params)
            rows: list[tuple[Any, ...]] = cursor.fetchall()
            return rows
    db.close_if_health_check_failed()
    db.ensure_connection()
    db.validate_thread_sharing()
    db.validate_no_broken_transaction()
    with db.wrap_database_errors, db.connection.cursor() as raw:
        raw.execute(sql, params)
        fetched: list[tuple[Any, ...]] = raw.fetchall()
        return fetched


def period_context(
    period: Period, unit: OrgUnit, steps: list[str]
) -> tuple[tuple[int, int] | None, dict[str, dt.date]]:
    """In one statement: (id, year) of the period of the same kind one year earlier covering
    ``unit`` (the nearest scope root wins), and ``period``'s deadlines of ``steps``."""
    paths = [*unit.ancestor_paths(), unit.path]
    marks = ", ".join(["%s"] * len(paths))
    step_marks = ", ".join(["%s"] * len(steps))
    rows = _rows(
        f"SELECT prev.id, prev.year, d.step, d.due FROM (SELECT 1 AS one) o "  # noqa: S608
        f"LEFT JOIN (SELECT p.id, p.year FROM {PERIOD} p JOIN {UNIT} r ON r.id = p.scope_root_id "
        f"WHERE p.kind = %s AND p.quarter = %s AND p.year = %s AND r.path IN ({marks}) "
        "ORDER BY r.depth DESC LIMIT 1) prev ON 1 = 1 "
        f"LEFT JOIN {DEADLINE} d ON d.period_id = %s AND d.step IN ({step_marks})",
        [period.kind, period.quarter, period.year - 1, *paths, period.pk, *steps],
    )
    previous = (rows[0][0], rows[0][1]) if rows and rows[0][0] is not None else None
    # SQLite hands dates back as text.
    due = {
        step: day if isinstance(day, dt.date) else dt.date.fromisoformat(day)
        for _, _, step, day in rows
        if step is not None
    }
    return previous, due


# The predecessors of ``unit`` and of its children: the lineage links whose successor is one
# of them (the report's year-over-year basis, issue 16 §3).
_SUCCESSORS = (
    f"FROM {UNIT} s JOIN {LINEAGE} l ON l.successor_id = s.id "
    f"JOIN {UNIT} p ON p.id = l.predecessor_id WHERE (s.parent_id = %s OR s.id = %s)"
)


def children(unit: OrgUnit) -> list[tuple[str, str, str, str]]:
    """(path, code, name, kind) of the unit's direct children."""
    return _rows(
        f"SELECT path, code, name, kind FROM {UNIT} WHERE parent_id = %s",  # noqa: S608
        [unit.pk],
    )


def children_and_predecessors(
    unit: OrgUnit,
) -> tuple[list[tuple[str, str, str, str]], list[tuple[str, str, str, str, str, str]]]:
    """``children(unit)``, and in the same statement (predecessor path, code, name, kind,
    successor path, link kind) of every merger, split or hand-over into ``unit`` or a child."""
    kinds = (LineageKind.MERGE, LineageKind.SPLIT, LineageKind.DISSOLVE)
    rows = _rows(
        f"SELECT path, code, name, kind, '', '' FROM {UNIT} WHERE parent_id = %s "  # noqa: S608
        f"UNION ALL SELECT p.path, p.code, p.name, p.kind, s.path, l.kind {_SUCCESSORS} "
        "AND l.kind IN (%s, %s, %s)",
        [unit.pk, unit.pk, unit.pk, *kinds],
    )
    own = [
        (path, code, name, kind) for path, code, name, kind, successor, _ in rows if not successor
    ]
    links = [row for row in rows if row[4]]
    return own, links


def unit_and_children_stats(
    period_ids: list[int], unit: OrgUnit, previous_id: int | None = None
) -> list[StatRow]:
    """(period, path, block, *counts) of ``unit`` and of its children, the counts as
    ``_counts`` reads them, in no order (sorting them by path in the database's collation
    costs more than the rest of the statement).

    With ``previous_id``, the same statement also returns the rows of that period at the paths
    of the predecessors of ``unit`` and of its children (``children_and_predecessors``) — told
    apart by a period id of ``-previous_id``."""
    marks = ", ".join(["%s"] * len(period_ids))
    under, bounds = _under("path", unit.path)
    sql = (
        f"SELECT period_id, path, block, {_counts('', connection.vendor)} FROM {STAT} "  # noqa: S608
        f"WHERE period_id IN ({marks}) AND depth IN (%s, %s) AND {under}"
    )
    params: list[Any] = [*period_ids, unit.depth, unit.depth + 1, *bounds]
    if previous_id is not None:
        sql += (
            f" UNION ALL SELECT -t.period_id, t.path, t.block, {_counts('t.', connection.vendor)} "  # noqa: S608
            f"FROM {STAT} t "
            f"WHERE t.period_id = %s AND t.path IN (SELECT p.path {_SUCCESSORS})"
        )
        params += [previous_id, unit.pk, unit.pk]
    return _rows(sql, params)


def unit_stats(period_id: int, unit: OrgUnit) -> list[StatRow]:
    """(period, path, block, *counts) of ``unit`` alone in ``period`` (its subtree's totals):
    what a quarter report needs of the previous quarter."""
    return _rows(
        f"SELECT period_id, path, block, {_counts('', connection.vendor)} FROM {STAT} "  # noqa: S608
        "WHERE period_id = %s AND path = %s",
        [period_id, unit.path],
    )


PoolRow = tuple[str, str, str, int, int, int, int]  # decider path, block, group, four levels
# A pool counts in the quota only with a rated subject (decision 0012): a pool whose subjects
# all went back to pending, or left it, keeps its row at zero until a rebuild removes it.
_RATED = "t.htxsnv + t.httnv + t.htnv + t.khtnv > 0"


def unit_and_children_pools(period_id: int, unit: OrgUnit) -> list[PoolRow]:
    """(decider path, block, group, HTXSNV, HTTNV, HTNV, KHTNV) of the quota pools of the
    bodies ``unit`` and its direct children — one row per pool, those with a rated subject
    only — in no order.

    On PostgreSQL the pools are read as two ranges of the index (period, length of the decider's
    path, path) — the unit's level and the next, under its path (paths are fixed-width
    segments: the length is the depth) — as the statistics are (``unit_and_children_stats``).
    SQLite, which has no such index, reads the pool key body by body in its nested loop."""
    columns = 't.decider_path, t.block, t."group", t.htxsnv, t.httnv, t.htnv, t.khtnv'
    if connection.vendor == "postgresql":
        under, bounds = _under("t.decider_path", unit.path)
        return _rows(
            f"SELECT {columns} FROM {POOL} t WHERE t.period_id = %s "  # noqa: S608
            f"AND length(t.decider_path) IN (%s, %s) AND {under} AND {_RATED}",
            [period_id, len(unit.path), len(unit.path) + SEGMENT, *bounds],
        )
    sql = (
        f"SELECT {columns} FROM {UNIT} d JOIN {POOL} t "  # noqa: S608
        f"ON t.period_id = %s AND t.decider_id = d.id AND {_RATED} "
        "WHERE d.parent_id = %s OR d.id = %s"
    )
    return _rows(sql, [period_id, unit.pk, unit.pk])
