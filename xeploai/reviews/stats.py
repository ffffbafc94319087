"""Keep ``UnitStat`` and ``PoolStat`` current: a move per decision, a rebuild per period.

Every service that changes an evaluation's result does it through ``result_set`` (which calls
``stats_move``) in the same transaction, so a decision is visible in every ancestor's report as
soon as it commits.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db import connection, transaction
from django.db.models import Case, CharField, F, Q, Value, When
from django.db.models.functions import Concat, Substr

from xeploai.cycles.models import Period
from xeploai.lib.bulk import add_to_rows
from xeploai.lib.fixedsql import column_of
from xeploai.org.models import SEGMENT, OrgUnit
from xeploai.reviews.models import (
    BUCKET_COLUMNS,
    NOT_RATED_PREFIX,
    PENDING,
    STAT_COLUMNS,
    Evaluation,
    PoolStat,
    UnitStat,
)


def bucket_of(level: str, not_rated_reason: str) -> str:
    if level:
        return level
    if not_rated_reason:
        return NOT_RATED_PREFIX + not_rated_reason
    return PENDING


def bucket_expression() -> Case:
    """``bucket_of`` as SQL, for aggregates over evaluations."""
    return Case(
        When(~Q(level=""), then=F("level")),
        When(~Q(not_rated_reason=""), then=Concat(Value(NOT_RATED_PREFIX), F("not_rated_reason"))),
        default=Value(PENDING),
        output_field=CharField(),
    )


UNIT = OrgUnit._meta.db_table
EVALUATION = Evaluation._meta.db_table
STAT = UnitStat._meta.db_table
POOL = PoolStat._meta.db_table
# ``bucket_of`` in SQL text, for the set-based rebuild (the ORM form is ``bucket_expression``).
BUCKET_SQL = (
    "CASE WHEN e.level <> '' THEN e.level "
    f"WHEN e.not_rated_reason <> '' THEN '{NOT_RATED_PREFIX}' || e.not_rated_reason "
    f"ELSE '{PENDING}' END"
)


def _prefixes(path: str) -> list[str]:
    return [path[:end] for end in range(SEGMENT, len(path) + 1, SEGMENT)]


def _ensure_unit_rows(period_id: int, path: str, block: str) -> None:
    paths = _prefixes(path)
    units = dict(OrgUnit.objects.filter(path__in=paths).values_list("path", "pk"))
    UnitStat.objects.bulk_create(
        [
            UnitStat(
                period_id=period_id,
                unit_id=units[p],
                path=p,
                depth=len(p) // SEGMENT - 1,
                block=block,
            )
            for p in paths
            if p in units
        ],
        ignore_conflicts=True,
    )


def result_set(evaluation: Evaluation, *, level: str, not_rated_reason: str) -> None:
    """Set a subject's result (its level and not-rated reason) and move it between the buckets
    of the statistics — the one way a service changes a result. The caller saves the evaluation
    in the same transaction."""
    old_bucket = bucket_of(evaluation.level, evaluation.not_rated_reason)
    evaluation.level = level
    evaluation.not_rated_reason = not_rated_reason
    stats_move(evaluation, old_bucket, bucket_of(level, not_rated_reason))


def stats_move(evaluation: Evaluation, old_bucket: str, new_bucket: str) -> None:
    """Move one subject from ``old_bucket`` to ``new_bucket`` in every ancestor's counts.

    One UPDATE per table (in ``UnitStat`` one row per ancestor, the old bucket's column
    less one and the new one's plus one), so two concurrent moves lock rows in the same
    (index) order and cannot deadlock each other.

    The rows nearly always exist (the period's opening counts every unit with a subject), so
    the UPDATE comes first and says which rows it moved (``RETURNING``): when it found one per
    ancestor, that is all — no read of the units, no INSERT (3.5 ms of a decision's CPU
    before, docs/benchmarks.md, h23a). Only when some are missing (a unit made after the
    opening) are those made (``_ensure_unit_rows``: INSERT … ON CONFLICT DO NOTHING, in path
    order) and moved by a second UPDATE of them alone. The order stays deadlock-free: the
    first UPDATE locks the existing rows in index order, as before; two moves that share a row
    share every prefix of its path, so they meet first on the shallowest shared row that
    exists — the loser waits there holding only rows of its own — or, when none of the shared
    ones exists, on the INSERT of the shallowest, made in the same path order by both. The
    rows found by the first UPDATE are the ones it moved, so a row another transaction
    inserts meanwhile is moved once, by the second.
    """
    if old_bucket == new_bucket:
        return
    path = evaluation.unit.path
    block = evaluation.kind
    paths = _prefixes(path)
    old_column, new_column = BUCKET_COLUMNS[old_bucket], BUCKET_COLUMNS[new_bucket]
    moved = _move_rows(evaluation.period_id, paths, block, old_column, new_column)
    missing = [p for p in paths if p not in moved]
    if missing:
        _ensure_unit_rows(evaluation.period_id, path, block)
        _move_rows(evaluation.period_id, missing, block, old_column, new_column)
    pool_key = (evaluation.period_id, evaluation.decider_id, block, evaluation.group)
    if not _move_pool(pool_key, old_column, new_column):
        PoolStat.objects.bulk_create(
            [
                PoolStat(
                    period_id=evaluation.period_id,
                    decider_id=evaluation.decider_id,
                    decider_path=evaluation.decider.path,
                    block=block,
                    group=evaluation.group,
                )
            ],
            ignore_conflicts=True,
        )
        _move_pool(pool_key, old_column, new_column)


def _column(model: type[UnitStat] | type[PoolStat], name: str) -> str:
    return str(connection.ops.quote_name(column_of(model, name)))


def _shift(table: str, old_column: str, new_column: str) -> str:
    """``table SET old = old - 1, new = new + 1``: one subject moved between two buckets."""
    quote = connection.ops.quote_name
    old, new = quote(old_column), quote(new_column)
    return f"{quote(table)} SET {old} = {old} - 1, {new} = {new} + 1"


def _move_rows(
    period_id: int, paths: list[str], block: str, old_column: str, new_column: str
) -> set[str]:
    """``UnitStat`` rows of ``paths`` moved from one bucket's column to another; the paths of
    those found (one plain statement: PostgreSQL and SQLite ≥ 3.35 both return rows)."""
    marks = ", ".join(["%s"] * len(paths))
    sql = (
        f"UPDATE {_shift(STAT, old_column, new_column)} "
        f"WHERE {_column(UnitStat, 'period')} = %s AND {_column(UnitStat, 'path')} IN ({marks}) "
        f"AND {_column(UnitStat, 'block')} = %s RETURNING {_column(UnitStat, 'path')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [period_id, *paths, block])
        return {row[0] for row in cursor.fetchall()}


def _move_pool(key: tuple[int, int, str, str], old_column: str, new_column: str) -> bool:
    """The ``PoolStat`` row of ``key`` (period, deciding body, block, group) moved from one
    bucket's column to another; False when there is none."""
    sql = (
        f"UPDATE {_shift(POOL, old_column, new_column)} "
        f"WHERE {_column(PoolStat, 'period')} = %s AND {_column(PoolStat, 'decider')} = %s "
        f"AND {_column(PoolStat, 'block')} = %s AND {_column(PoolStat, 'group')} = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, list(key))
        return bool(cursor.rowcount)


def stats_subtree_moved(*, old_path: str, new_path: str) -> None:
    """A unit moved from ``old_path`` to ``new_path`` with its subtree (``OrgUnit`` already
    rewritten), in every period: the subtree's own rows and pools take the new paths, the old
    ancestors lose the moved unit's totals and the new ancestors gain them — O(depth) rows
    beyond the subtree's own, in a constant number of statements."""
    depth_change = (len(new_path) - len(old_path)) // SEGMENT
    UnitStat.objects.filter(path__startswith=old_path).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
        depth=F("depth") + depth_change,
    )
    PoolStat.objects.filter(decider_path__startswith=old_path).update(
        decider_path=Concat(Value(new_path), Substr("decider_path", len(old_path) + 1))
    )
    old_ancestors = set(_prefixes(old_path)) - {old_path}
    new_ancestors = set(_prefixes(new_path)) - {new_path}
    delta = Counter[tuple[int, str, str, str]]()
    for period_id, block, bucket, n in _bucket_rows(UnitStat.objects.filter(path=new_path)):
        for path in old_ancestors - new_ancestors:
            delta[(period_id, path, block, bucket)] -= n
        for path in new_ancestors - old_ancestors:
            delta[(period_id, path, block, bucket)] += n
    stats_add(delta)


def stats_children_moved(
    *, old_parent: str, new_parent: str, moved: list[str], kept: list[str]
) -> None:
    """``stats_subtree_moved`` for several children of one unit moved at once under another
    (``org.services.children_move``): their rows and pools take the new paths, the old parent
    and its ancestors lose their totals, the new parent and its ancestors gain them."""
    depth_change = (len(new_parent) - len(old_parent)) // SEGMENT
    rows = UnitStat.objects.filter(path__startswith=old_parent).exclude(path=old_parent)
    pools = PoolStat.objects.filter(decider_path__startswith=old_parent).exclude(
        decider_path=old_parent
    )
    for path in kept:
        rows = rows.exclude(path__startswith=path)
        pools = pools.exclude(decider_path__startswith=path)
    rows.update(
        path=Concat(Value(new_parent), Substr("path", len(old_parent) + 1)),
        depth=F("depth") + depth_change,
    )
    pools.update(
        decider_path=Concat(Value(new_parent), Substr("decider_path", len(old_parent) + 1))
    )
    old_ancestors, new_ancestors = set(_prefixes(old_parent)), set(_prefixes(new_parent))
    delta = Counter[tuple[int, str, str, str]]()
    for period_id, block, bucket, n in _bucket_rows(
        UnitStat.objects.filter(path__in=[new_parent + p[len(old_parent) :] for p in moved])
    ):
        for path in old_ancestors - new_ancestors:
            delta[(period_id, path, block, bucket)] -= n
        for path in new_ancestors - old_ancestors:
            delta[(period_id, path, block, bucket)] += n
    stats_add(delta)


def _bucket_rows(rows: Any) -> list[tuple[int, str, str, int]]:
    """(period, block, bucket, n) of the non-zero buckets of ``UnitStat`` rows (a queryset)."""
    found: list[tuple[int, str, str, int]] = []
    buckets = tuple(BUCKET_COLUMNS)
    for period_id, block, *counts in rows.values_list("period_id", "block", *STAT_COLUMNS):
        found.extend(
            (period_id, block, bucket, n) for bucket, n in zip(buckets, counts, strict=True) if n
        )
    return found


def stats_add(delta: Counter[tuple[int, str, str, str]]) -> None:
    """Add ``delta[(period, path, block, bucket)]`` to those ``UnitStat`` rows (a missing one
    is inserted with it); the caller has rolled the changes up to the ancestors. One row per
    (period, path, block) whatever the number of buckets changed in it."""
    delta = Counter({key: n for key, n in delta.items() if n})
    if not delta:
        return
    units = dict(
        OrgUnit.objects.filter(path__in={path for _, path, _, _ in delta}).values_list("path", "pk")
    )
    position = {bucket: i for i, bucket in enumerate(BUCKET_COLUMNS)}
    rows: dict[tuple[int, str, str], list[int]] = {}
    for (period_id, path, block, bucket), n in delta.items():
        if path not in units:
            continue
        counts = rows.get((period_id, path, block))
        if counts is None:
            rows[(period_id, path, block)] = counts = [0] * len(position)
        counts[position[bucket]] += n
    add_to_rows(
        UnitStat,
        ("period", "unit", "path", "depth", "block", *STAT_COLUMNS),
        ("period", "path", "block"),
        [
            (period_id, units[path], path, len(path) // SEGMENT - 1, block, *counts)
            for (period_id, path, block), counts in rows.items()
        ],
        amounts=len(STAT_COLUMNS),
    )


def subjects_moved_delta(
    delta: Counter[tuple[int, str, str, str]],
    period_id: int,
    block: str,
    bucket: str,
    old_path: str | None,
    new_path: str | None,
) -> None:
    """Add to ``delta`` one subject leaving ``old_path`` for ``new_path`` (``None``: it is
    withdrawn, or new); the common ancestors are left alone."""
    old = set(_prefixes(old_path)) if old_path else set()
    new = set(_prefixes(new_path)) if new_path else set()
    for path in old - new:
        delta[(period_id, path, block, bucket)] -= 1
    for path in new - old:
        delta[(period_id, path, block, bucket)] += 1


def pools_move(moves: Counter[tuple[int, int, int, str, str, str]], paths: dict[int, str]) -> None:
    """``moves[(period, old decider, new decider, block, group, bucket)]`` subjects change
    their deciding body: out of the old pool, into the new one (``paths``: decider → path)."""
    delta: Counter[tuple[int, int, str, str, str]] = Counter()
    for (period_id, old, new, block, group, bucket), n in moves.items():
        delta[(period_id, old, block, group, bucket)] -= n
        delta[(period_id, new, block, group, bucket)] += n
    pools_add(delta, paths)


def pools_add(delta: Counter[tuple[int, int, str, str, str]], paths: dict[int, str]) -> None:
    """Add ``delta[(period, decider, block, group, bucket)]`` to those ``PoolStat`` rows (a
    missing one is inserted with it): one row per pool whatever the number of buckets changed
    in it, rows in key order (``add_to_rows``)."""
    position = {bucket: i for i, bucket in enumerate(BUCKET_COLUMNS)}
    rows: dict[tuple[int, int, str, str], list[int]] = {}
    for (period_id, decider, block, group, bucket), n in delta.items():
        if not n:
            continue
        counts = rows.get((period_id, decider, block, group))
        if counts is None:
            rows[(period_id, decider, block, group)] = counts = [0] * len(position)
        counts[position[bucket]] += n
    add_to_rows(
        PoolStat,
        ("period", "decider", "decider_path", "block", "group", *STAT_COLUMNS),
        ("period", "decider", "block", "group"),
        [
            (period_id, decider, paths[decider], block, group, *counts)
            for (period_id, decider, block, group), counts in rows.items()
        ],
        amounts=len(STAT_COLUMNS),
    )


def _per_unit_sql() -> str:
    """(path, depth, block, bucket, n) per unit of the period's evaluations, as a subquery:
    counted per unit id first (small keys), then given the unit's path."""
    return (
        "SELECT u.path AS path, u.depth AS depth, x.block AS block, x.bucket AS bucket, "  # noqa: S608
        f"x.n AS n FROM (SELECT e.unit_id AS unit_id, e.kind AS block, {BUCKET_SQL} AS bucket, "
        f"COUNT(*) AS n FROM {EVALUATION} e WHERE e.period_id = %s GROUP BY 1, 2, 3) x "
        f"JOIN {UNIT} u ON u.id = x.unit_id"
    )


def _levels_sql() -> str:
    return (
        "WITH RECURSIVE levels(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM levels "  # noqa: S608
        f"WHERE k < (SELECT COALESCE(MAX(depth), 0) FROM {UNIT})), "
    )


def _rolled_sql() -> str:
    """(unit id, path, depth, block, bucket, n) rolled up to every ancestor, set-based.

    Each unit's counts are added to the unit at every prefix of its path: one join per tree
    level (``substr`` of the fixed-width path), so the database does the roll-up in one pass
    over the per-unit aggregates instead of Python looping over them. Portable SQL. One row
    per bucket: the plain recount that ``stats_differences`` compares the kept rows with.
    """
    return (
        f"{_levels_sql()}per_unit AS ({_per_unit_sql()}) "  # noqa: S608
        "SELECT a.id, a.path, a.depth, p.block, p.bucket, SUM(p.n) "
        "FROM per_unit p JOIN levels l ON l.k <= p.depth "
        f"JOIN {UNIT} a ON a.path = substr(p.path, 1, (l.k + 1) * {SEGMENT}) "
        "GROUP BY a.id, a.path, a.depth, p.block, p.bucket"
    )


def _pivoted_sql() -> str:
    """``_rolled_sql`` pivoted, as ``UnitStat`` keeps it: (unit id, path, depth, block, then one
    sum per bucket in ``STAT_COLUMNS`` order). The per-unit counts are pivoted before the
    roll-up, so the roll-up joins one row per (unit, block) instead of one per bucket."""
    pivot = ", ".join(
        f"SUM(CASE WHEN bucket = '{bucket}' THEN n ELSE 0 END) AS {column}"
        for bucket, column in BUCKET_COLUMNS.items()
    )
    sums = ", ".join(f"SUM(p.{column})" for column in STAT_COLUMNS)
    return (
        f"{_levels_sql()}per_unit AS (SELECT path, depth, block, {pivot} "  # noqa: S608
        f"FROM ({_per_unit_sql()}) b GROUP BY path, depth, block) "
        f"SELECT a.id, a.path, a.depth, p.block, {sums} "
        "FROM per_unit p JOIN levels l ON l.k <= p.depth "
        f"JOIN {UNIT} a ON a.path = substr(p.path, 1, (l.k + 1) * {SEGMENT}) "
        "GROUP BY a.id, a.path, a.depth, p.block"
    )


def _pools_sql() -> str:
    """(decider id, decider path, block, group, bucket, n) of the period's evaluations."""
    return (
        f'SELECT e.decider_id, d.path, e.kind, e."group", {BUCKET_SQL}, COUNT(*) '  # noqa: S608
        f"FROM {EVALUATION} e JOIN {UNIT} d ON d.id = e.decider_id WHERE e.period_id = %s "
        "GROUP BY 1, 2, 3, 4, 5"
    )


def _pivoted_pools_sql() -> str:
    """``_pools_sql`` pivoted, as ``PoolStat`` keeps it: (decider id, decider path, block,
    group, then one count per bucket in ``STAT_COLUMNS`` order). Counted per bucket first, then
    pivoted: the bucket of each evaluation is worked out once, not once per column."""
    pivot = ", ".join(
        f"SUM(CASE WHEN q.bucket = '{bucket}' THEN q.n ELSE 0 END)" for bucket in BUCKET_COLUMNS
    )
    return (
        f'SELECT q.decider_id, q.path, q.block, q."group", {pivot} FROM ('  # noqa: S608
        f'SELECT e.decider_id AS decider_id, d.path AS path, e.kind AS block, e."group" AS "group", '
        f"{BUCKET_SQL} AS bucket, COUNT(*) AS n "
        f"FROM {EVALUATION} e JOIN {UNIT} d ON d.id = e.decider_id WHERE e.period_id = %s "
        'GROUP BY 1, 2, 3, 4, 5) q GROUP BY q.decider_id, q.path, q.block, q."group"'
    )


def _recount(
    period: Period,
) -> tuple[dict[tuple[str, str, str], int], dict[tuple[int, str, str, str], int]]:
    """(path, block, bucket) → n rolled up the tree, and (decider, block, group, bucket) → n."""
    with connection.cursor() as cursor:
        cursor.execute(_rolled_sql(), [period.pk])
        rolled = {(path, block, bucket): int(n) for _, path, _, block, bucket, n in cursor}
        cursor.execute(_pools_sql(), [period.pk])
        pools = {
            (decider, block, group, bucket): int(n)
            for decider, _, block, group, bucket, n in cursor
        }
    return rolled, pools


def stats_rebuild(period: Period) -> int:
    """Recompute the period's statistics from the evaluations (after bulk loads).

    Two ``INSERT … SELECT`` statements: the roll-up and the pools are computed by the database
    (5.6 million evaluations in seconds on PostgreSQL), nothing is carried through Python.
    """
    with transaction.atomic(), connection.cursor() as cursor:
        UnitStat.objects.filter(period=period).delete()
        PoolStat.objects.filter(period=period).delete()
        if connection.vendor == "postgresql":
            # the national roll-up groups millions of rows: in memory, not in temporary files
            cursor.execute("SET LOCAL work_mem = '256MB'")
            cursor.execute("SET LOCAL jit = off")  # compiling costs more than it saves here
        # rows in (depth, path) order, as the report's index reads them: a subtree's rows
        # end up in few pages
        cursor.execute(
            f"INSERT INTO {STAT} (period_id, unit_id, path, depth, block, "  # noqa: S608
            f"{', '.join(STAT_COLUMNS)}) "
            f"SELECT %s, r.* FROM ({_pivoted_sql()}) r ORDER BY r.depth, r.path",
            [period.pk, period.pk],
        )
        created: int = cursor.rowcount
        # pools in their body's path order: the pools of a unit's children (what a report
        # reads) end up in few pages, whatever order the bodies' ids were given in
        cursor.execute(
            f'INSERT INTO {POOL} (period_id, decider_id, decider_path, block, "group", '  # noqa: S608
            f"{', '.join(STAT_COLUMNS)}) SELECT %s, q.* FROM ({_pivoted_pools_sql()}) q "
            "ORDER BY q.path",
            [period.pk, period.pk],
        )
    return created


def stats_differences(period: Period) -> list[dict[str, Any]]:
    """Where the kept statistics differ from a full recount (empty when consistent)."""
    rolled, pools = _recount(period)
    kept_units: dict[tuple[str, str, str], int] = {}
    buckets = tuple(BUCKET_COLUMNS)
    for path, block, *counts in UnitStat.objects.filter(period=period).values_list(
        "path", "block", *STAT_COLUMNS
    ):
        for bucket, n in zip(buckets, counts, strict=True):
            if n:
                kept_units[(path, block, bucket)] = n
    kept_pools: dict[tuple[int, str, str, str], int] = {}
    for decider, block, group, *counts in PoolStat.objects.filter(period=period).values_list(
        "decider_id", "block", "group", *STAT_COLUMNS
    ):
        for bucket, n in zip(buckets, counts, strict=True):
            if n:
                kept_pools[(decider, block, group, bucket)] = n
    differences: list[dict[str, Any]] = []
    for key in set(rolled) | set(kept_units):
        if rolled.get(key, 0) != kept_units.get(key, 0):
            differences.append(
                {
                    "table": "unit",
                    "key": key,
                    "kept": kept_units.get(key, 0),
                    "recount": rolled.get(key, 0),
                }
            )
    for pool in set(pools) | set(kept_pools):
        if pools.get(pool, 0) != kept_pools.get(pool, 0):
            differences.append(
                {
                    "table": "pool",
                    "key": pool,
                    "kept": kept_pools.get(pool, 0),
                    "recount": pools.get(pool, 0),
                }
            )
    return differences
