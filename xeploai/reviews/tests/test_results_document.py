"""The committee's announcement of the levels it decided (issue 17 §2): a party document
ready to sign, in Word and PDF, downloaded from the board and audited."""

import datetime as dt
import io
from pathlib import Path

import docx
import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader
from pytest_django.fixtures import Settings

from xeploai.audit.models import AuditEvent
from xeploai.org.models import Position
from xeploai.reviews.documents import results_docx, results_pdf
from xeploai.reviews.models import Evaluation, Stage, SubjectKind
from xeploai.testing import Cast, Round, make_person, make_round

pytestmark = pytest.mark.django_db
ON = dt.date(2026, 12, 20)


@pytest.fixture
def decided(cast: Cast, settings: Settings, tmp_path: Path) -> Round:
    settings.MEDIA_ROOT = tmp_path
    round_ = make_round(cast)
    secretary = make_person(cast.cell_a1, full_name="Nguyễn Văn Thư")
    Position.objects.create(
        person=secretary, title="Bí thư Đảng ủy", unit=cast.org_a, appointed=dt.date(2025, 1, 1)
    )
    mine = Evaluation.objects.filter(period=round_.period, decider=cast.org_a)
    mine.filter(kind=SubjectKind.MEMBER).update(stage=Stage.DECIDED, level="HTTNV")
    mine.filter(kind=SubjectKind.CELL).update(stage=Stage.DECIDED, level="HTXSNV")
    return round_


def text_of(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_the_announcement_is_a_party_document_ready_to_sign(cast: Cast, decided: Round) -> None:
    content = results_docx(cast.org_a, decided.period, ON)
    text = text_of(content)
    for expected in (
        "ĐẢNG BỘ KHỐI THỬ",  # the superior body
        "ĐẢNG ỦY A",  # the issuing committee
        "Số      -TB/ĐU",
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "ngày 20 tháng 12 năm 2026",
        "THÔNG BÁO",
        "kết quả xếp loại chất lượng tổ chức đảng, đảng viên năm 2026",
        "Chi bộ trực thuộc",
        "Chi bộ A1",
        "Hoàn thành xuất sắc nhiệm vụ",
        "Trần Thị Lan",
        "Hoàn thành tốt nhiệm vụ",
        "T/M ĐẢNG ỦY",
        "BÍ THƯ",
        "Nguyễn Văn Thư",
        "Nơi nhận:",
        "- Lưu.",
    ):
        assert expected in text, expected
    section = docx.Document(io.BytesIO(content)).sections[0]
    assert section.page_width is not None and section.page_height is not None
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)


def test_the_announcement_lists_only_what_the_unit_decided(cast: Cast, decided: Round) -> None:
    text = text_of(results_docx(cast.org_b, decided.period, ON))
    assert "Trần Thị Lan" not in text
    assert "Chưa có đối tượng nào được quyết định xếp loại." in text


def test_the_pdf_says_the_same(cast: Cast, decided: Round) -> None:
    data = results_pdf(cast.org_a, decided.period, ON)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    for expected in ("ĐẢNG CỘNG SẢN VIỆT NAM", "THÔNG BÁO", "Trần Thị Lan", "T/M ĐẢNG ỦY"):
        assert expected in text, expected


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_the_board_download_is_audited(
    client: Client, cast: Cast, decided: Round, fmt: str
) -> None:
    client.force_login(cast.committee)
    url = reverse("board_results", args=[cast.org_a.code, fmt])
    response = client.get(url, {"period": decided.period.pk})
    assert response.status_code == 200
    assert f"thong-bao-ket-qua-A-2026.{fmt}" in response["Content-Disposition"]
    event = AuditEvent.objects.get(action="export_results_document")
    assert event.after == {"unit": "A", "year": 2026, "format": fmt}


def test_the_board_links_the_announcement(client: Client, cast: Cast, decided: Round) -> None:
    client.force_login(cast.committee)
    page = client.get(reverse("board", args=[cast.org_a.code])).content.decode()
    assert reverse("board_results", args=[cast.org_a.code, "pdf"]) in page
