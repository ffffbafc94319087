"""PDF (reportlab) with the DejaVu Sans fonts shipped in ``reports/fonts`` (Vietnamese
diacritics need a Unicode TrueType font; nothing is fetched at run time). ``invariant`` keeps
the bytes the same for the same report."""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle

from xeploai.lib.docx import Issuer
from xeploai.reports.formats import tables
from xeploai.reports.records import Report

FONTS = Path(__file__).resolve().parent.parent / "fonts"
REGULAR, BOLD = "DejaVuSans", "DejaVuSans-Bold"
CELL_POINTS = 6.5  # the tables' font size
PADDING = 3  # points either side of a cell's text


@cache
def register_fonts() -> None:
    pdfmetrics.registerFont(TTFont(REGULAR, str(FONTS / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(FONTS / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFontFamily(
        REGULAR, normal=REGULAR, bold=BOLD, italic=REGULAR, boldItalic=BOLD
    )


def _styles() -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName=REGULAR, fontSize=9.5, leading=13, spaceAfter=5)
    return {
        "body": body,
        "title": ParagraphStyle(
            "title", parent=body, fontName=BOLD, fontSize=13, leading=17, alignment=1
        ),
        "unit": ParagraphStyle("unit", parent=body, fontName=BOLD),
        "h": ParagraphStyle(
            "h", parent=body, fontName=BOLD, fontSize=10.5, spaceBefore=8, keepWithNext=1
        ),
        "cell": ParagraphStyle("cell", parent=body, fontSize=CELL_POINTS, leading=8, spaceAfter=0),
        "head": ParagraphStyle(
            "head", parent=body, fontName=BOLD, fontSize=6.5, leading=8, spaceAfter=0
        ),
        "num": ParagraphStyle(
            "num", parent=body, fontSize=6.5, leading=8, spaceAfter=0, alignment=2
        ),
    }


def _table(table: tables.Table, styles: dict[str, ParagraphStyle], width: float) -> list[object]:
    head = [Paragraph(escape(c.title), styles["head"]) for c in table.columns]
    body = [
        [
            Paragraph(
                escape(tables.cell_text(value, column.kind)),
                styles["cell" if column.kind == "text" else "num"],
            )
            for value, column in zip(values, table.columns, strict=True)
        ]
        for values in table.rows
    ]
    numeric = sum(1 for c in table.columns if c.kind != "text")
    # A text column is as wide as its longest cell (1.5–4.2 cm; all the width if every column
    # is text); the numbers share the rest, so that their headings break between words.
    widths: list[float | None] = []
    for index, column in enumerate(table.columns):
        if column.kind != "text":
            widths.append(None)
            continue
        longest = max(
            (
                stringWidth(tables.cell_text(values[index], column.kind), REGULAR, CELL_POINTS)
                for values in table.rows
            ),
            default=0.0,
        )
        widths.append(min(4.2 * cm, max(1.5 * cm, longest + 2 * PADDING)))
    if not numeric:
        widths = [width / len(widths)] * len(widths)
    narrow = (width - sum(w for w in widths if w is not None)) / max(1, numeric)
    grid = LongTable(
        [head, *body], colWidths=[narrow if w is None else w for w in widths], repeatRows=1
    )
    grid.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), PADDING),
                ("RIGHTPADDING", (0, 0), (-1, -1), PADDING),
            ]
        )
    )
    return [Paragraph(escape(table.title), styles["h"]), grid]


def render(report: Report, issuer: Issuer | None = None) -> bytes:
    register_fonts()
    styles = _styles()
    out = io.BytesIO()
    title = tables.title(report)
    document = SimpleDocTemplate(
        out,
        pagesize=landscape(A4),
        leftMargin=1.5 * cm,
        rightMargin=1.5 * cm,
        topMargin=1.5 * cm,
        bottomMargin=1.5 * cm,
        title=title,
        author="xeploai",
        creator="xeploai",
        invariant=1,
    )
    story: list[object] = [
        Paragraph(escape(report.unit.name.upper()), styles["unit"]),
        Paragraph(escape(title.upper()), styles["title"]),
        Spacer(1, 0.3 * cm),
    ]
    story += [Paragraph(escape(p), styles["body"]) for p in tables.sentences(report)]
    width = document.width
    story += _table(tables.summary_table(report), styles, width)
    story += _table(tables.alternative_shares_table(report), styles, width)
    for table in tables.children_tables(report):
        story += _table(table, styles, width)
    for heading, lines in tables.finding_lines(report):
        story.append(Paragraph(escape(heading), styles["h"]))
        story += [Paragraph("• " + escape(line), styles["body"]) for line in lines]
    document.build(story)
    return out.getvalue()
