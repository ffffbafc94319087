"""Party documents as Word files (python-docx), in the format of Hướng dẫn 36-HD/VPTW
(3/4/2018), byte-for-byte repeatable.

The frame is the same for every document: A4, margins 2 cm top and bottom, 3 cm left, 1,5 cm
right; Times New Roman 14 pt (13 pt in tables); the two-column header (the superior body, the
issuing body in bold, "*", "Số …-BC/ĐU" on the left; "ĐẢNG CỘNG SẢN VIỆT NAM" underlined, then
the place and date in italics on the right); the document type in bold capitals with its summary
below; the signature block ("T/M ĐẢNG ỦY / BÍ THƯ", the name) beside "Nơi nhận". Tables take
their column widths from their content (``lib.widths``) and go on landscape pages when they do
not fit the portrait width without breaking a word.

Every text goes through ``lib.cells.plain``, and only as a run's text: user text never becomes
a field (``w:fldSimple``, ``w:instrText``).
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from xeploai.lib.cells import plain
from xeploai.lib.widths import CM, Measure, column_widths

FIXED_TIME = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
FONT = "Times New Roman"
BODY_PT = 14
TABLE_PT = 12
# 36-HD: top 20–25 mm, bottom 20–25 mm, left 30–35 mm, right 15–20 mm.
MARGINS = {"top_margin": 2.0, "bottom_margin": 2.0, "left_margin": 3.0, "right_margin": 1.5}
A4 = (21.0, 29.7)
CELL_PADDING = 2.8  # points left and right of a table cell's text (0,1 cm)


@dataclass(frozen=True)
class Issuer:
    """Who issues and signs a document (``org.issuer.issuer_of`` builds it from a unit)."""

    superior: str  # "ĐẢNG BỘ KHỐI CÁC CƠ QUAN TỈNH" ("" at the root)
    body: str  # "ĐẢNG ỦY SỞ TÀI CHÍNH"
    symbol: str  # "ĐU" (a committee) or "CB" (a cell)
    on_behalf: str  # "T/M ĐẢNG ỦY" / "T/M CHI BỘ"
    signer_title: str = "BÍ THƯ"
    signer: str = ""  # the secretary's name; "" leaves the line to be written by hand
    place: str = ""  # "" leaves dots to be filled by hand, as the number is


def date_line(place: str, on: dt.date) -> str:
    """ "Hà Nội, ngày 10 tháng 12 năm 2026" (36-HD: day and month below 10 with a leading 0
    only for 1 and 2, written here as offices print them: two digits)."""
    where = place or "…………"
    return f"{where}, ngày {on.day:02d} tháng {on.month:02d} năm {on.year}"


def number_line(kind: str, symbol: str, number: str = "") -> str:
    """ "Số 12-BC/ĐU"; without a number the space is left to fill in by hand."""
    return f"Số {number or '     '}-{kind}/{symbol}"


def _fonts(target: Any) -> None:
    """Times New Roman for every script slot of a style or run (Word picks by character)."""
    properties = target.element.get_or_add_rPr() if hasattr(target, "element") else target
    fonts = properties.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        properties.insert(0, fonts)
    for slot in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(slot), FONT)


def new_document() -> Any:
    document = Document()
    _page(document.sections[0], landscape=False)
    style = document.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(BODY_PT)
    _fonts(style)
    style.paragraph_format.space_after = Pt(3)
    style.paragraph_format.space_before = Pt(0)
    style.paragraph_format.line_spacing = 1.1
    return document


def _page(section: Any, *, landscape: bool) -> None:
    width, height = A4
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Cm(height), Cm(width)
        section.left_margin = section.right_margin = Cm(2.0)
        section.top_margin, section.bottom_margin = Cm(3.0), Cm(1.5)
    else:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Cm(width), Cm(height)
        for side, size in MARGINS.items():
            setattr(section, side, Cm(size))


def new_section(document: Any, *, landscape: bool) -> None:
    """Continue on a new page, turned as asked (wide tables go on landscape pages)."""
    _page(document.add_section(WD_SECTION.NEW_PAGE), landscape=landscape)


def text_width(document: Any) -> float:
    """The current section's width between the margins, in points."""
    section = document.sections[-1]
    return float((section.page_width - section.left_margin - section.right_margin) / 12700)


def _run(
    paragraph: Any,
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    underline: bool = False,
    size: float | None = None,
) -> Any:
    run = paragraph.add_run(plain(text))
    run.bold, run.italic, run.underline = bold, italic, underline
    if size is not None:
        run.font.size = Pt(size)
    return run


def _line(
    cell: Any,
    text: str,
    *,
    first: bool = False,
    align: Any = WD_ALIGN_PARAGRAPH.CENTER,
    **style: Any,
) -> Any:
    paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(0)
    _run(paragraph, text, **style)
    return paragraph


