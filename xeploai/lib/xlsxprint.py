"""Print setup for every xlsx the product writes: A4, landscape when wide, fitted to the page
width (any number of pages down), the heading rows repeated on every printed page, the panes
frozen under them. Works on ordinary and write-only openpyxl sheets."""

from __future__ import annotations

from typing import Any

WIDE = 6  # more columns than this print landscape


def print_setup(
    sheet: Any, *, columns: int, header_rows: int = 1, freeze: str | None = None
) -> None:
    """``header_rows`` rows from the top repeat on every page; ``freeze`` is the first cell
    that scrolls (by default the one under the heading rows)."""
    setup = sheet.page_setup
    setup.paperSize = "9"  # A4
    setup.orientation = "landscape" if columns > WIDE else "portrait"
    setup.fitToWidth = 1
    setup.fitToHeight = 0  # as many pages down as needed
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.gridLines = False
    sheet.page_margins.left = sheet.page_margins.right = 0.5
    sheet.page_margins.top = sheet.page_margins.bottom = 0.6
    if header_rows:
        sheet.print_title_rows = f"1:{header_rows}"
    if freeze or header_rows:
        sheet.freeze_panes = freeze or f"A{header_rows + 1}"
