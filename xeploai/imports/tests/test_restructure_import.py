"""The import of restructure lists: old code → new code, kind, effective date (issue 16 §2)."""

from __future__ import annotations

import datetime as dt
import importlib
from pathlib import Path
from typing import Any

import pytest

from xeploai.audit.models import AuditEvent
from xeploai.cycles.models import Period
from xeploai.imports.services import Outcome, import_file
from xeploai.imports.tests.conftest import TODAY, Writer, fingerprint
from xeploai.org.models import LineageKind, OrgUnit, Person, UnitKind, UnitLineage
from xeploai.testing import Cast, make_person, make_unit, open_year, rounds_problems

pytestmark = pytest.mark.django_db


def row(
    old: str, new: str, action: str, on: str = "01/07/2025", children: str = ""
) -> dict[str, Any]:
    return {
        "Mã tổ chức cũ": old,
        "Mã tổ chức mới": new,
        "Hình thức": action,
        "Ngày hiệu lực": on,
        "Tổ chức trực thuộc chuyển theo": children,
    }


def run(path: Path, **options: Any) -> Outcome:
    options.setdefault("today", TODAY)
    return import_file(actor=None, kind="restructure", path=path, **options)


def messages(outcome: Outcome) -> list[str]:
    return [str(p) for p in outcome.problems]


def test_a_list_merges_splits_dissolves_and_moves_in_one_go(cast: Cast, xlsx: Writer) -> None:
    make_person(cast.cell_a2)
    new = make_unit(
        UnitKind.GRASSROOTS_COMMITTEE, cast.root, code="AB", established=dt.date(2025, 7, 1)
    )
    upper = make_unit(UnitKind.UPPER, cast.root, code="UP")
    path = xlsx(
        "restructure",
        [
            row("A2", "A1", "Sáp nhập"),
            row("A", "AB", "Sáp nhập"),
            row("B", "AB", "sap_nhap"),
            row("C", "UP", "Chuyển trực thuộc"),
        ],
    )
    outcome = run(path)
    assert outcome.ok, messages(outcome)
    assert outcome.updated == 4
    assert outcome.details == {"sap_nhap": 2, "chuyen": 1, "roles_ended": 3}
    assert set(OrgUnit.objects.filter(parent=new).values_list("code", flat=True)) == {"A1", "B1"}
    assert OrgUnit.objects.get(code="C").parent_id == upper.pk
    assert set(UnitLineage.objects.values_list("predecessor__code", "successor__code", "kind")) == {
        ("A2", "A1", LineageKind.MERGE),
        ("A", "AB", LineageKind.MERGE),
        ("B", "AB", LineageKind.MERGE),
    }
    assert not Person.objects.filter(unit__code="A2").exists()
    assert AuditEvent.objects.filter(action="import_restructure").count() == 1


def test_a_split_gives_the_cells_named_to_each_new_committee(cast: Cast, xlsx: Writer) -> None:
    make_unit(UnitKind.GRASSROOTS_COMMITTEE, cast.root, code="AE")
    make_unit(UnitKind.GRASSROOTS_COMMITTEE, cast.root, code="AW")
    path = xlsx(
        "restructure",
        [row("A", "AE", "Chia tách", children="A1"), row("A", "AW", "Chia tách", children="A2")],
    )
    outcome = run(path)
    assert outcome.ok, messages(outcome)
    assert OrgUnit.objects.get(code="A1").parent.code == "AE"  # type: ignore[union-attr]
    assert OrgUnit.objects.get(code="A2").parent.code == "AW"  # type: ignore[union-attr]
    assert OrgUnit.objects.get(code="A").dissolved == dt.date(2025, 7, 1)


def test_bad_rows_are_named_in_vietnamese_and_nothing_is_written(cast: Cast, xlsx: Writer) -> None:
    make_unit(UnitKind.GRASSROOTS_COMMITTEE, cast.root, code="AE")
    before = fingerprint()
    path = xlsx(
        "restructure",
        [
            row("A2", "A1", "Sáp nhập"),  # fine on its own: rolled back with the rest
            row("NOPE", "A1", "Sáp nhập"),
            row("B", "", "Sáp nhập"),
            row("A1", "A1", "Sáp nhập"),
            row("A", "AE", "Chia tách", children="B1"),
            row("C", "B", "Gộp"),
        ],
    )
    outcome = run(path)
    found = messages(outcome)
    assert not outcome.ok
    assert any("dòng 3" in m and "không có tổ chức mã NOPE" in m for m in found), found
    assert any("dòng 4" in m and "cần mã tổ chức mới" in m for m in found), found
    assert any("dòng 5" in m and "trùng mã tổ chức cũ" in m for m in found), found
    assert any("dòng 6" in m and "B1 không trực thuộc tổ chức cũ" in m for m in found), found
    assert any("dòng 7" in m and "Gộp" in m for m in found), found
    assert fingerprint() == before


def test_a_refused_operation_is_the_problem_of_its_row_and_rolls_back_the_file(
    cast: Cast, xlsx: Writer
) -> None:
    """Merging a cell into a committee (different kinds): the service refuses; the merge of
    the row before, which succeeded, is rolled back with it."""
    before = fingerprint()
    path = xlsx("restructure", [row("A2", "A1", "Sáp nhập"), row("B1", "B", "Sáp nhập")])
    outcome = run(path)
    found = messages(outcome)
    assert any("dòng 3" in m and "cùng loại" in m for m in found), found
    assert fingerprint() == before
    assert not UnitLineage.objects.exists()


def test_a_dry_run_checks_the_operations_and_writes_nothing(cast: Cast, xlsx: Writer) -> None:
    before = fingerprint()
    outcome = run(xlsx("restructure", [row("A2", "A1", "Sáp nhập")]), dry_run=True)
    assert outcome.ok and outcome.updated == 1
    assert fingerprint() == before


def test_a_restructure_list_keeps_every_open_round_whole(cast: Cast, xlsx: Writer) -> None:
    """§5 through the import: rounds of 2025 per committee and one over the grassroots cell;
    A and B merge into AB, C moves under UP: A's round follows AB and takes B's, C's round
    goes along with C (it stays its own scope)."""
    for cell in (cast.cell_a1, cast.cell_a2, cast.cell_b1):
        make_person(cell)
    on = dt.date(2025, 7, 1)
    round_a, round_b = open_year(cast.org_a, 2025), open_year(cast.org_b, 2025)
    round_c = open_year(cast.grassroots_cell, 2025)
    new = make_unit(UnitKind.GRASSROOTS_COMMITTEE, cast.root, code="AB", established=on)
    make_unit(UnitKind.UPPER, cast.root, code="UP")
    path = xlsx(
        "restructure",
        [
            row("A", "AB", "Sáp nhập"),
            row("B", "AB", "Sáp nhập"),
            row("C", "UP", "Chuyển trực thuộc"),
        ],
    )
    outcome = run(path)
    assert outcome.ok, messages(outcome)
    assert rounds_problems() == []
    assert Period.objects.get(pk=round_a.pk).scope_root_id == new.pk
    assert not Period.objects.filter(pk=round_b.pk).exists()
    assert Period.objects.get(pk=round_c.pk).scope_root_id == cast.grassroots_cell.pk
    # the report says the offices on A and B ended with them (committee, clerk of A; B's clerk)
    assert outcome.details["roles_ended"] == 3
    command = importlib.import_module("xeploai.imports.management.commands.import")
    assert "phân quyền trên tổ chức thôi tồn tại đã kết thúc 3" in command.summary(outcome)
