import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from xeploai.audit.models import AuditEvent
from xeploai.imports.services import Outcome, import_file
from xeploai.imports.tests.conftest import TODAY, Writer, fingerprint
from xeploai.org.models import Membership, MembershipKind, Person, PersonStatus
from xeploai.testing import Cast

pytestmark = pytest.mark.django_db


def person(
    name: str = "Phạm Văn Hùng", cccd: str | None = "084185000123", cell: str = "A1", **extra: Any
) -> dict[str, Any]:
    row = {
        "Họ và tên": name,
        "Ngày sinh": "15/08/1985",
        "Giới tính": "Nam",
        "Số CCCD": cccd,
        "Số thẻ đảng viên": extra.pop("card", ""),
        "Ngày vào Đảng": dt.date(2010, 5, 19),
        "Ngày chính thức": "19/05/2011",
        "Mã chi bộ": cell,
    }
    row.update(extra)
    return row


def run(path: Path, **options: Any) -> Outcome:
    options.setdefault("today", TODAY)
    return import_file(actor=None, kind="people", path=path, **options)


def test_a_good_file_creates_people_with_their_opening_membership(cast: Cast, xlsx: Writer) -> None:
    path = xlsx(
        "people", [person(), person("Lê Thị Mai", "084186000124", cell="A2", Giới_tính="Nữ")]
    )
    outcome = run(path)
    assert outcome.ok, outcome.problems
    assert (outcome.created, outcome.updated, outcome.unchanged) == (2, 0, 0)
    hung = Person.objects.get(citizen_id="084185000123")
    assert hung.unit == cast.cell_a1
    assert hung.date_of_birth == dt.date(1985, 8, 15)
    assert hung.name_folded == "pham van hung"
    membership = Membership.objects.get(person=hung)
    assert (membership.kind, membership.start, membership.end) == (
        MembershipKind.OFFICIAL,
        dt.date(2010, 5, 19),
        None,
    )
    event = AuditEvent.objects.get(action="import_people")
    assert event.after is not None
    assert event.after["created"] == 2
    assert len(event.after["sha256"]) == 64


def test_reimporting_the_same_file_changes_nothing(cast: Cast, xlsx: Writer) -> None:
    path = xlsx("people", [person(), person("Lê Thị Mai", "084186000124")])
    run(path)
    before = fingerprint()
    outcome = run(path)
    assert (outcome.created, outcome.updated, outcome.unchanged) == (0, 0, 2)
    after = fingerprint()
    assert after[1] == before[1]


def test_a_dry_run_reports_and_writes_nothing(cast: Cast, xlsx: Writer) -> None:
    before = fingerprint()
    outcome = run(xlsx("people", [person()]), dry_run=True)
    assert (outcome.created, outcome.dry_run) == (1, True)
    assert fingerprint() == before


def test_a_new_cell_is_a_transfer(cast: Cast, xlsx: Writer) -> None:
    run(xlsx("people", [person()]))
    outcome = run(xlsx("people", [person(cell="A2", **{"Ngày bắt đầu sinh hoạt": "01/02/2026"})]))
    assert (outcome.updated, outcome.details["transfers"]) == (1, 1)
    hung = Person.objects.get(citizen_id="084185000123")
    assert hung.unit == cast.cell_a2
    spans = list(hung.memberships.order_by("start").values_list("unit__code", "start", "end"))
    assert spans == [
        ("A1", dt.date(2010, 5, 19), dt.date(2026, 1, 31)),
        ("A2", dt.date(2026, 2, 1), None),
    ]


def test_people_are_matched_by_card_when_there_is_no_citizen_id(cast: Cast, xlsx: Writer) -> None:
    existing = cast.member_b1
    path = xlsx(
        "people",
        [
            person(
                existing.full_name,
                "",
                cell="B1",
                card=existing.party_card_number,
                **{"Tình trạng": "Miễn công tác và sinh hoạt đảng"},
            )
        ],
    )
    outcome = run(path)
    assert outcome.ok, outcome.problems
    assert (outcome.created, outcome.updated) == (0, 1)
    existing.refresh_from_db()
    assert existing.status == PersonStatus.EXEMPT
    assert existing.citizen_id  # a blank cell keeps the stored value


@pytest.mark.parametrize("second_cell", ["B1", "A2"])
def test_a_member_on_two_rows_once_by_citizen_id_once_by_card_is_an_error(
    cast: Cast, xlsx: Writer, second_cell: str
) -> None:
    """Each row on its own is fine; together they are the same member twice (an update counted
    twice, or two transfers that broke the one-open-membership key): the second row is refused,
    naming the first, and nothing is written."""
    existing = cast.member_b1
    assert existing.citizen_id and existing.party_card_number
    status = {"Tình trạng": "Miễn công tác và sinh hoạt đảng"}
    rows = [
        person(existing.full_name, existing.citizen_id, cell="B1", **status),  # Excel row 2
        person(existing.full_name, "", cell=second_cell, card=existing.party_card_number),
    ]
    before = fingerprint()
    outcome = run(xlsx("people", rows))
    assert [(p.row, p.header) for p in outcome.problems] == [(3, "")]
    assert "dòng 2 đã là đảng viên này" in outcome.problems[0].message
    assert fingerprint() == before
