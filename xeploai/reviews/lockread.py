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
"""

from __future__ import annotations

import functools
from typing import Any

from django.db.models import ForeignKey
from django.db.transaction import TransactionManagementError

from xeploai.cycles.models import Period
from xeploai.lib.fixedsql import Columns, Statement
from xeploai.org.models import OrgUnit, Person
from xeploai.reviews.models import Evaluation


class _LockRead:
    def __init__(self) -> None:
        self.parts = {
            "evaluation": Columns(Evaluation, "e"),
            "period": Columns(Period, "pe"),
            "unit": Columns(OrgUnit, "u"),
            "decider": Columns(OrgUnit, "d"),
            "person": Columns(Person, "p"),
        }
        self.fields: dict[str, ForeignKey[Any, Any]] = {
            "period": Evaluation.period.field,
            "unit": Evaluation.unit.field,
            "decider": Evaluation.decider.field,
            "person": Evaluation.person.field,
        }
        self.statement = Statement(Evaluation, self._build)

    def _build(self, connection: Any) -> str:
        e = self.parts["evaluation"]
        joins = []
        for name, part in self.parts.items():
            if name == "evaluation":
                continue
            join = "LEFT OUTER JOIN" if name == "person" else "INNER JOIN"
            joins.append(
                f"{join} {part.table(connection)} "
                f"ON {e.column(connection, name)} = {part.column(connection, 'id')}"
            )
        select = ", ".join(part.sql(connection) for part in self.parts.values())
        lock = ""
        if connection.features.has_select_for_update:
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
        if connection.features.has_select_for_update and connection.get_autocommit():
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
        evaluation: Evaluation = made.pop("evaluation")
        for name, related in made.items():
            self.fields[name].set_cached_value(evaluation, related)
        return evaluation


@functools.cache
def _read() -> _LockRead:
    return _LockRead()


def locked(pk: int) -> Evaluation:
    """The evaluation ``pk`` read under its row lock, with its period, unit, deciding body
    and person (``Evaluation.DoesNotExist``: none)."""
    return _read()(pk)
