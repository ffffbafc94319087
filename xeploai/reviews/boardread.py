"""The decision board's read of a deciding body's evaluations, with their people, written once
per process (``xeploai.lib.fixedsql``) instead of by the ORM per request.

The board reads it on every page and on every decision's answer: on a body of 250 files
Django's compiler spent 1.7 ms writing the statement and its iterator more than the database
took to return the rows (docs/benchmarks.md, the sixth session, h22d). The statement is the
ORM's — the same columns, joins, filter and order — and its rows become instances as Django's
own reads make them, each evaluation's person in its field cache as ``select_related`` puts it
(``tests/test_boardread.py`` compares them with the ORM's on SQLite and PostgreSQL).
"""

from __future__ import annotations

import functools
from typing import Any, Literal

from django.db.models import Model

from xeploai.cycles.models import Period
from xeploai.lib.fixedsql import Columns, Statement, column_of
from xeploai.org.models import OrgUnit, Person
from xeploai.reviews.facts import POOL_FIELDS
from xeploai.reviews.models import Evaluation, Stage

Which = Literal["every", "needed", "one"]
_PERSON = Evaluation._meta.get_field("person")


class _BoardRead:
    """``Evaluation.objects.filter(period=…, decider=…).select_related("person")``, ordered
    by ``("kind", "unit__path", "person__name_folded", "pk")``: every row (``every``); the rows
    sent or decided, or with a level or a proposal (``needed``: ``Q(stage__in=(SENT,
    DECIDED)) | ~Q(level="") | ~Q(cell_level="")``); or one of them by id (``one``)."""

    def __init__(self) -> None:
        self.evaluation = Columns(Evaluation, "e")
        self.person = Columns(Person, "p")
        self.unit = Columns(OrgUnit, "u")  # its path orders the rows; not selected
        self.person_id = self.evaluation.names.index("person_id")
        self.statements = {
            which: Statement(Evaluation, functools.partial(self._build, which))
            for which in ("every", "needed", "one")
        }

    def _build(self, which: Which, connection: Any) -> str:
        e = functools.partial(self.evaluation.column, connection)
        where = f"{e('decider')} = %s AND {e('period')} = %s"
        if which == "needed":
            where += (
                f" AND ({e('stage')} IN (%s, %s) OR NOT ({e('level')} = %s)"
                f" OR NOT ({e('cell_level')} = %s))"
            )
        elif which == "one":
            where += f" AND {e('id')} = %s"
        order = (
            ""
            if which == "one"
            else (
                f" ORDER BY {e('kind')} ASC, {self.unit.column(connection, 'path')} ASC, "
                f"{self.person.column(connection, 'name_folded')} ASC, {e('id')} ASC"
            )
        )
        unit = (
            ""
            if which == "one"
            else (
                f" INNER JOIN {self.unit.table(connection)} "
                f"ON {e('unit')} = {self.unit.column(connection, 'id')}"
            )
        )
        return (
            f"SELECT {self.evaluation.sql(connection)}, {self.person.sql(connection)} "  # noqa: S608 — names
            f"FROM {self.evaluation.table(connection)} "
            f"LEFT OUTER JOIN {self.person.table(connection)} "
            f"ON {e('person')} = {self.person.column(connection, 'id')}{unit} "
            f"WHERE {where}{order}"
        )

    def __call__(self, decider: OrgUnit, period: Period, which: Which, pk: int = 0) -> list[Any]:
        params: list[Any] = [decider.pk, period.pk]
        if which == "needed":
            params += [str(Stage.SENT), str(Stage.DECIDED), "", ""]
        elif which == "one":
            params.append(pk)
        connection, rows = self.statements[which].rows(params)
        width = len(self.evaluation)
        found = []
        for row in rows:
            evaluation = self.evaluation.instance(connection, row[:width])
            person = None
            if row[self.person_id] is not None:
                person = self.person.instance(connection, row[width:])
            _PERSON.set_cached_value(evaluation, person)
            found.append(evaluation)
        return found


@functools.cache
def _read() -> _BoardRead:
    return _BoardRead()


def board_evaluations(
    decider: OrgUnit, period: Period, *, every_row: bool = True
) -> list[Evaluation]:
    """The deciding body's evaluations of ``period`` with their people, in the board's order
    (``every_row=False``: only the sent or decided ones and those with a level or a
    proposal)."""
    rows: list[Evaluation] = _read()(decider, period, "every" if every_row else "needed")
    return rows


def board_evaluation(decider: OrgUnit, period: Period, pk: int) -> list[Evaluation]:
    """The body's evaluation ``pk`` of ``period`` with its person (none: not the body's)."""
    rows: list[Evaluation] = _read()(decider, period, "one", pk)
    return rows


