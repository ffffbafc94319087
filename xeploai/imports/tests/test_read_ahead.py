"""``xeploai import KIND FILE`` measures FILE and lets calamine load it while Django sets up
(``imports/opening.py``): the command must read the same table, give the same refusals, and
never take a read-ahead of another file (or of the same file since changed)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from pytest_django.fixtures import Settings

from xeploai.cli import _read_ahead
from xeploai.imports import opening
from xeploai.imports.columns import SHEETS
from xeploai.imports.problems import WorkbookError
from xeploai.imports.reading import Table, read_table
from xeploai.imports.tests.conftest import fingerprint, headers, write_xlsx
from xeploai.org.models import Membership, Person
from xeploai.testing import Cast

pytestmark = pytest.mark.django_db
FILES = Path(__file__).parent / "files"
GOOD = ["Phạm Văn Hùng", "15/08/1985", "Nam", "084185000123", "", "19/05/2010", "", "A1"]


def people(path: Path, *rows: list[Any], sheet: str = "DangVien") -> Path:
    return write_xlsx(path, sheet, headers("people")[:8], rows)


def _seen(table: Table) -> tuple[Any, ...]:
    return (
        table.sheet_name,
        table.columns,
        list(table.rows),
        table.first_row,
        table.formula_cells,
    )


def test_the_read_ahead_starts_before_the_orm_is_imported() -> None:
    """What ``xeploai import`` loads before its read-ahead starts: the settings and
    ``opening`` — not Django's ORM, forms or admin (django_stubs_ext imported them all from the
    settings: a quarter of a second before the file's reading could start)."""
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from django.conf import settings; settings.INSTALLED_APPS; "
            "import xeploai.imports.opening; "
            "print(sorted({'django.db.models', 'django.forms', 'django.contrib.admin', "
            "'django_stubs_ext'} & set(sys.modules)))",
        ],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "xeploai.settings"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert loaded.stdout.strip() == "[]"


def test_the_read_ahead_gives_the_table_of_the_plain_read(tmp_path: Path) -> None:
    rows = [[*GOOD[:3], f"0841850001{n:02d}", *GOOD[4:]] for n in range(30)]
    path = people(tmp_path / "dv.xlsx", *rows, [*GOOD[:3], "=A1&B1", *GOOD[4:]])
    plain = _seen(read_table(path, SHEETS["people"]))
    assert opening.read_ahead(path, "DangVien")
    assert _seen(read_table(path, SHEETS["people"])) == plain
    assert not opening._AHEAD  # taken


def test_a_file_changed_since_its_read_ahead_is_read_again(tmp_path: Path) -> None:
    path = people(tmp_path / "dv.xlsx", GOOD)
    assert opening.read_ahead(path, "DangVien")
    people(path, GOOD, [*GOOD[:3], "084185000999", *GOOD[4:]])
    assert [row[3] for row in read_table(path, SHEETS["people"]).rows] == [
        "084185000123",
        "084185000999",
    ]
    assert not opening._AHEAD  # dropped: the next file opened does not find it either


def test_a_read_ahead_of_another_file_is_not_taken(tmp_path: Path) -> None:
    other = people(tmp_path / "other.xlsx", [*GOOD[:3], "084185000999", *GOOD[4:]])
    path = people(tmp_path / "dv.xlsx", GOOD)
    assert opening.read_ahead(other, "DangVien")
    assert [row[3] for row in read_table(path, SHEETS["people"]).rows] == ["084185000123"]


def test_a_refused_file_starts_no_read_ahead(tmp_path: Path, settings: Settings) -> None:
    settings.IMPORT_MAX_ROWS = 1
    path = people(tmp_path / "dv.xlsx", GOOD, GOOD, GOOD)
    assert not opening.read_ahead(path, "DangVien")
    assert not opening.read_ahead(people(tmp_path / "s.xlsx", GOOD, sheet="Sheet1"), "DangVien")
    with pytest.raises(WorkbookError, match="có hơn 1 dòng, quá giới hạn"):
        read_table(path, SHEETS["people"])


