"""The imports fed with generated, malformed files (issue 7, "Bad input").

Each example writes a units, people or results file (xlsx or csv) whose cells are mostly valid
and sometimes wrong: wrong types, far dates, Unicode look-alikes, decomposed diacritics,
formulas, huge cells, duplicate keys, blank rows in the middle, odd headers. The dry run and the
real import then either succeed — and what was stored is NFC, trimmed and means what the file
said, and the same file typed decomposed changes nothing on re-import (no duplicate) — or fail
with exit code 1 (every problem names sheet and row, and the column when it is about one cell)
or 2 (one Vietnamese sentence), with the database unchanged. Formula cells and text that a
spreadsheet would take for a formula (= + - @) are refused. Every example runs in a savepoint
that is rolled back, so examples do not see each other.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import math
import re
import sys
import unicodedata
import zipfile
from collections.abc import Callable
from io import BytesIO, StringIO
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import openpyxl
import pytest
import python_calamine
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from xeploai.audit.models import AuditEvent
from xeploai.cycles.models import Period
from xeploai.imports.columns import SHEETS
from xeploai.imports.xlsx_templates import TEMPLATE_WRITERS, template_writer
from xeploai.lib.cells import append_text_row, write_text
from xeploai.lib.sheets import count_rows, formula_cells, sheet_parts
from xeploai.lib.text import clean_text, fold
from xeploai.org.models import Membership, OrgUnit, Person
from xeploai.reviews.models import Evaluation, Proposal, UnitStat
from xeploai.testing import Cast

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
FAST = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
PROBLEM_LINE = re.compile(
    r'Sheet "(ToChuc|DangVien|KetQua)", dòng (\d+)(?:, cột ([A-Z]{1,3}) "([^"]+)")?: .+'
)


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


class Huge(str):
    """A huge cell that prints short when hypothesis reports an example."""

    def __repr__(self) -> str:
        return f"Huge({self[:1]!r} * {len(self)})"


# -- malformed values ------------------------------------------------------------------------

FORMULAS = ["=1+1", '=HYPERLINK("http://example.com","bấm")', "=A1&B1"]
FORMULA_LIKE = ["@SUM(A1:A3)", "+cmd|' /C calc'!A0", "-1+2", "=cmd|'/C calc'!A0"]
LOOK_ALIKES = [
    "Nguy\u0435n V\u0103n \u0410n",  # Cyrillic е and А
    "Tr\u0430n Th\u1ecb L\u043en",  # Cyrillic а and о
    "Nguyễn\u200b Văn An",  # zero-width space
    "\u202eNguyễn Văn An",  # right-to-left override
    "Ｎguyễn Văn An",  # full-width N
    "０８４１８５０００１２３",  # full-width digits
    "084185000123\u200b",
    "D\u0412K-001",  # Cyrillic В in a code
]
FAR_DATES = [
    dt.date(1, 1, 1),
    dt.date(1800, 5, 5),
    dt.date(1899, 12, 31),
    dt.date(9999, 12, 31),
    TODAY + dt.timedelta(days=1),
    TODAY + dt.timedelta(days=1 + 36525),  # tomorrow, a hundred years on
    "31/02/2020",
    "1/1/10000",
    "00/00/0000",
]
WRONG_TYPES = [
    True,
    False,
    0,
    -1,
    42,
    1.5,
    1e308,
    -1e308,
    float("nan"),
    float("inf"),
    84185000123.0,
    dt.datetime(2020, 1, 2, 3, 4),
    dt.time(12, 0),
    dt.timedelta(days=3),
    "",
    "   ",
    "\t",
]
NASTY = st.one_of(
    st.sampled_from(WRONG_TYPES + FAR_DATES + FORMULAS + FORMULA_LIKE + LOOK_ALIKES),
    st.sampled_from([Huge("Đ" * 32767), Huge("9" * 32767)]),
    st.text(max_size=12),
)


def mostly(valid: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """A valid value five times out of six, a malformed one otherwise."""
    return st.integers(0, 5).flatmap(lambda n: NASTY if n == 0 else valid)


NAMES = st.sampled_from(
    [
        "Nguyễn Văn An",
        nfd("Nguyễn Thị Hoà"),
        "  Trần   Thị  Lan ",
        nfd("  Lê  Đức  Thọ"),
        "ĐẢNG BỘ SỞ TÀI CHÍNH",
        "Chi bộ Phòng 2 (khối A) – “mới”",
        "H'Hen Niê",
    ]
)
DATES = st.one_of(
    st.dates(dt.date(1950, 1, 1), dt.date(1990, 12, 31)),
    st.dates(dt.date(1950, 1, 1), dt.date(1990, 12, 31)).map(lambda d: f"{d:%d/%m/%Y}"),
    st.dates(dt.date(1950, 1, 1), dt.date(1990, 12, 31)).map(lambda d: f"{d:%Y-%m-%d}"),
)
LATER_DATES = st.one_of(
    st.dates(dt.date(2005, 1, 1), dt.date(2020, 12, 31)),
    st.dates(dt.date(2005, 1, 1), dt.date(2020, 12, 31)).map(lambda d: f"{d:%d-%m-%Y}"),
)
YES_NO = st.sampled_from(["Có", "Không", nfd("Có"), "x", "0", "true", True, False])


def row_values(
    draw: st.DrawFn, columns: dict[str, st.SearchStrategy[Any]], clean: bool
) -> dict[str, Any]:
    return {h: draw(strategy if clean else mostly(strategy)) for h, strategy in columns.items()}


@st.composite
def units_rows(draw: st.DrawFn, cast: Any, clean: bool) -> list[dict[str, Any] | None]:
    family = [
        ("N1", "Đảng bộ cơ sở", "ROOT"),
        ("N2", "Chi bộ trực thuộc", "N1"),
        ("N3", "chi_bo", "A"),
        ("A2", nfd("Chi bộ trực thuộc"), "A"),
        ("N4", "CHI BO CO SO", "ROOT"),
        ("n5", "Đảng bộ bộ phận", "N1"),
    ]
    # A prefix of the family keeps parents above their children; sometimes a row comes twice.
    chosen = family[: draw(st.integers(1, len(family)))]
    if draw(st.integers(0, 4)) == 0:
        chosen.insert(draw(st.integers(0, len(chosen))), draw(st.sampled_from(chosen)))
    rows: list[dict[str, Any] | None] = []
    for code, kind, parent in chosen:
        if draw(st.integers(0, 7)) == 0:
            rows.append(None)  # a blank row in the middle
        rows.append(
            row_values(
                draw,
                {
                    "Mã tổ chức": st.sampled_from([code, f" {code} "]),
                    "Tên tổ chức": NAMES,
                    "Loại tổ chức": st.just(kind),
                    "Mã tổ chức cấp trên": st.just(parent),
                    "Ngày thành lập": st.one_of(st.just(""), DATES),
                    "Có cấp ủy": st.one_of(st.just(""), YES_NO),
                },
                clean,
            )
        )
    return rows


@st.composite
def people_rows(draw: st.DrawFn, cast: Any, clean: bool) -> list[dict[str, Any] | None]:
    known = cast.member_a1.citizen_id
    ids = st.one_of(
        st.integers(100, 999).map(lambda n: f"084185000{n}"),
        st.sampled_from(["0841 8500 0125", "084.185.000.127", known, 84185000126.0]),
    )
    rows: list[dict[str, Any] | None] = []
    for _ in range(draw(st.integers(1, 5))):
        if draw(st.integers(0, 7)) == 0:
            rows.append(None)
            continue
        rows.append(
            row_values(
                draw,
                {
                    "Họ và tên": NAMES,
                    "Ngày sinh": st.one_of(st.just(""), DATES),
                    "Giới tính": st.sampled_from(["", "Nam", "nữ", nfd("Nữ")]),
                    "Số CCCD": ids,
                    "Số thẻ đảng viên": st.sampled_from(["", "", "84001234", "84 001 235"]),
                    "Ngày vào Đảng": LATER_DATES,
                    "Mã chi bộ": st.sampled_from(["A1", "A2", "B1", "C"]),
                    "Là CBCCVC": st.one_of(st.just(""), YES_NO),
                },
                clean,
            )
        )
    return rows


@st.composite
def results_rows(draw: st.DrawFn, cast: Any, clean: bool) -> list[dict[str, Any] | None]:
    members = [
        (cast.member_a1, "A1"),
        (cast.member_b1, "B1"),
    ]
    rows: list[dict[str, Any] | None] = []
    for _ in range(draw(st.integers(1, 4))):
        if draw(st.integers(0, 7)) == 0:
            rows.append(None)
            continue
        year = draw(st.sampled_from([2023, 2024, "2024", 2024.0]))
        if draw(st.booleans()):
            person, unit = draw(st.sampled_from(members))
            name = draw(
                st.sampled_from(
                    ["", person.full_name, nfd(person.full_name), person.full_name.upper()]
                )
            )
            values = {
                "Năm": st.just(year),
                "Đối tượng": st.sampled_from(["Đảng viên", "dang_vien", nfd("Đảng viên")]),
                "Mã tổ chức": st.just(unit),
                "Số CCCD": st.just(person.citizen_id),
                "Họ và tên": st.just(name),
            }
        else:
            subject, unit = draw(
                st.sampled_from([("Chi bộ trực thuộc", "A1"), ("Tổ chức cơ sở đảng", "A")])
            )
            values = {
                "Năm": st.just(year),
                "Đối tượng": st.just(subject),
                "Mã tổ chức": st.just(unit),
                "Số CCCD": st.just(""),
                "Họ và tên": st.just(""),
            }
        values["Mức xếp loại"] = st.sampled_from(
            ["HTXSNV", "HTTNV", "htnv", nfd("Hoàn thành tốt nhiệm vụ"), "KHTNV"]
        )
        rows.append(row_values(draw, values, clean))
    return rows


ROWS = {"units": units_rows, "people": people_rows, "results": results_rows}


@st.composite
def files(draw: st.DrawFn, kind: str, cast: Any) -> dict[str, Any]:
    rows = draw(ROWS[kind](cast, clean=draw(st.booleans())))  # clean: no malformed cell
    present = {h for row in rows if row for h in row}
    used = [h for h in (c.header for c in SHEETS[kind].columns) if h in present]
    header = {h: h for h in used}
    change = draw(st.integers(0, 9))
    if change == 0:
        header = {h: nfd(h.upper()) for h in used}  # the same headers, typed otherwise
    elif change == 1:
        header = {h: f"  {h.lower()}  " for h in used}
    elif change == 2 and used:
        header[used[0]] = used[0].replace("a", "\u0430").replace("o", "\u043e")  # look-alike
    order = draw(st.permutations(used))
    return {
        "format": draw(st.sampled_from(["xlsx", "xlsx", "csv"])),
        "csv": draw(st.sampled_from([(",", "utf-8"), (";", "utf-8-sig")])),  # separator, BOM
        "header": [header[h] for h in order],
        "columns": list(order),
        "rows": rows,
        "blank_rows_above": draw(st.integers(0, 1)),
    }


# -- writing the files -----------------------------------------------------------------------


def csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return f"{value:%d/%m/%Y %H:%M}"
    if isinstance(value, dt.date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def write(
    path: Path, kind: str, spec: dict[str, Any], transform: Callable[[Any], Any] = lambda v: v
) -> Path:
    table = [
        None if row is None else [transform(row.get(c, "")) for c in spec["columns"]]
        for row in spec["rows"]
    ]
    header = [transform(h) for h in spec["header"]]
    if spec["format"] == "csv":
        path = path.with_suffix(".csv")
        delimiter, encoding = spec["csv"]
        with path.open("w", encoding=encoding, newline="") as stream:
            writer = csv.writer(stream, delimiter=delimiter)
            for _ in range(spec["blank_rows_above"]):
                writer.writerow([])
            writer.writerow(header)
            for row in table:
                writer.writerow([] if row is None else [csv_text(v) for v in row])
        return path
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = SHEETS[kind].name
    for _ in range(spec["blank_rows_above"]):
        sheet.append([])
    sheet.append(header)
    for row in table:
        sheet.append(
            []
            if row is None
            else [ILLEGAL_CHARACTERS_RE.sub("?", str(v)) if isinstance(v, str) else v for v in row]
        )
    path = path.with_suffix(".xlsx")
    workbook.save(path)
    return path


# -- running and checking ----------------------------------------------------------------------


DATA = (OrgUnit, Person, Membership, Period, Evaluation, Proposal)


def database_state(models: tuple[Any, ...] = (*DATA, AuditEvent, UnitStat)) -> str:
    """A digest of every table an import may write (by default audit and statistics too)."""
    digest = hashlib.sha256()
    for model in models:
        for row in model.objects.order_by("pk").values_list():
            digest.update(repr(row).encode())
    return digest.hexdigest()


def run(kind: str, path: Path, *options: str) -> tuple[int, list[str], str]:
    """``xeploai import KIND FILE``: (exit code, printed lines, error message)."""
    out = StringIO()
    try:
        call_command("import", kind, str(path), *options, stdout=out)
    except CommandError as error:
        return error.returncode, out.getvalue().splitlines(), str(error)
    return 0, out.getvalue().splitlines(), ""


def assert_clear_failure(code: int, lines: list[str], message: str, spec: dict[str, Any]) -> None:
    assert "Traceback" not in message + "".join(lines)
    assert re.search(r"[^\x00-\x7f]", message), message  # a Vietnamese sentence
    if code == 2:
        assert message and not lines, (message, lines)
        return
    assert code == 1 and lines, (code, lines, message)
    assert "không có gì được ghi vào cơ sở dữ liệu" in message
    for line in lines:
        match = PROBLEM_LINE.fullmatch(line)
        assert match, line
        assert int(match[2]) >= 2, line  # a data row, counted the way Excel counts
        if match[3]:
            index = ord(match[3][-1]) - 65
            # the column's letter in the file, with the template's header
            assert fold(match[4]) == fold(spec["header"][index]), line
        assert len(line) < 700, "a huge cell is shortened in the message"


def stored_text(value: Any, fmt: str) -> str:
    """What an accepted text cell is stored as."""
    text = csv_text(value) if fmt == "csv" else value
    if fmt == "xlsx" and isinstance(text, str):
        text = ILLEGAL_CHARACTERS_RE.sub("?", text)  # as ``write`` put it in the workbook
    if isinstance(text, float) and text.is_integer():
        text = str(int(text))
    return clean_text(str(text))


def check_kind(kind: str, cast: Any, spec: dict[str, Any], tmp_path: Path) -> None:
    path = write(tmp_path / f"{kind}", kind, spec)
    before = database_state()
    dry_code, dry_lines, _ = run(kind, path, "--dry-run")
    assert database_state() == before, "a dry run wrote to the database"
    code, lines, message = run(kind, path)
    assert code == dry_code, "the dry run and the import disagree"
    event(f"{kind}: exit {code}")
    if code == 0:  # the same counts: "… sẽ: 3 dòng: tạo mới 2, …" and "Đã nhập: 3 dòng: …"
        assert dry_lines[-1].split(": ", 1)[1].split(" — ")[0] in lines[-1]
    else:
        assert lines == dry_lines, "the dry run and the import disagree"
    if code != 0:
        assert_clear_failure(code, lines, message, spec)
        assert database_state() == before, "a refused import wrote to the database"
        return
    accepted = [row for row in spec["rows"] if row]
    assert_stored(kind, cast, accepted, spec["format"])
    # The same file typed with decomposed diacritics and sloppy spaces is the same data:
    # nothing created, nothing updated, no duplicate.
    again = write(tmp_path / f"{kind}-nfd", kind, spec, decomposed)
    state = database_state(DATA)
    code, lines, message = run(kind, again)
    assert code == 0, (lines, message)
    assert "tạo mới 0, cập nhật 0" in lines[-1], lines
    assert database_state(DATA) == state


def decomposed(value: Any) -> Any:
    return f" {nfd(value)} " if isinstance(value, str) and value.strip() else value


def assert_stored(kind: str, cast: Any, rows: list[dict[str, Any]], fmt: str) -> None:
    for row in rows:
        if kind == "units":
            unit = OrgUnit.objects.get(code=csv_text(row["Mã tổ chức"]).strip())
            if "Tên tổ chức" in row and str(row["Tên tổ chức"]).strip():
                assert unit.name == stored_text(row["Tên tổ chức"], fmt)
            assert unicodedata.is_normalized("NFC", unit.name) and unit.name == unit.name.strip()
        elif kind == "people":
            value = row["Số CCCD"]
            if fmt == "xlsx" and isinstance(value, float) and math.isnan(value):
                value = ""  # openpyxl writes NaN as an empty cell: the card number identifies
            cid = re.sub(r"[ .]", "", unicodedata.normalize("NFKC", csv_text(value)))
            if cid.strip():
                person = Person.objects.get(citizen_id=cid.zfill(12))
            else:
                card = re.sub(r"\D", "", str(row.get("Số thẻ đảng viên", "")))
                person = Person.objects.get(party_card_number=card)
            assert person.full_name == stored_text(row["Họ và tên"], fmt)
            assert person.name_folded == fold(person.full_name)
        else:
            if row.get("Số CCCD"):
                person = Person.objects.get(citizen_id=row["Số CCCD"])
                assert (
                    Evaluation.objects.filter(person=person, period__year=int(row["Năm"])).count()
                    == 1
                )
    for person in Person.objects.all():
        assert unicodedata.is_normalized("NFC", person.full_name)
    assert Person.objects.values("citizen_id").distinct().count() == Person.objects.count()


def in_savepoint(test: Callable[..., None]) -> Callable[..., None]:
    """Run one example in a savepoint rolled back at its end: examples do not see each other."""

    def wrapper(*args: Any, **kwargs: Any) -> None:
        with transaction.atomic():
            test(*args, **kwargs)
            transaction.set_rollback(True)

    return wrapper


@FAST
@given(data=st.data())
def test_a_units_file_is_imported_or_refused_clearly(
    cast: Cast, tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    spec = data.draw(files("units", cast))
    in_savepoint(check_kind)("units", cast, spec, tmp_path_factory.mktemp("units"))


@FAST
@given(data=st.data())
def test_a_people_file_is_imported_or_refused_clearly(
    cast: Cast, tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    spec = data.draw(files("people", cast))
    in_savepoint(check_kind)("people", cast, spec, tmp_path_factory.mktemp("people"))


@pytest.mark.django_db
def test_a_control_character_name_in_a_workbook_is_stored_as_the_workbook_holds_it(
    cast: Cast, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found by the property above: a name openpyxl cannot write is written as "?"."""
    monkeypatch.setattr(sys.modules[__name__], "event", lambda _: None)  # outside hypothesis
    spec = {
        "format": "xlsx",
        "csv": (",", "utf-8"),
        "header": PEOPLE_HEADER,
        "columns": PEOPLE_HEADER,
        "rows": [
            {
                "Họ và tên": "\x1f",
                "Số CCCD": 84185000123.0,
                "Ngày vào Đảng": dt.date(2005, 1, 1),
                "Mã chi bộ": "A1",
            }
        ],
        "blank_rows_above": 0,
    }
    check_kind("people", cast, spec, tmp_path)
    assert Person.objects.get(citizen_id="084185000123").full_name == "?"


