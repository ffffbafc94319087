"""Reads of the org tree: a constant number of queries whatever the size of the subtree."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q

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


def breadcrumbs(unit: OrgUnit, visible_from: str = "") -> list[OrgUnit]:
    """Ancestors root first, from the first one the viewer may see."""
    paths = [p for p in unit.ancestor_paths() if p.startswith(visible_from)]
    return list(OrgUnit.objects.filter(path__in=paths).order_by("path"))


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
