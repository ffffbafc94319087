"""The import templates print as they read (issue 17, leftover of §3): A4, landscape when wide,
fitted to the page width, the heading row on every page and frozen under it."""

from __future__ import annotations

from io import BytesIO

import openpyxl
import pytest

from xeploai.imports.columns import SHEETS
from xeploai.imports.xlsx_templates import GUIDE_SHEET, template_writer
from xeploai.lib.xlsxprint import WIDE


@pytest.mark.parametrize("kind", sorted(SHEETS))
def test_every_import_template_has_its_print_setup(kind: str) -> None:
    stream = BytesIO()
    template_writer(kind)(stream)
    workbook = openpyxl.load_workbook(BytesIO(stream.getvalue()))
    sheet = SHEETS[kind]
    data = workbook[sheet.name]
    wide = len(sheet.columns) > WIDE
    assert data.page_setup.paperSize == 9  # A4
    assert data.page_setup.orientation == ("landscape" if wide else "portrait")
    assert data.page_setup.fitToWidth == 1
    assert data.page_setup.fitToHeight == 0
    assert data.sheet_properties.pageSetUpPr.fitToPage is True
    assert data.print_title_rows == "$1:$1"
    assert data.freeze_panes == "A2"
    guide = workbook[GUIDE_SHEET]
    assert guide.page_setup.orientation == "landscape"  # seven columns
    assert guide.sheet_properties.pageSetUpPr.fitToPage is True
    # the table of columns' heading row repeats, not the notes above it
    first, last = guide.print_title_rows.replace("$", "").split(":")
    assert first == last
    assert guide.cell(row=int(first), column=2).value == "Tiêu đề"
