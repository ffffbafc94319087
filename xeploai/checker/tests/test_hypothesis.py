"""The offline checker fed with generated, malformed workbooks (issue 7, "Bad input").

Whatever the cells hold — wrong types, far dates, Unicode look-alikes, decomposed diacritics,
formulas, huge cells, blank rows in the middle, duplicate ids — ``main`` answers with exit 0/1
and violations naming sheet and row, or exit 2 and Vietnamese messages naming sheet, row and
column; never a traceback. Formula cells are refused (exit 2): the checker reads values, not
formulas. Text is compared in NFC: a decomposed deciding body is the same body.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from xeploai.checker.output import main
from xeploai.checker.template import MEMBER_COLUMNS, ORG_COLUMNS, Column, write_template
from xeploai.checker.workbook import check_workbook
from xeploai.lib.sheets import column_letter

SHEETS = {"DangVien": MEMBER_COLUMNS, "ToChuc": ORG_COLUMNS}
TODAY = dt.date.today()
FAST = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


class Huge(str):
    """A huge cell that prints short when hypothesis reports an example."""

    def __repr__(self) -> str:
        return f"Huge({self[:1]!r} * {len(self)})"


# -- values a cell may hold ------------------------------------------------------------------

FORMULAS = [
    "=1+1",
    '=HYPERLINK("http://example.com","bấm")',
    "=SUM(A1:A3)",
]
FORMULA_LIKE_TEXT = ["@SUM(A1:A3)", "+cmd|' /C calc'!A0", "-2+3", "=", "'=1+1"]
LOOK_ALIKES = [
    "Nguy\u0435n V\u0430n \u0410n",  # Cyrillic е, а, А
    "Tr\u0430n Th\u0456 L\u0430n",  # Cyrillic а, і
    "DV\u200b001",  # zero-width space
    "\u202eNVTH",  # right-to-left override
    "\ufeffDU1",  # byte-order mark
    "ＨＴＸＳＮＶ",  # full-width letters
    "２０２４",  # full-width digits
    "x",
    "ｘ",
]
WRONG_TYPES = [
    None,
    True,
    False,
    0,
    -1,
    7,
    2.5,
    1e308,
    -1e308,
    float("nan"),
    float("inf"),
    10**15,
    dt.date(1, 1, 1),
    dt.date(1800, 1, 1),
    dt.date(9999, 12, 31),
    TODAY + dt.timedelta(days=36525),
    dt.datetime(2024, 5, 6, 7, 8, 9),
    dt.time(12, 30),
    dt.timedelta(days=3),
    "",
    "   ",
    "31/02/2024",
    "nhiều",
    "1e400",
    "-0",
    "1,5",
]
NASTY = st.one_of(
    st.sampled_from(WRONG_TYPES),
    st.sampled_from(FORMULAS + FORMULA_LIKE_TEXT + LOOK_ALIKES),
    st.sampled_from([Huge("Đ" * 32767), Huge("9" * 32767)]),  # the Excel limit of one cell
    st.text(max_size=30),
)


def valid(column: Column) -> st.SearchStrategy[Any]:
    kind = column.kind
    if column.field == "id":
        return st.one_of(
            st.integers(1, 40).map(lambda n: f"DV{n}"),
            st.sampled_from(["CB1", "TT1", nfd("ĐV-Ấ")]),
        )
    if column.field == "deciding_body":
        return st.sampled_from(["Đảng ủy Khối", nfd("Đảng ủy Khối"), " Đảng  ủy Khối "])
    if kind == "text":
        return st.sampled_from(["", "Nguyễn Văn An", nfd("Trần Thị Lan"), "CB1", "TT1"])
    if kind == "flag":
        return st.sampled_from(["", "x", "X", "có", nfd("Có"), "không", True, False, 1, 0])
    if kind == "date":
        return st.one_of(
            st.dates(dt.date(1950, 1, 1), dt.date(2025, 12, 31)),
            st.sampled_from(["15/08/2010", "2010-08-15", "15-08-2010", "15.08.2010"]),
        )
    if kind == "int":
        return st.sampled_from(["", 0, 3, 12, "6"])
    if kind == "number":
        return st.sampled_from(["", 0, 50, 100, 87.5, "95,5", "30"])
    if kind == "level":
        return st.sampled_from(
            ["", "HTXSNV", "HTTNV", "htnv", "KHTNV", nfd("Hoàn thành tốt nhiệm vụ")]
        )
    if kind == "grade":
        return st.sampled_from(["", "XS", "TOT", "tb", "KEM", nfd("Tốt")])
    if kind == "list":
        return st.sampled_from(["", "NOI_CU_TRU", "noi_cu_tru, DON_VI_CU"])
    choices = kind.split(":", 1)[1].split("|")
    return st.sampled_from([*([] if column.required else [""]), *choices, choices[0].lower()])


def cell(column: Column, clean: bool) -> st.SearchStrategy[Any]:
    """A valid value, or (unless ``clean``) once in a while a malformed one."""
    if clean:
        return valid(column)
    return st.integers(0, 5).flatmap(lambda n: NASTY if n == 0 else valid(column))


@st.composite
def table(draw: st.DrawFn, columns: tuple[Column, ...], clean: bool) -> list[list[Any] | None]:
    """Rows of one sheet (None = a blank row in the middle)."""
    rows: list[list[Any] | None] = []
    for _ in range(draw(st.integers(0, 4))):
        if draw(st.integers(0, 6)) == 0:
            rows.append(None)
            continue
        rows.append([draw(cell(column, clean)) for column in columns])
    return rows


@st.composite
def workbooks(draw: st.DrawFn) -> dict[str, Any]:
    clean = draw(st.booleans())  # a clean workbook: no malformed cell, usual headers
    odd_years = [0, -1, 1, 1899, 9999, 10000, 10**9, 1e308, "２０２４", "năm nay", *WRONG_TYPES]
    year = draw(st.sampled_from([2019, 2023, 2024, 2025, "2024", 2024.0, "２０２４"]))
    if not clean and draw(st.integers(0, 3)) == 0:
        year = draw(st.sampled_from(odd_years))
    on: object = draw(st.sampled_from([None, dt.date(2024, 12, 10), "15/12/2024"]))
    ruleset = draw(st.sampled_from([None, None, "124-2023", "366-2025"]))
    outstanding = draw(st.sampled_from([None, "Đảng ủy Khối", nfd("Đảng ủy Khối")]))
    if not clean:
        on = draw(st.one_of(st.just(on), st.dates(), st.sampled_from(WRONG_TYPES)))
        ruleset = draw(st.sampled_from([ruleset, "999-9999", "=A1"]))
        outstanding = draw(st.sampled_from([outstanding, "=1+1"]))
    headers = {}
    for sheet, columns in SHEETS.items():
        header = [c.header for c in columns]
        change = draw(st.integers(0, 9 if not clean else 0))
        if change == 0:
            header = [nfd(h) for h in header]  # decomposed headers are the same headers
        elif change == 1:
            header = [*header[:3], "Cột lạ", *header[3:]]  # an unknown column
        elif change == 2:
            header = [h.replace("a", "\u0430") for h in header]  # look-alike headers
        headers[sheet] = header
    return {
        "info": (year, on, ruleset, outstanding),
        "headers": headers,
        "rows": {sheet: draw(table(columns, clean)) for sheet, columns in SHEETS.items()},
        "top_blank_rows": draw(st.integers(0, 1)),
    }


def _storable(value: Any) -> Any:
    """openpyxl refuses control characters that XML cannot carry."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("?", str(value))
    return value


