"""Issue 13 §1: an import touches only what lies in its scope, and says nothing of the rest.

A clerk of A imports with ``scope=A`` (the web import's unit): a row naming a member or a unit
outside A is an error on that row — the same error as for a number or a code that does not
exist, or a neutral one — on a dry run as on a real one, and nothing is written.
"""

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from xeploai.cycles.models import Period, PeriodStatus, ruleset_key_for_year
from xeploai.cycles.services import period_create
from xeploai.imports.services import Outcome, import_file
from xeploai.imports.tests.conftest import TODAY, Writer, fingerprint
from xeploai.imports.tests.test_people_import import person
from xeploai.imports.tests.test_results_import import result
from xeploai.org.models import Level, OrgUnit
from xeploai.org.services import person_transfer
from xeploai.reviews.models import Evaluation, SubjectKind
from xeploai.testing import Cast

pytestmark = pytest.mark.django_db
UNKNOWN_CCCD = "099999999999"
UNKNOWN_CARD = "99999999"


def run(kind: str, path: Path, **options: Any) -> Outcome:
    options.setdefault("today", TODAY)
    return import_file(kind=kind, path=path, **options)


def messages(outcome: Outcome) -> list[str]:
    return [str(p) for p in outcome.problems]


def closed_2024(root: OrgUnit) -> Period:
    return period_create(
        actor=None,
        name="Kiểm điểm, xếp loại năm 2024",
        year=2024,
        ruleset=ruleset_key_for_year(2024),
        scope_root=root,
        evaluation_date=dt.date(2024, 12, 10),
        status=PeriodStatus.CLOSED,
    )


# Results ---------------------------------------------------------------------------------


@pytest.mark.parametrize("dry_run", [False, True])
@pytest.mark.parametrize("number", ["citizen_id", "party_card_number"])
@pytest.mark.parametrize("with_name", [False, True])
def test_a_results_row_naming_a_member_outside_the_scope_is_answered_as_an_unknown_one(
    cast: Cast, xlsx: Writer, dry_run: bool, number: str, with_name: bool
) -> None:
    """The attack of issue 13: a cell of one's own, the number of a member elsewhere."""
    b1 = cast.member_b1
    known, unknown = (
        (b1.citizen_id, UNKNOWN_CCCD)
        if number == "citizen_id"
        else (b1.party_card_number, UNKNOWN_CARD)
    )
    assert known is not None
    column = "cccd" if number == "citizen_id" else "card"
    name = b1.full_name if with_name else ""
    before = fingerprint()
    answers = []
    for value in (known, unknown):
        row = result(2024, "Đảng viên", "A1", "KHTNV", name=name, **{column: value})
        outcome = run(
            "results", xlsx("results", [row]), actor=cast.clerk, scope=cast.org_a, dry_run=dry_run
        )
        answers.append([m.replace(value, "…") for m in messages(outcome)])
    assert answers[0] == answers[1]
    assert len(answers[0]) == 1 and "trong phạm vi nhập" in answers[0][0], answers
    assert fingerprint() == before


def test_a_results_row_needs_the_members_cell_that_year_inside_the_scope(
    cast: Cast, xlsx: Writer
) -> None:
    """Lan was in A1 in 2024 and moved to B1 in 2025: B's clerk cannot write her 2024 result
    (the unit code on the row is B's own), A's clerk can."""
    lan = cast.member_a1
    person_transfer(actor=None, person=lan, to_unit=cast.cell_b1, on=dt.date(2025, 3, 1))
    row = result(2024, "Đảng viên", "B1", "KHTNV", cccd=lan.citizen_id)
    before = fingerprint()
    refused = run("results", xlsx("results", [row]), actor=cast.outsider, scope=cast.org_b)
    assert len(refused.problems) == 1 and "không tìm thấy đảng viên" in messages(refused)[0]
    assert fingerprint() == before
    row = result(2024, "Đảng viên", "A1", "HTTNV", cccd=lan.citizen_id)
    accepted = run("results", xlsx("results", [row]), actor=cast.clerk, scope=cast.org_a)
    assert accepted.ok, messages(accepted)


