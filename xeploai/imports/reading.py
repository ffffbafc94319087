"""Open an import file and find its data sheet, header and rows — or say in one sentence why not.

Workbooks are read with python-calamine (about 14× faster than openpyxl on large files); CSV
files (UTF-8, comma or semicolon) with the standard library. Everything that makes a file
unusable as a whole raises ``WorkbookError``; cell-level problems are left to the validation.
"""

from __future__ import annotations

import csv
import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, overload

from django.utils.translation import gettext as _

from xeploai.imports.columns import Column, Sheet
from xeploai.imports.opening import (
    ZIP_MAGIC,
    check_rows,
    limits,
    max_bytes,
    ole_message,
    open_xlsx,
    too_large,
)
from xeploai.imports.problems import WorkbookError
from xeploai.lib.numbers import vn_megabytes
from xeploai.lib.sheets import TooLarge, column_letter, csv_records
from xeploai.lib.text import fold

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Headers a clerk often adds that carry nothing to import.
IGNORED_HEADERS = {"stt", "so tt", "ghi chu"}
HEADER_SEARCH_ROWS = 10


class SheetRows(Sequence[list[Any]]):
    """The rows of a workbook sheet, each turned into a Python list when first read (they are
    read in order): the people import checks and writes its first block while calamine still
    holds the rest — converting a whole 100,000-row sheet first took 0.18 s before anything
    else could start."""

    def __init__(self, source: Iterator[list[Any]], count: int) -> None:
        self._source = source
        self._count = count
        self._read: list[list[Any]] = []

    def __len__(self) -> int:
        return self._count

    def _upto(self, stop: int) -> None:
        missing = min(stop, self._count) - len(self._read)
        if missing > 0:
            self._read.extend(itertools.islice(self._source, missing))

    @overload
    def __getitem__(self, index: int) -> list[Any]: ...

    @overload
    def __getitem__(self, index: slice) -> list[list[Any]]: ...

    def __getitem__(self, index: int | slice) -> list[Any] | list[list[Any]]:
        if isinstance(index, slice):
            self._upto(index.indices(self._count)[1])
        else:
            self._upto((index if index >= 0 else self._count + index) + 1)
        return self._read[index]

    def after(self, skipped: int) -> SheetRows:
        """The rows after the first ``skipped`` (this object must not be read any more)."""
        self._upto(skipped)
        rest = itertools.chain(self._read[skipped:], self._source)
        return SheetRows(rest, max(0, self._count - skipped))


@dataclass
class Table:
    sheet: Sheet
    sheet_name: str
    columns: list[tuple[int, Column]]  # (index of the column in the file, its description)
    rows: Sequence[list[Any]]
    first_row: int  # Excel row number of rows[0]
    formula_cells: set[tuple[int, int]] = field(default_factory=set)  # (Excel row, column index)

    @property
    def present(self) -> set[str]:
        return {column.key for _, column in self.columns}

    def letter(self, key: str) -> str:
        return next(column_letter(i) for i, c in self.columns if c.key == key)


def read_table(path: Path, sheet: Sheet, *, filename: str = "") -> Table:
    """The data of ``sheet`` in the file at ``path`` (``filename`` is the name the user gave)."""
    filename = filename or path.name
    try:
        size = path.stat().st_size
        with path.open("rb") as stream:
            head = stream.read(8)
    except OSError:
        raise WorkbookError(_("Không mở được tệp {name}.").format(name=filename)) from None
    if size > max_bytes():
        raise WorkbookError(
            _("Tệp {name} nặng {size} MB, quá giới hạn {limit} MB.").format(
                name=filename, size=vn_megabytes(size), limit=vn_megabytes(max_bytes())
            )
        )
    if size == 0:
        raise WorkbookError(_("Tệp {name} rỗng.").format(name=filename))
    if head.startswith(ZIP_MAGIC):
        wanted, height, rows, formulas = open_xlsx(path, sheet.name, filename)
        return _table(sheet, wanted, SheetRows(rows, height), formulas)
    if head.startswith(OLE_MAGIC):
        raise WorkbookError(ole_message(path, filename))
    if filename.lower().endswith(".csv"):
        return _read_csv(path, sheet, filename)
    raise WorkbookError(
        _("Tệp {name} không phải tệp Excel .xlsx (hoặc .csv) — hãy dùng tệp mẫu.").format(
            name=filename
        )
    )