def write(path: Path, spec: dict[str, Any]) -> Path:
    write_template(path)
    workbook = load_workbook(path)
    info = workbook["ThongTin"]
    for row, value in enumerate(spec["info"], start=1):
        info.cell(row=row, column=2, value=_storable(value))
    for sheet in SHEETS:
        data = workbook[sheet]
        data.delete_rows(1)
        for _ in range(spec["top_blank_rows"]):
            data.append([])
        data.append(spec["headers"][sheet])
        for row in spec["rows"][sheet]:
            if row is None:
                data.append([])  # a blank row in the middle
            else:
                data.append([_storable(v) for v in row])
    workbook.save(path)
    return path


VIETNAMESE = re.compile(r"[^\x00-\x7f]")  # a Vietnamese sentence has a letter with a diacritic


def assert_clear(path: Path, code: int, out: str, err: str) -> None:
    assert "Traceback" not in out + err
    assert code in (0, 1, 2), (code, out, err)
    report = check_workbook(path)
    assert report.exit_code == code
    for error in report.errors:
        assert error.sheet and error.message_vi
        assert VIETNAMESE.search(error.message_vi), error
        assert len(str(error)) < 400, "a huge cell is shortened in the message"
        assert not re.search(r"\b\w+Error\b|is not a valid|Traceback", error.message_vi), error
        if error.sheet in SHEETS and error.row is not None and error.row > 1:
            # a cell of a data row: the sheet, the Excel row, the column letter and header
            assert error.column and re.fullmatch(r"[A-Z]{1,3}", error.column), error
            assert error.header, error
    if code == 2:
        assert report.errors and "Không đọc được bảng tính" in out
    else:
        assert report.check is not None and not report.errors
        for line in out.splitlines():
            if line.startswith(("LỖI", "CẢNH BÁO")):
                assert re.match(r"(LỖI|CẢNH BÁO)\s+(DangVien|ToChuc)( dòng \d+)?", line), line


