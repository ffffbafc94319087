"""PDF (reportlab) in the party frame of ``lib.pdf`` (36-HD): the header, "BÁO CÁO", the
sentences, the page's two charts drawn again (values and labels on the bars), the findings, the
signature block; then the tables on landscape pages. Fonts are shipped in ``reports/fonts``
(Vietnamese diacritics need a Unicode TrueType font; nothing is fetched at run time): Liberation
Serif for the text, DejaVu Sans for the small table cells. ``invariant`` keeps the bytes the same
for the same report."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    LongTable,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    TableStyle,
)

from xeploai.lib import pdf
from xeploai.lib.docx import Issuer
from xeploai.lib.numbers import vn_int
from xeploai.lib.widths import SANS, SANS_BOLD, SERIF, Measure, column_widths, register_fonts
from xeploai.reports.charts import level_segments, rate_series, rate_title
from xeploai.reports.formats import tables
from xeploai.reports.formats.as_docx import SHORT_LIST, default_issuer
from xeploai.reports.records import TARGET_RATE, Report
from xeploai.reports.wording import pct

REGULAR, BOLD = SANS, SANS_BOLD
CELL_POINTS = 6.5  # the tables' font size
PADDING = 3  # points either side of a cell's text
# the chart's colours, in the order of ``charts.level_segments``
SEGMENT_COLOURS = ("#1b5e20", "#66bb6a", "#fbc02d", "#c62828", "#9e9e9e", "#cfd8dc")


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
                styles["num" if column.numeric else "cell"],
            )
            for value, column in zip(values, table.columns, strict=True)
        ]
        for values in table.rows
    ]
    texts = [
        [
            tables.cell_text(value, column.kind)
            for value, column in zip(values, table.columns, strict=True)
        ]
        for values in table.rows
    ]
    # Widths from the content (lib.widths, shared with the Word writer): no word is broken.
    measure = Measure(font=REGULAR, bold=BOLD, size=CELL_POINTS, padding=PADDING)
    widths = column_widths([c.title for c in table.columns], texts, width, measure=measure)
    grid = LongTable([head, *body], colWidths=widths, repeatRows=1)
    grid.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("FONTNAME", (0, 0), (-1, -1), SERIF),
                ("LEFTPADDING", (0, 0), (-1, -1), PADDING),
                ("RIGHTPADDING", (0, 0), (-1, -1), PADDING),
            ]
        )
    )
    return [Paragraph(escape(table.title), styles["h"]), grid]


def _bar_label(drawing: Drawing, x: float, y: float, text: str, size: float = 8) -> None:
    drawing.add(String(x, y, text, fontName=REGULAR, fontSize=size))


def level_chart(report: Report, width: float) -> Drawing:
    """The page's "Cơ cấu mức xếp loại": one 100 % bar per block, the count on each segment."""
    label_w, row_h = 4.2 * cm, 18
    bar_w = width - label_w - 6
    legend_h = 16
    drawing = Drawing(width, row_h * len(report.blocks) + legend_h + 18)
    drawing.initialFontName = REGULAR  # not Helvetica, which would not be embedded
    top = drawing.height - 14
    drawing.add(String(0, top, _("Cơ cấu mức xếp loại"), fontName=BOLD, fontSize=9.5))
    for row, block in enumerate(report.blocks):
        y = top - 8 - (row + 1) * row_h
        _bar_label(drawing, 0, y + 5, block.label)
        total = block.current.total
        if not total:
            _bar_label(drawing, label_w, y + 5, _("không có số liệu"))
            continue
        x = label_w
        for (_cls, n, _name), colour in zip(level_segments(block), SEGMENT_COLOURS, strict=True):
            if not n:
                continue
            w = bar_w * n / total
            drawing.add(
                Rect(x, y, w, row_h - 5, fillColor=colors.HexColor(colour), strokeColor=None)
            )
            label = vn_int(n)
            if stringWidth(label, REGULAR, 7) + 4 < w:
                drawing.add(
                    String(
                        x + w / 2,
                        y + 4,
                        label,
                        fontName=BOLD,
                        fontSize=7,
                        fillColor=colors.white if colour != "#cfd8dc" else colors.black,
                        textAnchor="middle",
                    )
                )
            x += w
    x = 0.0
    for (_cls, _n, name), colour in zip(
        level_segments(report.blocks[0]), SEGMENT_COLOURS, strict=True
    ):
        drawing.add(Rect(x, 2, 8, 8, fillColor=colors.HexColor(colour), strokeColor=None))
        drawing.add(String(x + 11, 3, name, fontName=REGULAR, fontSize=7.5))
        x += 11 + stringWidth(name, REGULAR, 7.5) + 12
    return drawing


