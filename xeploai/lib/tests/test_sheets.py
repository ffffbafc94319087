"""``scan_sheet`` measures a sheet with shortcuts (a few C-speed passes per block); the walker
(``_Walker.walk``, tag by tag) is the exact measure. Whatever the XML and wherever the blocks
cut it, both must find the same rows, cells, last row and last column, and formulas — a
hostile cell in the middle of a block, cut by a block boundary, behind a namespace prefix,
among cells without addresses or in rows out of order included (issue 13 §4)."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from dataclasses import replace
from io import BytesIO

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xeploai.lib import sheets
from xeploai.lib.sheets import Extent, Limits, scan_sheet

ROOMY = Limits(rows=10**9, columns=10**9, cells=10**18, inflated=10**9)


def scanned(xml: bytes, block: int) -> Extent:
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("sheet.xml", xml)
    with zipfile.ZipFile(buffer) as archive:
        extent = scan_sheet(buffer, archive.getinfo("sheet.xml"), ROOMY, block=block)
    return replace(extent, declared="")


def walked(xml: bytes) -> Extent:
    """The exact measure: every tag through the walker, at once."""
    spaced = sheets._spaced(xml)
    extent = Extent(rows=sheets._count_rows(spaced))
    sheets._Walker().walk(spaced, len(spaced), extent)
    extent.formulas = bool(sheets._FORMULA_TAG.search(spaced))
    return extent


def sheet(rows: str) -> bytes:
    return (
        f'<worksheet><sheetData>{rows}</sheetData><pageMargins footer="0.3"/></worksheet>'.encode()
    )


def people(count: int, first: int = 1) -> str:
    """Rows the usual way: ``<row r="2"><c r="A2" t="s">…``, 14 columns."""
    return "".join(
        f'<row r="{n}">'
        + "".join(f'<c r="{letter}{n}" t="s"><v>{n}</v></c>' for letter in "ABCDEFGHIJKLMN")
        + "</row>"
        for n in range(first, first + count)
    )


def positional(count: int, first: int = 1) -> str:
    """Rows of cells without addresses (each follows the previous), blanks as ``<c/>``."""
    return "".join(
        f'<row r="{n}">' + '<c t="inlineStr"><is><t>x</t></is></c><c/>' * 7 + "</row>"
        for n in range(first, first + count)
    )


def unnumbered(count: int, first: int = 1) -> str:
    """Rows without ``r`` (each follows the previous one) of cells without addresses."""
    return (
        positional(count, first)
        .replace(f'<row r="{first}">', "<row>", 1)
        .replace("<row r=", '<row s="1" data-r=')
    )


@pytest.mark.parametrize(
    ("name", "xml", "height", "width"),
    [
        ("usual cells", sheet(people(300)), 300, 14),
        ("cells without r", sheet(positional(300)), 300, 14),
        (
            "far cell mid-block",
            sheet(people(150) + '<row r="151"><c r="XFD1048576"/></row>' + people(149, 152)),
            1048576,
            16384,
        ),
        (
            "far cell in a usual row",
            sheet(people(150) + '<row r="151"><c r="A151"/><c r="ZZ99"/></row>'),
            151,
            702,
        ),
        (
            "far row, same digits",
            sheet(people(150) + '<row r="151"><c r="A999"/></row>' + people(10, 152)),
            999,
            14,
        ),
        (
            "tab before r",
            sheet(people(150) + '<row r="151"><c\tr="XFD1048576"/></row>' + people(9, 152)),
            1048576,
            16384,
        ),
        ("newline before r", sheet(people(150) + '<row r="151"><c\nr="XFD1"/></row>'), 150, 16384),
        (
            "space before =",
            sheet(positional(150) + '<row r="151"><c r ="XFD1048576"/></row>'),
            1048576,
            16384,
        ),
        (
            "r after t",
            sheet(positional(150) + '<row r="151"><c t="s" r="XFD7"/></row>'),
            150,
            16384,
        ),
        ("r in single quotes", sheet(people(150) + "<row r='151'><c r='XFD7'/></row>"), 150, 16384),
        (
            "prefixed cell",
            sheet(people(150) + '<x:row r="151"><x:c r="XFD1048576"/></x:row>'),
            1048576,
            16384,
        ),
        ("rows without r", sheet(positional(5) + unnumbered(150, 6)), 155, 14),
        ("a slash before r", sheet(positional(150) + '<row/r="2"><c/></row>'), 151, 14),
        ("text r= after <row>", sheet(positional(150) + '<row>r="2"<c/></row>'), 151, 14),
        (
            "rows out of order",
            sheet(positional(150) + '<row r="1048576"><c/></row>' + positional(5, 151)),
            1048576,
            14,
        ),
        (
            "empty far row",
            sheet(positional(150) + '<row r="1048576"/>' + positional(5, 151)),
            155,
            14,
        ),
        ("wide row of <c/>", sheet("<row>" + "<c/>" * 5000 + "</row>"), 1, 5000),
        ("cells without r after usual", sheet(people(150) + "<row><c/><c/></row>"), 151, 14),
        ("usual after cells without r", sheet(positional(150) + people(5, 151)), 155, 14),
        ("leading zeros", sheet(people(150) + '<row r="151"><c r="A0000999"/></row>'), 999, 14),
        (
            "eight digits",
            sheet(people(150) + '<row r="151"><c r="A10485760"/></row>'),
            10485760,
            14,
        ),
        (
            "lowercase letters",
            sheet(people(150) + '<row r="151"><c r="xfd151"/></row>'),
            151,
            16384,
        ),
        ("not a cell: <col>", sheet('<cols><col min="1" max="99"/></cols>' + people(150)), 150, 14),
        (
            "rowBreaks",
            sheet(people(150)) + b'<rowBreaks count="1"><brk id="5"/></rowBreaks>',
            150,
            14,
        ),
    ],
)
@pytest.mark.parametrize("block", [64, 1000, 1 << 20])
def test_the_scan_finds_what_the_walker_finds(
    name: str, xml: bytes, height: int, width: int, block: int
) -> None:
    found = scanned(xml, block)
    assert found == walked(xml), name
    assert (found.height, found.width) == (height, width), name


def test_a_cell_after_a_tab_is_refused_in_a_sheet_of_usual_cells() -> None:
    """``<c\\tr="XFD1048576">`` is a cell to calamine; the usual-shape shortcut once looked
    only at ``<c r="`` and let it through."""
    xml = sheet(people(100) + '<row r="101"><c\tr="XFD1048576"/></row>')
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("sheet.xml", xml)
    with zipfile.ZipFile(buffer) as archive, pytest.raises(sheets.TooLarge) as error:
        scan_sheet(buffer, archive.getinfo("sheet.xml"), Limits(rows=1000))
    assert error.value.message == "có ô ở cột XFD — quá giới hạn 200 cột"