def _fixed(table: Any, widths: Sequence[float]) -> None:
    """Column widths (points) the way both Word and LibreOffice read them: the grid, every
    cell, and a fixed layout (no autofit that would squeeze a column)."""
    table.autofit = False
    properties = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    properties.append(layout)
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Pt(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Pt(width)


def party_header(
    document: Any,
    issuer: Issuer,
    kind: str,
    on: dt.date,
    *,
    number: str = "",
    numbered: bool = True,
) -> None:
    """The header of 36-HD: the issuing body left, the Party and the date right."""
    grid = document.add_table(rows=1, cols=2)
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = grid.rows[0].cells
    if issuer.superior:
        _line(left, issuer.superior.upper(), first=True, size=13)
        _line(left, issuer.body.upper(), bold=True, size=13)
    else:
        _line(left, issuer.body.upper(), first=True, bold=True, size=13)
    _line(left, "*", size=13)
    if numbered:
        _line(left, number_line(kind, issuer.symbol, number), size=13)
    _line(right, "ĐẢNG CỘNG SẢN VIỆT NAM", first=True, bold=True, underline=True, size=14)
    _line(right, "")
    _line(right, date_line(issuer.place, on), italic=True, size=13)
    width = text_width(document)
    _fixed(grid, [width * 0.46, width * 0.54])
    document.add_paragraph()


def title(document: Any, kind: str, *summary: str) -> None:
    """The document type in bold capitals, the summary in bold below, a short line under."""
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_after = Pt(0)
    _run(paragraph, kind.upper(), bold=True, size=15)
    for line in summary:
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.space_after = Pt(0)
        _run(paragraph, line, bold=True)
    rule = document.add_paragraph()
    rule.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(rule, "-----")


def heading(document: Any, text: str) -> None:
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.space_before = Pt(6)
    paragraph.paragraph_format.keep_with_next = True
    _run(paragraph, text, bold=True)


def paragraph(
    document: Any,
    text: str,
    *,
    italic: bool = False,
    indent: bool = True,
    size: float | None = None,
) -> None:
    """Body text, justified, each line its own paragraph with a first-line indent."""
    for line in (text or "").splitlines() or [""]:
        block = document.add_paragraph()
        block.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        if indent:
            block.paragraph_format.first_line_indent = Cm(1)
        _run(block, line, italic=italic, size=size)


def table(
    document: Any,
    head: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    numeric: Sequence[bool] = (),
    size: float = TABLE_PT,
    smallest: float = 10,
) -> None:
    """A bordered table, its widths from its content, the heading row repeated on every page.
    ``numeric`` marks the columns aligned right. When the table does not fit the page at
    ``size`` without breaking a word, it is set smaller, down to 10 pt; the caller puts a table
    that does not fit even then on a landscape page (``fits``)."""
    texts = [["" if value is None else plain(str(value)) for value in row] for row in rows]
    while size > smallest and not fits(document, head, texts, size):
        size -= 1
    widths = column_widths(
        list(head), texts, text_width(document), measure=_measure(size), low=0.9 * CM
    )
    grid = document.add_table(rows=1, cols=len(head))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    row_properties = grid.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    row_properties.append(repeat)
    for cell, text in zip(grid.rows[0].cells, head, strict=True):
        _line(cell, text, first=True, bold=True, size=size)
    for values in texts:
        cells = grid.add_row().cells
        for index, (cell, text) in enumerate(zip(cells, values, strict=True)):
            right = index < len(numeric) and numeric[index]
            align = WD_ALIGN_PARAGRAPH.RIGHT if right else WD_ALIGN_PARAGRAPH.LEFT
            _line(cell, text, first=True, align=align, size=size)
    _fixed(grid, widths)
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), str(round(CELL_PADDING * 20)))
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    grid._tbl.tblPr.append(margins)


def _measure(size: float) -> Measure:
    return Measure(size=size, padding=CELL_PADDING)


def fits(document: Any, head: Sequence[str], rows: Sequence[Sequence[Any]], size: float) -> bool:
    """Whether ``table`` would fit the current page width without breaking a word."""
    texts = [["" if value is None else str(value) for value in row] for row in rows]
    width = text_width(document)
    widths = column_widths(list(head), texts, width, measure=_measure(size), low=0.9 * CM)
    return sum(widths) <= width + 0.01


def signature(
    document: Any,
    issuer: Issuer | None,
    recipients: Sequence[str] = (),
    *,
    role: str = "",
    name: str = "",
) -> None:
    """ "Nơi nhận" bottom left (when there are recipients), the signer right: on behalf of the
    committee ("T/M ĐẢNG ỦY / BÍ THƯ") or a person's own ``role`` ("NGƯỜI TỰ KIỂM ĐIỂM")."""
    document.add_paragraph()
    grid = document.add_table(rows=1, cols=2)
    left, right = grid.rows[0].cells
    if recipients:
        _line(
            left,
            "Nơi nhận:",
            first=True,
            align=WD_ALIGN_PARAGRAPH.LEFT,
            bold=True,
            italic=True,
            size=12,
        )
        for number, recipient in enumerate(recipients):
            end = "." if number == len(recipients) - 1 else ","
            _line(left, f"- {recipient}{end}", align=WD_ALIGN_PARAGRAPH.LEFT, size=11)
    if issuer is not None:
        _line(right, issuer.on_behalf, first=True, bold=True)
        _line(right, issuer.signer_title, bold=True)
        signer = issuer.signer
    else:
        _line(right, role, first=True, bold=True)
        _line(right, "(Ký, ghi rõ họ tên)", italic=True, size=13)
        signer = name
    for _blank in range(3):
        _line(right, "")
    _line(right, signer or "…………………………", bold=True)
    width = text_width(document)
    _fixed(grid, [width * 0.5, width * 0.5])


def signatures(document: Any, left: str, right: str) -> None:
    """Two signers side by side (the vote-counting board's minutes), each with room to sign."""
    document.add_paragraph()
    grid = document.add_table(rows=1, cols=2)
    for cell, text in zip(grid.rows[0].cells, (left, right), strict=True):
        _line(cell, text, first=True, bold=True)
        _line(cell, "(Ký, ghi rõ họ tên)", italic=True, size=13)
    width = text_width(document)
    _fixed(grid, [width * 0.5, width * 0.5])


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