def rate_chart(report: Report, width: float) -> Drawing:
    """The page's "Tỉ lệ HTTNV trở lên so với năm trước": last year's and this year's bars per
    block with their values (a quarter: the same quarter last year's, the previous quarter's
    and this quarter's), and the 90 % target."""
    label_w, bar_h = 4.2 * cm, 10
    bar_w = width - label_w - 2.6 * cm
    rows = len(report.blocks)
    bars = 3 if report.quarter is not None else 2
    drawing = Drawing(width, rows * (bars * bar_h + 8) + 34)
    drawing.initialFontName = REGULAR  # not Helvetica, which would not be embedded
    top = drawing.height - 14
    drawing.add(String(0, top, rate_title(report), fontName=BOLD, fontSize=9.5))
    colour = {"prev": "#90a4ae", "now": "#1565c0"}
    for row, block in enumerate(report.blocks):
        y = top - 10 - (row + 1) * (bars * bar_h + 8)
        _bar_label(drawing, 0, y + (bars - 1) * bar_h - 2, block.label)
        series = rate_series(report, block)
        for offset, (label, counts, kind) in enumerate(series):
            rate = counts.tt_plus_rate if counts is not None else None
            bar_y = y + (len(series) - 1 - offset) * bar_h
            if rate is None:
                continue
            w = bar_w * float(rate) / 100
            drawing.add(
                Rect(
                    label_w,
                    bar_y,
                    w,
                    bar_h - 1,
                    fillColor=colors.HexColor(colour[kind]),
                    strokeColor=None,
                )
            )
            drawing.add(
                String(
                    label_w + w + 3,
                    bar_y + 2,
                    f"{label}: {pct(rate)}",
                    fontName=REGULAR,
                    fontSize=7,
                )
            )
    target = label_w + bar_w * float(TARGET_RATE) / 100
    drawing.add(
        Line(
            target,
            12,
            target,
            top - 6,
            strokeColor=colors.HexColor("#c62828"),
            strokeDashArray=[3, 2],
        )
    )
    drawing.add(
        String(target, 2, _("chỉ tiêu 90%"), fontName=REGULAR, fontSize=7, textAnchor="middle")
    )
    return drawing


def render(report: Report, issuer: Issuer | None = None) -> bytes:
    register_fonts()
    issuer = issuer or default_issuer(report)
    styles = _styles()
    sheet = pdf.styles()
    out = io.BytesIO()
    title = tables.title(report)
    document = BaseDocTemplate(
        out,
        pagesize=A4,
        title=title,
        author="xeploai",
        creator="xeploai",
        invariant=1,
        initialFontName=SERIF,  # not Helvetica, which would not be embedded
    )
    portrait_w, portrait_h = A4
    wide_w, wide_h = landscape(A4)
    document.addPageTemplates(
        [
            PageTemplate(
                "portrait",
                [Frame(3 * cm, 2 * cm, portrait_w - 4.5 * cm, portrait_h - 4 * cm)],
                pagesize=A4,
            ),
            PageTemplate(
                "wide",
                [Frame(1.5 * cm, 1.5 * cm, wide_w - 3 * cm, wide_h - 3 * cm)],
                pagesize=landscape(A4),
            ),
        ]
    )
    width = portrait_w - 4.5 * cm - 12  # the frame's padding
    story: list[object] = [
        *pdf.party_header(issuer, "BC", report.as_of, width),
        *pdf.title(_("Báo cáo"), tables.subtitle(report)),
    ]
    story += [Paragraph(pdf.text(p), sheet["body"]) for p in tables.sentences(report)]
    story += [Spacer(1, 0.3 * cm), level_chart(report, width), Spacer(1, 0.4 * cm)]
    story += [rate_chart(report, width), Spacer(1, 0.3 * cm)]
    long_lists: list[tuple[str, list[str]]] = []
    for heading, lines in tables.finding_lines(report):
        story.append(Paragraph(pdf.text(heading), sheet["h"]))
        if len(lines) > SHORT_LIST:
            long_lists.append((heading, lines))
            line = _("- {n} trường hợp (danh sách kèm theo).").format(n=vn_int(len(lines)))
            story.append(Paragraph(pdf.text(line), sheet["body"]))
            continue
        story += [Paragraph(pdf.text("- " + line), sheet["body"]) for line in lines]
    recipients = [_("Cấp ủy cấp trên (để báo cáo)"), _("Các tổ chức đảng trực thuộc"), _("Lưu")]
    story += pdf.signature(issuer, recipients, width)
    story += [NextPageTemplate("wide"), PageBreak()]
    wide = wide_w - 3 * cm - 12
    for number, table in enumerate(tables.annex_tables(report), start=1):
        named = tables.Table(f"{_('Biểu')} {number}. {table.title}", table.columns, table.rows)
        story += _table(named, styles, wide)
    for heading, lines in long_lists:
        story.append(Paragraph(escape(_("Danh sách: {title}").format(title=heading)), styles["h"]))
        story += [Paragraph("- " + escape(line), styles["body"]) for line in lines]
    document.build(story)
    return out.getvalue()
