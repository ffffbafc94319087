"""The self-review and the minutes as Word files: open, say what they should, repeatable."""

import io
from pathlib import Path

import docx
import pytest
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings

from xeploai.ballots.documents import minutes_docx
from xeploai.reviews import services
from xeploai.reviews.documents import self_review_docx
from xeploai.reviews.models import Evaluation
from xeploai.testing import Cast, Round, make_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_(cast: Cast, settings: Settings, tmp_path: Path) -> Round:
    settings.MEDIA_ROOT = tmp_path
    return make_round(cast)


def text_of(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def submitted(cast: Cast, round_: Round) -> Evaluation:
    return services.review_submit(
        actor=cast.member,
        evaluation=round_.evaluation,
        expected_version=round_.evaluation.version,
        content={
            "sections": {"qualities": {"text": "Lập trường tư tưởng vững vàng"}},
            "score_common": 27,
            "score_tasks": 63,
            "self_level": "HTTNV",
            "previous": [{"text": "Chậm nộp báo cáo", "status": "da_khac_phuc"}],
        },
    )


def test_the_self_review_follows_the_2025_form(cast: Cast, round_: Round) -> None:
    text = text_of(self_review_docx(submitted(cast, round_)))
    for expected in (
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "BẢN KIỂM ĐIỂM, TỰ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG ĐẢNG VIÊN",
        "Mẫu 2B-HD KĐ.ĐG 2025",
        "Trần Thị Lan",
        "Lập trường tư tưởng vững vàng",
        "27/30",
        "63/70",
        "90/100",
        "Chậm nộp báo cáo",
        "Đã khắc phục",
        "Hoàn thành tốt nhiệm vụ",
    ):
        assert expected in text, expected


def test_the_same_review_gives_the_same_bytes(cast: Cast, round_: Round) -> None:
    evaluation = submitted(cast, round_)
    assert self_review_docx(evaluation) == self_review_docx(evaluation)


def test_documents_stay_vietnamese_under_the_english_interface(
    client: Client, cast: Cast, round_: Round
) -> None:
    evaluation = submitted(cast, round_)
    client.force_login(cast.member)
    client.post(reverse("set_language"), {"language": "en"})
    response = client.get(reverse("review_docx", args=[evaluation.pk]))
    assert response.status_code == 200
    assert "Về tư tưởng chính trị" in text_of(response.content)


def test_the_minutes_list_every_subject_and_the_digest(round_: Round) -> None:
    text = text_of(minutes_docx(round_.closed_ballot))
    assert "BIÊN BẢN KIỂM PHIẾU" in text and round_.closed_ballot.digest in text
    assert "Trần Thị Lan" in text


def test_the_minutes_say_the_papers_issued_and_returned_once(round_: Round) -> None:
    """The paper count is keyed once per ballot (issue 15 §4); the minutes say it once above
    the table, which keeps the valid papers and the votes per subject."""
    ballot = round_.closed_ballot
    tally = ballot.tallies.first()
    assert tally is not None
    text = text_of(minutes_docx(ballot))
    said = f"Số phiếu phát ra: {tally.issued}; số phiếu thu vào: {tally.returned}."
    assert text.count(said) == 1
    assert "Phát ra" not in text and "Thu vào" not in text
    assert "Phiếu hợp lệ" in text
