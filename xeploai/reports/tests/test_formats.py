"""Every format renders the same report, opens in its own library, and is reproducible."""

import datetime as dt
import io
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from xeploai.cycles.models import Period
from xeploai.reports.compute import compute_report
from xeploai.reports.formats import FORMATS, filename, render
from xeploai.reports.payload import from_payload, to_payload
from xeploai.reports.records import Denominator, Options, Report
from xeploai.testing import Cast

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(periods: tuple[Period, Period], cast: Cast) -> Report:
    _, now = periods
    return compute_report(cast.root, now, as_of=dt.date(2026, 12, 16))


def test_the_payload_round_trips(report: Report) -> None:
    payload = to_payload(report)
    assert from_payload(json.loads(json.dumps(payload))) == report
    assert payload["version"] == 1 and payload["schema"] == "xeploai.report"


def test_json_has_counts_and_derived_figures(report: Report) -> None:
    data = json.loads(render(report, "json"))
    members = next(b for b in data["blocks"] if b["kind"] == "dang_vien")
    assert members["current"]["levels"] == {"HTXSNV": 3, "HTTNV": 10, "HTNV": 0, "KHTNV": 0}
    assert members["current"]["derived"]["tt_plus_rate"] == "100.00"
    assert members["change"]["tt_plus_rate"] == "13.33"
    assert data["progress"]["overdue"] == ["B"]


def test_the_denominator_option_is_kept(
    report: Report, periods: tuple[Period, Period], cast: Cast
) -> None:
    _, now = periods
    other = compute_report(
        cast.root, now, as_of=report.as_of, options=Options(denominator=Denominator.RATED)
    )
    data = json.loads(render(other, "json"))
    assert data["options"]["denominator"] == "rated"
    members = next(b for b in data["blocks"] if b["kind"] == "dang_vien")
    assert members["current"]["derived"]["xs_share"] == "23.08"  # 3 / 13 rated


def test_xlsx_opens_with_the_numbers(report: Report) -> None:
    workbook = load_workbook(io.BytesIO(render(report, "xlsx")))
    summary = workbook.worksheets[0]
    values = [cell for row in summary.iter_rows(values_only=True) for cell in row]
    assert "Đảng viên" in values
    assert any("Báo cáo kết quả" in str(v) for v in values)
    assert "Phát hiện" in workbook.sheetnames


def test_docx_reads_like_the_official_report(report: Report) -> None:
    document = Document(io.BytesIO(render(report, "docx")))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "(4) Đánh giá, xếp loại chất lượng đảng viên: Tổng số đảng viên" in text
    assert "bằng 100% (tạm tính: tăng 13,33% so với năm 2025" in text  # B still open
    assert document.tables, "the tables follow the sentences"


def test_pdf_is_a_pdf_with_vietnamese_text(report: Report) -> None:
    data = render(report, "pdf")
    assert data.startswith(b"%PDF-")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert "Đảng viên" in text and "xếp loại" in text


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext is not installed")
def test_pdftotext_finds_the_diacritics(report: Report, tmp_path: Path) -> None:
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(render(report, "pdf"))
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True, text=True
    ).stdout
    assert "Đảng viên" in text and "xếp loại" in text


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_every_format_is_byte_identical_when_rendered_again(report: Report, name: str) -> None:
    first = render(report, name)
    again = render(from_payload(to_payload(report)), name)
    assert first == again


@pytest.mark.parametrize("name", ["xlsx", "docx"])
def test_office_files_carry_the_report_date_not_the_save_time(report: Report, name: str) -> None:
    archive = zipfile.ZipFile(io.BytesIO(render(report, name)))
    core = archive.read("docProps/core.xml").decode()
    assert "2026-12-16T00:00:00Z" in core
    assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_file_names_carry_unit_and_year(report: Report) -> None:
    assert filename(report, "docx") == "bao-cao-ROOT-2026.docx"


def test_pdf_table_headings_break_between_words_not_inside_them(report: Report) -> None:
    """The numeric columns were so narrow that reportlab split words of their headings
    ("HTTN/V", "Tổn/g số"): text columns now take only the width their cells need."""
    data = render(report, "pdf")
    lines = [
        line.strip()
        for page in PdfReader(io.BytesIO(data)).pages
        for line in page.extract_text().splitlines()
    ]
    assert "HTTNV" in "\n".join(lines)
    for broken in ("HTTN", "HTXS", "KHTN", "Tổn", "Chư"):
        assert broken not in lines, f"a heading word split: {broken!r}"


def test_every_xlsx_sheet_prints_fitted_to_the_page_width(report: Report) -> None:
    """Issue 17: the xlsx printed on 37 portrait pages with overlapping headings."""
    workbook = load_workbook(io.BytesIO(render(report, "xlsx")))
    for sheet in workbook.worksheets:
        assert sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title
        assert sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 0
        assert sheet.page_setup.paperSize == 9, sheet.title  # A4
    by_unit = workbook.worksheets[1]
    assert by_unit.page_setup.orientation == "landscape"
    assert by_unit.print_title_rows == "$1:$2" and by_unit.freeze_panes == "C3"


def test_the_exports_print_fitted_with_their_heading_repeated(
    periods: tuple[Period, Period], cast: Cast
) -> None:
    from xeploai.reports import exports

    _, now = periods
    workbook = load_workbook(io.BytesIO(exports.to_xlsx([exports.results(cast.root, now)], now)))
    sheet = workbook.worksheets[0]
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == "$1:$1" and sheet.freeze_panes == "A2"
    assert sheet.page_setup.orientation == "landscape"


def test_the_pdf_carries_the_charts_with_their_values(report: Report) -> None:
    """Issue 17: the PDF had no charts, and the page's chart showed no values."""
    data = render(report, "pdf")
    first = PdfReader(io.BytesIO(data)).pages[0].extract_text()
    rest = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages[:3])
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in first and "BÁO CÁO" in first
    assert "Cơ cấu mức xếp loại" in rest and "Tỉ lệ HTTNV trở lên so với năm trước" in rest
    assert "2026: 100%" in rest  # the value written beside the bar
    assert "T/M ĐẢNG ỦY" in rest


def test_the_docx_is_a_party_report(report: Report) -> None:
    document = Document(io.BytesIO(render(report, "docx")))
    header = "\n".join(cell.text for cell in document.tables[0].rows[0].cells)
    for expected in (
        "ĐẢNG ỦY KHỐI THỬ",
        "Số      -BC/ĐU",
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "ngày 16 tháng 12",
    ):
        assert expected in header, expected
    text = "\n".join(p.text for p in document.paragraphs)
    assert "BÁO CÁO" in text and "Báo cáo kết quả" not in text
    styles = [p.style.name for p in document.paragraphs if p.style is not None]
    assert len(styles) == len(document.paragraphs)
    assert not [name for name in styles if name.startswith("Heading")]
    portrait, annex = document.sections[0], document.sections[-1]
    assert portrait.page_width is not None and annex.page_width is not None
    assert round(portrait.page_width.cm, 1) == 21.0 and round(annex.page_width.cm, 1) == 29.7
    assert document.styles["Normal"].font.name == "Times New Roman"
    assert document.styles["Normal"].font.size.pt == 14
    signature = "\n".join(cell.text for cell in document.tables[1].rows[0].cells)
    assert "Nơi nhận:" in signature and "T/M ĐẢNG ỦY" in signature and "BÍ THƯ" in signature
