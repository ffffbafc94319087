"""xlsx (openpyxl): the summary, one sheet per block by child unit, the findings."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from xeploai.reports.compute import Report
from xeploai.reports.formats import tables
from xeploai.reports.formats.ooxml import document_time, reproducible

NUMBER_FORMATS = {"pct": "0.00", "points": "+0.00;-0.00;0.00", "int": "#,##0"}


def _write_table(sheet: Worksheet, row: int, table: tables.Table) -> int:
    sheet.cell(row=row, column=1, value=table.title).font = Font(bold=True)
    row += 1
    for col, column in enumerate(table.columns, start=1):
        cell = sheet.cell(row=row, column=col, value=column.title)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for values in table.rows:
        row += 1
        for col, (value, column) in enumerate(zip(values, table.columns, strict=True), start=1):
            cell = sheet.cell(row=row, column=col, value=value)
            if column.kind in NUMBER_FORMATS and value is not None:
                cell.number_format = NUMBER_FORMATS[column.kind]
    return row + 2


def _header(sheet: Worksheet, report: Report) -> int:
    sheet.cell(row=1, column=1, value=tables.title(report)).font = Font(bold=True, size=13)
    sheet.cell(row=2, column=1, value=f"{report.unit.name} ({report.unit.code})")
    sheet.cell(
        row=3,
        column=1,
        value=_("Số liệu đến ngày {date}").format(date=report.as_of.strftime("%d/%m/%Y")),
    )
    return 5


def render(report: Report) -> bytes:
    workbook = Workbook()
    summary = workbook.active
    assert summary is not None
    summary.title = _("Tổng hợp")
    row = _header(summary, report)
    row = _write_table(summary, row, tables.summary_table(report))
    row = _write_table(summary, row, tables.alternative_shares_table(report))
    for paragraph in tables.sentences(report):
        summary.cell(row=row, column=1, value=paragraph)
        row += 1
    summary.column_dimensions["A"].width = 34
    for col in range(2, 18):
        summary.column_dimensions[get_column_letter(col)].width = 13
    for table in tables.children_tables(report):
        sheet = workbook.create_sheet(table.title.split(" — ")[0][:31])
        _write_table(sheet, 1, table)
        sheet.column_dimensions["B"].width = 40
        sheet.freeze_panes = "C3"
    findings = workbook.create_sheet(_("Phát hiện"))
    row = 1
    for heading, lines in tables.finding_lines(report):
        findings.cell(row=row, column=1, value=heading).font = Font(bold=True)
        for line in lines:
            row += 1
            findings.cell(row=row, column=1, value=line)
        row += 2
    findings.column_dimensions["A"].width = 120
    stamp = document_time(report.as_of)
    workbook.properties.creator = "xeploai"
    workbook.properties.title = tables.title(report)
    workbook.properties.created = stamp
    workbook.properties.modified = stamp
    out = io.BytesIO()
    workbook.save(out)
    return reproducible(out.getvalue(), report.as_of)
