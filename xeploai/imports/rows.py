"""From a table's raw rows to clean values per row, collecting every cell problem on the way."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.utils.translation import gettext as _

from xeploai.imports.cells import CellError, converter_for
from xeploai.imports.problems import Problem, column_letter
from xeploai.imports.reading import Table

Progress = Callable[[int, int, str], None]
T = TypeVar("T")


@dataclass
class Row:
    number: int  # Excel row number
    values: dict[str, Any]  # the non-blank cells, converted
    bad: set[str] = field(default_factory=set)  # keys whose cell had a problem


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
    """Convert every non-blank row; blank rows are skipped, bad cells recorded in ``problems``."""
    plan = [(index, column, converter_for(column, today)) for index, column in table.columns]
    required = [(index, column) for index, column, _ in plan if column.required]
    formulas = table.formula_cells
    result: list[Row] = []
    total = len(table.rows)
    for offset, raw in enumerate(table.rows):
        number = table.first_row + offset
        if progress is not None and offset % 5000 == 0 and offset:
            progress(offset, total, _("Đang kiểm tra dòng {n}").format(n=number))
        width = len(raw)
        values: dict[str, Any] = {}
        row = Row(number, values)
        blank = True
        for index, column, convert in plan:
            value = raw[index] if index < width else ""
            if value == "" or value is None:
                if formulas and (number, index) in formulas:
                    blank = False
                    problems.cell(
                        row,
                        column.key,
                        _(
                            "ô chứa công thức — hãy đổi thành giá trị (Sao chép, rồi Dán đặc biệt "
                            "→ Giá trị)"
                        ),
                    )
                continue
            blank = False
            if formulas and (number, index) in formulas:
                problems.cell(
                    row,
                    column.key,
                    _(
                        "ô chứa công thức — hãy đổi thành giá trị (Sao chép, rồi Dán đặc biệt → Giá trị)"
                    ),
                )
                continue
            if type(value) is str and not value.strip():
                continue
            try:
                values[column.key] = convert(value)
            except CellError as error:
                problems.cell(row, column.key, str(error))
        if blank:
            continue
        for index, column in required:
            if column.key not in values and column.key not in row.bad:
                problems.cell(row, column.key, _("ô trống — cột này bắt buộc"))
        result.append(row)
    return result


def chunked(items: Iterable[T], size: int = 5000) -> Iterator[list[T]]:
    """Lists of at most ``size`` items (IN clauses stay under every database's parameter limit)."""
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
