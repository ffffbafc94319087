"""Reading spreadsheets, the one module the imports and the offline checker share.

python-calamine loads a sheet as a dense range: (last row − first row + 1) × (last column −
first column + 1) cells of 32 bytes, whatever the file holds. One cell at ``XFD1048576`` in a
1.7 kB workbook asks for 549 GB and the process aborts. So before calamine sees a workbook,
``inspect_xlsx`` looks into the zip with the standard library:

- every member is inflated from its raw deflate stream, counting what comes out (a declared
  size that lies, or a zip bomb, is caught: ``Limits.inflated`` for the whole workbook);
- each wanted sheet's XML is scanned as a stream: its rows (stopping past the limit), its
  ``<dimension>``, and where its cells really are — the last row and column any cell reaches,
  by its ``r`` reference or by its position (a cell without one follows the previous). A sheet
  whose real extent passes ``Limits`` (rows, columns, rows × columns) is refused with a
  sentence naming the sheet and the limit. The declared ``<dimension>`` is not trusted either
  way: a huge one over a small sheet is read (calamine caps what it reserves for it).

  Placing every tag in Python (``_Walker``) is exact but costs more than calamine's own load,
  so a block of the usual shapes — rows ``<row r="12"``, and cells all ``<c r="B12"`` or all
  without ``r`` — is measured with a few C-speed passes (counts, one split or one regex search
  per block); whatever those cannot vouch for goes tag by tag. ``lib/tests/test_sheets.py``
  holds both to the same answers on generated sheets, hostile cells included.

``load_rows`` then opens the sheet with calamine; ``read_csv`` reads a CSV file with the same
guards (size, fields per record). ``column_letter`` is the one Excel column lettering.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext as _

from xeploai.lib.numbers import vn_int

_BLOCK = 1 << 20
# Error lines listed for one file (import, check, web); the rest are counted ("và … lỗi khác").
ERRORS_LISTED = 1000
_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")
_CELL_REF = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]{1,3})(\d+)"[^>]*>')
# Byte strings that every formula element contains (a cheap test before any regex).
_FORMULA_HINTS = (b"<f>", b"<f ", b"<f/>", b":f>", b":f ", b":f/>")
_SHEET_TAG = re.compile(r"<(?:\w+:)?sheet\b[^>]*>")
_PREFIXED_ROW = re.compile(rb"<[A-Za-z_][\w.-]*:row[\s>/]")
# XML whitespace other than the space (and what ``\s`` also matches): made spaces before a
# block is measured.
_SPACES = (b"\t", b"\n", b"\r", b"\x0b", b"\x0c")
_TO_SPACE = bytes.maketrans(b"".join(_SPACES), b" " * len(_SPACES))
# What may end a tag's name (once whitespace is spaces); made NUL in a copy only counted, so
# that one count finds <c , <c> and <c/.
_NAME_ENDS = (b" ", b"/", b">")
_CLOSED = bytes.maketrans(b"".join(_NAME_ENDS), b"\0\0\0")
# The usual shape of a cell (Excel, openpyxl, LibreOffice): ``<c r="B12" ...``. A block whose
# every cell has it is measured with a few C-speed passes; other shapes go through ``_Walker``.
_PLAIN_CELL = b'<c r="'
_CELL_TAGS = (b"<c ", b"<c>", b"<c/")
_PLAIN_REF = re.compile(rb'<c r="([A-Z]{1,3})(\d{1,7})"')
_PLAIN_LETTERS = re.compile(rb'<c r="([A-Z]{1,3})\d')
_PLAIN_ROWS = re.compile(rb'<c r="[A-Z]{1,3}(\d{1,7})"')
_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c)(?=[\s/>])([^>]*)>")
_R_ATTRIBUTE = re.compile(rb"""(?:^|\s)r\s*=\s*(["'])(.*?)\1""", re.S)
_REF = re.compile(rb"([A-Za-z]{0,4})(\d{0,8})")
_CELL_WITH_R = re.compile(rb"<c(?=[\s/])[^>]*\sr\s*=")
_ROW_NUMBERS = re.compile(rb'<row r="(\d{1,8})"')
_ROW_TAG = re.compile(rb"<row(?=[ />])([^>]*)>")
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\b[^>]*\bref="([^"]*)"')


