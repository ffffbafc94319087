"""Very large test files, written fast: a minimal .xlsx whose sheet XML is written by hand into
the zip as a stream (inline strings, no styles), and a plain .csv. A million rows take a few
seconds and little memory (openpyxl would take minutes)."""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from xml.sax.saxutils import escape

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
WORKBOOK_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"

Rows = Iterable[Sequence[str]]


def _row(number: int, values: Sequence[str]) -> str:
    # A cell's address is optional: cells follow each other from column A (blank = empty <c/>).
    cells = [
        f'<c t="inlineStr"><is><t>{escape(v) if "&" in v or "<" in v else v}</t></is></c>'
        if v
        else "<c/>"
        for v in values
    ]
    return f'<row r="{number}">{"".join(cells)}</row>'


def write_raw_xlsx(path: Path, sheets: dict[str, Iterable[bytes]]) -> Path:
    """A workbook with one sheet per item: name → the sheet's XML inside <worksheet>, in
    pieces (hostile files are written this way: any XML at all)."""
    names = list(sheets)
    content_types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{WORKBOOK_TYPE}"/>'
        + "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{SHEET_TYPE}"/>'
            for i in range(1, len(names) + 1)
        )
        + "</Types>"
    )
    root_rels = (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PACKAGE_RELS}">'
        f'<Relationship Id="rId1" Type="{RELS}/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    )
    workbook = (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{RELS}">'
        "<sheets>"
        + "".join(
            f'<sheet name="{escape(name)}" sheetId="{i}" r:id="rId{i}"/>'
            for i, name in enumerate(names, start=1)
        )
        + "</sheets></workbook>"
    )
    workbook_rels = (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PACKAGE_RELS}">'
        + "".join(
            f'<Relationship Id="rId{i}" Type="{RELS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, len(names) + 1)
        )
        + "</Relationships>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("_rels/.rels", root_rels)
        archive.writestr("xl/workbook.xml", workbook)
        archive.writestr("xl/_rels/workbook.xml.rels", workbook_rels)
        for i, name in enumerate(names, start=1):
            with archive.open(f"xl/worksheets/sheet{i}.xml", "w", force_zip64=True) as stream:
                stream.write(
                    f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">'.encode()
                )
                for piece in sheets[name]:
                    stream.write(piece)
                stream.write(b"</worksheet>")
    return path


def _sheet_data(rows: Rows) -> Iterator[bytes]:
    yield b"<sheetData>"
    batch: list[str] = []
    for number, values in enumerate(rows, start=1):
        batch.append(_row(number, values))
        if len(batch) == 10_000:
            yield "".join(batch).encode()
            batch = []
    yield "".join(batch).encode()
    yield b"</sheetData>"


def write_xlsx(path: Path, sheets: dict[str, Rows]) -> Path:
    """A workbook with one sheet per item (name → rows of text, the header first)."""
    return write_raw_xlsx(path, {name: _sheet_data(rows) for name, rows in sheets.items()})


def write_csv(path: Path, rows: Rows) -> Path:
    """Rows of text, comma-separated (values must hold no comma, quote or line break)."""
    with path.open("w", encoding="utf-8", newline="") as stream:
        batch: list[str] = []
        for values in rows:
            batch.append(",".join(values))
            if len(batch) == 10_000:
                stream.write("\n".join(batch) + "\n")
                batch = []
        if batch:
            stream.write("\n".join(batch) + "\n")
    return path
