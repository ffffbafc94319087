"""From a table's raw rows to clean values per row, collecting every cell problem on the way."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.utils.translation import gettext as _

from xeploai.imports.cells import CellError, converter_for
from xeploai.imports.problems import Problem, column_letter
from xeploai.imports.reading import Table

Progress = Callable[[int, int, str], None]


class Row:
    """One non-blank row: its Excel number, its converted non-blank cells, its bad keys."""

    __slots__ = ("bad", "number", "values")

    def __init__(self, number: int, values: dict[str, Any], bad: set[str] | None = None) -> None:
        self.number = number
        self.values = values
        self.bad: set[str] = bad if bad is not None else set()


class Problems:
    """Problems of one table, each with the cell's letter and header as the file has them."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.items: list[Problem] = []
        self._where = {column.key: (column_letter(i), column.header) for i, column in table.columns}

    def __bool__(self) -> bool:
        return bool(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def cell(self, row: Row | int, key: str, message: str) -> None:
        number = row.number if isinstance(row, Row) else row
        letter, header = self._where.get(key, ("", ""))
        self.items.append(Problem(self.table.sheet.name, number, letter, header, message))
        if isinstance(row, Row):
            row.bad.add(key)

    def row(self, row: Row | int, message: str) -> None:
        number = row.number if isinstance(row, Row) else row
        self.items.append(Problem(self.table.sheet.name, number, "", "", message))

    def sheet(self, message: str) -> None:
        self.items.append(Problem(self.table.sheet.name, None, "", "", message))

    def sorted(self) -> list[Problem]:
        return sorted(self.items, key=lambda p: (p.row or 0, len(p.column), p.column))


def parse_rows(
    table: Table, problems: Problems, *, today: dt.date, progress: Progress | None = None
) -> list[Row]:
    """Convert every non-blank row; blank rows are skipped, bad cells recorded in ``problems``.

    The inner loop runs once per cell of files of 100,000 rows: it is kept plain on purpose.
    """
    plan = [(index, column.key, converter_for(column, today)) for index, column in table.columns]
    required = [column.key for _, column in table.columns if column.required]
    formulas = table.formula_cells
    formula_message = _(
        "ô chứa công thức — hãy đổi thành giá trị (Sao chép, rồi Dán đặc biệt → Giá trị)"
    )
    result: list[Row] = []
    total = len(table.rows)
    number = table.first_row - 1
    for raw in table.rows:
        number += 1
        if progress is not None and number % 5000 == 0:
            progress(number - table.first_row, total, _("Đang kiểm tra dòng {n}").format(n=number))
        width = len(raw)
        values: dict[str, Any] = {}
        failures: list[tuple[str, str]] | None = None
        for index, key, convert in plan:
            if index >= width:
                continue
            value = raw[index]
            if formulas and (number, index) in formulas:
                failures = [*(failures or []), (key, formula_message)]
                continue
            if value == "" or (type(value) is str and not value.strip()):
                continue
            try:
                values[key] = convert(value)
            except CellError as error:
                failures = [*(failures or []), (key, str(error))]
        if not values and failures is None:
            continue  # a blank row
        row = Row(number, values)
        if failures is not None:
            for key, message in failures:
                problems.cell(row, key, message)
        for key in required:
            if key not in values and key not in row.bad:
                problems.cell(row, key, _("ô trống — cột này bắt buộc"))
        result.append(row)
    return result


def chunked[T](items: Iterable[T], size: int = 5000) -> Iterator[list[T]]:
    """Lists of at most ``size`` items (IN clauses stay under every database's parameter limit)."""
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
