"""From a table's raw rows to clean values per row, collecting every cell problem on the way."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from operator import itemgetter
from types import NoneType
from typing import Any

from django.utils.translation import gettext as _

from xeploai.imports.cells import CellError, converter_for
from xeploai.imports.problems import Problem
from xeploai.imports.reading import Table
from xeploai.lib.sheets import ERRORS_LISTED, column_letter

Progress = Callable[[int, int, str], None]
_NOTHING_BAD: frozenset[str] = frozenset()


class Row:
    """One non-blank row: its Excel number, its converted non-blank cells, its bad keys."""

    __slots__ = ("bad", "number", "values")

    def __init__(self, number: int, values: dict[str, Any], bad: set[str] | None = None) -> None:
        self.number = number
        self.values = values
        # Most rows have no bad cell: they share one empty set until ``Problems.cell`` adds one.
        self.bad: set[str] | frozenset[str] = bad if bad is not None else _NOTHING_BAD


class Problems:
    """Problems of one table, each with the cell's letter and header as the file has them.
    The first ``ERRORS_LISTED`` are kept, the others only counted (``len``): a file of 300,000
    bad rows would otherwise hold millions of them."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.items: list[Problem] = []
        self.total = 0
        self._where = {column.key: (column_letter(i), column.header) for i, column in table.columns}

    def __bool__(self) -> bool:
        return bool(self.total)

    def __len__(self) -> int:
        return self.total

    def _add(self, problem: Problem) -> None:
        self.total += 1
        if len(self.items) < ERRORS_LISTED:
            self.items.append(problem)

    def cell(self, row: Row | int, key: str, message: str) -> None:
        number = row.number if isinstance(row, Row) else row
        letter, header = self._where.get(key, ("", ""))
        self._add(Problem(self.table.sheet.name, number, letter, header, message))
        if isinstance(row, Row):
            if isinstance(row.bad, set):
                row.bad.add(key)
            else:
                row.bad = {key}

    def row(self, row: Row | int, message: str) -> None:
        number = row.number if isinstance(row, Row) else row
        self._add(Problem(self.table.sheet.name, number, "", "", message))

    def sheet(self, message: str) -> None:
        self._add(Problem(self.table.sheet.name, None, "", "", message))

    def sorted(self) -> list[Problem]:
        return sorted(self.items, key=lambda p: (p.row or 0, len(p.column), p.column))


# Rows are converted a block at a time, column by column (see ``parse_blocks``).
BLOCK = 20_000
_SAMPLE = 1000
_ABSENT = object()  # the cell is beyond the end of a short (CSV) row


class _Failure:
    """A cell that cannot be converted: the message that follows its address."""

    __slots__ = ("message",)

    def __init__(self, message: str) -> None:
        self.message = message


def _convert_each(raws: list[Any], convert: Callable[[Any], Any]) -> list[Any]:
    """The clean value of every cell: None for a blank cell, a ``_Failure`` for a bad one."""
    result: list[Any] = []
    append = result.append
    for raw in raws:
        if type(raw) is str:
            if not raw or raw.isspace():
                append(None)
                continue
        elif raw is _ABSENT:
            append(None)
            continue
        try:
            append(convert(raw))
        except CellError as error:
            append(_Failure(str(error)))
    return result


def _convert_column(
    raws: list[Any], convert: Callable[[Any], Any], memo: dict[Any, Any]
) -> list[Any]:
    """``_convert_each`` of a column. Names, cells, choices and often dates repeat: then each
    distinct cell is converted once and the rest runs in C. Only a column of one type is keyed
    by value (``True == 1 == 1.0``); one of mostly distinct values (ID numbers) is converted
    cell by cell."""
    sample = raws[:_SAMPLE]
    if len(set(map(type, raws))) > 1 or len(set(sample)) > len(sample) * 9 // 10:
        return _convert_each(raws, convert)
    fresh = list(set(raws).difference(memo))
    memo.update(zip(fresh, _convert_each(fresh, convert), strict=True))
    return list(map(memo.__getitem__, raws))


