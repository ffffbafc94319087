"""The report's reads: five small SQL statements over the statistics tables.

Plain SQL through the connection's cursor, because the report is read on every page view and
the ORM's query building cost more than the queries themselves (see bench/bench_report.py).
Every statement here is portable — ``LIKE 'prefix%'``, ``IN``, ``SUM(CASE …)``, ``LIMIT`` —
and the test suite runs them on SQLite and on PostgreSQL. Table and column names come from
the models' metadata, so a rename cannot silently break them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection

from xeploai.cycles.models import Deadline, Period
from xeploai.org.models import Level, OrgUnit
from xeploai.reports.models import PoolStat, UnitStat

UNIT = OrgUnit._meta.db_table
STAT = UnitStat._meta.db_table
POOL = PoolStat._meta.db_table
PERIOD = Period._meta.db_table
DEADLINE = Deadline._meta.db_table
LEVELS = (Level.HTXSNV, Level.HTTNV, Level.HTNV, Level.KHTNV)


def _like_prefix(path: str) -> str:
    # Paths are base-36 digits and "/": nothing to escape for LIKE.
    return path + "%"


def _rows(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def previous_period_id(period: Period, unit: OrgUnit) -> tuple[int, int] | None:
    """(id, year) of the period of the same kind one year earlier covering ``unit``."""
    paths = [*unit.ancestor_paths(), unit.path]
    marks = ", ".join(["%s"] * len(paths))
    rows = _rows(
        f"SELECT p.id, p.year FROM {PERIOD} p JOIN {UNIT} r ON r.id = p.scope_root_id "  # noqa: S608
        f"WHERE p.kind = %s AND p.quarter = %s AND p.year = %s AND r.path IN ({marks}) "
        "ORDER BY r.depth DESC LIMIT 1",
        [period.kind, period.quarter, period.year - 1, *paths],
    )
    return (rows[0][0], rows[0][1]) if rows else None


def children(unit: OrgUnit) -> list[tuple[str, str, str, str]]:
    """(path, code, name, kind) of the unit's direct children."""
    return _rows(
        f"SELECT path, code, name, kind FROM {UNIT} WHERE parent_id = %s",  # noqa: S608
        [unit.pk],
    )


def unit_and_children_stats(
    period_ids: list[int], unit: OrgUnit
) -> list[tuple[int, str, str, str, int]]:
    """(period, path, block, bucket, n) of ``unit`` and of its children, in no order (sorting
    them by path in the database's collation costs more than the rest of the statement)."""
    marks = ", ".join(["%s"] * len(period_ids))
    return _rows(
        f"SELECT period_id, path, block, bucket, n FROM {STAT} "  # noqa: S608
        f"WHERE period_id IN ({marks}) AND depth IN (%s, %s) AND path LIKE %s",
        [*period_ids, unit.depth, unit.depth + 1, _like_prefix(unit.path)],
    )


def pool_sums(
    period_id: int, decider_paths: list[str]
) -> list[tuple[str, str, str, int, int, int, int]]:
    """(decider path, block, group, HTXSNV, HTTNV, HTNV, KHTNV) per quota pool."""
    marks = ", ".join(["%s"] * len(decider_paths))
    sums = ", ".join("SUM(CASE WHEN bucket = %s THEN n ELSE 0 END)" for _ in LEVELS)
    return _rows(
        f'SELECT decider_path, block, "group", {sums} FROM {POOL} '  # noqa: S608
        f"WHERE period_id = %s AND decider_path IN ({marks}) "
        f'GROUP BY decider_path, block, "group" ORDER BY decider_path, block, "group"',
        [*LEVELS, period_id, *decider_paths],
    )


def unit_and_children_pools(period_id: int, unit: OrgUnit) -> list[tuple[str, str, str, str, int]]:
    """(decider path, block, group, level, n) of the quota pools of the bodies ``unit`` and its
    direct children, levels only. The bodies are found by a join on the tree (no list of paths
    to plan) and the rows come straight from the pool index, unsummed: the caller adds up the
    four levels, cheaper than a GROUP BY for a few hundred rows."""
    marks = ", ".join(["%s"] * len(LEVELS))
    return _rows(
        f'SELECT s.decider_path, s.block, s."group", s.bucket, s.n FROM {UNIT} d '  # noqa: S608
        f"JOIN {POOL} s ON s.period_id = %s AND s.decider_id = d.id "
        f"WHERE (d.parent_id = %s OR d.id = %s) AND s.bucket IN ({marks})",
        [period_id, unit.pk, unit.pk, *LEVELS],
    )


def deadlines(period_id: int, steps: list[str]) -> dict[str, dt.date]:
    marks = ", ".join(["%s"] * len(steps))
    rows = _rows(
        f"SELECT step, due FROM {DEADLINE} WHERE period_id = %s AND step IN ({marks})",  # noqa: S608
        [period_id, *steps],
    )
    # SQLite hands dates back as text.
    return {
        step: due if isinstance(due, dt.date) else dt.date.fromisoformat(due) for step, due in rows
    }
