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

from xeploai.cycles.models import Period
from xeploai.lib.fixedsql import Columns, Statement
from xeploai.org.models import OrgUnit, Person
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