def test_only_a_workbook_is_read_ahead(tmp_path: Path) -> None:
    csv = tmp_path / "dv.csv"
    csv.write_text(",".join(headers("people")[:8]) + "\n" + ",".join(GOOD), encoding="utf-8")
    assert not opening.read_ahead(csv, "DangVien")
    assert not opening.read_ahead(tmp_path / "missing.xlsx", "DangVien")
    _read_ahead("people", "--dry-run")  # an option where the file would be: nothing read
    _read_ahead("nothing", str(people(tmp_path / "dv.xlsx", GOOD)))  # not a kind
    assert not opening._AHEAD
    assert [row[3] for row in read_table(csv, SHEETS["people"]).rows] == ["084185000123"]


def _bad_files(tmp_path: Path) -> dict[str, Path]:
    data = people(tmp_path / "good.xlsx", GOOD).read_bytes()
    truncated = tmp_path / "cut.xlsx"
    truncated.write_bytes(data[: len(data) // 2])
    not_a_workbook = tmp_path / "doc.xlsx"
    with zipfile.ZipFile(not_a_workbook, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    wide = people(tmp_path / "wide.xlsx", GOOD)
    with zipfile.ZipFile(wide) as source:
        members = {name: source.read(name) for name in source.namelist()}
    sheet = members["xl/worksheets/sheet1.xml"]
    members["xl/worksheets/sheet1.xml"] = sheet.replace(
        b"</sheetData>",
        b'<row r="9"><c r="XFD9" t="inlineStr"><is><t>x</t></is></c></row></sheetData>',
    )
    with zipfile.ZipFile(wide, "w", zipfile.ZIP_DEFLATED) as target:
        for name, content in members.items():
            target.writestr(name, content)
    return {
        "truncated": truncated,
        "not a workbook": not_a_workbook,
        "wrong sheet": people(tmp_path / "s.xlsx", GOOD, sheet="Sheet1"),
        "password": FILES / "password.xlsx",
        "a cell at XFD": wide,
        "a bad row": people(tmp_path / "bad.xlsx", [*GOOD[:3], "12345", *GOOD[4:]]),
        "rows": people(tmp_path / "rows.xlsx", GOOD, GOOD, GOOD),
    }


def _without_time(text: str) -> str:
    return re.sub(r"— [\d.]+ giây", "— … giây", text)


@pytest.mark.parametrize(
    "case",
    [
        "truncated",
        "not a workbook",
        "wrong sheet",
        "password",
        "a cell at XFD",
        "a bad row",
        "rows",
        "good",
        "good, dry run",
    ],
)
def test_the_command_line_answers_as_the_command_does(
    cast: Cast,
    tmp_path: Path,
    settings: Settings,
    case: str,
) -> None:
    """The command after the command line's read-ahead, against the command alone, on the same
    file: the same exit code, the same lines, the same database. (``main`` itself cannot run
    here: it ends by closing every connection, the test's too.)"""
    settings.IMPORT_MAX_ROWS = 2
    files = _bad_files(tmp_path)
    path = files.get(case) or people(tmp_path / "ok.xlsx", GOOD)
    extra = ["--dry-run"] if case.endswith("dry run") else []
    before = _written()
    with transaction.atomic():  # the plain command's answer and writes, then undone
        expected = _answer(path, extra)
        written = _written()
        transaction.set_rollback(True)
    assert _written() == before
    _read_ahead("people", str(path))  # what ``xeploai import people FILE`` does first
    assert bool(opening._AHEAD) == (case in ("good", "good, dry run", "a bad row"))
    assert _answer(path, extra) == expected
    assert _written() == written
    assert not opening._AHEAD


def _answer(path: Path, extra: list[str]) -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("import", "people", str(path), *extra, stdout=out)
    except CommandError as error:
        return error.returncode, _without_time(f"{out.getvalue()}{error}")
    return 0, _without_time(out.getvalue())


def _written() -> tuple[Any, ...]:
    """What an import writes, without the ids (a sequence is not rolled back)."""
    return (
        fingerprint()[0],
        sorted(Person.objects.values_list("citizen_id", "full_name", "unit__code")),
        sorted(Membership.objects.values_list("person__citizen_id", "unit__code", "start")),
    )