@pytest.mark.django_db
def test_a_nan_citizen_id_in_a_workbook_is_an_empty_cell_and_the_card_number_identifies(
    cast: Cast, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found by the property above: openpyxl writes NaN as an empty cell."""
    monkeypatch.setattr(sys.modules[__name__], "event", lambda _: None)  # outside hypothesis
    header = [*PEOPLE_HEADER, "Số thẻ đảng viên"]
    spec = {
        "format": "xlsx",
        "csv": (",", "utf-8"),
        "header": header,
        "columns": header,
        "rows": [
            {
                "Họ và tên": "Nguyễn Văn Nan",
                "Số CCCD": float("nan"),
                "Ngày vào Đảng": dt.date(2005, 1, 1),
                "Mã chi bộ": "A1",
                "Số thẻ đảng viên": "84 001 235",
            }
        ],
        "blank_rows_above": 0,
    }
    check_kind("people", cast, spec, tmp_path)
    person = Person.objects.get(party_card_number="84001235")
    assert person.citizen_id in ("", None)
    assert person.full_name == "Nguyễn Văn Nan"


@FAST
@given(data=st.data())
def test_a_results_file_is_imported_or_refused_clearly(
    cast: Cast, tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    spec = data.draw(files("results", cast))
    in_savepoint(check_kind)("results", cast, spec, tmp_path_factory.mktemp("results"))


# -- text written back into a workbook (formula injection) -----------------------------------

FORMULA_TEXT = st.builds(
    lambda start, rest: start + rest,
    st.sampled_from(["=", "+", "-", "@"]),
    st.one_of(
        st.sampled_from(['HYPERLINK("http://x","y")', "cmd|' /C calc'!A0", "SUM(A1:A3)", "1+1"]),
        st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")), max_size=20),
    ),
)


@settings(max_examples=30, deadline=None)
@given(texts=st.lists(FORMULA_TEXT, min_size=1, max_size=4))
def test_user_text_is_written_as_text_never_as_a_formula(
    tmp_path_factory: pytest.TempPathFactory, texts: list[str]
) -> None:
    path = tmp_path_factory.mktemp("export") / "export.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    append_text_row(sheet, texts)
    write_text(sheet.cell(row=2, column=1), texts[0])
    workbook.save(path)
    with zipfile.ZipFile(path) as archive:
        part = sheet_parts(archive)[sheet.title]
        assert part is not None and formula_cells(archive, part) == set()
    read = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    rows = read.to_python()
    assert rows[0][: len(texts)] == texts and rows[1][0] == texts[0]
    again = openpyxl.load_workbook(path).active
    assert again.cell(row=1, column=1).data_type == "s" and again.cell(row=1, column=1).quotePrefix


@pytest.mark.parametrize("kind", sorted(TEMPLATE_WRITERS))
def test_the_templates_hold_no_formula_cell(tmp_path: Path, kind: str) -> None:
    path = tmp_path / f"{kind}.xlsx"
    with path.open("wb") as stream:
        template_writer(kind)(stream)
    with zipfile.ZipFile(path) as archive:
        for name, part in sheet_parts(archive).items():
            assert part is not None and formula_cells(archive, part) == set(), name


# -- the decided behaviours, one by one ------------------------------------------------------

PEOPLE_HEADER = ["Họ và tên", "Số CCCD", "Ngày vào Đảng", "Mã chi bộ"]
PERSON = ["Nguyễn Văn An", "084185000123", "19/05/2010", "A1"]


@pytest.mark.parametrize(
    ("column", "value", "fmt", "expected"),
    [
        (0, "=1+1", "xlsx", 'cột A "Họ và tên": ô chứa công thức'),
        (0, '=HYPERLINK("http://x","bấm")', "csv", 'bắt đầu bằng "=" nên bảng tính'),
        (0, "@SUM(A1:A3)", "xlsx", 'bắt đầu bằng "@" nên bảng tính có thể hiểu là công thức'),
        (0, "+cmd|' /C calc'!A0", "csv", 'bắt đầu bằng "+"'),
        (0, "-2+3", "xlsx", 'bắt đầu bằng "-"'),
        (0, "Nguy\u0435n Văn An", "xlsx", 'có ký tự "е" (U+0435) ở vị trí 5 không phải chữ'),
        (0, "Nguyễn\u200bVăn An", "csv", "có ký tự ẩn U+200B ở vị trí 7"),
        (0, "\u202eNguyễn Văn An", "xlsx", "có ký tự ẩn U+202E ở vị trí 1"),
        (0, True, "xlsx", '"True" là ô kiểu Đúng/Sai — cần văn bản'),
        (0, dt.date(2020, 1, 1), "xlsx", '"2020-01-01" là ô kiểu ngày — cần văn bản'),
        (0, Huge("Đ" * 32767), "xlsx", "dài 32767 ký tự — tối đa 120 ký tự"),
        (1, 1e308, "xlsx", "số CCCD cần đúng 12 chữ số"),
        (1, "０８４１８５０００１２\u200b", "csv", "số CCCD cần đúng 12 chữ số"),
        (1, "٠٨٤١٨٥٠٠٠١٢٣", "csv", "số CCCD cần đúng 12 chữ số"),  # Arabic-Indic digits
        (2, 43831, "xlsx", '"43831" không phải ngày hợp lệ'),
        (2, dt.date(1, 1, 1), "xlsx", "không phải ngày (Excel ghi ngày trước năm 1900"),
        (2, "05/05/1800", "csv", "quá xa — cần một ngày từ năm 1900"),
        (2, dt.date(9999, 12, 31), "xlsx", '"31/12/9999" là ngày trong tương lai'),
        (2, TODAY + dt.timedelta(days=1 + 36525), "csv", "là ngày trong tương lai"),
        (3, dt.datetime(2020, 1, 1, 8), "xlsx", "là ô kiểu ngày giờ — cần mã"),
        (3, "А1", "xlsx", '"А1" không phải mã hợp lệ'),  # a Cyrillic А
    ],
)
def test_each_malformed_cell_gets_its_own_clear_error(
    cast: Cast, tmp_path: Path, column: int, value: object, fmt: str, expected: str
) -> None:
    row: list[object] = list(PERSON)
    row[column] = value
    spec = {
        "format": fmt,
        "csv": (",", "utf-8"),
        "header": PEOPLE_HEADER,
        "columns": PEOPLE_HEADER,
        "rows": [dict(zip(PEOPLE_HEADER, row, strict=True))],
        "blank_rows_above": 0,
    }
    path = write(tmp_path / "people", "people", spec)
    before = database_state()
    code, lines, message = run("people", path)
    assert code == 1 and len(lines) == 1, (lines, message)
    assert lines[0].startswith('Sheet "DangVien", dòng 2, cột ') and expected in lines[0], lines
    assert database_state() == before


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_full_width_digits_and_a_decomposed_name_are_the_same_member(
    cast: Cast, tmp_path: Path, fmt: str
) -> None:
    spec = {
        "format": fmt,
        "csv": (";", "utf-8-sig"),
        "header": PEOPLE_HEADER,
        "columns": PEOPLE_HEADER,
        "rows": [dict(zip(PEOPLE_HEADER, PERSON, strict=True))],
        "blank_rows_above": 1,
    }
    assert run("people", write(tmp_path / "first", "people", spec))[0] == 0
    spec["rows"] = [
        None,
        {
            "Họ và tên": nfd(" Nguyễn  Văn An "),
            "Số CCCD": "０８４１８５０００１２３",
            "Ngày vào Đảng": "19/05/2010",
            "Mã chi bộ": "A1",
        },
    ]
    state = database_state(DATA)
    code, lines, _ = run("people", write(tmp_path / "again", "people", spec))
    assert code == 0 and "tạo mới 0, cập nhật 0, không đổi 1" in lines[-1], lines
    assert database_state(DATA) == state
    assert Person.objects.get(citizen_id="084185000123").full_name == "Nguyễn Văn An"


@settings(max_examples=50, deadline=None)
@given(
    rows=st.lists(
        st.sampled_from(
            ['<row r="1"><c/></row>', "<row><c/></row>", '<x:row r="2"/>', "<rowBreaks/>"]
        ),
        max_size=30,
    ),
    text=st.text(st.sampled_from("<row>/ ax"), max_size=8),
    block=st.integers(1, 40),
    stop=st.integers(0, 40),
)
def test_rows_are_counted_across_stream_blocks(
    rows: list[str], text: str, block: int, stop: int
) -> None:
    """``count_rows`` reads the sheet in blocks; a tag cut by a block boundary counts once."""
    xml = "<sheetData>" + "".join(rows) + f"<c><is><t>{escape(text)}</t></is></c></sheetData>"
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("sheet.xml", xml)
    expected = sum(1 for r in rows if not r.startswith("<rowB"))
    with zipfile.ZipFile(buffer) as archive:
        assert count_rows(archive, "sheet.xml", stop, block=block) == min(expected, stop + 1)
