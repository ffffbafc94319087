"""Issue 13 §5: every file the product writes is built from hostile strings — a unit's name set in
the admin, a person's name, a follow-up plan typed by a clerk, a member's own self-review — and
none of them comes out as a formula (xlsx), an unescaped formula (csv) or a field (docx)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from pathlib import Path

import docx
import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from pytest_django.fixtures import Settings

from xeploai.ballots.documents import minutes_docx
from xeploai.imports.services import import_file
from xeploai.imports.xlsx_templates import TEMPLATE_WRITERS, template_writer
from xeploai.lib.cells import FORMULA_START, csv_field
from xeploai.lib.sheets import formula_cells, sheet_parts
from xeploai.org.models import OrgUnit, Person
from xeploai.reports.compute import compute_report
from xeploai.reports.formats import FORMATS, render
from xeploai.reviews import services
from xeploai.reviews.documents import self_review_docx
from xeploai.reviews.models import Evaluation, FollowUp, FollowUpStatus, Stage
from xeploai.reviews.stats import stats_rebuild
from xeploai.testing import Cast, Round, make_round

pytestmark = pytest.mark.django_db

UNIT_A = "@SUM(A1)"
CELL_A1 = "=1"
MEMBER = '=HYPERLINK("http://x","y")'
OTHER = "-3+4"
SELF_REVIEW = '=WEBSERVICE("http://x")'
SHORTCOMING = "+1+2"
PLAN = "=1+1\x01"  # a control character too: xlsx and docx cannot hold it, it is dropped
ASSIGNEE = "\t=1"


@pytest.fixture
def hostile(cast: Cast, settings: Settings, tmp_path: Path) -> tuple[Round, Evaluation]:
    """The round of ``make_round``, with every user-typed text a formula."""
    settings.MEDIA_ROOT = tmp_path
    round_ = make_round(cast)
    OrgUnit.objects.filter(pk=cast.org_a.pk).update(name=UNIT_A)
    OrgUnit.objects.filter(pk=cast.cell_a1.pk).update(name=CELL_A1)
    Person.objects.filter(pk=cast.member_a1.pk).update(full_name=MEMBER)
    Person.objects.filter(full_name="Phạm Văn Hai").update(full_name=OTHER)
    evaluation = services.review_submit(
        actor=cast.member,
        evaluation=round_.evaluation,
        expected_version=round_.evaluation.version,
        content={
            "sections": {"qualities": {"text": SELF_REVIEW}},
            "score_common": 20,
            "score_tasks": 40,
            "self_level": "KHTNV",
            "previous": [{"text": SHORTCOMING + "\x07", "status": "da_khac_phuc"}],
        },
    )
    period = round_.period
    Evaluation.objects.filter(pk=evaluation.pk).update(
        level="KHTNV",
        stage=Stage.DECIDED,
        content={**evaluation.content, "shortcomings": [SHORTCOMING, {"text": SELF_REVIEW}]},
    )
    FollowUp.objects.create(
        evaluation=evaluation,
        plan=PLAN,
        assignee=ASSIGNEE,
        status=FollowUpStatus.IN_PROGRESS,
        updated_at="2026-12-20T09:00:00+07:00",
    )
    Evaluation.objects.filter(period=period, person__full_name=OTHER).update(
        level="HTXSNV", stage=Stage.DECIDED
    )
    Evaluation.objects.filter(pk=round_.cell_evaluation.pk).update(
        level="HTXSNV", stage=Stage.DECIDED
    )
    stats_rebuild(period)
    evaluation.refresh_from_db()
    return round_, evaluation


def _xlsx_texts(content: bytes, name: str) -> list[str]:
    """Every text of the workbook, after checking that no cell holds a formula."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for sheet, part in sheet_parts(archive).items():
            assert part is not None
            assert formula_cells(archive, part) == set(), (name, sheet)
    texts = []
    for sheet in load_workbook(io.BytesIO(content)).worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (name, sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    texts.append(cell.value)
                    if cell.value.startswith(FORMULA_START):
                        assert cell.quotePrefix, (name, cell.coordinate, cell.value)
    return texts


def _csv_fields(content: bytes, name: str) -> list[str]:
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    fields = [field for row in rows for field in row]
    for field in fields:
        assert not field.startswith(FORMULA_START), (name, field)
    return fields


def _docx_text(content: bytes, name: str) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for part in archive.namelist():
            if part.startswith("word/") and part.endswith(".xml"):
                xml = archive.read(part)
                assert b"fldSimple" not in xml and b"instrText" not in xml, (name, part)
    document = docx.Document(io.BytesIO(content))
    cells = [c.text for table in document.tables for row in table.rows for c in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


EXPORTS = {
    # what: texts that must come out as text (each file holds them; none runs)
    "ket-qua": ("export_results", [MEMBER, OTHER, CELL_A1]),
    "khen-thuong": ("export_rewards", [OTHER, CELL_A1]),
    "khac-phuc": ("export_follow_ups", [MEMBER, "=1+1", ASSIGNEE, SHORTCOMING]),
}


@pytest.mark.parametrize("what", sorted(EXPORTS))
def test_the_lists_hold_hostile_text_as_text(
    client: Client, cast: Cast, hostile: tuple[Round, Evaluation], what: str
) -> None:
    url_name, expected = EXPORTS[what]
    client.force_login(cast.clerk)
    xlsx = client.get(reverse(url_name, args=["A", 2026, "xlsx"]))
    assert xlsx.status_code == 200
    texts = _xlsx_texts(xlsx.content, what)
    fields = _csv_fields(client.get(reverse(url_name, args=["A", 2026, "csv"])).content, what)
    for text in expected:
        assert any(text in value for value in texts), (what, text, texts)
        assert any(field.startswith("'" + text) for field in fields), (what, text, fields)


def test_negative_numbers_stay_numbers_and_plain_text_stays_plain(
    client: Client, cast: Cast, hostile: tuple[Round, Evaluation]
) -> None:
    client.force_login(cast.clerk)
    fields = _csv_fields(client.get(reverse("export_results", args=["A", 2026, "csv"])).content, "")
    assert "Đảng viên" in fields and "2026" in fields  # nothing else gets a quote
    sheet = load_workbook(
        io.BytesIO(client.get(reverse("export_results", args=["A", 2026, "xlsx"])).content)
    ).worksheets[0]
    assert sheet.cell(row=2, column=1).value == 2026
    assert not sheet.cell(row=2, column=2).quotePrefix


def test_the_report_in_every_format_holds_hostile_names_as_text(
    cast: Cast, hostile: tuple[Round, Evaluation]
) -> None:
    round_, _evaluation = hostile
    report = compute_report(
        OrgUnit.objects.get(pk=cast.org_a.pk), round_.period, as_of=dt.date(2026, 12, 16)
    )
    files = {name: render(report, name) for name in FORMATS}
    assert any(UNIT_A in text for text in _xlsx_texts(files["xlsx"], "report.xlsx"))
    assert any(text == CELL_A1 for text in _xlsx_texts(files["xlsx"], "report.xlsx"))
    assert UNIT_A in _docx_text(files["docx"], "report.docx")
    assert json.loads(files["json"])["unit"]["name"] == UNIT_A
    assert files["pdf"].startswith(b"%PDF") and b"<html" in files["html"][:200].lower()


def test_the_word_files_hold_hostile_text_as_runs_never_fields(
    cast: Cast, hostile: tuple[Round, Evaluation]
) -> None:
    round_, evaluation = hostile
    review = _docx_text(self_review_docx(evaluation), "review.docx")
    assert MEMBER in review and SELF_REVIEW in review and CELL_A1 in review
    assert SHORTCOMING in review and "\x07" not in review
    minutes = _docx_text(minutes_docx(round_.closed_ballot), "minutes.docx")
    assert MEMBER in minutes and OTHER in minutes


@pytest.mark.parametrize("kind", sorted(TEMPLATE_WRITERS))
def test_the_import_templates_hold_no_formula(kind: str) -> None:
    stream = io.BytesIO()
    template_writer(kind)(stream)
    assert _xlsx_texts(stream.getvalue(), kind)


def test_a_formula_escaped_by_our_csv_is_read_back_as_the_formula_and_refused(
    cast: Cast, tmp_path: Path
) -> None:
    path = tmp_path / "units.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["Mã tổ chức", "Tên tổ chức", "Loại tổ chức", "Mã tổ chức cấp trên"])
        writer.writerow(["X", csv_field(MEMBER), "Đảng bộ cơ sở", "ROOT"])
        writer.writerow(["Y", "'Chi bộ Y", "Chi bộ trực thuộc", "A"])
    outcome = import_file(actor=None, kind="units", path=path, today=dt.date(2026, 12, 1))
    [problem] = [str(p) for p in outcome.problems]  # row 3 holds no formula: it is fine
    assert 'dòng 2, cột B "Tên tổ chức": "=HYPERLINK(' in problem
    assert 'bắt đầu bằng "=" nên bảng tính có thể hiểu là công thức' in problem
    assert not OrgUnit.objects.filter(code__in=["X", "Y"]).exists()
