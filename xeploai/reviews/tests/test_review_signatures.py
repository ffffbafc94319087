"""The 2025 member forms (Mẫu 2A, 2B, 2C) are signed where the form has it (issue 17 leftover
of §1): the member under the self-review, "T/M CHI BỘ / BÍ THƯ" under the cell's proposal, the
deciding committee ("T/M ĐẢNG ỦY") under the level decided."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import docx
import pytest
from pytest_django.fixtures import Settings

from xeploai.org.models import Position
from xeploai.reviews.documents import self_review_docx
from xeploai.testing import Cast, Round, make_person, make_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_(cast: Cast, settings: Settings, tmp_path: Path) -> Round:
    settings.MEDIA_ROOT = tmp_path
    return make_round(cast)


def lines_of(content: bytes) -> list[str]:
    """The document's paragraphs and table cells' lines, in reading order of the body."""
    document = docx.Document(io.BytesIO(content))
    lines: list[str] = []
    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append("".join(t.text or "" for t in block.iter() if t.tag.endswith("}t")))
        elif tag == "tbl":
            for paragraph in block.iter():
                if paragraph.tag.endswith("}p"):
                    texts = (t.text or "" for t in paragraph.iter() if t.tag.endswith("}t"))
                    lines.append("".join(texts))
    return [line for line in lines if line.strip()]


def test_the_cell_signs_its_proposal_and_the_committee_its_decision(
    cast: Cast, round_: Round
) -> None:
    secretary = make_person(cast.cell_a1, full_name="Nguyễn Văn Bí")
    Position.objects.create(
        person=secretary, title="Bí thư chi bộ", unit=cast.cell_a1, appointed=dt.date(2025, 1, 1)
    )
    lines = lines_of(self_review_docx(round_.evaluation))
    proposal = lines.index("Chi bộ đề xuất xếp loại mức chất lượng")
    competent = lines.index("Cấp có thẩm quyền xếp loại mức chất lượng")
    between = lines[proposal:competent]
    assert "T/M CHI BỘ" in between
    assert "BÍ THƯ" in between
    assert "Nguyễn Văn Bí" in between  # the cell's secretary on the evaluation date
    after = lines[competent:]
    assert "T/M ĐẢNG ỦY" in after  # Đảng bộ A decides for its cells' members
    assert "T/M CHI BỘ" not in after
    # the member still signs their own review, before the cell's part
    assert "NGƯỜI TỰ KIỂM ĐIỂM" in lines[:proposal]
