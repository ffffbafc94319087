"""Hostile workbooks (issue 13 §4), small and generated here: every reader — `xeploai import`,
`xeploai check`, the web's jobs — refuses them with one sentence, exit 2, before python-calamine
builds a range. The dangerous ones run in a subprocess whose address space is capped (RLIMIT_AS),
so that a regression fails the test fast instead of killing the test runner (or the machine:
the first of them asked for 549 GB)."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from pytest_django.fixtures import Settings

from xeploai.checker.template import MEMBER_COLUMNS, ORG_COLUMNS
from xeploai.imports.columns import SHEETS
from xeploai.imports.tests.bigfiles import write_raw_xlsx, write_xlsx
from xeploai.imports.tests.conftest import headers
from xeploai.testing import Cast

MEMORY_CAP = 1536 * 1024 * 1024
HEADER = "".join(
    f'<c r="{letter}1" t="inlineStr"><is><t>{text}</t></is></c>'
    for letter, text in zip("ABCDEFGH", headers("people")[:8], strict=True)
)


def _capped() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def xeploai(tmp_path: Path, *args: str, **variables: str) -> subprocess.CompletedProcess[str]:
    """The console command in a process of its own, its memory capped."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "xeploai.settings",
        "XEPLOAI_DATA_DIR": str(tmp_path / "var"),  # refused before any query: no database
        **variables,
    }
    env.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "xeploai", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        preexec_fn=_capped,
    )


def people_sheet(*rows: str, dimension: str = "") -> Iterator[bytes]:
    if dimension:
        yield f'<dimension ref="{dimension}"/>'.encode()
    yield f'<sheetData><row r="1">{HEADER}</row>'.encode()
    yield from (row.encode() for row in rows)
    yield b"</sheetData>"


def check_workbook_with(path: Path, members: Iterator[bytes]) -> Path:
    """A proposals workbook for `xeploai check` whose DangVien sheet is ``members``."""
    orgs = "".join(f"<c><is><t>{c.header}</t></is></c>" for c in ORG_COLUMNS[:1])
    return write_raw_xlsx(
        path,
        {
            "ThongTin": iter(
                [
                    b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>N\xc4\x83m \xc4\x91'
                    b'\xc3\xa1nh gi\xc3\xa1</t></is></c><c r="B1"><v>2024</v></c></row>'
                    b"</sheetData>"
                ]
            ),
            "DangVien": members,
            "ToChuc": iter([f'<sheetData><row r="1">{orgs}</row></sheetData>'.encode()]),
        },
    )


def assert_refused(result: subprocess.CompletedProcess[str], expected: str) -> None:
    output = result.stdout + result.stderr
    assert result.returncode == 2, (result.returncode, output[-2000:])
    assert expected in output, output[-2000:]
    assert "Traceback" not in output


def test_one_cell_at_xfd1048576_is_refused_by_import_and_check(tmp_path: Path) -> None:
    far = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    path = write_raw_xlsx(tmp_path / "xfd.xlsx", {"DangVien": people_sheet(far)})
    assert path.stat().st_size < 2000
    assert_refused(
        xeploai(tmp_path, "import", "people", str(path)),
        'Sheet "DangVien" của tệp xfd.xlsx có ô ở cột XFD — quá giới hạn 200 cột.',
    )
    members = iter([f'<sheetData><row r="1">{HEADER}</row>{far}</sheetData>'.encode()])
    checked = check_workbook_with(tmp_path / "de-xuat.xlsx", members)
    assert_refused(xeploai(tmp_path, "check", str(checked)), "có ô ở cột XFD — quá giới hạn")


def test_a_row_of_millions_of_cells_without_addresses_is_refused(tmp_path: Path) -> None:
    """Cells without ``r`` follow each other: 20 million `<c/>` (80 MB of XML, 80 kB zipped)
    make one row 20 million columns wide."""
    wide = iter([b"<row>", *(b"<c/>" * 1_000_000 for _ in range(20)), b"</row>"])
    rows = iter([f'<sheetData><row r="1">{HEADER}</row>'.encode(), *wide, b"</sheetData>"])
    path = write_raw_xlsx(tmp_path / "wide.xlsx", {"DangVien": rows})
    assert path.stat().st_size < 1_000_000
    assert_refused(
        xeploai(tmp_path, "import", "people", str(path)),
        "có ô ở cột",
    )


def test_a_zip_bomb_is_refused_by_what_it_inflates_to(tmp_path: Path) -> None:
    blank = iter([b"<sheetData>", *(b" " * 1_000_000 for _ in range(12)), b"</sheetData>"])
    path = write_raw_xlsx(tmp_path / "bomb.xlsx", {"DangVien": blank})
    assert path.stat().st_size < 100_000
    assert_refused(
        xeploai(
            tmp_path, "import", "people", str(path), XEPLOAI_SHEET_MAX_INFLATED_BYTES="10000000"
        ),
        "Tệp bomb.xlsx giải nén ra hơn 10 MB — quá giới hạn",
    )


