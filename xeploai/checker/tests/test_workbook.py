"""The offline checker on good and malformed workbooks (plain functions: no Django needed)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from xeploai.checker.output import main
from xeploai.checker.template import MEMBER_COLUMNS, ORG_COLUMNS, Column, write_template
from xeploai.checker.workbook import check_workbook
from xeploai.lib.sheets import column_letter


def headers(columns: Sequence[Column]) -> list[str]:
    return [c.header for c in columns]


def make(
    tmp_path: Path,
    members: Sequence[dict[str, Any]] = (),
    orgs: Sequence[dict[str, Any]] = (),
    year: object = 2024,
    on: object = dt.date(2024, 12, 10),
    ruleset: str | None = None,
    name: str = "de-xuat.xlsx",
) -> Path:
    path = tmp_path / name
    write_template(path)
    wb = load_workbook(path)
    info = wb["ThongTin"]
    info["B1"], info["B2"] = year, on
    if ruleset:
        info["B3"] = ruleset
    for sheet, columns, rows in (
        ("DangVien", MEMBER_COLUMNS, members),
        ("ToChuc", ORG_COLUMNS, orgs),
    ):
        ws = wb[sheet]
        names = [c.header for c in columns]
        for row in rows:
            ws.append([row.get(h) for h in names])
    wb.save(path)
    return path


def member_row(i: int, level: str = "HTTNV", **more: Any) -> dict[str, Any]:
    row = {
        "Mã đảng viên": f"DV{i:03d}",
        "Họ và tên": f"Đảng viên {i}",
        "Chi bộ": "CB1",
        "Cấp quyết định": "DU1",
        "Nhóm": "KHONG_CHUC_VU",
        "Ngày kết nạp": dt.date(2010, 1, 1),
        "Nhận xét đã có": "NOI_CU_TRU",
        "Mức đề xuất": level,
    }
    row.update(more)
    return row


def test_template_has_the_documented_sheets_and_headers(tmp_path: Path) -> None:
    wb = load_workbook(write_template(tmp_path / "mau.xlsx"))
    assert wb.sheetnames == ["HuongDan", "ThongTin", "DangVien", "ToChuc"]
    assert [c.value for c in wb["DangVien"][1]] == headers(MEMBER_COLUMNS)
    assert [c.value for c in wb["ToChuc"][1]] == headers(ORG_COLUMNS)
    assert "xeploai check" in " ".join(str(c.value) for c in wb["HuongDan"]["A"])


def test_a_workbook_with_only_headers_is_unreadable_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([str(make(tmp_path))]) == 2
    out = capsys.readouterr().out
    assert "DangVien: không có dòng dữ liệu nào — DangVien và ToChuc chỉ có dòng tiêu đề" in out


def test_clean_workbook_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = make(
        tmp_path, members=[member_row(i, "HTXSNV" if i < 2 else "HTTNV") for i in range(10)]
    )
    assert main([str(path)]) == 0
    out = capsys.readouterr().out
    assert "124-2023" in out and "Kết quả: 0 lỗi" in out
    assert "DU1 / DANG_VIEN / KHONG_CHUC_VU" in out


def test_violations_name_sheet_row_rule_and_clause(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    members = [member_row(i, "HTXSNV" if i < 3 else "HTTNV") for i in range(10)]
    members[4]["Suy thoái"] = "x"
    members[5]["Nhận xét đã có"] = None
    path = make(tmp_path, members=members)
    assert main([str(path)]) == 1
    out = capsys.readouterr().out
    assert "DangVien dòng 6 (DV004) [khtnv.degradation] QĐ 124 Đ.12 k.4 (K7)" in out
    assert "DangVien dòng 7 (DV005) [comment.residence]" in out
    assert "3 HTXSNV > 20% × 10 = 2" in out


def test_json_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = make(tmp_path, members=[member_row(i, "HTXSNV") for i in range(3)])
    assert main([str(path), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["ruleset"] == "124-2023" and data["exit_code"] == 1
    quota = [v for v in data["violations"] if v["key"] == "quota.exceeded"]
    assert quota and quota[0]["sheet"] == "DangVien" and quota[0]["row"] is None
    assert data["quotas"][0]["allowed"] == 1  # small-unit exception: 3 members, all ≥ HTTNV


def test_ruleset_option_overrides_the_year(tmp_path: Path) -> None:
    path = make(tmp_path, members=[member_row(0, "HTTNV")], year=2025, on=dt.date(2025, 12, 15))
    by_year, by_option = check_workbook(path).ruleset, check_workbook(path, "124-2023").ruleset
    assert by_year is not None and by_option is not None
    assert by_year.key == "366-2025"
    assert by_option.key == "124-2023"


def test_organisations_sheet(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    orgs = [
        {
            "Mã": "CB1",
            "Loại": "CHI_BO",
            "Cấp quyết định": "DU1",
            "Mức đề xuất": "HTTNV",
            "Mất đoàn kết": "x",
        }
    ]
    path = make(tmp_path, orgs=orgs)
    assert main([str(path)]) == 1
    assert "ToChuc dòng 2 (CB1) [khtnv.disunity]" in capsys.readouterr().out


MALFORMED = [
    ("bad-date", {"Ngày kết nạp": "31/02/2020"}, "DangVien, dòng 2, cột {col} (Ngày kết nạp)"),
    ("bad-level", {"Mức đề xuất": "GIOI"}, "cột {col} (Mức đề xuất)"),
    ("bad-number", {"% nhiệm vụ hoàn thành": "nhiều"}, "cột {col} (% nhiệm vụ hoàn thành)"),
    ("missing-required-cell", {"Cấp quyết định": None}, "(Cấp quyết định): ô bắt buộc"),
]


@pytest.mark.parametrize(
    ("cells", "expected"), [m[1:] for m in MALFORMED], ids=[m[0] for m in MALFORMED]
)
def test_bad_cells_name_sheet_row_and_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], cells: dict[str, Any], expected: str
) -> None:
    header = next(iter(cells))
    col = column_letter(headers(MEMBER_COLUMNS).index(header))
    path = make(tmp_path, members=[member_row(0, **cells)])
    assert main([str(path)]) == 2
    out = capsys.readouterr().out
    assert expected.format(col=col) in out
    assert "Traceback" not in out


def test_missing_required_column(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = make(tmp_path, members=[member_row(0)])
    wb = load_workbook(path)
    wb["DangVien"].delete_cols(headers(MEMBER_COLUMNS).index("Cấp quyết định") + 1)
    wb.save(path)
    assert main([str(path)]) == 2
    assert "DangVien, dòng 1 (Cấp quyết định): thiếu cột bắt buộc" in capsys.readouterr().out


def test_missing_sheet(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = make(tmp_path)
    wb = load_workbook(path)
    del wb["ToChuc"]
    wb.save(path)
    assert main([str(path)]) == 2
    assert "ToChuc: thiếu trang tính này" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"ma,ho ten\n1,2\n", "không phải bảng tính .xlsx"),
        (None, "bị hỏng hoặc không đầy đủ"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "mật khẩu"),
    ],
    ids=["not-xlsx", "truncated", "password-protected"],
)
def test_unreadable_files_exit_2_with_a_clear_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes | None, message: str
) -> None:
    path = tmp_path / "x.xlsx"
    if content is None:
        content = make(tmp_path, members=[member_row(0)], name="ok.xlsx").read_bytes()[:700]
    path.write_bytes(content)
    assert main([str(path)]) == 2
    out = capsys.readouterr().out
    assert message in out and "Traceback" not in out


def test_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(tmp_path / "none.xlsx")]) == 2
    assert "không tìm thấy tệp" in capsys.readouterr().out


def test_column_letters() -> None:
    assert [column_letter(i) for i in (0, 25, 26, 51, 52)] == ["A", "Z", "AA", "AZ", "BA"]


def test_quarter_columns_feed_the_local_quarter_rules(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    members = [member_row(i, "HTTNV") for i in range(10)]
    members[0].update(
        {"Mức đề xuất": "HTXSNV", "Xếp loại quý 2": "KHTNV", "Xếp loại quý 1": "HTTNV"}
    )
    members[1].update({"Xếp loại quý 2": "KHTNV", "Xếp loại quý 3": "KHTNV"})
    path = make(tmp_path, members=members, year=2026, on=dt.date(2026, 12, 15))
    assert main([str(path)]) == 0  # the quarter rules are local: off unless the sheet asks
    capsys.readouterr()
    wb = load_workbook(path)
    wb["ThongTin"]["B5"] = "x"
    wb.save(path)
    assert main([str(path)]) == 1
    out = capsys.readouterr().out
    assert "DangVien dòng 2 (DV000) [cap.quarter_khtnv]" in out
    assert "HD 02-HD/BTCTW" in out


def test_a_bad_quarter_level_names_its_cell(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    members = [member_row(0, "HTTNV", **{"Xếp loại quý 3": "TOT"})]
    assert main([str(make(tmp_path, members=members))]) == 2
    assert "Xếp loại quý 3" in capsys.readouterr().out
