import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from xeploai.imports.services import Outcome, import_file
from xeploai.imports.tests.conftest import TODAY, Writer, fingerprint
from xeploai.org.models import OrgUnit, UnitKind
from xeploai.testing import Cast

pytestmark = pytest.mark.django_db


def unit(code: str, name: str, kind: str, parent: str = "", **extra: str) -> dict[str, str]:
    row = {
        "Mã tổ chức": code,
        "Tên tổ chức": name,
        "Loại tổ chức": kind,
        "Mã tổ chức cấp trên": parent,
    }
    row.update(extra)
    return row


def run(path: Path, **options: Any) -> Outcome:
    options.setdefault("today", TODAY)
    return import_file(actor=None, kind="units", path=path, **options)


def messages(outcome: Outcome) -> list[str]:
    return [str(p) for p in outcome.problems]


def test_a_good_file_builds_a_tree_with_paths(cast: Cast, xlsx: Writer) -> None:
    path = xlsx(
        "units",
        [
            unit("D", "Đảng bộ D", "Đảng bộ cơ sở", "ROOT", **{"Ngày thành lập": "01/01/2015"}),
            unit("D1", "Chi bộ D1", "chi_bo", "D", **{"Có cấp ủy": "Không"}),
            unit("D-BP", "Đảng bộ bộ phận D", "Đảng bộ bộ phận", "D"),
            unit("D2", "Chi bộ D2", "Chi bộ trực thuộc", "D-BP"),
        ],
    )
    outcome = run(path)
    assert outcome.ok, messages(outcome)
    assert outcome.created == 4
    d, d1, d2 = (OrgUnit.objects.get(code=c) for c in ("D", "D1", "D2"))
    assert d.parent == cast.root and d.path.startswith(cast.root.path)
    assert d1.path.startswith(d.path) and d2.path.startswith(d.path) and d2.depth == 3
    assert d1.has_committee is False and d.established == dt.date(2015, 1, 1)
    assert (d.kind, d2.kind) == (UnitKind.GRASSROOTS_COMMITTEE, UnitKind.CELL)
    before = fingerprint()
    again = run(path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
    assert fingerprint()[1] == before[1]


def test_a_new_parent_moves_the_whole_subtree(cast: Cast, xlsx: Writer) -> None:
    outcome = run(xlsx("units", [unit("A1", "Chi bộ A1 (mới)", "Chi bộ trực thuộc", "B")]))
    assert outcome.ok, messages(outcome)
    assert (outcome.updated, outcome.details["moved"]) == (1, 1)
    cell = OrgUnit.objects.get(code="A1")
    assert cell.parent == cast.org_b and cell.path.startswith(cast.org_b.path)
    assert cell.name == "Chi bộ A1 (mới)"


def test_moves_are_applied_shallowest_first(cast: Cast, xlsx: Writer) -> None:
    # B under A would be a cycle if applied before A leaves... here A goes under a new upper.
    path = xlsx(
        "units",
        [
            unit("UP2", "Đảng bộ cấp trên 2", "Đảng bộ cấp trên cơ sở", "ROOT"),
            unit("A", "Đảng bộ A", "Đảng bộ cơ sở", "UP2"),
        ],
    )
    outcome = run(path)
    assert outcome.ok, messages(outcome)
    assert OrgUnit.objects.get(code="A2").path.startswith(OrgUnit.objects.get(code="UP2").path)


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (
            [unit("X", "X", "Chi bộ trực thuộc", "ROOT")],
            'cột C "Loại tổ chức": Chi bộ trực thuộc không thể trực thuộc Đảng bộ cấp trên cơ sở',
        ),
        ([unit("X", "X", "Đảng bộ cơ sở", "NOPE")], 'mã "NOPE" không có trong hệ thống'),
        (
            [unit("X1", "X1", "Chi bộ trực thuộc", "X"), unit("X", "X", "Đảng bộ cơ sở", "ROOT")],
            "khai báo ở dòng 3, phía dưới",
        ),
        (
            [unit("X", "X", "Đảng bộ cơ sở", "ROOT"), unit("X", "X", "Đảng bộ cơ sở", "ROOT")],
            'dòng 3, cột A "Mã tổ chức": mã "X" trùng với dòng 2',
        ),
        ([unit("ROOT", "R", "Đảng bộ cấp trên cơ sở", "ROOT")], "không thể trực thuộc chính nó"),
        ([unit("X", "X", "loại lạ", "ROOT")], '"loại lạ" không có trong danh mục'),
        ([unit("x y", "X", "Đảng bộ cơ sở", "ROOT")], '"x y" không phải mã hợp lệ'),
        (
            [unit("X", "X", "Đảng bộ cơ sở", "ROOT", **{"Ngày thành lập": "01/01/2099"})],
            "là ngày trong tương lai",
        ),
        (
            [unit("A", "Đảng bộ A", "Chi bộ cơ sở", "")],
            'không đổi được thành Chi bộ cơ sở: tổ chức cấp dưới "A1"',
        ),
        ([unit("X", "", "Đảng bộ cơ sở", "ROOT")], 'cột B "Tên tổ chức": ô trống'),
        ([unit("X", "x" * 300, "Đảng bộ cơ sở", "ROOT")], "dài 300 ký tự — tối đa 255 ký tự"),
    ],
)
def test_a_wrong_row_is_reported_and_nothing_is_written(
    cast: Cast, xlsx: Writer, rows: list[dict[str, str]], expected: str
) -> None:
    before = fingerprint()
    outcome = run(xlsx("units", rows))
    assert any(expected in m for m in messages(outcome)), messages(outcome)
    assert fingerprint() == before


def test_a_cycle_through_parents_is_refused(cast: Cast, xlsx: Writer) -> None:
    # ROOT is above A; making ROOT a child of a unit under A would close a loop.
    path = xlsx(
        "units",
        [
            unit("UPX", "Cấp trên X", "Đảng bộ cấp trên cơ sở", "ROOT"),
            unit("ROOT", "Đảng bộ Khối thử", "Đảng bộ cấp trên cơ sở", "UPX"),
        ],
    )
    before = fingerprint()
    outcome = run(path)
    assert any("vòng lặp: ROOT → UPX → ROOT" in m for m in messages(outcome)), messages(outcome)
    assert fingerprint() == before


def test_the_scope_limits_what_may_be_touched(cast: Cast, xlsx: Writer) -> None:
    path = xlsx(
        "units",
        [unit("B1", "Chi bộ B1", "Chi bộ trực thuộc", "B"), unit("A9", "Chi bộ A9", "chi_bo", "A")],
    )
    outcome = run(path, scope=cast.org_a)
    found = messages(outcome)
    assert any('mã "B1" không dùng được trong phạm vi nhập' in m for m in found), found
    assert len(found) == 1
