"""Keep ``MemberCount`` current: a move per change, a set-based rebuild after bulk loads.

Like ``reviews.stats``: every org service that changes a person's status or unit, or a unit's
cell-ness or place, calls ``member_count_move`` (or ``member_count_subtree_moved``) in its
own transaction; the people import adds its changes with ``member_counts_add``, the units
import its cells with ``member_counts_cells_add``; other bulk loads (seed-demo, the
generator) call ``member_counts_rebuild``.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db import connection, transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr

from xeploai.lib.bulk import add_to_rows
from xeploai.org.models import CELLS_KEY, SEGMENT, MemberCount, OrgUnit, Person, UnitKind

UNIT = OrgUnit._meta.db_table
PERSON = Person._meta.db_table
COUNT = MemberCount._meta.db_table

Key = tuple[str, str]  # (unit path, status)


def _prefixes(path: str) -> list[str]:
    return [path[:end] for end in range(SEGMENT, len(path) + 1, SEGMENT)]


def is_live_cell(unit: OrgUnit) -> bool:
    """Counted under ``CELLS_KEY``: a cell kind, not dissolved (as the page always counted)."""
    return unit.kind in UnitKind.cells() and unit.dissolved is None


def member_count_move(*, old: Key | None, new: Key | None) -> None:
    """One person (or cell) moves from ``(path, status)`` ``old`` to ``new``; ``None`` for a
    creation or a deletion. Common ancestors are left alone."""
    changes: Counter[Key] = Counter()
    if old is not None:
        changes[old] -= 1
    if new is not None:
        changes[new] += 1
    _apply_exact(_rolled_up(changes))


def member_counts_add(people: Counter[tuple[int, str]]) -> None:
    """Add ``people[(unit id, status)]`` people (negative: remove) to those units and every
    ancestor — what a bulk load of people changed, without recounting the country."""
    paths = dict(
        OrgUnit.objects.filter(pk__in={unit_id for unit_id, _ in people}).values_list("pk", "path")
    )
    changes: Counter[Key] = Counter()
    for (unit_id, status), n in people.items():
        changes[(paths[unit_id], status)] += n
    _apply_exact(_rolled_up(changes))


def member_counts_cells_add(cells: Counter[str]) -> None:
    """Add ``cells[path]`` live cells (negative: remove) to those units and every ancestor —
    what a units import changed (new cells, a kind or a dissolution changed), without
    recounting the country: new units have no people yet."""
    _apply_exact(_rolled_up(Counter({(path, CELLS_KEY): n for path, n in cells.items() if n})))


def _rolled_up(changes: Counter[Key]) -> Counter[Key]:
    """The changes added to every ancestor of their units; what cancels out is left out."""
    expanded: Counter[Key] = Counter()
    for (path, status), n in changes.items():
        for prefix in _prefixes(path):
            expanded[(prefix, status)] += n
    return Counter({key: n for key, n in expanded.items() if n})


def _apply_exact(delta: Counter[Key]) -> None:
    """Add ``delta[(path, status)]`` to each of those rows (a missing one is inserted with it).

    ``add_to_rows`` takes the rows in (path, status) order, so concurrent changes cannot
    deadlock each other.
    """
    if not delta:
        return
    units = dict(
        OrgUnit.objects.filter(path__in={path for path, _ in delta}).values_list("path", "pk")
    )
    add_to_rows(
        MemberCount,
        ("unit", "path", "depth", "status", "n"),
        ("path", "status"),
        [
            (units[path], path, len(path) // SEGMENT - 1, status, n)
            for (path, status), n in delta.items()
            if path in units
        ],
    )


def member_count_subtree_moved(*, old_path: str, new_path: str) -> None:
    """A unit moved from ``old_path`` to ``new_path`` with its subtree (paths already rewritten
    in ``OrgUnit``): the subtree's own rows take their new paths and depths, the old ancestors
    lose the subtree's totals and the new ancestors gain them."""
    depth_change = (len(new_path) - len(old_path)) // SEGMENT
    MemberCount.objects.filter(path__startswith=old_path).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
        depth=F("depth") + depth_change,
    )
    totals = dict(MemberCount.objects.filter(path=new_path).values_list("status", "n"))
    old_ancestors = {p for p in _prefixes(old_path) if p != old_path}
    new_ancestors = {p for p in _prefixes(new_path) if p != new_path}
    delta: Counter[Key] = Counter()
    for status, n in totals.items():
        for path in old_ancestors - new_ancestors:
            delta[(path, status)] -= n
        for path in new_ancestors - old_ancestors:
            delta[(path, status)] += n
    _apply_exact(Counter({key: n for key, n in delta.items() if n}))


