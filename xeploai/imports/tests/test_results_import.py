import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from xeploai.cycles.models import Period, PeriodStatus
from xeploai.cycles.services import period_create
from xeploai.imports.services import Outcome, import_file
from xeploai.imports.tests.conftest import TODAY, Writer, fingerprint, headers, write_xlsx
from xeploai.lib.numbers import percent
from xeploai.org.models import Level
from xeploai.reviews.models import Evaluation, LedgerStage, Proposal, Stage, SubjectKind, UnitStat
from xeploai.reviews.stats import stats_differences
from xeploai.testing import Cast, plain_unit_figures, tree_figures

pytestmark = pytest.mark.django_db


def result(
    year: int | str,
    subject: str,
    unit: str,
    level: str = "",
    reason: str = "",
    cccd: str | None = "",
    card: str | None = "",
    name: str | None = "",
) -> dict[str, int | str | None]:
    return {
        "Năm": year,
        "Đối tượng": subject,
        "Mã tổ chức": unit,
        "Số CCCD": cccd,
        "Số thẻ đảng viên": card,
        "Họ và tên": name,
        "Mức xếp loại": level,
        "Lý do chưa xếp loại": reason,
    }


def run(path: Path, **options: Any) -> Outcome:
    options.setdefault("today", TODAY)
    return import_file(actor=None, kind="results", path=path, **options)


def messages(outcome: Outcome) -> list[str]:
    return [str(p) for p in outcome.problems]


def test_results_create_a_closed_period_decided_evaluations_and_ledger_rows(
    cast: Cast, xlsx: Writer
) -> None:
    path = xlsx(
        "results",
        [
            result(
                2024,
                "Đảng viên",
                "A1",
                "HTXSNV",
                cccd=cast.member_a1.citizen_id,
                name="tran thi lan",
            ),
            result(
                2024,
                "dang_vien",
                "B1",
                reason="Mới kết nạp dưới 06 tháng",
                card=cast.member_b1.party_card_number,
            ),
            result(2024, "Chi bộ trực thuộc", "A1", "Hoàn thành tốt nhiệm vụ"),
            result(2024, "Tổ chức cơ sở đảng", "A", "HTTNV"),
            result(2024, "Tập thể cấp ủy", "A", "HTNV"),
        ],
    )
    outcome = run(path)
    assert outcome.ok, messages(outcome)
    assert (outcome.created, outcome.details["periods_created"]) == (5, 1)
    period = Period.objects.get(year=2024)
    assert (period.scope_root, period.status, period.ruleset, period.evaluation_date) == (
        cast.root,
        PeriodStatus.CLOSED,
        "124-2023",
        dt.date(2024, 12, 10),
    )
    lan = Evaluation.objects.get(period=period, person=cast.member_a1)
    assert (lan.stage, lan.level, lan.decider, lan.unit) == (
        Stage.DECIDED,
        Level.HTXSNV,
        cast.org_a,
        cast.cell_a1,
    )
    cell = Evaluation.objects.get(period=period, kind=SubjectKind.CELL)
    assert cell.decider == cast.org_a
    grassroots = Evaluation.objects.get(period=period, kind=SubjectKind.GRASSROOTS)
    assert grassroots.decider == cast.root
    assert Proposal.objects.filter(stage=LedgerStage.IMPORT).count() == 5
    assert stats_differences(period) == []
    before = fingerprint()
    again = run(path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)
    assert fingerprint()[1] == before[1]
    changed = xlsx(
        "results", [result(2024, "Đảng viên", "A1", "HTNV", cccd=cast.member_a1.citizen_id)]
    )
    third = run(changed)
    assert (third.updated, third.unchanged) == (1, 0)
    lan.refresh_from_db()
    assert (lan.level, lan.version) == (Level.HTNV, 2)
    assert Proposal.objects.filter(evaluation=lan).count() == 2
    assert stats_differences(period) == []
    assert tree_figures()["unit"] == plain_unit_figures()  # the pivoted rows, counted again


