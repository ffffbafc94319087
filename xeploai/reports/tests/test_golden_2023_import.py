"""Golden test: seed 004's published 2023 figures (rules.md §7.2), loaded through the import.

The counts of 2023 (published) and 2022 (built from the reconstructed rates, see
``test_golden_2023``) are written as two CSV files in the results template's columns and loaded
with ``xeploai import results`` — the way a province brings its past years in — then the
report must print every figure of the seed digit for digit, year-over-year changes included.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from django.core.management import call_command

from xeploai.cycles.models import Period
from xeploai.org.models import OrgUnit, Person
from xeploai.reports.compute import compute_report
from xeploai.reports.records import Report
from xeploai.reports.tests.factories import make_people
from xeploai.reports.tests.test_golden_2023 import (
    CELLS,
    GOLDEN,
    MEMBERS,
    SENTENCES,
    Y2022,
    Y2023,
    _check_block,
    _spread,
    _tree,
)
from xeploai.reports.wording import block_sentence
from xeploai.reviews.models import SubjectKind

pytestmark = pytest.mark.django_db

HEADER = [
    "Năm",
    "Đối tượng",
    "Mã tổ chức",
    "Số CCCD",
    "Số thẻ đảng viên",
    "Họ và tên",
    "Mức xếp loại",
    "Lý do chưa xếp loại",
]
LABELS = {kind: str(SubjectKind(kind).label) for kind in SubjectKind.values}


def _rows(
    year: int,
    counts: dict[SubjectKind, dict[str, int]],
    orgs: list[OrgUnit],
    cells: list[OrgUnit],
    people: list[Person],
) -> list[list[object]]:
    def split(bucket: str) -> tuple[str, str]:
        return ("", bucket.removeprefix("NR:")) if bucket.startswith("NR:") else (bucket, "")

    rows = []
    for kind in (SubjectKind.COMMITTEE, SubjectKind.GRASSROOTS):
        for org, bucket in zip(orgs, _spread(counts[kind]), strict=False):
            rows.append([year, LABELS[kind], org.code, "", "", "", *split(bucket)])
    for cell, bucket in zip(cells, _spread(counts[SubjectKind.CELL]), strict=False):
        rows.append([year, LABELS[SubjectKind.CELL], cell.code, "", "", "", *split(bucket)])
    codes = {c.pk: c.code for c in cells}
    for person, bucket in zip(people, _spread(counts[SubjectKind.MEMBER]), strict=False):
        rows.append(
            [
                year,
                LABELS[SubjectKind.MEMBER],
                codes[person.unit_id],
                person.citizen_id,
                "",
                "",
                *split(bucket),
            ]
        )
    return rows


@pytest.fixture
def report(tmp_path: Path) -> Report:
    root, orgs, cells = _tree()
    people = []
    for index, cell in enumerate(cells):
        size = MEMBERS // CELLS + (1 if index < MEMBERS % CELLS else 0)
        people.extend(make_people(cell, size))
    people.sort(key=lambda p: p.pk)
    for number, person in enumerate(people):
        person.citizen_id = f"0841{number:08d}"
    type(people[0]).objects.bulk_update(people, ["citizen_id"], batch_size=2000)
    for year, counts in ((2022, Y2022), (2023, Y2023)):
        path = tmp_path / f"ket-qua-{year}.csv"
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(HEADER)
            writer.writerows(_rows(year, counts, orgs, cells, people))
        call_command("import", "results", str(path))
    period = Period.objects.get(year=2023, scope_root=root)
    return compute_report(root, period, as_of=dt.date(2023, 12, 31))


def test_the_imported_2023_figures_are_the_published_ones(report: Report) -> None:
    for row in GOLDEN:
        _check_block(report, *row)
    for kind, fragments in SENTENCES:
        sentence = block_sentence(report.block(kind), report)
        missing = [f for f in fragments if f not in sentence]
        assert not missing, f"{missing}\nin: {sentence}"
