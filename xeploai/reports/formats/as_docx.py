"""docx (python-docx) in the layout of the official report: heading, the numbered block
sentences "(1) …", then the tables and the inspection findings."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

from xeploai.lib.cells import plain
from xeploai.reports.formats import tables
from xeploai.reports.formats.ooxml import document_time, reproducible
from xeploai.reports.records import Report

FONT = "Times New Roman"  # the font of official party documents


def _table(document: DocxDocument, table: tables.Table) -> None:
    document.add_paragraph(plain(table.title), style="Heading 3")
    grid = document.add_table(rows=1, cols=len(table.columns))
    grid.style = "Table Grid"
    for cell, column in zip(grid.rows[0].cells, table.columns, strict=True):
        cell.text = plain(column.title)
        for run in cell.paragraphs[0].runs:
            run.bold = True
            run.font.size = Pt(8)
    for values in table.rows:
        cells = grid.add_row().cells
        for cell, value, column in zip(cells, values, table.columns, strict=True):
            cell.text = plain(tables.cell_text(value, column.kind))
            paragraph = cell.paragraphs[0]
            if column.kind != "text":
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            for run in paragraph.runs:
                run.font.size = Pt(8)


def _letterhead(document: DocxDocument, report: Report) -> None:
    """The two-column head of a party document: the issuing body left, the Party right."""
    head = document.add_table(rows=1, cols=2)
    left, right = head.rows[0].cells
    left.text = plain(report.unit.name.upper())
    right.text = _("ĐẢNG CỘNG SẢN VIỆT NAM")
    for cell in (left, right):
        paragraph = cell.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        for run in paragraph.runs:
            run.bold = True
    date = right.add_paragraph(
        _("ngày {day} tháng {month} năm {year}").format(
            day=f"{report.as_of.day:02d}", month=f"{report.as_of.month:02d}", year=report.as_of.year
        )
    )
    date.alignment = WD_ALIGN_PARAGRAPH.CENTER
    date.runs[0].italic = True


def render(report: Report) -> bytes:
    document = Document()
    style = document.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(13)
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2))

    _letterhead(document, report)
    heading = document.add_paragraph(_("BÁO CÁO"))
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    heading.runs[0].bold = True
    subtitle = document.add_paragraph(plain(tables.title(report)))
    subtitle.alignment = WD_ALIGN_PARAGRAPH.CENTER
    subtitle.runs[0].bold = True
    document.add_paragraph(
        _(
            "Kết quả đánh giá, xếp loại chất lượng tập thể cấp ủy cơ sở, tổ chức đảng, "
            "đảng viên năm {year} như sau:"
        ).format(year=report.period.year)
    )
    for paragraph in tables.sentences(report):
        block = document.add_paragraph(plain(paragraph))
        block.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        block.paragraph_format.first_line_indent = Cm(1)

    _table(document, tables.summary_table(report))
    _table(document, tables.alternative_shares_table(report))
    for table in tables.children_tables(report):
        _table(document, table)
    for title, lines in tables.finding_lines(report):
        document.add_paragraph(plain(title), style="Heading 3")
        for line in lines:
            document.add_paragraph(plain(line), style="List Bullet")

    properties = document.core_properties
    stamp = document_time(report.as_of)
    properties.author = "xeploai"
    properties.last_modified_by = "xeploai"
    properties.title = plain(tables.title(report))
    properties.created = stamp
    properties.modified = stamp
    properties.last_printed = stamp
    properties.revision = 1
    out = io.BytesIO()
    document.save(out)
    return reproducible(out.getvalue(), report.as_of)
