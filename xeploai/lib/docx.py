"""Small helpers for official-looking Word documents (python-docx), byte-for-byte repeatable.

Party documents use Times New Roman 13–14 pt, the "ĐẢNG CỘNG SẢN VIỆT NAM" header on the
right and the issuing organization on the left; the helpers keep that layout in one place.
Every text goes through ``lib.cells.plain``, and only as a run's text: user text never becomes
a field (``w:fldSimple``, ``w:instrText``).
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

from xeploai.lib.cells import plain

FIXED_TIME = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def new_document() -> Any:
    document = Document()
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21)
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(13)
    return document


def header(document: Any, left_top: str, left_bottom: str, place_date: str) -> None:
    """The two-column header of party documents."""
    table = document.add_table(rows=2, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    cells = table.rows[0].cells
    _cell(cells[0], left_top.upper(), bold=False)
    _cell(cells[1], "ĐẢNG CỘNG SẢN VIỆT NAM", bold=True, underline=True)
    cells = table.rows[1].cells
    _cell(cells[0], left_bottom.upper(), bold=True)
    _cell(cells[1], place_date, italic=True)


def _cell(
    cell: Any, text: str, *, bold: bool = False, italic: bool = False, underline: bool = False
) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(plain(text))
    run.bold, run.italic, run.underline = bold, italic, underline


def title(document: Any, *lines: str) -> None:
    for number, line in enumerate(lines):
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(plain(line))
        run.bold = number == 0
        run.font.size = Pt(14 if number == 0 else 13)


def heading(document: Any, text: str) -> None:
    run = document.add_paragraph().add_run(plain(text))
    run.bold = True


def paragraph(document: Any, text: str, *, italic: bool = False) -> None:
    for line in (text or "").splitlines() or [""]:
        run = document.add_paragraph().add_run(plain(line))
        run.italic = italic


def table(document: Any, head: list[str], rows: list[list[Any]]) -> None:
    grid = document.add_table(rows=1, cols=len(head))
    grid.style = "Table Grid"
    for cell, text in zip(grid.rows[0].cells, head, strict=True):
        cell.paragraphs[0].add_run(plain(str(text))).bold = True
    for row in rows:
        cells = grid.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = "" if value is None else plain(str(value))


def signatures(document: Any, left: str, right: str) -> None:
    grid = document.add_table(rows=1, cols=2)
    _cell(grid.rows[0].cells[0], left, bold=True)
    _cell(grid.rows[0].cells[1], right, bold=True)


def to_bytes(document: Any) -> bytes:
    """The .docx with fixed metadata and fixed zip timestamps: the same input gives the same
    bytes (a downloaded copy can be compared with a later one)."""
    properties = document.core_properties
    properties.created = properties.modified = properties.last_printed = FIXED_TIME
    properties.author = properties.last_modified_by = "xeploai"
    properties.revision = 1
    raw = io.BytesIO()
    document.save(raw)
    source = zipfile.ZipFile(io.BytesIO(raw.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in sorted(source.infolist(), key=lambda i: i.filename):
            fixed = zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()