def test_an_open_period_refuses_history(cast: Cast, xlsx: Writer) -> None:
    period_create(
        actor=None,
        name="2025",
        year=2025,
        ruleset="366-2025",
        scope_root=cast.root,
        evaluation_date=dt.date(2025, 12, 10),
        status=PeriodStatus.OPEN,
    )
    before = fingerprint()
    outcome = run(xlsx("results", [result(2025, "Chi bộ trực thuộc", "A1", "HTTNV")]))
    assert any("đang diễn ra" in m for m in messages(outcome)), messages(outcome)
    assert fingerprint() == before


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (result(2024, "Đảng viên", "A1", "HTTNV", cccd="999999999999"), "không tìm thấy đảng viên"),
        (result(2024, "Đảng viên", "A", "HTTNV", cccd="CAST_A1"), "với đảng viên cần mã chi bộ"),
        (
            result(2024, "Chi bộ trực thuộc", "A", "HTTNV"),
            'không phải đối tượng "Chi bộ trực thuộc"',
        ),
        (result(2024, "Chi bộ trực thuộc", "A1", "HTTNV", "MOI_THANH_LAP"), "không ghi cả hai"),
        (result(2024, "Chi bộ trực thuộc", "A1"), "cần mức xếp loại hoặc lý do"),
        (result(2031, "Chi bộ trực thuộc", "A1", "HTTNV"), "không phải năm hợp lệ"),
        (result(2024, "Đảng viên", "A1", "XUAT SAC", cccd="CAST_A1"), "không có trong danh mục"),
        (
            result(2024, "Đảng viên", "A1", "HTTNV", cccd="CAST_A1", name="Ai Khác"),
            "không khớp họ tên",
        ),
    ],
)
def test_a_wrong_result_row_is_reported(
    cast: Cast, xlsx: Writer, row: dict[str, int | str | None], expected: str
) -> None:
    if row["Số CCCD"] == "CAST_A1":
        row["Số CCCD"] = cast.member_a1.citizen_id
    before = fingerprint()
    outcome = run(xlsx("results", [row]))
    assert any(expected in m for m in messages(outcome)), messages(outcome)
    assert fingerprint() == before


def test_the_same_subject_twice_in_a_year_names_both_rows(cast: Cast, xlsx: Writer) -> None:
    outcome = run(xlsx("results", [result(2024, "Chi bộ trực thuộc", "A1", "HTTNV")] * 2))
    assert messages(outcome) == [
        'Sheet "KetQua", dòng 3: kết quả năm 2024 của đối tượng này trùng với dòng 2'
    ]


def test_a_published_year_loads_to_its_exact_counts(cast: Cast, tmp_path: Path) -> None:
    """Seed 004 (rules.md §7.2): 6,102 members — 847 / 5,041 / 67 / 15, 132 not rated."""
    cells = ["A1", "A2"]
    people_rows = []
    result_rows = []
    levels = (
        [("HTXSNV", "")] * 847
        + [("HTTNV", "")] * 5041
        + [("HTNV", "")] * 67
        + [("KHTNV", "")] * 15
        + [("", "MOI_KET_NAP_DUOI_6T")] * 132
    )
    for n, (level, reason) in enumerate(levels):
        cccd = f"0841{n:08d}"
        people_rows.append(
            [f"Đảng viên {n}", "", "", cccd, "", dt.date(2000, 1, 1), "", cells[n % 2]]
        )
        result_rows.append([2023, "dang_vien", cells[n % 2], cccd, "", "", level, reason])
    people = write_xlsx(tmp_path / "dv.xlsx", "DangVien", headers("people")[:8], people_rows)
    assert import_file(actor=None, kind="people", path=people, today=TODAY).created == 6102
    results = write_xlsx(tmp_path / "kq.xlsx", "KetQua", headers("results"), result_rows)
    outcome = import_file(actor=None, kind="results", path=results, today=TODAY)
    assert outcome.ok and outcome.created == 6102
    period = Period.objects.get(year=2023)
    counts = UnitStat.objects.get(period=period, unit=cast.root, block="dang_vien").counts()
    assert counts == {
        "HTXSNV": 847,
        "HTTNV": 5041,
        "HTNV": 67,
        "KHTNV": 15,
        "NR:MOI_KET_NAP_DUOI_6T": 132,
    }
    rated = 6102 - 132
    assert str(percent(847 + 5041, rated)) == "98.63"
    assert str(percent(847, 847 + 5041)) == "14.39"
    assert str(percent(67, rated)) == "1.12"
    assert str(percent(15, rated)) == "0.25"
