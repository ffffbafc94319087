"""Party documents as PDF (reportlab), in the same frame as ``lib.docx`` (36-HD/VPTW): the
two-column header, the document type and summary, the body in Liberation Serif (metric-compatible
with Times New Roman, shipped in ``reports/fonts``), tables with widths from their content, the
signature block beside "Nơi nhận". ``invariant`` keeps the bytes the same for the same input."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from xeploai.lib.cells import plain
from xeploai.lib.docx import Issuer, date_line, number_line
from xeploai.lib.widths import (
    SERIF,
    SERIF_BOLD,
    SERIF_ITALIC,
    Measure,
    column_widths,
    register_fonts,
)

PADDING = 3


def text(value: str) -> str:
    """A text for a reportlab Paragraph (which reads a little markup): escaped."""
    return escape(plain(value))


def styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    body = ParagraphStyle("body", fontName=SERIF, fontSize=13, leading=17, spaceAfter=4)
    return {
        "body": ParagraphStyle("body-j", parent=body, alignment=4, firstLineIndent=1 * cm),
        "plain": body,
        "center": ParagraphStyle("center", parent=body, alignment=1, spaceAfter=0),
        "center-b": ParagraphStyle(
            "center-b", parent=body, alignment=1, spaceAfter=0, fontName=SERIF_BOLD
        ),
        "center-i": ParagraphStyle(
            "center-i", parent=body, alignment=1, spaceAfter=0, fontName=SERIF_ITALIC
        ),
        "kind": ParagraphStyle(
            "kind", parent=body, alignment=1, fontName=SERIF_BOLD, fontSize=15, leading=19
        ),
        "h": ParagraphStyle("h", parent=body, fontName=SERIF_BOLD, spaceBefore=6, keepWithNext=1),
        "small": ParagraphStyle("small", parent=body, fontSize=11, leading=13, spaceAfter=0),
        "small-bi": ParagraphStyle(
            "small-bi", parent=body, fontSize=12, leading=14, fontName=SERIF_BOLD, spaceAfter=0
        ),
    }


def document(out: io.BytesIO, title: str, *, wide: bool = False) -> SimpleDocTemplate:
    """A4 with the margins of 36-HD (landscape for wide documents)."""
    return SimpleDocTemplate(
        out,
        pagesize=landscape(A4) if wide else A4,
        leftMargin=(2 if wide else 3) * cm,
        rightMargin=(2 if wide else 1.5) * cm,
        topMargin=2 * cm,
        bottomMargin=2 * cm,
        title=plain(title),
        author="xeploai",
        creator="xeploai",
        invariant=1,
        initialFontName=SERIF,  # not Helvetica, which would not be embedded
    )


def _cell(lines: list[tuple[str, str]], sheet: dict[str, ParagraphStyle]) -> list[Paragraph]:
    return [Paragraph(value, sheet[style]) for style, value in lines]


def party_header(
    issuer: Issuer, kind: str, on: dt.date, width: float, *, number: str = ""
) -> list[Any]:
    sheet = styles()
    left: list[tuple[str, str]] = []
    if issuer.superior:
        left.append(("center", text(issuer.superior.upper())))
    left += [
        ("center-b", text(issuer.body.upper())),
        ("center", "*"),
        ("center", text(number_line(kind, issuer.symbol, number)).replace("  ", "\u00a0\u00a0")),
    ]
    right = [
        ("center-b", "<u>ĐẢNG CỘNG SẢN VIỆT NAM</u>"),
        ("center", " "),
        ("center-i", text(date_line(issuer.place, on))),
    ]
    grid = Table(
        [[_cell(left, sheet), _cell(right, sheet)]], colWidths=[width * 0.46, width * 0.54]
    )
    grid.setStyle(
        TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("FONTNAME", (0, 0), (-1, -1), SERIF)])
    )
    return [grid, Spacer(1, 0.4 * cm)]


def title(kind: str, *summary: str) -> list[Any]:
    sheet = styles()
    parts: list[Any] = [Paragraph(text(kind.upper()), sheet["kind"])]
    parts += [Paragraph(text(line), sheet["center-b"]) for line in summary]
    parts += [Paragraph("-----", sheet["center"]), Spacer(1, 0.3 * cm)]
    return parts


def table(
    head: Sequence[str],
    rows: Sequence[Sequence[str]],
    width: float,
    *,
    numeric: Sequence[bool] = (),
    size: float = 11,
    smallest: float = 7,
) -> LongTable:
    """A table as wide as ``width``, its columns from their content, no word broken (the size
    steps down to ``smallest`` until it fits), the heading repeated on every page."""
    while True:
        measure = Measure(size=size, padding=PADDING)
        widths = column_widths(head, rows, width, measure=measure)
        if sum(widths) <= width + 0.01 or size <= smallest:
            break
        size -= 1
    leading = size * 1.2
    cell = ParagraphStyle("cell", fontName=SERIF, fontSize=size, leading=leading)
    number = ParagraphStyle("num", parent=cell, alignment=2)
    bold = ParagraphStyle("headcell", parent=cell, fontName=SERIF_BOLD, alignment=1)
    data = [[Paragraph(text(h), bold) for h in head]]
    for row in rows:
        data.append(
            [
                Paragraph(text(v), number if i < len(numeric) and numeric[i] else cell)
                for i, v in enumerate(row)
            ]
        )
    grid = LongTable(data, colWidths=widths, repeatRows=1)
    grid.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("FONTNAME", (0, 0), (-1, -1), SERIF),
                ("LEFTPADDING", (0, 0), (-1, -1), PADDING),
                ("RIGHTPADDING", (0, 0), (-1, -1), PADDING),
            ]
        )
    )
    return grid


def signature(issuer: Issuer, recipients: Sequence[str], width: float) -> list[Any]:
    sheet = styles()
    left: list[tuple[str, str]] = []
    if recipients:
        left.append(("small-bi", "<i>Nơi nhận:</i>"))
        for index, recipient in enumerate(recipients):
            end = "." if index == len(recipients) - 1 else ","
            left.append(("small", text(f"- {recipient}{end}")))
    right = [
        ("center-b", text(issuer.on_behalf)),
        ("center-b", text(issuer.signer_title)),
        ("center", " "),
        ("center", " "),
        ("center", " "),
        ("center-b", text(issuer.signer or "…………………………")),
    ]
    grid = Table([[_cell(left, sheet), _cell(right, sheet)]], colWidths=[width / 2, width / 2])
    grid.setStyle(
        TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("FONTNAME", (0, 0), (-1, -1), SERIF)])
    )
    return [Spacer(1, 0.5 * cm), grid]
