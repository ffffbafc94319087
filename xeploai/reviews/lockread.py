"""The read every save of an evaluation starts with — the row locked, with its period, unit,
deciding body and person — written once per process (``xeploai.lib.fixedsql``, decisions
0013 and 0014) instead of by the ORM per save.

It replaces ``Evaluation.objects.select_for_update(of=("self",)).select_related("period",
"unit", "decider", "person").get(pk=pk)``: the same columns and joins, the evaluation's row
alone locked (``FOR UPDATE OF`` it, where the database has row locks; SQLite has none, and the
ORM leaves the clause out there too), the related rows in the field cache as
``select_related`` puts them. The ORM's statement also carried the model's ordering (three
joined tables' columns) for a single row by its key. ``tests/test_lockread.py`` compares the
instances with the ORM's on SQLite and PostgreSQL.

``with_related`` is the same read without the lock, for the related rows a page names (the
evaluation pages' and a decision's permission check, ``access.get_evaluation``).
"""

from __future__ import annotations

import functools
from typing import Any

from django.db.models import ForeignKey
from django.db.transaction import TransactionManagementError

from xeploai.cycles.models import Period
from xeploai.lib.fixedsql import Columns, Statement
from xeploai.reviews.models import Evaluation


class _LockRead:
    """The evaluation with the related rows ``related`` names (``select_related``'s names:
    its foreign keys, and ``period__scope_root``), its own row locked when ``lock``."""

    def __init__(
        self,
        related: tuple[str, ...] = ("period", "unit", "decider", "person"),
        *,
        lock: bool = True,
    ) -> None:
        self.lock = lock
        self.parts: dict[str, Columns] = {"evaluation": Columns(Evaluation, "e")}
        # per related row: the part it hangs from, its key there, and how it is joined
        self.links: dict[str, tuple[str, ForeignKey[Any, Any], str]] = {}
        aliases = {
            "period": "pe",
            "unit": "u",
            "decider": "d",
            "person": "p",
            "period__scope_root": "sr",
        }
        # a relation's parent first, named or not ("period__scope_root" joins the period)
        related = tuple(dict.fromkeys(n for name in related for n in _with_parents(name)))
        for name in related:
            parent, _, attribute = name.rpartition("__")
            parent = parent or "evaluation"
            model = Evaluation if parent == "evaluation" else Period
            field = model._meta.get_field(attribute)
            assert isinstance(field, ForeignKey) and parent in self.parts, name
            outer = field.null or (parent != "evaluation" and self.links[parent][2] != "INNER JOIN")
            self.parts[name] = Columns(field.related_model, aliases[name])
            self.links[name] = (parent, field, "LEFT OUTER JOIN" if outer else "INNER JOIN")
        self.statement = Statement(Evaluation, self._build)

    def _build(self, connection: Any) -> str:
        e = self.parts["evaluation"]
        joins = []
        for name, (parent, field, join) in self.links.items():
            part = self.parts[name]
            joins.append(
                f"{join} {part.table(connection)} "
                f"ON {self.parts[parent].column(connection, field.name)} = {part.column(connection, 'id')}"
            )
        select = ", ".join(part.sql(connection) for part in self.parts.values())
        lock = ""
        if self.lock and connection.features.has_select_for_update:
            of = connection.ops.quote_name(e.alias)
            lock = (
                f" FOR UPDATE OF {of}"
                if connection.features.has_select_for_update_of
                else (" FOR UPDATE")
            )
        return (
            f"SELECT {select} FROM {e.table(connection)} {' '.join(joins)} "  # noqa: S608 — names
            f"WHERE {e.column(connection, 'id')} = %s{lock}"
        )

    def __call__(self, pk: int) -> Evaluation:
        connection = self.statement.connection()
        if self.lock and connection.features.has_select_for_update and connection.get_autocommit():
            raise TransactionManagementError(
                "select_for_update cannot be used outside of a transaction."
            )
        connection, rows = self.statement.rows([pk])
        if not rows:
            raise Evaluation.DoesNotExist("Evaluation matching query does not exist.")
        row, start = rows[0], 0
        made: dict[str, Any] = {}
        for name, part in self.parts.items():
            values = row[start : start + len(part)]
            start += len(part)
            made[name] = None if values[0] is None else part.instance(connection, values)
        for name, (parent, field, _join) in self.links.items():
            holder = made[parent]
            if holder is not None:
                field.set_cached_value(holder, made[name])
        evaluation: Evaluation = made["evaluation"]
        return evaluation


def _with_parents(name: str) -> list[str]:
    steps = name.split("__")
    return ["__".join(steps[: n + 1]) for n in range(len(steps))]


@functools.cache
def _read() -> _LockRead:
    return _LockRead()


def locked(pk: int) -> Evaluation:
    """The evaluation ``pk`` read under its row lock, with its period, unit, deciding body
    and person (``Evaluation.DoesNotExist``: none)."""
    return _read()(pk)


@functools.cache
def _unlocked(related: tuple[str, ...]) -> _LockRead:
    return _LockRead(related, lock=False)


def with_related(pk: int, related: tuple[str, ...]) -> Evaluation:
    """``Evaluation.objects.select_related(*related).get(pk=pk)``, not locked: the read of the
    evaluation pages and of a decision's permission check (``access.get_evaluation``).
    ``related``: the evaluation's foreign keys and ``period__scope_root`` (whose period is
    joined whether named or not)."""
    return _unlocked(related)(pk)
