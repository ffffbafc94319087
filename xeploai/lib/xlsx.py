"""Small helpers for reading .xlsx files, shared by the imports and the offline checker (writing
text into a file goes through ``lib/cells.py``).

An .xlsx is a zip of XML parts. Before a sheet is handed to python-calamine (which loads
all of it), these look into the zip directly: which part holds a sheet, how many rows it has
(streamed, stopping as soon as a limit is passed, so a file of a million rows is refused in a
fraction of a second and little memory), which cells hold a formula. Standard library only.
"""

from __future__ import annotations

import re
import zipfile

_SHEET_TAG = re.compile(r"<(?:\w+:)?sheet\b[^>]*>")
_PREFIXED_ROW = re.compile(rb"<[A-Za-z_][\w.-]*:row[\s>]")
_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")
_CELL_REF = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]{1,3})(\d+)"[^>]*>')
_BLOCK = 1 << 20
# Byte strings that every formula element contains (a cheap test before any regex).
_FORMULA_HINTS = (b"<f>", b"<f ", b"<f/>", b":f>", b":f ")


def _unescape(text: str) -> str:
    return (
        text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", '"')
        .replace("&apos;", "'")
        .replace("&amp;", "&")
    )


def sheet_parts(archive: zipfile.ZipFile) -> dict[str, str | None]:
    """Sheet name → the zip member holding its XML (None if the workbook does not say), in the
    workbook's order. Raises ``KeyError`` when ``xl/workbook.xml`` is missing."""
    workbook = archive.read("xl/workbook.xml").decode("utf-8", "replace")
    try:
        rels = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    except KeyError:
        rels = ""
    targets: dict[str, str] = {}
    for rel in re.findall(r"<(?:\w+:)?Relationship\b[^>]*>", rels):
        rid = re.search(r'\bId="([^"]*)"', rel)
        target = re.search(r'\bTarget="([^"]*)"', rel)
        if rid and target:
            value = _unescape(target[1])
            targets[rid[1]] = value.lstrip("/") if value.startswith("/") else "xl/" + value
    parts: dict[str, str | None] = {}
    for tag in _SHEET_TAG.findall(workbook):
        name = re.search(r'\bname="([^"]*)"', tag)
        rid = re.search(r'\br:id="([^"]*)"', tag) or re.search(r'\bid="([^"]*)"', tag)
        if name:
            parts[_unescape(name[1])] = targets.get(rid[1]) if rid else None
    return parts


def count_rows(archive: zipfile.ZipFile, part: str, stop_after: int, *, block: int = _BLOCK) -> int:
    """The row elements of the sheet XML ``part``, read as a stream; counting stops once it
    passes ``stop_after`` (the answer is then ``stop_after + 1``). Counted with ``bytes.count``:
    no object per row, so a million rows take a second."""
    return scan_rows(archive, part, stop_after, block=block)[0]


def scan_rows(
    archive: zipfile.ZipFile, part: str, stop_after: int, *, block: int = _BLOCK
) -> tuple[int, bool]:
    """``count_rows`` and, in the same pass over the stream, whether any formula element was
    seen (False: ``formula_cells`` would find nothing, and the sheet need not be read again)."""
    count = 0
    formula = False
    rest = b""
    with archive.open(part) as stream:
        while True:
            chunk = stream.read(block)
            data = rest + chunk
            # Every tag up to the last ">" is complete: scan that now, keep the rest.
            cut = data.rfind(b">") + 1 if chunk else len(data)
            count += data.count(b"<row ", 0, cut) + data.count(b"<row>", 0, cut)
            if b":row" in data:  # a namespace prefix (<x:row>), rare
                count += len(_PREFIXED_ROW.findall(data, 0, cut))
            if not formula:
                formula = any(data.find(tag, 0, cut) >= 0 for tag in _FORMULA_HINTS)
            if count > stop_after:
                return stop_after + 1, formula
            if not chunk:
                return count, formula
            rest = data[cut:]


def formula_cells(archive: zipfile.ZipFile, part: str) -> set[tuple[int, int]]:
    """(Excel row, 0-based column index) of every cell of ``part`` that holds a formula."""
    data = archive.read(part)
    found: set[tuple[int, int]] = set()
    if not any(tag in data for tag in _FORMULA_HINTS):
        return found  # the common case, answered without a regex over the whole sheet
    for formula in _FORMULA_TAG.finditer(data):
        # The cell's start tag is right before its <f> (the formula is the cell's first child).
        window = data[max(0, formula.start() - 400) : formula.start()]
        cells = list(_CELL_REF.finditer(window))
        if not cells:
            continue
        letters, row = cells[-1][1].decode(), int(cells[-1][2])
        index = 0
        for letter in letters:
            index = index * 26 + ord(letter) - 64
        found.add((row, index - 1))
    return found
