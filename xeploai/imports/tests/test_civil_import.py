"""Import of the agency's civil-service ratings (issue 15 §3): keyed by citizen ID or card
number, checked against the scale of the year (Nghị định 335/2025 from 2026), scoped, audited,
all or nothing; hostile files refused like the other imports."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import BytesIO, StringIO
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings

from xeploai.audit.models import AuditEvent
from xeploai.imports.problems import EXIT_BAD_FILE, EXIT_INVALID
from xeploai.imports.services import Outcome, import_file
from xeploai.imports.tests.conftest import headers, write_xlsx
from xeploai.org.models import CivilServiceRating, Person
from xeploai.org.services import person_update
from xeploai.testing import Cast, make_person, make_user

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 12, 20)


@pytest.fixture
def servants(cast: Cast) -> tuple[Person, Person]:
    person_update(actor=None, person=cast.member_a1, is_civil_servant=True)
    other = make_person(cast.cell_a2, full_name="Võ Văn Công", is_civil_servant=True)
    return Person.objects.get(pk=cast.member_a1.pk), other


def row(
    year: Any = 2026,
    cccd: str = "",
    card: str = "",
    name: str = "",
    level: Any = "HTTNV",
    points: Any = "",
    agency: Any = "",
    rated_on: Any = "",
) -> list[Any]:
    return [year, cccd, card, name, level, points, agency, rated_on]


def civil_file(tmp_path: Path, *rows: list[Any], name: str = "cbccvc.xlsx") -> Path:
    return write_xlsx(tmp_path / name, "XepLoaiCBCCVC", headers("civil"), list(rows))


def run(path: Path, **options: Any) -> Outcome:
    options.setdefault("today", TODAY)
    return import_file(actor=None, kind="civil", path=path, **options)


def texts(outcome: Outcome) -> list[str]:
    return [str(p) for p in outcome.problems]


def ratings() -> list[tuple[Any, ...]]:
    return list(
        CivilServiceRating.objects.order_by("person_id", "year").values_list(
            "person_id", "year", "level", "points", "agency", "rated_on"
        )
    )


def test_ratings_are_created_by_citizen_id_or_card_then_updated_and_audited(
    cast: Cast, servants: tuple[Person, Person], tmp_path: Path
) -> None:
    lan, cong = servants
    path = civil_file(
        tmp_path,
        row(
            cccd=lan.citizen_id or "",
            name="tran thi lan",
            level="Hoàn thành tốt nhiệm vụ",
            points=86.5,
            agency="Sở Tài chính",
            rated_on="20/11/2026",
        ),
        row(card=cong.party_card_number or "", level="htxsnv", points="92,25"),
        row(year=2025, card=cong.party_card_number or "", level="HTNV"),
    )
    outcome = run(path, scope=cast.org_a)
    assert outcome.ok, texts(outcome)
    assert (outcome.created, outcome.updated, outcome.unchanged) == (3, 0, 0)
    assert ratings() == [
        (lan.pk, 2026, "HTTNV", Decimal("86.50"), "Sở Tài chính", dt.date(2026, 11, 20)),
        (cong.pk, 2025, "HTNV", None, "", None),
        (cong.pk, 2026, "HTXSNV", Decimal("92.25"), "", None),
    ]
    event = AuditEvent.objects.get(action="import_civil")
    assert event.after is not None and event.after["created"] == 3
    assert event.unit_path == cast.org_a.path
    again = run(path, scope=cast.org_a)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    changed = civil_file(
        tmp_path, row(cccd=lan.citizen_id or "", level="HTNV", points=60), name="b.xlsx"
    )
    outcome = run(changed, scope=cast.org_a)
    assert (outcome.created, outcome.updated) == (0, 1)
    assert ratings()[0][2:4] == ("HTNV", Decimal("60.00"))


def test_every_bad_row_is_named_with_its_field_and_nothing_is_written(
    cast: Cast, servants: tuple[Person, Person], tmp_path: Path
) -> None:
    lan, cong = servants
    path = civil_file(
        tmp_path,
        row(cccd=lan.citizen_id or "", level="HTXSNV", points=89),  # above the band
        row(cccd=cong.citizen_id or "", level="Giỏi"),  # no such level
        row(year=2025, cccd=cong.citizen_id or "", level="HTNV", points=60),  # no points then
        row(cccd="084199999999", level="HTNV"),  # nobody
        row(card=cast.member_b1.party_card_number or "", level="HTNV"),  # outside the scope
        row(cccd=lan.citizen_id or "", level="HTNV", points=120),  # off the scale
        row(cccd=cong.citizen_id or "", level="HTNV", rated_on="01/03/2025"),  # not that year
        row(cccd=cong.citizen_id or "", level="HTNV", points="86.123"),
    )
    before = ratings()
    outcome = run(path, scope=cast.org_a)
    found = texts(outcome)
    expected = [
        'dòng 2, cột F "Điểm": 89 điểm chỉ đạt mức HTTNV: không xếp loại HTXSNV '
        "(NĐ 335/2025/NĐ-CP)",
        'dòng 3, cột E "Mức xếp loại": "Giỏi" không có trong danh mục',
        'dòng 4, cột F "Điểm": Năm 2025 xếp loại cán bộ, công chức, viên chức không chấm điểm',
        'dòng 5, cột B "Số CCCD": không tìm thấy đảng viên có số CCCD "084199999999" trong '
        "phạm vi nhập",
        'dòng 6, cột C "Số thẻ đảng viên": không tìm thấy đảng viên có số thẻ',
        'dòng 7, cột F "Điểm": "120" vượt thang điểm',
        'dòng 8, cột H "Ngày xếp loại": ngày 01/03/2025 không thuộc năm 2026',
        'dòng 9, cột F "Điểm": "86.123" không phải điểm hợp lệ',
    ]
    for words in expected:
        assert any(words in text for text in found), (words, found)
    assert ratings() == before
    assert not AuditEvent.objects.filter(action="import_civil").exists()


def test_a_member_not_recorded_as_civil_servant_and_a_duplicate_are_refused(
    cast: Cast, servants: tuple[Person, Person], tmp_path: Path
) -> None:
    lan, _ = servants
    plain = make_person(cast.cell_a1, full_name="Lê Thị Dân")
    path = civil_file(
        tmp_path,
        row(cccd=lan.citizen_id or "", level="HTNV"),
        row(card=lan.party_card_number or "", level="HTTNV"),
        row(cccd=plain.citizen_id or "", level="HTNV"),
    )
    found = texts(run(path))
    assert any("dòng 3: kết quả năm 2026 của đảng viên này trùng với dòng 2" in t for t in found)
    assert any(
        "dòng 4: đảng viên này không được ghi là cán bộ, công chức, viên chức" in t for t in found
    ), found
    assert not CivilServiceRating.objects.exists()


def _refused(path: Path, code: int, expected: str) -> None:
    out = StringIO()
    with pytest.raises(CommandError) as error:
        call_command("import", "civil", str(path), stdout=out)
    assert error.value.returncode == code
    assert expected in str(error.value) + out.getvalue(), str(error.value) + out.getvalue()
    assert not CivilServiceRating.objects.exists()


def test_formula_cells_and_formula_like_text_are_refused(
    cast: Cast, servants: tuple[Person, Person], tmp_path: Path
) -> None:
    lan, _ = servants
    formula = civil_file(tmp_path, row(cccd=lan.citizen_id or "", agency='=HYPERLINK("x")'))
    _refused(formula, EXIT_INVALID, 'cột G "Cơ quan xếp loại": ô chứa công thức')
    text = civil_file(tmp_path, row(cccd=lan.citizen_id or "", agency="@SUM(A1)"), name="text.xlsx")
    _refused(text, EXIT_INVALID, 'bắt đầu bằng "@" nên bảng tính có thể hiểu là công thức')


def test_a_wrong_sheet_too_many_rows_and_too_many_bytes_are_refused(
    cast: Cast, servants: tuple[Person, Person], tmp_path: Path, settings: Settings
) -> None:
    lan, _ = servants
    wrong = write_xlsx(tmp_path / "w.xlsx", "KetQua", headers("civil"), [row(cccd="1" * 12)])
    _refused(wrong, EXIT_BAD_FILE, 'không có sheet "XepLoaiCBCCVC"')
    settings.IMPORT_MAX_ROWS = 3
    many = civil_file(
        tmp_path, *[row(cccd=lan.citizen_id or "") for _ in range(5)], name="many.xlsx"
    )
    _refused(many, EXIT_BAD_FILE, "có hơn 3 dòng, quá giới hạn")
    settings.IMPORT_MAX_ROWS = 1000
    settings.UPLOAD_MAX_BYTES = 1000
    _refused(
        civil_file(tmp_path, row(cccd=lan.citizen_id or ""), name="big.xlsx"),
        EXIT_BAD_FILE,
        "quá giới hạn",
    )


def test_the_template_downloads_with_its_header_print_setup_and_guide(
    db: None, client: Client
) -> None:
    client.force_login(make_user("reader"))
    response = client.get(reverse("import_template", args=["civil"]))
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(BytesIO(response.content))
    data = workbook["XepLoaiCBCCVC"]
    assert [c.value for c in data[1]] == headers("civil")
    assert data.print_title_rows == "$1:$1" and data.freeze_panes == "A2"
    assert data.page_setup.paperSize == 9 and data.page_setup.fitToWidth == 1
    guide = "\n".join(str(c.value) for r in workbook["HuongDan"].iter_rows() for c in r if c.value)
    assert "Nghị định 335/2025/NĐ-CP" in guide and "QĐ 366 Đ.3 k.4" in guide
