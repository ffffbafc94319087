"""The checker's template prints as it reads (issue 17, leftover of §3): every sheet on A4,
fitted to the page width; the two data sheets landscape with their heading row on every page."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from xeploai.checker.template import (
    MEMBER_COLUMNS,
    ORG_COLUMNS,
    SHEET_HELP,
    SHEET_INFO,
    SHEET_MEMBERS,
    SHEET_ORGS,
    write_template,
)
from xeploai.lib.xlsxprint import WIDE


def test_the_checker_template_has_its_print_setup(tmp_path: Path) -> None:
    workbook = load_workbook(write_template(tmp_path / "mau.xlsx"))
    for name in (SHEET_HELP, SHEET_INFO, SHEET_MEMBERS, SHEET_ORGS):
        sheet = workbook[name]
        assert sheet.page_setup.paperSize == 9, name  # A4
        assert sheet.page_setup.fitToWidth == 1, name
        assert sheet.sheet_properties.pageSetUpPr.fitToPage is True, name
    for name, columns in ((SHEET_MEMBERS, MEMBER_COLUMNS), (SHEET_ORGS, ORG_COLUMNS)):
        sheet = workbook[name]
        orientation = "landscape" if len(columns) > WIDE else "portrait"
        assert sheet.page_setup.orientation == orientation, name
        assert sheet.print_title_rows == "$1:$1", name
        assert sheet.freeze_panes == "B2", name  # the name column stays in view too