LETTERS = st.sampled_from(["A", "B", "N", "O", "Z", "AA", "AB", "XFD", "ZZZ", "a", "xfd", ""])
DIGITS = st.sampled_from(
    [
        "1",
        "2",
        "9",
        "10",
        "99",
        "150",
        "151",
        "999",
        "0",
        "007",
        "1048576",
        "12345678",
        "123456789",
        "",
    ]
)
SPACE = st.sampled_from([" ", " ", " ", "\t", "\n", "  ", "\r\n"])


@st.composite
def odd_cell(draw: st.DrawFn) -> str:
    prefix = draw(st.sampled_from(["", "", "", "x:"]))
    space = draw(SPACE)
    reference = draw(LETTERS) + draw(DIGITS)
    attribute = draw(
        st.sampled_from(
            [
                f'r="{reference}"',
                f"r='{reference}'",
                f'r ="{reference}"',
                f'r= "{reference}"',
                f't="s"{space}r="{reference}"',
                f'xr="{reference}"',
                't="inlineStr"',
                "",
            ]
        )
    )
    body = draw(
        st.sampled_from(
            ["", "<v>1</v>", "<f>SUM(A1)</f><v>1</v>", "<is><t>a r= b : c =d</t></is>", "<x:f/>"]
        )
    )
    tag = f"<{prefix}c{space if attribute else ''}{attribute}"
    return f"{tag}/>" if not body else f"{tag}>{body}</{prefix}c>"


@st.composite
def odd_row(draw: st.DrawFn) -> str:
    prefix = draw(st.sampled_from(["", "", "", "x:"]))
    number = draw(st.sampled_from(["", "1", "5", "151", "300", "1048576", "A5", "123456789"]))
    attribute = f'{draw(SPACE)}r="{number}"' if number else draw(st.sampled_from(["", ' s="1"']))
    cells = "".join(draw(st.lists(odd_cell(), max_size=4)))
    if not cells and draw(st.booleans()):
        return f"<{prefix}row{attribute}/>"
    return f"<{prefix}row{attribute}>{cells}</{prefix}row>"


@settings(max_examples=300, deadline=None)
@given(
    usual=st.sampled_from([people, positional, unnumbered]),
    before=st.integers(0, 120),
    odd=st.lists(odd_row(), max_size=4),
    after=st.integers(0, 60),
    extra=st.sampled_from(["", '<cols><col min="1" max="3"/></cols>', '<rowBreaks count="1"/>']),
    block=st.integers(8, 5000),
)
def test_the_scan_equals_the_walker_on_generated_sheets(
    usual: Callable[..., str], before: int, odd: list[str], after: int, extra: str, block: int
) -> None:
    """A sheet of the usual shape (or of cells without addresses) with odd rows anywhere in it,
    read in blocks of any size: the shortcuts agree with the walker."""
    xml = sheet(extra + usual(before) + "".join(odd) + usual(after, before + 500)) + extra.encode()
    assert scanned(xml, block) == walked(xml)


@pytest.mark.parametrize("block", [8, 9, 12, 64, 300])
def test_a_member_inflated_in_small_blocks_is_read_whole(block: int) -> None:
    """zlib may hold output back once a block is full and the input is used up; it is asked
    for it (the CRC check once refused a sound sheet read in blocks of 8 to 18 bytes)."""
    xml = sheet('<rowBreaks count="1"/>' + positional(5, 500)) + b'<rowBreaks count="1"/>'
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("sheet.xml", xml)
    with zipfile.ZipFile(buffer) as archive:
        info = archive.getinfo("sheet.xml")
        assert b"".join(sheets.inflate(buffer, info, 10**6, block=block)) == xml