def test_a_results_row_cannot_rewrite_an_evaluation_held_outside_the_scope(
    cast: Cast, xlsx: Writer
) -> None:
    """Lan moved from A1 to B1 in June 2024; B1 decided her 2024 result. A's clerk may not move
    that evaluation back into A1 (her membership in A1 that year does not open B's record)."""
    lan = cast.member_a1
    person_transfer(actor=None, person=lan, to_unit=cast.cell_b1, on=dt.date(2024, 6, 1))
    path = xlsx("results", [result(2024, "Đảng viên", "B1", "HTTNV", cccd=lan.citizen_id)])
    assert run("results", path, actor=None, scope=cast.root).ok
    before = fingerprint()
    row = result(2024, "Đảng viên", "A1", "KHTNV", cccd=lan.citizen_id)
    outcome = run("results", xlsx("results", [row]), actor=cast.clerk, scope=cast.org_a)
    assert len(outcome.problems) == 1, messages(outcome)
    assert "B1" not in messages(outcome)[0]
    assert fingerprint() == before
    evaluation = Evaluation.objects.get(person=lan)
    assert (evaluation.unit, evaluation.level) == (cast.cell_b1, Level.HTTNV)


# People ----------------------------------------------------------------------------------

NEUTRAL_PERSON = "không dùng được trong phạm vi nhập; liên hệ cấp trên"


@pytest.mark.parametrize("dry_run", [False, True])
@pytest.mark.parametrize(
    "numbers",
    [
        {"cccd": "B1"},
        {"cccd": "084185000123", "card": "B1"},
        {"cccd": "A1", "card": "B1"},
        {"cccd": "B1", "card": "A1"},
    ],
    ids=["cccd-elsewhere", "card-elsewhere", "a1-cccd-b1-card", "b1-cccd-a1-card"],
)
def test_a_people_row_with_a_number_held_outside_the_scope_gets_a_neutral_answer(
    cast: Cast, xlsx: Writer, dry_run: bool, numbers: dict[str, str]
) -> None:
    members = {"A1": cast.member_a1, "B1": cast.member_b1}
    given_cccd, given_card = numbers["cccd"], numbers.get("card", "")
    cccd = members[given_cccd].citizen_id if given_cccd in members else given_cccd
    card = members[given_card].party_card_number if given_card in members else given_card
    before = fingerprint()
    path = xlsx("people", [person("Lê Văn Bình", cccd, cell="A1", **{"Số thẻ đảng viên": card})])
    outcome = run("people", path, actor=cast.clerk, scope=cast.org_a, dry_run=dry_run)
    found = messages(outcome)
    assert len(found) == 1 and NEUTRAL_PERSON in found[0], found
    for word in ("ngoài phạm vi", "sinh hoạt", "hai đảng viên", "B1", "Bình"):
        assert word not in found[0].split(":", 1)[1], found
    assert fingerprint() == before


# Units -----------------------------------------------------------------------------------


@pytest.mark.parametrize("dry_run", [False, True])
def test_a_units_row_with_a_code_used_outside_the_scope_gets_a_neutral_answer(
    cast: Cast, xlsx: Writer, dry_run: bool
) -> None:
    from xeploai.imports.tests.test_units_import import unit

    path = xlsx("units", [unit("B1", "Chi bộ mới", "Chi bộ trực thuộc", "A")])
    before = fingerprint()
    outcome = run("units", path, actor=cast.clerk, scope=cast.org_a, dry_run=dry_run)
    assert messages(outcome) == [
        'Sheet "ToChuc", dòng 2, cột A "Mã tổ chức": mã "B1" không dùng được trong phạm vi '
        "nhập; liên hệ cấp trên"
    ]
    assert fingerprint() == before


# One yearly period per subject and year -----------------------------------------------------


def test_results_imported_without_then_with_the_scope_land_in_one_period(
    cast: Cast, xlsx: Writer
) -> None:
    path = xlsx(
        "results",
        [
            result(2024, "Đảng viên", "A1", "HTTNV", cccd=cast.member_a1.citizen_id),
            result(2024, "Chi bộ trực thuộc", "A1", "HTTNV"),
        ],
    )
    first = run("results", path, actor=None)
    assert (first.created, first.details["periods_created"]) == (2, 1), messages(first)
    before = fingerprint()
    again = run("results", path, actor=cast.clerk, scope=cast.org_a)
    assert again.ok, messages(again)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert fingerprint()[1] == before[1]
    assert Period.objects.count() == 1
    assert Evaluation.objects.filter(kind=SubjectKind.MEMBER).count() == 1


def test_results_that_would_need_a_period_overlapping_another_are_refused(
    cast: Cast, xlsx: Writer
) -> None:
    inner = closed_2024(cast.cell_a1)
    path = xlsx(
        "results",
        [
            result(2024, "Chi bộ trực thuộc", "A1", "HTTNV"),
            result(2024, "Chi bộ trực thuộc", "B1", "HTTNV"),
        ],
    )
    before = fingerprint()
    outcome = run("results", path, actor=None, scope=cast.root)
    found = messages(outcome)
    assert len(found) == 1 and f'"{inner.name}"' in found[0], found
    assert fingerprint() == before
