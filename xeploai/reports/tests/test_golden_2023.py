"""The published 2023 figures of seed 004 (rules.md §7.2), digit for digit, from the tables.

The 2023 counts are the published ones; the 2022 counts are built from the reconstructed 2022
rates of §7.2 (collectives 71/3/1 of 75 = 94,67 / 4,00 / 1,33; TCCSĐ 79/5/1 of 85 = 92,94 /
5,88 / 1,18; cells 270/13/0 of 283 = 95,41 / 4,59 / 0; members 5 524/53/23 of 5 600 = 98,64 /
0,95 / 0,41), so that every year-over-year figure of the seed comes out too.

Here the evaluations are written directly and the statistics rebuilt (the computation alone);
``test_golden_2023_import`` loads the same years through ``xeploai import results``, as the
issue asks, and checks the same tables.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from xeploai.cycles.models import Period
from xeploai.org.models import OrgUnit, Person, UnitKind
from xeploai.org.services import units_bulk_create
from xeploai.reports.compute import compute_report
from xeploai.reports.records import Report
from xeploai.reports.tests.factories import make_people, make_period
from xeploai.reports.wording import block_sentence
from xeploai.reviews.models import Evaluation, Stage, SubjectKind
from xeploai.reviews.stats import stats_rebuild

pytestmark = pytest.mark.django_db

# bucket counts per block, 2023 as published and 2022 as reconstructed
Y2023 = {
    SubjectKind.COMMITTEE: {"HTXSNV": 13, "HTTNV": 54, "HTNV": 4},
    SubjectKind.GRASSROOTS: {"HTXSNV": 15, "HTTNV": 61, "HTNV": 5, "NR:MOI_THANH_LAP": 2},
    SubjectKind.CELL: {"HTXSNV": 54, "HTTNV": 220, "HTNV": 8, "NR:MOI_THANH_LAP": 4},
    SubjectKind.MEMBER: {
        "HTXSNV": 847,
        "HTTNV": 5041,
        "HTNV": 67,
        "KHTNV": 15,
        "NR:MOI_KET_NAP_DUOI_6T": 132,
    },
}
Y2022 = {
    SubjectKind.COMMITTEE: {"HTXSNV": 12, "HTTNV": 59, "HTNV": 3, "KHTNV": 1},
    SubjectKind.GRASSROOTS: {"HTXSNV": 14, "HTTNV": 65, "HTNV": 5, "KHTNV": 1},
    SubjectKind.CELL: {"HTXSNV": 50, "HTTNV": 220, "HTNV": 13},
    SubjectKind.MEMBER: {"HTXSNV": 800, "HTTNV": 4724, "HTNV": 53, "KHTNV": 23},
}
GRASSROOTS, CELLS, MEMBERS = 85, 286, 6102


def _spread(buckets: dict[str, int]) -> list[str]:
    return [bucket for bucket, n in buckets.items() for _ in range(n)]


def _tree() -> tuple[OrgUnit, list[OrgUnit], list[OrgUnit]]:
    root = OrgUnit(code="TV-DUK", name="Đảng bộ Khối (seed 004)", kind=UnitKind.UPPER)
    orgs = [
        OrgUnit(code=f"TV-{i:03d}", name=f"Đảng bộ {i:03d}", kind=UnitKind.GRASSROOTS_COMMITTEE)
        for i in range(GRASSROOTS)
    ]
    cells = [
        OrgUnit(code=f"TV-{i % GRASSROOTS:03d}-{i:03d}", name=f"Chi bộ {i:03d}", kind=UnitKind.CELL)
        for i in range(CELLS)
    ]
    units_bulk_create(
        [root, *orgs, *cells],
        [None, *[root] * GRASSROOTS, *[orgs[i % GRASSROOTS] for i in range(CELLS)]],
    )
    return root, orgs, cells


def _load(
    period: Period,
    year_counts: dict[SubjectKind, dict[str, int]],
    root: OrgUnit,
    orgs: list[OrgUnit],
    cells: list[OrgUnit],
    people: list[Person],
) -> None:
    rows: list[Evaluation] = []

    def add(
        kind: str, unit: OrgUnit, decider: OrgUnit | None, bucket: str, person: Person | None = None
    ) -> None:
        level = "" if bucket.startswith("NR:") else bucket
        reason = bucket.removeprefix("NR:") if bucket.startswith("NR:") else ""
        group = "khong_chuc_vu" if person is not None else kind
        rows.append(
            Evaluation(
                period=period,
                kind=kind,
                person=person,
                unit=unit,
                decider=decider,
                group=group,
                level=level,
                not_rated_reason=reason,
                stage=Stage.DECIDED,
            )
        )

    for kind in (SubjectKind.COMMITTEE, SubjectKind.GRASSROOTS):
        for org, bucket in zip(orgs, _spread(year_counts[kind]), strict=False):
            add(kind, org, root, bucket)
    for cell, bucket in zip(cells, _spread(year_counts[SubjectKind.CELL]), strict=False):
        add(SubjectKind.CELL, cell, cell.parent, bucket)
    cell_by_pk = {c.pk: c for c in cells}
    for person, bucket in zip(people, _spread(year_counts[SubjectKind.MEMBER]), strict=False):
        cell = cell_by_pk[person.unit_id]
        add(SubjectKind.MEMBER, cell, cell.parent, bucket, person)
    Evaluation.objects.bulk_create(rows, batch_size=2000)
    stats_rebuild(period)


@pytest.fixture
def report() -> Report:
    root, orgs, cells = _tree()
    people = []
    for index, cell in enumerate(cells):
        size = MEMBERS // CELLS + (1 if index < MEMBERS % CELLS else 0)
        people.extend(make_people(cell, size))
    people.sort(key=lambda p: p.pk)
    y2022 = make_period(root, 2022)
    y2023 = make_period(root, 2023)
    _load(y2022, Y2022, root, orgs, cells, people)
    _load(y2023, Y2023, root, orgs, cells, people)
    return compute_report(root, y2023, as_of=dt.date(2023, 12, 31))


# block, population, rated, HTTNV+ (rate, change), HTXSNV (share), HTNV (rate, change),
# KHTNV (rate, change) — rules.md §7.2
GOLDEN = [
    (SubjectKind.COMMITTEE, 71, 71, 67, "94.37", "-0.30", 13, "19.40", 4, "5.63", "1.63", 0, None, "-1.33"),
    (SubjectKind.GRASSROOTS, 83, 81, 76, "93.83", "0.89", 15, "19.74", 5, "6.17", "0.29", 0, None, "-1.18"),
    (SubjectKind.CELL, 286, 282, 274, "97.16", "1.75", 54, "19.71", 8, "2.84", "-1.75", 0, None, "0.00"),
    (SubjectKind.MEMBER, 6102, 5970, 5888, "98.63", "-0.01", 847, "14.39", 67, "1.12", "0.17", 15, "0.25", "-0.16"),
]  # fmt: skip


def test_the_2023_figures_of_seed_004(report: Report) -> None:
    for row in GOLDEN:
        _check_block(report, *row)
    members = report.block(SubjectKind.MEMBER).current
    assert members.rated_share == Decimal("97.84")
    assert members.not_rated_share == Decimal("2.16")
    assert members.not_rated == (("MOI_KET_NAP_DUOI_6T", 132),)


def _check_block(
    report: Report, kind: str, total: int, rated: int, tt_plus: int, tt_rate: str | None, tt_change: str | None, xs: int, xs_share: str | None, ht: int, ht_rate: str | None, ht_change: str | None,
    k: int, k_rate: str | None, k_change: str | None,
) -> None:  # fmt: skip
    block = report.block(kind)
    counts = block.current

    def dec(text: str | None) -> Decimal | None:
        return None if text is None else Decimal(text)

    assert (counts.total, counts.rated, counts.tt_plus, counts.xs, counts.ht, counts.k) == (
        total,
        rated,
        tt_plus,
        xs,
        ht,
        k,
    )
    assert counts.tt_plus_rate == dec(tt_rate)
    assert counts.xs_share() == dec(xs_share)
    assert counts.ht_rate == dec(ht_rate)
    assert counts.k_rate == (dec(k_rate) if k else Decimal("0.00"))
    assert (block.tt_plus_change, block.ht_change, block.k_change) == (
        dec(tt_change),
        dec(ht_change),
        dec(k_change),
    )


SENTENCES = [
    (
        SubjectKind.COMMITTEE,
        [
            "Có 71 tập thể cấp ủy cơ sở đã được đánh giá, xếp loại chất lượng",
            "hoàn thành tốt nhiệm vụ trở lên là 67, bằng 94,37% (giảm 0,3% so với năm 2022",
            "hoàn thành xuất sắc nhiệm vụ là 13, đạt 19,4%",
            "hoàn thành nhiệm vụ là 04, bằng 5,63% (tăng 1,63% so với năm 2022)",
            "không có tập thể cấp ủy cơ sở không hoàn thành nhiệm vụ (giảm 1,33% so với năm 2022)",
        ],
    ),
    (
        SubjectKind.GRASSROOTS,
        [
            "Đến cuối năm 2023 có 83 TCCSĐ, trong đó: 81 TCCSĐ đã được đánh giá, xếp loại",
            "02 TCCSĐ do mới thành lập chưa đánh giá, xếp loại chất lượng",
            "là 76, bằng 93,83% (tăng 0,89% so với năm 2022",
            "là 15, đạt 19,74%",
            "là 05, bằng 6,17% (tăng 0,29% so với năm 2022)",
            "không có TCCSĐ không hoàn thành nhiệm vụ (giảm 1,18% so với năm 2022)",
        ],
    ),
    (
        SubjectKind.CELL,
        [
            "có 286 chi bộ, trong đó: 282 chi bộ đã được đánh giá",
            "04 chi bộ do mới thành lập chưa đánh giá",
            "là 274, bằng 97,16% (tăng 1,75% so với năm 2022",
            "là 54, đạt 19,71%",
            "là 08, bằng 2,84% (giảm 1,75% so với năm 2022)",
            "không có chi bộ không hoàn thành nhiệm vụ.",
        ],
    ),
    (
        SubjectKind.MEMBER,
        [
            "xếp loại chất lượng là 6.102 đảng viên",
            "được đánh giá, xếp loại chất lượng là 5.970 đồng chí, bằng 97,84%",
            "là 132 đồng chí (do mới kết nạp dưới 06 tháng), bằng 2,16%",
            "trở lên là 5.888 đồng chí, bằng 98,63% (giảm 0,01% so với năm 2022",
            "hoàn thành xuất sắc nhiệm vụ là 847 đồng chí, đạt 14,39%",
            "hoàn thành nhiệm vụ là 67 đồng chí, bằng 1,12% (tăng 0,17% so với năm 2022)",
            "không hoàn thành nhiệm vụ là 15 đồng chí, bằng 0,25% (giảm 0,16% so với năm 2022)",
        ],
    ),
]


def test_the_sentences_read_like_the_published_report(report: Report) -> None:
    for kind, fragments in SENTENCES:
        sentence = block_sentence(report.block(kind), report)
        missing = [f for f in fragments if f not in sentence]
        assert not missing, f"{missing}\nin: {sentence}"