@dataclass(frozen=True)
class Limits:
    """How large a sheet may be. ``rows``: data rows (the header and up to ten rows above it
    come on top); ``columns``; ``cells``: rows × columns of the range calamine would build;
    ``inflated``: bytes of the whole workbook once unzipped."""

    rows: int
    columns: int = 200
    cells: int = 5_000_000
    inflated: int = 300_000_000

    @property
    def height(self) -> int:
        return self.rows + 11


class TooLarge(Exception):
    """The file, or one of its sheets, passes a limit: ``message`` says which and how."""

    def __init__(self, message: str, sheet: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.sheet = sheet


@dataclass
class Extent:
    """What the scan of one sheet found. ``rows`` stops at ``Limits.rows + 2``."""

    rows: int = 0
    height: int = 0  # the last row a cell reaches (1-based), 0 without cells
    width: int = 0  # the last column a cell reaches (1-based)
    cells: int = 0
    declared: str = ""  # the <dimension ref=…> the file claims
    formulas: bool = False


def more_errors(count: int) -> str:
    """The line that stands for the errors not listed: "và 1.799.894 lỗi khác"."""
    return _("và {n} lỗi khác").format(n=vn_int(count))


def column_letter(index: int) -> str:
    """Excel column letter of a 0-based index: 0 → "A", 25 → "Z", 26 → "AA"."""
    letters = ""
    number = index + 1
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_number(letters: str | bytes) -> int:
    """1-based column of Excel letters: "A" → 1, "XFD" → 16384."""
    number = 0
    for letter in letters.upper() if isinstance(letters, str) else letters.decode().upper():
        number = number * 26 + ord(letter) - 64
    return number


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


def inflate(
    stream: IO[bytes], info: zipfile.ZipInfo, budget: int, *, block: int = _BLOCK
) -> Iterator[bytes]:
    """The member ``info`` of the zip open as ``stream``, inflated from its raw data a block at
    a time. Neither its declared size nor zipfile's reader is trusted: more than ``budget``
    bytes raises ``TooLarge``; output that differs from the declared size or CRC raises
    ``zipfile.BadZipFile`` (a reader that trusts the declaration would see other data)."""
    stream.seek(info.header_offset)
    header = stream.read(30)
    if len(header) != 30 or header[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile("bad local header")
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    stream.seek(info.header_offset + 30 + name_length + extra_length)
    if info.compress_type == zipfile.ZIP_STORED:
        decompress: Any = None
    elif info.compress_type == zipfile.ZIP_DEFLATED:
        decompress = zlib.decompressobj(-15)
    else:
        raise zipfile.BadZipFile("unsupported compression")
    left = info.compress_size
    produced = 0
    crc = 0
    while True:
        raw = stream.read(min(block, left)) if left else b""
        left -= len(raw)
        if decompress is None:
            out = raw
        else:
            # never more than one block out of one call, however compressible the input
            out = decompress.decompress(decompress.unconsumed_tail + raw, block)
        while True:
            produced += len(out)
            if produced > budget:
                raise TooLarge(_too_much(budget))
            if out:
                crc = zlib.crc32(out, crc)
                yield out
            if decompress is None or decompress.eof:
                break
            # A full block may leave output pending inside zlib with no input left over.
            if not decompress.unconsumed_tail and len(out) < block:
                break
            out = decompress.decompress(decompress.unconsumed_tail, block)
        if not raw:
            break
    if produced != info.file_size or crc != info.CRC:
        raise zipfile.BadZipFile("size or CRC differs from the declaration")


def _too_much(budget: int) -> str:
    return _("giải nén ra hơn {limit} MB — quá giới hạn; hãy chia thành nhiều tệp").format(
        limit=vn_int(budget // 10**6)
    )


def limits_from_settings(rows_setting: str, default_rows: int) -> Limits:
    """The limits the settings give (``SHEET_MAX_COLUMNS``, ``SHEET_MAX_CELLS``,
    ``SHEET_MAX_INFLATED_BYTES``, and rows from ``rows_setting``); the defaults when Django is
    not configured (the checker used as a library)."""
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    defaults = Limits(default_rows)
    try:
        return Limits(
            rows=int(getattr(settings, rows_setting, default_rows)),
            columns=int(getattr(settings, "SHEET_MAX_COLUMNS", defaults.columns)),
            cells=int(getattr(settings, "SHEET_MAX_CELLS", defaults.cells)),
            inflated=int(getattr(settings, "SHEET_MAX_INFLATED_BYTES", defaults.inflated)),
        )
    except ImproperlyConfigured:
        return defaults


def count_rows(archive: zipfile.ZipFile, part: str, stop_after: int, *, block: int = _BLOCK) -> int:
    """The row elements of the sheet XML ``part``, read as a stream; counting stops once it
    passes ``stop_after`` (the answer is then ``stop_after + 1``)."""
    count = 0
    rest = b""
    with archive.open(part) as stream:
        while True:
            chunk = stream.read(block)
            data = rest + chunk
            cut = data.rfind(b">") + 1 if chunk else len(data)
            count += _count_rows(_spaced(data[:cut]))
            if count > stop_after:
                return stop_after + 1
            if not chunk:
                return count
            rest = data[cut:]


def _spaced(block: bytes) -> bytes:
    """``block`` with every XML whitespace byte a space: a tag name ends at any of them
    (``<c\tr="XFD1">`` is a cell), and the shapes below look for a space only. A ``memchr``
    each when there is none, the usual case."""
    if any(space in block for space in _SPACES):
        return block.translate(_TO_SPACE)
    return block


def _count_rows(block: bytes) -> int:
    """The row tags of ``block`` (spaced): ``<row`` and a space, ``>`` or ``/``, as the walker
    sees them, prefixed ones too."""
    count = block.count(b"<row ") + block.count(b"<row>") + block.count(b"<row/")
    if b":row" in block:  # a namespace prefix (<x:row>), rare
        count += len(_PREFIXED_ROW.findall(block))
    return count


def _reference(attributes: bytes) -> tuple[bytes, bytes]:
    """The letters and digits of a tag's ``r`` attribute; empty when there is none (or it
    cannot be read, and calamine would refuse the file anyway)."""
    attribute = _R_ATTRIBUTE.search(attributes)
    found = _REF.fullmatch(attribute[2]) if attribute else None
    return (found[1], found[2]) if found else (b"", b"")


class _Walker:
    """Where the cells are, tag by tag, as calamine places them: a row without ``r`` follows
    the previous row, a cell without ``r`` follows the previous cell of its row. The exact
    measure, and the slow one: the shortcuts below must give what it gives."""

    def __init__(self) -> None:
        self.row = 0
        self.column = 0
        self.positional = False  # the last block measured had cells without r

    def walk(self, data: bytes, end: int, extent: Extent) -> None:
        for match in _TAG.finditer(data, 0, end):
            letters, digits = _reference(match[2])
            if match[1] == b"row":
                self.row = int(digits) if digits and not letters else self.row + 1
                self.column = 0
                continue
            extent.cells += 1
            self.column = column_number(letters) if letters else self.column + 1
            row = int(digits) if digits else self.row
            extent.height = max(extent.height, row)
            extent.width = max(extent.width, self.column)


def scan_sheet(
    stream: IO[bytes], info: zipfile.ZipInfo, limits: Limits, *, block: int = _BLOCK
) -> Extent:
    """Measure one sheet's XML (see the module's docstring). Stops as soon as the rows pass
    ``limits.rows + 1`` (``rows`` is then ``limits.rows + 2``); raises ``TooLarge`` when the
    cells reach past the limits, ``zipfile.BadZipFile`` when the member is not what it says."""
    extent = Extent()
    walker = _Walker()
    rest = b""
    first = True
    stop_after = limits.rows + 1
    for chunk in itertools.chain(inflate(stream, info, limits.inflated, block=block), [b""]):
        data = rest + chunk
        cut = data.rfind(b">") + 1 if chunk else len(data)
        if first and cut:
            declared = _DIMENSION.search(data, 0, cut)
            extent.declared = declared[1].decode("ascii", "replace") if declared else ""
            first = False
        extent.rows += _measure(_spaced(data[:cut]), extent, walker)
        if extent.rows > stop_after:  # the caller refuses it for its rows
            extent.rows = stop_after + 1
            return extent
        _check_extent(extent, limits)
        if not chunk:
            return extent
        rest = data[cut:]
    return extent  # pragma: no cover - the loop returns at its last (empty) chunk


def _measure(block: bytes, extent: Extent, walker: _Walker) -> int:
    """Add the cells of ``block`` (whole tags, whitespace spaced) to ``extent``; its rows.

    The usual shapes are measured with a few C-speed passes over the block — every row
    ``<row r="12"``, and either every cell ``<c r="B12"`` or no cell with ``r`` — and
    whatever those passes cannot vouch for goes tag by tag through ``walker``."""
    colon = b":" in block  # memchr: absent from most sheets' data
    if not extent.formulas and b"f" in block and (b"<f" in block or (colon and b":f" in block)):
        extent.formulas = any(tag in block for tag in _FORMULA_HINTS)
    if colon and (b":c" in block or b":row" in block):  # namespace prefixes, rare
        walker.walk(block, len(block), extent)
        return _count_rows(block)
    if walker.positional:  # the previous block's cells had no r: likely this one's too
        found = _measure_positional(block, extent, walker)
        if found is not None:
            return found
    rows = block.count(b"<row")
    numbered = block.count(b'<row r="')
    if rows != numbered:  # <rowBreaks>, or rows of another shape
        rows = _count_rows(block)
    if rows == numbered:  # every row is <row r="…
        plain = block.count(_PLAIN_CELL)
        if plain and _measure_plain(block, extent, walker, plain):
            walker.positional = False
            return rows
        if not plain and not walker.positional:
            found = _measure_positional(block, extent, walker)
            if found is not None:
                return found
    walker.walk(block, len(block), extent)
    return rows


def _no_cell_has_r(block: bytes, numbered: int) -> bool:
    """No cell tag of ``block`` has an ``r`` attribute: every space followed by ``r`` is a
    numbered row's, or else a regex finds none."""
    return block.count(b" r") == numbered or not _CELL_WITH_R.search(block)


def _beyond(width: int, height: bytes) -> re.Pattern[bytes]:
    """A ``<c`` that is not a cell ``<c r="B12"`` within column ``width`` and row ``height``
    (its digits, no leading zero): one negative lookahead, cheap to try at every cell."""
    return re.compile(
        b'<c(?! r="(?:'
        + b"|".join(_at_most(column_letter(width - 1).encode(), b"A", b"[A-Z]"))
        + b")(?:"
        + b"|".join(_at_most(height, b"0", b"\\d"))
        + b')")'
    )


def _at_most(limit: bytes, low: bytes, any_one: bytes) -> list[bytes]:
    """Regex alternatives for the strings of digits (letters) from ``low`` that come no later
    than ``limit`` in the order by length, then alphabet: as long and not greater, or shorter."""
    shorter = [any_one + b"{1,%d}" % (len(limit) - 1)] if len(limit) > 1 else []
    return [
        limit,
        *(
            limit[:i] + b"[%c-%c]" % (low[0], limit[i] - 1) + any_one * (len(limit) - i - 1)
            for i in range(len(limit))
            if limit[i] > low[0]
        ),
        *shorter,
    ]


def _measure_plain(block: bytes, extent: Extent, walker: _Walker, plain: int) -> bool:
    """Every row ``<row r="12"`` and cells ``<c r="B12"…``: the widest letters and the highest
    row number. The last cell gives a guess (it is usually in the widest column seen and the
    lowest row), one regex search vouches that no ``<c`` passes it; else every reference is
    read. False when a cell has another shape (the caller walks the block)."""
    last = block.rfind(_PLAIN_CELL)
    cell = _PLAIN_REF.match(block, last)
    row_at = block.rfind(b'<row r="')
    row = _ROW_NUMBERS.match(block, row_at) if row_at >= 0 else None
    if not cell or (row_at >= 0 and not row):
        return False
    width = max(extent.width, column_number(cell[1]))
    if cell[2][:1] != b"0" and not _beyond(width, cell[2]).search(block):
        extent.width = width
        extent.height = max(extent.height, int(cell[2]))
    elif plain == sum(block.count(tag) for tag in _CELL_TAGS):
        letters = _PLAIN_LETTERS.findall(block)
        rows = _PLAIN_ROWS.findall(block)
        if not len(letters) == len(rows) == plain:
            return False
        widest = max(set(letters), key=lambda s: (len(s), s))
        lowest = max(map(int, set(rows)))
        extent.width = max(extent.width, column_number(widest))
        extent.height = max(extent.height, lowest)
    else:
        return False
    extent.cells += plain
    # Where the walker stands after the block: the last row, and the last cell if it is in it.
    if row:
        walker.row = int(row[1])
    walker.column = column_number(cell[1]) if last > row_at else 0
    return True


def _measure_positional(block: bytes, extent: Extent, walker: _Walker) -> int | None:
    """No cell with ``r`` (each follows the previous one): the cells of each row counted in C
    (``map``), the widest row the one with the most, the lowest the highest-numbered row with
    a cell. The block's rows, or None when it has another shape (a cell with ``r``)."""
    pieces = block.split(b"<row")
    rows = pieces[1:]
    if not all(map(bytes.startswith, rows, itertools.repeat(_NAME_ENDS))):
        return None  # <rowBreaks>, or another element
    placed = _numbered_rows(rows) or _place_rows(block, walker.row, len(rows))
    if placed is None:
        return None
    places, row_rs = placed
    if block.count(b" r") != row_rs and _CELL_WITH_R.search(block):
        return None
    # each row's copy with a tag's name ending in NUL: <c , <c> and <c/ counted at once
    closed = map(bytes.translate, pieces, itertools.repeat(_CLOSED))
    counts = list(map(bytes.count, closed, itertools.repeat(b"<c\0")))
    extent.cells += sum(counts)
    walker.positional = True
    if counts[0]:  # the end of a row begun in the previous block
        extent.width = max(extent.width, walker.column + counts[0])
        extent.height = max(extent.height, walker.row)
    if not rows:
        walker.column += counts[0]
        return 0
    extent.width = max(extent.width, *counts[1:])
    extent.height = max(extent.height, max(itertools.compress(places, counts[1:]), default=0))
    walker.row = places[-1]
    walker.column = counts[-1]
    return len(rows)


def _numbered_rows(rows: list[bytes]) -> tuple[list[int], int] | None:
    """The numbers of rows that all begin `` r="12"`` (1 to 8 digits), read in C, and how many
    spaces followed by ``r`` their tags hold (one each); None for any other shape."""
    if not all(map(bytes.startswith, rows, itertools.repeat(b' r="'))):
        return None
    ends = list(map(bytes.find, rows, itertools.repeat(b'"'), itertools.repeat(4)))
    if rows and not 5 <= min(ends) <= max(ends) <= 12:
        return None
    numbers = list(map(bytes.__getitem__, rows, map(slice, itertools.repeat(4), ends)))
    if not all(map(bytes.isdigit, numbers)):
        return None
    return list(map(int, numbers)), len(rows)


def _place_rows(block: bytes, row: int, count: int) -> tuple[list[int], int] | None:
    """Where the walker places each of the ``count`` row tags of ``block`` (a row without a
    number follows the previous one, from ``row``), tag by tag; and how many spaces followed
    by ``r`` the tags hold. None when the tags found are not ``count``."""
    places = []
    row_rs = 0
    for tag in _ROW_TAG.finditer(block):
        letters, digits = _reference(tag[1])
        row = int(digits) if digits and not letters else row + 1
        places.append(row)
        row_rs += tag[1].count(b" r")
    return (places, row_rs) if len(places) == count else None


def _check_extent(extent: Extent, limits: Limits) -> None:
    if extent.width > limits.columns:
        raise TooLarge(
            _("có ô ở cột {column} — quá giới hạn {limit} cột").format(
                column=column_letter(extent.width - 1), limit=vn_int(limits.columns)
            )
        )
    if extent.height > limits.height:
        raise TooLarge(
            _("có ô ở dòng {row} — quá giới hạn {limit} dòng").format(
                row=vn_int(extent.height), limit=vn_int(limits.rows)
            )
        )
    if extent.height * extent.width > limits.cells:
        raise TooLarge(
            _("trải trên {rows} dòng × {columns} cột = {cells} ô — quá giới hạn {limit} ô").format(
                rows=vn_int(extent.height),
                columns=vn_int(extent.width),
                cells=vn_int(extent.height * extent.width),
                limit=vn_int(limits.cells),
            )
        )


@dataclass
class Workbook:
    """What ``inspect_xlsx`` found: each wanted sheet's extent and formula cells, by name."""

    names: list[str]
    extents: dict[str, Extent]
    formulas: dict[str, set[tuple[int, int]]]


def inspect_xlsx(
    path: Path, choose: Callable[[list[str]], Sequence[str]], limits: Limits
) -> Workbook:
    """Look into the xlsx at ``path`` before anything loads it: every member inflated within
    ``limits.inflated`` bytes in all, and the sheets ``choose`` picks among the workbook's
    sheet names scanned with ``scan_sheet``. Raises ``TooLarge`` (``sheet`` set when one sheet is at fault),
    ``KeyError`` (no workbook part), ``zipfile.BadZipFile``, ``OSError``, ``zlib.error``."""
    with path.open("rb") as stream, zipfile.ZipFile(stream) as archive:
        infos = archive.infolist()
        if sum(info.file_size for info in infos) > limits.inflated:
            raise TooLarge(_too_much(limits.inflated))
        parts = sheet_parts(archive)
        wanted = choose(list(parts))
        by_part = {part: name for name, part in parts.items() if name in wanted and part}
        extents: dict[str, Extent] = {}
        formulas: dict[str, set[tuple[int, int]]] = {}
        budget = limits.inflated
        for info in infos:
            name = by_part.get(info.filename)
            if name is None:
                for chunk in inflate(stream, info, budget):
                    budget -= len(chunk)
                continue
            try:
                extent = scan_sheet(stream, info, replace(limits, inflated=budget))
            except TooLarge as error:
                raise TooLarge(error.message, name) from None
            extents[name] = extent
            if extent.rows > limits.rows + 1:
                continue  # the caller refuses it; the rest of it was not read
            budget -= info.file_size
            formulas[name] = formula_cells(archive, info.filename) if extent.formulas else set()
    return Workbook(list(parts), extents, formulas)


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
        found.add((int(cells[-1][2]), column_number(cells[-1][1]) - 1))
    return found


def load_sheets(path: Path, wanted: Sequence[str]) -> dict[str, tuple[int, Iterator[list[Any]]]]:
    """The sheets of ``wanted`` that the workbook has (it passed ``inspect_xlsx``), each as its
    height from row 1 and its rows from row 1, every row from column A, converted as they are
    read. Raises calamine's own errors (the caller words them)."""
    import python_calamine

    workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    try:
        found = {}
        for name in workbook.sheet_names:
            if name not in wanted:
                continue
            data = workbook.get_sheet_by_name(name)
            rows: Iterator[list[Any]] = data.iter_rows()  # from row 1, from the first used column
            if data.start and data.start[1]:
                before = [""] * data.start[1]
                rows = (before + row for row in rows)
            found[name] = (data.end[0] + 1 if data.end else 0, rows)
        return found
    finally:
        workbook.close()


def csv_records(stream: io.TextIOBase, delimiter: str, limits: Limits) -> Iterator[list[str]]:
    """The records of a CSV file; a record of more than ``limits.columns`` fields, or more
    fields than ``limits.cells`` in all, raises ``TooLarge``."""
    seen = 0
    for number, record in enumerate(csv.reader(stream, delimiter=delimiter), start=1):
        if len(record) > limits.columns:
            raise TooLarge(
                _("dòng {row} có {count} trường — quá giới hạn {limit} cột").format(
                    row=vn_int(number), count=vn_int(len(record)), limit=vn_int(limits.columns)
                )
            )
        seen += len(record)
        if seen > limits.cells:
            raise TooLarge(
                _("có hơn {limit} ô — quá giới hạn; hãy chia thành nhiều tệp").format(
                    limit=vn_int(limits.cells)
                )
            )
        yield record
