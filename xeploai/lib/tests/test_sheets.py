"""Reading a sheet's zip member: ``inflate`` gives exactly what the member holds, whatever
the block size."""

from __future__ import annotations

import zipfile
from io import BytesIO

import pytest

from xeploai.lib import sheets


def sheet(rows: str) -> bytes:
    return (
        f'<worksheet><sheetData>{rows}</sheetData><pageMargins footer="0.3"/></worksheet>'.encode()
    )


def positional(count: int, first: int = 1) -> str:
    """Rows of cells without addresses (each follows the previous), blanks as ``<c/>``."""
    return "".join(
        f'<row r="{n}">' + '<c t="inlineStr"><is><t>x</t></is></c><c/>' * 7 + "</row>"
        for n in range(first, first + count)
    )


@pytest.mark.parametrize("block", [8, 9, 12, 64, 300])
def test_a_member_inflated_in_small_blocks_is_read_whole(block):
    """zlib may hold output back once a block is full and the input is used up; it is asked
    for it (the CRC check once refused a sound sheet read in blocks of 8 to 18 bytes)."""
    xml = sheet('<rowBreaks count="1"/>' + positional(5, 500)) + b'<rowBreaks count="1"/>'
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("sheet.xml", xml)
    with zipfile.ZipFile(buffer) as archive:
        info = archive.getinfo("sheet.xml")
        assert b"".join(sheets.inflate(buffer, info, 10**6, block=block)) == xml