def test_a_huge_declared_dimension_over_a_small_sheet_is_read(tmp_path: Path) -> None:
    """The ``<dimension>`` is not trusted either way: the sheet is measured, and read."""
    sheet = (
        b'<dimension ref="A1:XFD1048576"/><sheetData><row r="1"><c r="A1" t="inlineStr"><is>'
        b"<t>H\xe1\xbb\x8d v\xc3\xa0 t\xc3\xaan</t></is></c></row>"
        b'<row r="2"><c r="A2" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
    )
    path = write_raw_xlsx(tmp_path / "dim.xlsx", {"DangVien": iter([sheet])})
    result = xeploai(tmp_path, "import", "people", str(path))
    output = result.stdout + result.stderr
    # read: the file gets as far as its header's missing columns
    assert result.returncode == 2 and "thiếu cột" in output, output[-2000:]


@pytest.mark.django_db
def test_a_sheet_spread_over_more_cells_than_the_limit_is_refused(
    cast: Cast, tmp_path: Path, settings: Settings
) -> None:
    """Many rows × many cells within the row and column limits (scaled down)."""
    settings.SHEET_MAX_CELLS = 1000
    rows = [headers("people")[:8]] + [["x"] * 8 for _ in range(200)]
    path = write_xlsx(tmp_path / "many.xlsx", {"DangVien": rows})
    with pytest.raises(CommandError) as error:
        call_command("import", "people", str(path), stdout=StringIO())
    assert error.value.returncode == 2
    assert str(error.value) == (
        'Sheet "DangVien" của tệp many.xlsx trải trên 201 dòng × 8 cột = 1.608 ô — quá giới '
        "hạn 1.000 ô."
    )


@pytest.mark.django_db
def test_a_csv_record_wider_than_the_column_limit_is_refused(cast: Cast, tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_text(",".join(headers("people")[:8]) + "\n" + "x," * 5000 + "\n", "utf-8")
    with pytest.raises(CommandError) as error:
        call_command("import", "people", str(path), stdout=StringIO())
    assert error.value.returncode == 2
    assert "dòng 2 có 5.001 trường — quá giới hạn 200 cột" in str(error.value)


@pytest.mark.django_db
def test_a_header_only_sheet_is_refused_with_exit_2(cast: Cast, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "empty.xlsx", {"DangVien": [headers("people")[:8]]})
    with pytest.raises(CommandError) as error:
        call_command("import", "people", str(path), stdout=StringIO())
    assert error.value.returncode == 2
    assert str(error.value) == (
        'Sheet "DangVien" chỉ có dòng tiêu đề (dòng 1), không có dòng dữ liệu nào.'
    )


@pytest.mark.django_db
def test_errors_are_listed_up_to_a_thousand_then_counted(cast: Cast, tmp_path: Path) -> None:
    good = ["Phạm Văn Hùng", "15/08/1985", "Nam", "", "", "19/05/2010", "", "A1"]
    rows = [headers("people")[:8]] + [[*good[:3], "123", *good[4:]] for _ in range(1500)]
    path = write_xlsx(tmp_path / "bad.xlsx", {"DangVien": rows})
    out = StringIO()
    with pytest.raises(CommandError) as error:
        call_command("import", "people", str(path), stdout=out)
    lines = out.getvalue().splitlines()
    assert error.value.returncode == 1
    assert len(lines) == 1001 and lines[-1] == "và 500 lỗi khác", lines[-3:]
    assert str(error.value).startswith("1.500 lỗi — không có gì được ghi")


def test_the_checker_lists_a_thousand_errors_then_counts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from xeploai.checker.output import main

    header = [c.header for c in MEMBER_COLUMNS[:5]]
    rows = [header] + [[f"DV{n}", "Nguyễn Văn An", "CB1", "ĐU", "XYZ"] for n in range(1200)]
    path = write_xlsx(
        tmp_path / "de-xuat.xlsx",
        {
            "ThongTin": [["Năm đánh giá", "2024"]],
            "DangVien": rows,
            "ToChuc": [[c.header for c in ORG_COLUMNS]],
        },
    )
    assert main([str(path)]) == 2
    lines = capsys.readouterr().out.splitlines()
    assert len([line for line in lines if ", dòng " in line]) == 1000
    assert lines[-1].strip() == "và 200 lỗi khác", lines[-3:]


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["people", "units", "results"])
def test_a_header_followed_by_blank_rows_only_is_refused_with_exit_2(
    cast: Cast, tmp_path: Path, kind: str
) -> None:
    """Blank rows under the header (a template cleared by deleting the cell contents) are no
    data either: the same answer as a header alone, not "0 created" with exit 0."""
    header = headers(kind)[:8]
    rows = [header] + [[""] * len(header) for _ in range(5)] + [[" "] * len(header)]
    path = write_xlsx(tmp_path / f"blank-{kind}.xlsx", {SHEETS[kind].name: rows})
    with pytest.raises(CommandError) as error:
        call_command("import", kind, str(path), stdout=StringIO())
    assert error.value.returncode == 2, str(error.value)
    assert "không có dòng dữ liệu nào" in str(error.value)
