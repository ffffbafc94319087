"""The offline checker given a million members (issue 7): refused with a clear message
(XEPLOAI_CHECK_MAX_ROWS, default 300,000), before the workbook is parsed
(how long that takes is bench/bench_scan.py's to measure)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import python_calamine
from pytest_django.fixtures import Settings

from xeploai.checker.output import main
from xeploai.checker.template import MEMBER_COLUMNS, ORG_COLUMNS
from xeploai.imports.tests.bigfiles import write_xlsx

MILLION = 1_000_000


def members(count: int) -> Iterator[list[str]]:
    yield [c.header for c in MEMBER_COLUMNS[:4]]
    for n in range(count):
        yield [f"DV{n}", "Nguyễn Văn An", "CB1", "Đảng ủy Khối"]


def workbook(path: Path, count: int) -> Path:
    return write_xlsx(
        path,
        {
            "ThongTin": [["Năm đánh giá", "2024"]],
            "DangVien": members(count),
            "ToChuc": [[c.header for c in ORG_COLUMNS]],
        },
    )


class NotParsed:
    """Stands for python-calamine's workbook: the test fails if the file gets parsed."""

    @staticmethod
    def from_path(path: str) -> None:
        raise AssertionError("the workbook was parsed")


def test_a_million_members_are_refused_before_the_workbook_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = workbook(tmp_path / "de-xuat.xlsx", MILLION)
    monkeypatch.setattr(python_calamine, "CalamineWorkbook", NotParsed)
    assert main([str(path)]) == 2
    out = capsys.readouterr().out
    assert "DangVien: có hơn 300.000 dòng — quá giới hạn của một tệp; hãy chia thành nhiều tệp" in (
        out
    ), out
    assert "Traceback" not in out


def test_the_row_limit_is_a_setting(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], settings: Settings
) -> None:
    settings.CHECK_MAX_ROWS = 3
    assert main([str(workbook(tmp_path / "four.xlsx", 4))]) == 2
    assert "DangVien: có hơn 3 dòng" in capsys.readouterr().out
    assert main([str(workbook(tmp_path / "three.xlsx", 3))]) == 1  # read and checked