@FAST
@given(spec=workbooks())
def test_a_malformed_workbook_gets_an_exit_code_and_clear_messages(
    tmp_path_factory: pytest.TempPathFactory,
    capsys: pytest.CaptureFixture[str],
    spec: dict[str, Any],
) -> None:
    path = write(tmp_path_factory.mktemp("hyp") / "de-xuat.xlsx", spec)
    code = main([str(path)])
    event(f"exit {code}")
    captured = capsys.readouterr()
    assert_clear(path, code, captured.out, captured.err)
    json_code = main([str(path), "--json"])
    data = json.loads(capsys.readouterr().out, parse_constant=_no_constants)
    assert json_code == code == data["exit_code"]


def _no_constants(name: str) -> None:
    raise AssertionError(f"invalid JSON constant {name} in the output")


# -- targeted properties ---------------------------------------------------------------------


def member(changes: list[tuple[str, Any]], **base: Any) -> list[Any]:
    values = {
        "Mã đảng viên": "DV1",
        "Họ và tên": "Nguyễn Văn An",
        "Chi bộ": "CB1",
        "Cấp quyết định": "Đảng ủy Khối",
        "Nhóm": "KHONG_CHUC_VU",
        "Ngày kết nạp": dt.date(2010, 1, 1),
        "Nhận xét đã có": "NOI_CU_TRU",
        "Mức đề xuất": "HTTNV",
    }
    values.update(base)
    values.update(changes)
    return [values.get(c.header) for c in MEMBER_COLUMNS]


def workbook(tmp_path: Path, members: Sequence[list[Any] | None], year: Any = 2024) -> Path:
    spec = {
        "info": (year, None, None, None),
        "headers": {s: [c.header for c in cols] for s, cols in SHEETS.items()},
        "rows": {"DangVien": members, "ToChuc": []},
        "top_blank_rows": 0,
    }
    return write(tmp_path / "de-xuat.xlsx", spec)


@pytest.mark.parametrize("formula", FORMULAS)
def test_a_formula_cell_is_refused_with_its_address(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], formula: str
) -> None:
    path = workbook(tmp_path, [member([("Mức đề xuất", formula)])])
    assert main([str(path)]) == 2
    letter = column_letter([c.header for c in MEMBER_COLUMNS].index("Mức đề xuất"))
    assert f"DangVien, dòng 2, cột {letter} (Mức đề xuất): ô chứa công thức" in (
        capsys.readouterr().out
    )


