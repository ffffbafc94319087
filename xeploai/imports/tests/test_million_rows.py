"""A file of one million data rows (issue 7): every entry point that takes a file refuses it
with a clear message (the row limit XEPLOAI_IMPORT_MAX_ROWS, default 300,000), before
the workbook is parsed, without holding the rows in memory and without touching the database. How
long the refusal takes is bench/bench_scan.py's to measure, not a test's."""

from __future__ import annotations

import tracemalloc
from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest
import python_calamine
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from xeploai.imports.tests.bigfiles import write_csv, write_xlsx
from xeploai.imports.tests.test_hypothesis import database_state
from xeploai.org.models import Person
from xeploai.testing import Cast

pytestmark = pytest.mark.django_db

MILLION = 1_000_000
HEADER = ["Họ và tên", "Số CCCD", "Ngày vào Đảng", "Mã chi bộ"]


def people(count: int) -> Iterator[list[str]]:
    yield HEADER
    for n in range(count):
        yield ["Nguyễn Văn An", f"{84000000000 + n:012d}", "19/05/2010", "A1"]


@pytest.fixture(scope="module")
def million(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("million")
    return {
        "xlsx": write_xlsx(folder / "dang-vien.xlsx", {"DangVien": people(MILLION)}),
        "csv": write_csv(folder / "dang-vien.csv", people(MILLION)),
    }


class NotParsed:
    """Stands for python-calamine's workbook: the test fails if the file gets parsed."""

    @staticmethod
    def from_path(path: str) -> None:
        raise AssertionError("the workbook was parsed")


@pytest.mark.parametrize("options", [(), ("--dry-run",)], ids=["import", "dry-run"])
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_million_rows_are_refused_before_anything_is_read_or_written(
    cast: Cast,
    million: dict[str, Path],
    monkeypatch: pytest.MonkeyPatch,
    fmt: str,
    options: tuple[()] | tuple[str],
) -> None:
    monkeypatch.setattr(python_calamine, "CalamineWorkbook", NotParsed)
    before = database_state()
    out = StringIO()
    tracemalloc.start()
    try:
        with CaptureQueriesContext(connection) as queries, pytest.raises(CommandError) as error:
            call_command("import", "people", str(million[fmt]), *options, stdout=out)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert error.value.returncode == 2
    assert str(error.value) == (
        f'Sheet "DangVien" của tệp {million[fmt].name} có hơn 300.000 dòng, quá giới hạn một lần '
        "nhập — hãy chia thành nhiều tệp."
    )
    assert out.getvalue() == ""
    assert len(queries) == 0, "the database was not even asked"
    assert database_state() == before
    assert peak < 20 * 2**20, f"{peak / 2**20:.0f} MB held: the rows were read into memory"


def test_the_fast_writer_makes_real_workbooks(cast: Cast, tmp_path: Path) -> None:
    """The hand-written xlsx (and csv) of the million-row test import like any other file."""
    for path in (
        write_xlsx(tmp_path / "dv.xlsx", {"DangVien": people(3)}),
        write_csv(tmp_path / "dv.csv", [HEADER, *list(people(6))[4:]]),
    ):
        out = StringIO()
        call_command("import", "people", str(path), stdout=out)
        assert "Đã nhập" in out.getvalue()
    assert Person.objects.filter(full_name="Nguyễn Văn An").count() == 6
