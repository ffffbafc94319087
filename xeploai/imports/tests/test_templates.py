"""``xeploai template``: the registry, the guide, and a filled template imports as is."""

from io import StringIO
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command

from xeploai.imports.columns import SHEETS
from xeploai.imports.services import import_file
from xeploai.imports.tests.conftest import TODAY
from xeploai.imports.xlsx_templates import TEMPLATE_WRITERS
from xeploai.testing import Cast

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("kind", sorted(SHEETS))
def test_the_template_documents_every_column(tmp_path: Path, kind: str) -> None:
    out = tmp_path / f"{kind}.xlsx"
    call_command("template", kind, "--out", str(out), stdout=StringIO())
    workbook = openpyxl.load_workbook(out)
    sheet = SHEETS[kind]
    data = workbook[sheet.name]
    assert [c.value for c in data[1]] == [c.header for c in sheet.columns]
    guide_text = " ".join(
        str(cell.value) for row in workbook["HuongDan"].iter_rows() for cell in row if cell.value
    )
    for column in sheet.columns:
        assert column.header in guide_text
    assert data.data_validations.dataValidation  # lists for the choice columns


def test_another_app_registers_a_template_with_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(
        TEMPLATE_WRITERS, "check", "xeploai.imports.xlsx_templates.write_people_template"
    )
    out = tmp_path / "check.xlsx"
    call_command("template", "check", "--out", str(out), stdout=StringIO())
    assert out.stat().st_size > 0


def test_a_filled_template_imports(cast: Cast, tmp_path: Path) -> None:
    out = tmp_path / "people.xlsx"
    call_command("template", "people", "--out", str(out), stdout=StringIO())
    workbook = openpyxl.load_workbook(out)
    data = workbook["DangVien"]
    for index, column in enumerate(SHEETS["people"].columns, start=1):
        data.cell(row=2, column=index, value=column.example or None)
    data.cell(row=2, column=8, value="A1")  # a cell of the test cast
    workbook.save(out)
    outcome = import_file(actor=None, kind="people", path=out, today=TODAY)
    assert outcome.ok, [str(p) for p in outcome.problems]
    assert outcome.created == 1
