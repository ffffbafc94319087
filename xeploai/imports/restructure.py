"""Import of restructure lists: old code → new code, kind, effective date (issue 16 §2).

The 2025 restructure came as such lists. Rows are grouped into operations — the merge rows
with the same new code and date are one ``unit_merge``, the split rows with the same old code
and date one ``unit_split`` — and run in the order of their first row through the services of
``org.reorg`` (and ``unit_move`` for "chuyển trực thuộc"), each in a savepoint: a refusal
becomes the problem of its row, and the whole file then writes nothing (``services._apply``
rolls back on any problem, and on a dry run). ``apply`` has nothing left to do.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from xeploai.audit.actor import Actor
from xeploai.imports.columns import Restructure
from xeploai.imports.plans import Plan, in_scope
from xeploai.imports.rows import Problems, Row, chunked
from xeploai.org.models import OrgUnit
from xeploai.org.reorg import SplitPart, unit_dissolve, unit_merge, unit_split
from xeploai.org.services import unit_move

_SEPARATORS = re.compile(r"[,;\s]+")


@dataclass
class RestructurePlan(Plan):
    def apply(self, actor: Actor) -> None:
        """Nothing: the operations ran, in the import's transaction, while it was checked."""


@dataclass
class _Operation:
    action: str
    on: dt.date
    rows: list[Row] = field(default_factory=list)
    old: list[OrgUnit] = field(default_factory=list)
    new: list[OrgUnit | None] = field(default_factory=list)
    children: list[tuple[OrgUnit, ...]] = field(default_factory=list)


def _codes(rows: list[Row]) -> set[str]:
    codes: set[str] = set()
    for row in rows:
        codes.update(str(row.values[key]) for key in ("old", "new") if key in row.values)
        codes.update(c for c in _SEPARATORS.split(str(row.values.get("children", ""))) if c)
    return codes


class _Reader:
    def __init__(self, rows: list[Row], problems: Problems, scope: OrgUnit | None) -> None:
        self.units: dict[str, OrgUnit] = {}
        for batch in chunked(sorted(_codes(rows))):
            self.units.update((u.code, u) for u in OrgUnit.objects.filter(code__in=batch))
        self.problems = problems
        self.scope = scope
        self.operations: dict[tuple[Any, ...], _Operation] = {}
        self.first_use: dict[str, tuple[tuple[Any, ...], int]] = {}

    def unit(self, row: Row, key: str, code: str) -> OrgUnit | None:
        unit = self.units.get(code)
        if unit is None:
            self.problems.cell(row, key, _("không có tổ chức mã {code}").format(code=code))
        elif not in_scope(unit.path, self.scope):
            self.problems.cell(
                row, key, _("tổ chức {code} ngoài phạm vi được nhập").format(code=code)
            )
            return None
        return unit

    def read(self, row: Row) -> None:
        values = row.values
        action, on = values["action"], values["effective"]
        old = self.unit(row, "old", values["old"])
        new = self.unit(row, "new", values["new"]) if "new" in values else None
        if "new" not in values and action != Restructure.DISSOLVE:
            self.problems.cell(
                row,
                "new",
                _("cần mã tổ chức mới với hình thức {action}").format(
                    action=Restructure(action).label
                ),
            )
            return
        children = self._children(row, old) if action == Restructure.SPLIT else ()
        if old is None or ("new" in values and new is None) or children is None:
            return
        if new is not None and new.pk == old.pk:
            self.problems.cell(row, "new", _("mã tổ chức mới trùng mã tổ chức cũ"))
            return
        key: tuple[Any, ...]
        if action == Restructure.MERGE:
            assert new is not None
            key = (action, new.code, on)
        elif action == Restructure.SPLIT:
            key = (action, old.code, on)
        else:
            key = (action, old.code)
        if not self._once(row, old.code, key):
            return
        operation = self.operations.setdefault(key, _Operation(action, on))
        operation.rows.append(row)
        operation.old.append(old)
        operation.new.append(new)
        operation.children.append(children)

    def _children(self, row: Row, old: OrgUnit | None) -> tuple[OrgUnit, ...] | None:
        codes = [c for c in _SEPARATORS.split(str(row.values.get("children", ""))) if c]
        found = [self.unit(row, "children", code) for code in codes]
        if any(unit is None for unit in found):
            return None
        units = tuple(unit for unit in found if unit is not None)
        strangers = [u.code for u in units if old is not None and u.parent_id != old.pk]
        if strangers:
            self.problems.cell(
                row,
                "children",
                _("{codes} không trực thuộc tổ chức cũ").format(codes=", ".join(strangers)),
            )
            return None
        return units

    def _once(self, row: Row, code: str, key: tuple[Any, ...]) -> bool:
        """An old unit takes part in one operation of the file."""
        seen = self.first_use.setdefault(code, (key, row.number))
        if seen[0] != key:
            self.problems.cell(
                row,
                "old",
                _("tổ chức {code} đã được sắp xếp ở dòng {row}").format(code=code, row=seen[1]),
            )
            return False
        return True


def _run(operation: _Operation, actor: Actor, roles: list[str]) -> int:
    """Run one operation; return how many units it reorganized. ``roles`` receives the role
    assignments that ended with the units."""
    on = operation.on
    if operation.action == Restructure.MERGE:
        target = operation.new[0]
        assert target is not None
        unit_merge(actor=actor, sources=operation.old, target=target, on=on, ended_roles=roles)
        return len(operation.old)
    if operation.action == Restructure.SPLIT:
        parts = [
            SplitPart(target, children)
            for target, children in zip(operation.new, operation.children, strict=True)
            if target is not None
        ]
        unit_split(actor=actor, source=operation.old[0], parts=parts, on=on, ended_roles=roles)
        return 1
    if operation.action == Restructure.DISSOLVE:
        unit_dissolve(
            actor=actor,
            unit=operation.old[0],
            on=on,
            successor=operation.new[0],
            ended_roles=roles,
        )
        return 1
    unit_move(actor=actor, unit=operation.old[0], new_parent=operation.new[0])
    return 1


def plan(
    rows: list[Row], problems: Problems, *, scope: OrgUnit | None, actor: Actor
) -> RestructurePlan:
    result = RestructurePlan()
    reader = _Reader(rows, problems, scope)
    for row in rows:
        if not row.bad:
            reader.read(row)
    if problems:
        return result
    done: Counter[str] = Counter()
    roles: list[str] = []
    for operation in reader.operations.values():
        ended: list[str] = []
        try:
            with transaction.atomic():
                result.updated += _run(operation, actor, ended)
        except ValidationError as error:
            problems.row(
                operation.rows[0],
                _("{action}: {message}").format(
                    action=Restructure(operation.action).label, message=" ".join(error.messages)
                ),
            )
            continue
        done[operation.action] += 1
        roles.extend(ended)
    result.details = {str(action): n for action, n in done.items()}
    if roles:  # the role assignments on the units that ended (org.reorg._roles_end)
        result.details["roles_ended"] = len(roles)
    return result
