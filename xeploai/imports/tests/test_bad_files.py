"""Every way a file can be wrong: one clear message, the right exit code, the database unchanged."""

import datetime as dt
import unicodedata
from collections.abc import Sequence
from io import StringIO
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from pytest_django.fixtures import Settings

from xeploai.imports.problems import EXIT_BAD_FILE, EXIT_INVALID
from xeploai.imports.services import import_file
from xeploai.imports.tests.conftest import TODAY, fingerprint, headers, write_xlsx
from xeploai.org.models import Person
from xeploai.testing import Cast

pytestmark = pytest.mark.django_db
FILES = Path(__file__).parent / "files"
GOOD = ["Phạm Văn Hùng", "15/08/1985", "Nam", "084185000123", "", "19/05/2010", "", "A1"]


def people(
    tmp_path: Path, *rows: Sequence[Any], header: Sequence[str] | None = None, name: str = "dv.xlsx"
) -> Path:
    return write_xlsx(tmp_path / name, "DangVien", header or headers("people")[:8], rows)


def command(*args: object) -> tuple[CommandError, str]:
    out = StringIO()
    with pytest.raises(CommandError) as error:
        call_command("import", *map(str, args), stdout=out)
    return error.value, out.getvalue()


def assert_refused(path: Path, code: int, expected: str, kind: str = "people") -> None:
    before = fingerprint()
    error, out = command(kind, path)
    assert error.returncode == code
    assert expected in (str(error) + out), str(error) + out
    assert fingerprint() == before


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        (
            1,
            "31/02/1980",
            'Sheet "DangVien", dòng 2, cột B "Ngày sinh": "31/02/1980" không phải ngày hợp lệ — '
            "cần dạng dd/mm/yyyy",
        ),
        (1, "hôm qua", '"hôm qua" không phải ngày hợp lệ'),
        (5, dt.date(2031, 1, 1), '"01/01/2031" là ngày trong tương lai'),
        (3, "12345", 'cột D "Số CCCD": "12345" không hợp lệ — số CCCD cần đúng 12 chữ số'),
        (3, "08418500012A", "cần đúng 12 chữ số"),
        (4, "12a", "số thẻ đảng viên cần từ 6 đến 12 chữ số"),
        (2, "Không rõ", '"Không rõ" không có trong danh mục — cần một trong: Nam / Nữ'),
        (7, "NOPE", 'mã chi bộ "NOPE" không có trong hệ thống'),
        (7, "A", '"A" là Đảng bộ cơ sở, không phải chi bộ'),
        (0, "x" * 40000, "dài 32767 ký tự — tối đa 120 ký tự"),
        (5, "01/01/1980", "ngày vào Đảng 01/01/1980 không sau ngày sinh 15/08/1985"),
    ],
)
def test_a_bad_cell_is_named_with_sheet_row_column_and_what_was_expected(
    cast: Cast, tmp_path: Path, column: int, value: str | dt.date, expected: str
) -> None:
    row: list[object] = list(GOOD)
    row[column] = value
    assert_refused(people(tmp_path, row), EXIT_INVALID, expected)


def test_every_error_of_the_file_is_reported_at_once(cast: Cast, tmp_path: Path) -> None:
    bad_date = [*GOOD[:1], "31/02/1980", *GOOD[2:]]
    bad_id = [*GOOD[:3], "123", *GOOD[4:]]
    other = [*GOOD[:3], "084185000999", *GOOD[4:]]
    outcome = import_file(
        actor=None, kind="people", path=people(tmp_path, bad_date, bad_id, other), today=TODAY
    )
    assert [(p.row, p.column) for p in outcome.problems] == [(2, "B"), (3, "D")]


def test_a_duplicate_key_names_both_rows(cast: Cast, tmp_path: Path) -> None:
    path = people(tmp_path, GOOD, [*GOOD[:1], "", "", *GOOD[3:]])
    assert_refused(
        path, EXIT_INVALID, 'dòng 3, cột D "Số CCCD": số CCCD "084185000123" trùng với dòng 2'
    )


def test_decomposed_and_composed_diacritics_are_the_same_text(cast: Cast, tmp_path: Path) -> None:
    decomposed = unicodedata.normalize("NFD", "Phạm Văn Hùng")
    header = [unicodedata.normalize("NFD", h) for h in headers("people")[:8]]
    path = people(tmp_path, [decomposed, *GOOD[1:]], header=header)
    assert import_file(actor=None, kind="people", path=path, today=TODAY).created == 1
    stored = Person.objects.get(citizen_id="084185000123")
    assert stored.full_name == unicodedata.normalize("NFC", "Phạm Văn Hùng")
    again = import_file(
        actor=None, kind="people", path=people(tmp_path, GOOD, name="nfc.xlsx"), today=TODAY
    )
    assert (again.updated, again.unchanged) == (0, 1)