def _read_csv(path: Path, sheet: Sheet, filename: str) -> Table:
    try:
        with path.open("rb") as raw:
            for block in iter(lambda: raw.read(1 << 20), b""):
                if b"\x00" in block:
                    raise WorkbookError(
                        _("Tệp {name} không phải tệp .csv hay .xlsx — hãy dùng tệp mẫu.").format(
                            name=filename
                        )
                    )
        with path.open(encoding="utf-8-sig", newline="") as stream:
            # The separator is the one the header uses (the first non-blank line).
            lines = (stream.readline() for _ in range(HEADER_SEARCH_ROWS))
            first_line = next((line for line in lines if line.strip()), "")
            delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
            # First count the records as a stream (a huge file stops here, little read and
            # nothing kept), then read them.
            stream.seek(0)
            limit = limits()
            counted = sum(
                1 for _ in itertools.islice(csv_records(stream, delimiter, limit), limit.rows + 2)
            )
            check_rows(counted - 1, sheet.name, filename)
            stream.seek(0)
            rows: list[list[Any]] = list(csv_records(stream, delimiter, limit))
    except UnicodeDecodeError:
        raise WorkbookError(
            _("Tệp {name} không phải văn bản UTF-8 — hãy lưu dạng CSV UTF-8.").format(name=filename)
        ) from None
    except TooLarge as error:
        raise WorkbookError(too_large(TooLarge(error.message, sheet.name), filename)) from None
    except csv.Error:
        raise WorkbookError(
            _("Tệp {name} không đọc được như tệp .csv.").format(name=filename)
        ) from None
    return _table(sheet, sheet.name, rows, set())


def _table(
    sheet: Sheet, sheet_name: str, rows: Sequence[list[Any]], formulas: set[tuple[int, int]]
) -> Table:
    header_index = next(
        (i for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]) if any(v != "" for v in row)), None
    )
    if header_index is None:
        raise WorkbookError(
            _('Sheet "{sheet}" không có dòng tiêu đề — hãy dùng tệp mẫu.').format(sheet=sheet.name)
        )
    by_header: dict[str, Column] = {}
    for column in sheet.columns:
        for header in (column.header, *column.aliases):
            by_header[fold(header)] = column
    columns: list[tuple[int, Column]] = []
    unknown: list[str] = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(rows[header_index]):
        header = fold(str(raw))
        if not header or header in IGNORED_HEADERS:
            continue
        found = by_header.get(header)
        if found is None:
            unknown.append(f'{column_letter(index)} "{raw}"')
            continue
        column = found
        if column.key in seen:
            raise WorkbookError(
                _(
                    'Sheet "{sheet}": cột "{header}" xuất hiện hai lần ({first} và {second}).'
                ).format(
                    sheet=sheet.name,
                    header=column.header,
                    first=column_letter(seen[column.key]),
                    second=column_letter(index),
                )
            )
        seen[column.key] = index
        columns.append((index, column))
    if unknown:
        raise WorkbookError(
            _(
                'Sheet "{sheet}" có cột không thuộc mẫu: {unknown} — các cột của mẫu: {known}.'
            ).format(
                sheet=sheet.name,
                unknown=", ".join(unknown),
                known=", ".join(f'"{c.header}"' for c in sheet.columns),
            )
        )
    missing = [c.header for c in sheet.columns if c.required and c.key not in seen]
    if sheet.kind in ("people", "results") and not {"citizen_id", "party_card_number"} & set(seen):
        missing.append(_("Số CCCD hoặc Số thẻ đảng viên"))
    if missing:
        raise WorkbookError(
            _(
                'Sheet "{sheet}" thiếu cột: {missing} — hãy dùng tệp mẫu '
                "(dòng tiêu đề ở dòng {row})."
            ).format(
                sheet=sheet.name,
                missing=", ".join(f'"{m}"' for m in missing),
                row=header_index + 1,
            )
        )
    if len(rows) <= header_index + 1:
        raise WorkbookError(_header_only(sheet.name, header_index + 1))
    return Table(
        sheet=sheet,
        sheet_name=sheet_name,
        columns=columns,
        rows=rows.after(header_index + 1)
        if isinstance(rows, SheetRows)
        else rows[header_index + 1 :],
        first_row=header_index + 2,
        formula_cells=formulas,
    )


def _header_only(sheet: str, header_row: int) -> str:
    return _('Sheet "{sheet}" chỉ có dòng tiêu đề (dòng {row}), không có dòng dữ liệu nào.').format(
        sheet=sheet, row=header_row
    )


def header_only_message(table: Table) -> str:
    """What a table whose rows under the header are all blank is told (as a header alone)."""
    return _header_only(table.sheet.name, table.first_row - 1)
