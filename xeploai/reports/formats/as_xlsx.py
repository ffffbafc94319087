"""xlsx (openpyxl): the summary, one sheet per block by child unit, the findings."""

from __future__ import annotations

import io
import math
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from xeploai.lib.cells import write_text
from xeploai.lib.xlsxprint import print_setup
from xeploai.reports.formats import tables
from xeploai.reports.formats.ooxml import document_time, reproducible
from xeploai.reports.records import Report

NUMBER_FORMATS = {"pct": "0.00", "points": "+0.00;-0.00;0.00", "int": "#,##0"}


def _put(sheet: Worksheet, row: int, column: int, value: Any) -> Cell:
    """The cell at (row, column) holding ``value``; a text is never a formula (unit names come
    from the admin and the imports)."""
    cell = sheet.cell(row=row, column=column)
    write_text(cell, value)
    return cell


def _write_table(sheet: Worksheet, row: int, table: tables.Table) -> int:
    _put(sheet, row, 1, table.title).font = Font(bold=True)
    row += 1
    for col, column in enumerate(table.columns, start=1):
        cell = _put(sheet, row, col, column.title)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for values in table.rows:
        row += 1
        for col, (value, column) in enumerate(zip(values, table.columns, strict=True), start=1):
            cell = _put(sheet, row, col, value)
            if column.kind in NUMBER_FORMATS and value is not None:
                cell.number_format = NUMBER_FORMATS[column.kind]
    return row + 2


SUMMARY_WIDTHS = (34, 13)  # column A, then every other column of the summary sheet
LINE_HEIGHT = 15  # points per line of the default 11-point font


def _paragraph(sheet: Worksheet, row: int, text: str, columns: int) -> None:
    """A sentence across the summary's ``columns``, wrapped, its row as tall as its lines
    (a spreadsheet program sizes no merged row itself): it prints within the page's width
    instead of running far to the right of the tables."""
    cell = _put(sheet, row, 1, text)
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    if columns > 1:
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=columns)
    width = SUMMARY_WIDTHS[0] + SUMMARY_WIDTHS[1] * (columns - 1)
    lines = sum(max(1, math.ceil(len(part) / width)) for part in text.split("\n"))
    sheet.row_dimensions[row].height = LINE_HEIGHT * lines


def _header(sheet: Worksheet, report: Report) -> int:
    _put(sheet, 1, 1, tables.title(report)).font = Font(bold=True, size=13)
    _put(sheet, 2, 1, f"{report.unit.name} ({report.unit.code})")
    _put(sheet, 3, 1, _("Số liệu đến ngày {date}").format(date=report.as_of.strftime("%d/%m/%Y")))
    return 5


def render(report: Report) -> bytes:
    workbook = Workbook()
    summary = workbook.active
    assert summary is not None
    summary.title = _("Tổng hợp")
    row = _header(summary, report)
    row = _write_table(summary, row, tables.summary_table(report))
    if report.quarter is not None:
        row = _write_table(summary, row, tables.quarter_table(report))
    row = _write_table(summary, row, tables.alternative_shares_table(report))
    summary_columns = len(tables.summary_table(report).columns)
    for paragraph in tables.sentences(report):
        _paragraph(summary, row, paragraph, summary_columns)
        row += 1
    summary.column_dimensions["A"].width = SUMMARY_WIDTHS[0]
    for col in range(2, 18):
        summary.column_dimensions[get_column_letter(col)].width = SUMMARY_WIDTHS[1]
    print_setup(summary, columns=summary_columns, header_rows=0, freeze="B1")
    for table in tables.children_tables(report):
        sheet = workbook.create_sheet(table.title.split(" — ")[0][:31])
        _write_table(sheet, 1, table)
        sheet.column_dimensions["A"].width = 12
        sheet.column_dimensions["B"].width = 40
        for col in range(3, len(table.columns) + 1):
            sheet.column_dimensions[get_column_letter(col)].width = 11
        # the title and the column headings repeat on every printed page
        print_setup(sheet, columns=len(table.columns), header_rows=2, freeze="C3")
    findings = workbook.create_sheet(_("Phát hiện"))
    row = 1
    for heading, lines in tables.finding_lines(report):
        _put(findings, row, 1, heading).font = Font(bold=True)
        for line in lines:
            row += 1
            _put(findings, row, 1, line)
        row += 2
    findings.column_dimensions["A"].width = 120
    print_setup(findings, columns=1, header_rows=0)
    stamp = document_time(report.as_of)
    workbook.properties.creator = "xeploai"
    workbook.properties.title = tables.title(report)
    workbook.properties.created = stamp
    workbook.properties.modified = stamp
    out = io.BytesIO()
    workbook.save(out)
    return reproducible(out.getvalue(), report.as_of)
