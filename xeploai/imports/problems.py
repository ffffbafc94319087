"""What can go wrong with an import file, said so that a clerk can fix it without help.

Two kinds: ``WorkbookError`` — the file as a whole cannot be read (not an xlsx, password,
missing sheet or columns, too big): one message, exit code 2; and ``Problem`` — one cell or row
is wrong: every problem of the file is collected and reported at once, exit code 1.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from django.utils.translation import gettext as _

from xeploai.lib.text import visible

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_BAD_FILE = 2


class WorkbookError(Exception):
    """The file cannot be read as an import file at all."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Problem:
    sheet: str
    row: int | None  # the Excel row number (1 = the header row)
    column: str  # the column's letter in the file, "" for the whole row
    header: str
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return _('Sheet "{sheet}": {message}').format(sheet=self.sheet, message=self.message)
        if not self.column:
            return _('Sheet "{sheet}", dòng {row}: {message}').format(
                sheet=self.sheet, row=self.row, message=self.message
            )
        return _('Sheet "{sheet}", dòng {row}, cột {column} "{header}": {message}').format(
            sheet=self.sheet,
            row=self.row,
            column=self.column,
            header=self.header,
            message=self.message,
        )

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def shown(value: Any, limit: int = 60) -> str:
    """A cell's value quoted for a message, shortened when huge."""
    text = visible(str(value))
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return f'"{text}"'
