"""Reads of the org tree: a constant number of queries whatever the size of the subtree."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from xeploai.lib.fixedsql import Columns, Statement
from xeploai.org.models import (
    CELLS_KEY,
    MemberCount,
    OrgUnit,
    PersonStatus,
    UnitLineage,
)


@dataclass
class Counts:
    cells: int = 0
    members: int = 0
    by_status: dict[str, int] = field(default_factory=dict)

    @property
    def present(self) -> int:
        return sum(self.by_status.get(status, 0) for status in PersonStatus.present())

    def status_rows(self) -> list[tuple[str, int]]:
        return [(str(label), self.by_status.get(value, 0)) for value, label in PersonStatus.choices]


@dataclass
class UnitOverview:
    unit: OrgUnit
    breadcrumbs: list[OrgUnit]
    totals: Counts
    children: list[tuple[OrgUnit, Counts]]


class _PathsRead:
    """``OrgUnit.objects.filter(path__in=paths).order_by("path")`` as a statement written once
    per process and number of paths (``xeploai.lib.fixedsql``): every unit's and report's page
    reads its breadcrumbs."""

    def __init__(self, paths: int) -> None:
        self.unit = Columns(OrgUnit, "u")
        self.paths = paths
        self.statement = Statement(OrgUnit, self._build)

    def _build(self, connection: Any) -> str:
        path = self.unit.column(connection, "path")
        marks = ", ".join(["%s"] * self.paths)
        return (
            f"SELECT {self.unit.sql(connection)} FROM {self.unit.table(connection)} "  # noqa: S608
            f"WHERE {path} IN ({marks}) ORDER BY {path} ASC"
        )

    def __call__(self, paths: list[str]) -> list[OrgUnit]:
        connection, rows = self.statement.rows(paths)
        return [self.unit.instance(connection, row) for row in rows]


@functools.cache
def _paths_read(paths: int) -> _PathsRead:
    return _PathsRead(paths)


def breadcrumbs(unit: OrgUnit, visible_from: str = "") -> list[OrgUnit]:
    """Ancestors root first, from the first one the viewer may see."""
    paths = [p for p in unit.ancestor_paths() if p.startswith(visible_from)]
    if not paths:  # the ORM's ``path__in=[]`` asked nothing either
        return []
    return _paths_read(len(paths))(paths)


def unit_overview(unit: OrgUnit, visible_from: str = "") -> UnitOverview:
    """The unit, its children and their member and cell counts: three queries whatever the
    size of the subtree (the counts are read from ``MemberCount``, the unit's row and its
    children's)."""
    children = list(unit.children.order_by("kind", "name"))
    per_child: dict[str, Counts] = {child.path: Counts() for child in children}
    totals = Counts()
    rows = MemberCount.objects.filter(
        Q(path=unit.path) | Q(depth=unit.depth + 1, path__startswith=unit.path)
    ).values_list("path", "status", "n")
    for path, status, n in rows:
        counts = totals if path == unit.path else per_child.get(path)
        if counts is None or not n:
            continue
        if status == CELLS_KEY:
            counts.cells += n
        else:
            counts.by_status[status] = n
            counts.members += n

    return UnitOverview(
        unit=unit,
        breadcrumbs=breadcrumbs(unit, visible_from),
        totals=totals,
        children=[(child, per_child[child.path]) for child in children],
    )


def lineage_of(unit: OrgUnit) -> tuple[list[UnitLineage], list[UnitLineage]]:
    """(predecessors, successors) links of ``unit``, each with the other unit: two queries."""
    before = list(UnitLineage.objects.filter(successor=unit).select_related("predecessor"))
    after = list(UnitLineage.objects.filter(predecessor=unit).select_related("successor"))
    return before, after
