"""The one path every text the product writes into a file goes through (xlsx, csv, docx).

Texts come from people — a unit's name set in the admin, a follow-up plan typed by a clerk, a
member's own self-review — and a spreadsheet takes a text that begins with ``= + - @`` (or a tab
or carriage return before one) for a formula: ``=HYPERLINK(...)`` or ``=WEBSERVICE(...)`` would
run on the reader's machine (OWASP "CSV injection"). Here:

- ``plain`` drops the control characters XML cannot hold (openpyxl and python-docx would fail
  on them), for every format;
- ``write_text`` / ``append_text_row`` / ``text_cell`` store a text in an openpyxl cell as a
  string, never a formula (openpyxl makes a formula of any text beginning with "="), and mark
  one that looks like a formula with Excel's quote prefix so that editing the cell keeps it text;
- ``csv_field`` puts a single quote before a csv field that looks like a formula (the imports
  read it back with ``csv_unescape``).

Numbers stay numbers: only text is escaped, so ``-3`` written as a number is still ``-3``.
"""

from __future__ import annotations

import re
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# XML 1.0 allows tab, line feed and carriage return among the C0 controls, and no U+FFFE/U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def formula_like(text: str) -> bool:
    """Whether a spreadsheet could read ``text`` as a formula."""
    return text.startswith(FORMULA_START)


def plain(text: str) -> str:
    """``text`` without the characters an xlsx or docx file cannot hold."""
    return _NOT_XML.sub("", text) if not text.isprintable() else text


def csv_field(value: Any) -> Any:
    """A csv field: a text that looks like a formula gets a leading ``'``; anything else as is."""
    if isinstance(value, str):
        value = plain(value)
        if formula_like(value):
            return "'" + value
    return value


def csv_unescape(text: str) -> str:
    """The inverse of ``csv_field`` for a text read back from a file: a quote before a
    formula-like text is dropped, so the reader sees (and refuses) the formula it stands for."""
    if text.startswith("'") and formula_like(text[1:]):
        return text[1:]
    return text


def write_text(cell: Any, value: Any) -> None:
    """Put ``value`` in an openpyxl cell; a text stays text even when it looks like a formula."""
    if not isinstance(value, str):
        cell.value = value
        return
    value = plain(value)
    cell.value = value
    cell.data_type = "s"  # not "f" (a formula) nor "e" (an error code such as "#N/A")
    if formula_like(value):
        cell.quotePrefix = True


def text_cell(sheet: Any, value: Any) -> Any:
    """``value`` ready for ``append`` on a write-only sheet: a text openpyxl would take for a
    formula or an error code becomes a string cell; any other text stays a bare (faster) str."""
    if not isinstance(value, str):
        return value
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ERROR_CODES

    value = plain(value)
    if not formula_like(value) and value not in ERROR_CODES:
        return value
    cell = WriteOnlyCell(sheet)
    write_text(cell, value)
    return cell


def append_text_row(sheet: Any, values: list[Any]) -> None:
    """``sheet.append(values)``, with every text written as text (see ``write_text``); works on
    ordinary and write-only sheets."""
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

    if isinstance(sheet, WriteOnlyWorksheet):
        sheet.append([text_cell(sheet, value) for value in values])
        return
    sheet.append([plain(value) if isinstance(value, str) else value for value in values])
    if all(value is None for value in values):
        return
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            write_text(cell, cell.value)