class _UnitsRead:
    """``OrgUnit.objects.in_bulk(…)`` of the units of a deciding body's evaluations in a period
    (every one of them, whichever rows the board shows: a few cells and organizations)."""

    def __init__(self) -> None:
        self.unit = Columns(OrgUnit, "u")
        self.statement = Statement(OrgUnit, self._build)

    def _build(self, connection: Any) -> str:
        quote = connection.ops.quote_name
        e = Evaluation._meta
        return (
            f"SELECT {self.unit.sql(connection)} FROM {self.unit.table(connection)} "  # noqa: S608 — names
            f"WHERE {self.unit.column(connection, 'id')} IN (SELECT {quote(column_of(Evaluation, 'unit'))} "
            f"FROM {quote(e.db_table)} WHERE {quote(e.get_field('decider').column)} = %s "
            f"AND {quote(e.get_field('period').column)} = %s)"
        )

    def __call__(self, decider_id: int, period_id: int) -> dict[int, OrgUnit]:
        connection, rows = self.statement.rows([decider_id, period_id])
        found: dict[int, OrgUnit] = {}
        for row in rows:
            unit: OrgUnit = self.unit.instance(connection, row)
            found[unit.pk] = unit
        return found


@functools.cache
def _units() -> _UnitsRead:
    return _UnitsRead()


def board_units(decider: OrgUnit, period: Period) -> dict[int, OrgUnit]:
    """The units of the deciding body's evaluations of ``period``, by id (the ORM's
    ``in_bulk`` of them; the ORM's building of that statement cost the board more than the
    rows' own related objects)."""
    return _units()(decider.pk, period.pk)


class _PoolRead:
    """``Evaluation.objects.filter(period=…, decider=…).order_by("pk").values(*POOL_FIELDS)``:
    what a decision's check reads of every subject of the deciding body (``checks``), each
    value converted as the ORM converts it (the backend's converters, then the field's)."""

    def __init__(self) -> None:
        self.columns: list[tuple[str, Any, str]] = []  # (name, field, table alias)
        for name in POOL_FIELDS:
            model: type[Model] = Evaluation
            alias, attname = "e", name
            if "__" in name:
                relation, attname = name.split("__")
                model, alias = (OrgUnit, "u") if relation == "unit" else (Person, "p")
            field = model._meta.pk if attname == "pk" else model._meta.get_field(attname)
            self.columns.append((name, field, alias))
        self.statement = Statement(Evaluation, self._build)
        self._converters: dict[str, list[tuple[Any, list[Any]]]] = {}

    def _build(self, connection: Any) -> str:
        quote = connection.ops.quote_name
        select = ", ".join(f"{quote(a)}.{quote(f.column)}" for _n, f, a in self.columns)
        e, u, p = Evaluation._meta, OrgUnit._meta, Person._meta
        return (
            f"SELECT {select} FROM {quote(e.db_table)} {quote('e')} "  # noqa: S608 — names
            f"INNER JOIN {quote(u.db_table)} {quote('u')} "
            f"ON {quote('e')}.{quote(e.get_field('unit').column)} = {quote('u')}.{quote('id')} "
            f"LEFT OUTER JOIN {quote(p.db_table)} {quote('p')} "
            f"ON {quote('e')}.{quote(e.get_field('person').column)} = {quote('p')}.{quote('id')} "
            f"WHERE {quote('e')}.{quote(e.get_field('decider').column)} = %s "
            f"AND {quote('e')}.{quote(e.get_field('period').column)} = %s "
            f"ORDER BY {quote('e')}.{quote(e.pk.column)} ASC"
        )

    def converters(self, connection: Any) -> list[tuple[Any, list[Any]]]:
        kept = self._converters.get(connection.alias)
        if kept is None:
            kept = self._converters[connection.alias] = []
            for _name, field, alias in self.columns:
                column = field.get_col(alias)
                functions = [
                    *connection.ops.get_db_converters(column),
                    *column.get_db_converters(connection),
                ]
                kept.append((column, functions))
        return kept

    def __call__(self, decider_id: int, period_id: int) -> list[dict[str, Any]]:
        connection, rows = self.statement.rows([decider_id, period_id])
        converters = self.converters(connection)
        names = [name for name, _f, _a in self.columns]
        found = []
        for row in rows:
            values = list(row)
            for i, (column, functions) in enumerate(converters):
                for function in functions:
                    values[i] = function(values[i], column, connection)
            found.append(dict(zip(names, values, strict=True)))
        return found


@functools.cache
def _pool() -> _PoolRead:
    return _PoolRead()


def pool_rows(decider_id: int, period_id: int) -> list[dict[str, Any]]:
    """The ``POOL_FIELDS`` of every evaluation of the deciding body in the period, by id."""
    return _pool()(decider_id, period_id)
