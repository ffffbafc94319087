"""Import of org units: create, update, move — checked against the tree rules first.

Upsert key: the unit's code. New units are inserted with ``units_bulk_create``; a changed parent
is a move through ``unit_move`` (which rewrites the whole subtree's paths and moves its figures:
decision 0007), applied shallowest first so that no move ever passes through a transient cycle.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from xeploai.audit.actor import Actor
from xeploai.imports.plans import Plan, in_scope
from xeploai.imports.rows import Problems, Row, chunked
from xeploai.org.counts import is_live_cell, member_counts_cells_add
from xeploai.org.models import ALLOWED_PARENT_KINDS, OrgType, OrgUnit, Person, UnitKind
from xeploai.org.services import unit_move, units_bulk_create

FIELDS = ("name", "kind", "org_type", "established", "dissolved", "has_committee")
DEFAULTS: dict[str, Any] = {
    "org_type": OrgType.OTHER,
    "established": None,
    "dissolved": None,
    "has_committee": True,
}


def _label(kind: str | None) -> str:
    return str(UnitKind(kind).label) if kind else _("(gốc cây)")


@dataclass
class UnitsPlan(Plan):
    new: list[tuple[OrgUnit, str | None]] = field(default_factory=list)  # (unit, parent code)
    changes: dict[int, dict[str, Any]] = field(default_factory=dict)  # pk → changed fields
    moves: list[tuple[OrgUnit, str]] = field(default_factory=list)  # (unit, new parent code)
    existing: dict[str, OrgUnit] = field(default_factory=dict)

    def apply(self, actor: Actor) -> None:
        # the cells counted per subtree (MemberCount) follow what this import touches only:
        # a unit that became or stopped being a live cell, and each new cell (no people yet)
        cells: Counter[str] = Counter()
        by_pk = {unit.pk: unit for unit in self.existing.values()}
        for pk, changes in self.changes.items():
            OrgUnit.objects.filter(pk=pk).update(**changes)
            unit = by_pk[pk]
            after = OrgUnit(
                kind=changes.get("kind", unit.kind),
                dissolved=changes.get("dissolved", unit.dissolved),
            )
            cells[unit.path] += is_live_cell(after) - is_live_cell(unit)
        by_code = dict(self.existing)
        for unit, _parent in self.new:
            by_code[unit.code] = unit
        units_bulk_create(
            [unit for unit, _ in self.new],
            [by_code[parent] if parent else None for _, parent in self.new],
        )
        for unit, _parent in self.new:
            cells[unit.path] += is_live_cell(unit)
        # at the paths before the moves: a move carries its subtree's counts along
        member_counts_cells_add(cells)
        for unit, parent_code in self.moves:
            # the statistics and deciding bodies follow in unit_move (decision 0007)
            unit_move(actor=actor, unit=unit, new_parent=by_code[parent_code])


def plan(rows: list[Row], problems: Problems, *, scope: OrgUnit | None) -> UnitsPlan:
    result = UnitsPlan()
    tree = _Tree.load(rows, scope)
    result.existing = tree.existing
    kept = tree.read_rows(rows, problems)
    for row in kept:
        if not tree.check(row, problems):
            continue
        if not row.bad:
            _classify(result, tree, row)
    _check_kind_changes(result, problems, tree.first_row, tree.final_parent)
    if not problems:
        # Shallowest final position first: a parent is always in place before its children move.
        result.moves.sort(key=lambda move: tree.final_depth(move[0].code))
    result.details = {"moved": len(result.moves)}
    return result


@dataclass
class _Tree:
    """The tree as it stands (``db_*``) and as the file would leave it (``final_*``)."""

    scope: OrgUnit | None
    existing: dict[str, OrgUnit]  # units on file named by a row, as code or as parent
    db_parent: dict[str, str | None]
    db_kind: dict[str, str]
    first_row: dict[str, int] = field(default_factory=dict)  # code → the row declaring it
    final_parent: dict[str, str | None] = field(default_factory=dict)
    final_kind: dict[str, str | None] = field(default_factory=dict)
    depth: dict[str, int] = field(default_factory=dict)

    @classmethod
    def load(cls, rows: list[Row], scope: OrgUnit | None) -> _Tree:
        codes = {row.values["code"] for row in rows if "code" in row.values}
        referenced = codes | {row.values["parent"] for row in rows if "parent" in row.values}
        existing: dict[str, OrgUnit] = {}
        for batch in chunked(sorted(referenced)):
            for unit in OrgUnit.objects.filter(code__in=batch).select_related("parent"):
                existing[unit.code] = unit
        # Every ancestor of a unit we know, for the cycle walk and the kinds of final parents.
        ancestor_paths = {p for unit in existing.values() for p in unit.ancestor_paths()}
        db_parent: dict[str, str | None] = {}
        db_kind: dict[str, str] = {}
        for batch in chunked(sorted(ancestor_paths)):
            for code, kind, parent_code in OrgUnit.objects.filter(path__in=batch).values_list(
                "code", "kind", "parent__code"
            ):
                db_parent[code], db_kind[code] = parent_code, kind
        for unit in existing.values():
            db_parent[unit.code] = unit.parent.code if unit.parent else None
            db_kind[unit.code] = unit.kind
        return cls(scope, existing, db_parent, db_kind)

    def read_rows(self, rows: list[Row], problems: Problems) -> list[Row]:
        """The rows of distinct codes (a repeated code is a problem), with the final parent and
        kind of each."""
        kept: list[Row] = []
        for row in rows:
            code = row.values.get("code")
            if code is None:
                continue
            if code in self.first_row:
                problems.cell(
                    row,
                    "code",
                    _('mã "{code}" trùng với dòng {other}').format(
                        code=code, other=self.first_row[code]
                    ),
                )
                continue
            self.first_row[code] = row.number
            kept.append(row)
        for row in kept:
            code = row.values["code"]
            unit = self.existing.get(code)
            self.final_kind[code] = row.values.get("kind") or (unit.kind if unit else None)
            if "parent" in row.values:
                self.final_parent[code] = row.values["parent"]
            else:
                self.final_parent[code] = self.db_parent.get(code) if unit else None
        return kept

    def parent_of(self, code: str) -> str | None:
        return self.final_parent[code] if code in self.final_parent else self.db_parent.get(code)

    def kind_of(self, code: str) -> str | None:
        return self.final_kind[code] if code in self.final_kind else self.db_kind.get(code)

    def final_depth(self, code: str) -> int:
        if code not in self.depth:
            parent = self.parent_of(code)
            self.depth[code] = 0 if parent is None else self.final_depth(parent) + 1
        return self.depth[code]

    def scope_text(self) -> str:
        return f' "{self.scope.code}"' if self.scope else ""

    def check(self, row: Row, problems: Problems) -> bool:
        """Check one row against the tree rules; False when the row names a unit that may not
        be touched at all (nothing more to say about it)."""
        code = row.values["code"]
        unit = self.existing.get(code)
        if unit is not None and not in_scope(unit.path, self.scope):
            problems.cell(
                row,
                "code",
                _('mã "{code}" không dùng được trong phạm vi nhập; liên hệ cấp trên').format(
                    code=code
                ),
            )
            return False
        parent_problem = self._check_parent(row, unit, problems)
        kind = self.final_kind[code]
        if not parent_problem and kind and "kind" not in row.bad:
            self._check_kind(row, kind, problems)
            self._check_cycle(row, problems)
        _check_dates(row, unit, problems)
        return True

    def _check_parent(self, row: Row, unit: OrgUnit | None, problems: Problems) -> bool:
        """Say what is wrong with the row's final parent; True if anything is."""
        code = row.values["code"]
        parent_code = self.final_parent[code]
        message: str | None = None
        if parent_code == code:
            message = _("một tổ chức không thể trực thuộc chính nó")
        elif parent_code is not None and (unit is None or parent_code != self.db_parent.get(code)):
            message = self._new_parent_problem(row, parent_code)
        if message is not None:
            problems.cell(row, "parent", message)
        scope = self.scope
        if scope is not None and unit is not None and unit.pk == scope.pk:
            if parent_code != self.db_parent.get(code):
                problems.cell(row, "parent", _("không chuyển được tổ chức gốc của phạm vi nhập"))
                return True
        elif scope is not None and parent_code is None:
            problems.cell(
                row,
                "parent",
                _("ô trống — cần mã tổ chức cấp trên trong phạm vi{scope}").format(
                    scope=self.scope_text()
                ),
            )
            return True
        return message is not None

    def _new_parent_problem(self, row: Row, parent_code: str) -> str | None:
        """What is wrong with ``parent_code`` as the new parent of the row's unit, if anything."""
        not_found = (
            _('mã "{code}" không có trong phạm vi nhập cũng như ở các dòng phía trên')
            if self.scope
            else _('mã "{code}" không có trong hệ thống cũng như ở các dòng phía trên')
        )
        parent = self.existing.get(parent_code)
        declared = self.first_row.get(parent_code)
        if parent is None and declared is None:
            return not_found.format(code=parent_code)
        if parent is None and declared is not None and declared > row.number:
            return _(
                'tổ chức cấp trên "{code}" khai báo ở dòng {other}, phía dưới — tổ chức '
                "cấp trên phải đứng trước"
            ).format(code=parent_code, other=declared)
        if parent is not None and not in_scope(parent.path, self.scope):
            return not_found.format(code=parent_code)
        return None

    def _check_kind(self, row: Row, kind: str, problems: Problems) -> None:
        parent_code = self.final_parent[row.values["code"]]
        parent_kind = self.kind_of(parent_code) if parent_code else None
        if parent_kind not in ALLOWED_PARENT_KINDS.get(kind, ()):
            problems.cell(
                row,
                "kind" if "kind" in row.values else "parent",
                _(
                    "{kind} không thể trực thuộc {parent}{code} — cần một cấp trên là: {allowed}"
                ).format(
                    kind=_label(kind),
                    parent=_label(parent_kind),
                    code=f' "{parent_code}"' if parent_code else "",
                    allowed=", ".join(_label(k) for k in ALLOWED_PARENT_KINDS[kind]),
                ),
            )

    def _check_cycle(self, row: Row, problems: Problems) -> None:
        """A cycle: following the final parents from this unit comes back to it."""
        code = row.values["code"]
        seen = [code]
        walker = self.final_parent[code]
        while walker is not None and walker not in seen:
            seen.append(walker)
            walker = self.parent_of(walker)
        if walker == code:
            problems.cell(
                row,
                "parent",
                _("tạo thành vòng lặp: {chain}").format(chain=" → ".join([*seen, code])),
            )