def test_a_formula_cell_is_refused(cast: Cast, tmp_path: Path) -> None:
    path = people(tmp_path, [*GOOD[:3], "=A1&B1", *GOOD[4:]])
    assert_refused(path, EXIT_INVALID, 'cột D "Số CCCD": ô chứa công thức')


def test_a_number_that_lost_its_leading_zero_is_read_as_a_citizen_id(
    cast: Cast, tmp_path: Path
) -> None:
    path = people(tmp_path, [*GOOD[:3], 84185000123, *GOOD[4:]])
    assert import_file(actor=None, kind="people", path=path, today=TODAY).ok
    assert Person.objects.filter(citizen_id="084185000123").exists()


def test_a_truncated_file_is_refused(cast: Cast, tmp_path: Path) -> None:
    data = people(tmp_path, GOOD).read_bytes()
    truncated = tmp_path / "cut.xlsx"
    truncated.write_bytes(data[: len(data) // 2])
    assert_refused(truncated, EXIT_BAD_FILE, "bị hỏng hoặc không trọn vẹn")


def test_a_file_that_is_not_a_workbook_is_refused(cast: Cast, tmp_path: Path) -> None:
    path = tmp_path / "notes.xlsx"
    path.write_text("Họ và tên;Ngày sinh\n", encoding="utf-8")
    assert_refused(path, EXIT_BAD_FILE, "không phải tệp Excel .xlsx")


def test_garbage_bytes_are_refused(cast: Cast, tmp_path: Path) -> None:
    path = tmp_path / "random.xlsx"
    path.write_bytes(bytes(range(256)) * 40)
    assert_refused(path, EXIT_BAD_FILE, "không phải tệp Excel .xlsx")


def test_an_old_xls_or_ole_file_is_refused(cast: Cast, tmp_path: Path) -> None:
    path = tmp_path / "old.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    assert_refused(path, EXIT_BAD_FILE, "Excel 97-2003 (.xls) hoặc bị hỏng")


def test_a_password_protected_workbook_is_refused(cast: Cast) -> None:
    assert_refused(FILES / "password.xlsx", EXIT_BAD_FILE, "được đặt mật khẩu")


def test_a_zip_that_is_not_a_workbook_is_refused(cast: Cast, tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "doc.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    assert_refused(path, EXIT_BAD_FILE, "không phải tệp Excel .xlsx")


def test_a_wrong_sheet_name_is_refused(cast: Cast, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "s.xlsx", "Sheet1", headers("people")[:8], [GOOD])
    assert_refused(path, EXIT_BAD_FILE, 'không có sheet "DangVien" (tệp có: "Sheet1")')


def test_missing_columns_are_refused(cast: Cast, tmp_path: Path) -> None:
    path = people(tmp_path, GOOD[:6], header=headers("people")[:6])
    assert_refused(path, EXIT_BAD_FILE, 'thiếu cột: "Mã chi bộ"')


def test_an_unknown_column_is_refused(cast: Cast, tmp_path: Path) -> None:
    path = people(tmp_path, [*GOOD, "x"], header=[*headers("people")[:8], "Quê quán"])
    assert_refused(path, EXIT_BAD_FILE, 'cột không thuộc mẫu: I "Quê quán"')


def test_too_many_rows_are_refused(cast: Cast, tmp_path: Path, settings: Settings) -> None:
    settings.IMPORT_MAX_ROWS = 3
    rows = [[*GOOD[:3], f"0841850001{n:02d}", *GOOD[4:]] for n in range(5)]
    assert_refused(people(tmp_path, *rows), EXIT_BAD_FILE, "có hơn 3 dòng, quá giới hạn")


def test_too_many_bytes_are_refused(cast: Cast, tmp_path: Path, settings: Settings) -> None:
    settings.UPLOAD_MAX_BYTES = 1000
    assert_refused(people(tmp_path, GOOD), EXIT_BAD_FILE, "quá giới hạn")


def test_an_empty_sheet_is_refused(cast: Cast, tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    workbook.active.title = "DangVien"
    workbook.save(tmp_path / "empty.xlsx")
    assert_refused(tmp_path / "empty.xlsx", EXIT_BAD_FILE, "không có dòng tiêu đề")


def test_a_csv_file_is_imported_like_a_workbook(cast: Cast, tmp_path: Path) -> None:
    path = tmp_path / "dv.csv"
    lines = [",".join(headers("people")[:8]), ",".join(GOOD)]
    path.write_text("\n".join(lines), encoding="utf-8-sig")
    out = StringIO()
    call_command("import", "people", str(path), stdout=out)
    assert "tạo mới 1" in out.getvalue()
    assert Person.objects.filter(citizen_id="084185000123").exists()


def test_the_command_reports_a_dry_run(cast: Cast, tmp_path: Path) -> None:
    out = StringIO()
    before = fingerprint()
    call_command("import", "people", str(people(tmp_path, GOOD)), "--dry-run", stdout=out)
    assert "Chạy thử, không ghi gì — sẽ: 1 dòng: tạo mới 1" in out.getvalue()
    assert fingerprint() == before
