"""Downloadable import templates (``xeploai template KIND``, and the links on the import page).

``TEMPLATE_WRITERS`` maps a kind to the dotted path of a function ``write(stream)`` that writes
an xlsx workbook to a binary stream. Paths are imported only when used, so another app can add
its own template with one line here, without this module importing it::

    "check": "xeploai.checker.template.write_template",
"""

from __future__ import annotations

from collections.abc import Callable
from typing import IO

from django.utils import translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from xeploai.imports.columns import BOOL, CARD, CCCD, CHOICE, DATE, POINTS, SHEETS, Column, Sheet
from xeploai.lib.cells import append_text_row, write_text
from xeploai.lib.xlsxprint import print_setup

TEMPLATE_WRITERS: dict[str, str] = {
    "units": "xeploai.imports.xlsx_templates.write_units_template",
    "people": "xeploai.imports.xlsx_templates.write_people_template",
    "results": "xeploai.imports.xlsx_templates.write_results_template",
    "civil": "xeploai.imports.xlsx_templates.write_civil_template",
    "restructure": "xeploai.imports.xlsx_templates.write_restructure_template",
    "check": "xeploai.checker.template.write_template",
}

GUIDE_SHEET = "HuongDan"
LISTS_SHEET = "DanhMuc"
DATA_ROWS = 5000  # rows that get the validation lists and formats
HEADER_FILL = PatternFill("solid", fgColor="FCE8E6")
BOLD = Font(bold=True)


def template_writer(kind: str) -> Callable[[IO[bytes]], None]:
    """The writer registered for ``kind`` (KeyError when there is none)."""
    writer: Callable[[IO[bytes]], None] = import_string(TEMPLATE_WRITERS[kind])
    return writer


def template_filename(kind: str) -> str:
    return f"mau-nhap-{kind}.xlsx"


def _type_text(column: Column) -> str:
    if column.cell_type == DATE:
        return _("Ngày (dd/mm/yyyy)")
    if column.cell_type == CCCD:
        return _("12 chữ số (ô dạng Văn bản)")
    if column.cell_type == CARD:
        return _("6–12 chữ số (ô dạng Văn bản)")
    if column.cell_type == BOOL:
        return _("Có / Không")
    if column.cell_type == CHOICE:
        return _("Chọn trong danh mục")
    if column.cell_type == "year":
        return _("Năm (4 chữ số)")
    if column.cell_type == POINTS:
        return _("Số từ 0 đến 100")
    if column.cell_type == "code":
        return _("Mã (chữ không dấu, số, . _ -)")
    return _("Văn bản")


def allowed_values(column: Column) -> list[str]:
    """The Vietnamese labels a cell may hold (codes are accepted too)."""
    if column.cell_type == BOOL:
        return ["Có", "Không"]
    if column.choices is None:
        return []
    with translation.override("vi"):
        return [str(label) for value, label in column.choices.choices if value]


def write_template(sheet: Sheet, stream: IO[bytes]) -> None:
    workbook = Workbook()
    data = workbook.active
    assert data is not None
    data.title = sheet.name
    lists = workbook.create_sheet(LISTS_SHEET)
    guide = workbook.create_sheet(GUIDE_SHEET)
    for index, column in enumerate(sheet.columns, start=1):
        letter = get_column_letter(index)
        cell = data.cell(row=1, column=index)
        write_text(cell, column.header)
        cell.font = BOLD
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        data.column_dimensions[letter].width = max(14, min(40, len(column.header) + 6))
        cells = f"{letter}2:{letter}{DATA_ROWS + 1}"
        if column.cell_type in (CCCD, CARD, "code"):
            for row in range(2, 202):
                data.cell(row=row, column=index).number_format = "@"
        if column.cell_type == DATE:
            for row in range(2, 202):
                data.cell(row=row, column=index).number_format = "DD/MM/YYYY"
        values = allowed_values(column)
        if values:
            list_column = get_column_letter(index)
            for offset, value in enumerate(values, start=1):
                write_text(lists.cell(row=offset, column=index), value)
            validation = DataValidation(
                type="list",
                formula1=f"={LISTS_SHEET}!${list_column}$1:${list_column}${len(values)}",
                allow_blank=True,
                showErrorMessage=False,
            )
            validation.add(cells)
            data.add_data_validation(validation)
        elif column.cell_type == DATE:
            validation = DataValidation(
                type="date",
                operator="greaterThan",
                formula1="1",
                allow_blank=True,
                showErrorMessage=True,
                error=str(_("Cần một ngày dạng dd/mm/yyyy")),
            )
            validation.add(cells)
            data.add_data_validation(validation)
    print_setup(data, columns=len(sheet.columns))  # the heading row repeats, frozen under it
    lists.sheet_state = "hidden"
    _write_guide(guide, sheet)
    workbook.save(stream)


def _write_guide(guide: object, sheet: Sheet) -> None:
    from openpyxl.worksheet.worksheet import Worksheet

    assert isinstance(guide, Worksheet)
    append_text_row(guide, [str(sheet.title)])
    guide["A1"].font = Font(bold=True, size=14)
    append_text_row(
        guide,
        [
            _(
                'Điền dữ liệu vào sheet "{sheet}", mỗi dòng một {what}, bắt đầu từ dòng 2; '
                "không đổi tên sheet và dòng tiêu đề."
            ).format(sheet=sheet.name, what=_("đối tượng"))
        ],
    )
    for note in sheet.notes:
        append_text_row(guide, [str(note)])
    append_text_row(
        guide,
        [
            _(
                "Ngày ghi dạng dd/mm/yyyy (hoặc ô kiểu Ngày của Excel). Ô có công thức không được "
                "nhận: hãy dán giá trị. Tệp được nhập trọn vẹn hoặc không nhập gì; nhập lại cùng "
                "tệp không thay đổi gì."
            )
        ],
    )
    append_text_row(guide, [])
    header = [
        _("Cột"),
        _("Tiêu đề"),
        _("Bắt buộc"),
        _("Kiểu"),
        _("Giá trị cho phép"),
        _("Ví dụ"),
        _("Giải thích"),
    ]
    append_text_row(guide, [str(h) for h in header])
    header_row = guide.max_row
    for cell in guide[header_row]:
        cell.font = BOLD
        cell.fill = HEADER_FILL
    for index, column in enumerate(sheet.columns, start=1):
        append_text_row(
            guide,
            [
                get_column_letter(index),
                column.header,
                str(_("Có")) if column.required else "",
                str(_type_text(column)),
                " / ".join(allowed_values(column)),
                column.example,
                str(column.help),
            ],
        )
    for letter, width in zip("ABCDEFG", (6, 26, 9, 24, 50, 24, 80), strict=True):
        guide.column_dimensions[letter].width = width
    for row in guide.iter_rows(min_row=7):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    # the guide prints landscape, the heading of its table of columns on every page
    print_setup(guide, columns=len(header), header_rows=0)
    guide.print_title_rows = f"{header_row}:{header_row}"


def write_units_template(stream: IO[bytes]) -> None:
    write_template(SHEETS["units"], stream)


def write_people_template(stream: IO[bytes]) -> None:
    write_template(SHEETS["people"], stream)


def write_results_template(stream: IO[bytes]) -> None:
    write_template(SHEETS["results"], stream)


def write_civil_template(stream: IO[bytes]) -> None:
    write_template(SHEETS["civil"], stream)


def write_restructure_template(stream: IO[bytes]) -> None:
    write_template(SHEETS["restructure"], stream)