def member_count_children_moved(
    *, old_parent: str, new_parent: str, moved: list[str], kept: list[str]
) -> None:
    """Children of the unit at ``old_parent`` (their old paths: ``moved``) moved with their
    subtrees under the unit at ``new_parent`` at once (``OrgUnit`` already rewritten; ``kept``:
    the old parent's other children, which stay): their rows take the new paths, the old
    parent and its ancestors lose their totals, the new parent and its ancestors gain them."""
    rows = MemberCount.objects.filter(path__startswith=old_parent).exclude(path=old_parent)
    for path in kept:
        rows = rows.exclude(path__startswith=path)
    rows.update(
        path=Concat(Value(new_parent), Substr("path", len(old_parent) + 1)),
        depth=F("depth") + (len(new_parent) - len(old_parent)) // SEGMENT,
    )
    totals: Counter[str] = Counter()
    for status, n in MemberCount.objects.filter(
        path__in=[new_parent + path[len(old_parent) :] for path in moved]
    ).values_list("status", "n"):
        totals[status] += n
    old_ancestors, new_ancestors = set(_prefixes(old_parent)), set(_prefixes(new_parent))
    delta: Counter[Key] = Counter()
    for status, n in totals.items():
        for path in old_ancestors - new_ancestors:
            delta[(path, status)] -= n
        for path in new_ancestors - old_ancestors:
            delta[(path, status)] += n
    _apply_exact(Counter({key: n for key, n in delta.items() if n}))


def _rolled_sql() -> tuple[str, list[Any]]:
    """(unit id, path, depth, status, n) rolled up to every ancestor, set-based and portable:
    people counted per (unit, status), live cells one each, then added to the unit at every
    prefix of their path (one join per tree level on the fixed-width path)."""
    cells = ", ".join(["%s"] * len(UnitKind.cells()))
    sql = (
        f"WITH RECURSIVE levels(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM levels "  # noqa: S608
        f"WHERE k < (SELECT COALESCE(MAX(depth), 0) FROM {UNIT})), "
        "per_unit AS ("
        "SELECT u.path AS path, u.depth AS depth, x.status AS status, x.n AS n "
        f"FROM (SELECT unit_id, status, COUNT(*) AS n FROM {PERSON} GROUP BY 1, 2) x "
        f"JOIN {UNIT} u ON u.id = x.unit_id "
        f"UNION ALL SELECT path, depth, %s, 1 FROM {UNIT} "
        f"WHERE kind IN ({cells}) AND dissolved IS NULL) "
        "SELECT a.id, a.path, a.depth, p.status, SUM(p.n) "
        "FROM per_unit p JOIN levels l ON l.k <= p.depth "
        f"JOIN {UNIT} a ON a.path = substr(p.path, 1, (l.k + 1) * {SEGMENT}) "
        "GROUP BY a.id, a.path, a.depth, p.status"
    )
    return sql, [CELLS_KEY, *UnitKind.cells()]


def member_counts_rebuild() -> int:
    """Recompute every ``MemberCount`` row from the people and units (after bulk loads):
    one ``INSERT … SELECT``, nothing carried through Python. Returns the rows written."""
    sql, params = _rolled_sql()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {COUNT}")  # noqa: S608
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL work_mem = '256MB'")
            cursor.execute("SET LOCAL jit = off")
        cursor.execute(
            f"INSERT INTO {COUNT} (unit_id, path, depth, status, n) "  # noqa: S608
            f"SELECT r.* FROM ({sql}) r ORDER BY r.depth, r.path",
            params,
        )
        return int(cursor.rowcount)


def member_count_differences() -> list[dict[str, Any]]:
    """Where the kept counts differ from a full recount (empty when consistent; zero rows are
    the same as no row)."""
    sql, params = _rolled_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        recount = {(path, status): int(n) for _, path, _, status, n in cursor}
    kept = {
        (path, status): n
        for path, status, n in MemberCount.objects.values_list("path", "status", "n")
    }
    differences: list[dict[str, Any]] = []
    for key in sorted(set(recount) | set(kept)):
        if recount.get(key, 0) != kept.get(key, 0):
            differences.append(
                {"key": key, "kept": kept.get(key, 0), "recount": recount.get(key, 0)}
            )
    # a row whose depth no longer matches its path is stale too
    for path, depth in MemberCount.objects.values_list("path", "depth"):
        if depth != len(path) // SEGMENT - 1:
            differences.append({"key": (path, "depth"), "kept": depth, "recount": None})
    return differences