def parse_rows(
    table: Table, problems: Problems, *, today: dt.date, progress: Progress | None = None
) -> list[Row]:
    """Convert every non-blank row; blank rows are skipped, bad cells recorded in ``problems``."""
    return [
        row
        for block in parse_blocks(table, problems, today=today, progress=progress)
        for row in block
    ]


class _Blocks:
    """What ``parse_blocks`` keeps from one block to the next: each column's converter and
    memo, and the messages."""

    def __init__(self, table: Table, problems: Problems, today: dt.date) -> None:
        self.plan = [
            (index, column.key, converter_for(column, today)) for index, column in table.columns
        ]
        self.keys = tuple(key for _, key, _ in self.plan)
        self.position = {index: i for i, (index, _, _) in enumerate(self.plan)}
        self.required = [column.key for _, column in table.columns if column.required]
        self.formulas = table.formula_cells
        self.problems = problems
        self.memos: list[dict[Any, Any]] = [{} for _ in self.plan]
        self.formula_message = _(
            "ô chứa công thức — hãy đổi thành giá trị (Sao chép, rồi Dán đặc biệt → Giá trị)"
        )
        self.empty_message = _("ô trống — cột này bắt buộc")

    def columns(self, block: Sequence[list[Any]], first: int) -> list[list[Any]]:
        """The block converted column by column, formula cells marked as failures."""
        narrowest = min(map(len, block))
        columns: list[list[Any]] = []
        for (index, _key, convert), memo in zip(self.plan, self.memos, strict=True):
            if index < narrowest:
                raws = list(map(itemgetter(index), block))
            else:  # short rows (CSV): the missing cells are blank
                raws = [row[index] if index < len(row) else _ABSENT for row in block]
            columns.append(_convert_column(raws, convert, memo))
        for number, index in self.formulas:
            where = self.position.get(index)
            if where is not None and first <= number < first + len(block):
                columns[where][number - first] = _Failure(self.formula_message)
        return columns

    def rows(self, columns: list[list[Any]], first: int) -> list[Row]:
        """The rows assembled from converted columns; blank rows skipped."""
        # The rows with a blank or a bad cell; the others become a dict in one C call.
        irregular: set[int] = set()
        for column in columns:
            kinds = set(map(type, column))
            if NoneType in kinds or _Failure in kinds:
                irregular.update(
                    offset
                    for offset, value in enumerate(column)
                    if value is None or type(value) is _Failure
                )
        result: list[Row] = []
        for offset, cells in enumerate(zip(*columns, strict=True)):
            if offset not in irregular:
                result.append(Row(first + offset, dict(zip(self.keys, cells, strict=True))))
                continue
            row = self.irregular(first + offset, cells)
            if row is not None:
                result.append(row)
        return result

    def irregular(self, number: int, cells: tuple[Any, ...]) -> Row | None:
        row = Row(number, {})
        for key, value in zip(self.keys, cells, strict=True):
            if type(value) is _Failure:
                self.problems.cell(row, key, value.message)
            elif value is not None:
                row.values[key] = value
        if not row.values and not row.bad:
            return None  # a blank row
        for key in self.required:
            if key not in row.values and key not in row.bad:
                self.problems.cell(row, key, self.empty_message)
        return row


def parse_blocks(
    table: Table,
    problems: Problems,
    *,
    today: dt.date,
    progress: Progress | None = None,
    sizes: Sequence[int] = (BLOCK,),
) -> Iterator[list[Row]]:
    """``parse_rows`` a block at a time, as the caller asks for them (the people import writes
    one block while the next is converted): blocks of ``sizes[0]`` rows, then ``sizes[1]``…,
    the last size repeated.

    This runs over every cell of files of 100,000 rows: a block of rows is converted column by
    column (each distinct value once), then the rows are assembled from the columns.
    """
    blocks = _Blocks(table, problems, today)
    total = len(table.rows)
    ends = itertools.accumulate(itertools.chain(sizes, itertools.repeat(sizes[-1])))
    start = 0
    for end in ends:
        if start >= total:
            return
        block = table.rows[start:end]
        first = table.first_row + start
        if progress is not None and start:
            progress(start, total, _("Đang kiểm tra dòng {n}").format(n=first))
        yield blocks.rows(blocks.columns(block, first), first)
        start = end


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