def _check_dates(row: Row, unit: OrgUnit | None, problems: Problems) -> None:
    values = row.values
    established = values.get("established", unit.established if unit else None)
    dissolved = values.get("dissolved", unit.dissolved if unit else None)
    if established and dissolved and dissolved < established:
        problems.cell(
            row,
            "dissolved" if "dissolved" in values else "established",
            _("ngày giải thể {dissolved} trước ngày thành lập {established}").format(
                dissolved=f"{dissolved:%d/%m/%Y}", established=f"{established:%d/%m/%Y}"
            ),
        )


def _classify(result: UnitsPlan, tree: _Tree, row: Row) -> None:
    """Count a good row as a new unit, a change (fields, a move) or nothing to do."""
    values = row.values
    code = values["code"]
    unit = tree.existing.get(code)
    parent_code = tree.final_parent[code]
    if unit is None:
        fields = {name: values.get(name, DEFAULTS.get(name)) for name in ("code", *FIELDS)}
        result.new.append((OrgUnit(**fields), parent_code))
        result.created += 1
        return
    changes = {
        name: values[name]
        for name in FIELDS
        if name in values and values[name] != getattr(unit, name)
    }
    moved = parent_code is not None and parent_code != tree.db_parent.get(code)
    if changes:
        result.changes[unit.pk] = changes
    if moved:
        assert parent_code is not None
        result.moves.append((unit, parent_code))
    if changes or moved:
        result.updated += 1
    else:
        result.unchanged += 1


