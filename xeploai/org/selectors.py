"""Reads of the org tree: a constant number of queries whatever the size of the subtree."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count
from django.db.models.functions import Substr

from xeploai.org.models import SEGMENT, OrgUnit, Person, PersonStatus, UnitKind


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
    children = list(unit.children.order_by("kind", "name"))
    prefix_len = len(unit.path) + SEGMENT
    per_child: dict[str, Counts] = {child.path: Counts() for child in children}
    totals = Counts()

    cell_rows = (
        OrgUnit.objects.in_subtree(unit.path)
        .filter(kind__in=UnitKind.cells(), dissolved__isnull=True)
        .annotate(prefix=Substr("path", 1, prefix_len))
        .values("prefix")
        .annotate(n=Count("id"))
    )
    for row in cell_rows:
        totals.cells += row["n"]
        if row["prefix"] in per_child:
            per_child[row["prefix"]].cells += row["n"]

    member_rows = (
        Person.objects.in_subtree(unit.path)
        .annotate(prefix=Substr("unit__path", 1, prefix_len))
        .values("prefix", "status")
        .annotate(n=Count("id"))
    )
    for row in member_rows:
        targets = [totals]
        if row["prefix"] in per_child:
            targets.append(per_child[row["prefix"]])
        for counts in targets:
            counts.by_status[row["status"]] = counts.by_status.get(row["status"], 0) + row["n"]
            counts.members += row["n"]

    return UnitOverview(
        unit=unit,
        breadcrumbs=breadcrumbs(unit, visible_from),
        totals=totals,
        children=[(child, per_child[child.path]) for child in children],
    )