def test_decomposed_text_is_the_same_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two members of one deciding body, one typed decomposed: one quota group, not two; a
    decomposed level name and flag are read."""
    members = [
        member([], **{"Mã đảng viên": f"DV{i}", "Mức đề xuất": "HTXSNV"}) for i in range(3)
    ] + [
        member(
            [],
            **{
                "Mã đảng viên": "DV9",
                "Cấp quyết định": nfd(" Đảng  ủy Khối"),
                "Mức đề xuất": nfd("Hoàn thành tốt nhiệm vụ"),
                "Vắng mặt": nfd("Không"),
            },
        )
    ]
    report = check_workbook(workbook(tmp_path, members))
    assert not report.errors
    assert report.check is not None
    assert len(report.check.quotas) == 1 and report.check.quotas[0].rated == 4


@given(value=st.sampled_from(["x" * 32767, "Đ" * 32767]))
@settings(
    max_examples=2, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_a_huge_cell_is_shortened_in_the_message(
    tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str], value: str
) -> None:
    path = workbook(tmp_path_factory.mktemp("huge"), [member([("Mức đề xuất", value)])])
    assert main([str(path)]) == 2
    out = capsys.readouterr().out
    assert "DangVien, dòng 2" in out and len(out) < 2000


def test_blank_rows_keep_the_excel_row_numbers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = workbook(tmp_path, [None, None, member([("Suy thoái", "x")])])
    assert main([str(path)]) == 1
    assert "DangVien dòng 4 (DV1) [khtnv.degradation]" in capsys.readouterr().out


def test_an_empty_first_row_and_column_keep_the_addresses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = workbook(tmp_path, [member([("Ngày kết nạp", "31/02/2020")])])
    wb = load_workbook(path)
    wb["DangVien"].insert_rows(1)
    wb["DangVien"].insert_cols(1)
    wb.save(path)
    assert main([str(path)]) == 2
    letter = column_letter(1 + [c.header for c in MEMBER_COLUMNS].index("Ngày kết nạp"))
    out = capsys.readouterr().out
    assert f"DangVien, dòng 3, cột {letter} (Ngày kết nạp)" in out, out


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (0, "ThongTin, dòng 1, cột B (Năm đánh giá)"),
        (10**9, "ThongTin, dòng 1, cột B (Năm đánh giá)"),
        (1e308, "ThongTin, dòng 1, cột B (Năm đánh giá)"),
        ("２０２４", None),
    ],
)
def test_a_far_or_odd_year_is_named_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], year: object, expected: str | None
) -> None:
    path = workbook(tmp_path, [member([])], year=year)
    code = main([str(path)])
    out = capsys.readouterr().out
    if expected is None:
        assert code == 0, out
    else:
        assert code == 2 and expected in out, out


@pytest.mark.parametrize("value", [float("nan"), "nan", "inf", "1e400", -5, 100.5, 1e308])
def test_a_percentage_must_be_a_finite_number_from_0_to_100(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], value: object
) -> None:
    path = workbook(tmp_path, [member([("% nhiệm vụ hoàn thành", value)])])
    code = main([str(path)])
    out = capsys.readouterr().out
    if value != value:  # NaN: openpyxl writes an empty cell
        assert code == 0, out
    else:
        assert code == 2 and "(% nhiệm vụ hoàn thành)" in out, out


def test_the_console_command_shows_no_traceback(tmp_path: Path) -> None:
    path = workbook(
        tmp_path,
        [
            member([("Mức đề xuất", '=HYPERLINK("http://x","y")')]),
            None,
            member([("Ngày kết nạp", dt.date(1, 1, 1)), ("Họ và tên", "Ngu\u0443\u0435n")]),
            member([("% nhiệm vụ hoàn thành", 1e308), ("Số tháng ở đơn vị cũ", "x" * 32767)]),
        ],
        year=1e308,
    )
    result = subprocess.run(
        [sys.executable, "-m", "xeploai", "check", str(path)],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "xeploai.settings"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert "Không đọc được bảng tính" in result.stdout
    assert "DangVien, dòng 2" in result.stdout and "ô chứa công thức" in result.stdout