def _check_kind_changes(
    result: UnitsPlan,
    problems: Problems,
    first_row: dict[str, int],
    final_parent: dict[str, str | None],
) -> None:
    """A unit whose kind changes must still suit its children and, if no longer a cell, hold
    no members."""
    changed = {
        unit.code: (unit, changes["kind"])
        for unit in result.existing.values()
        if (changes := result.changes.get(unit.pk)) and "kind" in changes
    }
    if not changed:
        return
    children = OrgUnit.objects.filter(parent__code__in=list(changed)).values_list(
        "code", "kind", "parent__code"
    )
    for child_code, child_kind, parent_code in children:
        if child_code in final_parent and final_parent[child_code] != parent_code:
            continue  # the child leaves in this same file
        new_kind = changed[parent_code][1]
        if new_kind not in ALLOWED_PARENT_KINDS.get(child_kind, ()):
            problems.cell(
                first_row[parent_code],
                "kind",
                _(
                    'không đổi được thành {kind}: tổ chức cấp dưới "{child}" ({child_kind}) '
                    "không thể trực thuộc {kind}"
                ).format(kind=_label(new_kind), child=child_code, child_kind=_label(child_kind)),
            )
    no_longer_cells = [
        unit.pk for unit, kind in changed.values() if unit.is_cell and kind not in UnitKind.cells()
    ]
    for code in (
        Person.objects.filter(unit_id__in=no_longer_cells)
        .values_list("unit__code", flat=True)
        .distinct()
    ):
        problems.cell(
            first_row[code],
            "kind",
            _("không đổi được loại: chi bộ đang có đảng viên sinh hoạt"),
        )
